//! The register's storage: the only module that touches rusqlite and holds SQL.
//!
//! Every connection runs in WAL mode (checked), with `synchronous=FULL` (a saved risk survives
//! a power cut), foreign keys on (checked) and a 5 s busy timeout. Every write goes through
//! [`Store::write`], which opens an IMMEDIATE transaction: a deferred transaction that reads
//! and then writes fails at once with `SQLITE_BUSY_SNAPSHOT` when another process committed in
//! between, whatever the busy timeout.

mod actions;
mod asof;
mod catalog;
mod copy;
mod db;
mod filter;
mod grants;
mod history;
mod incidents;
mod location;
mod maintenance;
mod migrate;
mod overview;
mod postgres;
mod risks;

use std::borrow::Cow;
use std::cell::RefCell;
use std::fs::{DirBuilder, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::scoring::Settings;

pub use actions::ActionEdit;
pub use catalog::NameCache;
pub use copy::CopyProgress;
pub use grants::AccessLevel;
pub use history::EventFilter;
pub use location::{Location, PgUrl};
pub use maintenance::{CheckReport, Stats};
pub use migrate::{APPLICATION_ID, SCHEMA_VERSION};
pub use overview::TeamOverview;
pub use risks::{Edit, NewRisk};

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether opening may create the database file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenMode {
    /// Create the file (mode 0600) if it does not exist.
    Create,
    /// Refuse a missing file (exit 66), so a mistyped `--db` does not silently make a new one.
    Existing,
}

/// Who makes a change, and when. Every event records both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub actor: String,
    pub clock: Clock,
}

/// The connection to a register, in one of the engines.
enum Conn {
    Sqlite(Connection),
    Postgres(Box<RefCell<postgres::PgConn>>),
}

/// An open register.
pub struct Store {
    conn: Conn,
    location: Location,
    settings: Settings,
    /// Why this register can only be read (a read-only file or directory), if it can.
    read_only: Option<String>,
    /// The day figures that depend on the date (overdue actions) are read as of.
    today: jiff::civil::Date,
    /// For a register rebuilt as of a moment (RFC 3339): the history shown ends there.
    history_until: Option<String>,
}

/// A write transaction (IMMEDIATE on SQLite; holding the write lock on PostgreSQL).
/// Dropped without [`Store::write`] finishing, it rolls back.
pub struct Tx<'s> {
    tx: TxConn<'s>,
    settings: &'s Settings,
    /// The change's actor and time; on PostgreSQL the actor is the session's user.
    stamp: Cow<'s, Stamp>,
    names: Option<NameCache>,
    /// What the session's role may change (PostgreSQL), read on the first change.
    access: Option<grants::Access>,
    /// The ids a bulk load on PostgreSQL gives (see [`Tx::start_bulk_load`]).
    bulk: Option<maintenance::BulkIds>,
}

/// A transaction in one of the engines.
enum TxConn<'s> {
    Sqlite(rusqlite::Transaction<'s>),
    Postgres(PgTx<'s>),
}

/// A PostgreSQL transaction: rolled back when dropped before [`PgTx::commit`].
struct PgTx<'s> {
    conn: &'s RefCell<postgres::PgConn>,
    open: bool,
}

impl PgTx<'_> {
    fn commit(mut self) -> Result<()> {
        self.open = false;
        self.conn.borrow_mut().commit()
    }
}

impl Drop for PgTx<'_> {
    fn drop(&mut self) {
        if self.open
            && let Ok(mut conn) = self.conn.try_borrow_mut()
        {
            conn.rollback();
        }
    }
}

impl Store {
    /// Opens (or, with [`OpenMode::Create`], creates) the register at `location`. A file or
    /// database that is not a riskreg register, or was written by a newer riskreg, is
    /// refused and left untouched. A PostgreSQL database gets the schema on first use.
    pub fn open(location: impl Into<Location>, mode: OpenMode) -> Result<Store> {
        match location.into() {
            Location::File(path) => Store::open_file(&path, mode),
            Location::Postgres(url) => Store::open_postgres(&url),
        }
    }

    /// Whether a register is there: its file exists, or its PostgreSQL database holds one
    /// (asked without creating anything).
    pub fn exists(location: &Location) -> Result<bool> {
        match location {
            Location::File(path) => Ok(path.exists()),
            Location::Postgres(url) => postgres::PgConn::connect(url)?.holds_register(),
        }
    }

