//! `riskreg history [ID] [--since DATE]`: the event log, newest first.

use super::{parse_id, parse_id_of};
use crate::cli::args::HistoryArgs;
use crate::cli::context::Ctx;
use crate::cli::output::emit;
use crate::domain::detail::describe_event;
use crate::domain::validate;
use crate::error::{Error, Result};
use crate::io::table::{Cell, Column, Table};
use crate::store::EventFilter;

pub(crate) fn history(ctx: &Ctx, args: HistoryArgs) -> Result<()> {
    let risk_id = args.id.as_deref().map(parse_id).transpose()?;
    let action_id = args
        .action
        .as_deref()
        .map(|a| parse_id_of("action", a))
        .transpose()?;
    let since = args
        .since
        .as_deref()
        .map(|s| -> Result<String> {
            let date = validate::date("since", s)?;
            crate::clock::start_of(date).map_err(|e| Error::Usage(format!("--since {s}: {e}")))
        })
        .transpose()?;
    let store = ctx.open_existing()?;
    let events = store.events(&EventFilter {
        risk_id,
        action_id,
        since,
        limit: args.limit,
        ..EventFilter::default()
    })?;
    let mut t = Table::new(vec![
        Column::left("AT", 20, 0),
        Column::right("RISK"),
        Column::left("ACTOR", 5, 1),
        Column::left("EVENT", 6, 0),
        Column::left("DETAIL", 12, 3),
        Column::left("NOTE", 4, 2),
    ]);
    for e in &events {
        t.push(vec![
            Cell::plain(&e.at),
            Cell::plain(e.risk_id),
            Cell::text(&e.actor),
            Cell::plain(e.kind.as_str()),
            Cell::text(describe_event(e)),
            Cell::text(&e.note),
        ]);
    }
    emit(ctx, &events, &t)
}
