//! The availability model (after Google's CRE risk catalog): what a risk costs in minutes of
//! unavailability a year, against the error budget of the SLO.
//!
//! ```text
//! incidents_per_year   = 365.25 / ETTF
//! bad_minutes_per_year = (ETTD + ETTR) × users% / 100 × incidents_per_year
//! error_budget_minutes = (1 − SLO/100) × 1440 × 365.25
//! ```

use std::fmt;

use serde::Serialize;

use super::Field;
use super::validate::FieldError;

pub const DAYS_PER_YEAR: f64 = 365.25;
const MINUTES_PER_DAY: f64 = 1440.0;

/// A validated estimate: finite and not negative (minutes, percent or days). It is one
/// value, or a range `low..high` read as a 90% interval of a log-normal distribution, whose
/// mean is the amount's value (what expected bad minutes use).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Amount {
    value: f64,
    range: Option<(f64, f64)>,
}

// Amounts are finite (NaN is refused on the way in), so equality is an equivalence.
impl Eq for Amount {}

/// The standard normal's 95th percentile: a 90% interval spans ±Z standard deviations.
const Z90: f64 = 1.644_853_626_951_472_2;

/// How many times its low end a range's high end may be: wider says nothing.
pub const RANGE_MAX_RATIO: f64 = 1000.0;

impl Amount {
    /// The amount, if `v` is finite and not negative.
    pub fn new(v: f64) -> Option<Amount> {
        (v.is_finite() && v >= 0.0).then_some(Amount {
            value: v,
            range: None,
        })
    }

    /// A range `low..high` (both above 0, `high` above `low` and at most
    /// [`RANGE_MAX_RATIO`] times it), read as a log-normal's 90% interval.
    pub fn range(low: f64, high: f64) -> Option<Amount> {
        let valid = low.is_finite()
            && high.is_finite()
            && low > 0.0
            && high > low
            && high <= low * RANGE_MAX_RATIO;
        valid.then(|| {
            let (mu, sigma) = log_normal(low, high);
            Amount {
                value: (mu + sigma * sigma / 2.0).exp(),
                range: Some((low, high)),
            }
        })
    }

    /// The value: the estimate itself, or a range's mean.
    pub fn get(self) -> f64 {
        self.value
    }

    /// A range's low and high ends.
    pub fn bounds(self) -> Option<(f64, f64)> {
        self.range
    }

    /// A range's log-normal parameters (μ, σ of the logarithm).
    pub fn log_normal(self) -> Option<(f64, f64)> {
        self.range.map(|(low, high)| log_normal(low, high))
    }
}

/// μ and σ of the log-normal whose 90% interval is `low..high`.
fn log_normal(low: f64, high: f64) -> (f64, f64) {
    let (a, b) = (low.ln(), high.ln());
    ((a + b) / 2.0, (b - a) / (2.0 * Z90))
}

impl Amount {
    /// The amount for people to read: at most four decimals, trailing zeros dropped (`5`,
    /// `12.5`, `30.4375`; a range `20..60`). Never stored or exported: [`Amount`]'s
    /// `Display` is exact.
    pub fn rounded(self) -> String {
        match self.range {
            Some((low, high)) => format!("{}..{}", format_number(low, 4), format_number(high, 4)),
            None => format_number(self.value, 4),
        }
    }
}

impl fmt::Display for Amount {
    /// The shortest text that reads back as exactly this amount (what history, CSV and the
    /// form hold), so a value survives every round trip unchanged: `5`, `0.36525`, `1e-7`,
    /// `20..60`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.range {
            Some((low, high)) => write!(f, "{}..{}", exact_number(low), exact_number(high)),
            None => f.write_str(&exact_number(self.value)),
        }
    }
}

impl Serialize for Amount {
    /// A number; a range as its text, `"20..60"`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.range {
            Some(_) => s.collect_str(self),
            None => s.serialize_f64(self.value),
        }
    }
}

