//! The trend: week by week, the register's figures as they stood at the end of each week,
//! from the register walked back through its history ([`Rebuild`]).

use std::collections::HashMap;

use jiff::civil::Date;
use serde::Serialize;

use super::portfolio::{ActionSummary, Portfolio};
use super::rebuild::Rebuild;
use super::{ActionTally, Milestone, Risk};
use crate::scoring::{Band, Settings};

/// One week's figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Week {
    /// The last day of the week; the figures are as of its end.
    pub week_ending: Date,
    pub active: u64,
    pub critical: u64,
    pub high: u64,
    pub medium: u64,
    pub low: u64,
    pub actions_open: u64,
    pub actions_overdue: u64,
    /// Bad minutes a year against the register's budget (mitigated risks at target).
    pub bad_minutes: f64,
    pub budget_minutes: f64,
    /// The chance a year's bad minutes exceed the budget.
    pub miss_probability: f64,
}

/// Each milestone's due date, by its name in lower case.
pub fn due_dates(milestones: &[Milestone]) -> HashMap<String, Date> {
    milestones
        .iter()
        .filter_map(|m| m.due.map(|d| (m.name.to_lowercase(), d)))
        .collect()
}

/// The figures of the register `r` as of the end of `day`. Milestones (due dates) are as
/// they are today.
pub fn week(r: &Rebuild, day: Date, settings: &Settings, milestones: &[Milestone]) -> Week {
    let dues = due_dates(milestones);
    let due_of = |name: &Option<String>| {
        name.as_ref()
            .and_then(|n| dues.get(&n.to_lowercase()).copied())
    };
    let mut tallies: HashMap<i64, ActionTally> = HashMap::new();
    let (mut open, mut overdue) = (0, 0);
    for a in r.actions.values() {
        let f = &a.fields;
        if !f.status.is_open() {
            continue;
        }
        let due = f.due.or_else(|| due_of(&f.milestone));
        let t = tallies.entry(f.risk).or_default();
        t.open += 1;
        open += 1;
        if due.is_some_and(|d| d < day) {
            t.overdue += 1;
            overdue += 1;
        }
        if let Some(d) = due
            && t.next_due.is_none_or(|n| d < n)
        {
            t.next_due = Some(d);
        }
    }
    let bands = &settings.bands;
    let mut portfolio = Portfolio::new(settings, day);
    let mut w = Week {
        week_ending: day,
        active: 0,
        critical: 0,
        high: 0,
        medium: 0,
        low: 0,
        actions_open: open,
        actions_overdue: overdue,
        bad_minutes: 0.0,
        budget_minutes: 0.0,
        miss_probability: 0.0,
    };
    for (id, s) in &r.risks {
        let f = &s.fields;
        let risk = Risk {
            id: *id,
            band: bands.band_for_score(f.score()),
            target_band: bands.band_for_score(f.target_score()),
            fields: f.clone(),
            milestone_due: due_of(&f.milestone),
            created_at: s.created_at.clone(),
            updated_at: s.updated_at.clone(),
            revision: s.revision,
            actions: tallies.get(id).copied().unwrap_or_default(),
        };
        if f.status.is_active() {
            w.active += 1;
            match risk.band {
                Band::Critical => w.critical += 1,
                Band::High => w.high += 1,
                Band::Medium => w.medium += 1,
                Band::Low => w.low += 1,
            }
        }
        portfolio.add(&risk, &[]);
    }
    let (report, _) = portfolio.finish(milestones, ActionSummary::default());
    w.bad_minutes = report.budget.used_minutes;
    w.budget_minutes = report.budget.budget_minutes;
    w.miss_probability = report.miss_probability;
    w
}
