//! incident add, list, link.

use serde::Serialize;

use super::parse_id;
use super::risk::history_note;
use crate::cli::args::{IncidentAddArgs, IncidentCommand};
use crate::cli::context::Ctx;
use crate::cli::output::{emit, emit_one};
use crate::domain::actions::{Action, ActionFields};
use crate::domain::figures;
use crate::domain::incidents::{Incident, IncidentText, NewIncident};
use crate::domain::validate;
use crate::error::{Error, Result};
use crate::io::table::{Cell, Column, Table};
use crate::text::sanitize;

pub(crate) fn incident(ctx: &Ctx, command: IncidentCommand) -> Result<()> {
    match command {
        IncidentCommand::Add(args) => add(ctx, &args),
        IncidentCommand::List { risk } => list(ctx, risk.as_deref()),
        IncidentCommand::Link { incident, risks } => link(ctx, &incident, &risks),
    }
}

fn ids(raw: &[String]) -> Result<Vec<i64>> {
    raw.iter().map(|r| parse_id(r)).collect()
}

fn add(ctx: &Ctx, a: &IncidentAddArgs) -> Result<()> {
    let new = NewIncident::from_text(&IncidentText {
        title: &a.title,
        date: &a.date,
        ttd: &a.ttd,
        ttr: &a.ttr,
        users: &a.users,
        link: a.link.as_deref().unwrap_or(""),
        note: a.note.as_deref().unwrap_or(""),
    })?;
    let risks = ids(&a.risks)?;
    let titles = a
        .actions
        .iter()
        .map(|t| validate::title(t))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let note = history_note(a.note.as_deref())?;
    let mut store = ctx.open_existing()?;
    let (id, actions) = store.write(&ctx.stamp(), |tx| {
        let id = tx.add_incident(&new, &risks)?;
        let mut actions = Vec::with_capacity(titles.len());
        for (title, kind) in titles.iter().zip(&a.kinds) {
            let mut fields = ActionFields::new(risks[0], title.clone());
            fields.kind = *kind;
            fields.incident = Some(id);
            actions.push(tx.create_action(fields, None, &note)?);
        }
        Ok((id, actions))
    })?;
    let incident = store
        .incidents(None)?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or_else(|| Error::Internal(format!("incident {id} vanished after it was written")))?;
    let recorded = Recorded {
        incident,
        actions: store.actions_by_ids(&actions)?,
    };
    emit_one(ctx, &recorded, || {
        let mut text = format!("{id}\n");
        for action in &recorded.actions {
            text.push_str(&format!(
                "  action {} ({}) on risk {}: {}\n",
                action.id,
                action.fields.kind,
                action.fields.risk,
                sanitize(&action.fields.title)
            ));
        }
        text
    })
}

/// An incident as recorded, with the actions its review decided.
#[derive(Serialize)]
struct Recorded {
    #[serde(flatten)]
    incident: Incident,
    actions: Vec<Action>,
}

fn list(ctx: &Ctx, risk: Option<&str>) -> Result<()> {
    let risk = risk.map(parse_id).transpose()?;
    let store = ctx.open_existing()?;
    let incidents = store.incidents(risk)?;
    emit(ctx, &incidents, &table(&incidents))
}

fn link(ctx: &Ctx, incident: &str, risks: &[String]) -> Result<()> {
    let id = parse_id(incident)?;
    let risks = ids(risks)?;
    let mut store = ctx.open_existing()?;
    let incident = store.write(&ctx.stamp(), |tx| tx.link_incident(id, &risks))?;
    emit_one(ctx, &incident, || {
        format!(
            "incident {id} is linked to risks {}\n",
            incident
                .risks
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

pub(crate) fn table(incidents: &[Incident]) -> Table {
    let mut t = Table::new(vec![
        Column::right("ID"),
        Column::left("DATE", 10, 0),
        Column::left("TITLE", 12, 4),
        Column::right("TTD"),
        Column::right("TTR"),
        Column::right("USERS%"),
        Column::right("BAD MIN"),
        Column::left("RISKS", 5, 1),
        Column::left("LINK", 0, 1),
    ]);
    for i in incidents {
        t.push(vec![
            Cell::plain(i.id),
            Cell::plain(i.date),
            Cell::text(sanitize(&i.title)),
            Cell::plain(i.ttd),
            Cell::plain(i.ttr),
            Cell::plain(i.users),
            Cell::plain(figures::minutes(i.bad_minutes())),
            Cell::plain(
                i.risks
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            Cell::text(&i.link),
        ]);
    }
    t
}
