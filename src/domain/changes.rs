//! What changed between two moments: the agenda of the weekly review, from the register
//! rebuilt at the start of the window and at its end.

use jiff::civil::Date;
use serde::Serialize;

use super::actions::ActionStatus;
use super::incidents::Incident;
use super::rebuild::{Rebuild, RiskState};
use super::{RiskFields, Status};
use crate::scoring::BandThresholds;

/// The groups of the agenda, in the order they are shown.
pub const GROUPS: [(&str, &str); 16] = [
    ("new", "New risks"),
    ("closed", "Closed"),
    ("mitigated", "Mitigated"),
    ("reopened", "Reopened"),
    ("deleted", "Deleted"),
    ("status", "Other status moves"),
    ("band", "Band moves"),
    ("owner", "Owner moves"),
    ("team", "Team moves"),
    ("milestone", "Milestone moves"),
    ("incident", "New incidents"),
    ("action_added", "Actions added"),
    ("action_done", "Actions done"),
    ("action_overdue", "Actions newly overdue"),
    ("acceptance_expiring", "Acceptances expiring within 30 days"),
    ("review_due", "Reviews that fell due"),
];

/// The review's agenda: what changed from `since` to `until`, and the budget then and now.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Agenda {
    pub schema_version: u32,
    pub since: String,
    pub until: String,
    pub budget: BudgetMove,
    pub changes: Vec<Change>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BudgetMove {
    pub budget_minutes: f64,
    pub then_minutes: f64,
    pub now_minutes: f64,
}

/// One item of the agenda.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub group: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<i64>,
    pub title: String,
    pub team: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident: Option<i64>,
    /// What happened, in words ("high (12) → critical (20)").
    pub what: String,
}

/// The window: changes after `before` up to `after`, whose days are `since` to `until`.
pub struct Window<'a> {
    pub before: &'a Rebuild,
    pub after: &'a Rebuild,
    pub since: Date,
    pub until: Date,
}

/// Every change in the window to the risks `keep` selects, grouped in [`GROUPS`] order,
/// by risk id within a group. `milestone_due` gives a milestone's due date (for actions
/// that take theirs).
pub fn changes(
    w: &Window<'_>,
    bands: &BandThresholds,
    incidents: &[Incident],
    keep: &dyn Fn(i64) -> bool,
    milestone_due: &dyn Fn(&str) -> Option<Date>,
) -> Vec<Change> {
    let mut out = Vec::new();
    let label = |f: &RiskFields| {
        let score = f.score();
        format!("{} ({score})", bands.band_for_score(score))
    };
    let item = |group: &'static str, id: i64, s: &RiskState, what: String| Change {
        group,
        risk: Some(id),
        title: s.fields.title.clone(),
        team: s.fields.team.clone(),
        action: None,
        incident: None,
        what,
    };
    for (id, now) in &w.after.risks {
        if !keep(*id) {
            continue;
        }
        let f = &now.fields;
        let Some(then) = w.before.risks.get(id) else {
            let what = format!("{}×{} = {}, {}", f.likelihood, f.impact, label(f), f.status);
            out.push(item("new", *id, now, what));
            continue;
        };
        let old = &then.fields;
        if old.status != f.status {
            let group = match (old.status, f.status) {
                (_, Status::Closed) => "closed",
                (_, Status::Mitigated) => "mitigated",
                (Status::Closed | Status::Mitigated, _) => "reopened",
                _ => "status",
            };
            out.push(item(
                group,
                *id,
                now,
                format!("{} → {}", old.status, f.status),
            ));
        }
        if bands.band_for_score(old.score()) != bands.band_for_score(f.score()) {
            out.push(item(
                "band",
                *id,
                now,
                format!("{} → {}", label(old), label(f)),
            ));
        }
        let moves = [
            ("owner", old.owner.clone(), f.owner.clone()),
            (
                "team",
                old.team.clone().unwrap_or_default(),
                f.team.clone().unwrap_or_default(),
            ),
            (
                "milestone",
                old.milestone.clone().unwrap_or_default(),
                f.milestone.clone().unwrap_or_default(),
            ),
        ];
        for (group, a, b) in moves {
            if a.to_lowercase() != b.to_lowercase() {
                let none = |s: &str| {
                    if s.is_empty() {
                        "(none)".to_string()
                    } else {
                        s.to_string()
                    }
                };
                out.push(item(
                    group,
                    *id,
                    now,
                    format!("{} → {}", none(&a), none(&b)),
                ));
            }
        }
    }
    for (id, then) in &w.before.risks {
        if keep(*id) && !w.after.risks.contains_key(id) {
            out.push(item(
                "deleted",
                *id,
                then,
                format!("was {}", then.fields.status),
            ));
        }
    }
    for i in incidents {
        if i.date < w.since
            || i.date > w.until
            || !i.risks.iter().any(|r| keep(*r)) && !i.risks.is_empty()
        {
            continue;
        }
        out.push(Change {
            group: "incident",
            risk: i.risks.first().copied(),
            title: i.title.clone(),
            team: None,
            action: None,
            incident: Some(i.id),
            what: format!(
                "on {}, {} min to detect, {} to repair",
                i.date, i.ttd, i.ttr
            ),
        });
    }
    for (id, now) in &w.after.actions {
        let f = &now.fields;
        if !keep(f.risk) {
            continue;
        }
        let action = |group: &'static str, what: String| Change {
            group,
            risk: Some(f.risk),
            title: f.title.clone(),
            team: f.team.clone(),
            action: Some(*id),
            incident: None,
            what,
        };
        let then = w.before.actions.get(id);
        if then.is_none() {
            out.push(action(
                "action_added",
                format!("{}, owner {}", f.status, or_none(&f.owner)),
            ));
        }
        if f.status == ActionStatus::Done
            && then.is_none_or(|t| t.fields.status != ActionStatus::Done)
        {
            out.push(action(
                "action_done",
                format!("owner {}", or_none(&f.owner)),
            ));
        }
        let due = f
            .due
            .or_else(|| f.milestone.as_deref().and_then(milestone_due));
        if f.status.is_open()
            && let Some(due) = due
            && due >= w.since
            && due < w.until
        {
            out.push(action(
                "action_overdue",
                format!("due {due}, owner {}", or_none(&f.owner)),
            ));
        }
    }
    let horizon = w.until.saturating_add(jiff::Span::new().days(30));
    for (id, now) in &w.after.risks {
        let f = &now.fields;
        if !keep(*id) || !f.status.is_active() {
            continue;
        }
        if f.status == Status::Accepted
            && let Some(until) = f.accepted_until
            && until >= w.until
            && until <= horizon
        {
            out.push(item(
                "acceptance_expiring",
                *id,
                now,
                format!("accepted until {until}, approver {}", or_none(&f.approver)),
            ));
        }
        if let Some(review) = f.next_review
            && review >= w.since
            && review <= w.until
        {
            out.push(item("review_due", *id, now, format!("review due {review}")));
        }
    }
    let rank = |g: &str| {
        GROUPS
            .iter()
            .position(|(k, _)| *k == g)
            .unwrap_or(GROUPS.len())
    };
    out.sort_by(|a, b| {
        (rank(a.group), a.risk, a.action, a.incident).cmp(&(
            rank(b.group),
            b.risk,
            b.action,
            b.incident,
        ))
    });
    out
}

fn or_none(s: &str) -> &str {
    if s.is_empty() { "(none)" } else { s }
}
