//! The rules of a risk's life: which status moves are allowed, what accepting a risk needs,
//! and when the next review falls due.

use jiff::civil::Date;

use super::{FieldError, RiskFields, RiskPatch, Status};
use crate::scoring::Settings;

/// How strictly a change is checked. People editing one risk get every rule. An import
/// loads a spreadsheet's state as it is, except that an acceptance needs its approver and
/// end date on every way in; a risk it creates may carry an acceptance that has already
/// ended (an export of the register loads back whole), which `check` then reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rules {
    Interactive,
    Import,
    /// Undo puts back a state the register already held, so the move rules (a closed risk
    /// only reopens) do not apply to it.
    Restore,
}

/// Whether a risk may move from `from` to `to`. Any status may move to closed; a closed
/// risk may only be reopened (to open).
pub fn can_move(from: Status, to: Status) -> bool {
    from == to || to == Status::Closed || from != Status::Closed || to == Status::Open
}

/// Checks a new risk and fills in what the register derives (the first review date).
pub fn plan_create(
    mut fields: RiskFields,
    rules: Rules,
    today: Date,
    settings: &Settings,
) -> Result<RiskFields, FieldError> {
    if fields.status == Status::Accepted {
        match rules {
            Rules::Interactive => check_acceptance(&fields, today)?,
            Rules::Import => check_acceptance_complete(&fields)?,
            Rules::Restore => {}
        }
    }
    if fields.next_review.is_none() {
        fields.next_review = Some(first_review(&fields, today, settings));
    }
    fields.tags.sort();
    fields.tags.dedup();
    Ok(fields)
}

/// The state of a risk after `patch`, or the rule it breaks. A change of band (or a
/// reopening) reschedules the next review unless the patch sets it.
pub fn plan_edit(
    current: &RiskFields,
    patch: &RiskPatch,
    rules: Rules,
    today: Date,
    settings: &Settings,
) -> Result<RiskFields, FieldError> {
    let mut next = current.patched(patch);
    if rules == Rules::Interactive && !can_move(current.status, next.status) {
        return Err(FieldError::new(
            "status",
            next.status.as_str(),
            format!(
                "a {} risk can only be reopened (status open) first",
                current.status
            ),
        ));
    }
    if rules != Rules::Restore && acceptance_changed(current, &next) {
        check_acceptance(&next, today)?;
    }
    if patch.next_review.is_none() {
        let bands = &settings.bands;
        let rescored = bands.band_for_score(current.score()) != bands.band_for_score(next.score());
        let reopened = current.status == Status::Closed && next.status != Status::Closed;
        if rescored || reopened || next.next_review.is_none() {
            next.next_review = Some(first_review(&next, today, settings));
        }
    }
    Ok(next)
}

/// The state of a risk after a review: the next review moves out by its band's cadence.
pub fn plan_review(current: &RiskFields, today: Date, settings: &Settings) -> RiskFields {
    let mut next = current.clone();
    next.next_review = Some(first_review(current, today, settings));
    next
}

fn first_review(fields: &RiskFields, today: Date, settings: &Settings) -> Date {
    settings
        .cadence
        .next_review(settings.bands.band_for_score(fields.score()), today)
}

/// Whether `next` accepts the risk anew or changes who accepted it or until when: only
/// then are the acceptance's rules checked, so an untouched old acceptance never blocks an
/// unrelated edit.
fn acceptance_changed(current: &RiskFields, next: &RiskFields) -> bool {
    next.status == Status::Accepted
        && (current.status != Status::Accepted
            || current.approver != next.approver
            || current.accepted_until != next.accepted_until)
}

/// An acceptance names who accepted and until when, and that day is not past.
fn check_acceptance(fields: &RiskFields, today: Date) -> Result<(), FieldError> {
    check_acceptance_complete(fields)?;
    match fields.accepted_until {
        Some(d) if d < today => Err(FieldError::new(
            "accepted_until",
            &d.to_string(),
            format!(
                "is in the past (today is {today}); an acceptance must run until today or later"
            ),
        )),
        _ => Ok(()),
    }
}

/// An acceptance names who accepted and until when.
fn check_acceptance_complete(fields: &RiskFields) -> Result<(), FieldError> {
    if fields.approver.is_empty() {
        return Err(FieldError::new(
            "approver",
            "",
            "accepting a risk needs the approver's name",
        ));
    }
    match fields.accepted_until {
        None => Err(FieldError::new(
            "accepted_until",
            "",
            "accepting a risk needs the date the acceptance ends",
        )),
        Some(_) => Ok(()),
    }
}

/// An accepted risk whose acceptance has lapsed or was never complete.
pub fn acceptance_lapsed(fields: &RiskFields, today: Date) -> bool {
    fields.status == Status::Accepted
        && (fields.approver.is_empty() || fields.accepted_until.is_none_or(|d| d < today))
}

