//! Field-level edits: a field's value typed as text, the patch between two states of a risk,
//! and the three-way merge that keeps a stale edit from overwriting someone else's change.
//!
//! The TUI form edits text and saves a patch of the fields the person changed. When the risk
//! moved on meanwhile, disjoint changes merge and the same field changed on both sides is a
//! conflict for the person to settle (theirs or mine), never a silent overwrite.

use super::validate::{self, FieldError};
use super::{Field, Impact, Likelihood, RiskFields, RiskPatch, Status, estimates};

/// Sets `field` in `patch` from the text a person typed, with the validation every other
/// entry point uses. Empty text clears optional fields.
pub fn set_from_text(patch: &mut RiskPatch, field: Field, text: &str) -> Result<(), FieldError> {
    let name = field.name();
    match field {
        Field::Title => patch.title = Some(validate::title(text)?),
        Field::Description => patch.description = Some(validate::description(text)?),
        Field::Category => patch.category = Some(validate::line(name, text, validate::LINE_MAX)?),
        Field::Service => patch.service = Some(validate::line(name, text, validate::LINE_MAX)?),
        Field::Owner => patch.owner = Some(validate::line(name, text, validate::LINE_MAX)?),
        Field::Approver => patch.approver = Some(validate::line(name, text, validate::LINE_MAX)?),
        Field::Likelihood => patch.likelihood = Some(Likelihood::parse(text)?),
        Field::Impact => patch.impact = Some(Impact::parse(text)?),
        Field::TargetLikelihood => {
            patch.target_likelihood = Some(optional_level(name, text, Likelihood::parse)?);
        }
        Field::TargetImpact => {
            patch.target_impact = Some(optional_level(name, text, Impact::parse)?);
        }
        Field::Status => patch.status = Some(Status::parse(text)?),
        Field::Team => patch.team = Some(optional_name(name, text)?),
        Field::Milestone => patch.milestone = Some(optional_name(name, text)?),
        Field::Tags => patch.tags = Some(validate::tags([text])?),
        Field::NextReview => patch.next_review = Some(validate::optional_date(name, text)?),
        Field::AcceptedUntil => patch.accepted_until = Some(validate::optional_date(name, text)?),
        Field::Links => patch.links = Some(validate::links(text)?),
        amount => patch
            .amounts
            .push((amount, estimates::parse(amount, text)?)),
    }
    Ok(())
}

/// A target level: empty clears it (today's level then counts), else 1 to 5.
pub fn optional_level<T>(
    field: &str,
    text: &str,
    parse: impl Fn(&str) -> Result<T, FieldError>,
) -> Result<Option<T>, FieldError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    parse(text)
        .map(Some)
        .map_err(|e| FieldError::new(field, text, e.reason))
}

fn optional_name(field: &str, text: &str) -> Result<Option<String>, FieldError> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        validate::name(field, text, validate::NAME_MAX).map(Some)
    }
}

/// Copies one field's value from `from` into `patch`.
pub fn set_from_fields(patch: &mut RiskPatch, field: Field, from: &RiskFields) {
    match field {
        Field::Title => patch.title = Some(from.title.clone()),
        Field::Description => patch.description = Some(from.description.clone()),
        Field::Category => patch.category = Some(from.category.clone()),
        Field::Service => patch.service = Some(from.service.clone()),
        Field::Owner => patch.owner = Some(from.owner.clone()),
        Field::Approver => patch.approver = Some(from.approver.clone()),
        Field::Likelihood => patch.likelihood = Some(from.likelihood),
        Field::Impact => patch.impact = Some(from.impact),
        Field::TargetLikelihood => patch.target_likelihood = Some(from.target_likelihood),
        Field::TargetImpact => patch.target_impact = Some(from.target_impact),
        Field::Status => patch.status = Some(from.status),
        Field::Team => patch.team = Some(from.team.clone()),
        Field::Milestone => patch.milestone = Some(from.milestone.clone()),
        Field::Tags => patch.tags = Some(from.tags.clone()),
        Field::NextReview => patch.next_review = Some(from.next_review),
        Field::AcceptedUntil => patch.accepted_until = Some(from.accepted_until),
        Field::Links => patch.links = Some(from.links.clone()),
        amount => patch.amounts.push((amount, from.amount(amount).flatten())),
    }
}

