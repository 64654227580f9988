//! The register at a past moment, rebuilt from the append-only history.
//!
//! Every change to a risk or an action is an event holding the field's old and new value,
//! so the state at any moment is today's state with every later event undone, newest
//! first: a change puts back its old value, a create removes the risk (or action), a
//! delete brings it back from the state the event kept (schema version 7 on). Nothing is
//! guessed: an event that cannot be undone exactly — a delete recorded before deletes kept
//! their state, a value the register no longer accepts — is a [`Gap`], named in the output.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::actions::{ActionField, ActionFields, ActionKind, ActionPatch, ActionStatus};
use super::merge::set_from_text;
use super::validate::{self, FieldError};
use super::{Event, EventKind, Field, Impact, Likelihood, RiskFields, RiskPatch, Status};

/// A risk as it stood: its fields and the bookkeeping every export shows.
#[derive(Clone, Debug, PartialEq)]
pub struct RiskState {
    pub fields: RiskFields,
    pub created_at: String,
    pub updated_at: String,
    pub revision: i64,
}

impl RiskState {
    pub fn of(r: &super::Risk) -> RiskState {
        RiskState {
            fields: r.fields.clone(),
            created_at: r.created_at.clone(),
            updated_at: r.updated_at.clone(),
            revision: r.revision,
        }
    }
}

/// An action as it stood.
#[derive(Clone, Debug, PartialEq)]
pub struct ActionState {
    pub fields: ActionFields,
    pub created_at: String,
    pub updated_at: String,
    pub revision: i64,
}

impl ActionState {
    pub fn of(a: &super::actions::Action) -> ActionState {
        ActionState {
            fields: a.fields.clone(),
            created_at: a.created_at.clone(),
            updated_at: a.updated_at.clone(),
            revision: a.revision,
        }
    }
}

/// What a delete event keeps of the risk or action it deleted: every field as history
/// writes it, and the bookkeeping.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kept {
    pub created_at: String,
    pub updated_at: String,
    pub revision: i64,
    /// Field name → value text ([`RiskFields::value_text`], [`ActionFields::value_text`]).
    pub fields: BTreeMap<String, String>,
}

impl Kept {
    pub fn of_risk(s: &RiskState) -> Kept {
        Kept {
            created_at: s.created_at.clone(),
            updated_at: s.updated_at.clone(),
            revision: s.revision,
            fields: Field::ALL
                .into_iter()
                .map(|f| (f.name().to_string(), s.fields.value_text(f)))
                .collect(),
        }
    }

    pub fn of_action(s: &ActionState) -> Kept {
        let mut fields: BTreeMap<String, String> = ActionField::ALL
            .into_iter()
            .map(|f| (f.name().to_string(), s.fields.value_text(f)))
            .collect();
        fields.insert("risk".into(), s.fields.risk.to_string());
        Kept {
            created_at: s.created_at.clone(),
            updated_at: s.updated_at.clone(),
            revision: s.revision,
            fields,
        }
    }

    /// The JSON text a delete event stores.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    fn risk(&self) -> Result<RiskState, FieldError> {
        let mut fields = RiskFields::new(
            String::new(),
            Likelihood::new(1).ok_or_else(|| FieldError::new("likelihood", "1", "unreachable"))?,
            Impact::new(1).ok_or_else(|| FieldError::new("impact", "1", "unreachable"))?,
        );
        fields.status = Status::Open;
        let mut patch = RiskPatch::default();
        for field in Field::ALL {
            let text = self.fields.get(field.name()).map_or("", String::as_str);
            set_from_text(&mut patch, field, text)?;
        }
        fields = fields.patched(&patch);
        Ok(RiskState {
            fields,
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            revision: self.revision,
        })
    }

    fn action(&self) -> Result<ActionState, FieldError> {
        let risk_text = self.fields.get("risk").map_or("", String::as_str);
        let risk = risk_text
            .parse::<i64>()
            .map_err(|_| FieldError::new("risk", risk_text, "not a risk id"))?;
        let mut patch = ActionPatch::default();
        for field in ActionField::ALL {
            let text = self.fields.get(field.name()).map_or("", String::as_str);
            set_action_from_text(&mut patch, field, text)?;
        }
        Ok(ActionState {
            fields: ActionFields::new(risk, String::new()).patched(&patch),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            revision: self.revision,
        })
    }
}

