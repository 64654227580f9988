//! How figures read, wherever people read them: `show`, the report, the TUI. One function
//! per kind of figure, so the same figure reads the same in every view (JSON and CSV carry
//! exact values instead).

use super::estimates::format_number;

/// Minutes (bad minutes a year, a budget, a change): one decimal, `.0` dropped.
pub fn minutes(v: f64) -> String {
    format_number(v, 1)
}

/// A change in minutes, with its sign: `+12.5`, `-3`, `0`.
pub fn signed_minutes(v: f64) -> String {
    if v > 0.0 {
        format!("+{}", minutes(v))
    } else {
        minutes(v)
    }
}

/// A percentage: one decimal, `.0` dropped.
pub fn percent(v: f64) -> String {
    format_number(v, 1)
}

/// A probability (0–1) as a percentage with one decimal; never "0%" for a chance that is
/// there, nor "100%" for one short of certain: "<0.1%", ">99.9%".
pub fn chance(p: f64) -> String {
    let pct = p * 100.0;
    if p <= 0.0 {
        "0%".into()
    } else if pct < 0.05 {
        "<0.1%".into()
    } else if p >= 1.0 {
        "100%".into()
    } else if pct > 99.95 {
        ">99.9%".into()
    } else {
        format!("{}%", percent(pct))
    }
}

/// Days (between occurrences): two decimals at most.
pub fn days(v: f64) -> String {
    format_number(v, 2)
}

/// How often a year: two decimals at most.
pub fn per_year(v: f64) -> String {
    format_number(v, 2)
}

/// An SLO in percent: up to three decimals (99.95).
pub fn slo(v: f64) -> String {
    format_number(v, 3)
}

/// "1 risk", "2 risks": a count with its noun, singular or plural.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_figure_reads_the_same() {
        assert_eq!(minutes(889.62), "889.6");
        assert_eq!(minutes(890.0), "890");
        assert_eq!(minutes(1051.92), "1051.9");
        assert_eq!(percent(11.574), "11.6");
        assert_eq!(days(30.4375), "30.44");
        assert_eq!(days(365.25), "365.25");
        assert_eq!(slo(99.8), "99.8");
        assert_eq!(count(1, "risk", "risks"), "1 risk");
        assert_eq!(count(0, "risk", "risks"), "0 risks");
        assert_eq!(chance(0.0), "0%");
        assert_eq!(chance(0.000_2), "<0.1%");
        assert_eq!(chance(0.345), "34.5%");
        assert_eq!(chance(0.999_7), ">99.9%");
        assert_eq!(chance(1.0), "100%");
    }
}
