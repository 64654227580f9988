//! action add, list, show, edit, done, delete: the work that retires a risk.

use super::risk::{confirm, file_format, history_note, risk_format};
use super::{bulk, parse_id, parse_id_of, shown};
use crate::cli::args::{ActionCommand, ActionFieldArgs, ActionListArgs, Format};
use crate::cli::context::Ctx;
use crate::cli::output::{Out, emit_one, warn};
use crate::cli::table;
use crate::domain::actions::{Action, ActionField, ActionFields, ActionPatch, ActionStatus};
use crate::domain::detail::describe_event;
use crate::domain::validate;
use crate::error::{Error, Result};
use crate::io::table::{Cell, Column, Table};
use crate::io::{ActionWriter, ExportFormat};
use crate::ops;
use crate::query::{ActionQuery, ActionSpec};
use crate::store::EventFilter;
use crate::text::sanitize;

pub(crate) fn action(ctx: &Ctx, command: ActionCommand) -> Result<()> {
    match command {
        ActionCommand::Add {
            risk,
            title,
            fields,
        } => add(ctx, &risk, &title, &fields),
        ActionCommand::List(args) => list(ctx, &args),
        ActionCommand::Show { id } => show(ctx, &id),
        ActionCommand::Edit {
            id,
            title,
            fields,
            expect_revision,
        } => edit(ctx, &id, title.as_deref(), &fields, expect_revision),
        ActionCommand::Done {
            id,
            where_query,
            yes,
            note,
            expect_revision,
        } => {
            let note = history_note(note.as_deref())?;
            match (id, where_query) {
                (Some(id), _) => done(ctx, &id, &note, expect_revision),
                (None, Some(query)) => done_where(ctx, &query, &note, yes),
                (None, None) => Err(Error::Usage(
                    "give an action's id, or --where QUERY for every action it selects".into(),
                )),
            }
        }
        ActionCommand::Delete {
            id,
            yes,
            note,
            expect_revision,
        } => delete(ctx, &id, yes, note.as_deref(), expect_revision),
    }
}

fn action_id(s: &str) -> Result<i64> {
    parse_id_of("action", s)
}

/// The add/edit flags as a validated patch (the same validation as import and the TUI).
fn patch(title: Option<&str>, args: &ActionFieldArgs) -> Result<ActionPatch> {
    let mut patch = ActionPatch::default();
    let given = [
        (ActionField::Title, title),
        (ActionField::Status, args.status.as_deref()),
        (ActionField::Owner, args.owner.as_deref()),
        (ActionField::Team, args.team.as_deref()),
        (ActionField::Milestone, args.milestone.as_deref()),
        (ActionField::Due, args.due.as_deref()),
        (ActionField::Link, args.link.as_deref()),
        (ActionField::Kind, args.kind.as_deref()),
        (ActionField::Incident, args.incident.as_deref()),
    ];
    for (field, value) in given {
        if let Some(text) = value {
            patch.set_from_text(field, text)?;
        }
    }
    Ok(patch)
}

fn add(ctx: &Ctx, risk: &str, title: &str, args: &ActionFieldArgs) -> Result<()> {
    let risk = parse_id(risk)?;
    let title = validate::title(title)?;
    let fields = ActionFields::new(risk, title).patched(&patch(None, args)?);
    let note = history_note(args.note.as_deref())?;
    let mut store = ctx.open_existing()?;
    let id = store.write(&ctx.stamp(), |tx| tx.create_action(fields, None, &note))?;
    let action = store.action(id)?;
    emit_one(ctx, &action, || format!("{id}\n"))
}

fn edit(
    ctx: &Ctx,
    id: &str,
    title: Option<&str>,
    args: &ActionFieldArgs,
    expected: Option<i64>,
) -> Result<()> {
    let id = action_id(id)?;
    let patch = patch(title, args)?;
    if patch.is_empty() {
        return Err(Error::Usage(
            "nothing to change: give at least one field, e.g. --owner NAME (see `riskreg action edit --help`)".into(),
        ));
    }
    let note = history_note(args.note.as_deref())?;
    apply(ctx, id, &patch, &note, expected)
}

