//! Identifying our files and upgrading old ones.
//!
//! `PRAGMA application_id` marks a riskreg register; `PRAGMA user_version` is its schema
//! version. A new file gets `schema.sql` whole; an older one runs the upgrade steps after its
//! version, each in its own IMMEDIATE transaction. A foreign file, or one written by a newer
//! riskreg, is refused before anything writes to it.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Error, Result};

/// "RREG".
pub const APPLICATION_ID: i32 = 0x5252_4547;
/// The schema version this binary writes.
pub const SCHEMA_VERSION: i32 = 7;

pub(super) const SCHEMA: &str = include_str!("../../schema.sql");

/// Upgrade steps: `UPGRADES[n]` takes a file from version `n + 1` to `n + 2`.
const UPGRADES: [&str; (SCHEMA_VERSION - 1) as usize] = [
    include_str!("upgrade-v2.sql"),
    include_str!("upgrade-v3.sql"),
    include_str!("upgrade-v4.sql"),
    include_str!("upgrade-v5.sql"),
    include_str!("upgrade-v6.sql"),
    include_str!("upgrade-v7.sql"),
];

fn header(conn: &Connection) -> rusqlite::Result<(i32, i32, i64)> {
    let app: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    Ok((app, version, objects))
}

/// Refuses a file that is not ours, or is newer than this binary, without writing to it.
pub(super) fn check_identity(conn: &Connection, path: &Path) -> Result<()> {
    let not_ours = |message: String| Error::NotOurs {
        path: path.to_path_buf(),
        message,
    };
    let (app, version, objects) = match header(conn) {
        Ok(h) => h,
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => {
            return Err(not_ours(
                "not a riskreg register (not an SQLite database at all); check --db, or move the file aside".into(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if app == APPLICATION_ID {
        if version > SCHEMA_VERSION {
            return Err(not_ours(format!(
                "this register was written by a newer riskreg (schema version {version}; this riskreg knows up to {SCHEMA_VERSION}); upgrade riskreg to open it. The file was not changed"
            )));
        }
        return Ok(());
    }
    if app == 0 && objects == 0 {
        return Ok(()); // a new, empty file
    }
    Err(not_ours(format!(
        "not a riskreg register: an SQLite database made by another program (application_id {app:#x}, {objects} schema objects); riskreg refuses to change it. Check --db or $RISKREG_DB"
    )))
}

/// Brings the file to [`SCHEMA_VERSION`]: the whole schema for a new file, else the upgrade
/// steps after its version, each in one IMMEDIATE transaction.
pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    loop {
        let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version == SCHEMA_VERSION {
            return Ok(());
        }
        if conn.is_readonly(rusqlite::MAIN_DB)? {
            return Err(Error::PermissionDenied(format!(
                "{} needs an upgrade from schema version {version} to {SCHEMA_VERSION}, but riskreg cannot write it; open it once with write access",
                path.display()
            )));
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another process may have migrated meanwhile: decide again inside the lock.
        check_identity(&tx, path)?;
        let version: i32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version == 0 {
            tx.execute_batch(SCHEMA)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        } else if version < SCHEMA_VERSION {
            let step = UPGRADES.get((version - 1) as usize).ok_or_else(|| {
                Error::Internal(format!("no upgrade step from schema version {version}"))
            })?;
            tx.execute_batch(step)?;
            tx.pragma_update(None, "user_version", version + 1)?;
        }
        tx.commit()?;
    }
}
