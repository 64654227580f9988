//! Health checks and backups.

use std::path::Path;

use serde::Serialize;

use super::{Store, Tx};
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
    pub fn check(&self, quick: bool) -> Result<CheckReport> {
        let pragma = if quick {
            "PRAGMA quick_check"
        } else {
            "PRAGMA integrity_check"
        };
        let mut stmt = self.conn.prepare(pragma)?;
        let integrity = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
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
        let mut stmt = self
            .conn
            .prepare("SELECT name, seq FROM sqlite_sequence ORDER BY name")?;
        let counters = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(counters)
    }

    pub fn stats(&self) -> Result<Stats> {
        let count = |sql: &str| -> Result<i64> { Ok(self.conn.query_row(sql, [], |r| r.get(0))?) };
        Ok(Stats {
            schema_version: count("PRAGMA user_version")?,
            journal_mode: self.pragma("journal_mode")?,
            risks: count("SELECT count(*) FROM risk")?,
            active_risks: count(
                "SELECT count(*) FROM risk WHERE status IN ('open', 'mitigating', 'accepted')",
            )?,
            teams: count("SELECT count(*) FROM team")?,
            milestones: count("SELECT count(*) FROM milestone")?,
            events: count("SELECT count(*) FROM event")?,
            bytes: count("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")?,
        })
    }

    /// Writes a consistent, self-contained copy of the register into `empty_file` (which
    /// must exist and be empty) with `VACUUM INTO`: safe while other processes write, and
    /// never a file copy that could catch a half-written transaction.
    pub fn backup_into(&self, empty_file: &Path) -> Result<()> {
        let target = empty_file.to_string_lossy();
        self.conn.execute("VACUUM INTO ?1", [target.as_ref()])?;
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
        let empty: bool = self.tx.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM risk) AND NOT EXISTS (SELECT 1 FROM event)",
            [],
            |r| r.get(0),
        )?;
        if !empty {
            return Ok(DeferredIndexes(Vec::new()));
        }
        let mut stmt = self.tx.prepare(
            "SELECT name, sql FROM sqlite_schema
             WHERE type = 'index' AND tbl_name IN ('risk', 'event') AND sql IS NOT NULL ORDER BY name",
        )?;
        let indexes = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        drop(stmt);
        let mut create = Vec::with_capacity(indexes.len());
        for (name, sql) in indexes {
            self.tx
                .execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
            create.push(sql);
        }
        Ok(DeferredIndexes(create))
    }

    pub fn rebuild_indexes(&mut self, deferred: DeferredIndexes) -> Result<()> {
        for sql in deferred.0 {
            self.tx.execute_batch(&sql)?;
        }
        Ok(())
    }
}
