//! The register as of a past moment: today's risks and actions with every later event
//! undone ([`Rebuild`]), loaded into a read-only register in memory so every list, report
//! and matrix runs on it unchanged.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use super::actions::{ActionRow, insert_action_row};
use super::catalog::fold;
use super::history::event_from_row;
use super::risks::{RiskRow, insert_risk_row};
use super::{Store, migrate};
use crate::domain::Event;
use crate::domain::rebuild::{ActionState, Rebuild, RiskState};
use crate::error::Result;
use crate::query::{ActionSpec, ListSpec};

impl Store {
    /// Every event, newest first, with the state a delete kept; `f` returns false to stop.
    pub fn walk_events(
        &self,
        mut f: impl FnMut(&Event, Option<&str>) -> Result<bool>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT id, risk_id, at, actor, kind, field, old, new, revision, note, action_id, state
             FROM event ORDER BY id DESC",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let event = event_from_row(r)?;
            let state: Option<String> = r.get(11)?;
            if !f(&event, state.as_deref())? {
                break;
            }
        }
        Ok(())
    }

    /// Today's risks and actions, ready to be walked back.
    pub fn rebuild_now(&self) -> Result<Rebuild> {
        let today = self.today;
        let mut risks = BTreeMap::new();
        let spec = ListSpec {
            all: true,
            ..ListSpec::default()
        };
        self.for_each_risk(&spec, today, |r| {
            risks.insert(r.id, RiskState::of(&r));
            Ok(())
        })?;
        let mut actions = BTreeMap::new();
        let spec = ActionSpec {
            all: true,
            ..ActionSpec::default()
        };
        self.for_each_action(&spec, today, |a| {
            actions.insert(a.id, ActionState::of(&a));
            Ok(())
        })?;
        Ok(Rebuild::new(risks, actions))
    }

    /// The risks and actions as they stood at `until` (RFC 3339 UTC, whole seconds): every
    /// event after it undone, newest first.
    pub fn rebuild(&self, until: &str) -> Result<Rebuild> {
        let mut rebuild = self.rebuild_now()?;
        self.walk_events(|e, kept| {
            if e.at.as_str() > until {
                rebuild.undo(e, kept);
                Ok(true)
            } else {
                rebuild.settle(e);
                Ok(!rebuild.settled())
            }
        })?;
        Ok(rebuild)
    }

    /// The register at each of `moments` (RFC 3339 UTC, newest first), in one walk back
    /// through the history: `at(k, register)` sees it as it stood at `moments[k]`. Returns
    /// the register as it stood at the last (oldest) moment.
    pub fn walk_back(
        &self,
        moments: &[String],
        mut at: impl FnMut(usize, &Rebuild) -> Result<()>,
    ) -> Result<Rebuild> {
        let mut rebuild = self.rebuild_now()?;
        let mut k = 0;
        self.walk_events(|e, kept| {
            while k < moments.len() && e.at.as_str() <= moments[k].as_str() {
                at(k, &rebuild)?;
                k += 1;
            }
            if k == moments.len() {
                return Ok(false);
            }
            rebuild.undo(e, kept);
            Ok(true)
        })?;
        while k < moments.len() {
            at(k, &rebuild)?;
            k += 1;
        }
        Ok(rebuild)
    }

    /// A read-only register in memory holding `rebuild`, with this register's settings,
    /// teams and milestones (as they are today), the incidents recorded by `until`, and —
    /// for `show` — the history of `events_of` up to `until`. Figures that depend on the
    /// date are read as of `today`.
    pub fn as_of(
        &self,
        rebuild: &Rebuild,
        until: &str,
        today: Date,
        events_of: Option<i64>,
    ) -> Result<Store> {
        let mut conn = Connection::open_in_memory()?;
        // A throwaway register: no rollback journal to copy every page into.
        conn.pragma_update(None, "journal_mode", "OFF")?;
        conn.execute_batch(migrate::SCHEMA)?;
        conn.pragma_update(None, "user_version", migrate::SCHEMA_VERSION)?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let none: [Value; 0] = [];
        copy(
            &self.conn,
            &tx,
            "SELECT key, value FROM setting",
            &none,
            "setting",
            2,
        )?;
        copy(
            &self.conn,
            &tx,
            "SELECT id, name, description FROM team",
            &none,
            "team (id, name, description)",
            3,
        )?;
        copy(
            &self.conn,
            &tx,
            "SELECT id, name, due, team_id, status FROM milestone",
            &none,
            "milestone (id, name, due, team_id, status)",
            5,
        )?;
        let until_value = [Value::Text(until.to_string())];
        copy(
            &self.conn,
            &tx,
            "SELECT id, title, date, ttd_min, ttr_min, users_pct, link, note, created_at FROM incident WHERE created_at <= ?1",
            &until_value,
            "incident (id, title, date, ttd_min, ttr_min, users_pct, link, note, created_at)",
            9,
        )?;
        copy(
            &self.conn,
            &tx,
            "SELECT ir.incident_id, ir.risk_id FROM incident_risk ir JOIN incident i ON i.id = ir.incident_id WHERE i.created_at <= ?1",
            &until_value,
            "incident_risk (incident_id, risk_id)",
            2,
        )?;
        if let Some(risk) = events_of {
            copy(
                &self.conn,
                &tx,
                "SELECT id, risk_id, action_id, at, actor, kind, field, old, new, revision, note FROM event
                 WHERE risk_id = ?1 AND at <= ?2 ORDER BY id",
                &[Value::Integer(risk), Value::Text(until.to_string())],
                "event (id, risk_id, action_id, at, actor, kind, field, old, new, revision, note)",
                11,
            )?;
        }
        let mut names = Names::read(&tx)?;
        for (id, r) in &rebuild.risks {
            insert_risk(&tx, &mut names, *id, r)?;
        }
        // Each risk's open actions are gathered once at the end, not by the per-row
        // trigger, which would regroup a risk's actions on every insert.
        tx.execute_batch("DROP TRIGGER action_counts_insert")?;
        for (id, a) in &rebuild.actions {
            insert_action(&tx, &mut names, *id, a)?;
        }
        tx.execute_batch(
            "INSERT INTO risk_actions (risk_id, open_dues, next_due)
                 SELECT risk_id, group_concat(coalesce(effective_due, '-'), ','), min(effective_due)
                 FROM action WHERE status = 'todo' OR status = 'doing' GROUP BY risk_id",
        )?;
        tx.commit()?;
        let mut store = Store {
            conn,
            path: self.path.clone(),
            settings: self.settings.clone(),
            read_only: Some(format!("it is the register rebuilt as of {until}")),
            today,
        };
        store.register_functions()?;
        Ok(store)
    }
}

