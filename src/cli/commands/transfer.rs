//! `riskreg export` and `riskreg import`.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use super::risk::{file_format, risk_format};
use super::sort_key;
use crate::cli::args::{ExportArgs, Format, ImportArgs, InputFormatArg, OnConflictArg, SplitBy};
use crate::cli::context::Ctx;
use crate::cli::output::{Out, emit_one, warn};
use crate::cli::progress::Progress;
use crate::error::{Error, Result};
use crate::io::import::{self, ImportOptions, ImportReport, InputFormat, Winner};
use crate::io::{ExportFormat, Shape};
use crate::ops;
use crate::query::{Flag, ListSpec, Query, Term, TermKind, TextField};
use crate::store::Store;
use crate::text::sanitize;

pub(crate) fn export(ctx: &Ctx, args: ExportArgs) -> Result<()> {
    if ctx.format == Some(Format::Table) {
        return Err(Error::Usage(
            "export writes csv, json, ndjson, md or xlsx; for a table use `riskreg list`".into(),
        ));
    }
    let file_out = args.output.as_deref().filter(|p| p.as_os_str() != "-");
    let format = match file_out {
        Some(path) => file_format(ctx, path)?,
        None if ctx.workbook => ExportFormat::Xlsx,
        None => ctx
            .format
            .and_then(risk_format)
            .unwrap_or(ExportFormat::Csv),
    };
    if format == ExportFormat::Xlsx && file_out.is_none() && args.output_dir.is_none() {
        return Err(Error::Usage(
            "an XLSX workbook is written to a file: give -o FILE.xlsx (or --split-by team --output-dir DIR)".into(),
        ));
    }
    if args.raw && format == ExportFormat::Xlsx {
        return Err(Error::Usage(
            "--raw is for CSV that programs read; a workbook's cells are always typed and never formulas".into(),
        ));
    }
    if args.raw && format == ExportFormat::Csv {
        warn("--raw: no BOM and no formula protection; do not open this CSV in a spreadsheet");
    }
    let columns = match &args.columns {
        None => None,
        Some(_) if matches!(format, ExportFormat::Json | ExportFormat::Ndjson) => {
            return Err(Error::Usage(
                "--columns chooses the columns of csv, xlsx and md; JSON always carries every field (pick them with jq)".into(),
            ));
        }
        Some(list) => Some(
            crate::io::pick_columns(
                list,
                <crate::domain::Risk as crate::io::Exportable>::CSV_COLUMNS,
            )
            .map_err(Error::Usage)?,
        ),
    };
    let shape = Shape {
        format,
        raw: args.raw,
        columns,
    };
    let spec = ListSpec {
        query: Query::parse_args(&args.query)?,
        all: args.all,
        sort: sort_key(args.sort),
        limit: None,
    };
    let store = ctx.open_existing()?;
    match (args.split_by, args.output_dir, args.output) {
        (Some(SplitBy::Team), Some(dir), _) => {
            split_by_team(ctx, &store, &spec, &shape, &dir, args.force)
        }
        (_, _, Some(path)) if path.as_os_str() != "-" => {
            let n = to_file(ctx, &store, &spec, &shape, &path, args.force)?;
            if ctx.term.stderr {
                eprintln!(
                    "wrote {} to {}",
                    crate::domain::figures::count(n, "risk", "risks"),
                    sanitize(&path.display().to_string())
                );
            }
            Ok(())
        }
        _ => {
            let mut out = Out::raw_text(ctx);
            write_risks(ctx, &store, &spec, &shape, out.writer())?;
            out.finish()
        }
    }
}

/// Progress on stderr while exporting, when stderr is a terminal.
fn progress(ctx: &Ctx, store: &Store, spec: &ListSpec) -> Result<Progress> {
    let total = if ctx.term.stderr {
        Some(store.count_risks(spec, ctx.clock.today)?)
    } else {
        None
    };
    Ok(Progress::new("exporting", total, ctx.term.stderr))
}

/// Streams the selected risks to `w`; returns how many were written.
fn write_risks<W: Write>(
    ctx: &Ctx,
    store: &Store,
    spec: &ListSpec,
    shape: &Shape,
    w: W,
) -> Result<u64> {
    let mut progress = progress(ctx, store, spec)?;
    let n = ops::write_risks(
        store,
        spec,
        ctx.clock.today,
        shape,
        w,
        "cannot write to standard output",
        &mut |n| progress.set(n),
    )?;
    progress.finish();
    Ok(n)
}

