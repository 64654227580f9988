//! The register as of any moment (issue 12): rebuilt from the history, it equals what the
//! register said at that moment, for random sequences of changes (a property test through
//! the real binary), and says what it cannot rebuild.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use common::{Reg, stderr};
use proptest::prelude::*;
use serde_json::Value;

/// The frozen clock of step `k`: one hour apart, so the sequence crosses days.
fn moment(k: usize) -> String {
    let hours = 5 + k;
    format!("2026-11-{:02}T{:02}:00:00Z", 1 + hours / 24, hours % 24)
}

/// What the register says at a moment: every risk, and the report.
fn snapshot(reg: &Reg, now: &str, as_of: Option<&str>) -> (Value, Value) {
    let mut list = vec!["list", "--all"];
    let mut report = vec!["report"];
    if let Some(t) = as_of {
        list.extend(["--as-of", t]);
        report.extend(["--as-of", t]);
    }
    (reg.json_at(now, &list), reg.json_at(now, &report))
}

#[derive(Clone, Debug)]
enum Op {
    Add { l: u8, i: u8, team: bool, est: bool },
    Edit { pick: usize, what: u8, value: u8 },
    Status { pick: usize, to: u8 },
    Review { pick: usize },
    Delete { pick: usize },
    Import { pick: usize, l: u8 },
    ActionAdd { pick: usize },
    ActionChange { pick: usize, what: u8 },
    Comment { pick: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1u8..=5, 1u8..=5, any::<bool>(), any::<bool>())
            .prop_map(|(l, i, team, est)| Op::Add { l, i, team, est }),
        4 => (any::<usize>(), 0u8..6, 1u8..=5).prop_map(|(pick, what, value)| Op::Edit { pick, what, value }),
        2 => (any::<usize>(), 0u8..5).prop_map(|(pick, to)| Op::Status { pick, to }),
        1 => any::<usize>().prop_map(|pick| Op::Review { pick }),
        1 => any::<usize>().prop_map(|pick| Op::Delete { pick }),
        1 => (any::<usize>(), 1u8..=5).prop_map(|(pick, l)| Op::Import { pick, l }),
        2 => any::<usize>().prop_map(|pick| Op::ActionAdd { pick }),
        2 => (any::<usize>(), 0u8..4).prop_map(|(pick, what)| Op::ActionChange { pick, what }),
        1 => any::<usize>().prop_map(|pick| Op::Comment { pick }),
    ]
}

fn ids(list: &Value) -> Vec<(i64, i64)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_i64().unwrap(), r["revision"].as_i64().unwrap()))
        .collect()
}

