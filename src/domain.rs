//! The register's vocabulary: risks and their fields, statuses, likelihood and impact, teams,
//! milestones and history events. Pure: no database, no terminal, no clock.

pub mod actions;
pub mod budgets;
pub mod chance;
pub mod changes;
pub mod detail;
pub mod estimates;
pub mod figures;
pub mod incidents;
pub mod lifecycle;
pub mod merge;
pub mod portfolio;
pub mod rebuild;
pub mod reformat;
pub mod trend;
pub mod validate;

use std::fmt;

use jiff::civil::Date;
use serde::Serialize;

use crate::scoring::Band;
use crate::suggest;

pub use estimates::{Amount, Estimates};
pub use validate::FieldError;

macro_rules! level {
    ($(#[$doc:meta])* $name:ident, $field:literal, [$($label:literal),+]) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(u8);

        impl $name {
            pub const MIN: u8 = 1;
            pub const MAX: u8 = 5;
            const LABELS: [&'static str; 5] = [$($label),+];
            /// The lowest level, 1.
            pub const LOWEST: Self = $name(1);
            /// The middle of the scale, 3: where a new risk's form starts.
            pub const MIDDLE: Self = $name(3);

            /// The level, if `value` is within 1..=5.
            pub fn new(value: u8) -> Option<Self> {
                (Self::MIN..=Self::MAX).contains(&value).then_some($name(value))
            }

            /// Parses "1".."5" (what a CLI flag, a CSV cell or a JSON number holds).
            pub fn parse(s: &str) -> Result<Self, FieldError> {
                s.trim()
                    .parse::<u8>()
                    .ok()
                    .and_then(Self::new)
                    .ok_or_else(|| FieldError::new($field, s, "must be a whole number from 1 to 5"))
            }

            pub fn get(self) -> u8 {
                self.0
            }

            /// The scale's word for this level, e.g. "possible" or "major".
            pub fn label(self) -> &'static str {
                Self::LABELS[usize::from(self.0 - 1)]
            }

            /// One level up, stopping at 5.
            pub fn raised(self) -> Self {
                $name(self.0.saturating_add(1).min(Self::MAX))
            }

            /// One level down, stopping at 1.
            pub fn lowered(self) -> Self {
                $name(self.0.saturating_sub(1).max(Self::MIN))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

level!(
    /// How often the risk materialises: 1 rare … 5 almost certain.
    Likelihood,
    "likelihood",
    ["rare", "unlikely", "possible", "likely", "almost certain"]
);
level!(
    /// How bad it is when it does: 1 negligible … 5 severe.
    Impact,
    "impact",
    ["negligible", "minor", "moderate", "major", "severe"]
);

/// The likelihood × impact score, 1..=25.
pub fn score(likelihood: Likelihood, impact: Impact) -> u8 {
    likelihood.get() * impact.get()
}

/// Where a risk is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Mitigating,
    Mitigated,
    Accepted,
    Closed,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Open,
        Status::Mitigating,
        Status::Mitigated,
        Status::Accepted,
        Status::Closed,
    ];
    pub const ACTIVE: [Status; 3] = [Status::Open, Status::Mitigating, Status::Accepted];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Mitigating => "mitigating",
            Status::Mitigated => "mitigated",
            Status::Accepted => "accepted",
            Status::Closed => "closed",
        }
    }

    /// Active risks count against the register: open, mitigating and accepted.
    pub fn is_active(self) -> bool {
        Status::ACTIVE.contains(&self)
    }

    /// Case-insensitive, with a suggestion for a typo.
    pub fn parse(s: &str) -> Result<Status, FieldError> {
        let t = s.trim();
        Status::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                FieldError::new(
                    "status",
                    s,
                    format!(
                        "must be one of {}{}",
                        Status::ALL.map(Status::as_str).join(", "),
                        suggest::did_you_mean(t, Status::ALL.map(Status::as_str))
                    ),
                )
            })
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a roadmap milestone is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum MilestoneStatus {
    #[serde(rename = "planned")]
    Planned,
    #[serde(rename = "in-progress")]
    InProgress,
    #[serde(rename = "done")]
    Done,
}

impl MilestoneStatus {
    pub const ALL: [MilestoneStatus; 3] = [
        MilestoneStatus::Planned,
        MilestoneStatus::InProgress,
        MilestoneStatus::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MilestoneStatus::Planned => "planned",
            MilestoneStatus::InProgress => "in-progress",
            MilestoneStatus::Done => "done",
        }
    }

    /// Case-insensitive; "in progress" and "in_progress" are accepted too.
    pub fn parse(s: &str) -> Result<MilestoneStatus, FieldError> {
        let t = s.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        MilestoneStatus::ALL
            .into_iter()
            .find(|v| v.as_str() == t)
            .ok_or_else(|| {
                FieldError::new(
                    "status",
                    s,
                    format!(
                        "must be one of planned, in-progress, done{}",
                        suggest::did_you_mean(
                            &t,
                            MilestoneStatus::ALL.map(MilestoneStatus::as_str)
                        )
                    ),
                )
            })
    }
}

