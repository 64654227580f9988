//! `riskreg team …` and `riskreg milestone …`.

use crate::cli::args::{MilestoneCommand, MilestoneFields, TeamCommand};
use crate::cli::context::Ctx;
use crate::cli::output::{emit, emit_one};
use crate::domain::{MilestonePatch, MilestoneStatus, validate};
use crate::error::Result;
use crate::io::table::{Cell, Column, Table};
use crate::text::sanitize;

fn done(ctx: &Ctx, message: String) -> Result<()> {
    emit_one(
        ctx,
        &serde_json::json!({"schema_version": 1, "message": message}),
        || format!("{}\n", sanitize(&message)),
    )
}

fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

pub(crate) fn team(ctx: &Ctx, command: TeamCommand) -> Result<()> {
    match command {
        TeamCommand::List => {
            let store = ctx.open_existing()?;
            let teams = store.teams()?;
            let mut t = Table::new(vec![
                Column::left("TEAM", 8, 1),
                Column::right("ACTIVE RISKS"),
                Column::right("MILESTONES"),
                Column::left("DESCRIPTION", 10, 3),
            ]);
            for team in &teams {
                t.push(vec![
                    Cell::text(&team.name),
                    Cell::plain(team.active_risks),
                    Cell::plain(team.milestones),
                    Cell::text(&team.description),
                ]);
            }
            emit(ctx, &teams, &t)
        }
        TeamCommand::Add { name, description } => {
            let mut store = ctx.open_for_write()?;
            let name = store.write(&ctx.stamp(), |tx| tx.add_team(&name, &description))?;
            done(ctx, format!("created team '{name}'"))
        }
        TeamCommand::Rename { old, new } => {
            let mut store = ctx.open_existing()?;
            let new = store.write(&ctx.stamp(), |tx| tx.rename_team(&old, &new))?;
            done(ctx, format!("renamed team '{old}' to '{new}'"))
        }
        TeamCommand::Delete { name, reassign_to } => {
            let mut store = ctx.open_existing()?;
            let moved = store.write(&ctx.stamp(), |tx| {
                tx.delete_team(&name, reassign_to.as_deref())
            })?;
            let tail = match &reassign_to {
                Some(to) if moved > 0 => format!("; moved {} to '{to}'", plural(moved, "risk")),
                _ => String::new(),
            };
            done(ctx, format!("deleted team '{name}'{tail}"))
        }
    }
}

fn milestone_patch(fields: &MilestoneFields, name: Option<&str>) -> Result<MilestonePatch> {
    Ok(MilestonePatch {
        name: name
            .map(|n| validate::name("milestone", n, validate::NAME_MAX))
            .transpose()?,
        due: fields
            .due
            .as_deref()
            .map(|d| validate::optional_date("due", d))
            .transpose()?,
        team: fields.team.as_deref().map(|t| {
            let t = t.trim();
            (!t.is_empty()).then(|| t.to_string())
        }),
        status: fields
            .status
            .as_deref()
            .map(MilestoneStatus::parse)
            .transpose()?,
    })
}

pub(crate) fn milestone(ctx: &Ctx, command: MilestoneCommand) -> Result<()> {
    match command {
        MilestoneCommand::List => {
            let store = ctx.open_existing()?;
            let milestones = store.milestones(ctx.clock.today)?;
            let mut t = Table::new(vec![
                Column::left("MILESTONE", 10, 2),
                Column::left("DUE", 10, 0),
                Column::left("STATUS", 11, 0),
                Column::left("TEAM", 6, 1),
                Column::right("ACTIVE RISKS"),
            ]);
            for m in &milestones {
                let due = match m.due {
                    Some(d) if m.overdue => format!("{d} overdue"),
                    Some(d) => d.to_string(),
                    None => "-".into(),
                };
                t.push(vec![
                    Cell::text(&m.name),
                    Cell::plain(due),
                    Cell::plain(m.status),
                    Cell::text(m.team.as_deref().unwrap_or("-")),
                    Cell::plain(m.active_risks),
                ]);
            }
            emit(ctx, &milestones, &t)
        }
        MilestoneCommand::Add { name, fields } => {
            let patch = milestone_patch(&fields, None)?;
            let mut store = ctx.open_for_write()?;
            let name = store.write(&ctx.stamp(), |tx| tx.add_milestone(&name, &patch))?;
            done(ctx, format!("created milestone '{name}'"))
        }
        MilestoneCommand::Edit {
            name,
            new_name,
            fields,
            keep_estimates,
        } => {
            let patch = milestone_patch(&fields, new_name.as_deref())?;
            let mut store = ctx.open_existing()?;
            let (result, landed) = store.write(&ctx.stamp(), |tx| {
                tx.finish_milestone(&name, &patch, keep_estimates)
            })?;
            let mut message = format!("updated milestone '{result}'");
            if !landed.is_empty() {
                let ids: Vec<String> = landed.iter().map(|e| e.risk.id.to_string()).collect();
                message.push_str(&format!(
                    "; it landed: {} took their targets as current ({}); `riskreg history ID` shows each field",
                    plural(landed.len(), "risk"),
                    ids.join(", ")
                ));
            }
            done(ctx, message)
        }
        MilestoneCommand::Delete { name, reassign_to } => {
            let mut store = ctx.open_existing()?;
            let moved = store.write(&ctx.stamp(), |tx| {
                tx.delete_milestone(&name, reassign_to.as_deref())
            })?;
            let tail = match &reassign_to {
                Some(to) if moved > 0 => format!("; moved {} to '{to}'", plural(moved, "risk")),
                _ => String::new(),
            };
            done(ctx, format!("deleted milestone '{name}'{tail}"))
        }
    }
}