/// What landing its milestone does to a risk: each target (estimates, likelihood, impact)
/// becomes the current value and is cleared. Empty when it has no targets.
pub fn landing(f: &RiskFields) -> RiskPatch {
    let mut patch = RiskPatch::default();
    for (now, then) in super::estimates::ESTIMATE_FIELDS[..4]
        .iter()
        .zip(&super::estimates::ESTIMATE_FIELDS[4..])
    {
        if let Some(target) = f.amount(*then).flatten() {
            patch.amounts.push((*now, Some(target)));
            patch.amounts.push((*then, None));
        }
    }
    if let Some(l) = f.target_likelihood {
        patch.likelihood = Some(l);
        patch.target_likelihood = Some(None);
    }
    if let Some(i) = f.target_impact {
        patch.impact = Some(i);
        patch.target_impact = Some(None);
    }
    patch
}

/// The fields that differ between two states of a risk.
pub fn changed_fields(old: &RiskFields, new: &RiskFields) -> Vec<Field> {
    old.changes_to(new).into_iter().map(|c| c.field).collect()
}

/// The patch that turns `old` into `new`: only the fields that differ.
pub fn patch_between(old: &RiskFields, new: &RiskFields) -> RiskPatch {
    let mut patch = RiskPatch::default();
    for field in changed_fields(old, new) {
        set_from_fields(&mut patch, field, new);
    }
    patch
}

/// The patch that puts every field back to `fields` (undo, "keep mine").
pub fn patch_restoring(fields: &RiskFields) -> RiskPatch {
    let mut patch = RiskPatch::default();
    for field in Field::ALL {
        set_from_fields(&mut patch, field, fields);
    }
    patch
}

/// One field both sides changed, to different values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldConflict {
    pub field: Field,
    pub base: String,
    pub theirs: String,
    pub mine: String,
}

/// The outcome of merging my edit (from `base`) onto what the risk is now (`theirs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Merge {
    /// Apply this patch to `theirs`: my changes, none of which collides with theirs.
    Clean(Box<RiskPatch>),
    /// The same fields changed on both sides; nothing may be written until someone chooses.
    Conflict(Vec<FieldConflict>),
}

/// Three-way merge at field level. A field changed on both sides to the same value is not a
/// conflict.
pub fn merge(base: &RiskFields, mine: &RiskFields, theirs: &RiskFields) -> Merge {
    let my_fields = changed_fields(base, mine);
    let their_fields = changed_fields(base, theirs);
    let conflicts: Vec<FieldConflict> = my_fields
        .iter()
        .filter(|f| their_fields.contains(f))
        .filter(|f| mine.value_text(**f) != theirs.value_text(**f))
        .map(|&field| FieldConflict {
            field,
            base: base.value_text(field),
            theirs: theirs.value_text(field),
            mine: mine.value_text(field),
        })
        .collect();
    if !conflicts.is_empty() {
        return Merge::Conflict(conflicts);
    }
    let mut patch = RiskPatch::default();
    for field in my_fields {
        set_from_fields(&mut patch, field, mine);
    }
    Merge::Clean(Box::new(patch))
}

