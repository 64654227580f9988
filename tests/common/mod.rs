//! Helpers shared by the integration tests: a register in a temporary directory and the
//! real `riskreg` binary run against it, isolated from the user's home and environment.
#![allow(dead_code, unreachable_pub)] // each test crate uses a different subset; shared by all

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;

pub const BIN: &str = env!("CARGO_BIN_EXE_riskreg");
/// The frozen clock every test runs at.
pub const NOW: &str = "2026-11-24T09:00:00Z";

/// Makes a command deterministic and unable to touch the real home directory.
pub fn isolate(cmd: &mut std::process::Command, home: &Path) {
    cmd.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("RISKREG_ACTOR", "tester")
        .env("RISKREG_NOW", NOW)
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .env_remove("RISKREG_DB");
}

/// A register, with a temporary directory for the files a test writes. It is an SQLite
/// file there, or — when `$RISKREG_TEST_BACKEND=postgres` runs the suite against PostgreSQL —
/// a throwaway database on the `$RISKREG_TEST_PG` server (see `pg.rs`).
pub struct Reg {
    pub dir: TempDir,
    /// The file, or the PostgreSQL URL, riskreg is given.
    pub db: PathBuf,
    /// The database behind a PostgreSQL register, dropped with the last `Reg` on it.
    pub pg: Option<std::sync::Arc<pg::PgDb>>,
}

/// Whether this run's registers live in PostgreSQL (`$RISKREG_TEST_BACKEND=postgres`).
pub fn on_postgres() -> bool {
    match std::env::var("RISKREG_TEST_BACKEND").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Err(_) => false,
        Ok(other) => panic!("RISKREG_TEST_BACKEND={other:?}: use sqlite or postgres"),
    }
}

/// For a test of what only an SQLite file has (its bytes, pragmas, permissions): true, with
/// a notice, when this run is on PostgreSQL, so the test returns.
pub fn sqlite_only(why: &str) -> bool {
    let skip = on_postgres();
    if skip {
        eprintln!("notice: skipped on PostgreSQL: {why}");
    }
    skip
}

impl Default for Reg {
    fn default() -> Self {
        Reg::new()
    }
}

impl Reg {
    pub fn new() -> Reg {
        if on_postgres() {
            let pg = pg::PgDb::new().expect("RISKREG_TEST_BACKEND=postgres needs RISKREG_TEST_PG");
            return Reg::on(std::sync::Arc::new(pg));
        }
        Reg::file()
    }

    /// A register in an SQLite file, whatever the run's backend.
    pub fn file() -> Reg {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("reg.db");
        Reg { dir, db, pg: None }
    }

