//! Actions: the work that retires a risk — an owner, a team, a due date (its own, or its
//! milestone's), a ticket, and whether it came out of an incident review as a short-term fix
//! or a long-term change. Pure: what an action is, its statuses and kinds, and the rules of
//! its fields.

use std::fmt;

use jiff::civil::Date;
use serde::Serialize;

use super::validate::{self, FieldError};
use crate::suggest;

/// Where an action is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionStatus {
    Todo,
    Doing,
    Done,
    Dropped,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 4] = [
        ActionStatus::Todo,
        ActionStatus::Doing,
        ActionStatus::Done,
        ActionStatus::Dropped,
    ];
    pub const OPEN: [ActionStatus; 2] = [ActionStatus::Todo, ActionStatus::Doing];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Todo => "todo",
            ActionStatus::Doing => "doing",
            ActionStatus::Done => "done",
            ActionStatus::Dropped => "dropped",
        }
    }

    /// Open actions are still to be done: todo or doing.
    pub fn is_open(self) -> bool {
        ActionStatus::OPEN.contains(&self)
    }

    /// Case-insensitive, with a suggestion for a typo.
    pub fn parse(s: &str) -> Result<ActionStatus, FieldError> {
        let t = s.trim();
        ActionStatus::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                FieldError::new(
                    "status",
                    s,
                    format!(
                        "an action's status is one of todo, doing, done, dropped{}",
                        suggest::did_you_mean(t, ActionStatus::ALL.map(ActionStatus::as_str))
                    ),
                )
            })
    }
}

impl fmt::Display for ActionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an incident review produced: a quick fix, or a change for the roadmap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ActionKind {
    #[serde(rename = "short-term")]
    ShortTerm,
    #[serde(rename = "long-term")]
    LongTerm,
}

impl ActionKind {
    pub const ALL: [ActionKind; 2] = [ActionKind::ShortTerm, ActionKind::LongTerm];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::ShortTerm => "short-term",
            ActionKind::LongTerm => "long-term",
        }
    }

    /// Case-insensitive; "short", "short_term" and "long term" are taken too.
    pub fn parse(s: &str) -> Result<ActionKind, FieldError> {
        let t = s.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        let t = match t.as_str() {
            "short" => "short-term",
            "long" => "long-term",
            other => other,
        };
        ActionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == t)
            .ok_or_else(|| {
                FieldError::new("kind", s, "an action's kind is short-term or long-term")
            })
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The fields a person sets on an action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionFields {
    /// The risk it mitigates.
    pub risk: i64,
    pub title: String,
    pub status: ActionStatus,
    pub owner: String,
    pub team: Option<String>,
    pub milestone: Option<String>,
    /// Its own due date (the milestone's counts when there is none).
    pub due: Option<Date>,
    /// A URL or a ticket key.
    pub link: String,
    pub kind: ActionKind,
    /// The incident whose review produced it.
    pub incident: Option<i64>,
}

impl ActionFields {
    pub fn new(risk: i64, title: String) -> ActionFields {
        ActionFields {
            risk,
            title,
            status: ActionStatus::Todo,
            owner: String::new(),
            team: None,
            milestone: None,
            due: None,
            link: String::new(),
            kind: ActionKind::ShortTerm,
            incident: None,
        }
    }

    /// The value of one field as history records it ("" for none).
    pub fn value_text(&self, field: ActionField) -> String {
        match field {
            ActionField::Title => self.title.clone(),
            ActionField::Status => self.status.to_string(),
            ActionField::Owner => self.owner.clone(),
            ActionField::Team => self.team.clone().unwrap_or_default(),
            ActionField::Milestone => self.milestone.clone().unwrap_or_default(),
            ActionField::Due => self.due.map(|d| d.to_string()).unwrap_or_default(),
            ActionField::Link => self.link.clone(),
            ActionField::Kind => self.kind.to_string(),
            ActionField::Incident => self.incident.map(|i| i.to_string()).unwrap_or_default(),
        }
    }

