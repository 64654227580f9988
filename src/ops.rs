//! Operations both shells (CLI and TUI) run that combine the store and the pure core.

mod bulk;
mod review;

pub(crate) use bulk::{BulkOutcome, RiskChange, change_risks, finish_actions};
pub(crate) use review::{bands_at, changes, trend, window_start};

use std::io::Write;
use std::path::Path;

use jiff::civil::Date;

use crate::domain::incidents::CALIBRATION_DAYS;
use crate::domain::portfolio::{ACTIONS_DONE_DAYS, ActionSummary, Portfolio, Report, Violation};
use crate::error::{Error, Result};
use crate::io::atomic::AtomicFile;
use crate::io::{ExportFormat, Exportable, Shape, Writer};
use crate::query::{ActionQuery, ActionSpec, ListSpec};
use crate::store::{Stamp, Store};

/// One pass over the whole register: the report and the policy violations.
pub(crate) fn portfolio(store: &Store, today: Date) -> Result<(Report, Vec<Violation>)> {
    let since = today
        .checked_sub(jiff::Span::new().days(CALIBRATION_DAYS))
        .unwrap_or(today);
    let incidents = store.incidents_by_risk(since)?;
    let mut portfolio = Portfolio::new(store.settings(), today);
    let spec = ListSpec {
        all: true,
        ..ListSpec::default()
    };
    store.for_each_risk(&spec, today, |r| {
        portfolio.add(&r, incidents.get(&r.id).map_or(&[][..], Vec::as_slice));
        Ok(())
    })?;
    let overdue = ActionSpec {
        query: ActionQuery::parse("is:overdue")?,
        ..ActionSpec::default()
    };
    store.for_each_action(&overdue, today, |a| {
        portfolio.add_overdue_action(&a);
        Ok(())
    })?;
    let actions = ActionSummary::new(store.action_counts(today, ACTIONS_DONE_DAYS)?);
    Ok(portfolio.finish(&store.milestones(today)?, actions))
}

/// Streams the records `source` gives to `w` in one of the export formats; returns how many.
/// `context` names the destination in write errors; `progress` hears the count so far.
fn write_records<W: Write, T: Exportable>(
    shape: &Shape,
    w: W,
    context: &str,
    progress: &mut dyn FnMut(u64),
    source: impl FnOnce(&mut dyn FnMut(T) -> Result<()>) -> Result<()>,
) -> Result<u64> {
    let failed = |e| Error::io(context, e);
    let mut writer = Writer::<W, T>::shaped(shape, w).map_err(failed)?;
    let mut n = 0u64;
    source(&mut |record| {
        writer.write(&record).map_err(failed)?;
        n += 1;
        progress(n);
        Ok(())
    })?;
    writer.finish().map_err(failed)?.flush().map_err(failed)?;
    Ok(n)
}

/// Streams the risks `spec` selects to `w` in one of the export formats; returns how many.
pub(crate) fn write_risks<W: Write>(
    store: &Store,
    spec: &ListSpec,
    today: Date,
    shape: &Shape,
    w: W,
    context: &str,
    progress: &mut dyn FnMut(u64),
) -> Result<u64> {
    write_records(shape, w, context, progress, |each| {
        store.for_each_risk(spec, today, each)
    })
}

/// The actions `spec` selects into `path`, atomically (see [`export_file`]).
pub(crate) fn export_actions(
    store: &Store,
    spec: &ActionSpec,
    today: Date,
    format: ExportFormat,
    path: &Path,
    force: bool,
) -> Result<u64> {
    use crate::domain::actions::Action;
    let mut file = AtomicFile::create(path, force, "export")?;
    let context = format!("cannot write {}", path.display());
    let n = if format == ExportFormat::Xlsx {
        let failed = |e: std::io::Error| Error::io(&context, e);
        let mut book = workbook_for(&file).map_err(failed)?;
        let all = (0..Action::CSV_COLUMNS.len()).collect();
        let mut sheet = book.sheet::<Action>("Actions", all).map_err(failed)?;
        let mut n = 0u64;
        store.for_each_action(spec, today, |a| {
            sheet.write(&mut book, &a).map_err(failed)?;
            n += 1;
            Ok(())
        })?;
        sheet.finish(&mut book).map_err(failed)?;
        save_workbook(book, &mut file).map_err(failed)?;
        n
    } else {
        write_records(
            &Shape::of(format),
            file.writer(),
            &context,
            &mut |_| {},
            |each| store.for_each_action(spec, today, each),
        )?
    };
    file.commit()?;
    Ok(n)
}