/// Applies `patch` to action `id` and prints what changed.
fn apply(ctx: &Ctx, id: i64, patch: &ActionPatch, note: &str, expected: Option<i64>) -> Result<()> {
    let mut store = ctx.open_existing()?;
    let edit = store.write(&ctx.stamp(), |tx| {
        tx.update_action(id, expected, patch, note)
    })?;
    emit_one(ctx, &edit.action, || {
        let revision = edit.action.revision;
        if edit.changes.is_empty() {
            return format!("action {id}: no changes (revision {revision})\n");
        }
        let mut text = format!("action {id}: revision {revision}\n");
        for (field, old, new) in &edit.changes {
            text.push_str(&format!(
                "  {}: {} → {}\n",
                field.name(),
                shown(old),
                shown(new)
            ));
        }
        text
    })
}

fn done(ctx: &Ctx, id: &str, note: &str, expected: Option<i64>) -> Result<()> {
    let id = action_id(id)?;
    let patch = ActionPatch {
        status: Some(ActionStatus::Done),
        ..ActionPatch::default()
    };
    apply(ctx, id, &patch, note, expected)
}

fn done_where(ctx: &Ctx, query: &str, note: &str, yes: bool) -> Result<()> {
    let spec = ActionSpec {
        query: ActionQuery::parse(query)?,
        ..ActionSpec::default()
    };
    let mut store = ctx.open_existing()?;
    let ids = store.action_ids(&spec, ctx.clock.today)?;
    let outcome = ops::finish_actions(&mut store, &ctx.stamp(), &ids, note, yes)?;
    bulk::report(
        ctx,
        &outcome,
        &bulk::Asked {
            command: "action done",
            query,
        },
    )
}

fn delete(ctx: &Ctx, id: &str, yes: bool, note: Option<&str>, expected: Option<i64>) -> Result<()> {
    let id = action_id(id)?;
    let note = history_note(note)?;
    let mut store = ctx.open_existing()?;
    if !yes {
        let action = store.action(id)?;
        if !(ctx.term.stdin && ctx.term.stderr) {
            return Err(Error::Usage(format!(
                "refusing to delete action {id} without confirmation: pass --yes (stdin is not a terminal, so riskreg cannot ask)"
            )));
        }
        if !confirm(&format!(
            "Delete action {id} \"{}\"? Its history is kept. [y/N] ",
            sanitize(&action.fields.title)
        ))? {
            return Err(Error::Refused {
                code: "cancelled",
                message: "not deleted".into(),
            });
        }
    }
    let action = store.write(&ctx.stamp(), |tx| tx.delete_action(id, expected, &note))?;
    emit_one(ctx, &action, || {
        format!(
            "deleted action {id} \"{}\" (its history is kept)\n",
            sanitize(&action.fields.title)
        )
    })
}

fn list(ctx: &Ctx, args: &ActionListArgs) -> Result<()> {
    let spec = ActionSpec {
        query: ActionQuery::parse_args(&args.query)?,
        all: args.all,
        limit: args.limit,
    };
    let store = ctx.open_existing()?;
    let today = ctx.clock.today;
    if let Some(path) = &args.output
        && path.as_os_str() != "-"
    {
        let format = file_format(ctx, path)?;
        let n = ops::export_actions(&store, &spec, today, format, path, args.force)?;
        if ctx.term.stderr {
            warn(&format!(
                "wrote {} to {}",
                crate::domain::figures::count(n, "action", "actions"),
                path.display()
            ));
        }
        return Ok(());
    }
    if let Some(format) = risk_format(ctx.format()) {
        let mut out = Out::raw_text(ctx);
        let mut writer = ActionWriter::new(format, out.writer(), false).map_err(Out::error)?;
        store.for_each_action(&spec, today, |a| writer.write(&a).map_err(Out::error))?;
        writer.finish().map_err(Out::error)?;
        return out.finish();
    }
    let mut t = action_table();
    store.for_each_action(&spec, today, |a| {
        t.push(action_row(&a, today));
        Ok(())
    })?;
    let mut out = Out::new();
    if t.rows.is_empty() {
        if ctx.term.stdout {
            warn("no actions match; done and dropped actions need --all or a status: term");
        }
        return out.finish();
    }
    out.write_str(&table::render(&t, ctx.width, ctx.color))?;
    out.finish()
}

