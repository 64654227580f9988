//! Health checks and backups.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use super::db::Db;
use super::{OpenMode, Stamp, Store, Tx};
use crate::error::{Error, Result};

/// What `riskreg db check` found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    /// `["ok"]` when healthy, else SQLite's findings.
    pub integrity: Vec<String>,
    /// Rows that reference a missing team or milestone.
    pub foreign_keys: Vec<String>,
}

impl CheckReport {
    pub fn is_healthy(&self) -> bool {
        self.integrity == ["ok"] && self.foreign_keys.is_empty()
    }
}

/// Sizes and settings of a register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub schema_version: i64,
    pub journal_mode: String,
    pub risks: i64,
    pub active_risks: i64,
    pub teams: i64,
    pub milestones: i64,
    pub events: i64,
    pub bytes: i64,
}

impl Store {
    /// `PRAGMA integrity_check` (or `quick_check`) and `PRAGMA foreign_key_check`.
    /// On PostgreSQL the server keeps its pages and references whole; the check is that
    /// every reference resolves and the history is still append-only.
    pub fn check(&self, quick: bool) -> Result<CheckReport> {
        let Some(conn) = self.sqlite() else {
            return self.check_postgres();
        };
        let pragma = if quick {
            "PRAGMA quick_check"
        } else {
            "PRAGMA integrity_check"
        };
        let mut stmt = conn.prepare(pragma)?;
        let integrity = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
        let foreign_keys = stmt
            .query_map([], |r| {
                Ok(format!(
                    "{} row {} refers to a missing {}",
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<i64>>(1)?
                        .map_or_else(|| "?".into(), |v| v.to_string()),
                    r.get::<_, String>(2)?
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(CheckReport {
            integrity,
            foreign_keys,
        })
    }

    /// The id counters (`sqlite_sequence`): for each table whose ids are never reused, the
    /// highest id it ever gave out.
    pub fn id_counters(&self) -> Result<Vec<(String, i64)>> {
        let mut out = Vec::new();
        for table in ["action", "incident", "risk"] {
            let seq = self.db().counter(table)?;
            if seq > 0 {
                out.push((table.to_string(), seq));
            }
        }
        Ok(out)
    }

    pub fn stats(&self) -> Result<Stats> {
        let count = |sql: &str| -> Result<i64> { self.db().value(sql, &[]) };
        let (schema_version, journal_mode, bytes) = match self.sqlite() {
            Some(_) => (
                count("PRAGMA user_version")?,
                self.pragma("journal_mode")?,
                count("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")?,
            ),
            None => (
                count("SELECT CAST(value AS BIGINT) FROM riskreg WHERE key = 'schema_version'")?,
                "postgresql".to_string(),
                count("SELECT pg_database_size(current_database())")?,
            ),
        };
        Ok(Stats {
            schema_version,
            journal_mode,
            risks: count("SELECT count(*) FROM risk")?,
            active_risks: count(
                "SELECT count(*) FROM risk WHERE status IN ('open', 'mitigating', 'accepted')",
            )?,
            teams: count("SELECT count(*) FROM team")?,
            milestones: count("SELECT count(*) FROM milestone")?,
            events: count("SELECT count(*) FROM event")?,
            bytes,
        })
    }

    fn check_postgres(&self) -> Result<CheckReport> {
        let dangling = [
            ("risk", "team_id", "team"),
            ("risk", "milestone_id", "milestone"),
            ("action", "risk_id", "risk"),
            ("action", "team_id", "team"),
            ("action", "milestone_id", "milestone"),
            ("milestone", "team_id", "team"),
        ];
        let mut foreign_keys = Vec::new();
        for (table, column, parent) in dangling {
            let sql = format!(
                "SELECT c.id FROM {table} c WHERE c.{column} IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.id = c.{column}) LIMIT 10"
            );
            for id in self.db().ids(&sql, &[])? {
                foreign_keys.push(format!("{table} row {id} refers to a missing {parent}"));
            }
        }
        let guards: i64 = self.db().value(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'event'::regclass
             AND tgname IN ('event_no_update', 'event_no_truncate') AND tgenabled <> 'D'",
            &[],
        )?;
        let integrity = if guards == 2 {
            vec!["ok".to_string()]
        } else {
            vec!["the history's append-only triggers are missing or disabled".to_string()]
        };
        Ok(CheckReport {
            integrity,
            foreign_keys,
        })
    }

    /// Writes a consistent, self-contained copy of the register into `empty_file` (which
    /// must exist and be empty) with `VACUUM INTO`: safe while other processes write, and
    /// never a file copy that could catch a half-written transaction.
    /// A PostgreSQL register is copied into a new SQLite register there instead.
    pub fn backup_into(&self, empty_file: &Path, stamp: &Stamp) -> Result<()> {
        match self.sqlite() {
            Some(conn) => {
                let target = empty_file.to_string_lossy();
                conn.execute("VACUUM INTO ?1", [target.as_ref()])?;
            }
            None => {
                let location = super::Location::File(empty_file.to_path_buf());
                let mut target = Store::open(location, OpenMode::Existing)?;
                self.copy_into(&mut target, stamp, &mut |_| {})?;
            }
        }
        Ok(())
    }
}

/// A bulk load under way: the indexes (and on PostgreSQL the foreign keys) dropped for it,
/// with the exact statements that recreate them.
pub struct BulkLoad(Vec<String>);

/// Ids given by a bulk load on PostgreSQL, where its rows reach the server in batches:
/// a risk without an id gets the next one here, as the register would have given it.
#[derive(Debug)]
pub(super) struct BulkIds {
    highest: i64,
    given: HashSet<i64>,
    /// Each milestone's due date as its risks sort by it (`9999-12-31` for none).
    due_order: HashMap<i64, String>,
}

impl BulkIds {
    /// The id of a new risk: `requested`, or the one after the highest given so far.
    pub(super) fn give(&mut self, requested: Option<i64>) -> Result<i64> {
        let id = requested.unwrap_or(self.highest + 1);
        if !self.given.insert(id) {
            return Err(Error::Constraint(format!(
                "risk id {id} was already given to an earlier row of this import"
            )));
        }
        self.highest = self.highest.max(id);
        Ok(id)
    }

    pub(super) fn due_order(&self, milestone: i64) -> Option<&str> {
        self.due_order.get(&milestone).map(String::as_str)
    }

    pub(super) fn remember_due(&mut self, milestone: i64, due_order: &str) {
        self.due_order.insert(milestone, due_order.to_string());
    }

    /// A milestone's due date changed: every one is looked up again.
    pub(super) fn forget_dues(&mut self) {
        self.due_order.clear();
    }
}

impl Tx<'_> {
    /// Starts a bulk load when the register holds no risk and no history: the risk and
    /// history indexes are dropped, so rows are appended without maintaining them, and on
    /// PostgreSQL the rows travel by `COPY` (for the register's owner only: `COPY` is
    /// refused under row-level security, and only the owner may drop indexes).
    /// [`Tx::finish_bulk_load`] puts the indexes back from their own stored definitions, so
    /// the schema ends exactly as it was.
    pub fn start_bulk_load(&mut self) -> Result<BulkLoad> {
        let db = self.db();
        let (may, indexes) = match db {
            Db::Sqlite(_) => (
                "SELECT NOT EXISTS (SELECT 1 FROM risk) AND NOT EXISTS (SELECT 1 FROM event)",
                "SELECT 'DROP INDEX \"' || replace(name, '\"', '\"\"') || '\"', sql FROM sqlite_schema
                 WHERE type = 'index' AND tbl_name IN ('risk', 'event') AND sql IS NOT NULL ORDER BY name",
            ),
            // On PostgreSQL, the keys and triggers too, all put back in reverse order:
            // - the foreign keys of and to these tables, and their primary keys: checked
            //   and indexed row by row they cost more than the rows (a risk's id is checked
            //   unique as the load gives it, a history row's comes from its sequence);
            // - the row triggers that run before an insert (an id for a row without one,
            //   the actor of a history row): while one is there, even disabled, `COPY`
            //   stores row by row instead of in batches; every row of the load has its id
            //   and the session's actor;
            // - the id counters' statement triggers, which would look for the highest id
            //   without the key's index after every batch: the load counts once, at its end.
            Db::Postgres(_) => (
                "SELECT NOT EXISTS (SELECT 1 FROM risk) AND NOT EXISTS (SELECT 1 FROM event)
                 AND pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = 'risk'::regclass), 'USAGE')",
                "SELECT set_aside, put_back FROM (
                     SELECT CASE c.contype WHEN 'f' THEN 1 ELSE 2 END AS step,
                            format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname) AS set_aside,
                            format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname,
                                   pg_get_constraintdef(c.oid)) AS put_back
                     FROM pg_constraint c
                     WHERE (c.contype = 'f' AND (c.conrelid IN ('risk'::regclass, 'event'::regclass)
                                                 OR c.confrelid IN ('risk'::regclass, 'event'::regclass)))
                        OR (c.contype = 'p' AND c.conrelid IN ('risk'::regclass, 'event'::regclass))
                     UNION ALL
                     SELECT 3, format('DROP INDEX %I', i.indexname), i.indexdef FROM pg_indexes i
                     WHERE i.schemaname = current_schema() AND i.tablename IN ('risk', 'event')
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
                     UNION ALL
                     SELECT 4, format('DROP TRIGGER %I ON %s', t.tgname, t.tgrelid::regclass),
                            pg_get_triggerdef(t.oid)
                     FROM pg_trigger t
                     WHERE t.tgrelid IN ('risk'::regclass, 'event'::regclass) AND NOT t.tgisinternal
                     AND (t.tgtype & 7 = 7 OR t.tgfoid = 'rr_keep_sequence'::regproc)
                 ) load ORDER BY step, set_aside",
            ),
        };
        if !db.value::<bool>(may, &[])? {
            return Ok(BulkLoad(Vec::new()));
        }
        let deferred: Vec<(String, String)> =
            db.all(indexes, &[], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let mut create = Vec::with_capacity(deferred.len());
        for (drop, sql) in deferred {
            db.batch(&drop)?;
            create.push(sql);
        }
        if let Db::Postgres(_) = db {
            let highest = db.counter("risk")?;
            db.set_appending(true)?;
            self.bulk = Some(BulkIds {
                highest,
                given: HashSet::new(),
                due_order: HashMap::new(),
            });
        }
        Ok(BulkLoad(create))
    }

    /// Ends a bulk load: the rows still waiting are written, what was set aside put back
    /// (the indexes built), and on PostgreSQL the id counters moved past the rows.
    pub fn finish_bulk_load(&mut self, load: BulkLoad) -> Result<()> {
        let appended = self.bulk.take().is_some();
        if appended {
            self.db().set_appending(false)?;
        }
        for sql in load.0.iter().rev() {
            self.db().batch(sql)?;
        }
        if appended {
            self.db()
                .batch("SELECT rr_count_ids('risk'), rr_count_ids('event')")?;
        }
        Ok(())
    }
}