    fn open_postgres(url: &PgUrl) -> Result<Store> {
        let mut conn = postgres::PgConn::connect(url)?;
        conn.migrate()?;
        Store::opened(
            Conn::Postgres(Box::new(RefCell::new(conn))),
            Location::Postgres(url.clone()),
            None,
        )
    }

    /// A register just opened and identified: its settings read, its day today's.
    fn opened(conn: Conn, location: Location, read_only: Option<String>) -> Result<Store> {
        let mut store = Store {
            conn,
            location,
            settings: Settings::default(),
            read_only,
            today: crate::clock::Clock::at(jiff::Timestamp::now()).today,
            history_until: None,
        };
        store.settings = store.load_settings()?;
        Ok(store)
    }

    /// A copy of this register in `conn` (in memory): the same settings, day and history
    /// window, and never read-only.
    fn copy_in(&self, conn: Connection) -> Store {
        Store {
            conn: Conn::Sqlite(conn),
            location: self.location.clone(),
            settings: self.settings.clone(),
            read_only: None,
            today: self.today,
            history_until: self.history_until.clone(),
        }
    }

    fn open_file(path: &Path, mode: OpenMode) -> Result<Store> {
        if !path.exists() {
            match mode {
                OpenMode::Existing => {
                    return Err(Error::InputMissing {
                        path: path.to_path_buf(),
                        message: format!(
                            "no register at {}; check --db or $RISKREG_DB, or create one with `riskreg add` or `riskreg import`",
                            path.display()
                        ),
                    });
                }
                OpenMode::Create => create_file_0600(path)?,
            }
        }
        let path = std::fs::canonicalize(path).map_err(|e| Error::input(path, e))?;
        refuse_unreadable(&path)?;
        adopt_empty_file(&path)?;
        match Store::connect(&path, Access::ReadWrite) {
            Err(e) if readonly_directory(&path, &e) => Store::connect(&path, Access::Immutable),
            other => other,
        }
    }

    /// Opens, configures, identifies and upgrades the register at a canonical path.
    fn connect(path: &Path, access: Access) -> Result<Store> {
        let mut conn = match access {
            Access::ReadWrite => Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            ),
            Access::Immutable => {
                let mut uri = url_path(path);
                uri.insert_str(0, "file:");
                uri.push_str("?immutable=1");
                Connection::open_with_flags(
                    uri,
                    OpenFlags::SQLITE_OPEN_READ_ONLY
                        | OpenFlags::SQLITE_OPEN_URI
                        | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
            }
        }
        .map_err(|e| open_error(path, e))?;
        let read_only = configure(&mut conn, path, access)?;
        migrate::migrate(&mut conn, path)?;
        Store::opened(
            Conn::Sqlite(conn),
            Location::File(path.to_path_buf()),
            read_only,
        )
    }