fn to_file(
    ctx: &Ctx,
    store: &Store,
    spec: &ListSpec,
    shape: &Shape,
    path: &Path,
    force: bool,
) -> Result<u64> {
    let mut progress = progress(ctx, store, spec)?;
    let n = ops::export_file(store, spec, ctx.clock.today, shape, path, force, &mut |n| {
        progress.set(n)
    })?;
    progress.finish();
    Ok(n)
}

/// A team name as a file name: letters, digits, `-`, `_` and `.` kept, the rest `_`.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = stem.trim_start_matches('.');
    if stem.is_empty() {
        "team".into()
    } else {
        stem.to_string()
    }
}

fn split_by_team(
    ctx: &Ctx,
    store: &Store,
    spec: &ListSpec,
    shape: &Shape,
    dir: &Path,
    force: bool,
) -> Result<()> {
    let format = shape.format;
    let mut groups: Vec<(String, ListSpec)> = Vec::new();
    let with = |kind: TermKind| {
        let mut s = spec.clone();
        s.query.terms.push(Term {
            negated: false,
            kind,
            position: 0,
        });
        s
    };
    for team in store.teams()? {
        groups.push((
            team.name.clone(),
            with(TermKind::Match(TextField::Team, vec![team.name])),
        ));
    }
    groups.push(("unowned".into(), with(TermKind::Flag(Flag::Unowned))));
    let mut planned: Vec<(PathBuf, ListSpec)> = Vec::new();
    let mut used = HashSet::new();
    for (name, group) in groups {
        if store.count_risks(&group, ctx.clock.today)? == 0 {
            continue;
        }
        let stem = file_stem(&name);
        let mut file = format!("{stem}.{}", format.extension());
        let mut k = 2;
        while !used.insert(file.to_lowercase()) {
            file = format!("{stem}-{k}.{}", format.extension());
            k += 1;
        }
        planned.push((dir.join(file), group));
    }
    if !force && let Some((existing, _)) = planned.iter().find(|(p, _)| p.exists()) {
        return Err(Error::OutputExists {
            path: existing.clone(),
        });
    }
    let created = create_private_dir(dir)?;
    let total = if ctx.term.stderr {
        Some(store.count_risks(spec, ctx.clock.today)?)
    } else {
        None
    };
    let mut progress = Progress::new("exporting", total, ctx.term.stderr);
    let counts = ops::export_files(
        store,
        &planned,
        ctx.clock.today,
        shape,
        force,
        created.then_some(dir),
        &mut |n| progress.set(n),
    )?;
    progress.finish();
    let summary: Vec<serde_json::Value> = planned
        .iter()
        .zip(counts)
        .map(|((path, _), n)| serde_json::json!({"file": path.display().to_string(), "risks": n}))
        .collect();
    emit_one(
        ctx,
        &serde_json::json!({"schema_version": 1, "files": summary}),
        || {
            summary
                .iter()
                .map(|s| {
                    format!(
                        "{}\t{}\n",
                        s["risks"],
                        sanitize(s["file"].as_str().unwrap_or(""))
                    )
                })
                .collect()
        },
    )
}

/// Creates the directory for a split export, private (0700) like every file riskreg writes;
/// whether it was created (and so may be removed if the export fails).
fn create_private_dir(dir: &Path) -> Result<bool> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(false);
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| Error::CannotCreate {
            path: dir.to_path_buf(),
            message: e.to_string(),
        })?;
    Ok(true)
}

