//! The PostgreSQL engine: connecting (TLS as the URL's `sslmode` asks; the password from the
//! URL, `$PGPASSWORD` or `~/.pgpass`), statements with SQLite's `?N` placeholders turned into
//! `$N` and prepared once per connection, rows read by column, the schema created and
//! upgraded in versioned steps, and the server's errors in riskreg's terms.

mod tls;

use std::collections::HashMap;
use std::error::Error as StdError;
use std::io::Write;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::BytesMut;
use postgres::error::SqlState;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, Config, Statement};

use super::db::{Append, Row, Value, corrupt};
use super::location::PgUrl;
use crate::error::{Error, Result};

/// The schema version this binary writes into a PostgreSQL register.
pub(super) const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = include_str!("postgres/schema.sql");

/// Upgrade steps: `UPGRADES[n]` takes a database from version `n + 1` to `n + 2`.
const UPGRADES: [&str; (SCHEMA_VERSION - 1) as usize] = [];

/// The advisory lock every write transaction takes first: one writer at a time, as on
/// SQLite, so a revision check and the history it guards see the same rows. Readers never
/// wait for it. ("RREG")
const WRITE_LOCK: i64 = 0x5252_4547;

/// How long a write waits for another to finish, as SQLite's busy timeout.
const LOCK_TIMEOUT: &str = "5s";

/// What the planner assumes a page read out of order costs (PostgreSQL's default, 4, is a
/// spinning disk's): a register's pages are in memory or on flash, so the list in priority
/// order is read along its index and its first rows arrive at once, instead of after
/// sorting every risk (the export of 100,000 risks spilled a 50 MB sort to disk).
const RANDOM_PAGE_COST: f64 = 1.1;

/// The channel every commit notifies (see the schema's `rr_notify`).
const CHANNEL: &str = "riskreg_changed";

/// How many prepared statements a connection keeps.
const STATEMENTS: usize = 256;

