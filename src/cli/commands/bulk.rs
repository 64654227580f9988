//! The shell of changes to many (`--where`): which items a query selects, and what the change
//! did or would do to each, as text or JSON. Without `--yes` nothing is written.

use super::shown;
use crate::cli::context::Ctx;
use crate::cli::output::{emit_one, warn};
use crate::ops::BulkOutcome;
use crate::text::sanitize_line;

/// How a change to many was asked for: the command and its query, to show how to apply it.
pub(super) struct Asked<'a> {
    pub command: &'a str,
    pub query: &'a str,
}

/// Prints the outcome: each item with its changes; a preview ends with how to apply it.
pub(super) fn report(
    ctx: &Ctx,
    outcome: &BulkOutcome,
    asked: &Asked<'_>,
) -> crate::error::Result<()> {
    if outcome.count == 0 && ctx.term.stderr {
        warn(&format!(
            "--where '{}' selects no {}s; nothing to change",
            asked.query, outcome.entity
        ));
    }
    emit_one(ctx, outcome, || text(outcome, asked))
}

fn text(outcome: &BulkOutcome, asked: &Asked<'_>) -> String {
    let entity = outcome.entity;
    let plural = |n: usize| {
        if n == 1 {
            entity.to_string()
        } else {
            format!("{entity}s")
        }
    };
    let mut out = if outcome.dry_run {
        format!(
            "{} --where '{}' selects {} {}; nothing is changed yet:\n",
            asked.command,
            sanitize_line(asked.query),
            outcome.count,
            plural(outcome.count)
        )
    } else {
        format!(
            "changed {} of {} {}:\n",
            outcome.changed(),
            outcome.count,
            plural(outcome.count)
        )
    };
    for item in &outcome.items {
        let head = format!("  {entity} {} \"{}\"", item.id, shown(&item.title));
        if item.changes.is_empty() {
            out.push_str(&format!("{head}: no changes\n"));
            continue;
        }
        let changes: Vec<String> = item
            .changes
            .iter()
            .map(|c| match c.field {
                "deleted" => "deleted".to_string(),
                "reviewed" => format!("reviewed; next review {}", shown(&c.new)),
                "comment" => format!("comment \"{}\"", shown(&c.new)),
                field => format!("{field}: {} → {}", shown(&c.old), shown(&c.new)),
            })
            .collect();
        out.push_str(&format!("{head}: {}\n", changes.join("; ")));
    }
    if outcome.dry_run && outcome.count > 0 {
        out.push_str(&format!(
            "Run the same command with --yes to apply it to these {} (one transaction: all or none).\n",
            plural(outcome.count)
        ));
    }
    out
}