/// The shortest decimal text that parses back to exactly `v`; very small and very large
/// magnitudes in exponent form (`1e-9`), so no cell holds hundreds of zeros.
pub fn exact_number(v: f64) -> String {
    let magnitude = v.abs();
    if magnitude != 0.0 && !(1e-6..1e15).contains(&magnitude) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// `v` with at most `decimals` decimals and no trailing zeros.
pub fn format_number(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A risk's estimates, now or once its milestone lands. Every one is optional; the bad
/// minutes need all four.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Estimates {
    /// Minutes to detect.
    pub ettd: Option<Amount>,
    /// Minutes to repair.
    pub ettr: Option<Amount>,
    /// Percent of users affected, 0–100.
    pub users: Option<Amount>,
    /// Days between occurrences, more than 0.
    pub ettf: Option<Amount>,
}

impl Estimates {
    pub fn is_empty(&self) -> bool {
        *self == Estimates::default()
    }

    /// Expected minutes of unavailability a year, when all four estimates are there (and
    /// make a finite figure: values from before the estimates were bounded may not).
    pub fn bad_minutes_per_year(&self) -> Option<f64> {
        let (d, r, u, f) = (self.ettd?, self.ettr?, self.users?, self.ettf?);
        Some((d.get() + r.get()) * u.get() / 100.0 * incidents_per_year(f.get()))
            .filter(|m| m.is_finite())
    }
}

/// The estimates in words, e.g. "detect 5 min + repair 5 min, 100% of users, every 30
/// days"; parts not estimated are left out. `None` when there are none.
pub fn summary(e: &Estimates) -> Option<String> {
    let mut parts = Vec::new();
    match (e.ettd, e.ettr) {
        (Some(d), Some(r)) => parts.push(format!(
            "detect {} min + repair {} min",
            d.rounded(),
            r.rounded()
        )),
        (Some(d), None) => parts.push(format!("detect {} min", d.rounded())),
        (None, Some(r)) => parts.push(format!("repair {} min", r.rounded())),
        (None, None) => {}
    }
    if let Some(u) = e.users {
        parts.push(format!("{}% of users", u.rounded()));
    }
    if let Some(f) = e.ettf {
        parts.push(format!(
            "every {} days ({} a year)",
            super::figures::days(f.get()),
            super::figures::per_year(incidents_per_year(f.get()))
        ));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

pub fn incidents_per_year(ettf_days: f64) -> f64 {
    DAYS_PER_YEAR / ettf_days
}

/// Minutes a year the SLO allows to be bad: 99.8% → 1051.92.
pub fn error_budget_minutes(slo_percent: f64) -> f64 {
    (1.0 - slo_percent / 100.0) * MINUTES_PER_DAY * DAYS_PER_YEAR
}

/// The eight estimate fields: now, then once the milestone lands.
pub const ESTIMATE_FIELDS: [Field; 8] = [
    Field::Ettd,
    Field::Ettr,
    Field::Users,
    Field::Ettf,
    Field::TargetEttd,
    Field::TargetEttr,
    Field::TargetUsers,
    Field::TargetEttf,
];

/// Minutes in a year: the longest a detection or a repair can meaningfully take.
pub const MINUTES_PER_YEAR: f64 = MINUTES_PER_DAY * DAYS_PER_YEAR;
/// The shortest time between occurrences the model takes: one minute, in days.
pub const ETTF_MIN_DAYS: f64 = 1.0 / MINUTES_PER_DAY;
/// The longest: ten thousand years, in days.
pub const ETTF_MAX_DAYS: f64 = 10_000.0 * DAYS_PER_YEAR;

/// Parses an estimate as typed: empty clears it; otherwise a number in the field's
/// physically meaningful range (minutes 0 to a year, users 0–100 %, days between
/// occurrences a minute to ten thousand years), so every figure derived from it is finite.
pub fn parse(field: Field, text: &str) -> Result<Option<Amount>, FieldError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let name = field.name();
    let Some((low, high)) = t.split_once("..") else {
        return one_value(field, text, t).map(Amount::new);
    };
    if matches!(field, Field::Ettf | Field::TargetEttf) {
        return Err(FieldError::new(
            name,
            text,
            "is the mean time between occurrences and takes one number (a range is for detect, repair and users)",
        ));
    }
    let (low, high) = (one_value(field, text, low)?, one_value(field, text, high)?);
    Amount::range(low, high).map(Some).ok_or_else(|| {
        FieldError::new(
            name,
            text,
            format!(
                "is a range low..high (a 90% interval): both ends above 0, the high end above the low and at most {} times it",
                exact_number(RANGE_MAX_RATIO)
            ),
        )
    })
}

/// One number of an estimate, in the field's physically meaningful range.
fn one_value(field: Field, text: &str, t: &str) -> Result<f64, FieldError> {
    let name = field.name();
    let v = t
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            FieldError::new(
                name,
                text,
                "must be a number, e.g. 15 or 2.5, or a range such as 20..60",
            )
        })?;
    if v < 0.0 {
        return Err(FieldError::new(name, text, "must not be negative"));
    }
    match field {
        Field::Users | Field::TargetUsers if v > 100.0 => Err(FieldError::new(
            name,
            text,
            "is a percentage of users: from 0 to 100",
        )),
        Field::Ettf | Field::TargetEttf if v == 0.0 => Err(FieldError::new(
            name,
            text,
            "is days between occurrences and must be more than 0 (for a frequency use --per-year N)",
        )),
        Field::Ettf | Field::TargetEttf if !(ETTF_MIN_DAYS..=ETTF_MAX_DAYS).contains(&v) => {
            Err(FieldError::new(
                name,
                text,
                format!(
                    "is days between occurrences: from {} (one minute) to {} (ten thousand years)",
                    exact_number(ETTF_MIN_DAYS),
                    exact_number(ETTF_MAX_DAYS)
                ),
            ))
        }
        Field::Ettd | Field::Ettr | Field::TargetEttd | Field::TargetEttr
            if v > MINUTES_PER_YEAR =>
        {
            Err(FieldError::new(
                name,
                text,
                format!(
                    "is minutes and at most {} (a year)",
                    exact_number(MINUTES_PER_YEAR)
                ),
            ))
        }
        _ => Ok(v),
    }
}

