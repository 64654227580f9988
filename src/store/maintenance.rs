//! Health checks and backups.

use std::path::Path;

use serde::Serialize;

use super::db::Db;
use super::{OpenMode, Stamp, Store, Tx};
use crate::error::Result;

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

/// Indexes dropped for a bulk load, with the exact statements that recreate them.
pub struct DeferredIndexes(Vec<String>);

impl Tx<'_> {
    /// Drops the risk and history indexes when both tables are empty, so a bulk load
    /// appends rows without maintaining them; [`Tx::rebuild_indexes`] puts them back from
    /// their own stored definitions, so the schema ends exactly as it was.
    pub fn defer_indexes_if_empty(&mut self) -> Result<DeferredIndexes> {
        let db = self.db();
        let empty = db
            .first(
                "SELECT 1 FROM risk UNION ALL SELECT 1 FROM event LIMIT 1",
                &[],
                |_| Ok(()),
            )?
            .is_none();
        if !empty {
            return Ok(DeferredIndexes(Vec::new()));
        }
        let sql = match db {
            Db::Sqlite(_) => {
                "SELECT name, sql FROM sqlite_schema
                 WHERE type = 'index' AND tbl_name IN ('risk', 'event') AND sql IS NOT NULL ORDER BY name"
            }
            Db::Postgres(_) => {
                "SELECT i.indexname, i.indexdef FROM pg_indexes i
                 WHERE i.schemaname = current_schema() AND i.tablename IN ('risk', 'event')
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
                 ORDER BY 1"
            }
        };
        let indexes: Vec<(String, String)> = db.all(sql, &[], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let mut create = Vec::with_capacity(indexes.len());
        for (name, sql) in indexes {
            db.batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
            create.push(sql);
        }
        Ok(DeferredIndexes(create))
    }

    pub fn rebuild_indexes(&mut self, deferred: DeferredIndexes) -> Result<()> {
        for sql in deferred.0 {
            self.db().batch(&sql)?;
        }
        Ok(())
    }
}
