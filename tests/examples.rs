//! What `examples/` promises in the README: the sample register imports as described and
//! survives an export round trip, and the `top_risks` library example works on it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use common::{Reg, isolate, stderr};

fn sample_csv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sample-register.csv")
}

/// A fresh register holding the sample, and the import's summary.
fn imported_sample() -> (Reg, String) {
    let reg = Reg::new();
    let summary = reg.ok(&["import", sample_csv().to_str().unwrap()]);
    (reg, summary)
}

#[test]
fn sample_register_imports_with_its_teams_and_milestones() {
    let (reg, summary) = imported_sample();
    assert!(
        summary.contains("32 created, 0 updated, 0 unchanged"),
        "{summary}"
    );
    let created = |what: &str| -> usize {
        let line = summary
            .lines()
            .find(|l| l.starts_with(&format!("created {what}: ")))
            .unwrap_or_else(|| panic!("no 'created {what}' line in {summary:?}"));
        line.split(": ").nth(1).unwrap().split(", ").count()
    };
    assert_eq!(created("teams"), 6, "{summary}");
    assert_eq!(created("milestones"), 8, "{summary}");

    assert_eq!(reg.count("SELECT count(*) FROM risk"), 32);
    assert_eq!(reg.count("SELECT count(*) FROM team"), 6);
    assert_eq!(reg.count("SELECT count(*) FROM milestone"), 8);
    assert_eq!(
        reg.count(
            "SELECT count(*) FROM risk WHERE status = 'accepted' AND approver <> '' \
             AND accepted_until IS NOT NULL"
        ),
        2
    );
    assert_eq!(
        reg.count("SELECT count(*) FROM risk WHERE status = 'accepted'"),
        2
    );
    assert_eq!(reg.count("SELECT count(*) FROM risk WHERE owner = ''"), 3);
    assert_eq!(
        reg.count("SELECT count(*) FROM risk WHERE milestone_id IS NULL"),
        4
    );
    for (status, n) in [("closed", 2), ("mitigated", 2)] {
        let sql = format!("SELECT count(*) FROM risk WHERE status = '{status}'");
        assert_eq!(reg.count(&sql), n, "{status}");
    }
    assert!(reg.count("SELECT count(*) FROM risk WHERE score >= 20") >= 3);
    let bands = reg.json(&["list", "--all"]);
    for band in ["low", "medium", "high", "critical"] {
        assert!(
            bands.as_array().unwrap().iter().any(|r| r["band"] == band),
            "no {band} risk in the sample"
        );
    }
    // One acceptance has lapsed (2026-10-01), the other runs into 2027.
    let lapsed = reg.json(&["list", "status:accepted", "is:review-due"]);
    assert_eq!(lapsed.as_array().unwrap().len(), 1, "{lapsed}");
}

/// The importer dates a milestone from the first row that creates it and ignores
/// `milestone_due` afterwards, so every row naming a milestone must agree on its date.
#[test]
fn sample_register_milestone_dates_agree_on_every_row() {
    let mut reader = csv::Reader::from_path(sample_csv()).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (milestone, due) = (column("milestone"), column("milestone_due"));
    let mut dates: HashMap<String, String> = HashMap::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.unwrap();
        let line = i + 2;
        if row[milestone].is_empty() {
            assert!(
                row[due].is_empty(),
                "line {line}: a due date without a milestone"
            );
            continue;
        }
        let first = dates
            .entry(row[milestone].to_string())
            .or_insert_with(|| row[due].to_string());
        assert_eq!(*first, row[due], "line {line}: {}", &row[milestone]);
    }
    assert_eq!(dates.len(), 8);

    let (reg, _) = imported_sample();
    let stored: HashMap<String, String> = reg
        .json(&["milestone", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap().to_string(),
                m["due"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(stored, dates);
}

/// Export → import into an empty register gives the same register: ids and `created_at`
/// travel in the file, and the frozen clock makes `updated_at` and `revision` equal too.
#[test]
fn sample_register_survives_csv_export_and_reimport() {
    let (source, _) = imported_sample();
    let exported = source.path("export.csv");
    source.ok(&[
        "export",
        "--all",
        "--format",
        "csv",
        "-o",
        exported.to_str().unwrap(),
    ]);
    let target = Reg::new();
    let summary = target.ok(&["import", exported.to_str().unwrap()]);
    assert!(summary.contains("32 created"), "{summary}");
    let before = source.json(&["list", "--all"]);
    assert_eq!(before.as_array().unwrap().len(), 32);
    assert_eq!(target.json(&["list", "--all"]), before);
}

/// The example binary, built once for this test run. Cargo gives integration tests the
/// paths of `[[bin]]` targets only (`CARGO_BIN_EXE_*`), not of examples, so ask cargo to
/// build it and read the path from its JSON messages.
fn top_risks_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let out = Command::new(env!("CARGO"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "build",
                "--quiet",
                "--locked",
                "--example",
                "top_risks",
                "--message-format=json",
            ])
            .output()
            .expect("run cargo");
        assert!(
            out.status.success(),
            "cargo build --example top_risks: {}",
            stderr(&out)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "top_risks")
            .find_map(|m| m["executable"].as_str().map(PathBuf::from))
            .expect("cargo reports the example's executable")
    })
}

fn top_risks(reg: &Reg, args: &[&str]) -> Output {
    let mut cmd = Command::new(top_risks_bin());
    isolate(&mut cmd, reg.dir.path());
    cmd.args(args).output().expect("run top_risks")
}

#[test]
fn top_risks_example_prints_the_highest_priorities_first() {
    let (reg, _) = imported_sample();
    let db = reg.db.to_str().unwrap();
    let out = top_risks(&reg, &["--db", db, "5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 5, "{text}");
    assert!(rows.iter().all(|r| r.len() == 6), "{text}");
    let scores: Vec<u8> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert_eq!(rows[0][1], "25", "{text}");

    // The same risks, in the same order, as `riskreg list`.
    let listed = reg.json(&["list", "--limit", "5"]);
    let expected: Vec<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let name = |k: &str| r[k].as_str().unwrap_or("-").to_string();
            [
                r["id"].to_string(),
                r["score"].to_string(),
                name("band"),
                name("title"),
                name("team"),
                name("milestone"),
            ]
            .join("\t")
        })
        .collect();
    assert_eq!(text.lines().collect::<Vec<_>>(), expected);

    // $RISKREG_DB stands in for --db, and N defaults to 10.
    let mut cmd = Command::new(top_risks_bin());
    isolate(&mut cmd, reg.dir.path());
    let out = cmd.env("RISKREG_DB", &reg.db).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 10);
}

#[test]
fn top_risks_example_exits_like_riskreg_on_errors() {
    let reg = Reg::new();
    let missing = reg.path("missing.db");
    let out = top_risks(&reg, &["--db", missing.to_str().unwrap(), "5"]);
    assert_eq!(out.status.code(), Some(66), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("missing.db"), "{}", stderr(&out));
    assert!(!missing.exists(), "a missing register is never created");

    let not_ours = reg.write("notes.db", "not a database");
    let out = top_risks(&reg, &["--db", not_ours.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(65), "{}", stderr(&out));

    for bad in [
        &["0"][..],
        &["ten"],
        &["--db"],
        &["--limit", "5"],
        &["1", "2"],
    ] {
        let out = top_risks(&reg, bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("usage: top_risks"), "{bad:?}");
        assert!(out.stdout.is_empty(), "{bad:?}");
    }
}