/// Settles a conflict: mine wins on the conflicting fields (`keep_mine`) or theirs does; my
/// other changes apply either way.
pub fn resolve(
    base: &RiskFields,
    mine: &RiskFields,
    theirs: &RiskFields,
    keep_mine: bool,
) -> RiskPatch {
    let their_fields = changed_fields(base, theirs);
    let mut patch = RiskPatch::default();
    for field in changed_fields(base, mine) {
        if keep_mine || !their_fields.contains(&field) {
            set_from_fields(&mut patch, field, mine);
        }
    }
    patch
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> RiskFields {
        let mut f = RiskFields::new(
            "Primary DB has no failover".into(),
            Likelihood::new(3).unwrap(),
            Impact::new(4).unwrap(),
        );
        f.owner = "ana".into();
        f.team = Some("platform".into());
        f
    }

    #[test]
    fn text_sets_each_field_with_the_shared_validation() {
        let mut p = RiskPatch::default();
        set_from_text(&mut p, Field::Title, "  New title ").unwrap();
        set_from_text(&mut p, Field::Likelihood, "5").unwrap();
        set_from_text(&mut p, Field::Team, "").unwrap();
        set_from_text(&mut p, Field::Tags, "db, Failover db").unwrap();
        set_from_text(&mut p, Field::AcceptedUntil, "").unwrap();
        assert_eq!(p.title.as_deref(), Some("New title"));
        assert_eq!(p.likelihood, Likelihood::new(5));
        assert_eq!(p.team, Some(None));
        assert_eq!(p.tags, Some(vec!["db".to_string(), "failover".to_string()]));
        assert_eq!(p.accepted_until, Some(None));
        for (field, bad) in [
            (Field::Title, ""),
            (Field::Title, "a\u{202e}b"),
            (Field::Likelihood, "6"),
            (Field::Status, "opne"),
            (Field::NextReview, "2026-02-30"),
            (Field::Owner, "x\u{1b}[2J"),
        ] {
            let err = set_from_text(&mut RiskPatch::default(), field, bad).unwrap_err();
            assert_eq!(err.field, field.name(), "{bad:?}");
        }
    }

    #[test]
    fn patch_between_holds_only_the_changed_fields() {
        let old = base();
        let mut new = old.clone();
        new.title = "Renamed".into();
        new.milestone = Some("q1".into());
        let p = patch_between(&old, &new);
        assert_eq!(p.title.as_deref(), Some("Renamed"));
        assert_eq!(p.milestone, Some(Some("q1".into())));
        assert_eq!(p.owner, None);
        assert_eq!(old.patched(&p), new);
        assert_eq!(base().patched(&patch_restoring(&new)), new);
    }

    #[test]
    fn disjoint_changes_merge() {
        let b = base();
        let mut mine = b.clone();
        mine.title = "Mine".into();
        let mut theirs = b.clone();
        theirs.owner = "bob".into();
        let Merge::Clean(p) = merge(&b, &mine, &theirs) else {
            panic!("expected a clean merge")
        };
        let p = *p;
        let merged = theirs.patched(&p);
        assert_eq!(merged.title, "Mine");
        assert_eq!(merged.owner, "bob");
    }

    #[test]
    fn the_same_field_changed_on_both_sides_conflicts() {
        let b = base();
        let mut mine = b.clone();
        mine.title = "Mine".into();
        mine.owner = "carol".into();
        let mut theirs = b.clone();
        theirs.title = "Theirs".into();
        let Merge::Conflict(c) = merge(&b, &mine, &theirs) else {
            panic!("expected a conflict")
        };
        assert_eq!(
            c,
            vec![FieldConflict {
                field: Field::Title,
                base: b.title.clone(),
                theirs: "Theirs".into(),
                mine: "Mine".into()
            }]
        );
        let keep_mine = theirs.patched(&resolve(&b, &mine, &theirs, true));
        assert_eq!(
            (keep_mine.title.as_str(), keep_mine.owner.as_str()),
            ("Mine", "carol")
        );
        let keep_theirs = theirs.patched(&resolve(&b, &mine, &theirs, false));
        assert_eq!(
            (keep_theirs.title.as_str(), keep_theirs.owner.as_str()),
            ("Theirs", "carol")
        );
    }

    #[test]
    fn the_same_change_on_both_sides_is_no_conflict() {
        let b = base();
        let mut mine = b.clone();
        mine.impact = Impact::new(5).unwrap();
        let theirs = mine.clone();
        assert!(matches!(merge(&b, &mine, &theirs), Merge::Clean(_)));
    }
}
