//! Importing from CSV (what a spreadsheet saves) or JSON (what `export` writes): risks, or
//! actions (a file with a `risk` column and no `likelihood`).
//!
//! The whole import is one transaction: the first bad value stops it, names its line and
//! column, and nothing is written. See [`risks`] and [`actions`] for what each row does.

mod actions;
mod read;
mod risks;
mod workbook;

use std::collections::HashMap;
use std::io::BufRead;

use serde::Serialize;

use crate::domain::{MilestonePatch, validate};
use crate::error::{Error, Result};
use crate::store::{Stamp, Store, Tx};
use read::{ColumnId, Columns, Opened, Record, Rows};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    Csv,
    Json,
    /// A workbook: .xlsx (and the .ods and .xls a spreadsheet may save).
    Workbook,
}

/// The largest id a file may bring: 2^53 − 1, the largest whole number every JSON reader
/// (JavaScript, a pandas float column) holds exactly. Far below SQLite's limit, so an
/// imported id can never exhaust the id counter for the records created after it.
pub const MAX_ID: i64 = (1 << 53) - 1;

/// Who wins a field changed both in the sheet and in the register since the export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Winner {
    Sheet,
    Register,
}

/// One field an import changes (or, dry, would change).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldEdit {
    pub row: u64,
    pub risk: i64,
    pub field: &'static str,
    pub old: String,
    pub new: String,
}

/// A cell left alone because it differs from the register only as a spreadsheet's
/// reformatting does (a warning, never applied).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reformatted {
    pub row: u64,
    pub risk: i64,
    pub field: &'static str,
    pub register: String,
    pub sheet: String,
    pub reason: &'static str,
}

/// A field the sheet and the register both changed, to different values, since the row
/// was exported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImportConflict {
    pub row: u64,
    pub risk: i64,
    pub field: &'static str,
    pub base: String,
    pub register: String,
    pub sheet: String,
    /// Whose value was kept, when `--on-conflict` said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept: Option<Winner>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Renumbered {
    pub line: u64,
    pub requested_id: i64,
    pub id: i64,
}

/// What an import did (or, with `--dry-run`, would do).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    /// What the rows were: "risk" or "action".
    pub records: &'static str,
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub teams_created: Vec<String>,
    pub milestones_created: Vec<String>,
    /// Rows whose id belonged to a deleted record: ids are never reused, so they got new ones.
    pub renumbered: Vec<Renumbered>,
    pub ignored_columns: Vec<String>,
    /// Every field changed on an existing risk: old → new.
    pub changes: Vec<FieldEdit>,
    /// Cells only a spreadsheet's reformatting changed: left alone.
    pub warnings: Vec<Reformatted>,
    /// Fields changed on both sides since the export (each settled by `--on-conflict`).
    pub conflicts: Vec<ImportConflict>,
    /// A CSV file separated by something other than commas ("semicolons", "tabs"), as its
    /// header line showed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub separated_by: Option<&'static str>,
    /// The workbook sheet the rows came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// A workbook's second sheet (its actions), imported in the same transaction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<Box<ImportReport>>,
}

#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    pub dry_run: bool,
    pub ignore_unknown: bool,
    /// Recorded on every history event of the import (e.g. the file name).
    pub note: String,
    /// Who wins a field changed on both sides since the export; none refuses the import.
    pub on_conflict: Option<Winner>,
}

/// Reads rows from `input` and applies them in one transaction (rolled back on `dry_run`).
/// `progress` is called with the number of rows read so far.
pub fn import<R: BufRead>(
    store: &mut Store,
    stamp: &Stamp,
    input: R,
    hint: Option<InputFormat>,
    options: &ImportOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<ImportReport> {
    let prepared = prepare(input, hint, options)?;
    let run = |tx: &mut Tx<'_>| prepared.apply(tx, options, progress);
    if options.dry_run {
        store.dry_run(stamp, run)
    } else {
        store.write(stamp, run)
    }
}

/// An input looked at before the register is locked: its format and kind known from its
/// header, and a JSON file read and checked in full (so a large one never holds other
/// writers off while it is parsed).
pub struct Prepared<R> {
    report: ImportReport,
    columns: &'static Columns,
    mapped: Vec<Option<usize>>,
    rows: Rows<R>,
    /// A workbook's Actions sheet, after its Risks.
    then: Option<Box<Prepared<R>>>,
}

/// What a header says the rows are: actions when it has a `risk` column and no
/// `likelihood`, risks otherwise.
fn columns_for(headers: &[String]) -> &'static Columns {
    let has = |name: &str| headers.iter().any(|h| read::normalize_header(h) == name);
    if has("risk") && !has("likelihood") {
        &actions::COLUMNS
    } else {
        &risks::COLUMNS
    }
}

