//! Incidents that happened, linked to the risks they realised, and the calibration that
//! compares a year of them with a risk's estimates so the TPM re-estimates from evidence.

use jiff::civil::Date;
use serde::Serialize;

use super::estimates::{Estimates, incidents_per_year};
use super::figures;
use super::{Amount, FieldError};

/// Measured detect + repair time counts as "well above" the estimate beyond this factor.
pub const SLOWER_FACTOR: f64 = 1.5;
/// How far back calibration looks.
pub const CALIBRATION_DAYS: i32 = 365;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Incident {
    pub id: i64,
    pub title: String,
    pub date: Date,
    /// Measured minutes to detect.
    pub ttd: Amount,
    /// Measured minutes to repair.
    pub ttr: Amount,
    /// Percent of users affected.
    pub users: Amount,
    pub link: String,
    pub note: String,
    /// The risks it realised.
    pub risks: Vec<i64>,
    pub created_at: String,
}

impl Incident {
    /// Minutes of unavailability this incident cost: (TTD + TTR) × users%.
    pub fn bad_minutes(&self) -> f64 {
        (self.ttd.get() + self.ttr.get()) * self.users.get() / 100.0
    }
}

/// An incident to record, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewIncident {
    pub title: String,
    pub date: Date,
    pub ttd: Amount,
    pub ttr: Amount,
    pub users: Amount,
    pub link: String,
    pub note: String,
}

/// An incident as typed (CLI flags or the TUI's form), each value as text.
pub struct IncidentText<'a> {
    pub title: &'a str,
    pub date: &'a str,
    pub ttd: &'a str,
    pub ttr: &'a str,
    pub users: &'a str,
    pub link: &'a str,
    pub note: &'a str,
}

impl NewIncident {
    /// Checks what was typed with the rules of the estimates the figures are compared with
    /// (minutes within a year, users 0–100 %); errors name the field as typed.
    pub fn from_text(t: &IncidentText<'_>) -> Result<NewIncident, FieldError> {
        use super::{Field, estimates, validate};
        let figure = |name: &str, field: Field, text: &str| -> Result<Amount, FieldError> {
            let named = |mut e: FieldError| {
                e.field = name.to_string();
                e
            };
            estimates::parse(field, text)
                .map_err(named)?
                .ok_or_else(|| FieldError::new(name, text, "is required: a number ≥ 0"))
        };
        Ok(NewIncident {
            title: validate::name("title", t.title, validate::TITLE_MAX)?,
            date: validate::date("date", t.date)?,
            ttd: figure("ttd", Field::Ettd, t.ttd)?,
            ttr: figure("ttr", Field::Ettr, t.ttr)?,
            users: figure("users", Field::Users, t.users)?,
            link: validate::line("link", t.link, validate::LINE_MAX)?,
            note: validate::description(t.note)?,
        })
    }
}

/// Where the last year of incidents contradicts a risk's estimates.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum Calibration {
    /// More occurrences in the last year than the ETTF allows.
    MoreOften { allowed_per_year: f64, seen: usize },
    /// Measured detect + repair well above ETTD + ETTR (mean over the year's incidents).
    SlowerThanEstimated {
        estimated_minutes: f64,
        measured_minutes: f64,
    },
}

impl Calibration {
    /// The flag in words, with the measured figures beside the estimates.
    pub fn describe(&self) -> String {
        match self {
            Calibration::MoreOften {
                allowed_per_year,
                seen,
            } => format!(
                "{seen} incidents in the last 365 days; the ETTF allows {} a year",
                figures::per_year(*allowed_per_year)
            ),
            Calibration::SlowerThanEstimated {
                estimated_minutes,
                measured_minutes,
            } => format!(
                "detect + repair took {} min on average; estimated {} min",
                figures::minutes(*measured_minutes),
                figures::minutes(*estimated_minutes)
            ),
        }
    }
}

