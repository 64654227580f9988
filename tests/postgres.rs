//! The register in PostgreSQL (RELIABILITY.md §8, PG-1, PG-4, PG-5, HIST-2): the real binary
//! against a real server, a throwaway database per test (tests/common/pg.rs). Without a
//! server configured (`$RISKREG_TEST_PG`) each test prints a notice and returns.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use std::process::Stdio;
use std::thread;

use common::Reg;
use common::pg::{PgDb, with_database};
use serde_json::Value;

/// The commands of a morning's work, run the same way on any register.
fn workday(reg: &Reg) {
    reg.ok(&["team", "add", "payments"]);
    reg.ok(&["team", "add", "checkout"]);
    reg.ok(&["milestone", "add", "Q1", "--due", "2027-03-31"]);
    reg.add(
        "Primary DB failover untested",
        4,
        5,
        &["--team", "payments"],
    );
    reg.add(
        "Cache stampede on deploy",
        3,
        3,
        &["--team", "checkout", "--milestone", "Q1"],
    );
    reg.add("Zürich DC single uplink", 2, 5, &["--tag", "network,dc"]);
    reg.ok(&["edit", "1", "--owner", "carol", "--note", "owner found"]);
    reg.ok(&[
        "edit",
        "2",
        "--status",
        "mitigating",
        "--ettd",
        "5",
        "--ettr",
        "30",
        "--users",
        "20",
        "--ettf",
        "90",
    ]);
    reg.ok(&[
        "action",
        "add",
        "1",
        "Run a failover drill",
        "--due",
        "2027-01-15",
        "--owner",
        "dave",
    ]);
    reg.ok(&["action", "edit", "1", "--status", "doing"]);
    reg.ok(&["comment", "1", "drill booked with the DBAs"]);
    reg.ok(&["link", "add", "1", "PLAT-1234", "--label", "runbook"]);
    reg.ok(&["review", "2"]);
    reg.ok(&[
        "incident",
        "add",
        "DB failover took 40 min",
        "--date",
        "2026-10-02",
        "--ttd",
        "5",
        "--ttr",
        "40",
        "--users",
        "60",
        "--risk",
        "1",
    ]);
    reg.add("to be deleted", 1, 1, &[]);
    reg.ok(&["delete", "4", "--yes"]);
    reg.ok(&["config", "set", "slo", "99.95"]);
}

/// What a register holds, as its JSON exports show it. (The history's actor on PostgreSQL
/// is the session user, the `tester` role, which `$RISKREG_ACTOR` names on SQLite.)
fn contents(reg: &Reg) -> Vec<Value> {
    vec![
        reg.json(&["export", "--all"]),
        reg.json(&["action", "list", "--all"]),
        reg.json(&["incident", "list"]),
        reg.json(&["team", "list"]),
        reg.json(&["milestone", "list"]),
        reg.json(&["config", "get"]),
        reg.json(&["report"]),
        reg.json(&["history"]),
    ]
}

