//! Importing risks: `title`, `likelihood` and `impact` are required; computed columns (score,
//! band, …) are ignored. `milestone_due` gives a milestone the import creates its due date,
//! so an export loads into an empty register with its roadmap intact. A row whose `id` exists
//! updates that risk (if its `revision` column still matches), any other row creates one.
//! Missing teams and milestones are created and reported.

use std::collections::HashMap;

use super::read::{ColumnId, Columns, Index, Record};
use super::{FieldEdit, ImportConflict, ImportReport, MAX_ID, Reformatted, Renumbered, Winner};
use crate::domain::lifecycle::Rules;
use crate::domain::merge::{self, optional_level};
use crate::domain::reformat;
use crate::domain::{
    EventKind, Field, FieldError, Impact, Likelihood, RiskFields, RiskPatch, Status, estimates,
    validate,
};
use crate::error::{Error, Result};
use crate::store::{NewRisk, Tx};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Col {
    Id,
    Title,
    Description,
    Category,
    Service,
    Likelihood,
    Impact,
    Status,
    Team,
    Milestone,
    Owner,
    Tags,
    NextReview,
    AcceptedUntil,
    Approver,
    CreatedAt,
    Revision,
    MilestoneDue,
    Ettd,
    Ettr,
    Users,
    Ettf,
    TargetEttd,
    TargetEttr,
    TargetUsers,
    TargetEttf,
    Links,
    TargetLikelihood,
    TargetImpact,
}

impl ColumnId for Col {
    fn index(self) -> usize {
        self as usize
    }
}

/// The columns of a risk file, in [`Col`] order.
pub(super) static COLUMNS: Columns = Columns {
    noun: "risk",
    imported: &[
        "id",
        "title",
        "description",
        "category",
        "service",
        "likelihood",
        "impact",
        "status",
        "team",
        "milestone",
        "owner",
        "tags",
        "next_review",
        "accepted_until",
        "approver",
        "created_at",
        "revision",
        // Sets the due date of a milestone the import creates; ignored for existing ones.
        "milestone_due",
        "ettd",
        "ettr",
        "users",
        "ettf",
        "target_ettd",
        "target_ettr",
        "target_users",
        "target_ettf",
        "links",
        "target_likelihood",
        "target_impact",
    ],
    computed: &[
        "score",
        "band",
        "updated_at",
        "bad_minutes_per_year",
        "target_bad_minutes_per_year",
        "actions_open",
        "actions_overdue",
        "next_action_due",
        "target_score",
        "target_band",
    ],
    required: &[
        Col::Title as usize,
        Col::Likelihood as usize,
        Col::Impact as usize,
    ],
    text: &[
        Col::Title as usize,
        Col::Description as usize,
        Col::Category as usize,
        Col::Service as usize,
        Col::Team as usize,
        Col::Milestone as usize,
        Col::Owner as usize,
        Col::Tags as usize,
        Col::Approver as usize,
        Col::Links as usize,
    ],
};

/// Estimate columns and the fields they set.
const ESTIMATE_COLS: [(Col, Field); 8] = [
    (Col::Ettd, Field::Ettd),
    (Col::Ettr, Field::Ettr),
    (Col::Users, Field::Users),
    (Col::Ettf, Field::Ettf),
    (Col::TargetEttd, Field::TargetEttd),
    (Col::TargetEttr, Field::TargetEttr),
    (Col::TargetUsers, Field::TargetUsers),
    (Col::TargetEttf, Field::TargetEttf),
];

fn col_name(col: Col) -> &'static str {
    COLUMNS.imported[col.index()]
}

/// Columns a spreadsheet may reformat without anyone editing them, and their fields.
const REFORMATTABLE: [(Col, Field); 12] = [
    (Col::Title, Field::Title),
    (Col::Description, Field::Description),
    (Col::Category, Field::Category),
    (Col::Service, Field::Service),
    (Col::Owner, Field::Owner),
    (Col::Approver, Field::Approver),
    (Col::Team, Field::Team),
    (Col::Milestone, Field::Milestone),
    (Col::NextReview, Field::NextReview),
    (Col::AcceptedUntil, Field::AcceptedUntil),
    (Col::Likelihood, Field::Likelihood),
    (Col::Impact, Field::Impact),
];

/// One import of risks, inside its transaction.
pub(super) struct Session<'t, 's> {
    pub tx: &'t mut Tx<'s>,
    /// Ids up to this were given out before the import; a missing one was deleted.
    pub highest_id_before: i64,
    pub report: &'t mut ImportReport,
    pub seen: HashMap<i64, u64>,
    pub note: &'t str,
    /// Who wins a field changed on both sides since the export.
    pub on_conflict: Option<Winner>,
}