/// One connection to a register in PostgreSQL.
pub(super) struct PgConn {
    /// `None` only while a [`Sender`] streams a bulk load's rows on it.
    client: Option<Client>,
    url: PgUrl,
    statements: Statements,
    /// Inside BEGIN … COMMIT: a lost connection is then an error, never a silent reconnect.
    in_transaction: bool,
    /// Change notices heard so far (every commit to the register sends one).
    changes: i64,
    /// While bulk loading: each table's rows not yet handed to the sender.
    appending: Option<Vec<(&'static str, Vec<u8>)>>,
    sender: Option<Sender>,
}

/// How many bytes of a table's rows are handed to the sender at once.
const CHUNK: usize = 1 << 20;

/// Rows of a table in `COPY`'s binary format, with the `COPY` that takes them.
type Chunk = (&'static str, Vec<u8>);

/// A thread that holds the connection during a bulk load and streams the rows handed to
/// it into an open `COPY`, so the server stores them while the next ones are read.
struct Sender {
    chunks: SyncSender<Chunk>,
    done: JoinHandle<(Client, Result<()>)>,
}

impl Sender {
    fn start(mut client: Client) -> Sender {
        let (chunks, receiver) = sync_channel::<Chunk>(2);
        let done = std::thread::spawn(move || {
            let sent = stream(&mut client, &receiver);
            (client, sent)
        });
        Sender { chunks, done }
    }

    /// Waits for every chunk to be stored; gives the connection back.
    fn finish(self) -> (Option<Client>, Result<()>) {
        drop(self.chunks);
        match self.done.join() {
            Ok((client, sent)) => (Some(client), sent),
            Err(_) => (
                None,
                Err(Error::Internal(
                    "the thread sending rows to the server failed".into(),
                )),
            ),
        }
    }
}

/// The sender's loop: one `COPY` per run of chunks for the same table.
fn stream(client: &mut Client, chunks: &Receiver<Chunk>) -> Result<()> {
    let mut next = chunks.recv().ok();
    while let Some((copy, mut rows)) = next.take() {
        let mut writer = client.copy_in(&format!("{copy} FROM STDIN (FORMAT binary)"))?;
        let mut sent = writer.write_all(COPY_HEADER);
        while sent.is_ok() {
            sent = writer.write_all(&rows);
            if sent.is_err() {
                break;
            }
            match chunks.recv() {
                Ok((same, more)) if same == copy => rows = more,
                other => {
                    next = other.ok();
                    break;
                }
            }
        }
        if let Err(e) = sent.and_then(|()| writer.write_all(COPY_TRAILER)) {
            // The server's own reason, when it gave one, says more than the socket.
            writer.finish()?;
            return Err(Error::io("cannot send rows to the server", e));
        }
        writer.finish()?;
    }
    Ok(())
}

impl PgConn {
    /// Connects; a server that cannot be reached is "try again later" (exit 75).
    pub(super) fn connect(url: &PgUrl) -> Result<PgConn> {
        let (config, tls) = config(url)?;
        let mut client = config
            .connect(tls)
            .map_err(|e| connect_error(url, &config, &e))?;
        client
            .batch_execute(&format!(
                "SET lock_timeout = '{LOCK_TIMEOUT}'; SET client_min_messages = warning;
                 SET random_page_cost = {RANDOM_PAGE_COST}; LISTEN {CHANNEL}"
            ))
            .map_err(Error::from)?;
        Ok(PgConn {
            client: Some(client),
            url: url.clone(),
            statements: HashMap::new(),
            in_transaction: false,
            changes: 0,
            appending: None,
            sender: None,
        })
    }

    /// The connection, once every row handed to the sender is stored (its error, if any).
    fn client(&mut self) -> Result<&mut Client> {
        if let Some(sender) = self.sender.take() {
            let (client, sent) = sender.finish();
            if client.is_some() {
                self.client = client;
            }
            sent?;
        }
        self.client
            .as_mut()
            .ok_or_else(|| Error::Busy("the connection to the server was lost; retry".into()))
    }

    /// A number that grows whenever any client commits a change to the register: the
    /// notices that arrived since the last call are counted. After a reconnect it jumps, so
    /// a reader reloads whatever it missed.
    pub(super) fn changes(&mut self) -> Result<i64> {
        use postgres::fallible_iterator::FallibleIterator;
        if self.client()?.is_closed() {
            self.reconnect()?;
        }
        let mut heard = 0;
        {
            let mut notices = self.client()?.notifications();
            let mut pending = notices.timeout_iter(Duration::ZERO);
            while pending.next()?.is_some() {
                heard += 1;
            }
        }
        self.changes += heard;
        Ok(self.changes)
    }

    /// Connects again after the server dropped the connection (a restart): statements are
    /// prepared afresh, and the change counter moves, so a reader reloads what it missed.
    fn reconnect(&mut self) -> Result<()> {
        let fresh = PgConn::connect(&self.url)?;
        self.client = fresh.client;
        self.statements.clear();
        self.changes += 1;
        Ok(())
    }

    /// Whether `e` is the server having dropped the connection, outside a transaction: the
    /// statement can then run again on a new one. Inside a transaction it cannot (its
    /// earlier statements are gone): the change fails, and nothing of it was written.
    fn may_reconnect(&self, e: &postgres::Error) -> bool {
        !self.in_transaction
            && (self.client.as_ref().is_none_or(Client::is_closed)
                || e.code()
                    .is_some_and(|c| c.code().starts_with("57P") || c.code().starts_with("08")))
    }

    /// Runs `f` on the connection (every row appended before is sent first), and once more
    /// on a new connection if the server dropped the old one.
    fn again<T>(
        &mut self,
        mut f: impl FnMut(&mut Client, &mut Statements) -> std::result::Result<T, postgres::Error>,
    ) -> Result<T> {
        self.send_appended()?;
        let (client, statements) = self.parts()?;
        match f(client, statements) {
            Err(e) if self.may_reconnect(&e) => {
                self.reconnect()?;
                let (client, statements) = self.parts()?;
                Ok(f(client, statements)?)
            }
            other => Ok(other?),
        }
    }

    /// The connection and its prepared statements.
    fn parts(&mut self) -> Result<(&mut Client, &mut Statements)> {
        self.client()?;
        match self.client.as_mut() {
            Some(client) => Ok((client, &mut self.statements)),
            None => Err(Error::Internal("no connection to the server".into())),
        }
    }

    /// From now until [`PgConn::stop_appending`], [`PgConn::append`] gathers rows and sends
    /// them with `COPY` (the owner's bulk load: `COPY` is refused under row-level security).
    pub(super) fn start_appending(&mut self) {
        self.appending = Some(Vec::new());
    }

    /// Sends the rows still waiting, and inserts row by row again.
    pub(super) fn stop_appending(&mut self) -> Result<()> {
        self.send_appended()?;
        self.appending = None;
        Ok(())
    }

    /// Adds a row: kept for the next `COPY` while bulk loading, inserted at once otherwise.
    pub(super) fn append(&mut self, to: &Append, args: &[Value<'_>]) -> Result<()> {
        let Some(buffers) = self.appending.as_mut() else {
            return self.execute(to.insert, args).map(drop);
        };
        let at = match buffers.iter().position(|(copy, _)| *copy == to.copy) {
            Some(at) => at,
            None => {
                buffers.push((to.copy, Vec::new()));
                buffers.len() - 1
            }
        };
        let rows = &mut buffers[at].1;
        copy_row(args, rows);
        if rows.len() >= CHUNK {
            let chunk = (to.copy, std::mem::take(rows));
            self.hand_over(chunk)?;
        }
        Ok(())
    }

    /// Gives a chunk of rows to the sender (started with the connection on the first one).
    fn hand_over(&mut self, chunk: Chunk) -> Result<()> {
        if self.sender.is_none() {
            let client = self
                .client
                .take()
                .ok_or_else(|| Error::Internal("no connection to the server".into()))?;
            self.sender = Some(Sender::start(client));
        }
        let refused = match &self.sender {
            Some(sender) => sender.chunks.send(chunk).is_err(),
            None => true,
        };
        if refused {
            // The sender stopped at an error: that error is the answer.
            self.client()?;
            return Err(Error::Internal("rows were not sent to the server".into()));
        }
        Ok(())
    }

    /// Hands every row still gathered to the sender and waits until all are stored. Every
    /// statement calls it first, so it sees every row added before it.
    fn send_appended(&mut self) -> Result<()> {
        let waiting: Vec<Chunk> = match self.appending.as_mut() {
            Some(buffers) => buffers
                .iter_mut()
                .filter(|(_, rows)| !rows.is_empty())
                .map(|(copy, rows)| (*copy, std::mem::take(rows)))
                .collect(),
            None => Vec::new(),
        };
        for chunk in waiting {
            self.hand_over(chunk)?;
        }
        self.client().map(drop)
    }

    pub(super) fn execute(&mut self, sql: &str, args: &[Value<'_>]) -> Result<u64> {
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|v| v as _).collect();
        self.again(|client, statements| {
            let statement = prepared(client, statements, sql)?;
            client.execute(&statement, &params)
        })
    }

    pub(super) fn each_while(
        &mut self,
        sql: &str,
        args: &[Value<'_>],
        f: &mut dyn FnMut(&dyn Row) -> Result<bool>,
    ) -> Result<()> {
        use postgres::fallible_iterator::FallibleIterator;
        for first in [true, false] {
            let statement = self.again(|client, statements| prepared(client, statements, sql))?;
            let failed = match self.client()?.query_raw(&statement, args.iter()) {
                Ok(mut rows) => {
                    while let Some(row) = rows.next()? {
                        if !f(&row)? {
                            break;
                        }
                    }
                    return Ok(());
                }
                Err(e) => e,
            };
            if !(first && self.may_reconnect(&failed)) {
                return Err(failed.into());
            }
            self.reconnect()?;
        }
        Ok(())
    }

    /// Statements without parameters or results (the schema, BEGIN, COMMIT).
    pub(super) fn batch(&mut self, sql: &str) -> Result<()> {
        self.again(|client, _| client.batch_execute(sql))
    }

    /// Opens a write transaction and waits for the write lock (at most [`LOCK_TIMEOUT`]).
    /// Returns the session's user: the actor of the history it writes.
    pub(super) fn begin_write(&mut self) -> Result<String> {
        self.batch("BEGIN")?;
        self.in_transaction = true;
        let lock = format!("SELECT session_user::text, pg_advisory_xact_lock({WRITE_LOCK})::text");
        match self.client()?.query_one(&lock, &[]) {
            Ok(row) => Ok(row.try_get(0)?),
            Err(e) => {
                self.rollback();
                Err(e.into())
            }
        }
    }

    /// Opens a read-only transaction on one snapshot of the register.
    pub(super) fn begin_read(&mut self) -> Result<()> {
        self.batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
        self.in_transaction = true;
        Ok(())
    }

    /// Ends a read-only transaction (it changed nothing, so its end cannot lose anything).
    pub(super) fn end_read(&mut self) -> Result<()> {
        self.commit()
    }

    pub(super) fn commit(&mut self) -> Result<()> {
        let done = self.batch("COMMIT");
        self.in_transaction = false;
        done
    }

    /// Rolls back the open transaction, if the connection still has one.
    pub(super) fn rollback(&mut self) {
        self.appending = None;
        // A failed rollback (or a failed send before it) leaves nothing to undo: the
        // server ends the transaction when the connection goes.
        if self.in_transaction
            && let Ok(client) = self.client()
            && !client.is_closed()
        {
            let _ = client.batch_execute("ROLLBACK");
        }
        self.in_transaction = false;
    }

    /// Refuses a database that holds other tables, or a register written by a newer
    /// riskreg; creates the schema in an empty database and upgrades an older one, each
    /// step in one transaction under the write lock.
    pub(super) fn migrate(&mut self) -> Result<()> {
        loop {
            let version = self.identify()?;
            if version == Some(SCHEMA_VERSION) {
                return Ok(());
            }
            self.begin_write()?;
            let step = self.migrate_step();
            match step {
                Ok(()) => self.commit()?,
                Err(e) => {
                    self.rollback();
                    return Err(e);
                }
            }
        }
    }

    fn migrate_step(&mut self) -> Result<()> {
        // Another client may have created or upgraded it meanwhile: decide again.
        match self.identify()? {
            None => {
                self.batch(SCHEMA)?;
                let mark = format!(
                    "INSERT INTO riskreg (key, value) VALUES ('application', 'riskreg'), ('schema_version', '{SCHEMA_VERSION}')"
                );
                self.batch(&mark)
            }
            Some(v) if v < SCHEMA_VERSION => {
                let step = usize::try_from(v - 1)
                    .ok()
                    .and_then(|i| UPGRADES.get(i))
                    .ok_or_else(|| {
                        Error::Internal(format!("no upgrade step from schema version {v}"))
                    })?;
                self.batch(step)?;
                self.batch(&format!(
                    "UPDATE riskreg SET value = '{}' WHERE key = 'schema_version'",
                    v + 1
                ))
            }
            Some(_) => Ok(()),
        }
    }

    /// Whether the database holds a riskreg register (an empty one does not), without
    /// creating anything.
    pub(super) fn holds_register(&mut self) -> Result<bool> {
        Ok(self.identify()?.is_some())
    }

    /// The register's schema version; `None` for an empty database. A database with
    /// other tables, or a newer register, is refused before anything is written.
    fn identify(&mut self) -> Result<Option<i64>> {
        let url = self.url.clone();
        let not_ours = |message: String| Error::NotOurs {
            path: PathBuf::from(url.redacted()),
            message,
        };
        let mut tables = Vec::new();
        self.each_while(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1",
            &[],
            &mut |r| {
                tables.push(r.get::<String>(0)?);
                Ok(true)
            },
        )?;
        if tables.is_empty() {
            return Ok(None);
        }
        if !tables.iter().any(|t| t == "riskreg") {
            let shown: Vec<&str> = tables.iter().take(5).map(String::as_str).collect();
            return Err(not_ours(format!(
                "not a riskreg register: the database holds {} other table{} ({}{}); riskreg refuses to change it. Point --db at an empty database, or create one with `createdb`",
                tables.len(),
                if tables.len() == 1 { "" } else { "s" },
                shown.join(", "),
                if tables.len() > 5 { ", …" } else { "" }
            )));
        }
        let mut marks = HashMap::new();
        self.each_while("SELECT key, value FROM riskreg", &[], &mut |r| {
            marks.insert(r.get::<String>(0)?, r.get::<String>(1)?);
            Ok(true)
        })?;
        if marks.get("application").map(String::as_str) != Some("riskreg") {
            return Err(not_ours(
                "not a riskreg register: its `riskreg` table does not say so; riskreg refuses to change it".into(),
            ));
        }
        let version = marks
            .get("schema_version")
            .and_then(|v| v.parse::<i64>().ok())
            .ok_or_else(|| Error::Corrupt {
                message: "the register's schema version is missing or unreadable".into(),
            })?;
        if version > SCHEMA_VERSION {
            return Err(not_ours(format!(
                "this register was written by a newer riskreg (schema version {version}; this riskreg knows up to {SCHEMA_VERSION}); upgrade riskreg to open it. Nothing was changed"
            )));
        }
        Ok(Some(version))
    }
}

/// Statements prepared on a connection, by their SQL.
type Statements = HashMap<String, Statement>;

/// `sql`, prepared once per connection.
fn prepared(
    client: &mut Client,
    statements: &mut Statements,
    sql: &str,
) -> std::result::Result<Statement, postgres::Error> {
    if let Some(s) = statements.get(sql) {
        return Ok(s.clone());
    }
    let statement = client.prepare(&placeholders(sql))?;
    if statements.len() >= STATEMENTS {
        statements.clear();
    }
    statements.insert(sql.to_string(), statement.clone());
    Ok(statement)
}

/// A row in `COPY`'s binary format: its number of fields, then each field's length (-1 for
/// NULL) and bytes, numbers as 8-byte big-endian (every integer column is a BIGINT, every
/// real one a DOUBLE PRECISION), so the server parses nothing.
fn copy_row(args: &[Value<'_>], out: &mut Vec<u8>) {
    let fields = i16::try_from(args.len()).unwrap_or(i16::MAX);
    out.extend_from_slice(&fields.to_be_bytes());
    for value in args {
        match value {
            Value::Null => out.extend_from_slice(&(-1i32).to_be_bytes()),
            Value::Int(n) => {
                out.extend_from_slice(&8i32.to_be_bytes());
                out.extend_from_slice(&n.to_be_bytes());
            }
            Value::Real(x) => {
                out.extend_from_slice(&8i32.to_be_bytes());
                out.extend_from_slice(&x.to_bits().to_be_bytes());
            }
            Value::Text(t) => {
                let length = i32::try_from(t.len()).unwrap_or(i32::MAX);
                out.extend_from_slice(&length.to_be_bytes());
                out.extend_from_slice(t.as_bytes());
            }
        }
    }
}

/// What starts a binary `COPY`'s data: its signature, no flags, no header extension.
const COPY_HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// What ends it.
const COPY_TRAILER: &[u8] = &[0xff, 0xff];

/// SQLite's placeholders in PostgreSQL's words: `?N` is `$N`, a bare `?` the next number
/// after the largest so far. Quoted text is left alone.
fn placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut highest = 0u32;
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                let n = digits.parse().unwrap_or(highest + 1);
                highest = highest.max(n);
                out.push('$');
                out.push_str(&n.to_string());
            }
            c => out.push(c),
        }
    }
    out
}

/// The connection settings and TLS connector for a URL. libpq's `sslmode` words are read
/// as libpq reads them: `disable`; `prefer` and `require` encrypt without checking the
/// server's certificate; `verify-ca` and `verify-full` check it against the system's roots
/// (or `sslrootcert`) and the host name.
fn config(url: &PgUrl) -> Result<(Config, tls::Connector)> {
    let (base, params) = match url.secret().split_once('?') {
        Some((b, q)) => (b, q),
        None => (url.secret(), ""),
    };
    let mut mode = String::from("prefer");
    let mut root = None;
    let mut kept = Vec::new();
    for param in params.split('&').filter(|p| !p.is_empty()) {
        match param.split_once('=') {
            Some(("sslmode", v)) => mode = v.to_string(),
            Some(("sslrootcert", v)) => root = Some(PathBuf::from(v)),
            _ => kept.push(param),
        }
    }
    let (ssl_mode, verify) = match mode.as_str() {
        "disable" => (postgres::config::SslMode::Disable, false),
        "allow" | "prefer" => (postgres::config::SslMode::Prefer, false),
        "require" => (postgres::config::SslMode::Require, false),
        "verify-ca" | "verify-full" => (postgres::config::SslMode::Require, true),
        other => {
            return Err(Error::Usage(format!(
                "invalid sslmode {other:?} in the --db URL; use disable, prefer, require, verify-ca or verify-full"
            )));
        }
    };
    let rebuilt = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    let mut config = Config::from_str(&rebuilt).map_err(|e| {
        Error::Usage(format!(
            "cannot read the --db URL {}: {e}; the form is postgres://USER@HOST:PORT/DATABASE?sslmode=require",
            url.redacted()
        ))
    })?;
    config.ssl_mode(ssl_mode);
    config.connect_timeout(Duration::from_secs(10));
    config.application_name("riskreg");
    if config.get_hosts().is_empty() {
        let socket = std::path::Path::new("/var/run/postgresql");
        if socket.is_dir() {
            config.host_path(socket);
        } else {
            config.host("localhost");
        }
    }
    if config.get_user().is_none() {
        let user = whoami::username().unwrap_or_else(|_| "postgres".into());
        config.user(&user);
    }
    if config.get_password().is_none()
        && let Some(password) = password_from_environment(&config)
    {
        config.password(password);
    }
    let connector = tls::connector(verify, root.as_deref())?;
    Ok((config, connector))
}

/// `$PGPASSWORD`, else the first matching line of `$PGPASSFILE` or `~/.pgpass` (which, as
/// for libpq, must not be readable by others).
fn password_from_environment(config: &Config) -> Option<String> {
    if let Some(p) = std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty()) {
        return Some(p);
    }
    let file = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|d| d.home_dir().join(".pgpass")))?;
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            return None;
        }
    }
    let text = std::fs::read_to_string(&file).ok()?;
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        _ => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user().unwrap_or_default();
    let db = config.get_dbname().unwrap_or(user);
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|line| pgpass_match(line, [&host, &port, db, user]))
}