    /// A register in this PostgreSQL database.
    pub fn on(pg: std::sync::Arc<pg::PgDb>) -> Reg {
        let dir = tempfile::tempdir().expect("temp dir");
        Reg {
            dir,
            db: pg.url.clone().into(),
            pg: Some(pg),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A `std::process::Command` for the binary on this register.
    pub fn std_cmd(&self) -> std::process::Command {
        let mut c = std::process::Command::new(BIN);
        isolate(&mut c, self.dir.path());
        c.env("RISKREG_DB", &self.db);
        c
    }

    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    pub fn output(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run riskreg")
    }

    /// Runs riskreg with the clock frozen at `at` (RFC 3339) instead of [`NOW`].
    pub fn output_at(&self, at: &str, args: &[&str]) -> Output {
        self.cmd()
            .env("RISKREG_NOW", at)
            .args(args)
            .output()
            .expect("run riskreg")
    }

    /// [`Reg::ok`] with the clock frozen at `at`.
    pub fn ok_at(&self, at: &str, args: &[&str]) -> String {
        let out = self.output_at(at, args);
        assert!(
            out.status.success(),
            "riskreg {args:?} at {at} exited {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// [`Reg::json`] with the clock frozen at `at`.
    pub fn json_at(&self, at: &str, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        serde_json::from_str(&self.ok_at(at, &all)).expect("valid JSON on stdout")
    }

    /// Runs riskreg, expects success and returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.output(args);
        assert!(
            out.status.success(),
            "riskreg {args:?} exited {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs riskreg and expects exit `code`; returns the output.
    pub fn fails(&self, args: &[&str], code: i32) -> Output {
        let out = self.output(args);
        assert_eq!(
            out.status.code(),
            Some(code),
            "riskreg {args:?}: stdout {:?} stderr {:?}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Adds a risk and returns its id.
    pub fn add(&self, title: &str, likelihood: u8, impact: u8, extra: &[&str]) -> i64 {
        let l = likelihood.to_string();
        let i = impact.to_string();
        let mut args = vec!["add", title, "-l", &l, "-i", &i];
        args.extend_from_slice(extra);
        self.ok(&args).trim().parse().expect("add prints the id")
    }

    /// Runs riskreg with `--format json` and parses stdout.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        serde_json::from_str(&self.ok(&all)).expect("valid JSON on stdout")
    }

    /// The titles of the risks `list ARGS…` prints, in its order.
    pub fn titles(&self, args: &[&str]) -> Vec<String> {
        let mut all = vec!["list"];
        all.extend(args);
        self.json(&all)
            .as_array()
            .expect("a list")
            .iter()
            .map(|r| r["title"].as_str().expect("a title").to_string())
            .collect()
    }

    /// A plain connection for inspecting the file (not riskreg's own).
    pub fn conn(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).expect("open db")
    }

    /// Runs `sql` on the register directly (not through riskreg), whichever the backend;
    /// the database's error message when it refuses.
    pub fn sql(&self, sql: &str) -> Result<(), String> {
        match &self.pg {
            Some(pg) => pg.client().batch_execute(sql).map_err(|e| {
                e.as_db_error()
                    .map_or(e.to_string(), |d| d.message().to_string())
            }),
            None => self.conn().execute_batch(sql).map_err(|e| e.to_string()),
        }
    }

    /// The first column of the first row of `sql` (an integer), whichever the backend.
    pub fn count(&self, sql: &str) -> i64 {
        match &self.pg {
            Some(pg) => pg.client().query_one(sql, &[]).expect("count").get(0),
            None => self.conn().query_row(sql, [], |r| r.get(0)).expect("count"),
        }
    }

    /// A count from another register file.
    pub fn count_in(&self, db: &Path, sql: &str) -> i64 {
        rusqlite::Connection::open(db)
            .expect("open db")
            .query_row(sql, [], |r| r.get(0))
            .expect("count")
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).expect("write file");
        p
    }
}

/// stderr parsed as the one JSON error object `--format json` promises.
pub fn json_error(out: &Output) -> serde_json::Value {
    assert!(
        out.stdout.is_empty(),
        "stdout must be empty on failure: {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        text.trim().lines().count(),
        1,
        "exactly one line on stderr: {text:?}"
    );
    serde_json::from_str(text.trim()).expect("stderr is one JSON object")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `command` (a POSIX shell string) with stdin and stdout on a pseudo-terminal (util-linux
/// `script`), returning the raw bytes the program wrote to it. The shell is pinned to
/// `/bin/sh` so the result does not depend on the login shell of whoever runs the suite.
pub fn on_pty(reg: &Reg, command: &str) -> Vec<u8> {
    let log = reg.path("pty.log");
    let mut c = std::process::Command::new("script");
    isolate(&mut c, reg.dir.path());
    c.env("RISKREG_DB", &reg.db)
        .env("SHELL", "/bin/sh")
        .args(["-q", "-e", "-c", command])
        .arg(&log)
        .stdin(std::process::Stdio::null());
    let out = c.output().expect("run script(1)");
    assert!(
        out.status.success(),
        "script: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(&log).expect("pty log")
}

/// A deterministic dataset from the shared generator's format, written by hand so the tests
/// do not depend on Python.
pub fn dataset_csv(n: usize) -> String {
    let mut s = String::from(
        "id,title,description,category,likelihood,impact,team,milestone,status,created_at,approver,accepted_until\n",
    );
    for i in 1..=n {
        let status = ["open", "mitigating", "accepted", "closed"][i % 4];
        let acceptance = if status == "accepted" {
            "cto,2027-06-30"
        } else {
            ","
        };
        s.push_str(&format!(
            "{i},\"Risk {i}: service {} degrades, under load\",\"Line one, with \"\"quotes\"\"\nline two\",capacity,{},{},team{:02},2026q{}-ga,{status},2026-01-{:02}T00:00:00Z,{acceptance}\n",
            i % 7,
            1 + i % 5,
            1 + (i / 5) % 5,
            1 + i % 3,
            1 + i % 4,
            1 + i % 28
        ));
    }
    s
}

pub mod tui;

/// The command prefix that runs a program as an unprivileged user, so file permissions
/// apply: `setpriv` to `nobody` when the suite runs as root (as CI does), nothing when it
/// already runs as an ordinary user.
pub fn unprivileged() -> Vec<String> {
    if rustix::process::geteuid().is_root() {
        [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--",
        ]
        .map(String::from)
        .to_vec()
    } else {
        Vec::new()
    }
}

/// Whether the suite runs as root (so it can give files to another owner).
pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// Runs riskreg on `db` as an unprivileged user (see [`unprivileged`]).
pub fn run_unprivileged(reg: &Reg, db: &Path, args: &[&str]) -> Output {
    let prefix = unprivileged();
    let mut c = std::process::Command::new(prefix.first().map_or(BIN, String::as_str));
    isolate(&mut c, reg.dir.path());
    c.env("HOME", "/nonexistent");
    if !prefix.is_empty() {
        c.args(&prefix[1..]).arg(BIN);
    }
    c.arg("--db").arg(db).args(args);
    c.output().expect("run riskreg unprivileged")
}
pub mod pg;
