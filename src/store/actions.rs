//! Actions: create, read, change, delete, and the listing by due date with the action query
//! language. Every change is one event in the history, naming the action.

use super::db::{Db, Row, Value, args, corrupt};
use super::history::{NewEvent, record};
use super::risks::date_at;
use super::{Store, Tx};
use crate::domain::actions::{
    Action, ActionField, ActionFields, ActionKind, ActionPatch, ActionStatus,
};
use crate::domain::portfolio::ActionTeamLine;
use crate::domain::rebuild::{ActionState, Kept};
use crate::domain::{EventKind, FieldError};
use crate::error::{Error, Result};
use crate::query::{ActionSpec, ActionTermKind, ActionText};
use jiff::civil::Date;

const COLUMNS: &str = "a.id, a.risk_id, r.title, a.title, a.status, a.owner, t.name, m.name, m.due, \
     a.due, a.link, a.kind, a.incident_id, a.created_at, a.updated_at, a.revision";

const FROM: &str = "action a JOIN risk r ON r.id = a.risk_id \
     LEFT JOIN team t ON t.id = a.team_id LEFT JOIN milestone m ON m.id = a.milestone_id";

/// Open: todo or doing.
const OPEN: &str = "(a.status = 'todo' OR a.status = 'doing')";

/// An action's row as the table holds it: what a new action and a rebuilt register insert.
pub(super) struct ActionRow<'a> {
    /// `None`: the next id.
    pub id: Option<i64>,
    pub fields: &'a ActionFields,
    pub team: Option<i64>,
    pub milestone: Option<i64>,
    /// Its own due date, else its milestone's.
    pub effective_due: Option<Date>,
    pub created_at: &'a str,
    pub updated_at: &'a str,
    pub revision: i64,
}

/// Returns the action's id.
pub(super) fn insert_action_row(db: Db<'_>, row: &ActionRow<'_>) -> Result<i64> {
    let f = row.fields;
    db.insert(
        "INSERT INTO action (id, risk_id, title, status, owner, team_id, milestone_id, due, effective_due,
             link, kind, incident_id, created_at, updated_at, revision)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        &args![
        row.id,
        f.risk,
        f.title,
        f.status.as_str(),
        f.owner,
        row.team,
        row.milestone,
        f.due.map(|d| d.to_string()),
        row.effective_due.map(|d| d.to_string()),
        f.link,
        f.kind.as_str(),
        f.incident,
        row.created_at,
        row.updated_at,
        row.revision,
        ],
    )
}

fn action_from_row(row: &dyn Row) -> Result<Action> {
    let status: String = row.get(4)?;
    let kind: String = row.get(11)?;
    Ok(Action {
        id: row.get(0)?,
        fields: ActionFields {
            risk: row.get(1)?,
            title: row.get(3)?,
            status: ActionStatus::parse(&status).map_err(|_| corrupt(4, "status", &status))?,
            owner: row.get(5)?,
            team: row.get(6)?,
            milestone: row.get(7)?,
            due: date_at(row, 9)?,
            link: row.get(10)?,
            kind: ActionKind::parse(&kind).map_err(|_| corrupt(11, "kind", &kind))?,
            incident: row.get(12)?,
        },
        risk_title: row.get(2)?,
        milestone_due: date_at(row, 8)?,
        created_at: row.get(13)?,
        updated_at: row.get(14)?,
        revision: row.get(15)?,
    })
}

pub(super) fn get_action(db: Db<'_>, id: i64) -> Result<Option<Action>> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE a.id = ?1");
    db.first(&sql, &args![id], action_from_row)
}

fn actions_of(db: Db<'_>, risk: i64) -> Result<Vec<Action>> {
    let sql =
        format!("SELECT {COLUMNS} FROM {FROM} WHERE a.risk_id = ?1 ORDER BY NOT {OPEN}, {ORDER}");
    db.all(&sql, &args![risk], action_from_row)
}