    /// The register's connection, for running statements.
    fn db(&self) -> db::Db<'_> {
        match &self.conn {
            Conn::Sqlite(conn) => db::Db::Sqlite(conn),
            Conn::Postgres(conn) => db::Db::Postgres(conn),
        }
    }

    /// The SQLite connection, for what only SQLite has (pragmas, its backup API).
    fn sqlite(&self) -> Option<&Connection> {
        match &self.conn {
            Conn::Sqlite(conn) => Some(conn),
            Conn::Postgres(_) => None,
        }
    }

    /// Where the register is: its file, or its PostgreSQL URL (shown without the password).
    pub fn location(&self) -> &Location {
        &self.location
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Reads date-dependent figures (overdue actions) as of `today` from now on: the
    /// command's clock (`$RISKREG_NOW` freezes it), not necessarily the system's.
    pub fn set_today(&mut self, today: jiff::civil::Date) {
        self.today = today;
    }

    pub fn today(&self) -> jiff::civil::Date {
        self.today
    }

    /// A change refused before it starts, when this register can only be read.
    fn refuse_if_read_only(&self) -> Result<()> {
        match &self.read_only {
            Some(why) => Err(Error::PermissionDenied(format!(
                "cannot change {}: {why}",
                self.location
            ))),
            None => Ok(()),
        }
    }

    /// Opens a write transaction: IMMEDIATE on SQLite, holding the write lock on
    /// PostgreSQL.
    fn begin<'s>(&'s mut self, stamp: &'s Stamp) -> Result<Tx<'s>> {
        let (tx, stamp) = match &mut self.conn {
            Conn::Sqlite(conn) => (
                TxConn::Sqlite(conn.transaction_with_behavior(TransactionBehavior::Immediate)?),
                Cow::Borrowed(stamp),
            ),
            Conn::Postgres(conn) => {
                let actor = conn.get_mut().begin_write()?;
                let stamp = Cow::Owned(Stamp {
                    actor,
                    clock: stamp.clock.clone(),
                });
                (TxConn::Postgres(PgTx { conn, open: true }), stamp)
            }
        };
        Ok(Tx {
            tx,
            settings: &self.settings,
            stamp,
            names: None,
            access: None,
            bulk: None,
        })
    }

    /// Runs `f` in one write transaction and commits it; any error rolls everything back.
    pub fn write<T>(
        &mut self,
        stamp: &Stamp,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        self.refuse_if_read_only()?;
        let mut tx = self.begin(stamp)?;
        let value = f(&mut tx)?;
        match tx.tx {
            TxConn::Sqlite(tx) => tx.commit()?,
            TxConn::Postgres(tx) => tx.commit()?,
        }
        Ok(value)
    }

    /// Runs `f` in a transaction and rolls it back: what a `--dry-run` sees. A register that
    /// can only be read is copied into memory first, so a dry run works on it too.
    pub fn dry_run<T>(
        &mut self,
        stamp: &Stamp,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        if self.read_only.is_some() {
            let mut copy = self.memory_copy()?;
            return copy.dry_run(stamp, f);
        }
        let mut tx = self.begin(stamp)?;
        f(&mut tx)
    }

    /// The register copied into memory (SQLite; through its backup API when it is SQLite
    /// already): changes to the copy never reach the register.
    fn memory_copy(&self) -> Result<Store> {
        let Some(source) = self.sqlite() else {
            // PostgreSQL: a new register in memory, every row copied in, in one transaction
            // (a throwaway: no journal).
            let mut conn = Connection::open_in_memory()?;
            configure_copy(&conn)?;
            migrate::migrate(&mut conn, Path::new(":memory:"))?;
            conn.pragma_update(None, "journal_mode", "OFF")?;
            let mut copy = self.copy_in(conn);
            copy.db().batch("BEGIN")?;
            copy::copy_rows(self, &mut copy, &mut |_| {})?;
            copy.db().batch("COMMIT")?;
            return Ok(copy);
        };
        let mut conn = Connection::open_in_memory()?;
        rusqlite::backup::Backup::new(source, &mut conn)?.run_to_completion(
            1024,
            Duration::ZERO,
            None,
        )?;
        configure_copy(&conn)?;
        Ok(self.copy_in(conn))
    }

    /// Changes a setting after validating it; stored with the register.
    pub fn set_setting(&mut self, stamp: &Stamp, key: &str, value: &str) -> Result<()> {
        let mut next = self.settings.clone();
        next.set(key, value)
            .map_err(|e| Error::Field(crate::domain::FieldError::new(&e.key, value, e.message)))?;
        // A service's SLO set to "" is removed (its risks count against the register's).
        let stored = next.get(key).ok();
        self.write(stamp, |tx| {
            tx.db().execute(
                "DELETE FROM setting WHERE lower(key) = lower(?1)",
                &db::args![key],
            )?;
            if let Some(value) = &stored {
                tx.db().execute(
                    "INSERT INTO setting (key, value) VALUES (?1, ?2)",
                    &db::args![key, value],
                )?;
            }
            Ok(())
        })?;
        self.settings = next;
        Ok(())
    }

    fn load_settings(&self) -> Result<Settings> {
        let pairs: Vec<(String, String)> =
            self.db()
                .all("SELECT key, value FROM setting ORDER BY key", &[], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
        Settings::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).map_err(|e| {
            Error::Corrupt {
                message: format!("stored {e}; fix it with `riskreg config set`"),
            }
        })
    }

    /// The value of an SQLite pragma, for diagnostics (`db check`) and tests; PostgreSQL
    /// has none.
    pub fn pragma(&self, name: &str) -> Result<String> {
        let Some(conn) = self.sqlite() else {
            return Err(Error::Usage(format!(
                "PRAGMA {name} is SQLite's; the register is in PostgreSQL"
            )));
        };
        let value: rusqlite::types::Value = conn.pragma_query_value(None, name, |r| r.get(0))?;
        Ok(match value {
            rusqlite::types::Value::Integer(i) => i.to_string(),
            rusqlite::types::Value::Text(t) => t,
            other => format!("{other:?}"),
        })
    }
}