/// Copies the rows `select` returns into `into` (a table and its columns).
fn copy(
    from: &Connection,
    to: &Connection,
    select: &str,
    params: &[Value],
    into: &str,
    columns: usize,
) -> Result<()> {
    let marks = (1..=columns)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut insert = to.prepare(&format!("INSERT INTO {into} VALUES ({marks})"))?;
    let mut stmt = from.prepare(select)?;
    let mut rows = stmt.query(params_from_iter(params.iter()))?;
    while let Some(r) = rows.next()? {
        let values = (0..columns)
            .map(|i| r.get::<_, Value>(i))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        insert.execute(params_from_iter(values))?;
    }
    Ok(())
}

/// Team and milestone ids by folded name; a name the history holds that is gone today is
/// added (without a due date).
struct Names {
    teams: HashMap<String, i64>,
    milestones: HashMap<String, (i64, Option<String>)>,
}

impl Names {
    fn read(conn: &Connection) -> Result<Names> {
        let mut teams = HashMap::new();
        let mut stmt = conn.prepare("SELECT id, name FROM team")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let name: String = r.get(1)?;
            teams.insert(fold(&name).into_owned(), r.get(0)?);
        }
        let mut milestones = HashMap::new();
        let mut stmt = conn.prepare("SELECT id, name, due FROM milestone")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let name: String = r.get(1)?;
            milestones.insert(fold(&name).into_owned(), (r.get(0)?, r.get(2)?));
        }
        Ok(Names { teams, milestones })
    }

    fn team(&mut self, conn: &Connection, name: Option<&str>) -> Result<Option<i64>> {
        let Some(name) = name else { return Ok(None) };
        if let Some(id) = self.teams.get(fold(name).as_ref()) {
            return Ok(Some(*id));
        }
        conn.execute("INSERT INTO team (name) VALUES (?1)", [name])?;
        let id = conn.last_insert_rowid();
        self.teams.insert(fold(name).into_owned(), id);
        Ok(Some(id))
    }

    fn milestone(
        &mut self,
        conn: &Connection,
        name: Option<&str>,
    ) -> Result<Option<(i64, Option<String>)>> {
        let Some(name) = name else { return Ok(None) };
        if let Some(m) = self.milestones.get(fold(name).as_ref()) {
            return Ok(Some(m.clone()));
        }
        conn.execute("INSERT INTO milestone (name) VALUES (?1)", [name])?;
        let entry = (conn.last_insert_rowid(), None);
        self.milestones
            .insert(fold(name).into_owned(), entry.clone());
        Ok(Some(entry))
    }
}

fn insert_risk(conn: &Connection, names: &mut Names, id: i64, r: &RiskState) -> Result<()> {
    let team = names.team(conn, r.fields.team.as_deref())?;
    let milestone = names.milestone(conn, r.fields.milestone.as_deref())?;
    insert_risk_row(
        conn,
        &RiskRow {
            id: Some(id),
            fields: &r.fields,
            team,
            milestone: milestone.map(|(id, _)| id),
            created_at: &r.created_at,
            updated_at: &r.updated_at,
            revision: r.revision,
        },
    )?;
    Ok(())
}

fn insert_action(conn: &Connection, names: &mut Names, id: i64, a: &ActionState) -> Result<()> {
    let f = &a.fields;
    let team = names.team(conn, f.team.as_deref())?;
    let milestone = names.milestone(conn, f.milestone.as_deref())?;
    let milestone_due = milestone
        .as_ref()
        .and_then(|(_, due)| due.as_deref())
        .and_then(|d| d.parse().ok());
    insert_action_row(
        conn,
        &ActionRow {
            id: Some(id),
            fields: f,
            team,
            milestone: milestone.map(|(id, _)| id),
            effective_due: f.due.or(milestone_due),
            created_at: &a.created_at,
            updated_at: &a.updated_at,
            revision: a.revision,
        },
    )?;
    Ok(())
}