impl fmt::Display for MilestoneStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The fields a person sets on a risk (everything else is derived or bookkeeping).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Title,
    Description,
    Category,
    Service,
    Likelihood,
    Impact,
    TargetLikelihood,
    TargetImpact,
    Status,
    Team,
    Milestone,
    Owner,
    Tags,
    NextReview,
    AcceptedUntil,
    Approver,
    Ettd,
    Ettr,
    Users,
    Ettf,
    TargetEttd,
    TargetEttr,
    TargetUsers,
    TargetEttf,
    Links,
}

impl Field {
    pub const ALL: [Field; 25] = [
        Field::Title,
        Field::Description,
        Field::Category,
        Field::Service,
        Field::Likelihood,
        Field::Impact,
        Field::TargetLikelihood,
        Field::TargetImpact,
        Field::Status,
        Field::Team,
        Field::Milestone,
        Field::Owner,
        Field::Tags,
        Field::NextReview,
        Field::AcceptedUntil,
        Field::Approver,
        Field::Ettd,
        Field::Ettr,
        Field::Users,
        Field::Ettf,
        Field::TargetEttd,
        Field::TargetEttr,
        Field::TargetUsers,
        Field::TargetEttf,
        Field::Links,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Description => "description",
            Field::Category => "category",
            Field::Service => "service",
            Field::Likelihood => "likelihood",
            Field::Impact => "impact",
            Field::TargetLikelihood => "target_likelihood",
            Field::TargetImpact => "target_impact",
            Field::Status => "status",
            Field::Team => "team",
            Field::Milestone => "milestone",
            Field::Owner => "owner",
            Field::Tags => "tags",
            Field::NextReview => "next_review",
            Field::AcceptedUntil => "accepted_until",
            Field::Approver => "approver",
            Field::Ettd => "ettd",
            Field::Ettr => "ettr",
            Field::Users => "users",
            Field::Ettf => "ettf",
            Field::TargetEttd => "target_ettd",
            Field::TargetEttr => "target_ettr",
            Field::TargetUsers => "target_users",
            Field::TargetEttf => "target_ettf",
            Field::Links => "links",
        }
    }

    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// A link on a risk: a design doc, a ticket, a postmortem.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Link {
    /// An http(s) URL or a ticket key (see [`validate::link`]).
    pub url: String,
    pub label: String,
}

impl Link {
    /// "URL" or "URL label", as a line of the links text.
    pub fn line(&self) -> String {
        if self.label.is_empty() {
            self.url.clone()
        } else {
            format!("{} {}", self.url, self.label)
        }
    }
}

