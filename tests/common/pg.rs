//! A throwaway PostgreSQL database per test, on the server `$RISKREG_TEST_PG` names (a URL
//! of a role that may create databases, e.g. `postgres://ci:pw@127.0.0.1/postgres`).
//! Without it the PostgreSQL tests print a notice and pass as skipped, unless
//! `$RISKREG_REQUIRE_PG` is set (CI sets it), when they fail.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::Reg;

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A database made for one test and dropped (with any connection left) after it.
pub struct PgDb {
    admin: String,
    pub name: String,
    /// The URL riskreg is given: the admin's, naming this database.
    pub url: String,
    /// Roles made for this test, dropped after the database.
    roles: std::sync::Mutex<Vec<String>>,
}

/// The admin URL, or `None` (with a notice) when no server is configured here.
pub fn server() -> Option<String> {
    match std::env::var("RISKREG_TEST_PG") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("RISKREG_REQUIRE_PG").is_none(),
                "RISKREG_REQUIRE_PG is set but RISKREG_TEST_PG names no server"
            );
            eprintln!(
                "notice: PostgreSQL tests skipped: set RISKREG_TEST_PG=postgres://USER:PASSWORD@HOST/postgres (a role that may create databases) to run them"
            );
            None
        }
    }
}

/// `url` with its database part replaced by `db`.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    format!("{}/{db}{query}", &base[..host_end])
}

/// The role riskreg connects as: named like `$RISKREG_ACTOR` in the SQLite runs, so the
/// history (whose actor on PostgreSQL is the session user) reads the same on both.
pub const TESTER: &str = "tester";
const TESTER_PASSWORD: &str = "riskreg-tester";

/// Creates the `tester` role once per server (kept: every test database is its), and lets
/// the admin role act for it.
fn ensure_tester(admin: &mut postgres::Client) {
    static DONE: std::sync::Mutex<bool> = std::sync::Mutex::new(false);
    let mut done = DONE.lock().expect("tester role lock");
    if *done {
        return;
    }
    admin
        .batch_execute(&format!(
            "DO $$ BEGIN
                 CREATE ROLE {TESTER} LOGIN PASSWORD '{TESTER_PASSWORD}';
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
             END $$"
        ))
        .expect("create the tester role");
    let member: bool = admin
        .query_one("SELECT pg_has_role(current_user, $1, 'MEMBER')", &[&TESTER])
        .expect("membership")
        .get(0);
    if !member {
        admin
            .batch_execute(&format!("GRANT {TESTER} TO current_user"))
            .expect("act for the tester role");
    }
    *done = true;
}

/// `url` with `user:password@` for its user part.
fn with_user(url: &str, user: &str, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    format!("{scheme}://{user}:{password}@{host}")
}

pub fn connect(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).expect("connect to the test server")
}

impl PgDb {
    /// A new empty database, or `None` when no server is configured.
    pub fn new() -> Option<PgDb> {
        let admin = server()?;
        let name = format!(
            "riskreg_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut client = connect(&admin);
        ensure_tester(&mut client);
        for sql in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name} OWNER {TESTER}"),
        ] {
            client
                .batch_execute(&sql)
                .expect("create the test database");
        }
        let url = with_user(&with_database(&admin, &name), TESTER, TESTER_PASSWORD);
        Some(PgDb {
            admin,
            name,
            url,
            roles: std::sync::Mutex::default(),
        })
    }

    /// A login role for this test (named after the database) that may use its schema;
    /// returns its name. Roles belong to the whole server, so they are dropped after it.
    pub fn role(&self, suffix: &str, password: &str) -> String {
        let role = format!("{}_{suffix}", self.name);
        self.client()
            .batch_execute(&format!(
                "CREATE ROLE {role} LOGIN PASSWORD '{password}';
                 GRANT CONNECT, TEMPORARY ON DATABASE {} TO {role};
                 GRANT USAGE, CREATE ON SCHEMA public TO {role}",
                self.name
            ))
            .expect("create a test role");
        self.roles.lock().expect("roles").push(role.clone());
        role
    }

    /// This database's URL as `role` with `password`.
    pub fn url_as(&self, role: &str, password: &str) -> String {
        with_user(&self.url, role, password)
    }

    /// A client of this database, as the admin role.
    pub fn client(&self) -> postgres::Client {
        connect(&with_database(&self.admin, &self.name))
    }

    /// A register in this database for the real binary (its temporary directory holds the
    /// files a test writes); the database lives as long as `self`.
    pub fn reg(&self) -> Reg {
        let mut reg = Reg::file();
        reg.db = self.url.clone().into();
        reg
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            // A failed drop leaves a database named for this run; the next run of the same
            // process id drops it first.
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
            for role in self.roles.lock().map(|r| r.clone()).unwrap_or_default() {
                let _ = admin.batch_execute(&format!("DROP ROLE IF EXISTS {role}"));
            }
        }
    }
}