/// Compares the incidents of the 365 days up to `today` with the estimates.
pub fn calibrate(estimates: &Estimates, incidents: &[&Incident], today: Date) -> Vec<Calibration> {
    let since = today
        .checked_sub(jiff::Span::new().days(CALIBRATION_DAYS))
        .unwrap_or(today);
    let recent: Vec<&&Incident> = incidents
        .iter()
        .filter(|i| i.date > since && i.date <= today)
        .collect();
    let mut flags = Vec::new();
    if recent.is_empty() {
        return flags;
    }
    if let Some(ettf) = estimates.ettf {
        let allowed = incidents_per_year(ettf.get());
        if recent.len() as f64 > allowed {
            flags.push(Calibration::MoreOften {
                allowed_per_year: allowed,
                seen: recent.len(),
            });
        }
    }
    if let (Some(d), Some(r)) = (estimates.ettd, estimates.ettr) {
        let estimated = d.get() + r.get();
        let measured = recent
            .iter()
            .map(|i| i.ttd.get() + i.ttr.get())
            .sum::<f64>()
            / recent.len() as f64;
        if measured > estimated * SLOWER_FACTOR {
            flags.push(Calibration::SlowerThanEstimated {
                estimated_minutes: estimated,
                measured_minutes: measured,
            });
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(date: &str, ttd: f64, ttr: f64) -> Incident {
        Incident {
            id: 1,
            title: "x".into(),
            date: date.parse().unwrap(),
            ttd: Amount::new(ttd).unwrap(),
            ttr: Amount::new(ttr).unwrap(),
            users: Amount::new(100.0).unwrap(),
            link: String::new(),
            note: String::new(),
            risks: vec![1],
            created_at: String::new(),
        }
    }

    fn estimates(d: f64, r: f64, ettf: f64) -> Estimates {
        Estimates {
            ettd: Amount::new(d),
            ettr: Amount::new(r),
            users: Amount::new(100.0),
            ettf: Amount::new(ettf),
        }
    }

    const TODAY: Date = Date::constant(2026, 11, 24);

    /// The flags these incidents raise against `estimates` today.
    fn flags(estimates: &Estimates, incidents: &[Incident]) -> Vec<Calibration> {
        let refs: Vec<&Incident> = incidents.iter().collect();
        calibrate(estimates, &refs, TODAY)
    }

    #[test]
    fn more_incidents_than_the_ettf_allows_is_flagged() {
        let once_a_year = estimates(5.0, 5.0, 365.25);
        let one = [incident("2026-06-01", 5.0, 5.0)];
        assert!(
            flags(&once_a_year, &one).is_empty(),
            "one a year is as estimated"
        );
        let two = [
            incident("2026-06-01", 5.0, 5.0),
            incident("2026-10-01", 5.0, 5.0),
        ];
        assert_eq!(
            flags(&once_a_year, &two),
            vec![Calibration::MoreOften {
                allowed_per_year: 1.0,
                seen: 2
            }]
        );
        let old = [
            incident("2025-11-24", 5.0, 5.0),
            incident("2026-10-01", 5.0, 5.0),
        ];
        assert!(
            flags(&once_a_year, &old).is_empty(),
            "an incident 365 days ago is outside the year"
        );
    }

    #[test]
    fn detect_and_repair_well_above_the_estimate_is_flagged() {
        let e = estimates(10.0, 20.0, 30.0);
        let at_limit = [incident("2026-11-01", 15.0, 30.0)];
        assert!(
            flags(&e, &at_limit).is_empty(),
            "1.5× is not yet well above"
        );
        let slow = [
            incident("2026-11-01", 30.0, 60.0),
            incident("2026-11-10", 10.0, 20.0),
        ];
        assert_eq!(
            flags(&e, &slow),
            vec![Calibration::SlowerThanEstimated {
                estimated_minutes: 30.0,
                measured_minutes: 60.0
            }]
        );
    }

    #[test]
    fn no_estimates_no_flags_and_bad_minutes_of_an_incident() {
        let i = incident("2026-11-01", 10.0, 20.0);
        assert!(calibrate(&Estimates::default(), &[&i], TODAY).is_empty());
        assert_eq!(i.bad_minutes(), 30.0);
    }
}
