//! add, list, show, edit, review, delete.

use std::io::{BufRead, Write};
use std::path::Path;

use super::{bulk, field_patch, parse_id, shown, sort_key, with_flag_hint};
use crate::cli::args::{AddArgs, DeleteArgs, EditArgs, Format, ListArgs, ReviewArgs, Target};
use crate::cli::context::Ctx;
use crate::cli::output::{Out, emit_one, warn};
use crate::cli::table;
use crate::domain::detail::{RiskDetail, Tone};
use crate::domain::figures;
use crate::domain::lifecycle::{Rules, is_review_due};
use crate::domain::{EventKind, Impact, Likelihood, Risk, RiskFields, validate};
use crate::error::{Error, Result};
use crate::io::table::{Cell, Column, Table};
use crate::io::{ExportFormat, RiskWriter};
use crate::ops::{self, RiskChange};
use crate::query::{ListSpec, Query};
use crate::store::NewRisk;
use crate::text::{sanitize, sanitize_line};

fn levels(l: u8, i: u8) -> Result<(Likelihood, Impact)> {
    let bad = || Error::Internal("clap let an out-of-range level through".into());
    Ok((
        Likelihood::new(l).ok_or_else(bad)?,
        Impact::new(i).ok_or_else(bad)?,
    ))
}

pub(crate) fn add(ctx: &Ctx, args: AddArgs) -> Result<()> {
    let raw_title = args.title.or(args.title_flag).unwrap_or_default();
    let title = validate::title(&raw_title)?;
    let (likelihood, impact) = levels(args.likelihood, args.impact)?;
    let patch = field_patch(ctx, &args.fields)?;
    let fields = RiskFields::new(title, likelihood, impact).patched(&patch);
    let note = history_note(args.fields.note.as_deref())?;
    let mut store = ctx.open_for_write()?;
    let id = store
        .write(&ctx.stamp(), |tx| {
            tx.create_risk(
                NewRisk {
                    fields,
                    id: None,
                    created_at: None,
                },
                Rules::Interactive,
                EventKind::Create,
                &note,
            )
        })
        .map_err(with_flag_hint)?;
    let risk = store.risk(id)?;
    emit_one(ctx, &risk, || format!("{id}\n"))
}

/// The risks a command is about: one by id, or every one a `--where` query selects (in
/// priority order).
enum Selected {
    One(i64),
    Many { query: String, ids: Vec<i64> },
}

fn selected(ctx: &Ctx, store: &crate::store::Store, target: &Target) -> Result<Selected> {
    match (&target.id, &target.where_query) {
        (Some(id), _) => Ok(Selected::One(parse_id(id)?)),
        (None, Some(query)) => {
            let spec = ListSpec {
                query: Query::parse(query)?,
                ..ListSpec::default()
            };
            let ids = store.risk_ids(&spec, ctx.clock.today)?;
            Ok(Selected::Many {
                query: query.clone(),
                ids,
            })
        }
        (None, None) => Err(Error::Usage(
            "give a risk's id, or --where QUERY for every risk it selects".into(),
        )),
    }
}

/// Applies (with `--yes`) or previews a change to every risk a `--where` query selected.
fn change_many(
    ctx: &Ctx,
    store: &mut crate::store::Store,
    (query, ids): (&str, &[i64]),
    command: &str,
    change: RiskChange<'_>,
    note: &str,
    yes: bool,
) -> Result<()> {
    let outcome =
        ops::change_risks(store, &ctx.stamp(), ids, change, note, yes).map_err(with_flag_hint)?;
    bulk::report(ctx, &outcome, &bulk::Asked { command, query })
}