/// The password of one `~/.pgpass` line if its first four fields match (`*` matches
/// anything; `\:` and `\\` are a colon and a backslash).
fn pgpass_match(line: &str, wanted: [&str; 4]) -> Option<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => field.extend(chars.next()),
            ':' if fields.len() < 4 => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    if fields.len() != 5 {
        return None;
    }
    let matches = fields
        .iter()
        .zip(wanted)
        .all(|(have, want)| have == "*" || have == want);
    matches.then(|| fields.pop().unwrap_or_default())
}

/// Why a connection failed, in one line that names the server (never the password).
fn connect_error(url: &PgUrl, config: &Config, e: &postgres::Error) -> Error {
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        if *code == SqlState::INVALID_PASSWORD
            || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
        {
            return Error::PermissionDenied(format!(
                "PostgreSQL at {url} refused the login of user {:?}: {}; check the password (the URL, $PGPASSWORD or ~/.pgpass)",
                config.get_user().unwrap_or_default(),
                db.message()
            ));
        }
        if *code == SqlState::INVALID_CATALOG_NAME {
            return Error::InputMissing {
                path: PathBuf::from(url.redacted()),
                message: format!(
                    "{}: {}; create it with `createdb`, then `riskreg --db URL db init`",
                    url,
                    db.message()
                ),
            };
        }
        if *code == SqlState::CANNOT_CONNECT_NOW || *code == SqlState::TOO_MANY_CONNECTIONS {
            return Error::Busy(format!(
                "PostgreSQL at {url} is not taking connections now ({}); retry shortly",
                db.message()
            ));
        }
        return Error::from_pg(e);
    }
    let cause = e
        .source()
        .map_or_else(|| e.to_string(), ToString::to_string);
    Error::Busy(format!(
        "cannot reach PostgreSQL at {url}: {cause}; is the server running? Retry when it is"
    ))
}

