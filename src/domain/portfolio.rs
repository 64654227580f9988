//! The register as a whole: totals, the error budget and how much of it the active risks
//! use, the projected budget as each milestone lands, and the policy rules `check` enforces.
//! Built in one pass over the risks ([`Portfolio::add`]), so memory does not grow with the
//! register beyond the lists the report names.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::Serialize;

use super::actions::Action;
use super::budgets::{Budgets, ServiceBudget, describe};
use super::chance::{Chance, Exposure};
use super::incidents::{Calibration, Incident, calibrate};
use super::lifecycle::{acceptance_lapsed, is_review_due};
use super::{Estimates, Milestone, Risk, RiskFields, Status, figures, round2};
use crate::scoring::{Band, Settings};

/// How many risks the "top" lists hold.
pub const TOP: usize = 20;

/// A risk as the report names it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RiskLine {
    pub id: i64,
    pub title: String,
    pub score: u8,
    pub band: Band,
    pub status: Status,
    pub team: Option<String>,
    pub milestone: Option<String>,
    pub bad_minutes_per_year: Option<f64>,
}

impl RiskLine {
    fn of(r: &Risk) -> RiskLine {
        RiskLine {
            id: r.id,
            title: r.fields.title.clone(),
            score: r.score(),
            band: r.band,
            status: r.fields.status,
            team: r.fields.team.clone(),
            milestone: r.fields.milestone.clone(),
            bad_minutes_per_year: r.fields.bad_minutes_per_year().map(round2),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BandCounts {
    pub critical: u64,
    pub high: u64,
    pub medium: u64,
    pub low: u64,
}

impl BandCounts {
    fn add(&mut self, band: Band) {
        match band {
            Band::Critical => self.critical += 1,
            Band::High => self.high += 1,
            Band::Medium => self.medium += 1,
            Band::Low => self.low += 1,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TeamLine {
    /// `None`: risks no team owns.
    pub team: Option<String>,
    pub active: u64,
    pub by_band: BandCounts,
    pub bad_minutes_per_year: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Budget {
    pub slo: f64,
    pub budget_minutes: f64,
    /// One risk above this is too big.
    pub single_risk_limit_minutes: f64,
    /// Bad minutes a year of the active risks (accepted included).
    pub used_minutes: f64,
    pub left_minutes: f64,
    pub used_percent: f64,
    pub active_with_estimates: u64,
    pub active_without_estimates: u64,
    /// Mitigated risks, counted at what their mitigation left (their targets): part of
    /// `used_minutes`.
    pub mitigated: MitigatedLine,
    /// The chance a year's bad minutes exceed the budget, and their percentiles.
    pub chance: Chance,
}

/// A milestone in due order with the register's projected total once it has landed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MilestoneLine {
    pub name: String,
    pub due: Option<Date>,
    pub overdue: bool,
    pub active_risks: u64,
    pub high_or_critical: u64,
    /// Change in the register's bad minutes when this milestone lands (negative: saved).
    pub change_minutes: f64,
    pub projected_minutes: f64,
    pub budget_left_minutes: f64,
    /// The chance of missing the SLO once this milestone (and those before it) landed.
    pub miss_probability: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CalibrationLine {
    pub risk: RiskLine,
    pub flags: Vec<Calibration>,
    pub summary: Vec<String>,
}

/// One team's actions (`None`: actions no team owns).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ActionTeamLine {
    pub team: Option<String>,
    pub open: u64,
    pub overdue: u64,
    pub done_last_30_days: u64,
}

/// The mitigation work: open, overdue, and done in the last 30 days, in all and by team.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ActionSummary {
    pub open: u64,
    pub overdue: u64,
    pub done_last_30_days: u64,
    pub by_team: Vec<ActionTeamLine>,
}

impl ActionSummary {
    pub fn new(by_team: Vec<ActionTeamLine>) -> ActionSummary {
        ActionSummary {
            open: by_team.iter().map(|t| t.open).sum(),
            overdue: by_team.iter().map(|t| t.overdue).sum(),
            done_last_30_days: by_team.iter().map(|t| t.done_last_30_days).sum(),
            by_team,
        }
    }
}

/// The days "done recently" looks back over, in the report's actions section.
pub const ACTIONS_DONE_DAYS: i32 = 30;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub today: Date,
    pub risks: u64,
    pub active: u64,
    pub by_band: BandCounts,
    pub by_status: BTreeMap<&'static str, u64>,
    pub by_team: Vec<TeamLine>,
    pub budget: Budget,
    /// The chance a year's bad minutes exceed the register's budget (`budget.chance`).
    pub miss_probability: f64,
    /// The services with an SLO of their own, each with its budget (their risks count there,
    /// not in `budget`).
    pub services: Vec<ServiceBudget>,
    pub top_by_score: Vec<RiskLine>,
    pub top_by_bad_minutes: Vec<RiskLine>,
    pub too_big: Vec<RiskLine>,
    pub milestones: Vec<MilestoneLine>,
    pub review_due: Vec<RiskLine>,
    pub calibration: Vec<CalibrationLine>,
    /// Active risks with some but not all four estimates (not counted in the budget).
    pub partial_estimates: Vec<RiskLine>,
    pub overdue_milestones: Vec<MilestoneLine>,
    pub actions: ActionSummary,
}

/// One broken policy rule, as `check` reports it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Violation {
    pub rule: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<i64>,
    /// A service with an SLO of its own, for a rule about its budget.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    pub message: String,
}

/// The rules `check` enforces, with what each means.
pub const RULES: [(&str, &str); 11] = [
    (
        "critical_without_team",
        "an active critical risk has no owning team",
    ),
    (
        "critical_without_milestone",
        "an active critical risk has no roadmap milestone",
    ),
    (
        "too_big_not_accepted",
        "a risk uses more than its share of the error budget and is neither accepted nor mitigating on a milestone due in the future whose targets bring it under",
    ),
    (
        "partial_estimates",
        "an active risk has some but not all four estimates, so its bad minutes are not counted",
    ),
    (
        "over_budget",
        "the risks' expected bad minutes exceed the error budget (the register's, or a service's)",
    ),
    (
        "acceptance_expired",
        "an accepted risk's acceptance has ended or was never complete",
    ),
    ("review_overdue", "an active risk's review date has passed"),
    (
        "overdue_milestone_high_risks",
        "an overdue milestone carries active high or critical risks",
    ),
    (
        "slo_at_risk",
        "the chance a year misses the SLO (the register's, or a service's) is above max_miss_probability",
    ),
    (
        "critical_without_action",
        "an active critical risk is neither accepted nor has an open action",
    ),
    ("action_overdue", "an open action is past its due date"),
];

/// Which of the four estimates a partially estimated risk lacks ("users, every"); `None` when
/// it has all four or none.
pub fn missing_estimates(e: &Estimates) -> Option<String> {
    let parts = [
        ("detect", e.ettd.is_some()),
        ("repair", e.ettr.is_some()),
        ("users", e.users.is_some()),
        ("every", e.ettf.is_some()),
    ];
    let given = parts.iter().filter(|(_, set)| *set).count();
    (given > 0 && given < parts.len()).then(|| {
        parts
            .iter()
            .filter(|(_, set)| !*set)
            .map(|(name, _)| *name)
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// What a too-big risk (`bm` bad minutes a year counted against the budget) still needs for
/// `too_big_not_accepted` to hold; `None` when it holds: the risk is accepted, or it is
/// mitigating on a milestone due after `today` whose targets bring it under the limit.
pub fn too_big_fix(r: &Risk, bm: f64, today: Date, settings: &Settings) -> Option<String> {
    let f = &r.fields;
    let limit = settings.too_big_limit_minutes();
    let over = format!(
        "{} bad minutes a year, over the single-risk limit of {}",
        figures::minutes(bm),
        figures::minutes(limit)
    );
    let target = f.target_bad_minutes_per_year().unwrap_or(bm);
    let fix = match (f.status, &f.milestone, r.milestone_due) {
        (Status::Accepted, ..) => return None,
        (Status::Mitigating, Some(_), Some(due)) if due > today && target <= limit => return None,
        (Status::Mitigating, Some(m), Some(due)) if due > today => format!(
            "its milestone {m} leaves {} (its targets are still over): set targets under {} with --target-*, or accept it",
            figures::minutes(target),
            figures::minutes(limit)
        ),
        (Status::Mitigating, Some(m), _) => format!(
            "its milestone {m} is past due or has no due date: give the milestone a date in the future, or accept it"
        ),
        (Status::Mitigating, None, _) => format!(
            "mitigating on no milestone: plan it on one due in the future, with targets under {}, or accept it",
            figures::minutes(limit)
        ),
        (Status::Mitigated, ..) => {
            "and already mitigated: plan more work (status mitigating, a milestone, new targets) or accept it".to_string()
        }
        _ => format!(
            "mitigate it (status mitigating, on a milestone due in the future whose targets bring it under {}) or accept it (status accepted, with an approver and an end date)",
            figures::minutes(limit)
        ),
    };
    Some(format!("{over}; {fix}"))
}

/// An active risk's milestone and what the risk will cost once it lands (its target
/// estimates), when it has both: the burn-down's chance after each milestone.
pub fn landing(f: &RiskFields) -> Option<(String, Exposure)> {
    match &f.milestone {
        Some(m) if !f.target.is_empty() => {
            Exposure::of(&f.residual_estimates()).map(|e| (m.clone(), e))
        }
        _ => None,
    }
}

/// The mitigated risks the budget counts at what their mitigation left.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MitigatedLine {
    pub risks: u64,
    /// Of them, those with target estimates (the rest count at today's).
    pub at_target: u64,
    pub minutes: f64,
}

pub struct Portfolio {
    settings: Settings,
    today: Date,
    risks: u64,
    active: u64,
    by_band: BandCounts,
    by_status: BTreeMap<&'static str, u64>,
    by_team: BTreeMap<Option<String>, TeamLine>,
    /// The register's budget and each service's own.
    budgets: Budgets,
    with_estimates: u64,
    top_by_score: Vec<RiskLine>,
    top_by_bad_minutes: Vec<RiskLine>,
    too_big: Vec<RiskLine>,
    review_due: Vec<RiskLine>,
    calibration: Vec<CalibrationLine>,
    /// Active risks with some but not all four estimates.
    partial: Vec<RiskLine>,
    mitigated: MitigatedLine,
    /// Per milestone name: (bad-minute change when it lands, active high/critical risks).
    per_milestone: HashMap<String, (f64, u64)>,
    violations: Vec<Violation>,
}

impl Portfolio {
    pub fn new(settings: &Settings, today: Date) -> Portfolio {
        Portfolio {
            settings: settings.clone(),
            today,
            risks: 0,
            active: 0,
            by_band: BandCounts::default(),
            by_status: BTreeMap::new(),
            by_team: BTreeMap::new(),
            budgets: Budgets::new(settings),
            with_estimates: 0,
            top_by_score: Vec::new(),
            top_by_bad_minutes: Vec::new(),
            too_big: Vec::new(),
            review_due: Vec::new(),
            calibration: Vec::new(),
            partial: Vec::new(),
            mitigated: MitigatedLine::default(),
            per_milestone: HashMap::new(),
            violations: Vec::new(),
        }
    }

    fn violation(&mut self, rule: &'static str, r: &Risk, message: String) {
        self.violations.push(Violation {
            rule,
            risk: Some(r.id),
            milestone: None,
            action: None,
            service: None,
            message: format!("risk {} \"{}\": {message}", r.id, r.fields.title),
        });
    }

    /// Takes one risk into account. Risks arrive in the priority order, so the first ones
    /// are the top by score. `incidents` are the risk's linked incidents.
    pub fn add(&mut self, r: &Risk, incidents: &[Incident]) {
        let f = &r.fields;
        self.risks += 1;
        *self.by_status.entry(f.status.as_str()).or_default() += 1;
        if f.status == Status::Mitigated {
            self.add_mitigated(r);
            return;
        }
        if !f.status.is_active() {
            return;
        }
        self.active += 1;
        self.by_band.add(r.band);
        let line = RiskLine::of(r);
        let team = self.team_line(f.team.as_ref());
        team.active += 1;
        team.by_band.add(r.band);
        if self.top_by_score.len() < TOP {
            self.top_by_score.push(line.clone());
        }
        if let Some(missing) = missing_estimates(&f.estimates) {
            self.partial.push(line.clone());
            self.violation(
                "partial_estimates",
                r,
                format!(
                    "estimates without {missing}, so its bad minutes are not counted; give all four (detect, repair, users, every) or none"
                ),
            );
        }
        let bm = f.bad_minutes_per_year();
        if let Some(bm) = bm {
            self.with_estimates += 1;
            self.budgets
                .add(&f.service, bm, Exposure::of(&f.estimates), landing(f));
            self.team_line(f.team.as_ref()).bad_minutes_per_year += bm;
            self.top_by_bad_minutes.push(line.clone());
            self.top_by_bad_minutes.sort_by(|a, b| {
                b.bad_minutes_per_year
                    .partial_cmp(&a.bad_minutes_per_year)
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
            self.top_by_bad_minutes.truncate(TOP);
            if self.settings.is_too_big(bm) {
                self.too_big.push(line.clone());
                if let Some(fix) = too_big_fix(r, bm, self.today, &self.settings) {
                    self.violation("too_big_not_accepted", r, fix);
                }
            }
        }
        if let Some(m) = &f.milestone {
            let counts_here = self.budgets.is_register(&f.service);
            let entry = self.per_milestone.entry(m.clone()).or_default();
            if let (Some(now), Some(then)) = (bm, f.target_bad_minutes_per_year())
                && !f.target.is_empty()
                && counts_here
            {
                entry.0 += then - now;
            }
            if matches!(r.band, Band::High | Band::Critical) {
                entry.1 += 1;
            }
        }
        if r.band == Band::Critical {
            if f.team.is_none() {
                self.violation(
                    "critical_without_team",
                    r,
                    "critical and owned by no team; give it one with --team".into(),
                );
            }
            if f.milestone.is_none() {
                self.violation(
                    "critical_without_milestone",
                    r,
                    "critical and on no roadmap milestone; plan it with --milestone".into(),
                );
            }
            if f.status != Status::Accepted && r.actions.open == 0 {
                self.violation(
                    "critical_without_action",
                    r,
                    format!(
                        "critical with no open action; plan the work with `riskreg action add {} TITLE` or accept the risk",
                        r.id
                    ),
                );
            }
        }
        if acceptance_lapsed(f, self.today) {
            let message = match f.accepted_until {
                Some(d) if !f.approver.is_empty() => {
                    format!("accepted until {d}, which has passed; review it, renew or mitigate")
                }
                _ => "accepted without an approver and an end date".into(),
            };
            self.violation("acceptance_expired", r, message);
        }
        if is_review_due(f, self.today) {
            self.review_due.push(line.clone());
        }
        if let Some(next) = f.next_review
            && next < self.today
        {
            self.violation(
                "review_overdue",
                r,
                format!(
                    "review was due {next}; review it with `riskreg review {}`",
                    r.id
                ),
            );
        }
        let linked: Vec<&Incident> = incidents.iter().collect();
        let flags = calibrate(&f.estimates, &linked, self.today);
        if !flags.is_empty() {
            self.calibration.push(CalibrationLine {
                risk: line,
                summary: flags.iter().map(Calibration::describe).collect(),
                flags,
            });
        }
    }

    /// A mitigated risk: out of the active counts, still in the budget at what its
    /// mitigation left (its target estimates, else today's).
    fn add_mitigated(&mut self, r: &Risk) {
        let f = &r.fields;
        let Some((estimates, _)) = f.budget_estimates() else {
            return;
        };
        let Some(bm) = estimates.bad_minutes_per_year() else {
            return;
        };
        self.budgets
            .add(&f.service, bm, Exposure::of(&estimates), None);
        self.mitigated.risks += 1;
        self.mitigated.minutes += bm;
        if f.budget_estimates().is_some_and(|(_, at_target)| at_target) {
            self.mitigated.at_target += 1;
        }
        self.team_line(f.team.as_ref()).bad_minutes_per_year += bm;
        if self.settings.is_too_big(bm) {
            let line = RiskLine::of(r);
            self.too_big.push(line);
            if let Some(fix) = too_big_fix(r, bm, self.today, &self.settings) {
                self.violation("too_big_not_accepted", r, fix);
            }
        }
    }

    /// A team's line of the report, made when first needed.
    fn team_line(&mut self, team: Option<&String>) -> &mut TeamLine {
        self.by_team
            .entry(team.cloned())
            .or_insert_with(|| TeamLine {
                team: team.cloned(),
                ..TeamLine::default()
            })
    }

    /// Takes one overdue action into account (`check`'s `action_overdue`).
    pub fn add_overdue_action(&mut self, a: &Action) {
        let due = a.effective_due().map(|d| d.to_string()).unwrap_or_default();
        self.violations.push(Violation {
            rule: "action_overdue",
            risk: Some(a.fields.risk),
            milestone: None,
            action: Some(a.id),
            service: None,
            message: format!(
                "action {} \"{}\" on risk {} was due {due}; finish it with `riskreg action done {}` or move its date",
                a.id, a.fields.title, a.fields.risk, a.id
            ),
        });
    }

    /// The report, and the policy violations found.
    pub fn finish(
        mut self,
        milestones: &[Milestone],
        actions: ActionSummary,
    ) -> (Report, Vec<Violation>) {
        let budget_minutes = self.settings.budget_minutes();
        let used = self.budgets.register().used;
        if used > budget_minutes {
            self.violations.push(Violation {
                rule: "over_budget",
                risk: None,
                milestone: None,
                action: None,
                service: None,
                message: format!(
                    "the risks cost {} bad minutes a year; the {}% SLO allows {}",
                    figures::minutes(used),
                    figures::slo(self.settings.slo),
                    figures::minutes(budget_minutes)
                ),
            });
        }
        // A milestone that is done has landed: its risks count as they now are.
        let ahead: Vec<&Milestone> = milestones
            .iter()
            .filter(|m| m.status != super::MilestoneStatus::Done)
            .collect();
        let names: Vec<&str> = ahead.iter().map(|m| m.name.as_str()).collect();
        let (chance, after) = self.budgets.register().chances(&names);
        let mut projected = used;
        let mut lines = Vec::new();
        for (m, then) in ahead.iter().zip(&after) {
            let (change, high) = self.per_milestone.get(&m.name).copied().unwrap_or_default();
            projected += change;
            lines.push(MilestoneLine {
                name: m.name.clone(),
                due: m.due,
                overdue: m.overdue,
                active_risks: u64::try_from(m.active_risks).unwrap_or(0),
                high_or_critical: high,
                change_minutes: round2(change),
                projected_minutes: round2(projected),
                budget_left_minutes: round2(budget_minutes - projected),
                miss_probability: then.miss_probability,
            });
        }
        let max_miss = self.settings.max_miss_probability;
        if chance.miss_probability > max_miss {
            self.violations.push(Violation {
                rule: "slo_at_risk",
                risk: None,
                milestone: None,
                action: None,
                service: None,
                message: format!(
                    "{} — above max_miss_probability {}; land milestones that cut the biggest risks, or accept the risk of missing it",
                    describe(&chance, self.settings.slo),
                    max_miss
                ),
            });
        }
        let services: Vec<ServiceBudget> = self.budgets.services().map(ServiceBudget::of).collect();
        for sb in &services {
            if sb.used_minutes > sb.budget_minutes {
                self.violations.push(Violation {
                    rule: "over_budget",
                    risk: None,
                    milestone: None,
                    action: None,
                    service: Some(sb.service.clone()),
                    message: format!(
                        "service {}: its risks cost {} bad minutes a year; its {}% SLO allows {}",
                        sb.service,
                        figures::minutes(sb.used_minutes),
                        figures::slo(sb.slo),
                        figures::minutes(sb.budget_minutes)
                    ),
                });
            }
            if sb.miss_probability > max_miss {
                self.violations.push(Violation {
                    rule: "slo_at_risk",
                    risk: None,
                    milestone: None,
                    action: None,
                    service: Some(sb.service.clone()),
                    message: format!(
                        "service {}: {} — above max_miss_probability {max_miss}",
                        sb.service,
                        describe(&sb.chance, sb.slo)
                    ),
                });
            }
        }
        let overdue: Vec<MilestoneLine> = lines
            .iter()
            .filter(|m| m.overdue && m.active_risks > 0)
            .cloned()
            .collect();
        for m in overdue.iter().filter(|m| m.high_or_critical > 0) {
            self.violations.push(Violation {
                rule: "overdue_milestone_high_risks",
                risk: None,
                milestone: Some(m.name.clone()),
                action: None,
                service: None,
                message: format!(
                    "milestone \"{}\" was due {} and still carries {} active high or critical risks; land it or replan them",
                    m.name,
                    m.due.map(|d| d.to_string()).unwrap_or_default(),
                    m.high_or_critical
                ),
            });
        }
        let mut by_team: Vec<TeamLine> = self.by_team.into_values().collect();
        // By name, the risks no team owns last.
        by_team.sort_by_key(|t| t.team.is_none());
        for t in &mut by_team {
            t.bad_minutes_per_year = round2(t.bad_minutes_per_year);
        }
        let report = Report {
            schema_version: 1,
            today: self.today,
            risks: self.risks,
            active: self.active,
            by_band: self.by_band,
            by_status: self.by_status,
            by_team,
            budget: Budget {
                slo: self.settings.slo,
                budget_minutes: round2(budget_minutes),
                single_risk_limit_minutes: round2(self.settings.too_big_limit_minutes()),
                used_minutes: round2(used),
                left_minutes: round2(budget_minutes - used),
                used_percent: round2(self.settings.budget_share_percent(used).unwrap_or(0.0)),
                active_with_estimates: self.with_estimates,
                active_without_estimates: self.active - self.with_estimates,
                mitigated: MitigatedLine {
                    minutes: round2(self.mitigated.minutes),
                    ..self.mitigated
                },
                chance: chance.clone(),
            },
            miss_probability: chance.miss_probability,
            services,
            top_by_score: self.top_by_score,
            top_by_bad_minutes: self.top_by_bad_minutes,
            too_big: self.too_big,
            milestones: lines,
            review_due: self.review_due,
            calibration: self.calibration,
            partial_estimates: self.partial,
            overdue_milestones: overdue,
            actions,
        };
        (report, self.violations)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Amount, Estimates, Impact, Likelihood, MilestoneStatus, RiskFields};

    const TODAY: Date = Date::constant(2026, 11, 24);

    fn risk(id: i64, l: u8, i: u8, bad_minutes: Option<f64>) -> Risk {
        let mut fields = RiskFields::new(
            format!("risk {id}"),
            Likelihood::new(l).unwrap(),
            Impact::new(i).unwrap(),
        );
        fields.team = Some("t".into());
        fields.milestone = Some("m".into());
        fields.next_review = Some(Date::constant(2027, 1, 1));
        if let Some(bm) = bad_minutes {
            // bm minutes once a year, to everyone.
            fields.estimates = Estimates {
                ettd: Amount::new(0.0),
                ettr: Amount::new(bm),
                users: Amount::new(100.0),
                ettf: Amount::new(365.25),
            };
        }
        let band = Settings::default().bands.band_for_score(l * i);
        Risk {
            id,
            fields,
            band,
            target_band: band,
            milestone_due: None,
            created_at: String::new(),
            updated_at: String::new(),
            revision: 1,
            actions: crate::domain::ActionTally::default(),
        }
    }

    fn milestone(name: &str, due: Date, active: i64) -> Milestone {
        Milestone {
            name: name.into(),
            due: Some(due),
            team: None,
            status: MilestoneStatus::Planned,
            overdue: due < TODAY,
            active_risks: active,
        }
    }

    fn run(risks: &[Risk], milestones: &[Milestone]) -> (Report, Vec<&'static str>) {
        let mut p = Portfolio::new(&Settings::default(), TODAY);
        for r in risks {
            p.add(r, &[]);
        }
        let (report, violations) = p.finish(milestones, ActionSummary::default());
        (report, violations.iter().map(|v| v.rule).collect())
    }

    #[test]
    fn too_big_is_strictly_above_the_single_risk_share() {
        // 99.8% and 0.25: the limit is 262.98 minutes.
        let (report, rules) = run(
            &[risk(1, 1, 1, Some(262.97)), risk(2, 1, 1, Some(262.99))],
            &[],
        );
        let big: Vec<i64> = report.too_big.iter().map(|r| r.id).collect();
        assert_eq!(big, vec![2]);
        assert_eq!(rules, vec!["too_big_not_accepted"]);
        assert_eq!(report.budget.single_risk_limit_minutes, 262.98);
    }

    #[test]
    fn over_budget_is_strictly_above_the_budget() {
        let under: Vec<Risk> = (1..=4).map(|id| risk(id, 1, 1, Some(262.9))).collect();
        // Spending 99.98% of the budget on average is a high chance of missing
        // it, so slo_at_risk holds on both sides; only over_budget moves.
        let (report, rules) = run(&under, &[]);
        assert_eq!(report.budget.used_minutes, 1051.6);
        assert_eq!(rules, vec!["slo_at_risk"]);
        let mut over = under.clone();
        over.push(risk(5, 1, 1, Some(0.5)));
        let (report, rules) = run(&over, &[]);
        assert_eq!(report.budget.left_minutes, -0.18);
        assert_eq!(rules, vec!["over_budget", "slo_at_risk"]);
    }

    #[test]
    fn milestones_burn_the_budget_down_in_due_order() {
        let mut a = risk(1, 2, 2, Some(100.0));
        a.fields.target.ettr = Amount::new(10.0);
        let mut b = risk(2, 2, 2, Some(50.0));
        b.fields.milestone = Some("n".into());
        b.fields.target.users = Amount::new(10.0);
        let ms = [
            milestone("m", Date::constant(2027, 1, 31), 1),
            milestone("n", Date::constant(2027, 3, 31), 1),
        ];
        let (report, _) = run(&[a, b], &ms);
        let burn: Vec<(f64, f64)> = report
            .milestones
            .iter()
            .map(|m| (m.change_minutes, m.projected_minutes))
            .collect();
        assert_eq!(burn, vec![(-90.0, 60.0), (-45.0, 15.0)]);
        assert_eq!(report.milestones[1].budget_left_minutes, 1036.92);
    }

    #[test]
    fn inactive_risks_count_in_totals_only() {
        let mut closed = risk(1, 5, 5, Some(5000.0));
        closed.fields.status = Status::Closed;
        let (report, rules) = run(&[closed], &[]);
        assert_eq!((report.risks, report.active), (1, 0));
        assert_eq!(report.budget.used_minutes, 0.0);
        assert!(rules.is_empty());
    }
}
