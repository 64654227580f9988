//! The append-only history: one event per create, field change, status move, review, import
//! and delete, with time, actor and note.

use super::db::{Append, Db, Row, Value, args};
use super::{Stamp, Store};
use crate::domain::{Event, EventKind};
use crate::error::{Error, Result};

pub(super) struct NewEvent<'a> {
    pub risk_id: i64,
    /// The action the event is about, if it is about one of the risk's actions.
    pub action_id: Option<i64>,
    pub kind: EventKind,
    pub field: Option<&'a str>,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
    pub revision: Option<i64>,
    pub note: &'a str,
    /// What a delete keeps of the risk or action it deleted (JSON), so the register can be
    /// rebuilt as of any moment.
    pub state: Option<&'a str>,
}

pub(super) fn record(db: Db<'_>, stamp: &Stamp, e: &NewEvent<'_>) -> Result<()> {
    db.append(
        &EVENT,
        &args![
            e.risk_id,
            e.action_id,
            stamp.clock.now,
            stamp.actor,
            e.kind.as_str(),
            e.field,
            e.old,
            e.new,
            e.revision,
            e.note,
            e.state
        ],
    )
}

/// A history row.
const EVENT: Append = Append {
    insert: "INSERT INTO event (risk_id, action_id, at, actor, kind, field, old, new, revision, note, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    copy: "COPY event (risk_id, action_id, at, actor, kind, field, old, new, revision, note, state)",
};

/// Which events to show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventFilter {
    pub risk_id: Option<i64>,
    /// Only events about this action.
    pub action_id: Option<i64>,
    /// Only events of this kind (e.g. comments).
    pub kind: Option<EventKind>,
    /// Only events at or after this RFC 3339 time.
    pub since: Option<String>,
    /// Only events by an actor whose name contains this (case-insensitive).
    pub actor: Option<String>,
    /// Only changes of this field.
    pub field: Option<String>,
    /// Only events whose change, note or field contains each of these (case-insensitive).
    pub text: Vec<String>,
    /// Only events older than this one (the next page of a long history).
    pub before: Option<i64>,
    pub limit: Option<u64>,
}

impl Store {
    /// Events, newest first.
    pub fn events(&self, filter: &EventFilter) -> Result<Vec<Event>> {
        let mut sql = String::from(
            "SELECT id, risk_id, at, actor, kind, field, old, new, revision, note, action_id FROM event WHERE 1 = 1",
        );
        let mut params: Vec<Value> = Vec::new();
        if let Some(id) = filter.risk_id {
            sql.push_str(" AND risk_id = ?");
            params.push(Value::Int(id));
        }
        if let Some(id) = filter.action_id {
            sql.push_str(" AND action_id = ?");
            params.push(Value::Int(id));
        }
        if let Some(kind) = filter.kind {
            sql.push_str(" AND kind = ?");
            params.push(Value::text(kind.as_str()));
        }
        if let Some(since) = &filter.since {
            sql.push_str(" AND at >= ?");
            params.push(Value::text(since.as_str()));
        }
        if let Some(actor) = &filter.actor {
            sql.push_str(" AND rr_contains(actor, ?)");
            params.push(Value::text(actor.to_lowercase()));
        }
        if let Some(field) = &filter.field {
            sql.push_str(" AND field = ?");
            params.push(Value::text(field.as_str()));
        }
        for word in &filter.text {
            sql.push_str(
                " AND rr_contains(coalesce(old, '') || ' ' || coalesce(new, '') || ' ' || note || ' ' || coalesce(field, ''), ?)",
            );
            params.push(Value::text(word.to_lowercase()));
        }
        if let Some(id) = filter.before {
            sql.push_str(" AND id < ?");
            params.push(Value::Int(id));
        }
        if let Some(until) = &self.history_until {
            sql.push_str(" AND at <= ?");
            params.push(Value::text(until.as_str()));
        }
        sql.push_str(" ORDER BY id DESC");
        if let Some(limit) = filter.limit {
            sql.push_str(" LIMIT ?");
            params.push(Value::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
        }
        self.db().all(&sql, &params, event_from_row)
    }
}

/// An event from a row whose first eleven columns are id, risk_id, at, actor, kind, field,
/// old, new, revision, note, action_id.
pub(super) fn event_from_row(r: &dyn Row) -> Result<Event> {
    let kind: String = r.get(4)?;
    Ok(Event {
        id: r.get(0)?,
        risk_id: r.get(1)?,
        at: r.get(2)?,
        actor: r.get(3)?,
        kind: EventKind::parse(&kind).ok_or_else(|| Error::Corrupt {
            message: format!("history holds an unknown event kind {kind:?}"),
        })?,
        field: r.get(5)?,
        old: r.get(6)?,
        new: r.get(7)?,
        revision: r.get(8)?,
        note: r.get(9)?,
        action_id: r.get(10)?,
    })
}