impl Error {
    fn from_pg(e: &postgres::Error) -> Error {
        let Some(db) = e.as_db_error() else {
            if e.is_closed() {
                return Error::Busy(
                    "the connection to PostgreSQL was closed (did the server restart?); nothing of the change was written. Retry when the server is back".into(),
                );
            }
            let cause = e
                .source()
                .map_or_else(|| e.to_string(), ToString::to_string);
            return Error::Busy(format!(
                "the connection to PostgreSQL failed ({cause}); retry when the server is reachable"
            ));
        };
        let code = db.code();
        let message = db.message();
        match code.code() {
            "42501" => Error::PermissionDenied(format!(
                "PostgreSQL refused the change: {message}; ask the register's admin (`riskreg db grant`)"
            )),
            "40001" | "40P01" | "55P03" => Error::Busy(format!(
                "the register is busy: another client held a write lock for more than {LOCK_TIMEOUT}; retry ({message})"
            )),
            "53100" => Error::Io {
                context: "the PostgreSQL server's disk is full; nothing was changed".into(),
                source: std::io::Error::other(message.to_string()),
            },
            c if c.starts_with("23") => {
                Error::Constraint(format!("the database refused the change: {message}"))
            }
            c if c.starts_with("08") || c.starts_with("57") => Error::Busy(format!(
                "the PostgreSQL server ended the connection ({message}); nothing of the change was written. Retry when the server is back"
            )),
            _ => Error::Database(format!("PostgreSQL: {message}")),
        }
    }
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Error {
        Error::from_pg(&e)
    }
}

