//! The command line as scripts and people use it (RELIABILITY.md §5–6, DESIGN.md commands):
//! exit codes, JSON errors, snapshots of outputs that are a contract, and each command.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use std::io::Read;
use std::process::Stdio;

use common::{Reg, json_error, on_pty, stderr};
use riskreg::Error;

/// A small register with every kind of field filled, for snapshots.
fn sample() -> Reg {
    let reg = Reg::new();
    reg.ok(&["team", "add", "core", "--description", "Core platform"]);
    reg.ok(&["team", "add", "payments"]);
    reg.ok(&[
        "milestone",
        "add",
        "2026q3-dns",
        "--due",
        "2026-09-30",
        "--team",
        "core",
    ]);
    reg.ok(&[
        "milestone",
        "add",
        "2026q4-failover",
        "--due",
        "2026-12-15",
        "--team",
        "core",
    ]);
    reg.ok(&[
        "milestone",
        "add",
        "2027q1-flags",
        "--due",
        "2027-03-31",
        "--status",
        "in-progress",
    ]);
    reg.add(
        "Postgres primary failover takes 20+ minutes",
        4,
        5,
        &[
            "--team",
            "core",
            "--milestone",
            "2026q4-failover",
            "--owner",
            "ana",
            "--tag",
            "db",
            "--tag",
            "failover",
            "--category",
            "capacity",
            "--service",
            "postgres",
            "--description",
            "Replicas lag under write bursts,\nso promotion waits.",
        ],
    );
    reg.add(
        "Card processor has no fallback",
        3,
        5,
        &[
            "--team",
            "payments",
            "--milestone",
            "2027q1-flags",
            "--owner",
            "bo",
        ],
    );
    reg.add(
        "Resolver cache stampede after deploys",
        4,
        3,
        &["--team", "core", "--milestone", "2026q3-dns"],
    );
    reg.add("Status page hosted on our own CDN", 2, 4, &[]);
    reg.add(
        "Legacy cron host has one disk",
        2,
        2,
        &[
            "--status",
            "accepted",
            "--approver",
            "Dana (VP Eng)",
            "--accepted-until",
            "2027-01-31",
        ],
    );
    reg.add("Old queue retired", 3, 3, &["--status", "closed"]);
    reg
}

#[test]
fn snapshot_list_table() {
    let reg = sample();
    insta::assert_snapshot!("list_table", reg.ok(&["list"]));
    insta::assert_snapshot!(
        "list_table_all_80_columns",
        String::from_utf8(
            reg.cmd()
                .env("COLUMNS", "80")
                .args(["list", "--all"])
                .output()
                .unwrap()
                .stdout
        )
        .unwrap()
    );
}

#[test]
fn snapshot_list_json_and_ndjson() {
    let reg = sample();
    insta::assert_snapshot!(
        "list_json",
        reg.ok(&["list", "--limit", "2", "--format", "json"])
    );
    insta::assert_snapshot!(
        "list_ndjson",
        reg.ok(&["list", "status:accepted", "--format", "ndjson"])
    );
    assert_eq!(
        reg.ok(&["list", "nothing-matches-this", "--format", "json"]),
        "[]\n"
    );
}

#[test]
fn snapshot_show_history_matrix_teams_milestones_config() {
    let reg = sample();
    reg.ok(&[
        "edit",
        "1",
        "--owner",
        "cy",
        "--likelihood",
        "5",
        "--note",
        "after the game day",
    ]);
    reg.ok(&["review", "2", "--note", "quarterly review"]);
    insta::assert_snapshot!("show", reg.ok(&["show", "1"]));
    insta::assert_snapshot!("show_json", reg.ok(&["show", "1", "--format", "json"]));
    insta::assert_snapshot!("history", reg.ok(&["history", "--limit", "6"]));
    insta::assert_snapshot!("matrix", reg.ok(&["matrix"]));
    insta::assert_snapshot!("matrix_json", reg.ok(&["matrix", "--format", "json"]));
    insta::assert_snapshot!("team_list", reg.ok(&["team", "list"]));
    insta::assert_snapshot!("milestone_list", reg.ok(&["milestone", "list"]));
    insta::assert_snapshot!("config_get", reg.ok(&["config", "get"]));
}