/// Sniffs the format (unless `hint` gives it), reads the header (and a JSON input whole) and
/// maps its columns.
pub fn prepare<R: BufRead>(
    mut input: R,
    hint: Option<InputFormat>,
    options: &ImportOptions,
) -> Result<Prepared<R>> {
    let head = input
        .fill_buf()
        .map_err(|e| Error::io("cannot read the input", e))?
        .to_vec();
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Err(Error::Import {
            location: String::new(),
            line: Some(1),
            column: None,
            message: "the file is UTF-16 encoded; save it as \"CSV UTF-8\" (comma delimited) and import again".into(),
        });
    }
    let zipped = head.starts_with(b"PK\x03\x04");
    match (hint, zipped) {
        (Some(InputFormat::Workbook), _) | (None, true) => {
            return prepare_workbook(input, options);
        }
        (Some(InputFormat::Csv | InputFormat::Json), true) => {
            return Err(Error::Import {
                location: String::new(),
                line: None,
                column: None,
                message: "the file is a workbook (a zip archive, as .xlsx and .ods are), not CSV or JSON; import it without --input-format (riskreg reads workbooks)".into(),
            });
        }
        _ => {}
    }
    if head.starts_with("ï»¿".as_bytes()) {
        return Err(Error::Import {
            location: "row 1, line 1".into(),
            line: Some(1),
            column: None,
            message: "the file starts with \"ï»¿\": its UTF-8 byte-order mark was read as Latin-1 and saved again, so the first column's name is garbled; reopen the export choosing UTF-8 as the character set (or delete those three characters) and save as \"CSV UTF-8\"".into(),
        });
    }
    let layout = read::Layout::sniff(&head);
    let opened = match hint.unwrap_or_else(|| sniff(&head)) {
        InputFormat::Json => read::open_json(input)?,
        _ => read::open_csv(input, layout)?,
    };
    let separated_by = match opened.rows {
        Rows::Csv(..) => layout.separator(),
        _ => None,
    };
    let mut prepared = prepared(opened, options, "row 1, line 1")?;
    prepared.report.separated_by = separated_by;
    Ok(prepared)
}

/// An input whose header is read: its kind known and its columns mapped (errors about the
/// header say they are `at` it).
fn prepared<R>(opened: Opened<R>, options: &ImportOptions, at: &str) -> Result<Prepared<R>> {
    let Opened { headers, rows } = opened;
    let columns = columns_for(&headers);
    let mut report = ImportReport {
        dry_run: options.dry_run,
        records: columns.noun,
        ..ImportReport::default()
    };
    let mapped = read::map_headers(&headers, columns, options, &mut report, at)?;
    Ok(Prepared {
        report,
        columns,
        mapped,
        rows,
        then: None,
    })
}

/// A workbook read whole: its Risks sheet (then its Actions sheet), or its first sheet.
fn prepare_workbook<R: BufRead>(mut input: R, options: &ImportOptions) -> Result<Prepared<R>> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("cannot read the input", e))?;
    let mut parts = Vec::new();
    for sheet in workbook::open(bytes)? {
        let opened = Opened {
            headers: sheet.headers(),
            rows: Rows::Sheet(sheet),
        };
        let at = match &opened.rows {
            Rows::Sheet(s) => s.header_at(),
            _ => String::new(),
        };
        let name = match &opened.rows {
            Rows::Sheet(s) => s.name.to_string(),
            _ => String::new(),
        };
        let mut part = prepared(opened, options, &at)?;
        part.report.sheet = Some(name);
        parts.push(part);
    }
    let mut parts = parts.into_iter().rev();
    let mut last = parts
        .next()
        .ok_or_else(|| Error::Internal("a workbook with no sheet to read".into()))?;
    for mut part in parts {
        part.then = Some(Box::new(last));
        last = part;
    }
    Ok(last)
}

