//! The trend: week by week, the register's figures as they stood at the end of each week,
//! from the register walked back through its history ([`Rebuild`]).

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::Serialize;

use super::budgets::Budgets;
use super::chance::Exposure;
use super::portfolio::landing;
use super::rebuild::{ActionState, Rebuild, Touched};
use super::{Milestone, RiskFields, round2};
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
    Tally::new(r, settings, milestones).week(day)
}

/// What one risk adds to a week: its band when active, and what it costs its budget (by
/// [`RiskFields::budget_estimates`], as in the report).
///
/// [`RiskFields::budget_estimates`]: super::RiskFields::budget_estimates
struct RiskPart {
    active: Option<Band>,
    service: String,
    cost: Option<Cost>,
}

/// What a risk costs its budget: expected minutes a year, its exposure now, and its
/// milestone's and exposure once that lands.
struct Cost {
    minutes: f64,
    now: Option<Exposure>,
    then: Option<(String, Exposure)>,
}

impl RiskPart {
    fn of(f: &RiskFields, settings: &Settings) -> RiskPart {
        let active = f.status.is_active();
        let cost = f.budget_estimates().and_then(|(e, _)| {
            let minutes = e.bad_minutes_per_year()?;
            let then = if active { landing(f) } else { None };
            Some(Cost {
                minutes,
                now: Exposure::of(&e),
                then,
            })
        });
        RiskPart {
            active: active.then(|| settings.bands.band_for_score(f.score())),
            service: f.service.clone(),
            cost,
        }
    }
}

/// The register's weekly figures kept up as the walk back undoes events: each risk's part
/// and each open action's due date, changed only for the risks and actions an event
/// touched, so a week reads compact rows rather than every risk and action.
pub struct Tally<'m> {
    settings: &'m Settings,
    dues: Dues<'m>,
    risks: BTreeMap<i64, RiskPart>,
    /// Each open action's due date (its own, else its milestone's).
    actions: HashMap<i64, Option<Date>>,
    /// How many open actions fall due on each date.
    due_counts: BTreeMap<Date, u64>,
}

impl<'m> Tally<'m> {
    pub fn new(r: &Rebuild, settings: &'m Settings, milestones: &'m [Milestone]) -> Tally<'m> {
        let mut tally = Tally {
            settings,
            dues: Dues::of(milestones),
            risks: BTreeMap::new(),
            actions: HashMap::new(),
            due_counts: BTreeMap::new(),
        };
        for (id, s) in &r.risks {
            tally.risks.insert(*id, RiskPart::of(&s.fields, settings));
        }
        for (id, a) in &r.actions {
            tally.put_action(*id, a);
        }
        tally
    }

    /// Takes the touched risks and actions as `r` now holds them.
    pub fn update(&mut self, r: &Rebuild, touched: &Touched) {
        for id in &touched.risks {
            match r.risks.get(id) {
                Some(s) => {
                    self.risks
                        .insert(*id, RiskPart::of(&s.fields, self.settings));
                }
                None => {
                    self.risks.remove(id);
                }
            }
        }
        for id in &touched.actions {
            if let Some(due) = self.actions.remove(id) {
                self.count_due(due, false);
            }
            if let Some(a) = r.actions.get(id) {
                self.put_action(*id, a);
            }
        }
    }

    fn put_action(&mut self, id: i64, a: &ActionState) {
        let f = &a.fields;
        if f.status.is_open() {
            let due = f.due.or_else(|| self.dues.get(f.milestone.as_deref()));
            self.actions.insert(id, due);
            self.count_due(due, true);
        }
    }

    fn count_due(&mut self, due: Option<Date>, add: bool) {
        let Some(due) = due else { return };
        let n = self.due_counts.entry(due).or_default();
        if add {
            *n += 1;
        } else {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.due_counts.remove(&due);
            }
        }
    }

    /// The figures as of the end of `day`.
    pub fn week(&self, day: Date) -> Week {
        let mut w = Week {
            week_ending: day,
            active: 0,
            critical: 0,
            high: 0,
            medium: 0,
            low: 0,
            actions_open: u64::try_from(self.actions.len()).unwrap_or(u64::MAX),
            actions_overdue: self.due_counts.range(..day).map(|(_, n)| n).sum(),
            bad_minutes: 0.0,
            budget_minutes: 0.0,
            miss_probability: 0.0,
        };
        let mut budgets = Budgets::new(self.settings);
        for part in self.risks.values() {
            if let Some(band) = part.active {
                w.active += 1;
                match band {
                    Band::Critical => w.critical += 1,
                    Band::High => w.high += 1,
                    Band::Medium => w.medium += 1,
                    Band::Low => w.low += 1,
                }
            }
            if let Some(c) = &part.cost {
                budgets.add(&part.service, c.minutes, c.now.clone(), c.then.clone());
            }
        }
        let register = budgets.register();
        w.bad_minutes = round2(register.used);
        w.budget_minutes = round2(register.budget_minutes());
        w.miss_probability = register.chances(&[]).0.miss_probability;
        w
    }
}

/// Milestone due dates looked up by the name a risk or action holds: as written, else
/// without regard to case.
struct Dues<'m> {
    exact: HashMap<&'m str, Date>,
    folded: HashMap<String, Date>,
}

impl<'m> Dues<'m> {
    fn of(milestones: &'m [Milestone]) -> Dues<'m> {
        let exact = milestones
            .iter()
            .filter_map(|m| m.due.map(|d| (m.name.as_str(), d)))
            .collect();
        Dues {
            exact,
            folded: due_dates(milestones),
        }
    }

    fn get(&self, name: Option<&str>) -> Option<Date> {
        let name = name?;
        self.exact
            .get(name)
            .or_else(|| self.folded.get(&name.to_lowercase()))
            .copied()
    }
}
