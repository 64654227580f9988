//! What an adversarial trial broke (issue 8), one test per finding: each fails on the code
//! before its fix.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{Reg, json_error, on_pty, run_unprivileged, stderr};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Finding 1: An imported id at the top of the range would exhaust the id counter for every later
/// risk: ids past 2^53 − 1 are refused (65), the largest allowed one still leaves room, and
/// `db check` reports a counter near its limit.
#[test]
fn huge_imported_ids_are_refused_and_db_check_reports_a_counter_near_its_limit() {
    let reg = Reg::new();
    reg.add("first", 1, 1, &[]);
    let huge = reg.write(
        "huge.csv",
        "id,title,likelihood,impact\n9223372036854775807,x,1,1\n",
    );
    let err = json_error(&reg.fails(&["import", huge.to_str().unwrap(), "--format", "json"], 65));
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("from 1 to 9007199254740991"),
        "{err}"
    );
    let largest = reg.write(
        "largest.csv",
        "id,title,likelihood,impact\n9007199254740991,x,1,1\n",
    );
    reg.ok(&["import", largest.to_str().unwrap()]);
    assert_eq!(
        reg.add("after the largest", 1, 1, &[]),
        9_007_199_254_740_992
    );
    reg.ok(&["db", "check"]);

    // A register from before the bound, with its counter at the top.
    reg.conn()
        .execute(
            "UPDATE sqlite_sequence SET seq = 9223372036854775800 WHERE name = 'risk'",
            [],
        )
        .unwrap();
    let out = reg.fails(&["db", "check"], 1);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("problem: the risk id counter is at 9223372036854775800")
            && text.contains("only 7 more risk ids remain"),
        "{text}"
    );
    let doc: serde_json::Value =
        serde_json::from_slice(&reg.fails(&["db", "check", "--format", "json"], 1).stdout).unwrap();
    assert_eq!(doc["healthy"], false);
    assert_eq!(doc["problems"].as_array().unwrap().len(), 1);
}

/// Finding 3: `team list` counts each team's milestones by index: with 20,000 teams and 20,000
/// milestones (one import with unique values creates that) it answers at once, where a scan
/// per team took minutes.
#[test]
fn team_list_is_not_quadratic() {
    let reg = Reg::new();
    let mut csv = String::from("title,likelihood,impact,team,milestone\n");
    for i in 0..20_000 {
        csv.push_str(&format!("r{i},1,1,team{i},ms{i}\n"));
    }
    let file = reg.write("wide.csv", csv);
    reg.ok(&["import", file.to_str().unwrap()]);
    reg.conn()
        .execute("UPDATE milestone SET team_id = id", [])
        .unwrap();
    let started = Instant::now();
    let teams = reg.json(&["team", "list"]);
    let took = started.elapsed();
    assert_eq!(teams.as_array().unwrap().len(), 20_000);
    assert_eq!(teams[0]["milestones"], 1);
    assert!(took < Duration::from_secs(5), "team list took {took:?}");
}