impl Tx<'_> {
    /// This transaction, for running statements.
    fn db(&self) -> db::Db<'_> {
        match &self.tx {
            TxConn::Sqlite(tx) => db::Db::Sqlite(tx),
            TxConn::Postgres(tx) => db::Db::Postgres(tx.conn),
        }
    }

    pub fn settings(&self) -> &Settings {
        self.settings
    }

    pub fn stamp(&self) -> &Stamp {
        &self.stamp
    }
}

/// Sets up an SQLite connection at `path`: WAL (checked), `synchronous=FULL`, foreign keys
/// (checked), the busy timeout and riskreg's SQL functions; identifies the file before
/// anything writes to it. Returns why the register can only be read, if it can.
fn configure(conn: &mut Connection, path: &Path, access: Access) -> Result<Option<String>> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    migrate::check_identity(conn, path)?;
    let read_only = match access {
        Access::Immutable => Some(format!(
            "its directory {} is read-only, and SQLite needs to create its journal files there",
            path.parent().unwrap_or(Path::new("/")).display()
        )),
        Access::ReadWrite if conn.is_readonly(rusqlite::MAIN_DB)? => {
            Some("the file is read-only".to_string())
        }
        Access::ReadWrite => None,
    };
    if read_only.is_none() {
        conn.pragma_update(None, "page_size", 16384)?;
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Database(format!(
                "could not switch {} to WAL mode (got {mode}); is it on a network or read-only filesystem?",
                path.display()
            )));
        }
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    let fk: i64 = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
    if fk != 1 {
        return Err(Error::Database("could not enable foreign keys".into()));
    }
    conn.set_transaction_behavior(TransactionBehavior::Immediate);
    configure_copy(conn)?;
    Ok(read_only)
}

/// What every SQLite connection needs, a copy in memory too: foreign keys, a stable query
/// plan, the statement cache and riskreg's SQL functions.
fn configure_copy(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", true)?;
    // Query-planner stability: without it, binding a new value can expire a cached
    // statement and force a re-parse on every row of an import.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    conn.set_prepared_statement_cache_capacity(64);
    conn.create_scalar_function(
        "rr_contains",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let hay = ctx.get_raw(0).as_str().unwrap_or("");
            let needle = ctx.get_raw(1).as_str().unwrap_or("");
            Ok(contains_folded(hay, needle))
        },
    )?;
    Ok(())
}

/// The default register: `riskreg/riskreg.db` in the user's data directory.
pub fn default_path() -> Result<PathBuf> {
    directories::BaseDirs::new()
        .map(|d| d.data_dir().join("riskreg").join("riskreg.db"))
        .ok_or_else(|| {
            Error::Usage(
                "cannot find your home directory; pass --db PATH or set $RISKREG_DB".into(),
            )
        })
}

/// Creates the directory for the default register, private to the user (0700).
pub fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| Error::io(format!("cannot create directory {}", dir.display()), e))
}

/// Creates an empty database file readable only by its owner, before SQLite opens it; the
/// `-wal` and `-shm` files SQLite makes next to it inherit this mode. This is the only place
/// that opens a database path with `std::fs`, and no connection is open yet.
fn create_file_0600(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        return Err(Error::InputMissing {
            path: path.to_path_buf(),
            message: format!(
                "cannot create {}: directory {} does not exist",
                path.display(),
                dir.display()
            ),
        });
    }
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::io(format!("cannot create {}", path.display()), e)),
    }
}

/// How a register is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    ReadWrite,
    /// Read-only and without locks, for a register whose directory is read-only: SQLite
    /// cannot create the WAL index beside it, and with no WAL file there nobody is writing.
    Immutable,
}

