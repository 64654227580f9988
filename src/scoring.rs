//! Scoring: the 5×5 matrix, its bands, the review cadence per band, and the settings that
//! tune them. Pure: settings arrive as key/value pairs and leave the same way.

use std::fmt;

use jiff::civil::Date;
use serde::Serialize;

/// A score band. Ordered from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    Low,
    Medium,
    High,
    Critical,
}

impl Band {
    pub const ALL: [Band; 4] = [Band::Low, Band::Medium, Band::High, Band::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Medium => "medium",
            Band::High => "high",
            Band::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Band> {
        Band::ALL
            .into_iter()
            .find(|b| b.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lowest score of each band above `low` (defaults: medium 5, high 10, critical 20).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BandThresholds {
    pub medium: u8,
    pub high: u8,
    pub critical: u8,
}

impl Default for BandThresholds {
    fn default() -> Self {
        BandThresholds {
            medium: 5,
            high: 10,
            critical: 20,
        }
    }
}

impl BandThresholds {
    pub fn band_for_score(&self, score: u8) -> Band {
        if score >= self.critical {
            Band::Critical
        } else if score >= self.high {
            Band::High
        } else if score >= self.medium {
            Band::Medium
        } else {
            Band::Low
        }
    }

    /// The lowest and highest scores of a band that a 5×5 matrix can produce (high is 10–16:
    /// no likelihood × impact is 17, 18 or 19).
    pub fn achievable_range(&self, band: Band) -> (u8, u8) {
        let (lo, hi) = self.score_range(band);
        let scores = || {
            (1u8..=5)
                .flat_map(|l| (1u8..=5).map(move |i| l * i))
                .filter(|s| (lo..=hi).contains(s))
        };
        (scores().min().unwrap_or(lo), scores().max().unwrap_or(hi))
    }

    /// The inclusive score range of a band, for filtering in storage.
    pub fn score_range(&self, band: Band) -> (u8, u8) {
        match band {
            Band::Low => (1, self.medium - 1),
            Band::Medium => (self.medium, self.high - 1),
            Band::High => (self.high, self.critical - 1),
            Band::Critical => (self.critical, 25),
        }
    }

    fn validate(&self) -> Result<(), String> {
        if 2 <= self.medium
            && self.medium < self.high
            && self.high < self.critical
            && self.critical <= 25
        {
            Ok(())
        } else {
            Err(format!(
                "band thresholds must rise within 2..=25 (medium < high < critical); got medium {}, high {}, critical {}",
                self.medium, self.high, self.critical
            ))
        }
    }
}

/// Days between reviews, per band (defaults: critical 14, high 30, medium 90, low 180).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReviewCadence {
    pub critical: u16,
    pub high: u16,
    pub medium: u16,
    pub low: u16,
}

impl Default for ReviewCadence {
    fn default() -> Self {
        ReviewCadence {
            critical: 14,
            high: 30,
            medium: 90,
            low: 180,
        }
    }
}

impl ReviewCadence {
    pub fn days(&self, band: Band) -> u16 {
        match band {
            Band::Critical => self.critical,
            Band::High => self.high,
            Band::Medium => self.medium,
            Band::Low => self.low,
        }
    }

    /// When a risk in `band` reviewed on `today` is next due. Saturates at the calendar's end.
    pub fn next_review(&self, band: Band, today: Date) -> Date {
        today
            .checked_add(jiff::Span::new().days(i64::from(self.days(band))))
            .unwrap_or(Date::MAX)
    }
}

/// The register's settings, stored in the database so they travel with it.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Availability target in percent (default 99.8).
    pub slo: f64,
    /// The share of the error budget one risk may use before it is "too big" (default 0.25).
    pub single_risk_share: f64,
    pub bands: BandThresholds,
    pub cadence: ReviewCadence,
    /// `check`'s `slo_at_risk` fails above this chance of missing a budget (default 0.2).
    pub max_miss_probability: f64,
    /// Services with an SLO of their own: lower-cased name → (name as set, SLO percent).
    /// Their risks count against their own budget, not the register's.
    pub service_slos: std::collections::BTreeMap<String, (String, f64)>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            slo: 99.8,
            single_risk_share: 0.25,
            bands: BandThresholds::default(),
            cadence: ReviewCadence::default(),
            max_miss_probability: 0.2,
            service_slos: std::collections::BTreeMap::new(),
        }
    }
}

