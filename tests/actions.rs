//! Actions, comments, links and changes to many (issue 10), through the real binary: every
//! command, query term, rule and error, the bulk changes (ACT-2) and concurrent edits of one
//! action (ACT-1).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use common::{Reg, json_error, stderr};
use serde_json::Value;

/// A register with a team, two milestones (one past due at the frozen clock, 2026-11-24)
/// and three risks: 1 critical, 2 high, 3 low.
fn register() -> Reg {
    let reg = Reg::new();
    reg.ok(&["team", "add", "core"]);
    reg.ok(&["team", "add", "data"]);
    reg.ok(&["milestone", "add", "late", "--due", "2026-11-01"]);
    reg.ok(&["milestone", "add", "q1", "--due", "2027-03-31"]);
    reg.add(
        "Primary has no failover",
        5,
        4,
        &["--team", "core", "--milestone", "q1"],
    );
    reg.add("Cache evicts sessions", 4, 3, &["--team", "data"]);
    reg.add("Logs drop lines", 1, 2, &[]);
    reg
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect()
}

fn events(reg: &Reg) -> i64 {
    reg.count("SELECT count(*) FROM event")
}

#[test]
fn an_action_is_added_listed_shown_changed_done_and_deleted() {
    let reg = register();
    let id = reg.ok(&[
        "action",
        "add",
        "1",
        "Automate promotion",
        "--owner",
        "ana",
        "--milestone",
        "q1",
        "--link",
        "PLAT-12",
        "--kind",
        "long-term",
        "--note",
        "from the review",
    ]);
    assert_eq!(id.trim(), "1");
    let a = reg.json(&["action", "show", "1"]);
    // JSON keys are the field names.
    for key in [
        "id",
        "risk",
        "risk_title",
        "title",
        "status",
        "owner",
        "team",
        "milestone",
        "due",
        "effective_due",
        "link",
        "kind",
        "incident",
        "created_at",
        "updated_at",
        "revision",
    ] {
        assert!(a.get(key).is_some(), "missing {key}: {a}");
    }
    assert_eq!(a["team"], "core", "the risk's team by default");
    assert_eq!(a["due"], Value::Null);
    assert_eq!(
        a["effective_due"], "2027-03-31",
        "the milestone's date counts"
    );
    assert_eq!(a["status"], "todo");
    assert_eq!(a["kind"], "long-term");

    let page = reg.ok(&["action", "show", "1"]);
    assert!(page.contains("Action 1: Automate promotion"), "{page}");
    assert!(page.contains("2027-03-31 (the milestone's)"), "{page}");
    assert!(page.contains("from the review"), "{page}");

    let out = reg.ok(&[
        "action",
        "edit",
        "1",
        "--due",
        "2026-12-15",
        "--owner",
        "bo",
    ]);
    assert!(out.contains("due: (none) → 2026-12-15"), "{out}");
    assert!(out.contains("owner: ana → bo"), "{out}");
    assert_eq!(reg.json(&["action", "show", "1"])["revision"], 2);
    reg.ok(&[
        "action",
        "edit",
        "1",
        "--status",
        "doing",
        "--expect-revision",
        "2",
    ]);
    reg.fails(
        &[
            "action",
            "edit",
            "1",
            "--owner",
            "x",
            "--expect-revision",
            "2",
        ],
        75,
    );

    // The risk carries its action figures.
    let risk = reg.json(&["show", "1"]);
    assert_eq!(risk["actions_open"], 1);
    assert_eq!(risk["actions_overdue"], 0);
    assert_eq!(risk["next_action_due"], "2026-12-15");
    let show = reg.ok(&["show", "1"]);
    assert!(
        show.contains("\nActions\n  #1 doing, due 2026-12-15, bo: Automate promotion PLAT-12"),
        "{show}"
    );
    assert!(
        show.contains("1 open action, next due 2026-12-15"),
        "{show}"
    );

    reg.ok(&["action", "done", "1", "--note", "shipped"]);
    assert!(
        reg.json(&["action", "list"]).as_array().unwrap().is_empty(),
        "open only"
    );
    assert_eq!(ids(&reg.json(&["action", "list", "--all"])), [1]);
    assert_eq!(ids(&reg.json(&["action", "list", "status:done"])), [1]);
    assert_eq!(reg.json(&["show", "1"])["actions_open"], 0);

    let history = reg.json(&["history", "--action", "1"]);
    let described: Vec<String> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["kind"].as_str().unwrap(),
                e["field"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        described,
        [
            "status status",
            "status status",
            "change due",
            "change owner",
            "create "
        ]
    );
    assert!(
        history
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["action_id"] == 1)
    );

    reg.fails(&["action", "delete", "1"], 2);
    reg.ok(&["action", "delete", "1", "--yes", "--note", "duplicate"]);
    reg.fails(&["action", "show", "1"], 1);
    assert_eq!(reg.json(&["history", "--action", "1"])[0]["kind"], "delete");
    // Ids are never reused.
    assert_eq!(reg.ok(&["action", "add", "1", "Again"]).trim(), "2");
}