/// Everything a person sets on a risk: what add creates, edit changes and import loads.
/// Values held here have passed validation (see [`validate`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskFields {
    pub title: String,
    pub description: String,
    pub category: String,
    pub service: String,
    pub likelihood: Likelihood,
    pub impact: Impact,
    /// The likelihood and impact its milestone will leave (residual risk); `None` keeps
    /// today's.
    pub target_likelihood: Option<Likelihood>,
    pub target_impact: Option<Impact>,
    pub status: Status,
    /// The owning team; `None` is unowned.
    pub team: Option<String>,
    pub milestone: Option<String>,
    /// The DRI, a person.
    pub owner: String,
    /// Lower-case, sorted, without duplicates.
    pub tags: Vec<String>,
    pub next_review: Option<Date>,
    pub accepted_until: Option<Date>,
    pub approver: String,
    /// The availability estimates now.
    pub estimates: Estimates,
    /// The estimates once the risk's milestone lands.
    pub target: Estimates,
    /// Design docs, tickets, postmortems, in the order they were added.
    pub links: Vec<Link>,
}

impl RiskFields {
    /// A new risk with the given title and levels; every other field empty, status open.
    pub fn new(title: String, likelihood: Likelihood, impact: Impact) -> RiskFields {
        RiskFields {
            title,
            description: String::new(),
            category: String::new(),
            service: String::new(),
            likelihood,
            impact,
            target_likelihood: None,
            target_impact: None,
            status: Status::Open,
            team: None,
            milestone: None,
            owner: String::new(),
            tags: Vec::new(),
            next_review: None,
            accepted_until: None,
            approver: String::new(),
            estimates: Estimates::default(),
            target: Estimates::default(),
            links: Vec::new(),
        }
    }

    /// One estimate field's value; `None` for fields that are not estimates.
    pub fn amount(&self, field: Field) -> Option<Option<Amount>> {
        let (e, t) = (&self.estimates, &self.target);
        Some(match field {
            Field::Ettd => e.ettd,
            Field::Ettr => e.ettr,
            Field::Users => e.users,
            Field::Ettf => e.ettf,
            Field::TargetEttd => t.ettd,
            Field::TargetEttr => t.ettr,
            Field::TargetUsers => t.users,
            Field::TargetEttf => t.ettf,
            _ => return None,
        })
    }

    /// Sets one estimate field (other fields are left alone).
    pub fn set_amount(&mut self, field: Field, value: Option<Amount>) {
        let (e, t) = (&mut self.estimates, &mut self.target);
        let slot = match field {
            Field::Ettd => &mut e.ettd,
            Field::Ettr => &mut e.ettr,
            Field::Users => &mut e.users,
            Field::Ettf => &mut e.ettf,
            Field::TargetEttd => &mut t.ettd,
            Field::TargetEttr => &mut t.ettr,
            Field::TargetUsers => &mut t.users,
            Field::TargetEttf => &mut t.ettf,
            _ => return,
        };
        *slot = value;
    }

    /// Bad minutes a year now, when every estimate is there.
    pub fn bad_minutes_per_year(&self) -> Option<f64> {
        self.estimates.bad_minutes_per_year()
    }

    /// The estimates once the milestone lands: each target, falling back to today's where
    /// no target is given.
    pub fn residual_estimates(&self) -> Estimates {
        let (e, t) = (&self.estimates, &self.target);
        Estimates {
            ettd: t.ettd.or(e.ettd),
            ettr: t.ettr.or(e.ettr),
            users: t.users.or(e.users),
            ettf: t.ettf.or(e.ettf),
        }
    }

    /// Bad minutes a year once the milestone lands (see [`RiskFields::residual_estimates`]).
    pub fn target_bad_minutes_per_year(&self) -> Option<f64> {
        self.residual_estimates().bad_minutes_per_year()
    }

    /// The estimates a risk counts against the error budget with, and whether they are its
    /// targets: today's for an active risk, the residual ones for a mitigated risk (the work
    /// is done, what it leaves still costs minutes), none for a closed one.
    pub fn budget_estimates(&self) -> Option<(Estimates, bool)> {
        match self.status {
            Status::Closed => None,
            Status::Mitigated => Some((self.residual_estimates(), !self.target.is_empty())),
            _ => Some((self.estimates, false)),
        }
    }

