//! The register as of a past moment: a copy of today's in memory with every later event
//! undone ([`Rebuild`]), so every list, report and matrix runs on it unchanged; and the walk
//! back through the history that `changes` and `trend` take.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, params};

use super::Store;
use super::actions::{ActionRow, get_action, insert_action_row};
use super::catalog::fold;
use super::db::{Db, args};
use super::history::event_from_row;
use super::risks::{RiskRow, get_risk, insert_risk_row};
use crate::domain::Event;
use crate::domain::rebuild::{ActionState, Gap, Rebuild, RiskState, Touched};
use crate::error::Result;
use crate::query::{ListSpec, SortKey};
use crate::scoring::BandThresholds;

impl Store {
    /// Every event, newest first, with the state a delete kept; `f` returns false to stop.
    pub fn walk_events(
        &self,
        mut f: impl FnMut(&Event, Option<&str>) -> Result<bool>,
    ) -> Result<()> {
        self.db().each_while(
            "SELECT id, risk_id, at, actor, kind, field, old, new, revision, note, action_id, state
             FROM event ORDER BY id DESC",
            &[],
            |r| {
                let event = event_from_row(r)?;
                f(&event, r.text(11)?)
            },
        )
    }

    /// Today's risks and actions, ready to be walked back.
    pub fn rebuild_now(&self) -> Result<Rebuild> {
        let today = self.today;
        let mut risks = BTreeMap::new();
        // In id order: the map is built in order, and no sort is needed.
        let spec = ListSpec {
            all: true,
            sort: SortKey::Id,
            ..ListSpec::default()
        };
        self.for_each_risk(&spec, today, |r| {
            risks.insert(r.id, RiskState::of(&r));
            Ok(())
        })?;
        let mut actions = BTreeMap::new();
        self.for_each_action_by_id(|a| {
            actions.insert(a.id, ActionState::of(&a));
            Ok(())
        })?;
        Ok(Rebuild::new(risks, actions))
    }

    /// The register at each of `moments` (RFC 3339 UTC, newest first), in one walk back
    /// through the history: `at(k, register, touched)` sees it as it stood at `moments[k]`,
    /// and the risks and actions changed since the moment before (all of them for the
    /// first). Returns
    /// the register as it stood at the last (oldest) moment.
    pub fn walk_back(
        &self,
        moments: &[String],
        mut at: impl FnMut(usize, &Rebuild, &Touched) -> Result<()>,
    ) -> Result<Rebuild> {
        let mut rebuild = self.rebuild_now()?;
        let mut touched = Touched::default();
        let mut k = 0;
        self.walk_events(|e, kept| {
            while k < moments.len() && e.at.as_str() <= moments[k].as_str() {
                at(k, &rebuild, &std::mem::take(&mut touched))?;
                k += 1;
            }
            if k == moments.len() {
                return Ok(false);
            }
            rebuild.undo(e, kept);
            touched.add(e);
            Ok(true)
        })?;
        while k < moments.len() {
            at(k, &rebuild, &std::mem::take(&mut touched))?;
            k += 1;
        }
        Ok(rebuild)
    }

    /// The register as it stood at `until` (RFC 3339 UTC, whole seconds), read-only, with
    /// what the history cannot rebuild: a copy in memory (SQLite's backup API, one
    /// consistent moment) in which every risk and action an event after `until` touched is
    /// put back as it was, the incidents recorded after it are gone and the history ends
    /// there. Teams,
    /// milestones and settings are as they are today; figures that depend on the date are
    /// read as of `today`.
    pub fn as_of(&self, until: &str, today: Date) -> Result<(Store, Vec<Gap>)> {
        let mut copy = self.memory_copy()?;
        copy.read_only = Some(format!("it is the register rebuilt as of {until}"));
        copy.today = today;
        copy.history_until = Some(until.to_string());
        let bands = copy.settings.bands;
        let super::Conn::Sqlite(conn) = &mut copy.conn else {
            return Err(crate::error::Error::Internal(
                "a register rebuilt in memory is an SQLite one".into(),
            ));
        };
        // A throwaway register: rows come and go without foreign keys or journal.
        conn.pragma_update(None, "foreign_keys", false)?;
        conn.pragma_update(None, "journal_mode", "OFF")?;
        let (mut rebuild, touched) = undo_after(conn, until, &bands, today)?;
        settle(conn, &mut rebuild, until)?;
        put_back(conn, &rebuild, &touched, until)?;
        Ok((copy, rebuild.gaps))
    }
}

