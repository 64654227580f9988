//! The error budgets a register's risks count against: the register's own, and one for each
//! service with an SLO of its own (`config set slo 99.95 --service checkout`), whose risks
//! count against it instead. Each knows its expected bad minutes, the chance a year misses
//! it, and that chance as each milestone lands.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::chance::{Chance, Exposure, FftPair, Grid, Severity};
use super::estimates::error_budget_minutes;
use super::{figures, round2};
use crate::scoring::Settings;

/// One risk's part in a budget: what it costs now and, when its milestone will change that,
/// the milestone and what it costs then.
struct Part {
    now: Exposure,
    then: Option<(String, Exposure)>,
}

/// The risks one budget holds.
pub struct Plan {
    /// The service, or `None` for the register's budget.
    pub service: Option<String>,
    pub slo: f64,
    /// Expected bad minutes a year.
    pub used: f64,
    /// Risks counted (with all four estimates).
    pub risks: u64,
    parts: Vec<Part>,
}

impl Plan {
    fn new(service: Option<String>, slo: f64) -> Plan {
        Plan {
            service,
            slo,
            used: 0.0,
            risks: 0,
            parts: Vec::new(),
        }
    }

    pub fn budget_minutes(&self) -> f64 {
        error_budget_minutes(self.slo)
    }

    /// The chance of missing the budget now, and after each of `milestones` lands (in that
    /// order: a milestone's risks take their target estimates).
    pub fn chances(&self, milestones: &[&str]) -> (Chance, Vec<Chance>) {
        let now: Vec<Exposure> = self.parts.iter().map(|p| p.now.clone()).collect();
        let then: Vec<Exposure> = self
            .parts
            .iter()
            .map(|p| p.then.as_ref().map_or(&p.now, |(_, e)| e).clone())
            .collect();
        let grid = Grid::fit([now.as_slice(), then.as_slice()]);
        let fft = FftPair::new(grid);
        let mut severity = Severity::new(grid);
        for e in &now {
            severity.add(e, 1.0);
        }
        let budget = self.budget_minutes();
        let current = severity.distribution(&fft).chance(budget);
        let mut by_milestone: HashMap<&str, Vec<&Part>> = HashMap::new();
        for p in &self.parts {
            if let Some((m, _)) = &p.then {
                by_milestone.entry(m.as_str()).or_default().push(p);
            }
        }
        let mut after = Vec::with_capacity(milestones.len());
        for m in milestones {
            for p in by_milestone.get(m).into_iter().flatten() {
                if let Some((_, then)) = &p.then {
                    severity.add(&p.now, -1.0);
                    severity.add(then, 1.0);
                }
            }
            after.push(severity.distribution(&fft).chance(budget));
        }
        (current, after)
    }
}

/// Every budget of a register.
pub struct Budgets {
    register: Plan,
    /// By lower-cased service name.
    services: BTreeMap<String, Plan>,
}

impl Budgets {
    pub fn new(settings: &Settings) -> Budgets {
        Budgets {
            register: Plan::new(None, settings.slo),
            services: settings
                .service_slos
                .iter()
                .map(|(key, (name, slo))| (key.clone(), Plan::new(Some(name.clone()), *slo)))
                .collect(),
        }
    }

    /// The budget a risk of `service` counts against.
    fn plan_mut(&mut self, service: &str) -> &mut Plan {
        if self.services.is_empty() {
            return &mut self.register;
        }
        let key = service.trim().to_lowercase();
        match self.services.get_mut(&key) {
            Some(plan) => plan,
            None => &mut self.register,
        }
    }

    /// Whether a risk of `service` counts against the register's budget.
    pub fn is_register(&self, service: &str) -> bool {
        !self.services.contains_key(&service.trim().to_lowercase())
    }

    /// Counts a risk of `service` costing `minutes` a year (expected): `now` its exposure,
    /// `then` the milestone that changes it and its exposure once that lands.
    pub fn add(
        &mut self,
        service: &str,
        minutes: f64,
        now: Option<Exposure>,
        then: Option<(String, Exposure)>,
    ) {
        let plan = self.plan_mut(service);
        plan.used += minutes;
        if let Some(now) = now {
            plan.risks += 1;
            plan.parts.push(Part { now, then });
        }
    }

    pub fn register(&self) -> &Plan {
        &self.register
    }

    pub fn services(&self) -> impl Iterator<Item = &Plan> {
        self.services.values()
    }
}

/// A service's own budget as the report shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceBudget {
    pub service: String,
    pub slo: f64,
    pub budget_minutes: f64,
    pub used_minutes: f64,
    pub left_minutes: f64,
    pub used_percent: f64,
    /// Risks of the service with all four estimates.
    pub risks: u64,
    pub chance: Chance,
    /// The chance a year's bad minutes exceed this budget (also in `chance`).
    pub miss_probability: f64,
}

impl ServiceBudget {
    pub fn of(plan: &Plan) -> ServiceBudget {
        let budget = plan.budget_minutes();
        let (chance, _) = plan.chances(&[]);
        ServiceBudget {
            service: plan.service.clone().unwrap_or_default(),
            slo: plan.slo,
            budget_minutes: round2(budget),
            used_minutes: round2(plan.used),
            left_minutes: round2(budget - plan.used),
            used_percent: if budget > 0.0 {
                round2(plan.used / budget * 100.0)
            } else {
                0.0
            },
            risks: plan.risks,
            miss_probability: chance.miss_probability,
            chance,
        }
    }
}

/// "a 34.5% chance of missing the 99.8% SLO this year (a year's bad minutes: p50 812, p90
/// 1240, p99 1713)": one chance in words.
pub fn describe(chance: &Chance, slo: f64) -> String {
    format!(
        "a {} chance of missing the {}% SLO this year (a year's bad minutes: p50 {}, p90 {}, p99 {})",
        figures::chance(chance.miss_probability),
        figures::slo(slo),
        figures::minutes(chance.p50),
        figures::minutes(chance.p90),
        figures::minutes(chance.p99)
    )
}