/// Sets one action field from the text history recorded.
fn set_action_from_text(
    patch: &mut ActionPatch,
    field: ActionField,
    text: &str,
) -> Result<(), FieldError> {
    let name = field.name();
    let optional = |t: &str| (!t.is_empty()).then(|| t.to_string());
    match field {
        ActionField::Title => patch.title = Some(validate::title(text)?),
        ActionField::Status => patch.status = Some(ActionStatus::parse(text)?),
        ActionField::Owner => patch.owner = Some(text.to_string()),
        ActionField::Team => patch.team = Some(optional(text)),
        ActionField::Milestone => patch.milestone = Some(optional(text)),
        ActionField::Due => patch.due = Some(validate::optional_date(name, text)?),
        ActionField::Link => patch.link = Some(text.to_string()),
        ActionField::Kind => patch.kind = Some(ActionKind::parse(text)?),
        ActionField::Incident => {
            patch.incident = Some(if text.is_empty() {
                None
            } else {
                Some(
                    text.parse::<i64>()
                        .map_err(|_| FieldError::new(name, text, "not an incident id"))?,
                )
            });
        }
    }
    Ok(())
}

/// The risks and the actions some events touched.
#[derive(Clone, Debug, Default)]
pub struct Touched {
    pub risks: BTreeSet<i64>,
    pub actions: BTreeSet<i64>,
}

impl Touched {
    pub fn add(&mut self, e: &Event) {
        match e.action_id {
            Some(id) => self.actions.insert(id),
            None => self.risks.insert(e.risk_id),
        };
    }
}

/// Something the history cannot take back exactly, so the rebuilt register leaves it out
/// (or as it is today) and says so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub risk: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<i64>,
    /// When the event it could not undo happened.
    pub at: String,
    pub reason: String,
}

/// The register being walked back in time: undo events newest first with [`undo`]; then
/// each risk or action whose last change was undone takes the time of its latest event
/// before the oldest one undone ([`unsettled_risks`], [`settle`]).
///
/// [`undo`]: Rebuild::undo
/// [`unsettled_risks`]: Rebuild::unsettled_risks
/// [`settle`]: Rebuild::settle
#[derive(Clone, Debug, Default)]
pub struct Rebuild {
    pub risks: BTreeMap<i64, RiskState>,
    pub actions: BTreeMap<i64, ActionState>,
    pub gaps: Vec<Gap>,
    /// Risks and actions whose last change was undone, with the id of the oldest event
    /// undone: their `updated_at` is the time of the latest event before it.
    unsettled_risks: BTreeMap<i64, i64>,
    unsettled_actions: BTreeMap<i64, i64>,
}

/// A risk's fields at `revision`, from its state now and its events after that revision,
/// newest first; none when an event does not undo or the revisions do not meet.
pub fn at_revision(now: RiskState, newest_first: &[Event], revision: i64) -> Option<RiskFields> {
    let id = newest_first.first().map_or(0, |e| e.risk_id);
    let mut rebuild = Rebuild::new(BTreeMap::from([(id, now)]), BTreeMap::new());
    for e in newest_first {
        rebuild.undo(e, None);
    }
    if !rebuild.gaps.is_empty() {
        return None;
    }
    rebuild
        .risks
        .remove(&id)
        .filter(|state| state.revision == revision)
        .map(|state| state.fields)
}

impl Rebuild {
    pub fn new(risks: BTreeMap<i64, RiskState>, actions: BTreeMap<i64, ActionState>) -> Self {
        Rebuild {
            risks,
            actions,
            ..Rebuild::default()
        }
    }

    /// The risks whose `updated_at` an older event must give: each with the id of the
    /// oldest event undone (the one to look before).
    pub fn unsettled_risks(&self) -> Vec<(i64, i64)> {
        self.unsettled_risks.iter().map(|(k, v)| (*k, *v)).collect()
    }

    /// The actions whose `updated_at` an older event must give (as for risks).
    pub fn unsettled_actions(&self) -> Vec<(i64, i64)> {
        self.unsettled_actions
            .iter()
            .map(|(k, v)| (*k, *v))
            .collect()
    }

    /// Undoes one event (the newest not yet undone).
    pub fn undo(&mut self, e: &Event, kept: Option<&str>) {
        match e.action_id {
            Some(action) => self.undo_action(action, e, kept),
            None => self.undo_risk(e, kept),
        }
    }