/// Applies one operation at `now` (an operation on a risk that is not there is skipped).
fn apply(reg: &Reg, now: &str, op: &Op, risks: &[(i64, i64)], actions: &[i64]) {
    let pick = |p: usize| risks.get(p % risks.len().max(1)).copied();
    match op {
        Op::Add { l, i, team, est } => {
            let (l, i) = (l.to_string(), i.to_string());
            let mut args = vec!["add", "A risk", "-l", &l, "-i", &i];
            if *team {
                args.extend(["--team", "core", "--milestone", "q1"]);
            }
            if *est {
                args.extend([
                    "--ettd",
                    "10",
                    "--ettr",
                    "20..60",
                    "--users",
                    "50",
                    "--per-year",
                    "4",
                ]);
            }
            reg.ok_at(now, &args);
        }
        Op::Edit {
            pick: p,
            what,
            value,
        } => {
            let Some((id, _)) = pick(*p) else { return };
            let id = id.to_string();
            let v = value.to_string();
            let title = format!("Renamed {value}");
            let description = format!("Tab\there, line\nbreak {value}");
            let owner = format!("owner{value}");
            let args: Vec<&str> = match what {
                0 => vec!["edit", &id, "-l", &v],
                1 => vec!["edit", &id, "-i", &v, "--target-impact", "1"],
                2 => vec![
                    "edit",
                    &id,
                    "--title",
                    &title,
                    "--description",
                    &description,
                ],
                3 => vec!["edit", &id, "--owner", &owner, "--tag", "db"],
                4 => vec!["edit", &id, "--team", "", "--milestone", ""],
                _ => vec![
                    "edit", &id, "--ettd", &v, "--ettr", "5", "--users", "100", "--ettf", "30",
                ],
            };
            reg.ok_at(now, &args);
        }
        Op::Status { pick: p, to } => {
            let Some((id, _)) = pick(*p) else { return };
            let id = id.to_string();
            let args: Vec<&str> = match to {
                0 => vec!["edit", &id, "--status", "mitigating"],
                1 => vec!["edit", &id, "--status", "mitigated"],
                2 => vec!["edit", &id, "--status", "closed"],
                3 => vec!["edit", &id, "--status", "open"],
                _ => vec![
                    "edit",
                    &id,
                    "--status",
                    "accepted",
                    "--approver",
                    "cto",
                    "--accepted-until",
                    "2027-06-30",
                ],
            };
            // A closed risk only reopens: a refused move changes nothing.
            reg.output_at(now, &args);
        }
        Op::Review { pick: p } => {
            let Some((id, _)) = pick(*p) else { return };
            reg.ok_at(now, &["review", &id.to_string()]);
        }
        Op::Delete { pick: p } => {
            let Some((id, _)) = pick(*p) else { return };
            reg.ok_at(now, &["delete", &id.to_string(), "--yes"]);
        }
        Op::Import { pick: p, l } => {
            let mut csv =
                String::from("id,revision,title,likelihood,impact\n,,Imported risk,2,2\n");
            if let Some((id, revision)) = pick(*p) {
                csv.push_str(&format!("{id},{revision},Updated by import,{l},3\n"));
            }
            let file = reg.write("import.csv", csv);
            reg.ok_at(now, &["import", file.to_str().unwrap()]);
        }
        Op::ActionAdd { pick: p } => {
            let Some((id, _)) = pick(*p) else { return };
            reg.ok_at(
                now,
                &[
                    "action",
                    "add",
                    &id.to_string(),
                    "Add a canary",
                    "--due",
                    "2026-11-02",
                ],
            );
        }
        Op::ActionChange { pick: p, what } => {
            let Some(id) = actions.get(p % actions.len().max(1)) else {
                return;
            };
            let id = id.to_string();
            let args: Vec<&str> = match what {
                0 => vec!["action", "done", &id],
                1 => vec!["action", "edit", &id, "--owner", "kim", "--status", "doing"],
                2 => vec!["action", "edit", &id, "--due", ""],
                _ => vec!["action", "delete", &id, "--yes"],
            };
            reg.output_at(now, &args);
        }
        Op::Comment { pick: p } => {
            let Some((id, _)) = pick(*p) else { return };
            reg.ok_at(
                now,
                &["comment", &id.to_string(), "Discussed in the review"],
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]

    /// RELIABILITY: the register rebuilt as of each moment equals the snapshot taken then.
    #[test]
    fn the_register_as_of_each_moment_equals_its_snapshot(ops in prop::collection::vec(op(), 12..24)) {
        let reg = Reg::new();
        let start = moment(0);
        reg.ok_at(&start, &["team", "add", "core"]);
        reg.ok_at(&start, &["milestone", "add", "q1", "--due", "2027-03-31"]);
        let mut snapshots = Vec::new();
        for (k, op) in ops.iter().enumerate() {
            let now = moment(k + 1);
            let risks = ids(&reg.json_at(&now, &["list", "--all"]));
            let actions: Vec<i64> = reg.json_at(&now, &["action", "list", "--all"])
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["id"].as_i64().unwrap())
                .collect();
            apply(&reg, &now, op, &risks, &actions);
            snapshots.push((now.clone(), snapshot(&reg, &now, None)));
        }
        let last = moment(ops.len() + 2);
        for (now, (list, report)) in &snapshots {
            let (rebuilt_list, rebuilt_report) = snapshot(&reg, &last, Some(now));
            prop_assert_eq!(&rebuilt_list, list, "list --as-of {}", now);
            prop_assert_eq!(&rebuilt_report, report, "report --as-of {}", now);
        }
    }
}

#[test]
fn as_of_a_date_shows_the_end_of_that_day_and_show_its_history() {
    let reg = Reg::new();
    let id = reg
        .ok_at(
            "2026-10-01T09:00:00Z",
            &["add", "Disk fills", "-l", "2", "-i", "3"],
        )
        .trim()
        .to_string();
    reg.ok_at("2026-10-01T18:00:00Z", &["edit", &id, "-l", "4"]);
    reg.ok_at(
        "2026-10-05T09:00:00Z",
        &["edit", &id, "-l", "5", "--owner", "ana"],
    );
    reg.ok_at("2026-10-06T09:00:00Z", &["delete", &id, "--yes"]);
    let now = "2026-11-24T09:00:00Z";
    assert!(reg.json_at(now, &["list"]).as_array().unwrap().is_empty());
    let then = reg.json_at(now, &["list", "--as-of", "2026-10-01"]);
    assert_eq!(then[0]["likelihood"], 4, "the end of the day: {then}");
    assert_eq!(then[0]["owner"], "");
    assert_eq!(then[0]["revision"], 2);
    assert_eq!(then[0]["updated_at"], "2026-10-01T18:00:00Z");
    let later = reg.json_at(now, &["show", &id, "--as-of", "2026-10-05"]);
    assert_eq!(later["likelihood"], 5);
    assert_eq!(later["owner"], "ana");
    let page = reg.ok_at(now, &["show", &id, "--as-of", "2026-10-05"]);
    assert!(page.contains("likelihood: 4 → 5"), "{page}");
    assert!(
        reg.json_at(now, &["list", "--as-of", "2026-09-30"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    let matrix = reg.json_at(now, &["matrix", "--as-of", "2026-10-05"]);
    assert_eq!(matrix["total"], 1);
    // Bad moments are usage errors that say what to type.
    let out = reg.output_at(now, &["list", "--as-of", "2027-01-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("in the future"), "{}", stderr(&out));
    let out = reg.output_at(now, &["list", "--as-of", "last week"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("YYYY-MM-DD"), "{}", stderr(&out));
}

#[test]
fn a_delete_from_before_version_7_is_named_not_guessed() {
    let reg = Reg::new();
    let now = "2026-11-24T09:00:00Z";
    reg.ok_at(
        "2026-10-01T09:00:00Z",
        &["add", "Kept", "-l", "2", "-i", "3"],
    );
    // What an older riskreg wrote for a risk it deleted: no deleted state.
    reg.sql(
        "INSERT INTO event (risk_id, at, actor, kind, new, revision, note)
         VALUES (99, '2026-09-01T00:00:00Z', 'old', 'create', 'Old risk', 1, '');
         INSERT INTO event (risk_id, at, actor, kind, old, note)
         VALUES (99, '2026-10-03T00:00:00Z', 'old', 'delete', 'Old risk', '');",
    )
    .unwrap();
    let out = reg.output_at(now, &["list", "--as-of", "2026-10-01", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("cannot rebuild risk 99") && err.contains("schema version 7"),
        "{err}"
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
}

/// `changes` on a hand-built fortnight: each item once, in its group, nothing from outside
/// the window.
#[test]
fn changes_lists_a_fortnight_once_each_in_its_group() {
    let reg = Reg::new();
    let before = "2026-10-30T09:00:00Z";
    reg.ok_at(before, &["team", "add", "core"]);
    reg.ok_at(before, &["team", "add", "data"]);
    reg.ok_at(before, &["milestone", "add", "q1", "--due", "2027-03-31"]);
    let add = |now: &str, title: &str, l: &str, i: &str, extra: &[&str]| -> String {
        let mut args = vec!["add", title, "-l", l, "-i", i];
        args.extend_from_slice(extra);
        reg.ok_at(now, &args).trim().to_string()
    };
    let old = add(
        before,
        "Old and quiet",
        "2",
        "2",
        &["--team", "core", "--next-review", "2027-01-01"],
    );
    let moved = add(
        before,
        "Moves band",
        "2",
        "3",
        &["--team", "core", "--next-review", "2027-01-01"],
    );
    let closing = add(
        before,
        "Gets closed",
        "3",
        "3",
        &["--team", "data", "--next-review", "2027-01-01"],
    );
    let deleted = add(
        before,
        "Gets deleted",
        "1",
        "1",
        &["--next-review", "2027-01-01"],
    );
    let accepted = add(
        before,
        "Accepted, expiring",
        "2",
        "2",
        &[
            "--status",
            "accepted",
            "--approver",
            "cto",
            "--accepted-until",
            "2026-11-25",
            "--next-review",
            "2027-01-01",
        ],
    );
    // Outside the window, before it: not listed.
    reg.ok_at("2026-10-31T09:00:00Z", &["edit", &old, "--owner", "early"]);
    // The fortnight: 2026-11-02 to 2026-11-15.
    let new = add(
        "2026-11-03T09:00:00Z",
        "Brand new",
        "4",
        "4",
        &["--team", "data", "--next-review", "2027-01-01"],
    );
    reg.ok_at(
        "2026-11-04T09:00:00Z",
        &["edit", &moved, "-l", "4", "--next-review", "2027-01-01"],
    );
    reg.ok_at(
        "2026-11-05T09:00:00Z",
        &["edit", &closing, "--status", "closed"],
    );
    reg.ok_at("2026-11-06T09:00:00Z", &["delete", &deleted, "--yes"]);
    reg.ok_at(
        "2026-11-07T09:00:00Z",
        &["edit", &moved, "--owner", "kim", "--milestone", "q1"],
    );
    reg.ok_at(
        "2026-11-08T09:00:00Z",
        &[
            "action",
            "add",
            &moved,
            "Add a replica",
            "--due",
            "2026-11-10",
        ],
    );
    reg.ok_at(
        "2026-11-09T09:00:00Z",
        &[
            "action",
            "add",
            &old,
            "Write the runbook",
            "--due",
            "2027-01-01",
        ],
    );
    reg.ok_at("2026-11-10T09:00:00Z", &["action", "done", "2"]);
    // After the window: not listed.
    reg.ok_at("2026-11-20T09:00:00Z", &["edit", &new, "--owner", "late"]);
    let now = "2026-11-24T09:00:00Z";
    let doc = reg.json_at(
        now,
        &["changes", "--since", "2026-11-02", "--until", "2026-11-15"],
    );
    let got: Vec<(String, i64, Option<i64>)> = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["group"].as_str().unwrap().to_string(),
                c["risk"].as_i64().unwrap(),
                c["action"].as_i64(),
            )
        })
        .collect();
    let id = |s: &String| s.parse::<i64>().unwrap();
    let expected = vec![
        ("new".to_string(), id(&new), None),
        ("closed".to_string(), id(&closing), None),
        ("deleted".to_string(), id(&deleted), None),
        ("band".to_string(), id(&moved), None),
        ("owner".to_string(), id(&moved), None),
        ("milestone".to_string(), id(&moved), None),
        ("action_added".to_string(), id(&old), Some(2)),
        ("action_added".to_string(), id(&moved), Some(1)),
        ("action_done".to_string(), id(&old), Some(2)),
        ("action_overdue".to_string(), id(&moved), Some(1)),
        ("acceptance_expiring".to_string(), id(&accepted), None),
    ];
    let mut sorted_got = got.clone();
    sorted_got.sort();
    let mut sorted_expected = expected.clone();
    sorted_expected.sort();
    assert_eq!(sorted_got, sorted_expected, "{doc:#}");
    let band = doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["group"] == "band")
        .unwrap();
    assert_eq!(band["what"], "medium (6) → high (12)");
    // Only what the query selects; grouped by team in Markdown.
    let data = reg.json_at(
        now,
        &[
            "changes",
            "--since",
            "2026-11-02",
            "--until",
            "2026-11-15",
            "team:data",
        ],
    );
    let groups: Vec<&str> = data["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["group"].as_str().unwrap())
        .collect();
    assert_eq!(groups, vec!["new", "closed"], "{data:#}");
    let md = reg.ok_at(
        now,
        &[
            "changes",
            "--since",
            "2026-11-02",
            "--until",
            "2026-11-15",
            "--by",
            "team",
            "--format",
            "md",
        ],
    );
    assert!(
        md.contains("### Team core") && md.contains("#### Band moves (1)"),
        "{md}"
    );
    assert!(md.contains("then") && md.contains("now"), "{md}");
}

/// `trend`: each week's figures as they stood at its end, oldest first.
#[test]
fn trend_shows_each_week_as_it_stood() {
    let reg = Reg::new();
    let est = [
        "--ettd",
        "30",
        "--ettr",
        "90",
        "--users",
        "100",
        "--per-year",
        "2",
    ];
    let mut args = vec!["add", "Critical", "-l", "5", "-i", "5"];
    args.extend(est);
    let critical = reg.ok_at("2026-11-02T09:00:00Z", &args).trim().to_string();
    reg.ok_at(
        "2026-11-03T09:00:00Z",
        &["add", "Low", "-l", "1", "-i", "2"],
    );
    reg.ok_at(
        "2026-11-04T09:00:00Z",
        &[
            "action",
            "add",
            &critical,
            "Fail over",
            "--due",
            "2026-11-12",
        ],
    );
    reg.ok_at(
        "2026-11-18T09:00:00Z",
        &["edit", &critical, "--status", "closed"],
    );
    let now = "2026-11-24T09:00:00Z";
    let doc = reg.json_at(now, &["trend", "--weeks", "4"]);
    let weeks = doc["weeks"].as_array().unwrap();
    let col = |k: &str| weeks.iter().map(|w| w[k].clone()).collect::<Vec<_>>();
    assert_eq!(
        col("week_ending"),
        vec!["2026-11-03", "2026-11-10", "2026-11-17", "2026-11-24"],
        "{doc:#}"
    );
    assert_eq!(col("active"), vec![2, 2, 2, 1]);
    assert_eq!(col("critical"), vec![1, 1, 1, 0]);
    assert_eq!(col("actions_open"), vec![0, 1, 1, 1]);
    assert_eq!(col("actions_overdue"), vec![0, 0, 1, 1]);
    assert_eq!(col("bad_minutes"), vec![240.0, 240.0, 240.0, 0.0]);
    assert!(weeks[0]["miss_probability"].as_f64().unwrap() < 0.2);
    let csv = reg.ok_at(now, &["trend", "--weeks", "2", "--format", "csv"]);
    assert!(csv.starts_with("week_ending,active,critical,high,medium,low,actions_open,actions_overdue,bad_minutes,budget_minutes,miss_probability\n"), "{csv}");
    assert_eq!(csv.lines().count(), 3, "{csv}");
    let table = reg.ok_at(now, &["trend", "--weeks", "2"]);
    assert!(table.contains("WEEK") && table.contains("MISS"), "{table}");
    // At 80 columns the dates stay; an optional column goes first.
    let narrow = reg
        .cmd()
        .env("RISKREG_NOW", now)
        .env("COLUMNS", "80")
        .args(["trend", "--weeks", "2"])
        .output()
        .unwrap();
    let narrow = String::from_utf8(narrow.stdout).unwrap();
    assert!(
        narrow.contains("2026-11-24") && narrow.contains("MISS"),
        "{narrow}"
    );
    assert!(narrow.lines().all(|l| l.chars().count() <= 80), "{narrow}");
}