/// A workbook to be saved into `file`, its sheets spooling beside it.
fn workbook_for(file: &AtomicFile) -> std::io::Result<crate::io::xlsx::Book> {
    let spool = match file.dest().parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    crate::io::xlsx::Book::new(&spool)
}

/// Writes `book` into `file` (not yet committed).
fn save_workbook(book: crate::io::xlsx::Book, file: &mut AtomicFile) -> std::io::Result<()> {
    let mut out = file.writer();
    book.save(&mut out)?;
    out.flush()
}

/// [`write_risks`] into several files, all or nothing: every file is written and synced
/// beside its target before the first is renamed into place, so a full disk or a failure
/// leaves none of them (and removes a directory `created` for them). Returns each file's
/// count.
pub(crate) fn export_files(
    store: &Store,
    files: &[(std::path::PathBuf, ListSpec)],
    today: Date,
    shape: &Shape,
    force: bool,
    created: Option<&Path>,
    progress: &mut dyn FnMut(u64),
) -> Result<Vec<u64>> {
    let written = (|| -> Result<(Vec<AtomicFile>, Vec<u64>)> {
        let mut pending = Vec::with_capacity(files.len());
        let mut counts = Vec::with_capacity(files.len());
        let mut done = 0u64;
        for (path, spec) in files {
            let mut file = AtomicFile::create(path, force, "export")?;
            let n = write_file(store, spec, today, shape, &mut file, &mut |n| {
                progress(done + n)
            })?;
            file.sync()?;
            done += n;
            counts.push(n);
            pending.push(file);
        }
        Ok((pending, counts))
    })();
    let remove_created = || {
        if let Some(dir) = created {
            let _ = std::fs::remove_dir(dir);
        }
    };
    let (pending, counts) = match written {
        Ok(w) => w,
        Err(e) => {
            remove_created();
            return Err(e);
        }
    };
    let mut placed: Vec<std::path::PathBuf> = Vec::new();
    for file in pending {
        let dest = file.dest().to_path_buf();
        let existed = dest.exists();
        if let Err(e) = file.persist() {
            // Take back what this export placed, so the set stays all or nothing.
            for path in &placed {
                let _ = std::fs::remove_file(path);
            }
            remove_created();
            return Err(e);
        }
        if !existed {
            placed.push(dest);
        }
    }
    Ok(counts)
}

/// [`write_risks`] into `path`, atomically: a temporary file, synced and renamed, so the
/// file is whole or untouched. An existing file is replaced only with `force`.
pub(crate) fn export_file(
    store: &Store,
    spec: &ListSpec,
    today: Date,
    shape: &Shape,
    path: &Path,
    force: bool,
    progress: &mut dyn FnMut(u64),
) -> Result<u64> {
    let mut file = AtomicFile::create(path, force, "export")?;
    let n = write_file(store, spec, today, shape, &mut file, progress)?;
    file.commit()?;
    Ok(n)
}

/// The risks `spec` selects into `file` (not yet committed): a workbook, or a stream of
/// records.
fn write_file(
    store: &Store,
    spec: &ListSpec,
    today: Date,
    shape: &Shape,
    file: &mut AtomicFile,
    progress: &mut dyn FnMut(u64),
) -> Result<u64> {
    let context = format!("cannot write {}", file.dest().display());
    if shape.format == ExportFormat::Xlsx {
        return write_workbook(store, spec, today, shape, file, &context, progress);
    }
    write_risks(store, spec, today, shape, file.writer(), &context, progress)
}