#[test]
fn deleting_a_risk_deletes_its_actions_and_keeps_their_history() {
    let reg = register();
    reg.ok(&["action", "add", "2", "Raise maxmemory"]);
    reg.ok(&["delete", "2", "--yes"]);
    assert!(
        reg.json(&["action", "list", "--all"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    let h = reg.json(&["history", "--action", "1"]);
    assert_eq!(h[0]["kind"], "delete");
    // An action on a deleted (or unknown) risk is refused.
    let out = reg.fails(&["action", "add", "2", "Too late"], 65);
    assert!(stderr(&out).contains("no such risk"), "{}", stderr(&out));
}

#[test]
fn bad_input_is_one_clear_line_and_writes_nothing() {
    let reg = register();
    reg.ok(&["action", "add", "1", "Real one"]);
    let before = events(&reg);
    let cases: [(&[&str], &str); 9] = [
        (&["action", "add", "1", "bell\u{7}title"], "title"),
        (
            &["action", "add", "1", "t", "--due", "2026-02-30"],
            "2026-02-30",
        ),
        (&["action", "add", "99", "t"], "no such risk"),
        (
            &["action", "add", "1", "t", "--status", "finished"],
            "todo, doing, done, dropped",
        ),
        (
            &["action", "add", "1", "t", "--kind", "medium"],
            "short-term or long-term",
        ),
        (
            &["action", "add", "1", "t", "--link", "javascript:alert(1)"],
            "http:// or https://",
        ),
        (
            &["action", "add", "1", "t", "--link", "https://a.example/x y"],
            "without spaces",
        ),
        (
            &["action", "edit", "1", "--incident", "7"],
            "no such incident",
        ),
        (
            &["link", "add", "1", "ftp://files.example/x"],
            "http:// or https://",
        ),
    ];
    for (args, says) in cases {
        let out = reg.fails(args, 65);
        let err = stderr(&out);
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
    reg.fails(&["action", "show", "x"], 2);
    reg.fails(&["action", "edit", "1"], 2);
    reg.fails(&["action", "list", "kind:medium"], 2);
    reg.fails(&["action", "done", "42"], 1);
    assert_eq!(events(&reg), before, "nothing written");
}

#[test]
fn action_query_terms_select_what_they_say() {
    let reg = register();
    reg.ok(&[
        "incident",
        "add",
        "Cache flush",
        "--date",
        "2026-10-01",
        "--ttd",
        "5",
        "--ttr",
        "10",
        "--users",
        "20",
        "--risk",
        "2",
    ]);
    let add = |args: &[&str]| reg.ok(&[&["action", "add"][..], args].concat());
    add(&[
        "1",
        "Own date passed",
        "--due",
        "2026-11-20",
        "--owner",
        "ana",
    ]); // 1: overdue
    add(&["1", "Milestone passed", "--milestone", "late"]); // 2: overdue by its milestone
    add(&[
        "2",
        "Bigger cache",
        "--due",
        "2026-12-20",
        "--kind",
        "long-term",
        "--incident",
        "1",
    ]); // 3
    add(&["2", "Nothing planned"]); // 4: no date
    add(&[
        "3",
        "Done already",
        "--status",
        "done",
        "--due",
        "2026-01-01",
    ]); // 5
    let q = |terms: &[&str]| ids(&reg.json(&[&["action", "list"][..], terms].concat()));
    assert_eq!(
        q(&[]),
        [2, 1, 3, 4],
        "open, by the date that counts, none last"
    );
    assert_eq!(q(&["is:overdue"]), [2, 1]);
    assert_eq!(q(&["-is:overdue"]), [3, 4]);
    assert_eq!(q(&["risk:2"]), [3, 4]);
    assert_eq!(q(&["risk:1,3", "--all"]), [5, 2, 1]);
    assert_eq!(q(&["owner:ANA"]), [1]);
    assert_eq!(q(&["team:data"]), [3, 4]);
    assert_eq!(q(&["milestone:late"]), [2]);
    assert_eq!(q(&["kind:long-term"]), [3]);
    assert_eq!(q(&["-kind:long-term"]), [2, 1, 4]);
    assert_eq!(q(&["incident:1"]), [3]);
    assert_eq!(q(&["due<2026-12-01"]), [2, 1]);
    assert_eq!(q(&["due>=2026-12-01"]), [3]);
    assert_eq!(q(&["cache"]), [3]);
    assert_eq!(q(&["status:done"]), [5]);
    assert_eq!(q(&["status:todo,done", "risk:3"]), [5]);
    // The risks' terms.
    let risks = |terms: &[&str]| ids(&reg.json(&[&["list"][..], terms].concat()));
    assert_eq!(risks(&["is:action-overdue"]), [1]);
    assert_eq!(
        risks(&["is:no-action"]),
        [3],
        "risk 3's only action is done"
    );
    reg.ok(&[
        "edit",
        "3",
        "--status",
        "accepted",
        "--approver",
        "cto",
        "--accepted-until",
        "2027-01-01",
    ]);
    assert!(
        risks(&["is:no-action"]).is_empty(),
        "an accepted risk needs no action"
    );
    // Help lists every term, from the parser's own list.
    let help = reg.ok(&["action", "list", "--help"]);
    for term in [
        "risk:",
        "status:",
        "owner:",
        "team:",
        "milestone:",
        "kind:",
        "incident:",
        "due<",
        "is:overdue",
    ] {
        assert!(help.contains(term), "{term}: {help}");
    }
    let list_help = reg.ok(&["list", "--help"]);
    assert!(list_help.contains("is:no-action") && list_help.contains("is:action-overdue"));
}

#[test]
fn action_lists_write_every_format_and_files_atomically() {
    let reg = register();
    reg.ok(&[
        "action",
        "add",
        "1",
        "=HYPERLINK(\"http://evil.example\")",
        "--link",
        "https://wiki.example/a",
    ]);
    reg.ok(&["action", "add", "2", "Plain", "--due", "2026-12-01"]);
    let csv = reg.ok(&["action", "list", "--format", "csv"]);
    assert!(
        csv.starts_with("\u{feff}\"id\",\"risk\",\"risk_title\",\"title\""),
        "{csv}"
    );
    assert!(csv.contains("\"'=HYPERLINK("), "formula neutralized: {csv}");
    let ndjson = reg.ok(&["action", "list", "--format", "ndjson"]);
    assert_eq!(ndjson.lines().count(), 2);
    let md = reg.ok(&["action", "list", "--format", "md"]);
    assert!(md.starts_with("| ID | Risk | Title |"), "{md}");
    let file = reg.path("actions.csv");
    let f = file.to_str().unwrap();
    reg.ok(&["action", "list", "-o", f]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), csv);
    reg.fails(&["action", "list", "-o", f], 73);
    let json = reg.path("actions.json");
    reg.ok(&["action", "list", "-o", json.to_str().unwrap()]);
    let doc: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(ids(&doc), [2, 1]);
    // The risks' exports carry their action figures.
    let risks = reg.ok(&["export", "--format", "csv"]);
    let header = risks.lines().next().unwrap();
    assert!(
        header.contains("\"links\",\"actions_open\",\"actions_overdue\",\"next_action_due\""),
        "{header}"
    );
}

#[test]
fn an_action_file_imports_back_all_or_nothing() {
    let reg = register();
    reg.ok(&["action", "add", "1", "Automate promotion"]);
    reg.ok(&["action", "add", "2", "Bigger cache"]);
    let file = reg.path("a.csv");
    reg.ok(&["action", "list", "-o", file.to_str().unwrap()]);
    // Edit one row in the "spreadsheet", add a new one.
    let text = std::fs::read_to_string(&file).unwrap();
    let edited = text.replace("\"Bigger cache\",\"todo\"", "\"Bigger cache\",\"doing\"")
        + "\"\",\"3\",\"\",\"New from the sheet\",\"\",\"ana\",\"\",\"\",\"2026-12-24\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"\r\n";
    std::fs::write(&file, edited).unwrap();
    let report = reg.json(&["import", file.to_str().unwrap()]);
    assert_eq!(report["records"], "action");
    assert_eq!(
        (
            report["created"].as_i64(),
            report["updated"].as_i64(),
            report["unchanged"].as_i64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(reg.json(&["action", "show", "2"])["status"], "doing");
    let new = reg.json(&["action", "show", "3"]);
    assert_eq!(
        (
            new["risk"].as_i64(),
            new["owner"].as_str(),
            new["due"].as_str()
        ),
        (Some(3), Some("ana"), Some("2026-12-24"))
    );
    // The same file again: its revisions are stale now for the changed row.
    let out = reg.fails(&["import", file.to_str().unwrap()], 65);
    assert!(
        stderr(&out).contains("someone changed it since"),
        "{}",
        stderr(&out)
    );
    // A bad row stops the whole file.
    let before = events(&reg);
    let bad = reg.write(
        "bad.json",
        r#"[{"risk": 1, "title": "fine"}, {"risk": 1, "title": "bad", "kind": "medium"}]"#,
    );
    let out = reg.fails(&["import", bad.to_str().unwrap()], 65);
    assert!(
        stderr(&out).contains("record 2, field kind"),
        "{}",
        stderr(&out)
    );
    assert_eq!(events(&reg), before);
    let good = reg.write(
        "good.json",
        r#"[{"risk": 2, "title": "From JSON", "kind": "long-term"}]"#,
    );
    reg.ok(&["import", good.to_str().unwrap()]);
    assert_eq!(
        reg.json(&["action", "list", "kind:long-term"])[0]["title"],
        "From JSON"
    );
}

#[test]
fn comments_are_kept_shown_and_never_changed() {
    let reg = register();
    let out = reg.ok(&["comment", "1", "Discussed at the weekly review"]);
    assert!(out.contains("commented on risk 1"), "{out}");
    // A note alone on edit is a comment, not a refusal.
    reg.ok(&["edit", "1", "--note", "Waiting on the DBA team"]);
    let risk = reg.json(&["show", "1"]);
    assert_eq!(risk["revision"], 1, "a comment does not change the risk");
    let show = reg.ok(&["show", "1"]);
    assert!(show.contains("Comments\n  2026-11-24T09:00:00Z  tester  Waiting on the DBA team\n  2026-11-24T09:00:00Z  tester  Discussed"), "{show}");
    let history = reg.json(&["history", "1"]);
    assert_eq!(history[0]["kind"], "comment");
    assert_eq!(history[0]["note"], "Waiting on the DBA team");
    reg.fails(&["comment", "1", "  "], 65);
    reg.fails(&["comment", "9", "hello"], 1);
    reg.fails(&["edit", "1"], 2);
    // History stays append-only, comments included.
    for sql in [
        "UPDATE event SET note = 'x' WHERE kind = 'comment'",
        "DELETE FROM event WHERE kind = 'comment'",
    ] {
        let err = reg.sql(sql).unwrap_err();
        assert!(err.contains("history is append-only"), "{sql}: {err}");
    }
}

#[test]
fn links_are_urls_or_ticket_keys_shown_safely_everywhere() {
    let reg = register();
    reg.ok(&[
        "link",
        "add",
        "1",
        "https://wiki.example/db-ha",
        "--label",
        "design doc",
    ]);
    reg.ok(&["link", "add", "1", "PLAT-1234"]);
    reg.ok(&["link", "add", "1", "PLAT-1234", "--label", "epic"]);
    let risk = reg.json(&["show", "1"]);
    assert_eq!(
        risk["links"],
        serde_json::json!([{"url": "https://wiki.example/db-ha", "label": "design doc"}, {"url": "PLAT-1234", "label": "epic"}])
    );
    let show = reg.ok(&["show", "1"]);
    assert!(
        show.contains("Links\n  https://wiki.example/db-ha design doc\n  PLAT-1234 epic\n"),
        "{show}"
    );
    // CSV: one cell, one link a line; it imports back.
    let csv = reg.ok(&["export", "--format", "csv"]);
    assert!(
        csv.contains("\"https://wiki.example/db-ha design doc\nPLAT-1234 epic\""),
        "{csv}"
    );
    // A label cannot smuggle terminal controls or a formula.
    reg.ok(&[
        "link",
        "add",
        "2",
        "https://a.example",
        "--label",
        "=cmd|' /C calc'!A0",
    ]);
    let exported = reg.ok(&["export", "--format", "csv", "evicts"]);
    assert!(exported.contains("\"https://a.example =cmd"), "{exported}");
    reg.fails(
        &[
            "link",
            "add",
            "2",
            "https://a.example",
            "--label",
            "\u{1b}[2J",
        ],
        65,
    );
    reg.fails(&["link", "add", "1", "https://has space.example"], 65);
    let out = reg.fails(&["link", "remove", "1", "PLAT-9"], 1);
    assert!(
        stderr(&out).contains("has no link 'PLAT-9'"),
        "{}",
        stderr(&out)
    );
    reg.ok(&["link", "remove", "1", "PLAT-1234"]);
    assert_eq!(
        reg.json(&["show", "1"])["links"].as_array().unwrap().len(),
        1
    );
    reg.fails(
        &["link", "add", "1", "PLAT-1", "--expect-revision", "1"],
        75,
    );
    // A risk file with links round-trips them.
    let file = reg.path("r.json");
    reg.ok(&["export", "-o", file.to_str().unwrap()]);
    let fresh = Reg::new();
    fresh.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(
        fresh.json(&["show", "1"])["links"],
        reg.json(&["show", "1"])["links"]
    );
}

#[test]
fn incident_reviews_record_their_actions_in_one_go() {
    let reg = register();
    let out = reg.json(&[
        "incident",
        "add",
        "Failover took 50 minutes",
        "--date",
        "2026-11-02",
        "--ttd",
        "5",
        "--ttr",
        "50",
        "--users",
        "100",
        "--risk",
        "1",
        "--risk",
        "2",
        "--action",
        "Write the promotion runbook",
        "--action",
        "Automate promotion",
        "--long-term",
        "--action",
        "Page the DBA on replica lag",
        "--short-term",
    ]);
    let actions = out["actions"].as_array().unwrap();
    let kinds: Vec<&str> = actions
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["short-term", "long-term", "short-term"]);
    assert!(
        actions
            .iter()
            .all(|a| a["incident"] == out["id"] && a["risk"] == 1)
    );
    let out = reg.fails(
        &[
            "incident",
            "add",
            "x",
            "--date",
            "2026-11-02",
            "--ttd",
            "1",
            "--ttr",
            "1",
            "--users",
            "1",
            "--risk",
            "1",
            "--long-term",
            "--action",
            "y",
        ],
        2,
    );
    assert!(
        stderr(&out).contains("--long-term describes the --action before it"),
        "{}",
        stderr(&out)
    );
}

/// ACT-2: a change to many previews without writing, applies in one transaction with
/// `--yes`, and rolls back whole when one risk cannot change.
#[test]
fn act_2_bulk_changes_preview_apply_and_roll_back_whole() {
    let reg = register();
    reg.ok(&["milestone", "add", "q2", "--due", "2027-06-30"]);
    let before = events(&reg);
    let preview = reg.ok(&["edit", "--where", "score>=12", "--owner", "lee"]);
    assert!(
        preview.contains("selects 2 risks; nothing is changed yet"),
        "{preview}"
    );
    assert!(
        preview.contains("risk 1 \"Primary has no failover\": owner: (none) → lee"),
        "{preview}"
    );
    assert!(preview.contains("--yes"), "{preview}");
    assert_eq!(events(&reg), before, "the preview wrote nothing");
    let applied = reg.json(&[
        "edit",
        "--where",
        "score>=12",
        "--owner",
        "lee",
        "--milestone",
        "q2",
        "--yes",
    ]);
    assert_eq!(applied["dry_run"], false);
    assert_eq!(applied["count"], 2);
    for id in ["1", "2"] {
        let r = reg.json(&["show", id]);
        assert_eq!(
            (
                r["owner"].as_str(),
                r["milestone"].as_str(),
                r["revision"].as_i64()
            ),
            (Some("lee"), Some("q2"), Some(2))
        );
    }
    assert_eq!(
        events(&reg),
        before + 4,
        "an event per changed field of each risk"
    );
    // One risk that cannot change rolls back the others: accepting needs an approver, and
    // risk 3 gets one while the others do not.
    reg.ok(&["edit", "3", "--approver", "cto"]);
    let before = events(&reg);
    let out = reg.fails(
        &[
            "edit",
            "--where",
            "team:core,data -status:closed",
            "--status",
            "accepted",
            "--accepted-until",
            "2027-01-01",
            "--yes",
        ],
        65,
    );
    assert!(
        stderr(&out).starts_with("riskreg: risk 1: invalid approver"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--approver NAME"), "{}", stderr(&out));
    assert_eq!(events(&reg), before, "rolled back whole");
    assert_eq!(reg.json(&["show", "2"])["status"], "open");
    // review, delete and action done take --where too.
    let reviewed = reg.json(&["review", "--where", "team:core", "--yes"]);
    assert_eq!(reviewed["items"][0]["changes"][0]["field"], "reviewed");
    assert_eq!(reg.json(&["show", "1"])["revision"], 3);
    reg.ok(&["action", "add", "1", "a"]);
    reg.ok(&["action", "add", "2", "b"]);
    let preview = reg.ok(&["action", "done", "--where", "risk:1,2"]);
    assert!(preview.contains("selects 2 actions"), "{preview}");
    assert_eq!(reg.json(&["action", "list"]).as_array().unwrap().len(), 2);
    reg.ok(&["action", "done", "--where", "risk:1,2", "--yes"]);
    assert!(reg.json(&["action", "list"]).as_array().unwrap().is_empty());
    let preview = reg.ok(&["delete", "--where", "team:data"]);
    assert!(
        preview.contains("risk 2 \"Cache evicts sessions\": deleted"),
        "{preview}"
    );
    reg.ok(&["show", "2"]);
    reg.ok(&["delete", "--where", "team:data", "--yes"]);
    reg.fails(&["show", "2"], 1);
    // A note alone with --where comments on each.
    reg.ok(&[
        "edit",
        "--where",
        "team:core",
        "--note",
        "Raised at the review",
        "--yes",
    ]);
    assert_eq!(reg.json(&["history", "1"])[0]["kind"], "comment");
    // --where and an id, or --expect-revision with --where, are usage errors.
    reg.fails(&["edit", "1", "--where", "x", "--owner", "a"], 2);
    reg.fails(
        &[
            "edit",
            "--where",
            "x",
            "--owner",
            "a",
            "--expect-revision",
            "1",
        ],
        2,
    );
    let err = json_error(&reg.fails(
        &[
            "edit", "--where", "nope:1", "--owner", "a", "--format", "json",
        ],
        2,
    ));
    assert_eq!(err["error"]["code"], "invalid_query");
}

/// ACT-1: two processes changing one action at once lose no update: without a revision
/// both changes land (one after the other); with the same `--expect-revision` exactly one
/// wins and the other is told to retry (exit 75).
#[test]
fn act_1_concurrent_edits_of_one_action_lose_no_update() {
    let reg = register();
    reg.ok(&["action", "add", "1", "Shared work"]);
    for round in 0..5 {
        let owner = format!("owner{round}");
        let link = format!("PLAT-{round}");
        let spawn = |args: &[&str]| reg.std_cmd().args(args).spawn().unwrap();
        let a = spawn(&["action", "edit", "1", "--owner", &owner]);
        let b = spawn(&["action", "edit", "1", "--link", &link]);
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        assert!(a.status.success() && b.status.success());
        let now = reg.json(&["action", "show", "1"]);
        assert_eq!(
            (now["owner"].as_str(), now["link"].as_str()),
            (Some(owner.as_str()), Some(link.as_str()))
        );
    }
    let revision = reg.json(&["action", "show", "1"])["revision"]
        .as_i64()
        .unwrap();
    let expect = revision.to_string();
    let spawn = |owner: &str| {
        reg.std_cmd()
            .args([
                "action",
                "edit",
                "1",
                "--owner",
                owner,
                "--expect-revision",
                &expect,
            ])
            .output()
            .unwrap()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| spawn("left"));
        let b = s.spawn(|| spawn("right"));
        (a.join().unwrap(), b.join().unwrap())
    });
    let codes = [a.status.code(), b.status.code()];
    assert!(
        codes.contains(&Some(0)) && codes.contains(&Some(75)),
        "{codes:?}"
    );
    let loser = if a.status.success() { &b } else { &a };
    assert!(
        stderr(loser).contains("action 1 was changed by someone else"),
        "{}",
        stderr(loser)
    );
    assert!(
        stderr(loser).contains("riskreg action show 1"),
        "{}",
        stderr(loser)
    );
    let now = reg.json(&["action", "show", "1"]);
    assert_eq!(now["revision"].as_i64(), Some(revision + 1));
    let winner = if a.status.success() { "left" } else { "right" };
    assert_eq!(now["owner"], winner);
}