pub(crate) fn edit(ctx: &Ctx, args: EditArgs) -> Result<()> {
    let mut patch = field_patch(ctx, &args.fields)?;
    patch.title = args.title.as_deref().map(validate::title).transpose()?;
    patch.likelihood = args.likelihood.and_then(Likelihood::new);
    patch.impact = args.impact.and_then(Impact::new);
    patch.remove_tags = validate::tags(args.untag.iter().map(String::as_str))?;
    let note = history_note(args.fields.note.as_deref())?;
    if patch.is_empty() && note.is_empty() {
        return Err(Error::Usage(
            "nothing to change: give at least one field, e.g. --owner NAME, or --note TEXT to comment (see `riskreg edit --help`)".into(),
        ));
    }
    let mut store = ctx.open_existing()?;
    let id = match selected(ctx, &store, &args.target)? {
        Selected::One(id) => id,
        Selected::Many { query, ids } => {
            let change = if patch.is_empty() {
                RiskChange::Comment
            } else {
                RiskChange::Edit(&patch)
            };
            return change_many(
                ctx,
                &mut store,
                (&query, &ids),
                "edit",
                change,
                &note,
                args.target.yes,
            );
        }
    };
    if patch.is_empty() {
        // Only a note: what was said is kept as a comment.
        return super::notes::record_comment(ctx, &mut store, id, &note, args.expect_revision);
    }
    let edit = store
        .write(&ctx.stamp(), |tx| {
            tx.update_risk(id, args.expect_revision, &patch, Rules::Interactive, &note)
        })
        .map_err(with_flag_hint)?;
    emit_one(ctx, &edit.risk, || {
        if edit.changes.is_empty() {
            return format!("risk {id}: no changes (revision {})\n", edit.risk.revision);
        }
        let mut text = format!("risk {id}: revision {}\n", edit.risk.revision);
        for c in &edit.changes {
            text.push_str(&format!(
                "  {}: {} → {}\n",
                c.field.name(),
                shown(&c.old),
                shown(&c.new)
            ));
        }
        text
    })
}

/// A `--note` for history, checked like a one-line field; none is "".
pub(super) fn history_note(note: Option<&str>) -> Result<String> {
    Ok(note.map(validate::note).transpose()?.unwrap_or_default())
}

pub(crate) fn review(ctx: &Ctx, args: ReviewArgs) -> Result<()> {
    let note = history_note(args.note.as_deref())?;
    let mut store = ctx.open_existing()?;
    let id = match selected(ctx, &store, &args.target)? {
        Selected::One(id) => id,
        Selected::Many { query, ids } => {
            return change_many(
                ctx,
                &mut store,
                (&query, &ids),
                "review",
                RiskChange::Review,
                &note,
                args.target.yes,
            );
        }
    };
    let risk = store.write(&ctx.stamp(), |tx| tx.review_risk(id, &note))?;
    emit_one(ctx, &risk, || {
        format!(
            "reviewed risk {id}; next review {} (revision {})\n",
            risk.fields
                .next_review
                .map(|d| d.to_string())
                .unwrap_or_default(),
            risk.revision
        )
    })
}

pub(crate) fn delete(ctx: &Ctx, args: DeleteArgs) -> Result<()> {
    let note = history_note(args.note.as_deref())?;
    let mut store = ctx.open_existing()?;
    let yes = args.target.yes;
    let id = match selected(ctx, &store, &args.target)? {
        Selected::One(id) => id,
        Selected::Many { query, ids } => {
            return change_many(
                ctx,
                &mut store,
                (&query, &ids),
                "delete",
                RiskChange::Delete,
                &note,
                yes,
            );
        }
    };
    if !yes {
        let risk = store.risk(id)?;
        if !(ctx.term.stdin && ctx.term.stderr) {
            return Err(Error::Usage(format!(
                "refusing to delete risk {id} without confirmation: pass --yes (stdin is not a terminal, so riskreg cannot ask)"
            )));
        }
        if !confirm(&format!(
            "Delete risk {id} \"{}\" and its actions? Their history is kept. [y/N] ",
            sanitize(&risk.fields.title)
        ))? {
            return Err(Error::Refused {
                code: "cancelled",
                message: "not deleted".into(),
            });
        }
    }
    let risk = store.write(&ctx.stamp(), |tx| tx.delete_risk(id, &note))?;
    emit_one(ctx, &risk, || {
        format!(
            "deleted risk {id} \"{}\" (its history is kept)\n",
            sanitize(&risk.fields.title)
        )
    })
}

