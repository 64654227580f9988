//! The row level an engine implements: a statement run with bound values, and rows read by
//! column. Every query and every rule above it (revision checks, field diffs, history rows)
//! is written once against [`Db`], whichever engine holds the register.

use std::borrow::Cow;
use std::cell::RefCell;

use rusqlite::types::{ToSqlOutput, ValueRef};

use super::postgres::PgConn;
use crate::error::{Error, Result};

/// One table's row, as an `INSERT` with a parameter per column and as the start of the
/// `COPY` (table and columns) that takes the same columns in the same order.
pub(super) struct Append {
    pub insert: &'static str,
    pub copy: &'static str,
}

/// A value bound to a statement's parameter.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Value<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(Cow<'a, str>),
}

impl Value<'_> {
    pub(super) fn text(s: impl Into<String>) -> Value<'static> {
        Value::Text(Cow::Owned(s.into()))
    }
}

/// What can be bound: `args![a, b]` borrows each value, as `rusqlite::params!` does.
pub(super) trait ToValue {
    fn value(&self) -> Value<'_>;
}

impl ToValue for i64 {
    fn value(&self) -> Value<'_> {
        Value::Int(*self)
    }
}

impl ToValue for u8 {
    fn value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}

impl ToValue for f64 {
    fn value(&self) -> Value<'_> {
        Value::Real(*self)
    }
}

impl ToValue for bool {
    fn value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}

impl ToValue for str {
    fn value(&self) -> Value<'_> {
        Value::Text(Cow::Borrowed(self))
    }
}

impl ToValue for String {
    fn value(&self) -> Value<'_> {
        Value::Text(Cow::Borrowed(self))
    }
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn value(&self) -> Value<'_> {
        (**self).value()
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn value(&self) -> Value<'_> {
        self.as_ref().map_or(Value::Null, ToValue::value)
    }
}

impl ToValue for Value<'_> {
    fn value(&self) -> Value<'_> {
        match self {
            Value::Text(t) => Value::Text(Cow::Borrowed(t)),
            Value::Null => Value::Null,
            Value::Int(i) => Value::Int(*i),
            Value::Real(r) => Value::Real(*r),
        }
    }
}

/// The values of a statement's parameters, in order: `args![id, title]`.
macro_rules! args {
    ($($value:expr),* $(,)?) => {
        [$($crate::store::db::ToValue::value(&$value)),*]
    };
}
pub(super) use args;

/// One row of a result, read by column (from 0).
pub(super) trait Row {
    fn int(&self, col: usize) -> Result<Option<i64>>;
    fn real(&self, col: usize) -> Result<Option<f64>>;
    fn text(&self, col: usize) -> Result<Option<&str>>;
    /// Whatever the column holds, as a value to bind elsewhere (a copy between registers).
    fn value(&self, col: usize) -> Result<Value<'static>>;
}

/// What a column can be read as.
pub(super) trait Cell: Sized {
    fn read(row: &dyn Row, col: usize) -> Result<Self>;
}

impl dyn Row + '_ {
    pub(super) fn get<T: Cell>(&self, col: usize) -> Result<T> {
        T::read(self, col)
    }
}

/// A value the database holds that riskreg cannot read: the register is damaged.
pub(super) fn corrupt(col: usize, what: &str, value: &str) -> Error {
    Error::Corrupt {
        message: format!(
            "the database holds a value riskreg cannot read (column {col}: unexpected {what} {value:?}); run `riskreg db check`"
        ),
    }
}

fn required<T>(value: Option<T>, col: usize) -> Result<T> {
    value.ok_or_else(|| corrupt(col, "empty value", "NULL"))
}

impl Cell for Option<i64> {
    fn read(row: &dyn Row, col: usize) -> Result<Self> {
        row.int(col)
    }
}

impl Cell for i64 {
    fn read(row: &dyn Row, col: usize) -> Result<Self> {
        required(row.int(col)?, col)
    }
}

impl Cell for bool {
    fn read(row: &dyn Row, col: usize) -> Result<Self> {
        Ok(required(row.int(col)?, col)? != 0)
    }
}

impl Cell for Option<f64> {
    fn read(row: &dyn Row, col: usize) -> Result<Self> {
        row.real(col)
    }
}

impl Cell for f64 {
    fn read(row: &dyn Row, col: usize) -> Result<Self> {
        required(row.real(col)?, col)
    }
}

impl Cell for Option<String> {
    fn read(row: &dyn Row, col: usize) -> Result<Self> {
        Ok(row.text(col)?.map(str::to_string))
    }
}

impl Cell for String {
    fn read(row: &dyn Row, col: usize) -> Result<Self> {
        required(row.text(col)?, col).map(str::to_string)
    }
}