    /// Bad minutes a year against the budget (see [`RiskFields::budget_estimates`]).
    pub fn budget_bad_minutes(&self) -> Option<f64> {
        self.budget_estimates()?.0.bad_minutes_per_year()
    }

    pub fn score(&self) -> u8 {
        score(self.likelihood, self.impact)
    }

    /// The likelihood its milestone will leave: the target, else today's.
    pub fn residual_likelihood(&self) -> Likelihood {
        self.target_likelihood.unwrap_or(self.likelihood)
    }

    /// The impact its milestone will leave: the target, else today's.
    pub fn residual_impact(&self) -> Impact {
        self.target_impact.unwrap_or(self.impact)
    }

    /// The score its milestone will leave (residual risk); today's when no target is set.
    pub fn target_score(&self) -> u8 {
        score(self.residual_likelihood(), self.residual_impact())
    }

    /// The value of one field as history records it ("" for none).
    pub fn value_text(&self, field: Field) -> String {
        fn date(d: Option<Date>) -> String {
            d.map(|d| d.to_string()).unwrap_or_default()
        }
        match field {
            Field::Title => self.title.clone(),
            Field::Description => self.description.clone(),
            Field::Category => self.category.clone(),
            Field::Service => self.service.clone(),
            Field::Likelihood => self.likelihood.to_string(),
            Field::Impact => self.impact.to_string(),
            Field::TargetLikelihood => self
                .target_likelihood
                .map(|l| l.to_string())
                .unwrap_or_default(),
            Field::TargetImpact => self
                .target_impact
                .map(|i| i.to_string())
                .unwrap_or_default(),
            Field::Status => self.status.to_string(),
            Field::Team => self.team.clone().unwrap_or_default(),
            Field::Milestone => self.milestone.clone().unwrap_or_default(),
            Field::Owner => self.owner.clone(),
            Field::Tags => self.tags.join(","),
            Field::NextReview => date(self.next_review),
            Field::AcceptedUntil => date(self.accepted_until),
            Field::Approver => self.approver.clone(),
            Field::Links => self
                .links
                .iter()
                .map(Link::line)
                .collect::<Vec<_>>()
                .join("\n"),
            other => self
                .amount(other)
                .flatten()
                .map(|a| a.to_string())
                .unwrap_or_default(),
        }
    }

    /// The fields that differ from `newer`, with old and new values, in field order.
    /// Team and milestone names compare case-insensitively, as the register matches them.
    pub fn changes_to(&self, newer: &RiskFields) -> Vec<FieldChange> {
        Field::ALL
            .into_iter()
            .filter_map(|field| {
                let old = self.value_text(field);
                let new = newer.value_text(field);
                let same = match field {
                    Field::Team | Field::Milestone => old.to_lowercase() == new.to_lowercase(),
                    _ => old == new,
                };
                (!same).then_some(FieldChange { field, old, new })
            })
            .collect()
    }

    /// This risk with `patch` applied (no rules checked; see [`lifecycle::plan_edit`]).
    pub fn patched(&self, patch: &RiskPatch) -> RiskFields {
        let mut f = self.clone();
        f.apply(patch);
        f
    }