    /// The fields that differ from `newer`, with old and new values, in field order.
    pub fn changes_to(&self, newer: &ActionFields) -> Vec<(ActionField, String, String)> {
        ActionField::ALL
            .into_iter()
            .filter_map(|field| {
                let (old, new) = (self.value_text(field), newer.value_text(field));
                let same = match field {
                    ActionField::Team | ActionField::Milestone => {
                        old.to_lowercase() == new.to_lowercase()
                    }
                    _ => old == new,
                };
                (!same).then_some((field, old, new))
            })
            .collect()
    }

    /// These fields with `patch` applied.
    pub fn patched(&self, patch: &ActionPatch) -> ActionFields {
        let mut f = self.clone();
        f.apply(patch);
        f
    }

    /// Applies `patch` in place (see [`ActionFields::patched`]).
    pub fn apply(&mut self, patch: &ActionPatch) {
        let f = self;
        if let Some(v) = &patch.title {
            f.title.clone_from(v);
        }
        if let Some(v) = patch.status {
            f.status = v;
        }
        if let Some(v) = &patch.owner {
            f.owner.clone_from(v);
        }
        if let Some(v) = &patch.team {
            f.team.clone_from(v);
        }
        if let Some(v) = &patch.milestone {
            f.milestone.clone_from(v);
        }
        if let Some(v) = patch.due {
            f.due = v;
        }
        if let Some(v) = &patch.link {
            f.link.clone_from(v);
        }
        if let Some(v) = patch.kind {
            f.kind = v;
        }
        if let Some(v) = patch.incident {
            f.incident = v;
        }
    }
}

/// The fields of an action a person sets, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionField {
    Title,
    Status,
    Owner,
    Team,
    Milestone,
    Due,
    Link,
    Kind,
    Incident,
}

impl ActionField {
    pub const ALL: [ActionField; 9] = [
        ActionField::Title,
        ActionField::Status,
        ActionField::Owner,
        ActionField::Team,
        ActionField::Milestone,
        ActionField::Due,
        ActionField::Link,
        ActionField::Kind,
        ActionField::Incident,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ActionField::Title => "title",
            ActionField::Status => "status",
            ActionField::Owner => "owner",
            ActionField::Team => "team",
            ActionField::Milestone => "milestone",
            ActionField::Due => "due",
            ActionField::Link => "link",
            ActionField::Kind => "kind",
            ActionField::Incident => "incident",
        }
    }

    pub fn from_name(name: &str) -> Option<ActionField> {
        ActionField::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// A change to some fields of an action; `None` leaves a field alone, `Some(None)` clears an
/// optional one. Values have passed validation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionPatch {
    pub title: Option<String>,
    pub status: Option<ActionStatus>,
    pub owner: Option<String>,
    pub team: Option<Option<String>>,
    pub milestone: Option<Option<String>>,
    pub due: Option<Option<Date>>,
    pub link: Option<String>,
    pub kind: Option<ActionKind>,
    pub incident: Option<Option<i64>>,
}

impl ActionPatch {
    pub fn is_empty(&self) -> bool {
        *self == ActionPatch::default()
    }

    /// Sets `field` from the text a person typed, with the validation every way in uses.
    pub fn set_from_text(&mut self, field: ActionField, text: &str) -> Result<(), FieldError> {
        let optional_name = |t: &str| -> Result<Option<String>, FieldError> {
            if t.trim().is_empty() {
                Ok(None)
            } else {
                validate::name(field.name(), t, validate::NAME_MAX).map(Some)
            }
        };
        match field {
            ActionField::Title => self.title = Some(validate::title(text)?),
            ActionField::Status => self.status = Some(ActionStatus::parse(text)?),
            ActionField::Owner => {
                self.owner = Some(validate::line("owner", text, validate::LINE_MAX)?);
            }
            ActionField::Team => self.team = Some(optional_name(text)?),
            ActionField::Milestone => self.milestone = Some(optional_name(text)?),
            ActionField::Due => self.due = Some(validate::optional_date("due", text)?),
            ActionField::Link => self.link = Some(validate::link(text)?),
            ActionField::Kind => self.kind = Some(ActionKind::parse(text)?),
            ActionField::Incident => {
                let t = text.trim().trim_start_matches('#');
                self.incident = Some(if t.is_empty() {
                    None
                } else {
                    Some(t.parse::<i64>().ok().filter(|v| *v > 0).ok_or_else(|| {
                        FieldError::new(
                            "incident",
                            text,
                            "is an incident's id, a positive whole number",
                        )
                    })?)
                });
            }
        }
        Ok(())
    }
}

