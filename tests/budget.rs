//! A budget that tells the truth (issue 11), by hand-worked cases through the real binary:
//! residual risk, mitigated risks at their targets, a milestone landing, partial estimates,
//! the too-big rule's outcomes, estimate ranges.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod common;

use common::{Reg, stderr};
use serde_json::Value;

/// 10 minutes to detect, 50 to repair, everyone, once a year: 60 bad minutes a year.
const YEARLY_HOUR: [&str; 8] = [
    "--ettd", "10", "--ettr", "50", "--users", "100", "--ettf", "365.25",
];

fn used(reg: &Reg) -> f64 {
    reg.json(&["report"])["budget"]["used_minutes"]
        .as_f64()
        .unwrap()
}

fn rules(reg: &Reg) -> Vec<(String, String)> {
    let out = reg.output(&["check", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["rule"].as_str().unwrap().to_string(),
                v["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn residual_levels_are_set_shown_queried_and_mapped() {
    let reg = Reg::new();
    reg.add(
        "Failover is manual",
        4,
        5,
        &["--target-likelihood", "2", "--target-impact", "3"],
    );
    reg.add("No plan yet", 3, 3, &[]);
    let r = reg.json(&["show", "1"]);
    assert_eq!(
        (
            &r["target_likelihood"],
            &r["target_impact"],
            &r["target_score"],
            &r["target_band"]
        ),
        (
            &Value::from(2),
            &Value::from(3),
            &Value::from(6),
            &Value::from("medium")
        )
    );
    let plain = reg.json(&["show", "2"]);
    assert_eq!(plain["target_score"], 9, "no target: today's score");
    let ids = |q: &[&str]| -> Vec<i64> {
        reg.json(&[&["list"][..], q].concat())
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(&["target_score<=6"]), [1]);
    assert_eq!(ids(&["target_likelihood>=3"]), [2]);
    // The residual heat map counts each risk at its target levels.
    let cell = |m: &Value, l: u64, i: u64| {
        m["cells"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["likelihood"] == l && c["impact"] == i)
            .unwrap()["count"]
            .as_u64()
            .unwrap()
    };
    let now = reg.json(&["matrix"]);
    let then = reg.json(&["matrix", "--target"]);
    assert_eq!((cell(&now, 4, 5), cell(&then, 4, 5)), (1, 0));
    assert_eq!((cell(&now, 2, 3), cell(&then, 2, 3)), (0, 1));
    // An empty value clears a target; a bad one is refused.
    reg.ok(&["edit", "1", "--target-impact", ""]);
    assert_eq!(reg.json(&["show", "1"])["target_score"], 10);
    let out = reg.fails(&["edit", "1", "--target-likelihood", "7"], 65);
    assert!(
        stderr(&out).contains("target_likelihood"),
        "{}",
        stderr(&out)
    );
    // Spreadsheets: the targets round-trip; target_score and target_band are computed.
    let file = reg.path("r.csv");
    reg.ok(&["export", "-o", file.to_str().unwrap()]);
    let fresh = Reg::new();
    fresh.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(fresh.json(&["show", "1"])["target_likelihood"], 2);
    assert_eq!(fresh.json(&["show", "1"])["target_impact"], Value::Null);
}

#[test]
fn a_mitigated_risk_counts_at_its_targets_and_only_closed_leaves_the_budget() {
    let reg = Reg::new();
    let mut args = YEARLY_HOUR.to_vec();
    args.extend(["--target-ettr", "5"]);
    reg.add("Slow failover", 3, 4, &args);
    assert_eq!(used(&reg), 60.0);
    reg.ok(&["edit", "1", "--status", "mitigated"]);
    // (10 + 5) minutes, once a year: the residual risk, not 0 and not 60.
    assert_eq!(used(&reg), 15.0);
    let report = reg.json(&["report"]);
    let m = &report["budget"]["mitigated"];
    assert_eq!(
        (
            m["risks"].as_u64(),
            m["at_target"].as_u64(),
            m["minutes"].as_f64()
        ),
        (Some(1), Some(1), Some(15.0))
    );
    let text = reg.ok(&["report"]);
    assert!(
        text.contains("1 risk is mitigated and counts 15: the residual risk, at target estimates"),
        "{text}"
    );
    // Without targets a mitigated risk counts at today's estimates.
    reg.ok(&["edit", "1", "--target-ettr", ""]);
    assert_eq!(used(&reg), 60.0);
    reg.ok(&["edit", "1", "--status", "closed"]);
    assert_eq!(used(&reg), 0.0, "closed leaves the budget");
}

#[test]
fn a_milestone_that_lands_applies_its_risks_targets() {
    let reg = Reg::new();
    reg.ok(&["milestone", "add", "m1", "--due", "2027-01-31"]);
    reg.ok(&["milestone", "add", "m2", "--due", "2027-03-31"]);
    let mut args = YEARLY_HOUR.to_vec();
    args.extend([
        "--milestone",
        "m1",
        "--target-ettr",
        "5",
        "--target-users",
        "10",
        "--target-likelihood",
        "2",
    ]);
    reg.add("Lands with m1", 4, 4, &args);
    let mut other = YEARLY_HOUR.to_vec();
    other.extend(["--milestone", "m2", "--target-ettd", "1"]);
    reg.add("Lands with m2", 3, 3, &other);
    let burn = |reg: &Reg| -> Vec<String> {
        reg.json(&["report"])["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(burn(&reg), ["m1", "m2"]);
    let out = reg.ok(&["milestone", "edit", "m1", "--status", "done"]);
    assert!(
        out.contains("it landed: 1 risk took their targets as current (1)"),
        "{out}"
    );
    let r = reg.json(&["show", "1"]);
    assert_eq!(
        (&r["ettr"], &r["users"], &r["likelihood"]),
        (&Value::from(5.0), &Value::from(10.0), &Value::from(2))
    );
    assert_eq!(
        (
            &r["target_ettr"],
            &r["target_users"],
            &r["target_likelihood"]
        ),
        (&Value::Null, &Value::Null, &Value::Null),
        "targets cleared"
    );
    // One event per field, each noted.
    let events = reg.json(&["history", "1"]);
    let landed: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["note"] == "milestone m1 landed")
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    // The new likelihood moves the risk to another band, which reschedules its review.
    assert_eq!(
        landed,
        [
            "target_users",
            "target_ettr",
            "users",
            "ettr",
            "next_review",
            "target_likelihood",
            "likelihood"
        ]
    );
    assert_eq!(burn(&reg), ["m2"], "a done milestone leaves the burn-down");
    assert_eq!(
        reg.json(&["show", "2"])["ettd"],
        10.0,
        "m2's risk untouched"
    );
    // --keep-estimates marks it done and leaves the risks alone; done again does nothing.
    let before = reg.count("SELECT count(*) FROM event");
    reg.ok(&[
        "milestone",
        "edit",
        "m2",
        "--status",
        "done",
        "--keep-estimates",
    ]);
    assert_eq!(reg.json(&["show", "2"])["target_ettd"], 1.0);
    assert_eq!(reg.count("SELECT count(*) FROM event"), before);
    reg.ok(&["milestone", "edit", "m2", "--status", "in-progress"]);
    reg.ok(&["milestone", "edit", "m1", "--status", "done"]);
    assert_eq!(
        reg.count("SELECT count(*) FROM event"),
        before,
        "m1 was done already"
    );
    reg.fails(&["milestone", "edit", "m2", "--keep-estimates"], 2);
}

#[test]
fn partial_estimates_are_found_warned_about_and_checked() {
    let reg = Reg::new();
    reg.add("Half estimated", 2, 2, &["--ettd", "10", "--ettr", "20"]);
    reg.add("Fully estimated", 2, 2, &YEARLY_HOUR);
    reg.add("Not estimated", 2, 2, &[]);
    let ids: Vec<i64> = reg
        .json(&["list", "is:partial-estimates"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [1]);
    let show = reg.ok(&["show", "1"]);
    assert!(
        show.contains("partial estimates: without users, every, its bad minutes are not counted"),
        "{show}"
    );
    let v = rules(&reg);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].0, "partial_estimates");
    assert!(v[0].1.contains("without users, every"), "{}", v[0].1);
    let report = reg.json(&["report"]);
    assert_eq!(report["partial_estimates"][0]["id"], 1);
    assert!(
        reg.ok(&["report"])
            .contains("1 partial ones (neither counted)")
    );
}

#[test]
fn too_big_holds_only_when_accepted_or_planned_under_the_limit() {
    // 60 + 240 minutes, everyone, once a year: 300 bad minutes, over the 263 limit.
    let big = [
        "--ettd", "60", "--ettr", "240", "--users", "100", "--ettf", "365.25",
    ];
    let case = |status: &str, milestone_due: Option<&str>, target_ettr: Option<&str>| {
        let reg = Reg::new();
        let mut args = big.to_vec();
        if let Some(due) = milestone_due {
            reg.ok(&["milestone", "add", "m", "--due", due]);
            args.extend(["--milestone", "m"]);
        }
        if let Some(t) = target_ettr {
            args.extend(["--target-ettr", t]);
        }
        reg.add("Too big", 1, 1, &args);
        if status != "open" {
            let mut edit = vec!["edit", "1", "--status", status];
            if status == "accepted" {
                edit.extend(["--approver", "cto", "--accepted-until", "2027-06-30"]);
            }
            reg.ok(&edit);
        }
        rules(&reg)
            .into_iter()
            .filter(|(r, _)| r == "too_big_not_accepted")
            .map(|(_, m)| m)
            .collect::<Vec<_>>()
    };
    let open = case("open", None, None);
    assert!(
        open[0].contains("300 bad minutes a year, over the single-risk limit of 263; mitigate it"),
        "{open:?}"
    );
    assert!(open[0].contains("or accept it"), "{open:?}");
    assert!(case("accepted", None, None).is_empty(), "accepted holds");
    assert!(
        case("mitigating", Some("2027-03-31"), Some("10")).is_empty(),
        "planned under the limit holds"
    );
    let still_over = case("mitigating", Some("2027-03-31"), Some("230"));
    assert!(
        still_over[0].contains("its milestone m leaves 290 (its targets are still over)"),
        "{still_over:?}"
    );
    let late = case("mitigating", Some("2026-10-01"), Some("10"));
    assert!(late[0].contains("past due"), "{late:?}");
    let unplanned = case("mitigating", None, None);
    assert!(unplanned[0].contains("on no milestone"), "{unplanned:?}");
    // The report says so in words, and says "none" when none is.
    let reg = Reg::new();
    reg.add("Small", 1, 1, &YEARLY_HOUR);
    assert!(reg.ok(&["report"]).contains("too big on its own; none is."));
}

#[test]
fn estimate_ranges_are_log_normal_intervals_everywhere() {
    let reg = Reg::new();
    reg.add(
        "Repair time varies",
        3,
        3,
        &[
            "--ettd", "10", "--ettr", "20..60", "--users", "100", "--ettf", "365.25",
        ],
    );
    let r = reg.json(&["show", "1"]);
    assert_eq!(r["ettr"], "20..60", "the range as typed");
    // The log-normal with that 90% interval has mean exp(μ + σ²/2): μ = ln √(20·60),
    // σ = ln 3 / (2 · 1.6449) = 0.33394; mean = 34.641 · e^0.05576 = 36.628.
    let bm = r["bad_minutes_per_year"].as_f64().unwrap();
    assert!((bm - 46.63).abs() < 0.01, "{bm}");
    let show = reg.ok(&["show", "1"]);
    assert!(show.contains("repair 20..60 min"), "{show}");
    // CSV and JSON round-trip the range exactly.
    for name in ["r.csv", "r.json"] {
        let file = reg.path(name);
        reg.ok(&["export", "-o", file.to_str().unwrap()]);
        let fresh = Reg::new();
        fresh.ok(&["import", file.to_str().unwrap()]);
        assert_eq!(fresh.json(&["show", "1"])["ettr"], "20..60", "{name}");
    }
    for (flag, value, says) in [
        ("--ettf", "10..20", "takes one number"),
        ("--ettr", "60..20", "high end above the low"),
        ("--ettr", "0..20", "both ends above 0"),
        ("--ettr", "1..5000", "at most 1000 times"),
        ("--users", "50..150", "from 0 to 100"),
    ] {
        let out = reg.fails(&["edit", "1", flag, value], 65);
        assert!(
            stderr(&out).contains(says),
            "{flag} {value}: {}",
            stderr(&out)
        );
    }
}

/// P(N ≤ k) for N ~ Poisson(λ).
fn poisson_cdf(lambda: f64, k: u64) -> f64 {
    let mut term = (-lambda).exp();
    let mut sum = term;
    for i in 1..=k {
        term *= lambda / i as f64;
        sum += term;
    }
    sum
}

fn poisson_pmf(lambda: f64, k: u64) -> f64 {
    (-lambda).exp() * (1..=k).fold(1.0, |p, i| p * lambda / i as f64)
}

/// SIM-1: the chance of missing the SLO matches closed forms, and the same input gives the
/// same number. The 99.8% SLO allows 1051.92 bad minutes a year.
#[test]
fn sim_1_the_chance_of_missing_matches_closed_forms() {
    // One risk: 60 + 240 minutes, everyone, 3 times a year (ETTF 121.75 days): it misses
    // when it happens 4 or more times.
    let reg = Reg::new();
    reg.add(
        "One",
        3,
        3,
        &[
            "--ettd",
            "60",
            "--ettr",
            "240",
            "--users",
            "100",
            "--per-year",
            "3",
        ],
    );
    let report = reg.json(&["report"]);
    let got = report["miss_probability"].as_f64().unwrap();
    let want = 1.0 - poisson_cdf(3.0, (1051.92_f64 / 300.0).floor() as u64);
    assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    assert_eq!(report["budget"]["chance"]["step_minutes"], 1.0);
    // Three risks against their exact convolution: costs 300, 200 and 90 at rates 1, 2, 4.
    reg.add(
        "Two",
        3,
        3,
        &[
            "--ettd",
            "50",
            "--ettr",
            "150",
            "--users",
            "100",
            "--per-year",
            "2",
        ],
    );
    reg.add(
        "Three",
        3,
        3,
        &[
            "--ettd",
            "10",
            "--ettr",
            "80",
            "--users",
            "100",
            "--per-year",
            "4",
        ],
    );
    let mut within = 0.0;
    for a in 0..40u64 {
        for b in 0..40u64 {
            for c in 0..60u64 {
                if (300 * a + 200 * b + 90 * c) as f64 <= 1051.92 {
                    within += poisson_pmf(1.0 * 3.0, a) * poisson_pmf(2.0, b) * poisson_pmf(4.0, c);
                }
            }
        }
    }
    // (The first risk occurs 3 times a year, not once.)
    let report = reg.json(&["report"]);
    let got = report["miss_probability"].as_f64().unwrap();
    assert!(
        (got - (1.0 - within)).abs() < 1e-6,
        "{got} vs {}",
        1.0 - within
    );
    assert_eq!(
        reg.json(&["report"])["budget"]["chance"],
        report["budget"]["chance"],
        "same input, same numbers"
    );
    let c = &report["budget"]["chance"];
    assert!(c["p50"].as_f64() <= c["p90"].as_f64() && c["p90"].as_f64() <= c["p99"].as_f64());
    // A range spreads the cost of one occurrence: the chance moves, the mean does not.
    reg.ok(&["edit", "3", "--ettr", "40..160"]);
    let spread = reg.json(&["report"]);
    assert_ne!(spread["miss_probability"], report["miss_probability"]);
}

#[test]
fn the_burn_down_shows_the_chance_after_each_milestone_and_check_gates_on_it() {
    let reg = Reg::new();
    reg.ok(&["milestone", "add", "m1", "--due", "2027-01-31"]);
    // 600 bad minutes an occurrence, twice a year on average: the year misses the 1051.92
    // budget when it happens twice or more. Once m1 lands an occurrence costs 100, and the
    // year misses only at 11 or more.
    reg.add(
        "Big",
        3,
        3,
        &[
            "--ettd",
            "100",
            "--ettr",
            "500",
            "--users",
            "100",
            "--per-year",
            "2",
            "--milestone",
            "m1",
            "--target-ettr",
            "0",
        ],
    );
    let report = reg.json(&["report"]);
    let now = report["miss_probability"].as_f64().unwrap();
    assert!((now - (1.0 - poisson_cdf(2.0, 1))).abs() < 1e-6, "{now}");
    let after = report["milestones"][0]["miss_probability"]
        .as_f64()
        .unwrap();
    assert!(
        (after - (1.0 - poisson_cdf(2.0, 10))).abs() < 1e-6,
        "{after}"
    );
    let text = reg.ok(&["report"]);
    assert!(
        text.contains("The chance a year misses the SLO: 59.4%"),
        "{text}"
    );
    let at_risk = rules(&reg)
        .into_iter()
        .filter(|(r, _)| r == "slo_at_risk")
        .collect::<Vec<_>>();
    assert_eq!(at_risk.len(), 1);
    assert!(
        at_risk[0]
            .1
            .starts_with("a 59.4% chance of missing the 99.8% SLO this year"),
        "{}",
        at_risk[0].1
    );
    reg.ok(&["config", "set", "max_miss_probability", "0.7"]);
    assert!(!rules(&reg).iter().any(|(r, _)| r == "slo_at_risk"));
    reg.fails(&["config", "set", "max_miss_probability", "1.5"], 65);
}

#[test]
fn a_service_with_its_own_slo_has_its_own_budget() {
    let reg = Reg::new();
    let out = reg.ok(&["config", "set", "slo", "99.95", "--service", "Checkout"]);
    assert!(out.contains("slo:Checkout = 99.95"), "{out}");
    assert_eq!(
        reg.ok(&["config", "get", "slo", "--service", "checkout"])
            .trim(),
        "99.95"
    );
    let all = reg.json(&["config", "get"]);
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|s| s["key"] == "slo:Checkout" && s["value"] == "99.95"),
        "{all}"
    );
    reg.fails(&["config", "get", "band_high", "--service", "checkout"], 2);
    // 50 bad minutes an occurrence, 4 a year: 200 of the 262.98 minutes a 99.95% SLO allows.
    reg.add(
        "Card retries",
        3,
        3,
        &[
            "--service",
            "checkout",
            "--ettd",
            "10",
            "--ettr",
            "40",
            "--users",
            "100",
            "--per-year",
            "4",
        ],
    );
    reg.add("Elsewhere", 2, 2, &YEARLY_HOUR);
    let report = reg.json(&["report"]);
    assert_eq!(
        report["budget"]["used_minutes"], 60.0,
        "only the other risk"
    );
    let svc = &report["services"][0];
    assert_eq!(svc["service"], "Checkout");
    assert_eq!(svc["budget_minutes"], 262.98);
    assert_eq!(svc["used_minutes"], 200.0);
    let miss = svc["miss_probability"].as_f64().unwrap();
    assert!((miss - (1.0 - poisson_cdf(4.0, 5))).abs() < 1e-6, "{miss}");
    let v = rules(&reg);
    assert!(
        v.iter()
            .any(|(r, m)| r == "slo_at_risk" && m.starts_with("service Checkout: a 21.5% chance")),
        "{v:?}"
    );
    assert!(!v.iter().any(|(r, _)| r == "over_budget"), "{v:?}");
    // Over its budget: 8 a year cost 400.
    reg.ok(&["edit", "1", "--per-year", "8"]);
    let v = rules(&reg);
    assert!(
        v.iter().any(|(r, m)| r == "over_budget"
            && m == "service Checkout: its risks cost 400 bad minutes a year; its 99.95% SLO allows 263"),
        "{v:?}"
    );
    assert!(reg.ok(&["report"]).contains("Services with their own SLO"));
    // Without its own SLO the service's risks count against the register's budget again.
    reg.ok(&["config", "set", "slo", "", "--service", "checkout"]);
    let report = reg.json(&["report"]);
    assert_eq!(report["budget"]["used_minutes"], 460.0);
    assert!(report["services"].as_array().unwrap().is_empty());
    reg.fails(&["config", "get", "slo", "--service", "checkout"], 65);
}