    /// Applies `patch` in place (see [`RiskFields::patched`]).
    pub fn apply(&mut self, patch: &RiskPatch) {
        let f = self;
        if let Some(v) = &patch.title {
            f.title.clone_from(v);
        }
        if let Some(v) = &patch.description {
            f.description.clone_from(v);
        }
        if let Some(v) = &patch.category {
            f.category.clone_from(v);
        }
        if let Some(v) = &patch.service {
            f.service.clone_from(v);
        }
        if let Some(v) = patch.likelihood {
            f.likelihood = v;
        }
        if let Some(v) = patch.impact {
            f.impact = v;
        }
        if let Some(v) = patch.target_likelihood {
            f.target_likelihood = v;
        }
        if let Some(v) = patch.target_impact {
            f.target_impact = v;
        }
        if let Some(v) = patch.status {
            f.status = v;
        }
        if let Some(v) = &patch.team {
            f.team.clone_from(v);
        }
        if let Some(v) = &patch.milestone {
            f.milestone.clone_from(v);
        }
        if let Some(v) = &patch.owner {
            f.owner.clone_from(v);
        }
        if let Some(v) = &patch.tags {
            f.tags.clone_from(v);
        }
        f.tags.extend(patch.add_tags.iter().cloned());
        f.tags.retain(|t| !patch.remove_tags.contains(t));
        f.tags.sort();
        f.tags.dedup();
        if let Some(v) = patch.next_review {
            f.next_review = v;
        }
        if let Some(v) = patch.accepted_until {
            f.accepted_until = v;
        }
        if let Some(v) = &patch.approver {
            f.approver.clone_from(v);
        }
        for (field, value) in &patch.amounts {
            f.set_amount(*field, *value);
        }
        if let Some(v) = &patch.links {
            f.links.clone_from(v);
        }
        for link in &patch.add_links {
            match f.links.iter_mut().find(|l| l.url == link.url) {
                Some(existing) => existing.label.clone_from(&link.label),
                None => f.links.push(link.clone()),
            }
        }
        f.links.retain(|l| !patch.remove_links.contains(&l.url));
    }
}

/// A change to some fields of a risk. `None` leaves a field alone; for optional fields
/// `Some(None)` clears it. Values have passed validation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RiskPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    pub service: Option<String>,
    pub likelihood: Option<Likelihood>,
    pub impact: Option<Impact>,
    pub target_likelihood: Option<Option<Likelihood>>,
    pub target_impact: Option<Option<Impact>>,
    pub status: Option<Status>,
    pub team: Option<Option<String>>,
    pub milestone: Option<Option<String>>,
    pub owner: Option<String>,
    /// Replaces every tag (import); applied before `add_tags` and `remove_tags`.
    pub tags: Option<Vec<String>>,
    pub add_tags: Vec<String>,
    pub remove_tags: Vec<String>,
    pub next_review: Option<Option<Date>>,
    pub accepted_until: Option<Option<Date>>,
    pub approver: Option<String>,
    /// Estimates to set (`None` clears one), in the order given.
    pub amounts: Vec<(Field, Option<Amount>)>,
    /// Replaces every link (import, undo); applied before `add_links` and `remove_links`.
    pub links: Option<Vec<Link>>,
    /// Links to add (an existing URL gets the new label).
    pub add_links: Vec<Link>,
    /// URLs to remove.
    pub remove_links: Vec<String>,
}

impl RiskPatch {
    pub fn is_empty(&self) -> bool {
        *self == RiskPatch::default()
    }
}

/// One field's change, as recorded in history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: Field,
    pub old: String,
    pub new: String,
}

/// A risk's open actions as the risk itself carries them: how many, how many are overdue
/// (as of the day it was read) and when the next is due.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ActionTally {
    pub open: u64,
    pub overdue: u64,
    pub next_due: Option<Date>,
}

impl ActionTally {
    /// From the due dates of the open actions ("-" for one without), as of `today`.
    pub fn from_dues(dues: Option<&str>, today: Date) -> ActionTally {
        let mut tally = ActionTally::default();
        for due in dues.unwrap_or("").split(',').filter(|d| !d.is_empty()) {
            tally.open += 1;
            if let Ok(d) = due.parse::<Date>() {
                tally.next_due = Some(tally.next_due.map_or(d, |n| n.min(d)));
                if d < today {
                    tally.overdue += 1;
                }
            }
        }
        tally
    }
}

/// A risk as stored: its fields plus what the register derives and keeps.
#[derive(Clone, Debug, PartialEq)]
pub struct Risk {
    pub id: i64,
    pub fields: RiskFields,
    pub band: Band,
    /// The band of the score its milestone will leave.
    pub target_band: Band,
    /// Due date of the risk's milestone, if it has one.
    pub milestone_due: Option<Date>,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// RFC 3339, UTC.
    pub updated_at: String,
    /// +1 on every change; the token for optimistic concurrency.
    pub revision: i64,
    /// Its open actions.
    pub actions: ActionTally,
}

