//! Importing actions (what `action list -o actions.csv` writes, edited in a spreadsheet): a
//! row whose `id` exists updates that action (if its `revision` column still matches), any
//! other row creates one on its `risk`. `risk_title` and `effective_due` are computed and
//! ignored. Missing teams and milestones are created and reported, as for risks.

use std::collections::HashMap;

use super::read::{ColumnId, Columns, Index, Record};
use super::{Catalog, ImportReport, MAX_ID, Renumbered, name_cell};
use crate::domain::actions::{ActionField, ActionFields, ActionPatch};
use crate::error::{Error, Result};
use crate::store::Tx;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Col {
    Id,
    Risk,
    Title,
    Status,
    Owner,
    Team,
    Milestone,
    Due,
    Link,
    Kind,
    Incident,
    Revision,
}

impl ColumnId for Col {
    fn index(self) -> usize {
        self as usize
    }
}

/// The columns of an action file, in [`Col`] order.
pub(super) static COLUMNS: Columns = Columns {
    noun: "action",
    imported: &[
        "id",
        "risk",
        "title",
        "status",
        "owner",
        "team",
        "milestone",
        "due",
        "link",
        "kind",
        "incident",
        "revision",
    ],
    computed: &["risk_title", "effective_due", "created_at", "updated_at"],
    required: &[Col::Risk as usize, Col::Title as usize],
    text: &[
        Col::Title as usize,
        Col::Owner as usize,
        Col::Team as usize,
        Col::Milestone as usize,
        Col::Link as usize,
    ],
};

/// The columns set through [`ActionPatch::set_from_text`], and the field each sets.
const FIELD_COLS: [(Col, ActionField); 6] = [
    (Col::Title, ActionField::Title),
    (Col::Owner, ActionField::Owner),
    (Col::Due, ActionField::Due),
    (Col::Link, ActionField::Link),
    (Col::Incident, ActionField::Incident),
    (Col::Status, ActionField::Status),
];

/// One import of actions, inside its transaction.
pub(super) struct Session<'t, 's> {
    pub tx: &'t mut Tx<'s>,
    /// Ids up to this were given out before the import; a missing one was deleted.
    pub highest_id_before: i64,
    pub report: &'t mut ImportReport,
    pub seen: HashMap<i64, u64>,
    pub note: &'t str,
}

impl Session<'_, '_> {
    pub(super) fn apply(&mut self, rec: &Record) -> Result<()> {
        self.report.rows += 1;
        let id = rec.whole(Col::Id, MAX_ID, " (or empty for a new action)")?;
        if let Some(id) = id
            && let Some(first) = self.seen.insert(id, rec.line())
        {
            return Err(rec.error(
                Some(Col::Id),
                format!(
                    "action id {id} appears twice in the file, on lines {first} and {}",
                    rec.line()
                ),
            ));
        }
        let risk = rec.whole(Col::Risk, MAX_ID, ": a risk's id")?;
        let patch = self.patch(rec)?;
        let Some(id) = id else {
            return self.create(rec, None, risk, patch);
        };
        if let Some(current) = self.tx.action(id)? {
            if let Some(risk) = risk
                && risk != current.fields.risk
            {
                return Err(rec.error(
                    Some(Col::Risk),
                    format!(
                        "action {id} belongs to risk {}; an action cannot move to another risk. Clear the id cell to record it as a new action on risk {risk}",
                        current.fields.risk
                    ),
                ));
            }
            if let Some(expected) = rec.whole(Col::Revision, i64::MAX, "")?
                && expected != current.revision
            {
                return Err(rec.error(
                    Some(Col::Revision),
                    format!(
                        "action {id} is at revision {}, but this row was exported at revision {expected}: someone changed it since. Export again and reapply your edits to the new export",
                        current.revision
                    ),
                ));
            }
            let edit = self
                .tx
                .update_action(id, None, &patch, self.note)
                .map_err(|e| locate(rec, e))?;
            if edit.changes.is_empty() {
                self.report.unchanged += 1;
            } else {
                self.report.updated += 1;
            }
            return Ok(());
        }
        if id <= self.highest_id_before
            && let Some(exported_at) = rec.whole(Col::Revision, i64::MAX, "")?
        {
            return Err(rec.error(
                Some(Col::Id),
                format!(
                    "action {id} was deleted after this row was exported (at revision {exported_at}); drop the row, or clear its id and revision cells to record it again as a new action"
                ),
            ));
        }
        self.create(rec, Some(id), risk, patch)
    }

    fn create(
        &mut self,
        rec: &Record,
        requested: Option<i64>,
        risk: Option<i64>,
        patch: ActionPatch,
    ) -> Result<()> {
        let Some(risk) = risk else {
            return Err(rec.error(Some(Col::Risk), "a new action needs the id of its risk"));
        };
        let Some(title) = patch.title.clone() else {
            return Err(rec.error(Some(Col::Title), "a new action needs a title"));
        };
        let fields = ActionFields::new(risk, title).patched(&patch);
        let id = requested.filter(|id| *id > self.highest_id_before);
        let new_id = self
            .tx
            .create_action(fields, id, self.note)
            .map_err(|e| locate(rec, e))?;
        if let Some(requested) = requested
            && requested != new_id
        {
            self.report.renumbered.push(Renumbered {
                line: rec.line(),
                requested_id: requested,
                id: new_id,
            });
        }
        self.report.created += 1;
        Ok(())
    }

    /// Every column present in the row, validated, as a patch. An empty status or kind keeps
    /// the current one (a new action starts todo, short-term).
    fn patch(&mut self, rec: &Record) -> Result<ActionPatch> {
        let mut patch = ActionPatch::default();
        for (col, field) in FIELD_COLS {
            let Some(text) = rec.get(col) else { continue };
            if field == ActionField::Status && text.trim().is_empty() {
                continue;
            }
            patch
                .set_from_text(field, text)
                .map_err(|e| rec.field_error(col, e))?;
        }
        if let Some(text) = rec.value(Col::Kind) {
            patch
                .set_from_text(ActionField::Kind, text)
                .map_err(|e| rec.field_error(Col::Kind, e))?;
        }
        patch.team = name_cell(self.tx, self.report, rec, Col::Team, Catalog::Team)?;
        patch.milestone = name_cell(
            self.tx,
            self.report,
            rec,
            Col::Milestone,
            Catalog::Milestone { due: None },
        )?;
        Ok(patch)
    }
}

/// Adds the row's location to an error raised while storing it.
fn locate(rec: &Record, e: Error) -> Error {
    match e {
        Error::Field(f) => match COLUMNS.imported.iter().position(|n| *n == f.field) {
            Some(c) => rec.field_error(Index(c), f),
            None => rec.error(None::<Col>, f.to_string()),
        },
        Error::Constraint(m) => rec.error(None::<Col>, m),
        Error::NotFound(m) => rec.error(None::<Col>, m),
        other => other,
    }
}
