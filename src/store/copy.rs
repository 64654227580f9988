//! A whole register copied into another, whichever engines hold them: settings, teams,
//! milestones, risks, incidents and their links, actions and the history, every row with
//! its id, and the id counters (so an id given out once is never given again).

use super::db::{Db, Value};
use super::{Stamp, Store, Tx};
use crate::error::{Error, Result};

/// The tables a copy carries, in an order that satisfies their references, with the
/// columns it copies (computed columns and derived tables are rebuilt by the target).
const TABLES: [(&str, &str); 8] = [
    ("setting", "key, value"),
    ("team", "id, name, description"),
    ("milestone", "id, name, due, team_id, status"),
    (
        "risk",
        "id, title, description, category, service, likelihood, impact, status, team_id, \
         milestone_id, owner, tags, next_review, accepted_until, approver, created_at, updated_at, \
         due_order, revision, ettd_min, ettr_min, users_pct, ettf_days, target_ettd_min, \
         target_ettr_min, target_users_pct, target_ettf_days, links, target_likelihood, \
         target_impact, estimate_ranges",
    ),
    (
        "incident",
        "id, title, date, ttd_min, ttr_min, users_pct, link, note, created_at",
    ),
    ("incident_risk", "incident_id, risk_id"),
    (
        "action",
        "id, risk_id, title, status, owner, team_id, milestone_id, due, effective_due, link, \
         kind, incident_id, created_at, updated_at, revision",
    ),
    (
        "event",
        "id, risk_id, action_id, at, actor, kind, field, old, new, revision, note, state",
    ),
];

/// The tables whose ids are never reused, and so carry their counter.
const COUNTED: [&str; 3] = ["risk", "action", "incident"];

/// How far a copy has come: the table and the rows copied from it so far.
pub struct CopyProgress {
    pub table: &'static str,
    pub rows: u64,
}

impl Store {
    /// Copies this whole register into `target`, which must hold no rows, in one
    /// transaction; `progress` hears each table's count as it grows. Returns the rows
    /// copied.
    pub fn copy_into(
        &self,
        target: &mut Store,
        stamp: &Stamp,
        progress: &mut dyn FnMut(CopyProgress),
    ) -> Result<u64> {
        let shown = target.location().to_string();
        self.db().snapshot(|| {
            let counters = self.id_counters()?;
            target.write(stamp, |tx| {
                refuse_non_empty(tx.db(), &shown)?;
                tx.keep_actors()?;
                let copied = copy_tables(self.db(), tx.db(), progress)?;
                set_counters(tx.db(), &counters)?;
                Ok(copied)
            })
        })
    }
}

/// Copies every row from `source` into an empty `target` (its own transaction is the
/// caller's), then the id counters.
pub(super) fn copy_rows(
    source: &Store,
    target: &mut Store,
    progress: &mut dyn FnMut(CopyProgress),
) -> Result<u64> {
    source.db().snapshot(|| {
        let counters = source.id_counters()?;
        let copied = copy_tables(source.db(), target.db(), progress)?;
        set_counters(target.db(), &counters)?;
        Ok(copied)
    })
}

fn copy_tables(
    source: Db<'_>,
    target: Db<'_>,
    progress: &mut dyn FnMut(CopyProgress),
) -> Result<u64> {
    let mut total = 0;
    for (table, columns) in TABLES {
        let n = columns.split(',').count();
        let select = format!("SELECT {columns} FROM {table} ORDER BY 1");
        let marks: Vec<String> = (1..=n).map(|i| format!("?{i}")).collect();
        let insert = format!(
            "INSERT INTO {table} ({columns}) VALUES ({})",
            marks.join(", ")
        );
        let mut rows = 0u64;
        let mut values: Vec<Value<'static>> = Vec::with_capacity(n);
        source.each(&select, &[], |row| {
            values.clear();
            for col in 0..n {
                values.push(row.value(col)?);
            }
            target.execute(&insert, &values)?;
            rows += 1;
            if rows.is_multiple_of(1000) {
                progress(CopyProgress { table, rows });
            }
            Ok(())
        })?;
        progress(CopyProgress { table, rows });
        total += rows;
    }
    Ok(total)
}

fn refuse_non_empty(db: Db<'_>, shown: &str) -> Result<()> {
    for (table, _) in TABLES {
        let any = db.first(&format!("SELECT 1 FROM {table} LIMIT 1"), &[], |_| Ok(()))?;
        if any.is_some() {
            return Err(Error::Refused {
                code: "target_not_empty",
                message: format!(
                    "{shown} already holds a register (its {table} table has rows); copy into a new file or an empty database"
                ),
            });
        }
    }
    Ok(())
}

/// Sets the target's id counters to the source's (a copy's ids came along; the ids of
/// deleted rows must stay used).
fn set_counters(target: Db<'_>, counters: &[(String, i64)]) -> Result<()> {
    for (table, seq) in counters {
        if COUNTED.contains(&table.as_str()) {
            target.set_counter(table, *seq)?;
        }
    }
    Ok(())
}

impl Tx<'_> {
    /// In a copy, the history keeps the actors it had (the target's trigger would make each
    /// event the copier's; it allows this only to the register's owner).
    fn keep_actors(&mut self) -> Result<()> {
        if matches!(self.db(), Db::Postgres(_)) {
            self.db()
                .execute("SELECT set_config('riskreg.copy', 'on', true)", &[])?;
        }
        Ok(())
    }
}