impl Risk {
    pub fn score(&self) -> u8 {
        self.fields.score()
    }
}

impl Serialize for Risk {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let f = &self.fields;
        let mut st = s.serialize_struct("Risk", 39)?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("title", &f.title)?;
        st.serialize_field("description", &f.description)?;
        st.serialize_field("category", &f.category)?;
        st.serialize_field("service", &f.service)?;
        st.serialize_field("likelihood", &f.likelihood)?;
        st.serialize_field("impact", &f.impact)?;
        st.serialize_field("score", &self.score())?;
        st.serialize_field("band", &self.band)?;
        st.serialize_field("target_likelihood", &f.target_likelihood)?;
        st.serialize_field("target_impact", &f.target_impact)?;
        st.serialize_field("target_score", &f.target_score())?;
        st.serialize_field("target_band", &self.target_band)?;
        st.serialize_field("status", &f.status)?;
        st.serialize_field("team", &f.team)?;
        st.serialize_field("milestone", &f.milestone)?;
        st.serialize_field("milestone_due", &self.milestone_due)?;
        st.serialize_field("owner", &f.owner)?;
        st.serialize_field("tags", &f.tags)?;
        st.serialize_field("next_review", &f.next_review)?;
        st.serialize_field("accepted_until", &f.accepted_until)?;
        st.serialize_field("approver", &f.approver)?;
        st.serialize_field("links", &f.links)?;
        st.serialize_field("actions_open", &self.actions.open)?;
        st.serialize_field("actions_overdue", &self.actions.overdue)?;
        st.serialize_field("next_action_due", &self.actions.next_due)?;
        for field in estimates::ESTIMATE_FIELDS {
            st.serialize_field(field.name(), &f.amount(field).flatten())?;
        }
        if let Some(bm) = f.bad_minutes_per_year() {
            st.serialize_field("bad_minutes_per_year", &round2(bm))?;
        } else {
            st.skip_field("bad_minutes_per_year")?;
        }
        if let Some(bm) = f
            .target_bad_minutes_per_year()
            .filter(|_| !f.target.is_empty())
        {
            st.serialize_field("target_bad_minutes_per_year", &round2(bm))?;
        } else {
            st.skip_field("target_bad_minutes_per_year")?;
        }
        st.serialize_field("created_at", &self.created_at)?;
        st.serialize_field("updated_at", &self.updated_at)?;
        st.serialize_field("revision", &self.revision)?;
        st.end()
    }
}

/// Minutes rounded to hundredths, as reports and JSON show them.
pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// What a history event records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    Create,
    Change,
    Status,
    Review,
    Import,
    Delete,
    /// A comment on the risk: `note` holds it.
    Comment,
}

impl EventKind {
    pub const ALL: [EventKind; 7] = [
        EventKind::Create,
        EventKind::Change,
        EventKind::Status,
        EventKind::Review,
        EventKind::Import,
        EventKind::Delete,
        EventKind::Comment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Create => "create",
            EventKind::Change => "change",
            EventKind::Status => "status",
            EventKind::Review => "review",
            EventKind::Import => "import",
            EventKind::Delete => "delete",
            EventKind::Comment => "comment",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One row of the append-only history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Event {
    pub id: i64,
    pub risk_id: i64,
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: String,
    pub kind: EventKind,
    pub field: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
    /// The risk's revision after this event (none for a delete); for an event about an
    /// action, the action's.
    pub revision: Option<i64>,
    pub note: String,
    /// The action the event is about, if it is about one of the risk's actions.
    pub action_id: Option<i64>,
}

/// A team with how many active risks it owns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Team {
    pub name: String,
    pub description: String,
    pub active_risks: i64,
    pub milestones: i64,
}

/// A roadmap milestone with how many active risks it carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Milestone {
    pub name: String,
    pub due: Option<Date>,
    pub team: Option<String>,
    pub status: MilestoneStatus,
    pub overdue: bool,
    pub active_risks: i64,
}