impl<R: BufRead> Prepared<R> {
    /// Applies every row inside `tx`; the first bad value stops it (and the caller's
    /// transaction rolls everything back).
    pub fn apply(
        self,
        tx: &mut Tx<'_>,
        options: &ImportOptions,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ImportReport> {
        let Prepared {
            mut report,
            columns,
            mapped,
            rows,
            then,
        } = self;
        report = Self::apply_rows(report, columns, &mapped, rows, tx, options, progress)?;
        if let Some(next) = then {
            report.actions = Some(Box::new(next.apply(tx, options, progress)?));
        }
        Ok(report)
    }

    /// Applies one input's (or sheet's) rows.
    fn apply_rows(
        mut report: ImportReport,
        columns: &'static Columns,
        mapped: &[Option<usize>],
        rows: Rows<R>,
        tx: &mut Tx<'_>,
        options: &ImportOptions,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ImportReport> {
        let note = options.note.as_str();
        if std::ptr::eq(columns, &actions::COLUMNS) {
            let mut session = actions::Session {
                highest_id_before: tx.highest_action_id_ever()?,
                tx,
                report: &mut report,
                seen: HashMap::new(),
                note,
            };
            rows.for_each(columns, mapped, |record| {
                session.apply(record)?;
                progress(session.report.rows);
                Ok(())
            })?;
            return Ok(report);
        }
        // Into an empty register, the indexes are built once at the end instead of row by
        // row (as the sqlite3 shell's own import does), and on PostgreSQL the rows are sent
        // by COPY; same transaction, same schema.
        let bulk = tx.start_bulk_load()?;
        let mut session = risks::Session {
            highest_id_before: tx.highest_risk_id_ever()?,
            tx,
            report: &mut report,
            seen: HashMap::new(),
            note,
            on_conflict: options.on_conflict,
        };
        rows.for_each(columns, mapped, |record| {
            session.apply(record)?;
            progress(session.report.rows);
            Ok(())
        })?;
        if report.conflicts.iter().any(|c| c.kept.is_none()) {
            return Err(Error::ImportConflicts(std::mem::take(
                &mut report.conflicts,
            )));
        }
        tx.finish_bulk_load(bulk)?;
        Ok(report)
    }
}

fn sniff(head: &[u8]) -> InputFormat {
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[' | b'{') => InputFormat::Json,
        _ => InputFormat::Csv,
    }
}

/// A team or a milestone a cell names.
enum Catalog {
    Team,
    /// With the due date to give it if the import creates it.
    Milestone {
        due: Option<jiff::civil::Date>,
    },
}

/// A team or milestone cell: created when missing (and reported), canonical spelling
/// otherwise; an empty cell clears it, a missing column leaves it alone.
fn name_cell(
    tx: &mut Tx<'_>,
    report: &mut ImportReport,
    rec: &Record,
    col: impl ColumnId,
    kind: Catalog,
) -> Result<Option<Option<String>>> {
    let Some(raw) = rec.get(col) else {
        return Ok(None);
    };
    if rec.value(col).is_none() {
        return Ok(Some(None));
    }
    let field = match kind {
        Catalog::Team => "team",
        Catalog::Milestone { .. } => "milestone",
    };
    let name =
        validate::name(field, raw, validate::NAME_MAX).map_err(|e| rec.field_error(col, e))?;
    match kind {
        Catalog::Team => {
            let (canonical, created) = tx.ensure_team(&name)?;
            if created {
                report.teams_created.push(canonical.clone());
            }
            Ok(Some(Some(canonical)))
        }
        Catalog::Milestone { due } => {
            let (canonical, created) = tx.ensure_milestone(&name)?;
            if created {
                if let Some(due) = due {
                    let patch = MilestonePatch {
                        due: Some(Some(due)),
                        ..MilestonePatch::default()
                    };
                    tx.edit_milestone(&canonical, &patch)?;
                }
                report.milestones_created.push(canonical.clone());
            }
            Ok(Some(Some(canonical)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b"\xEF\xBB\xBF  [{}]"), InputFormat::Json);
        assert_eq!(sniff(b"{\"title\":1}\n"), InputFormat::Json);
        assert_eq!(sniff(b"title,likelihood"), InputFormat::Csv);
    }

    #[test]
    fn a_risk_column_without_likelihood_makes_an_action_file() {
        let names =
            |h: &[&str]| columns_for(&h.iter().map(|s| s.to_string()).collect::<Vec<_>>()).noun;
        assert_eq!(names(&["id", "Risk", "title"]), "action");
        assert_eq!(names(&["title", "likelihood", "impact"]), "risk");
        assert_eq!(names(&["title", "risk", "likelihood"]), "risk");
        assert_eq!(names(&["title"]), "risk");
    }
}