/// The settings key of a service's own SLO: `slo:checkout`.
pub const SERVICE_SLO_PREFIX: &str = "slo:";

/// A setting that could not be read or changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingError {
    pub key: String,
    pub message: String,
}

impl fmt::Display for SettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "setting '{}': {}", self.key, self.message)
    }
}

/// Every setting key with a one-line explanation, in display order.
pub const SETTING_KEYS: [(&str, &str); 10] = [
    ("slo", "availability target in percent, e.g. 99.8"),
    (
        "max_miss_probability",
        "check fails when a budget is missed with a higher chance, (0-1)",
    ),
    (
        "single_risk_share",
        "share of the error budget one risk may use (0-1]",
    ),
    ("band_medium", "lowest score in the medium band"),
    ("band_high", "lowest score in the high band"),
    ("band_critical", "lowest score in the critical band"),
    (
        "review_days_critical",
        "days between reviews of critical risks",
    ),
    ("review_days_high", "days between reviews of high risks"),
    ("review_days_medium", "days between reviews of medium risks"),
    ("review_days_low", "days between reviews of low risks"),
];

impl Settings {
    /// Minutes a year the SLO allows to be bad: 99.8% → 1051.92.
    pub fn budget_minutes(&self) -> f64 {
        crate::domain::estimates::error_budget_minutes(self.slo)
    }

    /// Bad minutes a year above which one risk is too big on its own: its share of the
    /// budget. The one place this limit is computed.
    pub fn too_big_limit_minutes(&self) -> f64 {
        self.single_risk_share * self.budget_minutes()
    }

    pub fn is_too_big(&self, bad_minutes: f64) -> bool {
        bad_minutes > self.too_big_limit_minutes()
    }

    /// The percentage of the budget `bad_minutes` use; `None` when the SLO allows no bad
    /// minutes at all (100%), where a share means nothing.
    pub fn budget_share_percent(&self, bad_minutes: f64) -> Option<f64> {
        let budget = self.budget_minutes();
        (budget > 0.0).then(|| bad_minutes / budget * 100.0)
    }

    /// The SLO a service's risks count against: its own, else the register's.
    pub fn slo_of(&self, service: &str) -> f64 {
        self.service_slos
            .get(&service.trim().to_lowercase())
            .map_or(self.slo, |(_, slo)| *slo)
    }

    pub fn get(&self, key: &str) -> Result<String, SettingError> {
        if let Some(service) = key.strip_prefix(SERVICE_SLO_PREFIX) {
            return self
                .service_slos
                .get(&service.trim().to_lowercase())
                .map(|(_, slo)| slo.to_string())
                .ok_or_else(|| SettingError {
                    key: key.to_string(),
                    message: format!(
                        "service '{service}' has no SLO of its own (its risks count against the register's {}%); set one with `riskreg config set slo PERCENT --service {service}`",
                        self.slo
                    ),
                });
        }
        Ok(match key {
            "slo" => self.slo.to_string(),
            "max_miss_probability" => self.max_miss_probability.to_string(),
            "single_risk_share" => self.single_risk_share.to_string(),
            "band_medium" => self.bands.medium.to_string(),
            "band_high" => self.bands.high.to_string(),
            "band_critical" => self.bands.critical.to_string(),
            "review_days_critical" => self.cadence.critical.to_string(),
            "review_days_high" => self.cadence.high.to_string(),
            "review_days_medium" => self.cadence.medium.to_string(),
            "review_days_low" => self.cadence.low.to_string(),
            _ => return Err(unknown_key(key)),
        })
    }