/// A milestone is overdue when its due date has passed and it is not done.
pub fn milestone_overdue(due: Option<Date>, status: MilestoneStatus, today: Date) -> bool {
    status != MilestoneStatus::Done && due.is_some_and(|d| d < today)
}

/// Fields of a milestone as `milestone add`/`edit` set them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MilestonePatch {
    pub name: Option<String>,
    pub due: Option<Option<Date>>,
    pub team: Option<Option<String>>,
    pub status: Option<MilestoneStatus>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_within_one_to_five() {
        for (input, ok) in [
            ("1", true),
            ("5", true),
            (" 3 ", true),
            ("0", false),
            ("6", false),
            ("x", false),
            ("", false),
            ("2.5", false),
            ("-1", false),
        ] {
            assert_eq!(Likelihood::parse(input).is_ok(), ok, "{input:?}");
            assert_eq!(Impact::parse(input).is_ok(), ok, "{input:?}");
        }
        let l = Likelihood::new(5).unwrap();
        assert_eq!(l.raised(), l);
        assert_eq!(Likelihood::new(1).unwrap().lowered().get(), 1);
        assert_eq!(Impact::new(4).unwrap().label(), "major");
        assert_eq!(Likelihood::new(1).unwrap().label(), "rare");
    }

    #[test]
    fn statuses_are_case_insensitive_and_suggest() {
        assert_eq!(Status::parse("Mitigating").unwrap(), Status::Mitigating);
        assert_eq!(Status::parse("CLOSED").unwrap(), Status::Closed);
        let err = Status::parse("opne").unwrap_err();
        assert!(err.reason.contains("did you mean 'open'"), "{}", err.reason);
        assert_eq!(
            MilestoneStatus::parse("In Progress").unwrap(),
            MilestoneStatus::InProgress
        );
        assert!(MilestoneStatus::parse("late").is_err());
        let active: Vec<_> = Status::ALL.into_iter().filter(|s| s.is_active()).collect();
        assert_eq!(active, Status::ACTIVE);
    }

    #[test]
    fn changes_list_only_differing_fields() {
        let a = RiskFields::new(
            "t".into(),
            Likelihood::new(2).unwrap(),
            Impact::new(3).unwrap(),
        );
        let mut b = a.clone();
        b.owner = "ana".into();
        b.team = Some("Core".into());
        let changes = a.changes_to(&b);
        assert_eq!(
            changes.iter().map(|c| c.field).collect::<Vec<_>>(),
            [Field::Team, Field::Owner]
        );
        let mut c = b.clone();
        c.team = Some("core".into());
        assert!(
            b.changes_to(&c).is_empty(),
            "team names compare case-insensitively"
        );
    }

    #[test]
    fn patch_adds_and_removes_tags_in_order() {
        let mut a = RiskFields::new(
            "t".into(),
            Likelihood::new(2).unwrap(),
            Impact::new(3).unwrap(),
        );
        a.tags = vec!["db".into(), "net".into()];
        let patch = RiskPatch {
            add_tags: vec!["auth".into(), "db".into()],
            remove_tags: vec!["net".into()],
            ..RiskPatch::default()
        };
        assert_eq!(a.patched(&patch).tags, ["auth", "db"]);
    }

    #[test]
    fn overdue_needs_a_past_due_date_and_not_done() {
        let today = jiff::civil::date(2026, 11, 24);
        let past = Some(jiff::civil::date(2026, 11, 23));
        assert!(milestone_overdue(past, MilestoneStatus::Planned, today));
        assert!(!milestone_overdue(past, MilestoneStatus::Done, today));
        assert!(!milestone_overdue(
            Some(today),
            MilestoneStatus::InProgress,
            today
        ));
        assert!(!milestone_overdue(None, MilestoneStatus::Planned, today));
    }
}