fn not_found(id: i64) -> Error {
    Error::NotFound(format!(
        "no action with id {id}; `riskreg action list --all` shows every action"
    ))
}

fn text(s: &str) -> Value<'static> {
    Value::text(s)
}

/// The WHERE condition and parameters of an action query.
fn condition(spec: &ActionSpec, today: Date) -> (String, Vec<Value<'static>>) {
    let mut clauses = Vec::new();
    let mut params = Vec::new();
    if spec.open_only() {
        clauses.push(OPEN.to_string());
    }
    for term in &spec.query.terms {
        let placeholders = |n: usize| vec!["?"; n].join(", ");
        let sql = match &term.kind {
            ActionTermKind::Risk(ids) | ActionTermKind::Incident(ids) => {
                params.extend(ids.iter().map(|i| Value::Int(*i)));
                let column = if matches!(term.kind, ActionTermKind::Risk(_)) {
                    "a.risk_id"
                } else {
                    "a.incident_id"
                };
                format!("{column} IN ({})", placeholders(ids.len()))
            }
            ActionTermKind::Status(statuses) => {
                params.extend(statuses.iter().map(|s| text(s.as_str())));
                format!("a.status IN ({})", placeholders(statuses.len()))
            }
            ActionTermKind::Kind(kinds) => {
                params.extend(kinds.iter().map(|k| text(k.as_str())));
                format!("a.kind IN ({})", placeholders(kinds.len()))
            }
            ActionTermKind::Match(field, values) => {
                params.extend(values.iter().map(|v| text(v)));
                let list = placeholders(values.len());
                match field {
                    ActionText::Owner => format!("a.owner COLLATE NOCASE IN ({list})"),
                    ActionText::Team => {
                        format!("a.team_id IN (SELECT id FROM team WHERE name IN ({list}))")
                    }
                    ActionText::Milestone => format!(
                        "a.milestone_id IN (SELECT id FROM milestone WHERE name IN ({list}))"
                    ),
                }
            }
            ActionTermKind::Due(cmp, date) => {
                params.push(text(&date.to_string()));
                format!("a.effective_due {} ?", cmp.as_str())
            }
            ActionTermKind::Overdue => {
                params.push(text(&today.to_string()));
                format!("({OPEN} AND a.effective_due < ?)")
            }
            ActionTermKind::Text(s) => {
                params.push(text(&s.to_lowercase()));
                "rr_contains(a.title, ?)".to_string()
            }
        };
        clauses.push(if term.negated {
            format!("NOT coalesce(({sql}), 1 = 0)")
        } else {
            sql
        });
    }
    let sql = if clauses.is_empty() {
        "1 = 1".to_string()
    } else {
        clauses.join(" AND ")
    };
    (sql, params)
}

/// By the due date that counts (none last), then id: overdue actions come first.
const ORDER: &str = "a.effective_due IS NULL, a.effective_due, a.id";

impl Store {
    pub fn action(&self, id: i64) -> Result<Action> {
        get_action(self.db(), id)?.ok_or_else(|| not_found(id))
    }