pub(super) fn confirm(prompt: &str) -> Result<bool> {
    let mut err = std::io::stderr().lock();
    write!(err, "{prompt}")
        .and_then(|()| err.flush())
        .map_err(|e| Error::io("cannot ask for confirmation", e))?;
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Error::io("cannot read the answer", e))?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}

pub(crate) fn risk_format(format: Format) -> Option<ExportFormat> {
    match format {
        Format::Table => None,
        Format::Json => Some(ExportFormat::Json),
        Format::Ndjson => Some(ExportFormat::Ndjson),
        Format::Csv => Some(ExportFormat::Csv),
        Format::Md => Some(ExportFormat::Markdown),
    }
}

/// The format a file `-o path` is written in: the file name's extension and `--format`
/// must agree when both name one; either alone decides; neither means CSV. A spreadsheet
/// extension that riskreg does not write (.xls, .ods) is refused rather than filled with CSV.
pub(crate) fn file_format(ctx: &Ctx, path: &Path) -> Result<ExportFormat> {
    let asked = if ctx.workbook {
        Some(ExportFormat::Xlsx)
    } else {
        ctx.format.and_then(risk_format)
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match (asked, ExportFormat::from_path(path)) {
        (Some(a), Some(named)) if a != named => Err(Error::Usage(format!(
            "--format {} contradicts the file name {} (a .{} file); drop --format, or name the file .{}",
            a.extension(),
            sanitize_line(&path.display().to_string()),
            named.extension(),
            a.extension()
        ))),
        (Some(a), _) => Ok(a),
        (None, Some(named)) => Ok(named),
        (None, None) => match ext.as_deref() {
            Some(e @ ("xls" | "xlsm" | "ods")) => Err(Error::Usage(format!(
                "riskreg does not write .{e} files; name the file .xlsx (Excel, LibreOffice and Sheets open it) or .csv"
            ))),
            _ => Ok(ExportFormat::Csv),
        },
    }
}

pub(crate) fn list(ctx: &Ctx, args: ListArgs) -> Result<()> {
    let spec = ListSpec {
        query: Query::parse_args(&args.query)?,
        all: args.all,
        sort: sort_key(args.sort),
        limit: args.limit,
    };
    let (store, today) = ctx.open_as_of(args.as_of.as_deref())?;
    if let Some(format) = risk_format(ctx.format()) {
        let mut out = Out::raw_text(ctx);
        let mut writer = RiskWriter::new(format, out.writer(), false).map_err(Out::error)?;
        store.for_each_risk(&spec, today, |r| writer.write(&r).map_err(Out::error))?;
        writer.finish().map_err(Out::error)?;
        return out.finish();
    }
    let mut out = Out::new();
    let mut t = risk_table();
    let mut any_estimates = false;
    store.for_each_risk(&spec, today, |r| {
        any_estimates |= r.fields.bad_minutes_per_year().is_some();
        t.push(risk_row(&r, today));
        Ok(())
    })?;
    if !any_estimates {
        // The bad-minutes column only when some listed risk has estimates.
        t.columns.pop();
        for row in &mut t.rows {
            row.pop();
        }
    }
    if t.rows.is_empty() {
        if ctx.term.stdout {
            warn("no risks match; closed and mitigated risks need --all or a status: term");
        }
        return out.finish();
    }
    out.write_str(&table::render(&t, ctx.width, ctx.color))?;
    if ctx.term.stdout
        && let Some(limit) = spec.limit
        && t.rows.len() as u64 == limit
    {
        let total = store.count_risks(&spec, today)?;
        if total > limit {
            out.line(&format!(
                "({limit} of {total} shown; raise --limit for more)"
            ))?;
        }
    }
    out.finish()
}

fn risk_table() -> Table {
    Table::new(vec![
        Column::right("ID"),
        Column::right("SCORE"),
        Column::optional("L"),
        Column::optional("I"),
        Column::left("TITLE", 12, 4),
        Column::left("TEAM", 6, 1),
        Column::left("MILESTONE", 6, 1),
        Column::left("STATUS", 10, 0),
        Column::left("OWNER", 5, 1),
        Column::left("REVIEW", 0, 0),
        Column::optional("BM/YR"),
    ])
}

fn risk_row(r: &Risk, today: jiff::civil::Date) -> Vec<Cell> {
    let f = &r.fields;
    let review = match f.next_review {
        Some(d) if is_review_due(f, today) => format!("{d}!"),
        Some(d) => d.to_string(),
        None => String::new(),
    };
    vec![
        Cell::plain(r.id),
        Cell::Banded(r.score().to_string(), r.band),
        Cell::plain(f.likelihood),
        Cell::plain(f.impact),
        Cell::text(&f.title),
        Cell::text(f.team.as_deref().unwrap_or("-")),
        Cell::text(f.milestone.as_deref().unwrap_or("-")),
        Cell::plain(f.status),
        Cell::text(&f.owner),
        Cell::plain(review),
        Cell::plain(
            f.bad_minutes_per_year()
                .map(figures::minutes)
                .unwrap_or_default(),
        ),
    ]
}

pub(crate) fn show(ctx: &Ctx, id: &str, as_of: Option<&str>) -> Result<()> {
    let id = parse_id(id)?;
    let (store, today) = ctx.open_as_of(as_of)?;
    let risk = store.risk(id)?;
    if let Some(format @ (crate::io::ExportFormat::Csv | crate::io::ExportFormat::Markdown)) =
        risk_format(ctx.format())
    {
        let mut out = Out::raw_text(ctx);
        let mut writer = RiskWriter::new(format, out.writer(), false).map_err(Out::error)?;
        writer.write(&risk).map_err(Out::error)?;
        writer.finish().map_err(Out::error)?;
        return out.finish();
    }
    let record = store.risk_record(id, 5, 3)?;
    let detail = record.detail(store.settings(), today);
    emit_one(ctx, &risk, || page(&detail, ctx.color))
}

/// The `show` page: every fact on its own line, then the description, incidents, actions,
/// links, the latest comments and the latest history.
fn page(d: &RiskDetail, color: bool) -> String {
    let mut page = format!("Risk {}: {}\n", d.id, d.title);
    for fact in &d.facts {
        let value = match fact.tone {
            Tone::Band(band) => table::paint(&fact.value, table::band_style(band), color),
            _ => fact.value.clone(),
        };
        page.push_str(&format!("  {:<12} {value}\n", fact.label));
    }
    for w in &d.warnings {
        page.push_str(&format!("  {w}\n"));
    }
    if !d.description.is_empty() {
        page.push_str("\nDescription\n");
        for line in d.description.lines() {
            page.push_str(&format!("  {line}\n"));
        }
    }
    if !d.incidents.is_empty() {
        page.push_str("\nIncidents\n");
        for i in &d.incidents {
            page.push_str(&format!("  {i}\n"));
        }
    }
    if !d.actions.is_empty() {
        page.push_str("\nActions\n");
        for (line, overdue) in &d.actions {
            let line = if *overdue {
                table::paint(
                    line,
                    table::band_style(crate::scoring::Band::Critical),
                    color,
                )
            } else {
                line.clone()
            };
            page.push_str(&format!("  {line}\n"));
        }
    }
    if !d.links.is_empty() {
        page.push_str("\nLinks\n");
        for l in &d.links {
            page.push_str(&format!("  {l}\n"));
        }
    }
    if !d.comments.is_empty() {
        page.push_str("\nComments\n");
        for (at, actor, text) in &d.comments {
            page.push_str(&format!("  {at}  {actor}  {text}\n"));
        }
    }
    if !d.history.is_empty() {
        page.push_str("\nRecent history\n");
        for (at, actor, what) in &d.history {
            page.push_str(&format!("  {at}  {actor}  {what}\n"));
        }
    }
    page
}