    /// All settings as key/value pairs, in [`SETTING_KEYS`] order, then each service's SLO.
    pub fn pairs(&self) -> Vec<(String, String)> {
        SETTING_KEYS
            .iter()
            .filter_map(|(k, _)| self.get(k).ok().map(|v| ((*k).to_string(), v)))
            .chain(
                self.service_slos
                    .values()
                    .map(|(name, slo)| (format!("{SERVICE_SLO_PREFIX}{name}"), slo.to_string())),
            )
            .collect()
    }

    /// Changes one setting, validating the value and the settings as a whole.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), SettingError> {
        let mut next = self.clone();
        let bad = |message: String| SettingError {
            key: key.to_string(),
            message,
        };
        if let Some(service) = key.strip_prefix(SERVICE_SLO_PREFIX) {
            let name = service.trim();
            if name.is_empty() || name.chars().any(char::is_control) {
                return Err(bad("needs a service's name after 'slo:'".into()));
            }
            if value.trim().is_empty() {
                next.service_slos.remove(&name.to_lowercase());
            } else {
                next.service_slos.insert(
                    name.to_lowercase(),
                    (name.to_string(), parse_slo(value).map_err(bad)?),
                );
            }
            *self = next;
            return Ok(());
        }
        match key {
            "slo" => next.slo = parse_slo(value).map_err(bad)?,
            "max_miss_probability" => {
                let v = parse_f64(value).map_err(bad)?;
                if !(v > 0.0 && v < 1.0) {
                    return Err(bad(format!(
                        "must be a probability between 0 and 1 (exclusive), e.g. 0.2, got {value}"
                    )));
                }
                next.max_miss_probability = v;
            }
            "single_risk_share" => {
                let v = parse_f64(value).map_err(bad)?;
                if !(v > 0.0 && v <= 1.0) {
                    return Err(bad(format!("must be a fraction in (0, 1], got {value}")));
                }
                next.single_risk_share = v;
            }
            "band_medium" | "band_high" | "band_critical" => {
                let v: u8 = value.trim().parse().map_err(|_| {
                    bad(format!(
                        "must be a whole score between 2 and 25, got {value:?}"
                    ))
                })?;
                match key {
                    "band_medium" => next.bands.medium = v,
                    "band_high" => next.bands.high = v,
                    _ => next.bands.critical = v,
                }
                next.bands.validate().map_err(bad)?;
            }
            "review_days_critical"
            | "review_days_high"
            | "review_days_medium"
            | "review_days_low" => {
                let v: u16 = value
                    .trim()
                    .parse()
                    .ok()
                    .filter(|d| (1..=3660).contains(d))
                    .ok_or_else(|| {
                        bad(format!(
                            "must be a number of days between 1 and 3660, got {value:?}"
                        ))
                    })?;
                match key {
                    "review_days_critical" => next.cadence.critical = v,
                    "review_days_high" => next.cadence.high = v,
                    "review_days_medium" => next.cadence.medium = v,
                    _ => next.cadence.low = v,
                }
            }
            _ => return Err(unknown_key(key)),
        }
        *self = next;
        Ok(())
    }

    /// Settings from stored pairs; keys not stored keep their defaults.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Settings, SettingError> {
        let mut settings = Settings::default();
        for (k, v) in pairs {
            settings.set(k, v)?;
        }
        Ok(settings)
    }
}

/// An availability target in percent, strictly between 0 and 100.
fn parse_slo(value: &str) -> Result<f64, String> {
    let v = parse_f64(value)?;
    if v > 0.0 && v < 100.0 {
        Ok(v)
    } else {
        Err(format!(
            "must be a percentage between 0 and 100 (exclusive), got {value}"
        ))
    }
}

fn parse_f64(value: &str) -> Result<f64, String> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("must be a number, got {value:?}"))
}