    /// Calls `each` with every action the spec selects, in order, one at a time.
    pub fn for_each_action(
        &self,
        spec: &ActionSpec,
        today: Date,
        mut each: impl FnMut(Action) -> Result<()>,
    ) -> Result<()> {
        let (cond, mut params) = condition(spec, today);
        let mut sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE {cond} ORDER BY {ORDER}");
        if let Some(limit) = spec.limit {
            sql.push_str(" LIMIT ?");
            params.push(Value::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
        }
        self.db()
            .each(&sql, &params, |row| each(action_from_row(row)?))
    }

    /// Calls `each` with every action, by id.
    pub(super) fn for_each_action_by_id(
        &self,
        mut each: impl FnMut(Action) -> Result<()>,
    ) -> Result<()> {
        let sql = format!("SELECT {COLUMNS} FROM {FROM} ORDER BY a.id");
        self.db().each(&sql, &[], |row| each(action_from_row(row)?))
    }

    pub fn list_actions(&self, spec: &ActionSpec, today: Date) -> Result<Vec<Action>> {
        let mut out = Vec::new();
        self.for_each_action(spec, today, |a| {
            out.push(a);
            Ok(())
        })?;
        Ok(out)
    }

    /// The ids the spec selects, in order (the Actions tab holds these).
    pub fn action_ids(&self, spec: &ActionSpec, today: Date) -> Result<Vec<i64>> {
        let (cond, params) = condition(spec, today);
        let sql = format!("SELECT a.id FROM action a WHERE {cond} ORDER BY {ORDER}");
        self.db().ids(&sql, &params)
    }

    /// The actions with these ids, in the order given (missing ones skipped).
    pub fn actions_by_ids(&self, ids: &[i64]) -> Result<Vec<Action>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(a) = get_action(self.db(), *id)? {
                out.push(a);
            }
        }
        Ok(out)
    }

    /// Every action of one risk, open ones first, by due date.
    pub fn actions_of(&self, risk: i64) -> Result<Vec<Action>> {
        actions_of(self.db(), risk)
    }

    /// Open actions, overdue ones, and those done in the last `days` days, per team (the
    /// action's team; `None` for none), for the report.
    pub fn action_counts(&self, today: Date, days: i32) -> Result<Vec<ActionTeamLine>> {
        let since = today
            .checked_sub(jiff::Span::new().days(days))
            .unwrap_or(today)
            .to_string();
        let sql = format!(
            "SELECT t.name,
                    count(*) FILTER (WHERE {OPEN}),
                    count(*) FILTER (WHERE {OPEN} AND a.effective_due < ?1),
                    count(*) FILTER (WHERE a.status = 'done' AND a.updated_at >= ?2)
             FROM action a LEFT JOIN team t ON t.id = a.team_id
             GROUP BY t.name ORDER BY t.name IS NULL, t.name COLLATE NOCASE"
        );
        self.db().all(&sql, &args![today.to_string(), since], |r| {
            let n = |i: usize| -> Result<u64> { Ok(u64::try_from(r.get::<i64>(i)?).unwrap_or(0)) };
            Ok(ActionTeamLine {
                team: r.get(0)?,
                open: n(1)?,
                overdue: n(2)?,
                done_last_30_days: n(3)?,
            })
        })
    }
}

/// What an action edit did: the action as it now is, and what changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionEdit {
    pub action: Action,
    pub changes: Vec<(ActionField, String, String)>,
}