/// A connection or transaction of one engine, for running statements.
#[derive(Clone, Copy)]
pub(super) enum Db<'a> {
    Sqlite(&'a rusqlite::Connection),
    Postgres(&'a RefCell<PgConn>),
}

/// The PostgreSQL connection, unless a statement's rows are being read on it already (a
/// query inside another's row callback, which one connection cannot run).
fn pg(conn: &RefCell<PgConn>) -> Result<std::cell::RefMut<'_, PgConn>> {
    conn.try_borrow_mut().map_err(|_| {
        Error::Internal(
            "a query ran inside another query's rows on one PostgreSQL connection".into(),
        )
    })
}

impl Db<'_> {
    /// Runs one statement; returns how many rows it changed.
    pub(super) fn execute(self, sql: &str, args: &[Value<'_>]) -> Result<u64> {
        match self {
            Db::Sqlite(conn) => {
                let n = conn
                    .prepare_cached(sql)?
                    .execute(rusqlite::params_from_iter(args))?;
                Ok(u64::try_from(n).unwrap_or(0))
            }
            Db::Postgres(conn) => pg(conn)?.execute(sql, args),
        }
    }

    /// Calls `f` with each row, in order, while it returns true.
    pub(super) fn each_while(
        self,
        sql: &str,
        args: &[Value<'_>],
        mut f: impl FnMut(&dyn Row) -> Result<bool>,
    ) -> Result<()> {
        match self {
            Db::Sqlite(conn) => {
                let mut stmt = conn.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
                while let Some(row) = rows.next()? {
                    if !f(row)? {
                        break;
                    }
                }
                Ok(())
            }
            Db::Postgres(conn) => pg(conn)?.each_while(sql, args, &mut f),
        }
    }

    /// Calls `f` with each row, in order.
    pub(super) fn each(
        self,
        sql: &str,
        args: &[Value<'_>],
        mut f: impl FnMut(&dyn Row) -> Result<()>,
    ) -> Result<()> {
        self.each_while(sql, args, |row| f(row).map(|()| true))
    }

    /// Every row, each turned into a `T`.
    pub(super) fn all<T>(
        self,
        sql: &str,
        args: &[Value<'_>],
        mut f: impl FnMut(&dyn Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each(sql, args, |row| {
            out.push(f(row)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row turned into a `T`, if there is one.
    pub(super) fn first<T>(
        self,
        sql: &str,
        args: &[Value<'_>],
        f: impl FnOnce(&dyn Row) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut f = Some(f);
        let mut out = None;
        self.each_while(sql, args, |row| {
            if let Some(f) = f.take() {
                out = Some(f(row)?);
            }
            Ok(false)
        })?;
        Ok(out)
    }

    /// The first column of the first row; a query that returns no row is an internal error.
    pub(super) fn value<T: Cell>(self, sql: &str, args: &[Value<'_>]) -> Result<T> {
        self.first(sql, args, |row| row.get(0))?
            .ok_or_else(|| Error::Internal(format!("no row from {sql}")))
    }

    /// Runs an INSERT of one row and returns its id: SQLite's last row id (a `RETURNING`
    /// clause costs SQLite a temporary table per row), PostgreSQL's `RETURNING id`.
    pub(super) fn insert(self, sql: &str, args: &[Value<'_>]) -> Result<i64> {
        match self {
            Db::Sqlite(conn) => {
                self.execute(sql, args)?;
                Ok(conn.last_insert_rowid())
            }
            Db::Postgres(_) => self.value(&format!("{sql} RETURNING id"), args),
        }
    }

    /// Adds a row whose id the caller does not need: inserted at once, or, while a
    /// PostgreSQL connection is bulk loading, sent with the next `COPY` (before the
    /// connection's next statement, its commit, or every few megabytes).
    pub(super) fn append(self, to: &Append, args: &[Value<'_>]) -> Result<()> {
        match self {
            Db::Sqlite(_) => self.execute(to.insert, args).map(drop),
            Db::Postgres(conn) => pg(conn)?.append(to, args),
        }
    }

    /// Turns [`Db::append`]'s batching by `COPY` on or off (PostgreSQL; SQLite inserts each
    /// row at once, which is as fast). Turning it off sends the rows still waiting.
    pub(super) fn set_appending(self, on: bool) -> Result<()> {
        match self {
            Db::Sqlite(_) => Ok(()),
            Db::Postgres(conn) if on => {
                pg(conn)?.start_appending();
                Ok(())
            }
            Db::Postgres(conn) => pg(conn)?.stop_appending(),
        }
    }

    /// The highest id `table` ever gave out (ids of deleted rows are never reused).
    pub(super) fn counter(self, table: &str) -> Result<i64> {
        let seq: Option<i64> = match self {
            Db::Sqlite(_) => self.first(
                "SELECT seq FROM sqlite_sequence WHERE name = ?1",
                &args![table],
                |r| r.get(0),
            )?,
            Db::Postgres(_) => self.first(
                "SELECT last FROM id_counter WHERE name = ?1",
                &args![table],
                |r| r.get(0),
            )?,
        };
        Ok(seq.unwrap_or(0))
    }

    /// Moves `table`'s id counter up to `seq` (a copy brings the ids it gave out).
    pub(super) fn set_counter(self, table: &str, seq: i64) -> Result<()> {
        if seq <= self.counter(table)? {
            return Ok(());
        }
        match self {
            Db::Sqlite(_) => {
                let changed = self.execute(
                    "UPDATE sqlite_sequence SET seq = ?2 WHERE name = ?1",
                    &args![table, seq],
                )?;
                if changed == 0 {
                    self.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (?1, ?2)",
                        &args![table, seq],
                    )?;
                }
            }
            Db::Postgres(_) => {
                self.execute(
                    "SELECT setval(pg_get_serial_sequence(?1, 'id'), ?2)
                     WHERE ?2 > coalesce(pg_sequence_last_value(pg_get_serial_sequence(?1, 'id')::regclass), 0)",
                    &args![table, seq],
                )?;
                self.execute(
                    "INSERT INTO id_counter (name, last) VALUES (?1, ?2)
                     ON CONFLICT (name) DO UPDATE SET last = greatest(id_counter.last, EXCLUDED.last)",
                    &args![table, seq],
                )?;
            }
        }
        Ok(())
    }

    /// Runs `f` on one consistent snapshot (several reads that must agree, as a copy's):
    /// a read transaction, REPEATABLE READ on PostgreSQL.
    pub(super) fn snapshot<T>(self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        match self {
            Db::Sqlite(conn) => conn.execute_batch("BEGIN")?,
            Db::Postgres(conn) => pg(conn)?.begin_read()?,
        }
        let out = f();
        let ended = match self {
            Db::Sqlite(conn) => conn.execute_batch("COMMIT").map_err(Error::from),
            Db::Postgres(conn) => pg(conn)?.end_read(),
        };
        let value = out?;
        ended?;
        Ok(value)
    }

    /// Statements without parameters or results (schema changes, grants).
    pub(super) fn batch(self, sql: &str) -> Result<()> {
        match self {
            Db::Sqlite(conn) => Ok(conn.execute_batch(sql)?),
            Db::Postgres(conn) => pg(conn)?.batch(sql),
        }
    }

    /// The ids of the rows a query returns (its first column).
    pub(super) fn ids(self, sql: &str, args: &[Value<'_>]) -> Result<Vec<i64>> {
        self.all(sql, args, |row| row.get(0))
    }
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Real(r) => ValueRef::Real(*r),
            Value::Text(t) => ValueRef::Text(t.as_bytes()),
        }))
    }
}

impl Row for rusqlite::Row<'_> {
    fn int(&self, col: usize) -> Result<Option<i64>> {
        match self.get_ref(col)? {
            ValueRef::Null => Ok(None),
            ValueRef::Integer(i) => Ok(Some(i)),
            other => Err(corrupt(col, "value for an integer", &format!("{other:?}"))),
        }
    }

    fn real(&self, col: usize) -> Result<Option<f64>> {
        match self.get_ref(col)? {
            ValueRef::Null => Ok(None),
            ValueRef::Real(r) => Ok(Some(r)),
            ValueRef::Integer(i) => Ok(Some(i as f64)),
            other => Err(corrupt(col, "value for a number", &format!("{other:?}"))),
        }
    }

    fn text(&self, col: usize) -> Result<Option<&str>> {
        match self.get_ref(col)? {
            ValueRef::Null => Ok(None),
            ValueRef::Text(t) => std::str::from_utf8(t)
                .map(Some)
                .map_err(|_| corrupt(col, "text", &String::from_utf8_lossy(t))),
            other => Err(corrupt(col, "value for text", &format!("{other:?}"))),
        }
    }

    fn value(&self, col: usize) -> Result<Value<'static>> {
        Ok(match self.get_ref(col)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Int(i),
            ValueRef::Real(r) => Value::Real(r),
            ValueRef::Text(_) => Value::text(self.text(col)?.unwrap_or_default()),
            ValueRef::Blob(_) => return Err(corrupt(col, "value", "a blob")),
        })
    }
}