impl Session<'_, '_> {
    pub(super) fn apply(&mut self, rec: &mut Record) -> Result<()> {
        self.report.rows += 1;
        let id = rec.whole(Col::Id, MAX_ID, " (or empty for a new risk)")?;
        if let Some(id) = id
            && let Some(first) = self.seen.insert(id, rec.line())
        {
            return Err(rec.error(
                Some(Col::Id),
                format!(
                    "risk id {id} appears twice in the file, on lines {first} and {}",
                    rec.line()
                ),
            ));
        }
        let Some(id) = id else {
            let patch = self.patch(rec)?;
            return self.create(rec, None, &patch);
        };
        // Into a register that never had a risk, every id is new (the file's own repeats
        // were refused above): no lookup per row.
        if self.highest_id_before > 0
            && let Some(revision) = self.tx.risk_revision(id)?
        {
            return self.update(rec, id, revision);
        }
        let patch = self.patch(rec)?;
        if id <= self.highest_id_before
            && let Some(exported_at) = rec.whole(Col::Revision, i64::MAX, "")?
        {
            // The row describes a risk this register had and deleted since the export:
            // writing it back would bring the risk back to life under a new id.
            return Err(rec.error(
                Some(Col::Id),
                format!(
                    "risk {id} was deleted after this row was exported (at revision {exported_at}); drop the row, or clear its id and revision cells to record it again as a new risk"
                ),
            ));
        }
        self.create(rec, Some(id), &patch)
    }

    /// An existing risk's row: its fields as exported (the base: the risk at the row's
    /// revision, rebuilt from the history) are compared with the sheet's; only what the
    /// sheet changed is applied, merged with what the register changed since.
    fn update(&mut self, rec: &mut Record, id: i64, current_revision: i64) -> Result<()> {
        let current = self.tx.existing_risk(id)?.fields;
        let stale = rec
            .whole(Col::Revision, i64::MAX, "")?
            .filter(|exported| *exported != current_revision);
        let base = match stale {
            None => current.clone(),
            Some(exported) => self.tx.risk_at_revision(id, exported)?.ok_or_else(|| {
                rec.error(
                    Some(Col::Revision),
                    format!(
                        "risk {id} is at revision {current_revision}, and its history cannot rebuild revision {exported} this row was exported at (a revision this register never had); export again and reapply your edits to the new export"
                    ),
                )
            })?,
        };
        self.skip_reformatted(rec, id, &base);
        let patch = self.patch(rec)?;
        let patch = match stale {
            None => patch,
            Some(_) => match self.merged(rec, id, &base, &current, &patch) {
                Some(p) => p,
                None => return Ok(()),
            },
        };
        let edit = self
            .tx
            .update_risk(id, None, &patch, Rules::Import, self.note)
            .map_err(|e| locate(rec, e))?;
        if edit.changes.is_empty() {
            self.report.unchanged += 1;
        } else {
            self.report.updated += 1;
        }
        let row = rec.row();
        self.report
            .changes
            .extend(edit.changes.into_iter().map(|c| FieldEdit {
                row,
                risk: id,
                field: c.field.name(),
                old: c.old,
                new: c.new,
            }));
        Ok(())
    }

    /// Leaves out each cell that differs from the base only as a spreadsheet's reformatting
    /// does (`007` → `7`, a date rewritten), with a warning.
    fn skip_reformatted(&mut self, rec: &mut Record, id: i64, base: &RiskFields) {
        for (col, field) in REFORMATTABLE {
            let Some(sheet) = rec.get(col) else {
                continue;
            };
            let register = base.value_text(field);
            if let Some(how) = reformat::reformatted(&register, sheet) {
                self.report.warnings.push(Reformatted {
                    row: rec.row(),
                    risk: id,
                    field: field.name(),
                    register,
                    sheet: sheet.to_string(),
                    reason: how.reason(),
                });
                rec.drop_cell(col);
            }
        }
    }

    /// The sheet's changes from `base` merged onto the register's (`current`): none when a
    /// field changed on both sides to different values and no `--on-conflict` says who wins
    /// (the conflict is listed and the import will fail).
    fn merged(
        &mut self,
        rec: &Record,
        id: i64,
        base: &RiskFields,
        current: &RiskFields,
        patch: &RiskPatch,
    ) -> Option<RiskPatch> {
        let sheet = base.patched(patch);
        let conflicts = match merge::merge(base, &sheet, current) {
            merge::Merge::Clean(p) => return Some(*p),
            merge::Merge::Conflict(c) => c,
        };
        self.report
            .conflicts
            .extend(conflicts.into_iter().map(|c| ImportConflict {
                row: rec.row(),
                risk: id,
                field: c.field.name(),
                base: c.base,
                register: c.theirs,
                sheet: c.mine,
                kept: self.on_conflict,
            }));
        self.on_conflict
            .map(|w| merge::resolve(base, &sheet, current, w == Winner::Sheet))
    }