impl Tx<'_> {
    pub fn action(&self, id: i64) -> Result<Option<Action>> {
        get_action(self.db(), id)
    }

    /// Every action of one risk, as this transaction sees them.
    pub fn actions_of(&self, risk: i64) -> Result<Vec<Action>> {
        actions_of(self.db(), risk)
    }

    /// The highest id ever given to an action (ids of deleted actions are never reused).
    pub fn highest_action_id_ever(&self) -> Result<i64> {
        self.highest_id_ever("action")
    }

    /// Team and milestone ids, and an incident that must exist, for an action's fields.
    fn action_refs(
        &mut self,
        f: &ActionFields,
    ) -> Result<(Option<i64>, Option<i64>, Option<Date>)> {
        let team = self.resolve_team(f.team.as_deref())?.map(|(id, _)| id);
        let milestone = self.resolve_milestone(f.milestone.as_deref())?;
        let milestone_due: Option<String> = match &milestone {
            Some((id, _)) => self
                .db()
                .first("SELECT due FROM milestone WHERE id = ?1", &args![id], |r| {
                    r.get(0)
                })?
                .flatten(),
            None => None,
        };
        if let Some(incident) = f.incident {
            let exists = self.db().first(
                "SELECT 1 FROM incident WHERE id = ?1",
                &args![incident],
                |_| Ok(()),
            )?;
            if exists.is_none() {
                return Err(FieldError::new(
                    "incident",
                    &incident.to_string(),
                    "no such incident; `riskreg incident list` shows them",
                )
                .into());
            }
        }
        let due = f.due.or_else(|| milestone_due.and_then(|d| d.parse().ok()));
        Ok((team, milestone.map(|(id, _)| id), due))
    }

    /// Creates an action on an existing risk, with the next id or (import) the `id` given.
    /// Without a team, it gets the risk's. Records a `create` event naming it; returns its id.
    pub fn create_action(
        &mut self,
        mut fields: ActionFields,
        id: Option<i64>,
        note: &str,
    ) -> Result<i64> {
        let risk = self.risk(fields.risk)?.ok_or_else(|| {
            Error::from(FieldError::new(
                "risk",
                &fields.risk.to_string(),
                "no such risk (it may have been deleted); `riskreg list --all` shows every risk",
            ))
        })?;
        if fields.team.is_none() {
            fields.team.clone_from(&risk.fields.team);
        }
        let (team, milestone, effective_due) = self.action_refs(&fields)?;
        if let Some(t) = &fields.team {
            fields.team = self.resolve_team(Some(t))?.map(|(_, n)| n);
        }
        self.require_may_edit(
            &format!("a new action on risk {}", fields.risk),
            fields.team.as_deref(),
        )?;
        let now = self.stamp.clock.now.clone();
        let id = insert_action_row(
            self.db(),
            &ActionRow {
                id,
                fields: &fields,
                team,
                milestone,
                effective_due,
                created_at: &now,
                updated_at: &now,
                revision: 1,
            },
        )?;
        record(
            self.db(),
            &self.stamp,
            &NewEvent {
                state: None,
                risk_id: fields.risk,
                action_id: Some(id),
                kind: EventKind::Create,
                field: None,
                old: None,
                new: Some(&fields.title),
                revision: Some(1),
                note,
            },
        )?;
        Ok(id)
    }

    /// Applies `patch` to action `id`; with `expected`, an action at another revision is a
    /// conflict (exit 75). One event per changed field.
    pub fn update_action(
        &mut self,
        id: i64,
        expected: Option<i64>,
        patch: &ActionPatch,
        note: &str,
    ) -> Result<ActionEdit> {
        let current = self.action(id)?.ok_or_else(|| not_found(id))?;
        let what = format!("action {id}");
        self.require_may_edit(&what, current.fields.team.as_deref())?;
        if let Some(expected) = expected
            && expected != current.revision
        {
            return Err(Error::RevisionConflict {
                entity: "action",
                id,
                expected,
                current: current.revision,
            });
        }
        let mut next = current.fields.patched(patch);
        let (team, milestone, effective_due) = self.action_refs(&next)?;
        // Names as the register spells them.
        if let Some(t) = &next.team {
            next.team = self.resolve_team(Some(t))?.map(|(_, n)| n);
        }
        if let Some(m) = &next.milestone {
            next.milestone = self.resolve_milestone(Some(m))?.map(|(_, n)| n);
        }
        if next.team != current.fields.team {
            self.require_may_edit(&what, next.team.as_deref())?;
        }
        let changes = current.fields.changes_to(&next);
        if changes.is_empty() {
            return Ok(ActionEdit {
                action: current,
                changes,
            });
        }
        let updated = self.db().execute(
                "UPDATE action SET title = ?1, status = ?2, owner = ?3, team_id = ?4, milestone_id = ?5, due = ?6,
                     effective_due = ?7, link = ?8, kind = ?9, incident_id = ?10, updated_at = ?11,
                     revision = revision + 1
                 WHERE id = ?12 AND revision = ?13",
            &args![
                next.title,
                next.status.as_str(),
                next.owner,
                team,
                milestone,
                next.due.map(|d| d.to_string()),
                effective_due.map(|d| d.to_string()),
                next.link,
                next.kind.as_str(),
                next.incident,
                self.stamp.clock.now,
                id,
                current.revision,
            ],
        )?;
        if updated != 1 {
            return Err(Error::RevisionConflict {
                entity: "action",
                id,
                expected: current.revision,
                current: current.revision + 1,
            });
        }
        let revision = current.revision + 1;
        for (field, old, new) in &changes {
            record(
                self.db(),
                &self.stamp,
                &NewEvent {
                    state: None,
                    risk_id: current.fields.risk,
                    action_id: Some(id),
                    kind: if *field == ActionField::Status {
                        EventKind::Status
                    } else {
                        EventKind::Change
                    },
                    field: Some(field.name()),
                    old: Some(old),
                    new: Some(new),
                    revision: Some(revision),
                    note,
                },
            )?;
        }
        let action = self.action(id)?.ok_or_else(|| not_found(id))?;
        Ok(ActionEdit { action, changes })
    }

    /// Deletes an action; its history stays, with a `delete` event naming it.
    /// With `expected`, an action at another revision is a conflict (exit 75).
    pub fn delete_action(&mut self, id: i64, expected: Option<i64>, note: &str) -> Result<Action> {
        let current = self.action(id)?.ok_or_else(|| not_found(id))?;
        self.require_may_edit(&format!("action {id}"), current.fields.team.as_deref())?;
        if let Some(expected) = expected
            && expected != current.revision
        {
            return Err(Error::RevisionConflict {
                entity: "action",
                id,
                expected,
                current: current.revision,
            });
        }
        self.db()
            .execute("DELETE FROM action WHERE id = ?1", &args![id])?;
        let kept = Kept::of_action(&ActionState::of(&current)).to_json();
        record(
            self.db(),
            &self.stamp,
            &NewEvent {
                state: Some(&kept),
                risk_id: current.fields.risk,
                action_id: Some(id),
                kind: EventKind::Delete,
                field: None,
                old: Some(&current.fields.title),
                new: None,
                revision: None,
                note,
            },
        )?;
        Ok(current)
    }

    /// Ids of one risk's actions (to delete them with it).
    pub(super) fn action_ids_of(&self, risk: i64) -> Result<Vec<i64>> {
        self.db().ids(
            "SELECT id FROM action WHERE risk_id = ?1 ORDER BY id",
            &args![risk],
        )
    }

    /// Ids of the actions that use a team or milestone, for reassigning them.
    pub(super) fn action_ids_where(&self, column: &str, id: i64) -> Result<Vec<i64>> {
        let sql = match column {
            "team_id" => "SELECT id FROM action WHERE team_id = ?1 ORDER BY id",
            _ => "SELECT id FROM action WHERE milestone_id = ?1 ORDER BY id",
        };
        self.db().ids(sql, &args![id])
    }

    /// Records a comment on a risk: an event of its own kind, never changed or deleted.
    /// With `expected`, a risk at another revision is a conflict (exit 75). Returns the
    /// risk's revision (a comment does not change the risk).
    pub fn comment(&mut self, risk: i64, expected: Option<i64>, text: &str) -> Result<i64> {
        let Some(revision) = self.risk_revision(risk)? else {
            return Err(Error::NotFound(format!(
                "no risk with id {risk}; `riskreg list --all` shows every risk"
            )));
        };
        if let Some(expected) = expected
            && expected != revision
        {
            return Err(Error::RevisionConflict {
                entity: "risk",
                id: risk,
                expected,
                current: revision,
            });
        }
        record(
            self.db(),
            &self.stamp,
            &NewEvent {
                state: None,
                risk_id: risk,
                action_id: None,
                kind: EventKind::Comment,
                field: None,
                old: None,
                new: None,
                revision: Some(revision),
                note: text,
            },
        )?;
        Ok(revision)
    }
}