    fn gap(&mut self, e: &Event, reason: String) {
        self.gaps.push(Gap {
            risk: e.risk_id,
            action: e.action_id,
            at: e.at.clone(),
            reason,
        });
    }

    fn undo_risk(&mut self, e: &Event, kept: Option<&str>) {
        let id = e.risk_id;
        match e.kind {
            EventKind::Comment => {}
            EventKind::Create | EventKind::Import => {
                self.risks.remove(&id);
                self.unsettled_risks.remove(&id);
            }
            EventKind::Delete => match kept.map(serde_json::from_str::<Kept>) {
                Some(Ok(k)) => match k.risk() {
                    Ok(state) => {
                        self.risks.insert(id, state);
                        self.unsettled_risks.remove(&id);
                    }
                    Err(err) => self.gap(e, format!("its deleted state does not read: {err}")),
                },
                Some(Err(err)) => self.gap(e, format!("its deleted state does not read: {err}")),
                None => self.gap(
                    e,
                    "deleted before the history kept a deleted risk's state (schema version 7)"
                        .into(),
                ),
            },
            EventKind::Change | EventKind::Status | EventKind::Review => {
                let Some(state) = self.risks.get_mut(&id) else {
                    return;
                };
                let field = e.field.as_deref().and_then(Field::from_name);
                let Some(field) = field else {
                    let name = e.field.clone().unwrap_or_default();
                    self.gap(e, format!("a change of the unknown field {name:?}"));
                    return;
                };
                let mut patch = RiskPatch::default();
                match set_from_text(&mut patch, field, e.old.as_deref().unwrap_or("")) {
                    Ok(()) => {
                        state.fields.apply(&patch);
                        if let Some(r) = e.revision {
                            state.revision = r - 1;
                        }
                        self.unsettled_risks.insert(id, e.id);
                    }
                    Err(err) => {
                        let name = field.name();
                        self.gap(e, format!("its old {name} does not read: {err}"));
                    }
                }
            }
        }
    }

    fn undo_action(&mut self, id: i64, e: &Event, kept: Option<&str>) {
        match e.kind {
            EventKind::Comment | EventKind::Review => {}
            EventKind::Create | EventKind::Import => {
                self.actions.remove(&id);
                self.unsettled_actions.remove(&id);
            }
            EventKind::Delete => match kept.map(serde_json::from_str::<Kept>) {
                Some(Ok(k)) => match k.action() {
                    Ok(state) => {
                        self.actions.insert(id, state);
                        self.unsettled_actions.remove(&id);
                    }
                    Err(err) => self.gap(e, format!("its deleted state does not read: {err}")),
                },
                Some(Err(err)) => self.gap(e, format!("its deleted state does not read: {err}")),
                None => self.gap(
                    e,
                    "deleted before the history kept a deleted action's state (schema version 7)"
                        .into(),
                ),
            },
            EventKind::Change | EventKind::Status => {
                let Some(state) = self.actions.get_mut(&id) else {
                    return;
                };
                let field = e.field.as_deref().and_then(ActionField::from_name);
                let Some(field) = field else {
                    let name = e.field.clone().unwrap_or_default();
                    self.gap(e, format!("a change of the unknown field {name:?}"));
                    return;
                };
                let mut patch = ActionPatch::default();
                match set_action_from_text(&mut patch, field, e.old.as_deref().unwrap_or("")) {
                    Ok(()) => {
                        state.fields.apply(&patch);
                        if let Some(r) = e.revision {
                            state.revision = r - 1;
                        }
                        self.unsettled_actions.insert(id, e.id);
                    }
                    Err(err) => {
                        let name = field.name();
                        self.gap(e, format!("its old {name} does not read: {err}"));
                    }
                }
            }
        }
    }

    /// Gives an unsettled risk (`action`: `None`) or action the time of its last change
    /// at or before the moment; `at` is `None` when it had none.
    pub fn settle(&mut self, risk: i64, action: Option<i64>, at: Option<String>) {
        let state = match action {
            Some(id) => {
                self.unsettled_actions.remove(&id);
                self.actions.get_mut(&id).map(|s| &mut s.updated_at)
            }
            None => {
                self.unsettled_risks.remove(&risk);
                self.risks.get_mut(&risk).map(|s| &mut s.updated_at)
            }
        };
        if let (Some(updated), Some(at)) = (state, at) {
            *updated = at;
        }
    }
}