pub(crate) fn import(ctx: &Ctx, args: ImportArgs) -> Result<()> {
    let from_stdin = args.file.as_os_str() == "-";
    let hint = match args.input_format {
        Some(InputFormatArg::Csv) => Some(InputFormat::Csv),
        Some(InputFormatArg::Json) => Some(InputFormat::Json),
        Some(InputFormatArg::Xlsx) => Some(InputFormat::Workbook),
        None if from_stdin => None,
        None => match ExportFormat::from_path(&args.file) {
            Some(ExportFormat::Json | ExportFormat::Ndjson) => Some(InputFormat::Json),
            Some(ExportFormat::Csv) => Some(InputFormat::Csv),
            // The content says: a workbook is a zip archive, whatever its name.
            _ => None,
        },
    };
    let (reader, source): (Box<dyn BufRead>, String) = if from_stdin {
        (
            Box::new(BufReader::new(std::io::stdin().lock())),
            "stdin".into(),
        )
    } else {
        let file = File::open(&args.file).map_err(|e| Error::input(&args.file, e))?;
        (
            Box::new(BufReader::with_capacity(256 * 1024, file)),
            args.file.display().to_string(),
        )
    };
    let options = ImportOptions {
        dry_run: args.dry_run,
        ignore_unknown: args.ignore_unknown,
        note: format!("import of {source}"),
        on_conflict: args.on_conflict.map(|w| match w {
            OnConflictArg::Sheet => Winner::Sheet,
            OnConflictArg::Register => Winner::Register,
        }),
    };
    let mut store = ctx.open_for_write()?;
    let mut progress = Progress::new("importing", None, ctx.term.stderr);
    let report = import::import(&mut store, &ctx.stamp(), reader, hint, &options, &mut |n| {
        progress.set(n)
    })?;
    progress.finish();
    emit_one(ctx, &report, || summary(&report))
}

/// What an import did, then what its workbook's second sheet did.
fn summary(r: &ImportReport) -> String {
    let mut s = summary_of(r);
    if let Some(actions) = &r.actions {
        s.push_str(&summary_of(actions));
    }
    if r.dry_run {
        s.push_str("dry run: nothing was written\n");
    }
    s
}

/// What one input (or one sheet) did.
fn summary_of(r: &ImportReport) -> String {
    let verb = if r.dry_run {
        "would import"
    } else {
        "imported"
    };
    let from = r
        .sheet
        .as_deref()
        .map(|name| format!(" from sheet {}", sanitize(name)))
        .unwrap_or_default();
    let mut s = format!(
        "{verb} {} of {}s{from}: {} created, {} updated, {} unchanged\n",
        crate::domain::figures::count(r.rows, "row", "rows"),
        r.records,
        r.created,
        r.updated,
        r.unchanged
    );
    let create = if r.dry_run { "would create" } else { "created" };
    if !r.teams_created.is_empty() {
        s.push_str(&format!(
            "{create} teams: {}\n",
            sanitize(&r.teams_created.join(", "))
        ));
    }
    if !r.milestones_created.is_empty() {
        s.push_str(&format!(
            "{create} milestones: {}\n",
            sanitize(&r.milestones_created.join(", "))
        ));
    }
    for n in &r.renumbered {
        s.push_str(&format!(
            "line {}: {} {} was deleted earlier and ids are never reused; {} it as {} {}\n",
            n.line,
            r.records,
            n.requested_id,
            if r.dry_run { "would create" } else { "created" },
            r.records,
            n.id
        ));
    }
    use super::shown;
    if r.dry_run {
        for c in &r.changes {
            s.push_str(&format!(
                "row {}: risk {} {}: {} → {}\n",
                c.row,
                c.risk,
                c.field,
                shown(&c.old),
                shown(&c.new)
            ));
        }
    }
    for w in &r.warnings {
        s.push_str(&format!(
            "warning: row {}: risk {} {}: kept {}; the file's {} is {} (a spreadsheet's reformatting, not an edit)\n",
            w.row,
            w.risk,
            w.field,
            shown(&w.register),
            shown(&w.sheet),
            w.reason
        ));
    }
    for c in &r.conflicts {
        let (kept, other, whose) = match c.kept {
            Some(Winner::Register) => (&c.register, &c.sheet, "the register's"),
            _ => (&c.sheet, &c.register, "the file's"),
        };
        s.push_str(&format!(
            "row {}: risk {} {} changed on both sides since the export: kept {whose} {} over {}\n",
            c.row,
            c.risk,
            c.field,
            shown(kept),
            shown(other)
        ));
    }
    if let Some(by) = r.separated_by {
        s.push_str(&format!(
            "read as separated by {by}, as the header line is (a spreadsheet's regional CSV)\n"
        ));
    }
    if !r.ignored_columns.is_empty() {
        s.push_str(&format!(
            "ignored columns: {}\n",
            sanitize(&r.ignored_columns.join(", "))
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_names_become_safe_file_names() {
        assert_eq!(file_stem("team03"), "team03");
        assert_eq!(file_stem("Data Eng/EU"), "Data_Eng_EU");
        assert_eq!(file_stem("../etc"), "_etc");
        assert_eq!(file_stem("..."), "team");
    }
}