impl ToSql for Value<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                #[allow(clippy::cast_precision_loss)]
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR => i.to_string().to_sql(ty, out),
                _ => i.to_sql(ty, out),
            },
            Value::Real(r) => r.to_sql(ty, out),
            Value::Text(t) => t.as_ref().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

impl Row for postgres::Row {
    fn int(&self, col: usize) -> Result<Option<i64>> {
        let ty = column_type(self, col)?;
        Ok(match ty {
            Type::INT8 => self.try_get::<_, Option<i64>>(col)?,
            Type::INT4 => self.try_get::<_, Option<i32>>(col)?.map(i64::from),
            Type::INT2 => self.try_get::<_, Option<i16>>(col)?.map(i64::from),
            Type::BOOL => self.try_get::<_, Option<bool>>(col)?.map(i64::from),
            other => return Err(corrupt(col, "type for an integer", other.name())),
        })
    }

    fn real(&self, col: usize) -> Result<Option<f64>> {
        let ty = column_type(self, col)?;
        Ok(match ty {
            Type::FLOAT8 => self.try_get::<_, Option<f64>>(col)?,
            Type::FLOAT4 => self.try_get::<_, Option<f32>>(col)?.map(f64::from),
            #[allow(clippy::cast_precision_loss)]
            Type::INT8 => self.try_get::<_, Option<i64>>(col)?.map(|i| i as f64),
            Type::INT4 => self.try_get::<_, Option<i32>>(col)?.map(f64::from),
            other => return Err(corrupt(col, "type for a number", other.name())),
        })
    }