#[test]
fn snapshot_exports() {
    let reg = sample();
    insta::assert_snapshot!("export_md", reg.ok(&["export", "--format", "md"]));
    insta::assert_snapshot!(
        "export_csv",
        reg.ok(&["export", "--format", "csv", "--all"])
            .replace('\r', "␍")
    );
}

#[test]
fn snapshot_help_lists_every_command() {
    let reg = Reg::new();
    insta::assert_snapshot!("help", reg.ok(&["--help"]));
}

/// The priority order: score desc, impact desc, milestone due asc (none last), id asc — and
/// every other sort falls back to it.
#[test]
fn priority_order_is_one_order_everywhere() {
    let reg = Reg::new();
    reg.ok(&["milestone", "add", "soon", "--due", "2027-01-01"]);
    reg.ok(&["milestone", "add", "later", "--due", "2027-06-01"]);
    let a = reg.add("12 impact 3, no milestone", 4, 3, &[]);
    let b = reg.add("12 impact 4, later", 3, 4, &["--milestone", "later"]);
    let c = reg.add("12 impact 4, soon", 3, 4, &["--milestone", "soon"]);
    let d = reg.add("12 impact 4, no milestone", 3, 4, &[]);
    let e = reg.add("20", 4, 5, &[]);
    let f = reg.add(
        "12 impact 4, soon, later id",
        3,
        4,
        &["--milestone", "soon"],
    );
    let expected = vec![e, c, f, b, d, a];
    let ids = |v: serde_json::Value| -> Vec<i64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(reg.json(&["list"])), expected);
    assert_eq!(ids(reg.json(&["export"])), expected);
    let csv = reg.ok(&["export", "--format", "csv", "--raw"]);
    let csv_ids: Vec<i64> = csv
        .lines()
        .skip(1)
        .map(|l| {
            l.split(',')
                .next()
                .unwrap()
                .trim_matches('"')
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(csv_ids, expected);
    assert_eq!(
        ids(reg.json(&["list", "--sort", "due"])),
        vec![c, f, b, e, d, a]
    );
    assert_eq!(
        ids(reg.json(&["list", "--sort", "id"])),
        vec![a, b, c, d, e, f]
    );
}

#[test]
fn queries_filter_and_bad_queries_point_at_the_term() {
    let reg = sample();
    let titles = |args: &[&str]| -> Vec<String> {
        reg.json(args)
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        titles(&["list", "team:core", "score>=12"]),
        [
            "Postgres primary failover takes 20+ minutes",
            "Resolver cache stampede after deploys"
        ]
    );
    assert_eq!(
        titles(&["list", "-team:core", "-status:accepted"]),
        [
            "Card processor has no fallback",
            "Status page hosted on our own CDN"
        ],
        "a negated status narrows within the active risks (the closed one stays out)"
    );
    assert_eq!(
        titles(&["list", "status:closed"]),
        ["Old queue retired"],
        "a positive status term widens the match"
    );
    assert_eq!(
        titles(&["list", "-status:open", "--all"]),
        ["Old queue retired", "Legacy cron host has one disk"],
        "--all widens, and the negated term narrows within it"
    );
    assert_eq!(
        titles(&["list", "is:unowned"]),
        [
            "Status page hosted on our own CDN",
            "Legacy cron host has one disk"
        ]
    );
    assert_eq!(
        titles(&["list", "is:overdue"]),
        ["Resolver cache stampede after deploys"]
    );
    assert_eq!(
        titles(&["list", "\"write bursts\""]),
        ["Postgres primary failover takes 20+ minutes"]
    );
    assert_eq!(
        titles(&["list", "tag:DB", "band:critical"]),
        ["Postgres primary failover takes 20+ minutes"]
    );
    assert_eq!(titles(&["list", "status:closed"]), ["Old queue retired"]);
    assert_eq!(titles(&["list", "due<2027-01-01"]).len(), 2);
    assert_eq!(reg.json(&["list", "--all"]).as_array().unwrap().len(), 6);
    let out = reg.fails(&["list", "team:core", "teem:x"], 2);
    assert!(
        stderr(&out).contains("unknown field 'teem'; did you mean 'team'?"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("position 11"), "{}", stderr(&out));
    let err = json_error(&reg.fails(&["list", "status:opne", "--format", "json"], 2));
    assert_eq!(err["error"]["code"], "invalid_query");
    assert_eq!(err["error"]["details"]["position"], 8);
}

/// `matrix` and `list` select the same risks for every kind of term (the matrix counts
/// with the smallest FROM clause its condition needs; terms on the milestone need a join).
#[test]
fn matrix_counts_what_list_lists_for_every_kind_of_term() {
    let reg = sample();
    for query in [
        "",
        "is:overdue",
        "-is:overdue",
        "due<2027-01-01",
        "-due>=2027-01-01",
        "team:core",
        "milestone:soon",
        "is:unowned",
        "is:review-due",
        "band:critical",
        "status:closed",
        "score>=12 impact<5",
        "\"write bursts\"",
        "tag:db",
    ] {
        let args: Vec<&str> = query.split(' ').filter(|a| !a.is_empty()).collect();
        let listed = reg
            .json(&[&["list"], args.as_slice()].concat())
            .as_array()
            .unwrap()
            .len();
        let matrix = reg.json(&[&["matrix"], args.as_slice()].concat());
        let cells: u64 = matrix["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["count"].as_u64().unwrap())
            .sum();
        assert_eq!(matrix["total"].as_u64(), Some(listed as u64), "{query:?}");
        assert_eq!(cells, listed as u64, "{query:?}");
    }
}

/// CLI-1: an unknown flag is a usage error from clap.
#[test]
fn cli_1_unknown_flag_exits_2() {
    let out = Reg::new().fails(&["list", "--frobnicate"], 2);
    let err = stderr(&out);
    assert!(
        err.starts_with("riskreg: unexpected argument '--frobnicate' found"),
        "{err}"
    );
    assert_eq!(
        err.lines().count(),
        1,
        "one line, the usage behind --help: {err}"
    );
    assert!(err.contains("(see `riskreg list --help`)"), "{err}");
    assert!(out.stdout.is_empty());
}

/// CLI-2: out-of-range likelihood names the range; JSON mode gives one JSON error.
#[test]
fn cli_2_likelihood_out_of_range() {
    let reg = Reg::new();
    let out = reg.fails(&["add", "x", "--likelihood", "9", "-i", "2"], 2);
    assert!(stderr(&out).contains("1..=5"), "{}", stderr(&out));
    let err = json_error(&reg.fails(
        &[
            "add",
            "x",
            "--likelihood",
            "9",
            "-i",
            "2",
            "--format",
            "json",
        ],
        2,
    ));
    assert_eq!(err["error"]["code"], "usage");
    assert_eq!(err["schema_version"], 1);
}

/// CLI-3: every failure has its exit code and JSON code, nothing on stdout, one JSON
/// object on stderr. The exhaustive match below stops compiling when an error variant is
/// added without a case here.
#[test]
fn cli_3_exit_code_table() {
    if common::sqlite_only("damaged, foreign and read-only register files") {
        return;
    }
    fn case_for(e: &Error) -> &'static str {
        match e {
            Error::Usage(_) => "delete without --yes",
            Error::CommandLine(_) => "unknown flag",
            Error::Query(_) => "bad query",
            Error::NotFound(_) => "missing risk",
            Error::Refused { .. } => "team in use",
            Error::Field(_) => "impossible date",
            Error::Import { .. } => "ragged csv",
            Error::Constraint(_) => "constraint refuses a write",
            Error::Corrupt { .. } => "corrupt database",
            Error::NotOurs { .. } => "foreign database",
            Error::InputMissing { .. } => "missing import file",
            Error::OutputExists { .. } => "export over a file",
            Error::CannotCreate { .. } => "export into a missing directory",
            Error::Io { .. } => "stdout is full",
            Error::Busy(_) => {
                "covered by concurrency::db_busy_4_lock_held_past_the_timeout_exits_75"
            }
            Error::RevisionConflict { .. } => "stale revision",
            Error::ImportConflicts(_) => {
                "covered by xlsx::a_field_changed_on_both_sides_waits_for_a_winner"
            }
            Error::Within { .. } => "one risk of a change to many",
            Error::PermissionDenied(_) => "export where writing is not permitted",
            Error::Database(_) => "schema missing a column",
            Error::Internal(_) => "panic",
            Error::BrokenPipe => "covered by tui_7_closed_pipe_is_a_quiet_exit",
        }
    }
    let reg = Reg::new();
    reg.add("r", 2, 2, &["--team", ""]);
    reg.ok(&["team", "add", "t"]);
    reg.ok(&["edit", "1", "--team", "t"]);
    // The table adds --format json to every command: outputs are named .json to agree.
    let existing = reg.write("exists.json", "keep me");
    let ragged = reg.write("ragged.csv", "title,likelihood,impact\nx,1\n");
    let foreign = reg.path("foreign.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE x (y)")
        .unwrap();
    let corrupt = reg.path("corrupt.db");
    std::fs::copy(&reg.db, &corrupt).unwrap();
    {
        let mut bytes = std::fs::read(&corrupt).unwrap();
        for b in &mut bytes[4096..] {
            *b = 0xA5;
        }
        std::fs::write(&corrupt, bytes).unwrap();
    }
    let trigger_db = reg.path("trigger.db");
    std::fs::copy(&reg.db, &trigger_db).unwrap();
    rusqlite::Connection::open(&trigger_db)
        .unwrap()
        .execute_batch("CREATE TRIGGER refuse BEFORE INSERT ON risk BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END;")
        .unwrap();
    let old_db = reg.path("old.db");
    std::fs::copy(&reg.db, &old_db).unwrap();
    rusqlite::Connection::open(&old_db)
        .unwrap()
        .execute_batch("ALTER TABLE risk DROP COLUMN approver")
        .unwrap();
    let db = |p: &std::path::Path| p.to_str().unwrap().to_string();
    for _ in 0..7 {
        reg.ok(&["edit", "1", "--owner", "x"]);
        reg.ok(&["edit", "1", "--owner", "y"]);
    }

    let cases: Vec<(&str, Vec<String>, i32, &str)> = vec![
        (
            "unknown flag",
            vec!["list".into(), "--nope".into()],
            2,
            "usage",
        ),
        (
            "delete without --yes",
            vec!["delete".into(), "1".into()],
            2,
            "usage",
        ),
        (
            "bad query",
            vec!["list".into(), "score>>3".into()],
            2,
            "invalid_query",
        ),
        (
            "missing risk",
            vec!["show".into(), "999".into()],
            1,
            "not_found",
        ),
        (
            "team in use",
            vec!["team".into(), "delete".into(), "t".into()],
            1,
            "in_use",
        ),
        (
            "impossible date",
            vec![
                "milestone".into(),
                "add".into(),
                "m".into(),
                "--due".into(),
                "2026-02-30".into(),
            ],
            65,
            "invalid_field",
        ),
        (
            "ragged csv",
            vec!["import".into(), db(&ragged)],
            65,
            "csv_invalid",
        ),
        (
            "constraint refuses a write",
            vec![
                "--db".into(),
                db(&trigger_db),
                "add".into(),
                "x".into(),
                "-l".into(),
                "1".into(),
                "-i".into(),
                "1".into(),
            ],
            65,
            "constraint_violation",
        ),
        (
            "corrupt database",
            vec!["--db".into(), db(&corrupt), "list".into()],
            65,
            "database_corrupt",
        ),
        (
            "foreign database",
            vec!["--db".into(), db(&foreign), "list".into()],
            65,
            "not_a_risk_db",
        ),
        (
            "missing import file",
            vec!["import".into(), db(&reg.path("nope.csv"))],
            66,
            "input_missing",
        ),
        (
            "missing register",
            vec!["--db".into(), db(&reg.path("nope.db")), "list".into()],
            66,
            "input_missing",
        ),
        (
            "export over a file",
            vec!["export".into(), "-o".into(), db(&existing)],
            73,
            "output_exists",
        ),
        (
            "export into a missing directory",
            vec![
                "export".into(),
                "-o".into(),
                db(&reg.path("no/such/dir/x.json")),
            ],
            73,
            "cannot_create",
        ),
        (
            "stale revision",
            vec![
                "edit".into(),
                "1".into(),
                "--owner".into(),
                "z".into(),
                "--expect-revision".into(),
                "3".into(),
            ],
            75,
            "revision_conflict",
        ),
        (
            "one risk of a change to many",
            vec![
                "edit".into(),
                "--where".into(),
                "status:open".into(),
                "--status".into(),
                "accepted".into(),
                "--yes".into(),
            ],
            65,
            "invalid_field",
        ),
        (
            "export where writing is not permitted",
            vec![
                "export".into(),
                "-o".into(),
                "/sys/riskreg-test.json".into(),
            ],
            77,
            "permission_denied",
        ),
        (
            "schema missing a column",
            vec!["--db".into(), db(&old_db), "list".into()],
            1,
            "database",
        ),
    ];
    for (name, args, code, json_code) in &cases {
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.extend(["--format", "json"]);
        let out = reg.output(&args);
        assert_eq!(out.status.code(), Some(*code), "{name}: {}", stderr(&out));
        let err = json_error(&out);
        assert_eq!(err["error"]["code"], *json_code, "{name}");
        assert!(
            err["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{name}"
        );
        let plain = reg.output(&args[..args.len() - 2]);
        assert_eq!(
            plain.status.code(),
            Some(*code),
            "{name} without --format json"
        );
        assert!(
            stderr(&plain).starts_with("riskreg: ") && stderr(&plain).lines().count() == 1,
            "{name}: {}",
            stderr(&plain)
        );
    }
    assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");

    let panic = reg
        .cmd()
        .env("RISKREG_TEST_PANIC", "1")
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(panic.status.code(), Some(70));
    assert_eq!(json_error(&panic)["error"]["code"], "internal");

    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = reg
        .std_cmd()
        .args(["list", "--all", "--format", "json"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(74), "IOERR-2: {}", stderr(&out));
    assert!(stderr(&out).contains("cannot write to standard output"));

    let samples = [
        Error::Usage(String::new()),
        Error::CommandLine(String::new()),
        Error::Query(riskreg::query::Query::parse("x:").unwrap_err()),
        Error::NotFound(String::new()),
        Error::Refused {
            code: "in_use",
            message: String::new(),
        },
        Error::Field(riskreg::domain::FieldError::new("f", "v", "r")),
        Error::Import {
            location: String::new(),
            line: None,
            column: None,
            message: String::new(),
        },
        Error::Constraint(String::new()),
        Error::Corrupt {
            message: String::new(),
        },
        Error::NotOurs {
            path: Default::default(),
            message: String::new(),
        },
        Error::InputMissing {
            path: Default::default(),
            message: String::new(),
        },
        Error::OutputExists {
            path: Default::default(),
        },
        Error::CannotCreate {
            path: Default::default(),
            message: String::new(),
        },
        Error::Io {
            context: String::new(),
            source: std::io::Error::other("x"),
        },
        Error::Busy(String::new()),
        Error::RevisionConflict {
            entity: "risk",
            id: 1,
            expected: 1,
            current: 2,
        },
        Error::Field(riskreg::domain::FieldError::new("f", "v", "r")).within("risk 1"),
        Error::PermissionDenied(String::new()),
        Error::Database(String::new()),
        Error::Internal(String::new()),
        Error::BrokenPipe,
    ];
    for e in &samples {
        let case = case_for(e);
        let tested = case == "panic"
            || case == "stdout is full"
            || case.starts_with("covered by ")
            || cases.iter().any(|(name, _, code, json_code)| {
                *name == case
                    && *code == e.exit_code()
                    && (*json_code == e.code() || matches!(e, Error::Refused { .. }))
            });
        assert!(
            tested,
            "error {:?} ({}) has no case in the table",
            e.code(),
            case
        );
    }
}

/// CLI-4: JSON on stdout, nothing on stderr.
#[test]
fn cli_4_json_on_stdout_and_a_quiet_stderr() {
    let reg = sample();
    let out = reg.output(&["list", "--format", "json"]);
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v.is_array(),
        "list prints an array of risk objects (DESIGN.md)"
    );
    for key in [
        "id",
        "title",
        "likelihood",
        "impact",
        "score",
        "band",
        "status",
        "team",
        "milestone",
        "owner",
        "tags",
        "next_review",
        "created_at",
        "updated_at",
        "revision",
    ] {
        assert!(v[0].get(key).is_some(), "missing {key}");
    }
}

/// CLI-5: help and version go to stdout and exit 0.
#[test]
fn cli_5_help_and_version() {
    let reg = Reg::new();
    for args in [
        vec!["--help"],
        vec!["--version"],
        vec!["list", "--help"],
        vec!["help", "export"],
    ] {
        let out = reg.output(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(!out.stdout.is_empty() && out.stderr.is_empty(), "{args:?}");
    }
    assert!(reg.ok(&["--version"]).starts_with("riskreg "));
}

/// CLI-6: impossible dates, over-long titles and escapes are invalid data (65).
#[test]
fn cli_6_invalid_values_exit_65() {
    let reg = Reg::new();
    let err = json_error(&reg.fails(
        &[
            "milestone",
            "add",
            "m",
            "--due",
            "2026-02-30",
            "--format",
            "json",
        ],
        65,
    ));
    assert_eq!(err["error"]["details"]["field"], "due");
    let long = "x".repeat(201);
    let message = stderr(&reg.fails(&["add", &long, "-l", "1", "-i", "1"], 65));
    assert!(
        message.contains("201 characters long; the limit is 200"),
        "{message}"
    );
    reg.fails(&["add", "a\u{1b}b", "-l", "1", "-i", "1"], 65);
}

/// CLI-7: with no terminal, a destructive command never prompts; it names the flag.
#[test]
fn cli_7_no_prompt_without_a_terminal() {
    let reg = Reg::new();
    reg.add("r", 1, 1, &[]);
    let out = reg
        .std_cmd()
        .args(["delete", "1"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert_eq!(reg.count("SELECT count(*) FROM risk"), 1);
    reg.ok(&["delete", "1", "--yes"]);
    assert_eq!(reg.count("SELECT count(*) FROM risk"), 0);
    assert_eq!(
        reg.count("SELECT count(*) FROM event WHERE risk_id = 1 AND kind = 'delete'"),
        1,
        "history kept"
    );
}

/// TUI-5: the interactive UI refuses anything but a terminal, before writing a byte.
#[test]
fn tui_5_refuses_non_terminals() {
    let reg = Reg::new();
    for args in [vec!["tui"], vec![]] {
        let out = reg
            .std_cmd()
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        assert!(
            stderr(&out).contains("needs a terminal") && stderr(&out).contains("--format json"),
            "{}",
            stderr(&out)
        );
    }
    let redirected = reg.path("out.txt");
    let log = on_pty(
        &reg,
        &format!(
            "{} tui > {}; echo \"rc=$?\"",
            common::BIN,
            redirected.display()
        ),
    );
    assert!(
        String::from_utf8_lossy(&log).contains("rc=2"),
        "{}",
        String::from_utf8_lossy(&log)
    );
    assert_eq!(
        std::fs::metadata(&redirected).unwrap().len(),
        0,
        "no escape codes reached the file"
    );
    let piped = on_pty(&reg, &format!("{} tui | cat", common::BIN));
    let piped = String::from_utf8_lossy(&piped);
    assert!(!piped.contains('\u{1b}'), "{piped}");
}

/// TUI-7: a reader that goes away (`riskreg list | head -c 10`) ends riskreg quietly.
#[test]
fn tui_7_closed_pipe_is_a_quiet_exit() {
    let reg = Reg::new();
    let data = reg.write("data.csv", common::dataset_csv(2000));
    reg.ok(&["import", data.to_str().unwrap()]);
    let mut child = reg
        .std_cmd()
        .args(["list", "--all", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 10];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

#[test]
fn add_refuses_unknown_names_with_a_suggestion_and_the_fix() {
    let reg = Reg::new();
    reg.ok(&["team", "add", "payments"]);
    let message = stderr(&reg.fails(&["add", "x", "-l", "1", "-i", "1", "--team", "paymnts"], 65));
    assert!(
        message.contains("did you mean 'payments'?")
            && message.contains("riskreg team add paymnts"),
        "{message}"
    );
    assert_eq!(reg.count("SELECT count(*) FROM risk"), 0);
    reg.add("x", 1, 1, &["--team", "PAYMENTS"]);
    assert_eq!(
        reg.json(&["show", "1"])["team"],
        "payments",
        "names match ignoring case"
    );
}

/// FK-2 (CLI): a missing team is refused with 65 and nothing changes.
#[test]
fn fk_2_editing_to_a_missing_team_exits_65() {
    let reg = Reg::new();
    reg.add("r", 1, 1, &[]);
    reg.fails(&["edit", "1", "--team", "NOPE"], 65);
    assert_eq!(reg.count("SELECT revision FROM risk WHERE id = 1"), 1);
    assert_eq!(reg.count("SELECT count(*) FROM event"), 1);
}

#[test]
fn edit_review_and_status_rules() {
    let reg = Reg::new();
    reg.add("r", 3, 3, &[]);
    assert_eq!(
        reg.json(&["show", "1"])["next_review"],
        "2027-02-22",
        "medium: 90 days"
    );
    let text = reg.ok(&["edit", "1", "-l", "5", "-i", "5", "--tag", "x"]);
    assert!(
        text.contains("likelihood: 3 → 5") && text.contains("next_review: 2027-02-22 → 2026-12-08"),
        "{text}"
    );
    assert_eq!(
        reg.ok(&["edit", "1", "--tag", "x"]),
        "risk 1: no changes (revision 2)\n"
    );
    let message = stderr(&reg.fails(&["edit", "1", "--status", "accepted"], 65));
    assert!(message.contains("--approver"), "{message}");
    reg.ok(&[
        "edit",
        "1",
        "--status",
        "accepted",
        "--approver",
        "cto",
        "--accepted-until",
        "2027-01-01",
    ]);
    reg.ok(&["edit", "1", "--status", "closed"]);
    let message = stderr(&reg.fails(&["edit", "1", "--status", "mitigating"], 65));
    assert!(message.contains("only be reopened"), "{message}");
    reg.ok(&["edit", "1", "--status", "open"]);
    let out = reg.ok(&["review", "1", "--note", "checked"]);
    assert!(out.contains("next review 2026-12-08"), "{out}");
    assert_eq!(
        reg.fails(&["edit", "1"], 2).status.code(),
        Some(2),
        "nothing to change"
    );
    reg.cmd()
        .args(["edit", "1", "--description", "-"])
        .write_stdin("from stdin\nsecond line\n")
        .assert()
        .success();
    assert_eq!(
        reg.json(&["show", "1"])["description"],
        "from stdin\nsecond line"
    );
    let kinds: Vec<String> = reg
        .json(&["history", "1"])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect();
    assert!(
        kinds.contains(&"review".to_string())
            && kinds.contains(&"status".to_string())
            && kinds.last().unwrap() == "create",
        "{kinds:?}"
    );
}

#[test]
fn teams_and_milestones_rename_and_reassign() {
    let reg = Reg::new();
    reg.ok(&["team", "add", "old"]);
    reg.ok(&["team", "add", "new"]);
    reg.ok(&["milestone", "add", "m1", "--team", "old"]);
    reg.add("r", 1, 1, &["--team", "old", "--milestone", "m1"]);
    reg.fails(&["team", "add", "OLD"], 1);
    reg.ok(&["team", "rename", "old", "older"]);
    assert_eq!(reg.json(&["show", "1"])["team"], "older");
    assert_eq!(
        reg.json(&["show", "1"])["revision"],
        1,
        "a rename does not touch risks"
    );
    let message = stderr(&reg.fails(&["team", "delete", "older"], 1));
    assert!(
        message.contains("1 risk and 1 milestone") && message.contains("--reassign-to"),
        "{message}"
    );
    reg.ok(&["team", "delete", "older", "--reassign-to", "new"]);
    assert_eq!(reg.json(&["show", "1"])["team"], "new");
    assert_eq!(reg.json(&["milestone", "list"])[0]["team"], "new");
    reg.ok(&[
        "milestone",
        "edit",
        "m1",
        "--name",
        "m2",
        "--due",
        "2027-05-01",
        "--status",
        "in-progress",
    ]);
    assert_eq!(reg.json(&["show", "1"])["milestone_due"], "2027-05-01");
    reg.ok(&["milestone", "add", "m3"]);
    reg.ok(&["milestone", "delete", "m2", "--reassign-to", "m3"]);
    assert_eq!(reg.json(&["show", "1"])["milestone"], "m3");
    let changes: Vec<String> = reg
        .json(&["history", "1"])
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str().map(str::to_string))
        .collect();
    assert_eq!(changes, ["milestone", "team"], "reassignments are recorded");
}

#[test]
fn export_split_by_team_writes_one_file_per_team() {
    let reg = sample();
    let dir = reg.path("by-team");
    let out = reg.ok(&[
        "export",
        "--split-by",
        "team",
        "--output-dir",
        dir.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert!(out.is_empty() || out.contains("core.csv"), "{out}");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["core.csv", "payments.csv", "unowned.csv"]);
    let core = std::fs::read_to_string(dir.join("core.csv")).unwrap();
    assert_eq!(core.matches("\r\n").count(), 3, "header + 2 core risks");
    reg.fails(
        &[
            "export",
            "--split-by",
            "team",
            "--output-dir",
            dir.to_str().unwrap(),
        ],
        73,
    );
    reg.ok(&[
        "export",
        "--split-by",
        "team",
        "--output-dir",
        dir.to_str().unwrap(),
        "--force",
    ]);
}

#[test]
fn completions_man_and_db_commands() {
    let reg = sample();
    assert!(reg.ok(&["completions", "bash"]).contains("riskreg"));
    assert!(reg.ok(&["man"]).contains(".TH riskreg"));
    let (name, journal) = if common::on_postgres() {
        (
            reg.db
                .to_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string(),
            "postgresql",
        )
    } else {
        ("reg.db".to_string(), "wal")
    };
    assert!(reg.ok(&["db", "path"]).trim().ends_with(&name));
    let check = reg.ok(&["db", "check"]);
    assert!(
        check.contains("integrity     ok") && check.contains(&format!("journal       {journal}")),
        "{check}"
    );
    let json = reg.json(&["db", "check", "--quick"]);
    assert_eq!(json["healthy"], true);
    assert_eq!(json["stats"]["risks"], 6);
    reg.ok(&["config", "set", "review_days_critical", "7"]);
    assert_eq!(reg.ok(&["config", "get", "review_days_critical"]), "7\n");
    let message = stderr(&reg.fails(&["config", "set", "band_high", "30"], 65));
    assert!(message.contains("band thresholds must rise"), "{message}");
}

/// Read commands never create a register at a mistyped path.
#[test]
fn read_commands_do_not_create_a_missing_register() {
    let reg = Reg::new();
    let missing = reg.path("typo.db");
    let message = stderr(&reg.fails(&["--db", missing.to_str().unwrap(), "list"], 66));
    assert!(
        message.contains("no register at") && message.contains("riskreg add"),
        "{message}"
    );
    assert!(!missing.exists());
}

/// Work that takes more than a second shows progress on stderr when it is a terminal (and
/// only then: every other test here checks a quiet stderr).
#[test]
fn long_imports_show_progress_on_a_terminal() {
    let reg = Reg::new();
    // Big enough to take well over a second even in an optimised build.
    let data = reg.write("data.csv", common::dataset_csv(80_000));
    let started = std::time::Instant::now();
    let log = on_pty(&reg, &format!("{} import {}", common::BIN, data.display()));
    let took = started.elapsed();
    let log = String::from_utf8_lossy(&log);
    assert!(
        log.contains("imported 80000 rows"),
        "{}",
        &log[log.len().saturating_sub(500)..]
    );
    assert!(
        took > std::time::Duration::from_millis(1200),
        "the import took only {took:?}; use more rows"
    );
    assert!(log.contains("importing"), "no progress after {took:?}");
}

#[test]
fn history_filters_by_risk_and_date() {
    let reg = Reg::new();
    reg.add("a", 1, 1, &[]);
    reg.cmd()
        .env("RISKREG_NOW", "2026-12-01T10:00:00Z")
        .args(["edit", "1", "--owner", "later"])
        .assert()
        .success();
    reg.add("b", 1, 1, &[]);
    assert_eq!(reg.json(&["history"]).as_array().unwrap().len(), 3);
    assert_eq!(reg.json(&["history", "1"]).as_array().unwrap().len(), 2);
    let since = reg.json(&["history", "--since", "2026-11-30"]);
    assert_eq!(since.as_array().unwrap().len(), 1);
    assert_eq!(since[0]["new"], "later");
    reg.fails(&["history", "--since", "yesterday"], 65);
}