/// Undoes every event after `until`, newest first, on the risks and actions they touched
/// (each read as it is today when its newest event comes).
fn undo_after(
    conn: &Connection,
    until: &str,
    bands: &BandThresholds,
    today: Date,
) -> Result<(Rebuild, Touched)> {
    let mut rebuild = Rebuild::default();
    let mut touched = Touched::default();
    let mut stmt = conn.prepare(
        "SELECT id, risk_id, at, actor, kind, field, old, new, revision, note, action_id, state
         FROM event WHERE at > ?1 ORDER BY id DESC",
    )?;
    let mut rows = stmt.query([until])?;
    while let Some(r) = rows.next()? {
        let e = event_from_row(r)?;
        match e.action_id {
            Some(id) => {
                if touched.actions.insert(id)
                    && let Some(a) = get_action(Db::Sqlite(conn), id)?
                {
                    rebuild.actions.insert(id, ActionState::of(&a));
                }
            }
            None => {
                if touched.risks.insert(e.risk_id)
                    && let Some(risk) = get_risk(Db::Sqlite(conn), e.risk_id, bands, today)?
                {
                    rebuild.risks.insert(e.risk_id, RiskState::of(&risk));
                }
            }
        }
        let kept: Option<String> = r.get(11)?;
        rebuild.undo(&e, kept.as_deref());
    }
    Ok((rebuild, touched))
}

/// Writes the touched risks and actions back as `rebuild` holds them (or removes them, if
/// they did not exist yet), and removes the incidents recorded after `until`.
fn put_back(
    conn: &mut Connection,
    rebuild: &Rebuild,
    touched: &Touched,
    until: &str,
) -> Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute(
        "DELETE FROM incident_risk WHERE incident_id IN (SELECT id FROM incident WHERE created_at > ?1)",
        [until],
    )?;
    tx.execute("DELETE FROM incident WHERE created_at > ?1", [until])?;
    let mut names = Names::read(&tx)?;
    for (table, n) in [
        ("risk", touched.risks.len()),
        ("action", touched.actions.len()),
    ] {
        if many(&tx, table, n) {
            drop_indexes(&tx, table)?;
        }
    }
    {
        let mut delete = tx.prepare("DELETE FROM action WHERE id = ?1")?;
        for id in &touched.actions {
            delete.execute([id])?;
        }
        let mut delete = tx.prepare("DELETE FROM risk WHERE id = ?1")?;
        for id in &touched.risks {
            delete.execute([id])?;
            if let Some(r) = rebuild.risks.get(id) {
                insert_risk(&tx, &mut names, *id, r)?;
            }
        }
        for id in &touched.actions {
            if let Some(a) = rebuild.actions.get(id) {
                insert_action(&tx, &mut names, *id, a)?;
            }
        }
    }
    tx.commit()?;
    Ok(())
}

/// Whether `n` changed rows are enough of `table` to do without its indexes: the rebuilt
/// register is read once, and a scan in memory costs less than keeping them up.
fn many(conn: &Connection, table: &str, n: usize) -> bool {
    let rows: i64 = conn
        .query_row(&format!("SELECT max(id) FROM {table}"), [], |r| r.get(0))
        .unwrap_or(0);
    i64::try_from(n).unwrap_or(i64::MAX).saturating_mul(20) > rows
}

/// Drops the indexes riskreg made on `table`.
fn drop_indexes(conn: &Connection, table: &str) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL",
    )?;
    let names = stmt
        .query_map([table], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for name in &names {
        conn.execute_batch(&format!("DROP INDEX \"{name}\""))?;
    }
    Ok(())
}

/// Gives each risk and action whose last change was undone the time of its latest change
/// before the oldest event undone, at or before `until`.
fn settle(conn: &Connection, rebuild: &mut Rebuild, until: &str) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT at FROM event WHERE risk_id = ?1 AND action_id IS NULL AND id < ?2 AND at <= ?3
             AND kind NOT IN ('comment', 'delete')
         ORDER BY id DESC LIMIT 1",
    )?;
    for (id, before) in rebuild.unsettled_risks() {
        let at = stmt
            .query_row(params![id, before, until], |r| r.get(0))
            .optional()?;
        rebuild.settle(id, None, at);
    }
    let mut stmt = conn.prepare(
        "SELECT risk_id, at FROM event WHERE action_id = ?1 AND id < ?2 AND at <= ?3
             AND kind <> 'comment'
         ORDER BY id DESC LIMIT 1",
    )?;
    for (id, before) in rebuild.unsettled_actions() {
        let found: Option<(i64, String)> = stmt
            .query_row(params![id, before, until], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (risk, at) = found.unzip();
        rebuild.settle(risk.unwrap_or_default(), Some(id), at);
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
        let id = Db::Sqlite(conn).insert("INSERT INTO team (name) VALUES (?1)", &args![name])?;
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
        let id =
            Db::Sqlite(conn).insert("INSERT INTO milestone (name) VALUES (?1)", &args![name])?;
        let entry = (id, None);
        self.milestones
            .insert(fold(name).into_owned(), entry.clone());
        Ok(Some(entry))
    }
}

fn insert_risk(conn: &Connection, names: &mut Names, id: i64, r: &RiskState) -> Result<()> {
    let team = names.team(conn, r.fields.team.as_deref())?;
    let milestone = names.milestone(conn, r.fields.milestone.as_deref())?;
    insert_risk_row(
        Db::Sqlite(conn),
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
        Db::Sqlite(conn),
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
