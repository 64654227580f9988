//! Changes to many risks (or actions) at once: `edit --where`, `review --where`, `delete
//! --where`, `action done --where`, and the TUI's marked rows. One transaction for all of
//! them: the first item that cannot change stops it and nothing is written. A preview runs
//! the same change and rolls it back, so it shows exactly what `--yes` would do.

use serde::Serialize;

use crate::domain::actions::{ActionPatch, ActionStatus};
use crate::domain::lifecycle::Rules;
use crate::domain::{Field, RiskPatch};
use crate::error::Result;
use crate::store::{Stamp, Store, Tx};

/// What to do to each selected risk.
#[derive(Clone, Copy, Debug)]
pub(crate) enum RiskChange<'a> {
    Edit(&'a RiskPatch),
    Review,
    Delete,
    /// `edit --note` with no field: a comment on each.
    Comment,
}

/// One field's change on one item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Changed {
    pub field: &'static str,
    pub old: String,
    pub new: String,
}

/// What the change did (or would do) to one item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct BulkItem {
    pub id: i64,
    pub title: String,
    pub changes: Vec<Changed>,
    /// The revision after the change (none once deleted).
    pub revision: Option<i64>,
}

/// A change to many: whether it was only previewed, and what it did to each item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct BulkOutcome {
    pub dry_run: bool,
    /// "risk" or "action".
    pub entity: &'static str,
    pub count: usize,
    pub items: Vec<BulkItem>,
}

impl BulkOutcome {
    /// Items that changed (a risk already as asked counts as matched, not changed).
    pub(crate) fn changed(&self) -> usize {
        self.items.iter().filter(|i| !i.changes.is_empty()).count()
    }
}

/// Runs `f` over every id in one transaction: committed with `apply`, else rolled back.
fn run(
    store: &mut Store,
    stamp: &Stamp,
    apply: bool,
    entity: &'static str,
    ids: &[i64],
    mut f: impl FnMut(&mut Tx<'_>, i64) -> Result<BulkItem>,
) -> Result<BulkOutcome> {
    let each = |tx: &mut Tx<'_>| -> Result<Vec<BulkItem>> {
        ids.iter()
            .map(|id| f(tx, *id).map_err(|e| e.within(format!("{entity} {id}"))))
            .collect()
    };
    let items = if apply {
        store.write(stamp, each)?
    } else {
        store.dry_run(stamp, each)?
    };
    Ok(BulkOutcome {
        dry_run: !apply,
        entity,
        count: items.len(),
        items,
    })
}

fn changed(field: Field, old: String, new: String) -> Changed {
    Changed {
        field: field.name(),
        old,
        new,
    }
}

/// A change that is not a field's: a deletion, a comment.
fn event(what: &'static str, new: &str) -> Changed {
    Changed {
        field: what,
        old: String::new(),
        new: new.to_string(),
    }
}

/// Applies (or, without `apply`, previews) `change` to every risk in `ids`.
pub(crate) fn change_risks(
    store: &mut Store,
    stamp: &Stamp,
    ids: &[i64],
    change: RiskChange<'_>,
    note: &str,
    apply: bool,
) -> Result<BulkOutcome> {
    run(store, stamp, apply, "risk", ids, |tx, id| match change {
        RiskChange::Edit(patch) => {
            let edit = tx.update_risk(id, None, patch, Rules::Interactive, note)?;
            Ok(BulkItem {
                id,
                title: edit.risk.fields.title.clone(),
                changes: edit
                    .changes
                    .into_iter()
                    .map(|c| changed(c.field, c.old, c.new))
                    .collect(),
                revision: Some(edit.risk.revision),
            })
        }
        RiskChange::Review => {
            let after = tx.review_risk(id, note)?;
            Ok(BulkItem {
                id,
                title: after.fields.title.clone(),
                changes: vec![event(
                    "reviewed",
                    &after.fields.value_text(Field::NextReview),
                )],
                revision: Some(after.revision),
            })
        }
        RiskChange::Delete => {
            let gone = tx.delete_risk(id, note)?;
            Ok(BulkItem {
                id,
                title: gone.fields.title,
                changes: vec![event("deleted", "")],
                revision: None,
            })
        }
        RiskChange::Comment => {
            let risk = tx.existing_risk(id)?;
            tx.comment(id, None, note)?;
            Ok(BulkItem {
                id,
                title: risk.fields.title,
                changes: vec![event("comment", note)],
                revision: Some(risk.revision),
            })
        }
    })
}

/// Marks (or previews marking) every action in `ids` done.
pub(crate) fn finish_actions(
    store: &mut Store,
    stamp: &Stamp,
    ids: &[i64],
    note: &str,
    apply: bool,
) -> Result<BulkOutcome> {
    let patch = ActionPatch {
        status: Some(ActionStatus::Done),
        ..ActionPatch::default()
    };
    run(store, stamp, apply, "action", ids, |tx, id| {
        let edit = tx.update_action(id, None, &patch, note)?;
        Ok(BulkItem {
            id,
            title: edit.action.fields.title.clone(),
            changes: edit
                .changes
                .into_iter()
                .map(|(field, old, new)| Changed {
                    field: field.name(),
                    old,
                    new,
                })
                .collect(),
            revision: Some(edit.action.revision),
        })
    })
}