/// Finding 4: A JSON import whose records all carry different keys maps each key once: linear, not
/// quadratic (100,000 such records took 30 s).
#[test]
fn json_import_is_linear_in_distinct_keys() {
    let reg = Reg::new();
    let records: Vec<String> = (0..60_000)
        .map(|i| format!(r#"{{"title":"r{i}","likelihood":1,"impact":1,"extra_{i}":"x"}}"#))
        .collect();
    let file = reg.write("keys.ndjson", records.join("\n"));
    let started = Instant::now();
    let report = reg.json(&["import", file.to_str().unwrap(), "--ignore-unknown"]);
    let took = started.elapsed();
    assert_eq!(report["created"], 60_000);
    assert_eq!(report["ignored_columns"].as_array().unwrap().len(), 60_000);
    assert!(took < Duration::from_secs(20), "the import took {took:?}");
}

/// Finding 5: CSV printed to a terminal carries no raw escapes (`list`, `export` without `-o`,
/// `show`); to a pipe it is byte for byte what a file gets.
#[test]
fn csv_on_a_terminal_is_escaped_and_exact_in_a_pipe() {
    let reg = Reg::new();
    let hostile = "clip\u{1b}]52;c;cm0gLXJm\u{7} wipe\u{1b}[2J rlo\u{202e}x";
    reg.ok(&["add", "placeholder", "-l", "3", "-i", "3"]);
    reg.conn()
        .execute("UPDATE risk SET title = ?1", [hostile])
        .unwrap();
    for command in ["list --format csv", "export", "show 1 --format csv"] {
        let shown = on_pty(&reg, &format!("{} {command}", common::BIN));
        assert!(!shown.contains(&0x1b), "{command}: raw ESC on the terminal");
        assert!(!shown.contains(&0x07), "{command}: raw BEL on the terminal");
        let text = String::from_utf8_lossy(&shown);
        assert!(!text.contains('\u{202e}'), "{command}: raw RLO");
        assert!(
            text.contains("clip\\u{1b}]52;c;cm0gLXJm\\u{7}"),
            "{command}: {text}"
        );
        let args: Vec<&str> = command.split(' ').collect();
        let piped = reg.output(&args);
        assert!(
            String::from_utf8_lossy(&piped.stdout).contains(hostile),
            "{command}: a pipe gets the exact bytes"
        );
    }
}

/// Finding 6: U+2028 and U+2029 are line breaks: refused in one-line fields, turned into `\n` in a
/// description, escaped wherever a register holding one from an older version shows them.
#[test]
fn unicode_line_separators_are_line_breaks() {
    let reg = Reg::new();
    for bad in ["a\u{2028}b", "a\u{2029}b"] {
        let err =
            json_error(&reg.fails(&["add", bad, "-l", "1", "-i", "1", "--format", "json"], 65));
        assert_eq!(err["error"]["details"]["field"], "title");
        reg.fails(&["add", "ok", "-l", "1", "-i", "1", "--owner", bad], 65);
    }
    let id = reg.add("ok", 1, 1, &["--description", "one\u{2028}two"]);
    assert_eq!(
        reg.json(&["show", &id.to_string()])["description"],
        "one\ntwo"
    );
    reg.conn()
        .execute("UPDATE risk SET title = 'old\u{2028}title'", [])
        .unwrap();
    let table = reg.ok(&["list"]);
    assert!(
        !table.contains('\u{2028}') && table.contains("old\\u{2028}title"),
        "{table}"
    );
}

/// Finding 8: Estimates export as the shortest text that reads back as the same number, so a round
/// trip through CSV changes nothing; values no physical estimate has are refused.
#[test]
fn csv_estimates_are_exact_and_bounded() {
    let reg = Reg::new();
    reg.add(
        "exact",
        2,
        2,
        &[
            "--per-year",
            "1000",
            "--ettd",
            "0.00001",
            "--ettr",
            "1e-9",
            "--users",
            "33.333333333333336",
        ],
    );
    let csv = reg.ok(&["export"]);
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let cell = |name: &str| {
        row.get(headers.iter().position(|h| h == name).unwrap())
            .unwrap()
    };
    assert_eq!(cell("ettf"), "0.36525");
    assert_eq!(cell("ettd"), "0.00001");
    assert_eq!(cell("ettr"), "1e-9");
    assert_eq!(cell("users"), "33.333333333333336");
    let file = reg.write("back.csv", &csv);
    let report = reg.json(&["import", file.to_str().unwrap()]);
    assert_eq!(report["unchanged"], 1, "{report}");
    assert_eq!(
        reg.count("SELECT count(*) FROM event"),
        1,
        "nothing rewritten"
    );

    for (flag, value) in [
        ("--ettf", "1e-320"),
        ("--ettr", "1e308"),
        ("--per-year", "1e300"),
        ("--ettd", "inf"),
    ] {
        reg.fails(&["edit", "1", flag, value], 65);
    }
    let bad = reg.write("bad.csv", "title,likelihood,impact,ettf\nx,1,1,1e-320\n");
    reg.fails(&["import", bad.to_str().unwrap()], 65);
}

/// Finding 9: An accepted risk needs its approver and end date whichever way it comes in.
#[test]
fn import_accepts_a_risk_only_with_approver_and_end_date() {
    let reg = Reg::new();
    let incomplete = reg.write(
        "acc.csv",
        "title,likelihood,impact,status,approver\nvendor,2,2,accepted,\n",
    );
    let err = json_error(&reg.fails(
        &["import", incomplete.to_str().unwrap(), "--format", "json"],
        65,
    ));
    let message = err["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("row 2, line 2, column 5 (approver)"),
        "{message}"
    );
    assert!(!reg.db.exists() || reg.count("SELECT count(*) FROM risk") == 0);
    let complete = reg.write(
        "ok.csv",
        "title,likelihood,impact,status,approver,accepted_until\nvendor,2,2,accepted,cto,2027-01-31\n",
    );
    reg.ok(&["import", complete.to_str().unwrap()]);
    // An untouched old acceptance re-imported as exported is no change at all.
    let export = reg.write("again.csv", reg.ok(&["export"]));
    assert_eq!(
        reg.json(&["import", export.to_str().unwrap()])["unchanged"],
        1
    );
}

/// Finding 10: Exit codes as the README gives them: a huge query is a bad query (2), another user's
/// register is permission denied (77), a register in a read-only directory can be read and
/// refuses changes with 77, a dry run works on a read-only register, usage errors are one
/// line, and echoed input is cut to a readable length.
#[test]
fn exit_codes_match_the_readme() {
    let reg = Reg::new();
    reg.add("a", 1, 1, &[]);
    let terms = vec!["word"; 1000].join(" ");
    let err = json_error(&reg.fails(&["list", &terms, "--format", "json"], 2));
    assert_eq!(err["error"]["code"], "invalid_query");

    let long = "x".repeat(50_000);
    for args in [
        vec!["show", long.as_str()],
        vec!["list", &format!("{long}:1")],
        vec!["list", "--sort", long.as_str()],
        vec!["add", long.as_str(), "-l", "1", "-i", "1"],
    ] {
        let out = reg.output(&args);
        assert!(!out.status.success());
        assert!(out.stderr.len() < 600, "{} bytes echoed", out.stderr.len());
        assert_eq!(stderr(&out).lines().count(), 1);
    }
}

/// Finding 10 (continued), as an ordinary user: what the file system forbids is 77, never 66, and
/// reading a register in a read-only directory works.
#[test]
fn permission_problems_are_77_and_reads_still_work() {
    let reg = Reg::new();
    std::fs::set_permissions(reg.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let shared = reg.path("shared");
    std::fs::create_dir(&shared).unwrap();
    let db = shared.join("reg.db");
    let csv = reg.write("one.csv", "title,likelihood,impact\nnew,1,1\n");
    std::fs::set_permissions(&csv, std::fs::Permissions::from_mode(0o644)).unwrap();
    reg.ok(&[
        "--db",
        db.to_str().unwrap(),
        "add",
        "a",
        "-l",
        "2",
        "-i",
        "2",
    ]);
    if common::is_root() {
        // Another user's private register.
        let out = run_unprivileged(&reg, &db, &["list"]);
        assert_eq!(out.status.code(), Some(77), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("permission denied"),
            "{}",
            stderr(&out)
        );
        // Give it to the unprivileged user, then make the directory read-only.
        std::os::unix::fs::chown(&shared, Some(65534), Some(65534)).unwrap();
        std::os::unix::fs::chown(&db, Some(65534), Some(65534)).unwrap();
    } else {
        eprintln!("note: not root, so the other-owner case is not tried here");
    }
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = run_unprivileged(&reg, &db, &["list", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run_unprivileged(&reg, &db, &["add", "b", "-l", "1", "-i", "1"]);
    assert_eq!(out.status.code(), Some(77), "{}", stderr(&out));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
    let out = run_unprivileged(&reg, &db, &["import", "--dry-run", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // A read-only file in a writable directory.
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = run_unprivileged(&reg, &db, &["import", "--dry-run", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("would import 1 row of risks:"));
    let out = run_unprivileged(&reg, &db, &["edit", "1", "--owner", "x"]);
    assert_eq!(out.status.code(), Some(77), "{}", stderr(&out));
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(
        reg.count_in(&db, "SELECT count(*) FROM risk"),
        1,
        "nothing was written"
    );
}

/// Finding 12: A killed export's temporary file is removed by the next export into that directory,
/// and `db check` fails while one lies beside the register.
#[test]
fn stale_temporary_files_are_cleaned_and_reported() {
    let reg = Reg::new();
    reg.add("a", 1, 1, &[]);
    let out_dir = reg.path("out");
    std::fs::create_dir(&out_dir).unwrap();
    let stale = out_dir.join(".riskreg-export-dead01");
    std::fs::write(&stale, "half a file").unwrap();
    let beside = reg.path(".riskreg-backup-dead02");
    std::fs::write(&beside, "half a backup").unwrap();
    let old = std::time::SystemTime::now() - Duration::from_secs(60);
    for f in [&stale, &beside] {
        std::fs::File::options()
            .write(true)
            .open(f)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    let out = reg.fails(&["db", "check"], 1);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("stale temporary file"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    reg.ok(&["export", "-o", out_dir.join("a.csv").to_str().unwrap()]);
    assert!(!stale.exists(), "the next export removed the leftover");
    reg.ok(&["db", "backup", reg.path("b.db").to_str().unwrap()]);
    assert!(!beside.exists());
    reg.ok(&["db", "check"]);
}

/// Finding 13: A row exported before its risk was deleted is a conflict, never a resurrection; only
/// a row without a revision records the risk again (under a new id).
#[test]
fn a_stale_row_of_a_deleted_risk_never_resurrects_it() {
    let reg = Reg::new();
    reg.add("kept", 1, 1, &[]);
    reg.add("doomed", 2, 2, &[]);
    let export = reg.ok(&["export"]);
    reg.ok(&["delete", "2", "--yes"]);
    let file = reg.write("stale.csv", &export);
    let err = json_error(&reg.fails(&["import", file.to_str().unwrap(), "--format", "json"], 65));
    let message = err["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("risk 2 was deleted after this row was exported"),
        "{message}"
    );
    assert_eq!(reg.count("SELECT count(*) FROM risk"), 1);
    let again = reg.write("again.csv", "id,title,likelihood,impact\n2,doomed,2,2\n");
    let report = reg.json(&["import", again.to_str().unwrap()]);
    assert_eq!(report["renumbered"][0]["id"], 3, "{report}");
}

/// Finding 14: Smaller: a split export's directory is private whatever the umask, a note refuses
/// control characters, and an existing empty file readable by others is made private
/// before it becomes a register.
#[test]
fn output_dirs_notes_and_adopted_files_are_safe() {
    let reg = Reg::new();
    reg.add("a", 1, 1, &["--note", "plain"]);
    let dir = reg.path("split");
    let mut sh = reg.std_cmd();
    let mut c = std::process::Command::new("sh");
    for (k, v) in sh.get_envs() {
        if let Some(v) = v {
            c.env(k, v);
        }
    }
    c.args([
        "-c",
        &format!(
            "umask 000; exec {} export --split-by team --output-dir {}",
            common::BIN,
            dir.display()
        ),
    ]);
    sh = c;
    assert!(sh.output().unwrap().status.success());
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("unowned.csv")), 0o600);

    let err = json_error(&reg.fails(
        &[
            "edit",
            "1",
            "--owner",
            "b",
            "--note",
            "x\u{1b}[2J",
            "--format",
            "json",
        ],
        65,
    ));
    assert_eq!(err["error"]["details"]["field"], "note");

    let empty = reg.path("empty.db");
    std::fs::write(&empty, "").unwrap();
    std::fs::set_permissions(&empty, std::fs::Permissions::from_mode(0o644)).unwrap();
    reg.ok(&[
        "--db",
        empty.to_str().unwrap(),
        "add",
        "b",
        "-l",
        "1",
        "-i",
        "1",
    ]);
    assert_eq!(mode(&empty), 0o600);
}