    fn text(&self, col: usize) -> Result<Option<&str>> {
        Ok(self.try_get::<_, Option<&str>>(col)?)
    }

    fn value(&self, col: usize) -> Result<Value<'static>> {
        let ty = column_type(self, col)?;
        Ok(match ty {
            Type::INT8 | Type::INT4 | Type::INT2 | Type::BOOL => {
                self.int(col)?.map_or(Value::Null, Value::Int)
            }
            Type::FLOAT8 | Type::FLOAT4 => self.real(col)?.map_or(Value::Null, Value::Real),
            _ => self.text(col)?.map_or(Value::Null, Value::text),
        })
    }
}

fn column_type(row: &postgres::Row, col: usize) -> Result<Type> {
    row.columns()
        .get(col)
        .map(|c| c.type_().clone())
        .ok_or_else(|| Error::Internal(format!("no column {col} in the result")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_as_sqlite_numbers_them() {
        assert_eq!(
            placeholders("SELECT a FROM t WHERE x = ?1 AND y = ?2 OR z = ?1"),
            "SELECT a FROM t WHERE x = $1 AND y = $2 OR z = $1"
        );
        assert_eq!(
            placeholders("x IN (?, ?, ?) AND y = '?' LIMIT ?"),
            "x IN ($1, $2, $3) AND y = '?' LIMIT $4"
        );
        assert_eq!(placeholders("?10, ?"), "$10, $11");
    }

    #[test]
    fn pgpass_lines_match_like_libpq() {
        let want = ["db.example", "5432", "risk", "alice"];
        assert_eq!(
            pgpass_match("db.example:5432:risk:alice:s3cret", want),
            Some("s3cret".into())
        );
        assert_eq!(
            pgpass_match("*:*:*:alice:a\\:b\\\\c", want),
            Some("a:b\\c".into())
        );
        assert_eq!(pgpass_match("other:5432:risk:alice:x", want), None);
        assert_eq!(pgpass_match("too:few:fields", want), None);
    }
}
