//! The availability model through the real binary: estimates on risks, bad minutes against
//! the error budget, `bm>=` and `is:too-big`, incidents and calibration, `report` and the
//! `check` policy gate (one test per rule).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use common::{Reg, json_error};

fn bm(reg: &Reg, id: i64) -> Option<f64> {
    reg.json(&["show", &id.to_string()])["bad_minutes_per_year"].as_f64()
}

fn ids(v: &serde_json::Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn estimates_give_bad_minutes_a_year() {
    let reg = Reg::new();
    let id = reg.add(
        "Bad deploys",
        4,
        4,
        &[
            "--ettd", "5", "--ettr", "5", "--users", "100", "--ettf", "30",
        ],
    );
    assert_eq!(bm(&reg, id), Some(121.75));
    let shown = reg.json(&["show", &id.to_string()]);
    assert_eq!(
        (
            shown["ettd"].as_f64(),
            shown["ettr"].as_f64(),
            shown["users"].as_f64(),
            shown["ettf"].as_f64()
        ),
        (Some(5.0), Some(5.0), Some(100.0), Some(30.0))
    );
    // --per-year is stored as days between occurrences.
    reg.ok(&["edit", &id.to_string(), "--per-year", "12"]);
    assert_eq!(
        reg.json(&["show", &id.to_string()])["ettf"].as_f64(),
        Some(30.4375)
    );
    assert_eq!(bm(&reg, id), Some(120.0));
    // Partial estimates: no bad minutes, and the key is absent.
    let partial = reg.add("Partial", 2, 2, &["--users", "5"]);
    assert!(
        reg.json(&["show", &partial.to_string()])
            .get("bad_minutes_per_year")
            .is_none()
    );
    // "" clears an estimate.
    reg.ok(&["edit", &id.to_string(), "--users", ""]);
    assert_eq!(bm(&reg, id), None);
    let text = reg.ok(&["show", &partial.to_string()]);
    assert!(text.contains("5% of users"), "{text}");
}

#[test]
fn bad_estimates_are_refused_with_the_field_and_value() {
    let reg = Reg::new();
    for (flag, value, field) in [
        ("--ettd", "-1", "ettd"),
        ("--ettr", "NaN", "ettr"),
        ("--users", "101", "users"),
        ("--ettf", "0", "ettf"),
        ("--per-year", "0", "per_year"),
        ("--target-users", "-5", "target_users"),
        ("--ettr", "600000", "ettr"),
        ("--ettf", "1e-320", "ettf"),
        ("--per-year", "1e9", "per_year"),
        ("--target-per-year", "0.00001", "target_per_year"),
    ] {
        let out = reg.fails(
            &[
                "add", "x", "-l", "1", "-i", "1", flag, value, "--format", "json",
            ],
            65,
        );
        let e = json_error(&out);
        assert_eq!(e["error"]["code"], "invalid_field", "{flag}");
        assert_eq!(e["error"]["details"]["field"], field, "{flag}");
        assert_eq!(e["error"]["details"]["value"], value, "{flag}");
    }
    assert!(!reg.db.exists(), "refused before the register was touched");
}

#[test]
fn budget_settings_queries_and_sort() {
    let reg = Reg::new();
    // 262.98 minutes is the single-risk limit at 99.8% and 0.25.
    let big = reg.add(
        "Big",
        1,
        1,
        &[
            "--ettd",
            "60",
            "--ettr",
            "240",
            "--users",
            "100",
            "--per-year",
            "1",
        ],
    ); // 300
    let mid = reg.add(
        "Mid",
        5,
        5,
        &[
            "--ettd",
            "10",
            "--ettr",
            "10",
            "--users",
            "100",
            "--per-year",
            "10",
        ],
    ); // 200
    let none = reg.add("None", 5, 5, &[]);
    assert_eq!(reg.ok(&["config", "get", "slo"]).trim(), "99.8");
    assert_eq!(
        reg.ok(&["config", "get", "single_risk_share"]).trim(),
        "0.25"
    );
    assert_eq!(ids(&reg.json(&["list", "is:too-big"])), vec![big]);
    assert_eq!(ids(&reg.json(&["list", "bm>=200"])), vec![mid, big]);
    assert_eq!(
        ids(&reg.json(&["list", "-is:too-big"])),
        vec![mid, none],
        "no estimates is not too big"
    );
    assert_eq!(
        ids(&reg.json(&["list", "--sort", "bad-minutes"])),
        vec![big, mid, none]
    );
    // A stricter SLO moves the limit: 99.9% → 525.96 budget, 131.49 limit.
    reg.ok(&["config", "set", "slo", "99.9"]);
    assert_eq!(ids(&reg.json(&["list", "is:too-big"])), vec![mid, big]);
    reg.ok(&["config", "set", "single_risk_share", "1"]);
    assert!(ids(&reg.json(&["list", "is:too-big"])).is_empty());
    let e = json_error(&reg.fails(&["config", "set", "slo", "100", "--format", "json"], 65));
    assert_eq!(e["error"]["code"], "invalid_field");
}

#[test]
fn estimates_survive_csv_and_json_round_trips() {
    let reg = Reg::new();
    reg.add(
        "With targets",
        3,
        4,
        &[
            "--ettd",
            "15",
            "--ettr",
            "45",
            "--users",
            "30",
            "--per-year",
            "4",
            "--target-ettr",
            "5",
            "--target-users",
            "5",
        ],
    );
    let before = reg.ok(&["list", "--all", "--format", "json"]);
    for format in ["csv", "json"] {
        let file = reg.path(&format!("out.{format}"));
        reg.ok(&["export", "--format", format, "-o", file.to_str().unwrap()]);
        let other = Reg::new();
        other.ok(&["import", file.to_str().unwrap()]);
        assert_eq!(
            other.ok(&["list", "--all", "--format", "json"]),
            before,
            "{format}"
        );
    }
    let csv = std::fs::read_to_string(reg.path("out.csv")).unwrap();
    assert!(
        csv.contains("\"bad_minutes_per_year\",\"target_bad_minutes_per_year\""),
        "{csv}"
    );
}

#[test]
fn incidents_are_recorded_linked_listed_and_calibrate_estimates() {
    let reg = Reg::new();
    let id = reg.add(
        "Failover is manual",
        4,
        5,
        &[
            "--ettd",
            "5",
            "--ettr",
            "20",
            "--users",
            "100",
            "--per-year",
            "1",
        ],
    );
    let other = reg.add("Other", 1, 1, &[]);
    let first = reg.ok(&[
        "incident",
        "add",
        "Failover took 2 hours",
        "--date",
        "2026-09-01",
        "--ttd",
        "15",
        "--ttr",
        "105",
        "--users",
        "100",
        "--risk",
        &id.to_string(),
        "--link",
        "https://example.com/pm/1",
    ]);
    assert_eq!(first.trim(), "1");
    reg.ok(&[
        "incident",
        "add",
        "Again",
        "--date",
        "2026-11-01",
        "--ttd",
        "10",
        "--ttr",
        "50",
        "--users",
        "100",
        "--risk",
        &id.to_string(),
    ]);
    let linked = reg.json(&["incident", "link", "2", "--risk", &other.to_string()]);
    assert_eq!(linked["risks"], serde_json::json!([id, other]));
    let list = reg.json(&["incident", "list", "--risk", &id.to_string()]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["title"], "Again", "newest first");
    // Unknown risk or incident: not found, nothing written.
    let out = reg.fails(
        &[
            "incident",
            "add",
            "x",
            "--date",
            "2026-11-01",
            "--ttd",
            "1",
            "--ttr",
            "1",
            "--users",
            "1",
            "--risk",
            "99",
        ],
        1,
    );
    assert!(common::stderr(&out).contains("no risk with id 99"));
    reg.fails(&["incident", "link", "9", "--risk", &id.to_string()], 1);
    reg.fails(
        &[
            "incident",
            "add",
            "x",
            "--date",
            "2026-02-30",
            "--ttd",
            "1",
            "--ttr",
            "1",
            "--users",
            "1",
            "--risk",
            "1",
        ],
        65,
    );
    assert_eq!(reg.count("SELECT count(*) FROM incident"), 2);
    // Two incidents in a year against an ETTF of one a year; mean 90 min against 25.
    let report = reg.json(&["report"]);
    let cal = &report["calibration"][0];
    assert_eq!(cal["risk"]["id"].as_i64(), Some(id));
    let flags: Vec<&str> = cal["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["flag"].as_str().unwrap())
        .collect();
    assert_eq!(flags, vec!["more_often", "slower_than_estimated"]);
    assert_eq!(cal["flags"][1]["measured_minutes"].as_f64(), Some(90.0));
    let shown = reg.ok(&["show", &id.to_string()]);
    assert!(
        shown.contains("re-estimate: 2 incidents in the last 365 days"),
        "{shown}"
    );
}

/// A small register whose report is worked out by hand.
fn planned_register() -> Reg {
    let reg = Reg::new();
    reg.ok(&["team", "add", "platform"]);
    reg.ok(&["milestone", "add", "m1", "--due", "2027-01-31"]);
    reg.ok(&["milestone", "add", "m2", "--due", "2027-03-31"]);
    // 121.75 now; 6.0875 once m1 caps users at 5%.
    reg.add(
        "Flags reach everyone",
        5,
        4,
        &[
            "--team",
            "platform",
            "--milestone",
            "m1",
            "--ettd",
            "5",
            "--ettr",
            "5",
            "--users",
            "100",
            "--ettf",
            "30",
            "--target-users",
            "5",
        ],
    );
    // 100 now; 10 once m2 cuts repair to 0 and detect to 10... (10 + 0) × 100% × 1.
    reg.add(
        "Manual failover",
        3,
        5,
        &[
            "--team",
            "platform",
            "--milestone",
            "m2",
            "--ettd",
            "10",
            "--ettr",
            "90",
            "--users",
            "100",
            "--per-year",
            "1",
            "--target-ettr",
            "0",
        ],
    );
    reg.add("No estimates", 2, 2, &[]);
    // The critical risk's work is planned.
    reg.ok(&[
        "action",
        "add",
        "1",
        "Percentage rollouts",
        "--milestone",
        "m1",
    ]);
    reg
}

#[test]
fn report_json_has_the_budget_and_the_milestone_burn_down() {
    let reg = planned_register();
    let r = reg.json(&["report"]);
    assert_eq!(r["budget"]["budget_minutes"].as_f64(), Some(1051.92));
    assert_eq!(r["budget"]["used_minutes"].as_f64(), Some(221.75));
    assert_eq!(r["budget"]["left_minutes"].as_f64(), Some(830.17));
    assert_eq!(r["budget"]["active_without_estimates"].as_i64(), Some(1));
    let m = r["milestones"].as_array().unwrap();
    assert_eq!(m[0]["name"], "m1");
    assert_eq!(m[0]["change_minutes"].as_f64(), Some(-115.66));
    assert_eq!(m[0]["projected_minutes"].as_f64(), Some(106.09));
    assert_eq!(m[1]["projected_minutes"].as_f64(), Some(16.09));
    assert_eq!(m[1]["budget_left_minutes"].as_f64(), Some(1035.83));
    assert_eq!(ids(&r["top_by_bad_minutes"]), vec![1, 2]);
    assert_eq!(r["by_band"]["critical"].as_i64(), Some(1));
    assert_eq!(r["actions"]["open"].as_i64(), Some(1));
    assert_eq!(r["actions"]["by_team"][0]["team"], "platform");
    insta::assert_json_snapshot!("report", r);
    let md = reg.ok(&["report", "--format", "md"]);
    assert!(md.starts_with("# Availability risk register"), "{md}");
    assert!(
        md.contains("## Budget as the milestones land") && md.contains("| m1 |"),
        "{md}"
    );
}

fn rules(reg: &Reg) -> Vec<String> {
    let out = reg.output(&["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ok = doc["ok"].as_bool().unwrap();
    assert_eq!(out.status.code(), Some(if ok { 0 } else { 1 }), "{doc}");
    assert!(out.stderr.is_empty(), "the verdict is the document");
    doc["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn check_passes_a_clean_register() {
    let reg = planned_register();
    assert!(rules(&reg).is_empty());
    let text = reg.ok(&["check"]);
    assert!(text.contains("every rule holds"));
}

#[test]
fn check_fails_each_rule_on_its_own() {
    // An active critical risk without a team, and without a milestone.
    let reg = Reg::new();
    reg.ok(&["milestone", "add", "m", "--due", "2027-01-01"]);
    reg.add("Critical, no team", 5, 4, &["--milestone", "m"]);
    reg.ok(&["action", "add", "1", "Plan it"]);
    assert_eq!(rules(&reg), vec!["critical_without_team"]);
    let reg = Reg::new();
    reg.ok(&["team", "add", "t"]);
    reg.add("Critical, no milestone", 5, 4, &["--team", "t"]);
    reg.ok(&["action", "add", "1", "Plan it"]);
    assert_eq!(rules(&reg), vec!["critical_without_milestone"]);
    // A critical risk with no open action: an open action, or an acceptance, clears it; a
    // done one does not.
    let reg = Reg::new();
    reg.ok(&["team", "add", "t"]);
    reg.ok(&["milestone", "add", "m", "--due", "2027-01-01"]);
    reg.add(
        "Critical, no action",
        5,
        4,
        &["--team", "t", "--milestone", "m"],
    );
    assert_eq!(rules(&reg), vec!["critical_without_action"]);
    reg.ok(&["action", "add", "1", "Add a replica", "--status", "done"]);
    assert_eq!(rules(&reg), vec!["critical_without_action"]);
    reg.ok(&["action", "add", "1", "Add a second replica"]);
    assert!(rules(&reg).is_empty());
    reg.ok(&["action", "done", "2"]);
    reg.ok(&[
        "edit",
        "1",
        "--status",
        "accepted",
        "--approver",
        "cto",
        "--accepted-until",
        "2027-06-30",
    ]);
    assert!(rules(&reg).is_empty());
    // An open action past its due date (its own, or its milestone's).
    let reg = Reg::new();
    reg.ok(&["milestone", "add", "late", "--due", "2026-11-01"]);
    reg.add("Low", 1, 1, &[]);
    reg.ok(&[
        "action",
        "add",
        "1",
        "Own date passed",
        "--due",
        "2026-11-20",
    ]);
    reg.ok(&[
        "action",
        "add",
        "1",
        "Milestone passed",
        "--milestone",
        "late",
    ]);
    reg.ok(&["action", "add", "1", "Not yet", "--due", "2026-12-20"]);
    reg.ok(&[
        "action",
        "add",
        "1",
        "Done late",
        "--due",
        "2026-11-01",
        "--status",
        "done",
    ]);
    assert_eq!(rules(&reg), vec!["action_overdue", "action_overdue"]);
    let out = reg.output(&["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let actions: Vec<i64> = doc["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["action"].as_i64().unwrap())
        .collect();
    assert_eq!(actions, [2, 1], "by the date that counts");
    reg.ok(&["milestone", "edit", "late", "--due", "2027-01-01"]);
    assert_eq!(rules(&reg), vec!["action_overdue"], "the milestone moved");
    // Too big and not accepted; accepting it clears the rule.
    let reg = Reg::new();
    let id = reg.add(
        "Too big",
        1,
        1,
        &[
            "--ettd",
            "60",
            "--ettr",
            "240",
            "--users",
            "100",
            "--per-year",
            "1",
        ],
    );
    assert_eq!(rules(&reg), vec!["too_big_not_accepted"]);
    reg.ok(&[
        "edit",
        &id.to_string(),
        "--status",
        "accepted",
        "--approver",
        "cto",
        "--accepted-until",
        "2027-06-30",
    ]);
    assert!(rules(&reg).is_empty());
    // The register over budget (each risk under the single-risk limit).
    let reg = Reg::new();
    for i in 0..5 {
        reg.add(
            &format!("Share {i}"),
            1,
            1,
            &[
                "--ettd",
                "50",
                "--ettr",
                "200",
                "--users",
                "100",
                "--per-year",
                "1",
            ],
        );
    }
    // Over budget on average is also a high chance of missing the SLO.
    assert_eq!(rules(&reg), vec!["over_budget", "slo_at_risk"]);
    // An acceptance that expired (imported, so the register holds a past date).
    let reg = Reg::new();
    let csv = reg.write(
        "a.csv",
        "title,likelihood,impact,status,approver,accepted_until\nOld acceptance,1,1,accepted,cfo,2026-10-01\n",
    );
    reg.ok(&["import", csv.to_str().unwrap()]);
    assert_eq!(rules(&reg), vec!["acceptance_expired"]);
    // A review date that passed.
    let reg = Reg::new();
    reg.add("Stale", 1, 1, &["--next-review", "2026-11-01"]);
    assert_eq!(rules(&reg), vec!["review_overdue"]);
    // An overdue milestone carrying a high risk.
    let reg = Reg::new();
    reg.ok(&["team", "add", "t"]);
    reg.ok(&["milestone", "add", "late", "--due", "2026-10-01"]);
    reg.add(
        "High on a late milestone",
        4,
        4,
        &["--team", "t", "--milestone", "late"],
    );
    assert_eq!(rules(&reg), vec!["overdue_milestone_high_risks"]);
    let text = reg.output(&["check"]);
    assert_eq!(text.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&text.stdout)
            .contains("overdue_milestone_high_risks: milestone \"late\"")
    );
    assert!(common::stderr(&text).contains("1 violation"));
}

#[test]
fn a_version_1_register_upgrades_and_takes_estimates() {
    if common::sqlite_only("an SQLite file of schema version 1") {
        return;
    }
    let reg = Reg::new();
    let fixture = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/schema-v1.sql"
    ))
    .unwrap();
    {
        let conn = reg.conn();
        conn.execute_batch(&fixture).unwrap();
        conn.pragma_update(None, "application_id", riskreg::store::APPLICATION_ID)
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO risk (title, likelihood, impact, status, created_at, updated_at)
             VALUES ('from v1', 3, 3, 'open', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');",
        )
        .unwrap();
    }
    assert_eq!(bm(&reg, 1), None);
    reg.ok(&[
        "edit", "1", "--ettd", "5", "--ettr", "5", "--users", "100", "--ettf", "30",
    ]);
    assert_eq!(bm(&reg, 1), Some(121.75));
    assert!(reg.ok(&["db", "check"]).contains("ok"));
}