#[test]
fn the_same_commands_give_the_same_register_on_both_engines() {
    let Some(pg) = PgDb::new() else { return };
    let (lite, server) = (Reg::file(), pg.reg());
    workday(&lite);
    workday(&server);
    assert_eq!(contents(&lite), contents(&server));
    assert_eq!(
        lite.json(&["list", "team:payments OR is:overdue", "--sort", "due"]),
        server.json(&["list", "team:payments OR is:overdue", "--sort", "due"])
    );
    assert_eq!(
        lite.json(&["list", "--as-of", "2026-11-24T09:00:00Z"]),
        server.json(&["list", "--as-of", "2026-11-24T09:00:00Z"])
    );
    // The history's actor on PostgreSQL is the role riskreg connected as, whatever
    // $RISKREG_ACTOR says.
    let out = server
        .cmd()
        .env("RISKREG_ACTOR", "someone-else")
        .args(["comment", "1", "who am I"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(server.json(&["history", "1"])[0]["actor"], "tester");
}

/// PG-1: 16 clients × 200 edits of overlapping risks: no lost update, consecutive
/// revisions, one history row per edit.
#[test]
fn pg_1_sixteen_clients_two_hundred_edits_lose_nothing() {
    let Some(pg) = PgDb::new() else { return };
    let reg = pg.reg();
    for i in 0..4 {
        reg.add(&format!("contended {i}"), 3, 3, &[]);
    }
    let (clients, edits) = (16, 200);
    let failures: Vec<String> = thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let reg = &reg;
                s.spawn(move || {
                    let mut failed = Vec::new();
                    for i in 0..edits {
                        let risk = (c + i) % 4 + 1;
                        let out = reg
                            .std_cmd()
                            .args(["edit", &risk.to_string(), "--owner", &format!("c{c}-{i}")])
                            .stdout(Stdio::null())
                            .output()
                            .expect("spawn riskreg");
                        if !out.status.success() {
                            failed.push(String::from_utf8_lossy(&out.stderr).into_owned());
                        }
                    }
                    failed
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "edits failed: {failures:?}");
    let mut client = pg.client();
    let total: i64 = client
        .query_one("SELECT sum(revision - 1)::bigint FROM risk", &[])
        .unwrap()
        .get(0);
    assert_eq!(total, clients as i64 * edits as i64, "no update was lost");
    for risk in 1..=4i64 {
        let revisions: Vec<i64> = client
            .query(
                "SELECT revision FROM event WHERE risk_id = $1 AND kind = 'change' ORDER BY id",
                &[&risk],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        let expected: Vec<i64> = (2..2 + revisions.len() as i64).collect();
        assert_eq!(revisions, expected, "risk {risk}: revisions consecutive");
    }
}

/// PG-4: SQLite → PostgreSQL → SQLite keeps everything, history included.
#[test]
fn pg_4_copy_sqlite_postgres_sqlite_is_lossless() {
    let Some(pg) = PgDb::new() else { return };
    let original = Reg::file();
    workday(&original);
    let back = Reg::file();
    let url = pg.url.clone();
    let orig = original.db.to_str().unwrap().to_string();
    let copy = back.db.to_str().unwrap().to_string();
    original.ok(&["db", "copy", &orig, &url]);
    original.ok(&["db", "copy", &url, &copy]);
    let export = ["export", "--all", "--format", "json"];
    let history = ["history", "--format", "json"];
    for args in [
        &export[..],
        &history[..],
        &["action", "list", "--all", "--format", "json"][..],
    ] {
        assert_eq!(original.ok(args), back.ok(args), "{args:?}");
    }
    // Ids given out stay given out: the next risk gets the id after the deleted one.
    assert_eq!(back.add("after the copy", 2, 2, &[]), 5);
    assert_eq!(pg.reg().add("after the copy", 2, 2, &[]), 5);
    // A target that holds a register is refused, and left as it was.
    let out = original.fails(&["db", "copy", &orig, &url], 1);
    assert!(common::stderr(&out).contains("already holds a register"));
    // A backup of the PostgreSQL register is an SQLite register with the same contents.
    let file = back.path("backup.db");
    pg.reg().ok(&["db", "backup", file.to_str().unwrap()]);
    let mut restored = Reg::file();
    restored.db = file;
    assert_eq!(restored.ok(&history), pg.reg().ok(&history));
}

/// PG-5: the password is never shown, in any output, error or JSON.
#[test]
fn pg_5_the_password_never_shows() {
    let Some(pg) = PgDb::new() else { return };
    let secret = "Sekr1t-Pa55";
    let role = pg.role("pw", secret);
    let good = pg.url_as(&role, secret);
    let mut reg = Reg::file();
    reg.db = good.clone().into();
    let mut outputs = vec![
        reg.output(&["db", "path"]),
        reg.output(&["db", "path", "--format", "json"]),
        reg.output(&["add", "a risk", "--likelihood", "2", "--impact", "2"]),
        reg.output(&["db", "check", "--format", "json"]),
        reg.output(&["show", "99", "--format", "json"]),
    ];
    reg.db = pg.url_as(&role, "wrong-Sekr1t-Pa55").into();
    outputs.push(reg.output(&["list", "--format", "json"]));
    reg.db = with_database(&good, "riskreg_no_such_db").into();
    outputs.push(reg.output(&["list"]));
    reg.db = good.replace("@", "@nowhere.invalid.").into();
    outputs.push(reg.output(&["list", "--format", "json"]));
    for out in &outputs {
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains("Sekr1t"), "password shown: {all}");
    }
    assert!(String::from_utf8_lossy(&outputs[0].stdout).contains(&format!("{role}:****@")));
    assert!(
        outputs[2].status.success(),
        "the role connects and adds a risk"
    );
    assert_eq!(outputs[5].status.code(), Some(77), "a refused login");
    assert_eq!(outputs[6].status.code(), Some(66), "a missing database");
    assert_eq!(outputs[7].status.code(), Some(75), "an unreachable server");
}

/// The first column of the first row of `sql`, an integer, in `pg`'s database.
fn count(pg: &PgDb, sql: &str) -> i64 {
    pg.client().query_one(sql, &[]).unwrap().get(0)
}

/// An import file that exercises a bulk load: ids given and left blank (in and out of
/// order), the characters `COPY` escapes (a CR is kept only as a line break), teams and dated milestones first named deep in
/// the file (so rows already sent must land before them), estimates, and enough rows for
/// several batches. Row `bad` (if any) has a likelihood out of range.
fn bulk_csv(rows: usize, bad: Option<usize>) -> String {
    let mut s = String::from(
        "id,title,description,likelihood,impact,team,milestone,milestone_due,ettd,ettr,users,ettf,tags,owner\n",
    );
    s.push_str("5,\"\\N and back\\slash\",\"Tab\there, CR\r\nLF \"\"quoted\"\" Zürich ✓\",4,5,edge,,,5,30.5,12.5,90,\"a,b\",ann\n");
    s.push_str(",Blank id after 5,,2,2,,,,,,,,,\n");
    s.push_str("3,Id below the highest,,3,3,edge,,,,,,,,\n");
    s.push_str(",Blank again,,1,1,,,,,,,,,\n");
    for i in 0..rows {
        let (team, milestone) = (i / 400, i / 700);
        s.push_str(&format!(
            ",Risk {i} of a bulk load,\"A description long enough to fill the batches: {}\",{},{},team{team},m{milestone},2027-0{}-15,{},,,,,\n",
            "lorem ipsum ".repeat(30),
            if bad == Some(i) { 9 } else { 1 + i % 5 },
            1 + (i / 5) % 5,
            1 + milestone % 9,
            if i % 3 == 0 { "10" } else { "" },
        ));
    }
    s
}

/// Fails naming where two registers' contents first differ (they are large).
fn assert_same_contents(lite: &Reg, server: &Reg) {
    for (lite, server) in contents(lite).iter().zip(contents(server)) {
        let (l, s) = (lite.to_string(), server.to_string());
        if let Some(at) = l.bytes().zip(s.bytes()).position(|(a, b)| a != b) {
            panic!(
                "SQLite and PostgreSQL differ at byte {at}: {} | {}",
                &l[at.saturating_sub(200)..(at + 100).min(l.len())],
                &s[at.saturating_sub(200)..(at + 100).min(s.len())]
            );
        }
        assert_eq!(l.len(), s.len(), "one register holds more than the other");
    }
}

/// Imports `csv` as `bulk.csv` in the register's directory (the history's note quotes the
/// file name, so it is the same on every register).
fn import_as_bulk_csv(reg: &Reg, csv: &str) {
    reg.write("bulk.csv", csv);
    let out = reg
        .std_cmd()
        .current_dir(reg.dir.path())
        .args(["import", "bulk.csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::stderr(&out));
}

/// An import into an empty register on PostgreSQL (a bulk load: rows sent by `COPY`,
/// indexes and foreign keys built after) gives the register the same import gives on
/// SQLite; a bad row deep in the file leaves nothing behind, the schema whole and no id
/// given out; and a team editor, who may not bulk load, imports row by row.
#[test]
fn a_bulk_import_gives_what_sqlite_gives_and_a_bad_row_leaves_nothing() {
    let Some(pg) = PgDb::new() else { return };
    let (lite, server) = (Reg::file(), pg.reg());
    let csv = bulk_csv(3000, None);
    for reg in [&lite, &server] {
        import_as_bulk_csv(reg, &csv);
        reg.add("after the import", 2, 3, &[]);
    }
    assert_same_contents(&lite, &server);
    assert_eq!(
        lite.json(&["list", "--sort", "due", "--limit", "40"]),
        server.json(&["list", "--sort", "due", "--limit", "40"])
    );
    assert_eq!(
        server.json(&["show", "5"])["description"],
        "Tab\there, CR\nLF \"quoted\" Zürich ✓"
    );
    assert_eq!(count(&pg, "SELECT max(id) FROM risk"), 3008);

    // The indexes, foreign keys and triggers a bulk load sets aside all come back.
    let schema = "SELECT (SELECT count(*) FROM pg_indexes WHERE tablename IN ('risk', 'event'))
                  + 1000 * (SELECT count(*) FROM pg_constraint WHERE contype = 'f')
                  + 1000000 * (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal)";
    let empty = PgDb::new().unwrap();
    let fresh = empty.reg();
    fresh.ok(&["db", "init"]);
    let whole = count(&empty, schema);
    assert_eq!(count(&pg, schema), whole);
    let bad = bulk_csv(3000, Some(2900));
    let file = fresh.write("bad.csv", &bad);
    let out = fresh.output(&["import", file.to_str().unwrap()]);
    let lite_file = lite.write("bad.csv", &bad);
    let empty_lite = Reg::file();
    let lite_out = empty_lite.output(&["import", lite_file.to_str().unwrap()]);
    assert_eq!(out.status.code(), lite_out.status.code());
    assert_ne!(out.status.code(), Some(0));
    assert!(
        common::stderr(&out).contains("likelihood"),
        "{}",
        common::stderr(&out)
    );
    assert_eq!(count(&empty, "SELECT count(*) FROM risk"), 0);
    assert_eq!(count(&empty, "SELECT count(*) FROM event"), 0);
    assert_eq!(count(&empty, schema), whole);
    // The rolled-back load counted no risk id as given out: importing the good file now
    // keeps every id, as on SQLite (the id sequence moved; the register's own counter, kept
    // in the transaction, did not). Only the history's event ids may have a gap.
    import_as_bulk_csv(&fresh, &csv);
    fresh.add("after the import", 2, 3, &[]);
    assert_eq!(
        fresh.json(&["export", "--all"]),
        lite.json(&["export", "--all"])
    );

    let owner = PgDb::new().unwrap();
    let reg = owner.reg();
    reg.ok(&["db", "init"]);
    let editor = owner.role("ed", "edpass");
    reg.ok(&["db", "grant", &editor, "--editor"]);
    let mut as_editor = owner.reg();
    as_editor.db = owner.url_as(&editor, "edpass").into();
    let small = as_editor.write("small.csv", bulk_csv(20, None));
    as_editor.ok(&["import", small.to_str().unwrap()]);
    assert_eq!(count(&owner, "SELECT count(*) FROM risk"), 24);
    assert_eq!(reg.json(&["history", "5"])[0]["actor"], editor.as_str());
    assert_eq!(count(&owner, schema), whole);
}

/// HIST-2: an UPDATE, DELETE or TRUNCATE of the history fails even for the role riskreg
/// connects as (the owner).
#[test]
fn hist_2_the_history_is_append_only_even_for_its_owner() {
    let Some(pg) = PgDb::new() else { return };
    let reg = pg.reg();
    reg.add("a risk", 2, 2, &[]);
    let mut client = pg.client();
    for sql in [
        "UPDATE event SET note = 'rewritten'",
        "DELETE FROM event",
        "TRUNCATE event",
    ] {
        let err = client.batch_execute(sql).unwrap_err();
        let message = err.as_db_error().map(|e| e.message().to_string());
        assert_eq!(message.as_deref(), Some("history is append-only"), "{sql}");
    }
    let events: i64 = client
        .query_one("SELECT count(*) FROM event", &[])
        .unwrap()
        .get(0);
    assert_eq!(events, 1);
}

/// A database that holds other tables is not a register: refused, and left untouched.
#[test]
fn a_database_with_other_tables_is_refused_untouched() {
    let Some(pg) = PgDb::new() else { return };
    let mut client = pg.client();
    client
        .batch_execute("CREATE TABLE invoices (id int); INSERT INTO invoices VALUES (7)")
        .unwrap();
    let reg = pg.reg();
    let out = reg.fails(&["add", "x", "--likelihood", "1", "--impact", "1"], 65);
    assert!(
        common::stderr(&out).contains("holds 1 other table (invoices)"),
        "{}",
        common::stderr(&out)
    );
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 1);
    // An empty database becomes a register on `db init`.
    let empty = PgDb::new().unwrap();
    let out = empty.reg().ok(&["db", "init"]);
    assert!(
        out.contains("is a riskreg register (schema version 1, 0 risks)"),
        "{out}"
    );
}

/// PG-2: an editor limited to a team changes only that team's risks and actions; a reader
/// changes nothing; each refusal is exit 77 naming the risk and the team, and leaves no
/// trace. Row-level security refuses the same change made around riskreg.
#[test]
fn pg_2_a_team_editor_changes_only_its_teams_and_a_reader_nothing() {
    let Some(pg) = PgDb::new() else { return };
    let owner = pg.reg();
    owner.ok(&["team", "add", "payments"]);
    owner.ok(&["team", "add", "checkout"]);
    owner.add("payments risk", 3, 3, &["--team", "payments"]);
    owner.add("checkout risk", 3, 3, &["--team", "checkout"]);
    owner.ok(&["action", "add", "1", "fix the payments path"]);
    let alice = pg.role("alice", "pw-alice");
    let bob = pg.role("bob", "pw-bob");
    let out = owner.ok(&["db", "grant", &alice, "--editor", "--team", "CHECKOUT"]);
    assert_eq!(
        out,
        format!("role {alice} may now change the risks and actions of checkout\n")
    );
    owner.ok(&["db", "grant", &bob, "--reader"]);
    let as_role = |role: &str, password: &str| {
        let mut reg = Reg::file();
        reg.db = pg.url_as(role, password).into();
        reg
    };
    let (a, b) = (as_role(&alice, "pw-alice"), as_role(&bob, "pw-bob"));
    let risk_1 = owner.json(&["show", "1"]);
    let history = owner.ok(&["history", "--format", "json"]);

    a.ok(&["edit", "2", "--owner", "alice"]);
    a.ok(&[
        "add",
        "a checkout risk",
        "--likelihood",
        "2",
        "--impact",
        "2",
        "--team",
        "checkout",
    ]);
    let refused = [
        vec!["edit", "1", "--owner", "alice"],
        vec!["review", "1"],
        vec!["delete", "1", "--yes"],
        vec!["edit", "2", "--team", "payments"],
        vec!["action", "edit", "1", "--status", "done"],
        vec![
            "add",
            "a payments risk",
            "--likelihood",
            "2",
            "--impact",
            "2",
            "--team",
            "payments",
        ],
    ];
    for args in &refused {
        let out = a.fails(args, 77);
        let err = common::stderr(&out);
        assert!(
            err.contains("(of team payments)")
                && err.contains("changes only the risks and actions of checkout"),
            "{args:?}: {err}"
        );
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    }
    let out = a.fails(&["team", "add", "sre"], 77);
    assert!(common::stderr(&out).contains("permission denied"));
    // Around riskreg, row-level security refuses the same.
    let mut client = common::pg::connect(&pg.url_as(&alice, "pw-alice"));
    let changed = client
        .execute("UPDATE risk SET title = 'sneaky' WHERE id = 1", &[])
        .unwrap();
    assert_eq!(changed, 0);
    assert!(client.batch_execute("UPDATE event SET note = 'x'").is_err());

    assert_eq!(
        b.json(&["list"]).as_array().unwrap().len(),
        3,
        "a reader reads"
    );
    for args in [
        vec!["edit", "2", "--owner", "bob"],
        vec!["add", "x", "--likelihood", "1", "--impact", "1"],
    ] {
        let out = b.fails(&args, 77);
        assert!(
            common::stderr(&out).contains("may only read this register"),
            "{args:?}"
        );
    }
    b.fails(&["comment", "2", "hello"], 77);

    // Nothing refused left a trace.
    assert_eq!(owner.json(&["show", "1"]), risk_1);
    let now: Vec<Value> =
        serde_json::from_str(&owner.ok(&["history", "--format", "json"])).unwrap();
    let then: Vec<Value> = serde_json::from_str(&history).unwrap();
    assert_eq!(
        now.len(),
        then.len() + 2,
        "only alice's edit and her new risk: {now:?}"
    );

    // Revoked, alice changes nothing; grants are PostgreSQL's.
    assert_eq!(
        owner.ok(&["db", "revoke", &alice]),
        format!("role {alice} may no longer use the register\n")
    );
    a.fails(&["edit", "2", "--owner", "alice again"], 77);
    let file = Reg::file();
    file.add("a risk in a file", 1, 1, &[]);
    let out = file.fails(&["db", "grant", "someone", "--reader"], 2);
    assert!(common::stderr(&out).contains("grants are for a register in PostgreSQL"));
    let out = owner.fails(&["db", "grant", "riskreg_nobody_at_all", "--reader"], 1);
    assert!(common::stderr(&out).contains("no role"));

    // An admin changes any team's risks and grants to others.
    let carol = pg.role("carol", "pw-carol");
    let dave = pg.role("dave", "pw-dave");
    owner.ok(&["db", "grant", &carol, "--admin"]);
    let c = as_role(&carol, "pw-carol");
    c.ok(&["edit", "1", "--owner", "carol"]);
    c.ok(&["team", "add", "sre"]);
    c.ok(&["db", "grant", &dave, "--editor", "--team", "sre"]);
    let d = as_role(&dave, "pw-dave");
    d.ok(&[
        "add",
        "an sre risk",
        "--likelihood",
        "2",
        "--impact",
        "2",
        "--team",
        "sre",
    ]);
    d.fails(&["edit", "1", "--owner", "dave"], 77);
    c.ok(&["db", "revoke", &dave]);
    d.fails(
        &[
            "add",
            "x",
            "--likelihood",
            "1",
            "--impact",
            "1",
            "--team",
            "sre",
        ],
        77,
    );
    // What the owner granted, only the owner takes back.
    let out = c.fails(&["db", "revoke", &bob], 77);
    assert!(
        common::stderr(&out).contains("another role granted"),
        "{}",
        common::stderr(&out)
    );
}

/// DV-1 on PostgreSQL: another client's commit reaches the TUI through LISTEN/NOTIFY.
#[test]
fn dv_1_another_clients_commit_reaches_the_tui() {
    let Some(pg) = PgDb::new() else { return };
    let reg = pg.reg();
    reg.add("first", 2, 2, &[]);
    let mut app = common::tui::app_on(&reg, 120, 40);
    assert_eq!(app.totals.1, 1);
    assert!(!app.poll_changes(), "nothing changed yet");
    reg.add("Added by a script", 5, 5, &[]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    while !app.poll_changes() {
        assert!(
            std::time::Instant::now() < deadline,
            "no notice within a second"
        );
        thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(app.totals.1, 2);
}

/// The backends of this test's database other than the admin's own, ended by the server
/// as a restart would end them; waits until they are gone.
fn drop_connections(pg: &PgDb) {
    let mut admin = pg.client();
    admin
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = $1 AND pid <> pg_backend_pid()",
            &[&pg.name],
        )
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let left: i64 = admin
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                &[&pg.name],
            )
            .unwrap()
            .get(0);
        if left == 0 {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "connections linger");
        thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// PG-3: the server drops every connection (as a restart does). A long-lived client (the
/// TUI's) connects again on its next statement; a write cut off midway fails with one line
/// and exit 75, and nothing of it is written.
#[test]
fn pg_3_a_dropped_connection_fails_one_line_and_the_next_command_reconnects() {
    use riskreg::store::{OpenMode, Store};
    let Some(pg) = PgDb::new() else { return };
    let reg = pg.reg();
    reg.add("before the restart", 2, 2, &[]);
    let store = Store::open(&reg.db, OpenMode::Existing).unwrap();
    drop_connections(&pg);
    assert_eq!(store.risk(1).unwrap().fields.title, "before the restart");

    let file = reg.write("big.csv", common::dataset_csv(20_000));
    let child = reg
        .std_cmd()
        .args(["import", file.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the import holds the register's write lock, mid-transaction.
    let mut admin = pg.client();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let writing: i64 = admin
            .query_one(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                 WHERE l.locktype = 'advisory' AND l.granted AND a.datname = $1",
                &[&pg.name],
            )
            .unwrap()
            .get(0);
        if writing > 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the import never started writing"
        );
        thread::sleep(std::time::Duration::from_millis(10));
    }
    thread::sleep(std::time::Duration::from_millis(200));
    drop_connections(&pg);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(75), "{}", common::stderr(&out));
    let err = common::stderr(&out);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert_eq!(
        reg.json(&["list", "--all"]).as_array().unwrap().len(),
        1,
        "nothing half-written"
    );
    reg.add("after the restart", 2, 2, &[]);
}