fn action_table() -> Table {
    Table::new(vec![
        Column::right("ID"),
        Column::left("DUE", 11, 0),
        Column::right("RISK"),
        Column::left("TITLE", 12, 4),
        Column::left("STATUS", 7, 0),
        Column::left("OWNER", 5, 1),
        Column::left("TEAM", 6, 1),
        Column::left("KIND", 0, 0),
        Column::left("LINK", 0, 1),
    ])
}

fn action_row(a: &Action, today: jiff::civil::Date) -> Vec<Cell> {
    let f = &a.fields;
    let due = match a.effective_due() {
        Some(d) if a.is_overdue(today) => {
            Cell::Banded(format!("{d}!"), crate::scoring::Band::Critical)
        }
        Some(d) => Cell::plain(d),
        None => Cell::plain("-"),
    };
    vec![
        Cell::plain(a.id),
        due,
        Cell::plain(f.risk),
        Cell::text(&f.title),
        Cell::plain(f.status),
        Cell::text(&f.owner),
        Cell::text(f.team.as_deref().unwrap_or("-")),
        Cell::plain(f.kind),
        Cell::text(&f.link),
    ]
}

fn show(ctx: &Ctx, id: &str) -> Result<()> {
    let id = action_id(id)?;
    let store = ctx.open_existing()?;
    let action = store.action(id)?;
    if let Some(format @ (ExportFormat::Csv | ExportFormat::Markdown)) = risk_format(ctx.format()) {
        let mut out = Out::raw_text(ctx);
        let mut writer = ActionWriter::new(format, out.writer(), false).map_err(Out::error)?;
        writer.write(&action).map_err(Out::error)?;
        writer.finish().map_err(Out::error)?;
        return out.finish();
    }
    if ctx.format() != Format::Table {
        return emit_one(ctx, &action, String::new);
    }
    let events = store.events(&EventFilter {
        action_id: Some(id),
        limit: Some(10),
        ..EventFilter::default()
    })?;
    emit_one(ctx, &action, || page(&action, &events, ctx.clock.today))
}

fn page(a: &Action, events: &[crate::domain::Event], today: jiff::civil::Date) -> String {
    let f = &a.fields;
    let none = || "-".to_string();
    let due = match (f.due, a.effective_due()) {
        (Some(d), _) => {
            let mark = if a.is_overdue(today) {
                " (overdue)"
            } else {
                ""
            };
            format!("{d}{mark}")
        }
        (None, Some(d)) => {
            let mark = if a.is_overdue(today) { ", overdue" } else { "" };
            format!("{d} (the milestone's{mark})")
        }
        (None, None) => none(),
    };
    let facts = [
        (
            "Risk",
            format!("{} \"{}\"", f.risk, sanitize(&a.risk_title)),
        ),
        ("Status", f.status.to_string()),
        (
            "Owner",
            if f.owner.is_empty() {
                none()
            } else {
                sanitize(&f.owner).into_owned()
            },
        ),
        (
            "Team",
            f.team
                .as_deref()
                .map_or_else(none, |t| sanitize(t).into_owned()),
        ),
        (
            "Milestone",
            f.milestone
                .as_deref()
                .map_or_else(none, |m| sanitize(m).into_owned()),
        ),
        ("Due", due),
        (
            "Link",
            if f.link.is_empty() {
                none()
            } else {
                sanitize(&f.link).into_owned()
            },
        ),
        ("Kind", f.kind.to_string()),
        ("Incident", f.incident.map_or_else(none, |i| i.to_string())),
        ("Revision", a.revision.to_string()),
        ("Created", a.created_at.clone()),
        ("Updated", a.updated_at.clone()),
    ];
    let mut page = format!("Action {}: {}\n", a.id, sanitize(&f.title));
    for (label, value) in facts {
        page.push_str(&format!("  {label:<10} {value}\n"));
    }
    if !events.is_empty() {
        page.push_str("\nRecent history\n");
        for e in events {
            let note = if e.note.is_empty() {
                String::new()
            } else {
                format!(" — {}", crate::text::sanitize_line(&e.note))
            };
            page.push_str(&format!(
                "  {}  {}  {}{note}\n",
                e.at,
                sanitize(&e.actor),
                describe_event(e)
            ));
        }
    }
    page
}