    fn create(&mut self, rec: &Record, requested: Option<i64>, patch: &RiskPatch) -> Result<()> {
        let (Some(title), Some(likelihood), Some(impact)) =
            (patch.title.clone(), patch.likelihood, patch.impact)
        else {
            let missing = [
                (patch.title.is_none(), Col::Title),
                (patch.likelihood.is_none(), Col::Likelihood),
                (patch.impact.is_none(), Col::Impact),
            ];
            let col = missing
                .iter()
                .find(|(m, _)| *m)
                .map_or(Col::Title, |(_, c)| *c);
            return Err(rec.error(Some(col), format!("a new risk needs a {}", col_name(col))));
        };
        let fields = RiskFields::new(title, likelihood, impact).patched(patch);
        let id = match requested {
            Some(id) if id <= self.highest_id_before => None,
            other => other,
        };
        let created_at = rec.parse(Col::CreatedAt, |s| {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                validate::timestamp("created_at", s).map(Some)
            }
        })?;
        let new = NewRisk {
            fields,
            id,
            created_at: created_at.flatten(),
        };
        let new_id = self
            .tx
            .create_risk(new, Rules::Import, EventKind::Import, self.note)
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

    /// Every column present in the row, validated, as a patch.
    fn patch(&mut self, rec: &Record) -> Result<RiskPatch> {
        let line = |col: Col| move |s: &str| validate::line(col_name(col), s, validate::LINE_MAX);
        let date = |col: Col| {
            move |s: &str| -> std::result::Result<Option<jiff::civil::Date>, FieldError> {
                if s.trim().is_empty() {
                    Ok(None)
                } else {
                    validate::date_lenient(col_name(col), s).map(Some)
                }
            }
        };
        let mut patch = RiskPatch {
            title: rec.parse(Col::Title, validate::title)?,
            description: rec.parse(Col::Description, validate::description)?,
            category: rec.parse(Col::Category, line(Col::Category))?,
            service: rec.parse(Col::Service, line(Col::Service))?,
            likelihood: rec.parse(Col::Likelihood, Likelihood::parse)?,
            impact: rec.parse(Col::Impact, Impact::parse)?,
            // An empty status keeps the current one (a new risk starts open).
            status: rec
                .value(Col::Status)
                .map(Status::parse)
                .transpose()
                .map_err(|e| rec.field_error(Col::Status, e))?,
            owner: rec.parse(Col::Owner, line(Col::Owner))?,
            tags: rec.parse(Col::Tags, |s| validate::tags([s]))?,
            approver: rec.parse(Col::Approver, line(Col::Approver))?,
            accepted_until: rec.parse(Col::AcceptedUntil, date(Col::AcceptedUntil))?,
            links: rec.parse(Col::Links, validate::links)?,
            target_likelihood: rec.parse(Col::TargetLikelihood, |s| {
                optional_level("target_likelihood", s, Likelihood::parse)
            })?,
            target_impact: rec.parse(Col::TargetImpact, |s| {
                optional_level("target_impact", s, Impact::parse)
            })?,
            ..RiskPatch::default()
        };
        // An empty next_review keeps the current date (or schedules one for a new risk).
        patch.next_review = rec
            .parse(Col::NextReview, date(Col::NextReview))?
            .flatten()
            .map(Some);
        patch.team = self.name_cell(rec, Col::Team)?;
        patch.milestone = self.name_cell(rec, Col::Milestone)?;
        for (col, field) in ESTIMATE_COLS {
            if let Some(amount) = rec.parse(col, |s| estimates::parse(field, s))? {
                patch.amounts.push((field, amount));
            }
        }
        Ok(patch)
    }

    /// A team or milestone cell: created when missing, canonical spelling otherwise.
    fn name_cell(&mut self, rec: &Record, col: Col) -> Result<Option<Option<String>>> {
        let due = match col {
            Col::Milestone => rec
                .parse(Col::MilestoneDue, |s| {
                    if s.trim().is_empty() {
                        Ok(None)
                    } else {
                        validate::date_lenient("milestone_due", s).map(Some)
                    }
                })?
                .flatten(),
            _ => None,
        };
        let kind = if col == Col::Team {
            super::Catalog::Team
        } else {
            super::Catalog::Milestone { due }
        };
        super::name_cell(self.tx, self.report, rec, col, kind)
    }
}

/// Adds the row's location to an error raised while storing it.
fn locate(rec: &Record, e: Error) -> Error {
    match e {
        Error::Field(f) => {
            let col = COLUMNS.imported.iter().position(|n| *n == f.field);
            match col {
                Some(c) => rec.field_error(Index(c), f),
                None => rec.error(None::<Col>, f.to_string()),
            }
        }
        Error::Constraint(m) => rec.error(None::<Col>, m),
        other => other,
    }
}