/// `--per-year N`: N occurrences a year, stored as days between them (365.25 / N). N runs
/// from once in ten thousand years to once a minute, the range ETTF allows.
pub fn parse_per_year(field: Field, text: &str) -> Result<Option<Amount>, FieldError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let flag = match field {
        Field::TargetEttf => "target_per_year",
        _ => "per_year",
    };
    let least = DAYS_PER_YEAR / ETTF_MAX_DAYS;
    let most = DAYS_PER_YEAR / ETTF_MIN_DAYS;
    let n = t
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0)
        .ok_or_else(|| {
            FieldError::new(
                flag,
                text,
                "is occurrences a year and must be a number more than 0, e.g. 12 or 0.5",
            )
        })?;
    if !(least..=most).contains(&n) {
        return Err(FieldError::new(
            flag,
            text,
            format!(
                "is occurrences a year: from {} (once in ten thousand years) to {} (once a minute)",
                exact_number(least),
                exact_number(most)
            ),
        ));
    }
    Ok(Amount::new(DAYS_PER_YEAR / n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn est(d: f64, r: f64, u: f64, f: f64) -> Estimates {
        Estimates {
            ettd: Amount::new(d),
            ettr: Amount::new(r),
            users: Amount::new(u),
            ettf: Amount::new(f),
        }
    }

    fn round2(v: f64) -> f64 {
        (v * 100.0).round() / 100.0
    }

    #[test]
    fn bad_minutes_match_hand_worked_cases() {
        for (e, want) in [
            // 10 minutes, everyone, every 30 days: 365.25 / 30 = 12.175 a year.
            (est(5.0, 5.0, 100.0, 30.0), 121.75),
            (est(30.0, 90.0, 50.0, 365.25), 60.0),
            (est(0.0, 0.0, 100.0, 1.0), 0.0),
            (est(15.0, 45.0, 5.0, 7.0), 156.54),
            (est(60.0, 240.0, 100.0, 3652.5), 30.0),
        ] {
            assert_eq!(round2(e.bad_minutes_per_year().unwrap()), want, "{e:?}");
        }
        let mut partial = est(5.0, 5.0, 100.0, 30.0);
        partial.users = None;
        assert_eq!(partial.bad_minutes_per_year(), None, "needs all four");
    }

    #[test]
    fn error_budgets_of_common_slos() {
        for (slo, want) in [
            (99.8, 1051.92),
            (99.9, 525.96),
            (99.99, 52.6),
            (99.0, 5259.6),
            (100.0, 0.0),
        ] {
            assert_eq!(round2(error_budget_minutes(slo)), want, "{slo}");
        }
    }

    #[test]
    fn parsing_refuses_what_the_model_cannot_use() {
        assert_eq!(parse(Field::Ettd, " 5 ").unwrap(), Amount::new(5.0));
        assert_eq!(parse(Field::Ettd, "").unwrap(), None);
        assert_eq!(parse(Field::Users, "100").unwrap(), Amount::new(100.0));
        assert_eq!(parse(Field::Users, "0").unwrap(), Amount::new(0.0));
        assert_eq!(parse(Field::Ettf, "0.5").unwrap(), Amount::new(0.5));
        for (field, bad) in [
            (Field::Ettd, "-1"),
            (Field::Ettr, "NaN"),
            (Field::Ettr, "inf"),
            (Field::Ettr, "ten"),
            (Field::Users, "100.01"),
            (Field::TargetUsers, "150"),
            (Field::Ettf, "0"),
            (Field::TargetEttf, "-3"),
        ] {
            let e = parse(field, bad).unwrap_err();
            assert_eq!(e.field, field.name(), "{bad}");
        }
        assert_eq!(
            parse_per_year(Field::Ettf, "12").unwrap(),
            Amount::new(30.4375)
        );
        assert!(parse_per_year(Field::Ettf, "0").is_err());
        assert!(parse_per_year(Field::Ettf, "-2").is_err());
    }

    #[test]
    fn summaries_name_what_is_estimated() {
        assert_eq!(
            summary(&est(5.0, 5.0, 100.0, 30.0)).unwrap(),
            "detect 5 min + repair 5 min, 100% of users, every 30 days (12.18 a year)"
        );
        let only_users = Estimates {
            users: Amount::new(5.0),
            ..Estimates::default()
        };
        assert_eq!(summary(&only_users).unwrap(), "5% of users");
        assert_eq!(summary(&Estimates::default()), None);
    }

    #[test]
    fn amounts_print_without_noise() {
        assert_eq!(Amount::new(5.0).unwrap().rounded(), "5");
        assert_eq!(Amount::new(12.5).unwrap().rounded(), "12.5");
        assert_eq!(Amount::new(365.25 / 12.0).unwrap().rounded(), "30.4375");
        assert_eq!(Amount::new(1.0 / 3.0).unwrap().rounded(), "0.3333");
    }

    #[test]
    fn exact_text_reads_back_as_the_same_number() {
        for v in [
            0.0,
            5.0,
            0.36525,
            1e-5,
            1e-7,
            1.0 / 3.0,
            365.25 / 7.0,
            ETTF_MIN_DAYS,
            ETTF_MAX_DAYS,
            MINUTES_PER_YEAR,
            f64::MIN_POSITIVE,
            1e-320,
        ] {
            let text = Amount::new(v).unwrap().to_string();
            assert_eq!(text.parse::<f64>().unwrap(), v, "{text}");
            assert!(text.len() <= 24, "{text} is short");
        }
        assert_eq!(Amount::new(365.25 / 1000.0).unwrap().to_string(), "0.36525");
        assert_eq!(Amount::new(1e-5).unwrap().to_string(), "0.00001");
        assert_eq!(Amount::new(1e-7).unwrap().to_string(), "1e-7");
    }

    #[test]
    fn estimates_are_bounded_to_what_the_model_can_use() {
        assert!(parse(Field::Ettr, "525960").is_ok());
        assert!(parse(Field::Ettr, "525961").is_err());
        assert!(parse(Field::TargetEttd, "1e300").is_err());
        assert!(parse(Field::Ettf, "1e-320").is_err());
        assert!(parse(Field::Ettf, "0.000694").is_err(), "under a minute");
        assert!(parse(Field::Ettf, "0.0007").is_ok());
        assert!(parse(Field::Ettf, "3652500").is_ok());
        assert!(parse(Field::Ettf, "3652501").is_err());
        assert!(parse_per_year(Field::Ettf, "525960").is_ok());
        assert!(parse_per_year(Field::Ettf, "525961").is_err());
        assert!(parse_per_year(Field::Ettf, "0.0001").is_ok());
        assert!(parse_per_year(Field::Ettf, "0.00009").is_err());
        let e = parse_per_year(Field::Ettf, "0").unwrap_err();
        assert_eq!(e.field, "per_year", "named as the flag the user typed");
        let worst = Estimates {
            ettd: parse(Field::Ettd, "525960").unwrap(),
            ettr: parse(Field::Ettr, "525960").unwrap(),
            users: parse(Field::Users, "100").unwrap(),
            ettf: parse(Field::Ettf, "0.0007").unwrap(),
        };
        assert!(worst.bad_minutes_per_year().unwrap().is_finite());
    }
}