/// The risks `spec` selects as a workbook: sheet "Risks" (the columns `shape` picks, else
/// [`xlsx::RISK_ORDER`]) and, when any is open, sheet "Actions" with their open actions.
fn write_workbook(
    store: &Store,
    spec: &ListSpec,
    today: Date,
    shape: &Shape,
    file: &mut AtomicFile,
    context: &str,
    progress: &mut dyn FnMut(u64),
) -> Result<u64> {
    use crate::domain::Risk;
    use crate::domain::actions::Action;
    use crate::io::xlsx::RISK_ORDER;
    let failed = |e: std::io::Error| Error::io(context, e);
    let mut book = workbook_for(file).map_err(failed)?;
    let pick = shape.columns.clone().unwrap_or_else(|| {
        RISK_ORDER
            .iter()
            .filter_map(|name| Risk::CSV_COLUMNS.iter().position(|c| c == name))
            .collect()
    });
    let mut risks = book.sheet::<Risk>("Risks", pick).map_err(failed)?;
    let mut ids = std::collections::HashSet::new();
    let mut n = 0u64;
    store.for_each_risk(spec, today, |r| {
        risks.write(&mut book, &r).map_err(failed)?;
        ids.insert(r.id);
        n += 1;
        progress(n);
        Ok(())
    })?;
    risks.finish(&mut book).map_err(failed)?;
    let mut actions = None;
    store.for_each_action(&ActionSpec::default(), today, |a| {
        if !ids.contains(&a.fields.risk) {
            return Ok(());
        }
        if actions.is_none() {
            let all = (0..Action::CSV_COLUMNS.len()).collect();
            actions = Some(book.sheet::<Action>("Actions", all).map_err(failed)?);
        }
        if let Some(sheet) = actions.as_mut() {
            sheet.write(&mut book, &a).map_err(failed)?;
        }
        Ok(())
    })?;
    if let Some(sheet) = actions {
        sheet.finish(&mut book).map_err(failed)?;
    }
    save_workbook(book, file).map_err(failed)?;
    Ok(n)
}

/// The sample register's risks (with estimates, targets, teams, milestones, links and an
/// acceptance), the incidents that realised some of them, and the actions planned on them.
pub(crate) const SAMPLE_RISKS: &str = include_str!("../examples/sample-register.csv");
pub(crate) const SAMPLE_INCIDENTS: &str = include_str!("../examples/sample-incidents.csv");
pub(crate) const SAMPLE_ACTIONS: &str = include_str!("../examples/sample-actions.csv");

/// Loads the sample register into a register that holds nothing yet (no risks, teams or
/// milestones), in one transaction; says what it loaded. A register with anything in it is
/// refused: the sample is for a new, demo register.
pub(crate) fn load_sample(store: &mut Store, stamp: &Stamp) -> Result<String> {
    use crate::domain::figures;
    use crate::domain::incidents::{IncidentText, NewIncident};
    use crate::io::import::{self, ImportOptions, InputFormat};
    let stats = store.stats()?;
    if stats.risks > 0 || stats.teams > 0 || stats.milestones > 0 {
        return Err(Error::Refused {
            code: "not_empty",
            message: format!(
                "{} already holds risks, teams or milestones; load the sample into a new register: riskreg --db /tmp/riskreg-demo.db sample",
                store.location()
            ),
        });
    }
    let options = ImportOptions {
        note: "sample register".into(),
        ..ImportOptions::default()
    };
    let prepared = import::prepare(SAMPLE_RISKS.as_bytes(), Some(InputFormat::Csv), &options)?;
    let actions = import::prepare(SAMPLE_ACTIONS.as_bytes(), Some(InputFormat::Csv), &options)?;
    let sample_error = |e: Error| Error::Internal(format!("the built-in sample is invalid: {e}"));
    store.write(stamp, |tx| {
        let report = prepared.apply(tx, &options, &mut |_| {})?;
        let mut reader = csv::Reader::from_reader(SAMPLE_INCIDENTS.as_bytes());
        let mut incidents = 0u64;
        for row in reader.records() {
            let row = row.map_err(|e| sample_error(Error::Internal(e.to_string())))?;
            let cell = |i: usize| row.get(i).unwrap_or("");
            let new = NewIncident::from_text(&IncidentText {
                title: cell(0),
                date: cell(1),
                ttd: cell(2),
                ttr: cell(3),
                users: cell(4),
                link: cell(5),
                note: cell(6),
            })
            .map_err(|e| sample_error(e.into()))?;
            let risks: Vec<i64> = cell(7)
                .split_whitespace()
                .filter_map(|id| id.parse().ok())
                .collect();
            tx.add_incident(&new, &risks)?;
            incidents += 1;
        }
        let actions = actions.apply(tx, &options, &mut |_| {})?;
        let count = |n: usize| u64::try_from(n).unwrap_or(0);
        Ok(format!(
            "{}, {}, {}, {}, {}",
            figures::count(report.created, "risk", "risks"),
            figures::count(count(report.teams_created.len()), "team", "teams"),
            figures::count(
                count(report.milestones_created.len()),
                "milestone",
                "milestones"
            ),
            figures::count(incidents, "incident", "incidents"),
            figures::count(actions.created, "action", "actions")
        ))
    })
}