/// An action as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub id: i64,
    pub fields: ActionFields,
    /// The due date of its milestone, if it has one.
    pub milestone_due: Option<Date>,
    /// The title of its risk (for lists).
    pub risk_title: String,
    pub created_at: String,
    pub updated_at: String,
    pub revision: i64,
}

impl Action {
    /// The due date that counts: its own, else its milestone's.
    pub fn effective_due(&self) -> Option<Date> {
        self.fields.due.or(self.milestone_due)
    }

    /// Open and past its due date.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.fields.status.is_open() && self.effective_due().is_some_and(|d| d < today)
    }
}

impl Serialize for Action {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let f = &self.fields;
        let mut st = s.serialize_struct("Action", 16)?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("risk", &f.risk)?;
        st.serialize_field("risk_title", &self.risk_title)?;
        st.serialize_field("title", &f.title)?;
        st.serialize_field("status", &f.status)?;
        st.serialize_field("owner", &f.owner)?;
        st.serialize_field("team", &f.team)?;
        st.serialize_field("milestone", &f.milestone)?;
        st.serialize_field("due", &f.due)?;
        st.serialize_field("effective_due", &self.effective_due())?;
        st.serialize_field("link", &f.link)?;
        st.serialize_field("kind", &f.kind)?;
        st.serialize_field("incident", &f.incident)?;
        st.serialize_field("created_at", &self.created_at)?;
        st.serialize_field("updated_at", &self.updated_at)?;
        st.serialize_field("revision", &self.revision)?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_kinds_parse_case_insensitively_and_suggest() {
        assert_eq!(ActionStatus::parse("Doing").unwrap(), ActionStatus::Doing);
        let e = ActionStatus::parse("dnoe").unwrap_err();
        assert!(e.reason.contains("did you mean 'done'"), "{}", e.reason);
        assert_eq!(
            ActionKind::parse("Long Term").unwrap(),
            ActionKind::LongTerm
        );
        assert_eq!(ActionKind::parse("short").unwrap(), ActionKind::ShortTerm);
        assert!(ActionKind::parse("medium").is_err());
        assert!(ActionStatus::Todo.is_open() && !ActionStatus::Dropped.is_open());
    }

    #[test]
    fn overdue_means_open_and_past_the_due_date_that_counts() {
        let today = Date::constant(2026, 11, 24);
        let mut a = Action {
            id: 1,
            fields: ActionFields::new(1, "t".into()),
            milestone_due: Some(Date::constant(2026, 11, 1)),
            risk_title: String::new(),
            created_at: String::new(),
            updated_at: String::new(),
            revision: 1,
        };
        assert!(a.is_overdue(today), "the milestone's date counts");
        a.fields.due = Some(Date::constant(2026, 12, 1));
        assert!(!a.is_overdue(today), "its own date wins");
        a.fields.due = Some(Date::constant(2026, 11, 23));
        a.fields.status = ActionStatus::Done;
        assert!(!a.is_overdue(today), "done is never overdue");
    }

    #[test]
    fn changes_list_fields_in_order() {
        let a = ActionFields::new(3, "Add a canary".into());
        let mut b = a.clone();
        b.status = ActionStatus::Doing;
        b.owner = "ana".into();
        let changes: Vec<ActionField> = a.changes_to(&b).into_iter().map(|c| c.0).collect();
        assert_eq!(changes, [ActionField::Status, ActionField::Owner]);
    }
}