fn unknown_key(key: &str) -> SettingError {
    SettingError {
        key: key.to_string(),
        message: format!(
            "unknown setting{}; known settings: {}",
            crate::suggest::did_you_mean(key, SETTING_KEYS.iter().map(|(k, _)| *k)),
            SETTING_KEYS
                .iter()
                .map(|(k, _)| *k)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_at_every_boundary() {
        let t = BandThresholds::default();
        let cases = [
            (1, Band::Low),
            (4, Band::Low),
            (5, Band::Medium),
            (9, Band::Medium),
            (10, Band::High),
            (16, Band::High),
            (20, Band::Critical),
            (25, Band::Critical),
        ];
        for (score, band) in cases {
            assert_eq!(t.band_for_score(score), band, "score {score}");
        }
    }

    #[test]
    fn every_matrix_cell_has_the_band_of_its_score() {
        let t = BandThresholds::default();
        for l in 1u8..=5 {
            for i in 1u8..=5 {
                let band = t.band_for_score(l * i);
                let (lo, hi) = t.score_range(band);
                assert!((lo..=hi).contains(&(l * i)));
            }
        }
    }

    #[test]
    fn achievable_ranges_match_the_design() {
        let t = BandThresholds::default();
        let ranges = Band::ALL.map(|b| t.achievable_range(b));
        assert_eq!(ranges, [(1, 4), (5, 9), (10, 16), (20, 25)]);
    }

    #[test]
    fn score_ranges_partition_one_to_twenty_five() {
        let t = BandThresholds {
            medium: 4,
            high: 8,
            critical: 15,
        };
        let mut covered = Vec::new();
        for b in Band::ALL {
            let (lo, hi) = t.score_range(b);
            covered.extend(lo..=hi);
        }
        assert_eq!(covered, (1..=25).collect::<Vec<u8>>());
        assert_eq!(t.band_for_score(15), Band::Critical);
        assert_eq!(t.band_for_score(14), Band::High);
    }

    #[test]
    fn cadence_defaults_and_next_review() {
        let c = ReviewCadence::default();
        let today = jiff::civil::date(2026, 11, 24);
        let cases = [
            (Band::Critical, jiff::civil::date(2026, 12, 8)),
            (Band::High, jiff::civil::date(2026, 12, 24)),
            (Band::Medium, jiff::civil::date(2027, 2, 22)),
            (Band::Low, jiff::civil::date(2027, 5, 23)),
        ];
        for (band, due) in cases {
            assert_eq!(c.next_review(band, today), due, "{band}");
        }
        assert_eq!(c.next_review(Band::Low, Date::MAX), Date::MAX);
    }

    #[test]
    fn settings_validate_each_key() {
        let mut s = Settings::default();
        assert!(s.set("slo", "99.9").is_ok());
        assert_eq!(s.slo, 99.9);
        for (key, value) in [
            ("slo", "100"),
            ("slo", "0"),
            ("slo", "NaN"),
            ("slo", "inf"),
            ("single_risk_share", "0"),
            ("single_risk_share", "1.5"),
            ("band_medium", "12"),
            ("band_critical", "26"),
            ("band_high", "x"),
            ("review_days_low", "0"),
            ("review_days_low", "-3"),
        ] {
            let before = s.clone();
            assert!(
                s.set(key, value).is_err(),
                "{key}={value} should be refused"
            );
            assert_eq!(s, before, "a refused value leaves settings unchanged");
        }
        let err = s.set("sol", "99").unwrap_err();
        assert!(
            err.message.contains("did you mean 'slo'"),
            "{}",
            err.message
        );
    }

    #[test]
    fn settings_round_trip_through_pairs() {
        let mut s = Settings::default();
        s.set("band_critical", "18").unwrap();
        s.set("review_days_high", "21").unwrap();
        let pairs = s.pairs();
        let back =
            Settings::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap();
        assert_eq!(back, s);
    }
}