/// An active risk whose review date has come, or whose acceptance has lapsed.
pub fn is_review_due(fields: &RiskFields, today: Date) -> bool {
    fields.status.is_active()
        && (fields.next_review.is_some_and(|d| d <= today) || acceptance_lapsed(fields, today))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Impact, Likelihood};
    use jiff::civil::date;

    const TODAY: Date = date(2026, 11, 24);

    fn risk(l: u8, i: u8) -> RiskFields {
        RiskFields::new(
            "r".into(),
            Likelihood::new(l).unwrap(),
            Impact::new(i).unwrap(),
        )
    }

    #[test]
    fn status_moves() {
        use Status::*;
        let table = [
            (Open, Mitigating, true),
            (Mitigating, Mitigated, true),
            (Mitigated, Closed, true),
            (Open, Accepted, true),
            (Accepted, Closed, true),
            (Mitigating, Open, true),
            (Closed, Open, true),
            (Closed, Mitigating, false),
            (Closed, Accepted, false),
            (Closed, Mitigated, false),
            (Closed, Closed, true),
        ];
        for (from, to, ok) in table {
            assert_eq!(can_move(from, to), ok, "{from} -> {to}");
        }
    }

    #[test]
    fn create_schedules_the_first_review_by_band() {
        let s = Settings::default();
        let cases = [
            (5, 5, date(2026, 12, 8)),
            (4, 4, date(2026, 12, 24)),
            (3, 3, date(2027, 2, 22)),
            (1, 4, date(2027, 5, 23)),
        ];
        for (l, i, due) in cases {
            let f = plan_create(risk(l, i), Rules::Interactive, TODAY, &s).unwrap();
            assert_eq!(f.next_review, Some(due), "L{l} I{i}");
        }
    }

    #[test]
    fn accepting_needs_approver_and_a_current_date() {
        let s = Settings::default();
        let base = plan_create(risk(3, 3), Rules::Interactive, TODAY, &s).unwrap();
        let accept = |approver: &str, until: Option<Date>| RiskPatch {
            status: Some(Status::Accepted),
            approver: Some(approver.into()),
            accepted_until: Some(until),
            ..RiskPatch::default()
        };
        assert_eq!(
            plan_edit(
                &base,
                &accept("", Some(TODAY)),
                Rules::Interactive,
                TODAY,
                &s
            )
            .unwrap_err()
            .field,
            "approver"
        );
        assert_eq!(
            plan_edit(&base, &accept("cto", None), Rules::Interactive, TODAY, &s)
                .unwrap_err()
                .field,
            "accepted_until"
        );
        let yesterday = date(2026, 11, 23);
        assert!(
            plan_edit(
                &base,
                &accept("cto", Some(yesterday)),
                Rules::Interactive,
                TODAY,
                &s
            )
            .is_err()
        );
        assert!(
            plan_edit(
                &base,
                &accept("cto", Some(TODAY)),
                Rules::Interactive,
                TODAY,
                &s
            )
            .is_ok()
        );
        assert_eq!(
            plan_edit(&base, &accept("", None), Rules::Import, TODAY, &s)
                .unwrap_err()
                .field,
            "approver",
            "an import accepts under the same rules"
        );
        let mut lapsed = base.clone();
        lapsed.status = Status::Accepted;
        lapsed.approver = "cto".into();
        lapsed.accepted_until = Some(yesterday);
        let rename = RiskPatch {
            owner: Some("ana".into()),
            ..RiskPatch::default()
        };
        assert!(
            plan_edit(&lapsed, &rename, Rules::Interactive, TODAY, &s).is_ok(),
            "an untouched acceptance never blocks another change"
        );
        assert!(plan_create(lapsed.clone(), Rules::Import, TODAY, &s).is_ok());
        lapsed.approver.clear();
        assert_eq!(
            plan_create(lapsed, Rules::Import, TODAY, &s)
                .unwrap_err()
                .field,
            "approver"
        );
    }

    #[test]
    fn rescoring_into_another_band_reschedules_the_review() {
        let s = Settings::default();
        let base = plan_create(risk(3, 3), Rules::Interactive, TODAY, &s).unwrap();
        let later = date(2026, 12, 1);
        let same_band = RiskPatch {
            likelihood: Likelihood::new(2),
            impact: Impact::new(4),
            ..RiskPatch::default()
        };
        let next = plan_edit(&base, &same_band, Rules::Interactive, later, &s).unwrap();
        assert_eq!(next.next_review, base.next_review, "8 is still medium");
        let critical = RiskPatch {
            likelihood: Likelihood::new(5),
            impact: Impact::new(5),
            ..RiskPatch::default()
        };
        let next = plan_edit(&base, &critical, Rules::Interactive, later, &s).unwrap();
        assert_eq!(next.next_review, Some(date(2026, 12, 15)));
        let explicit = RiskPatch {
            next_review: Some(Some(date(2027, 1, 1))),
            ..critical
        };
        assert_eq!(
            plan_edit(&base, &explicit, Rules::Interactive, later, &s)
                .unwrap()
                .next_review,
            Some(date(2027, 1, 1))
        );
    }

    #[test]
    fn review_due_boundaries() {
        let mut f = risk(3, 3);
        f.next_review = Some(TODAY);
        assert!(is_review_due(&f, TODAY), "due on the day itself");
        f.next_review = Some(date(2026, 11, 25));
        assert!(!is_review_due(&f, TODAY));
        f.status = Status::Accepted;
        f.approver = "cto".into();
        f.accepted_until = Some(TODAY);
        assert!(
            !is_review_due(&f, TODAY),
            "acceptance runs through its last day"
        );
        f.accepted_until = Some(date(2026, 11, 23));
        assert!(is_review_due(&f, TODAY));
        f.accepted_until = None;
        assert!(
            is_review_due(&f, TODAY),
            "an acceptance without an end date is due"
        );
        f.status = Status::Closed;
        f.next_review = Some(date(2020, 1, 1));
        assert!(!is_review_due(&f, TODAY), "closed risks are never due");
    }

    #[test]
    fn review_moves_the_date_by_the_cadence() {
        let s = Settings::default();
        let f = plan_review(&risk(5, 4), TODAY, &s);
        assert_eq!(f.next_review, Some(date(2026, 12, 8)));
    }
}