/// Refuses, as permission denied (77), a register this user may not read: another user's
/// private file is not "missing".
fn refuse_unreadable(path: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    if rustix::fs::access(path, rustix::fs::Access::READ_OK).is_ok() {
        return Ok(());
    }
    let owner = std::fs::metadata(path)
        .map(|m| format!(" (owner uid {}, mode {:o})", m.uid(), m.mode() & 0o777))
        .unwrap_or_default();
    Err(Error::PermissionDenied(format!(
        "cannot read {}{owner}: permission denied; ask its owner for access, or choose another --db",
        path.display()
    )))
}

/// An existing empty file becomes a register only if it is private: one that others may
/// read is made 0600 first, as a register riskreg creates would be, or refused.
fn adopt_empty_file(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(());
    };
    if meta.len() != 0 || meta.permissions().mode() & 0o077 == 0 {
        return Ok(());
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(|e| {
        Error::PermissionDenied(format!(
            "{} is an empty file that others can read, and riskreg cannot make it private ({e}); chmod 600 it, or choose another --db",
            path.display()
        ))
    })
}

/// Whether opening failed only because the directory is read-only: SQLite cannot create
/// the WAL index there. Reading is still safe when no WAL file exists (nobody writes).
fn readonly_directory(path: &Path, e: &Error) -> bool {
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    matches!(e, Error::PermissionDenied(_) | Error::InputMissing { .. })
        && path
            .parent()
            .is_some_and(|dir| rustix::fs::access(dir, rustix::fs::Access::WRITE_OK).is_err())
        && !wal.exists()
}

/// A path as the path part of an SQLite URI: `%`, `?` and `#` escaped.
fn url_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

fn open_error(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::CannotOpen) => Error::InputMissing {
            path: path.to_path_buf(),
            message: format!("cannot open {}", path.display()),
        },
        _ => e.into(),
    }
}

/// Whether `hay` contains `needle`, ignoring case. `needle` must already be lower-case.
fn contains_folded(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        if n.len() > h.len() {
            return false;
        }
        return h
            .windows(n.len())
            .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b));
    }
    hay.to_lowercase().contains(needle)
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        use rusqlite::Error as E;
        match &e {
            E::FromSqlConversionFailure(..)
            | E::InvalidColumnType(..)
            | E::IntegralValueOutOfRange(..)
            | E::Utf8Error(..) => {
                return Error::Corrupt {
                    message: format!(
                        "the database holds a value riskreg cannot read ({e}); run `riskreg db check`"
                    ),
                };
            }
            E::QueryReturnedNoRows => return Error::NotFound("no such record".into()),
            _ => {}
        }
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::Busy(
                "the register is busy: another process held a write lock for more than 5 seconds; retry".into(),
            ),
            Some(ErrorCode::DatabaseCorrupt) => Error::Corrupt {
                message: format!("the database is corrupt ({e}); restore it from a backup (`riskreg db backup` makes one)"),
            },
            Some(ErrorCode::NotADatabase) => Error::Corrupt {
                message: format!("the file is not a database or is corrupt ({e})"),
            },
            Some(ErrorCode::ConstraintViolation) => Error::Constraint(format!("the database refused the change: {e}")),
            Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied | ErrorCode::AuthorizationForStatementDenied) => {
                Error::PermissionDenied(format!("cannot write the register: {e}"))
            }
            Some(ErrorCode::DiskFull) => Error::Io {
                context: "the disk is full; free some space and retry (nothing was changed)"
                    .into(),
                source: std::io::Error::other(e.to_string()),
            },
            Some(ErrorCode::SystemIoFailure) => Error::Io {
                context: "the register could not be read or written (is the disk full or failing?); nothing was changed".into(),
                source: std::io::Error::other(e.to_string()),
            },
            Some(ErrorCode::CannotOpen) => Error::InputMissing {
                path: PathBuf::new(),
                message: format!("cannot open the register: {e}"),
            },
            _ => Error::Database(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_contains() {
        assert!(contains_folded("Primary POSTGRES cluster", "postgres"));
        assert!(contains_folded("Zürich DC", "zürich"));
        assert!(contains_folded("ZÜRICH DC", "zürich"));
        assert!(!contains_folded("abc", "abcd"));
        assert!(contains_folded("anything", ""));
    }
}
