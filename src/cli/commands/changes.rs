//! `riskreg changes [--since DATE] [--until DATE] [QUERY…] [--by team]`: the agenda of the
//! weekly review, from the register rebuilt at both ends of the window.

use std::collections::BTreeMap;

use super::super::args::{ChangesArgs, Format};
use super::super::context::{Ctx, warn_gaps};
use super::super::output::{Out, emit_one};
use super::super::table;
use crate::clock::Moment;
use crate::domain::changes::Agenda;
use crate::domain::changes::{Change, GROUPS};
use crate::domain::figures;
use crate::domain::validate;
use crate::error::{Error, Result};
use crate::io::markdown::escape_cell;
use crate::io::table::{Cell, Column, Table};
use crate::ops;
use crate::query::Query;
use crate::text::sanitize_line;

pub(crate) fn changes(ctx: &Ctx, args: &ChangesArgs) -> Result<()> {
    if ctx.format() == Format::Csv || ctx.format() == Format::Ndjson {
        return Err(Error::Usage(
            "changes prints table, md or json; `riskreg history --since DATE` lists the raw events"
                .into(),
        ));
    }
    let store = ctx.open_existing()?;
    let end = match &args.until {
        Some(t) => Moment::parse("--until", t, &ctx.clock)?,
        None => Moment {
            until: ctx.clock.now.clone(),
            today: ctx.clock.today,
        },
    };
    let since = match &args.since {
        Some(d) => validate::date("since", d)?,
        None => end.today.saturating_sub(jiff::Span::new().days(7)),
    };
    let start = ops::window_start(since, &end)?;
    let query = if args.query.is_empty() {
        None
    } else {
        Some(Query::parse_args(&args.query)?)
    };
    let (doc, gaps) = ops::changes(&store, &start, &end, since, query.as_ref())?;
    warn_gaps(&gaps);
    match ctx.format() {
        Format::Json | Format::Ndjson => emit_one(ctx, &doc, String::new),
        format => {
            let mut out = Out::new();
            out.write_str(&render(&doc, args.by.is_some(), format == Format::Md))?;
            out.finish()
        }
    }
}

/// The agenda as text or Markdown: one section per group (per team first with `by_team`).
fn render(doc: &Agenda, by_team: bool, md: bool) -> String {
    let text = |s: &str| {
        if md {
            escape_cell(s)
        } else {
            sanitize_line(s).into_owned()
        }
    };
    let mut page = String::new();
    let title = format!("Changes from {} to {}", doc.since, doc.until);
    let b = &doc.budget;
    let budget = format!(
        "Bad minutes a year: {} then, {} now ({}), of a budget of {}.",
        figures::minutes(b.then_minutes),
        figures::minutes(b.now_minutes),
        figures::signed_minutes(b.now_minutes - b.then_minutes),
        figures::minutes(b.budget_minutes)
    );
    if md {
        page.push_str(&format!("## {title}\n\n{budget}\n"));
    } else {
        page.push_str(&format!("{title}\n{budget}\n"));
    }
    if doc.changes.is_empty() {
        page.push_str("\nNothing changed.\n");
        return page;
    }
    let mut teams: BTreeMap<String, Vec<&Change>> = BTreeMap::new();
    for c in &doc.changes {
        let key = if by_team {
            c.team.clone().unwrap_or_else(|| "(no team)".into())
        } else {
            String::new()
        };
        teams.entry(key).or_default().push(c);
    }
    for (team, items) in &teams {
        if by_team {
            page.push_str(&if md {
                format!("\n### Team {}\n", text(team))
            } else {
                format!("\nTeam {}\n", text(team))
            });
        }
        for (key, heading) in GROUPS {
            let group: Vec<&&Change> = items.iter().filter(|c| c.group == key).collect();
            if group.is_empty() {
                continue;
            }
            let hashes = if by_team { "####" } else { "###" };
            page.push_str(&if md {
                format!("\n{hashes} {heading} ({})\n\n", group.len())
            } else {
                format!("\n{heading} ({})\n", group.len())
            });
            for c in group {
                let mut who = String::new();
                if let Some(a) = c.action {
                    who.push_str(&format!("action {a} "));
                }
                if let Some(i) = c.incident {
                    who.push_str(&format!("incident {i} "));
                }
                if let Some(r) = c.risk {
                    who.push_str(&format!("risk {r}"));
                }
                let team = match (&c.team, by_team) {
                    (Some(t), false) => format!(" [{}]", text(t)),
                    _ => String::new(),
                };
                let line = format!(
                    "{}: {}{team} — {}",
                    who.trim_end(),
                    text(&c.title),
                    text(&c.what)
                );
                page.push_str(&if md {
                    format!("- {line}\n")
                } else {
                    format!("  {line}\n")
                });
            }
        }
    }
    page
}

/// `riskreg trend [--weeks N]`: the register's figures at the end of each of the last N
/// weeks (the newest ends today), oldest first.
pub(crate) fn trend(ctx: &Ctx, weeks: u16) -> Result<()> {
    let store = ctx.open_existing()?;
    let (rows, gaps) = ops::trend(&store, ctx.clock.today, weeks)?;
    warn_gaps(&gaps);
    match ctx.format() {
        Format::Json | Format::Ndjson => emit_one(
            ctx,
            &serde_json::json!({ "schema_version": 1, "weeks": rows }),
            String::new,
        ),
        Format::Csv => {
            let mut out = Out::raw_text(ctx);
            let mut w = csv::Writer::from_writer(out.writer());
            for r in &rows {
                w.serialize(r).map_err(|e| Error::Internal(e.to_string()))?;
            }
            w.flush().map_err(Out::error)?;
            drop(w);
            out.finish()
        }
        Format::Table | Format::Md => {
            let mut t = Table::new(vec![
                Column::left("WEEK", 10, 0),
                Column::right("ACTIVE"),
                Column::right("CRIT"),
                Column::right("HIGH"),
                Column::right("MED"),
                Column::right("LOW"),
                Column::right("ACTIONS"),
                Column::right("OVERDUE"),
                Column::right("BM/YR"),
                Column::optional("BUDGET"),
                Column::right("MISS"),
            ]);
            for r in &rows {
                t.push(vec![
                    Cell::plain(r.week_ending),
                    Cell::plain(r.active),
                    Cell::plain(r.critical),
                    Cell::plain(r.high),
                    Cell::plain(r.medium),
                    Cell::plain(r.low),
                    Cell::plain(r.actions_open),
                    Cell::plain(r.actions_overdue),
                    Cell::plain(figures::minutes(r.bad_minutes)),
                    Cell::plain(figures::minutes(r.budget_minutes)),
                    Cell::plain(figures::chance(r.miss_probability)),
                ]);
            }
            let mut out = Out::new();
            out.write_str(&table::render(&t, ctx.width, ctx.color))?;
            out.finish()
        }
    }
}
