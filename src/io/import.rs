//! Importing risks from CSV (what a spreadsheet saves) or JSON (what `export` writes).
//!
//! Headers are matched ignoring case, spaces and order; `title`, `likelihood` and `impact`
//! are required; computed columns (score, band, …) are ignored; an unknown column is an
//! error unless ignored explicitly. `milestone_due` gives a milestone the import creates its
//! due date, so an export loads into an empty register with its roadmap intact. A row whose `id` exists updates that risk (if its
//! `revision` column still matches), any other row creates one. Missing teams and milestones
//! are created and reported. The whole import is one transaction: the first bad value stops
//! it, names its line and column, and nothing is written.

use std::collections::HashMap;
use std::io::{BufRead, Read};

use serde::Serialize;
use serde_json::Value;

use crate::domain::lifecycle::Rules;
use crate::domain::{
    EventKind, Field, FieldError, Impact, Likelihood, MilestonePatch, RiskFields, RiskPatch,
    Status, estimates, validate,
};
use crate::error::{Error, Result};
use crate::io::formula;
use crate::store::{NewRisk, Stamp, Store, Tx};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    Csv,
    Json,
}

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
}

const IMPORTED: [(Col, &str); 26] = [
    (Col::Id, "id"),
    (Col::Title, "title"),
    (Col::Description, "description"),
    (Col::Category, "category"),
    (Col::Service, "service"),
    (Col::Likelihood, "likelihood"),
    (Col::Impact, "impact"),
    (Col::Status, "status"),
    (Col::Team, "team"),
    (Col::Milestone, "milestone"),
    (Col::Owner, "owner"),
    (Col::Tags, "tags"),
    (Col::NextReview, "next_review"),
    (Col::AcceptedUntil, "accepted_until"),
    (Col::Approver, "approver"),
    (Col::CreatedAt, "created_at"),
    (Col::Revision, "revision"),
    // Sets the due date of a milestone the import creates; ignored for existing ones.
    (Col::MilestoneDue, "milestone_due"),
    (Col::Ettd, "ettd"),
    (Col::Ettr, "ettr"),
    (Col::Users, "users"),
    (Col::Ettf, "ettf"),
    (Col::TargetEttd, "target_ettd"),
    (Col::TargetEttr, "target_ettr"),
    (Col::TargetUsers, "target_users"),
    (Col::TargetEttf, "target_ettf"),
];

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

/// Columns the register computes; present in exports, ignored on import.
const COMPUTED: [&str; 5] = [
    "score",
    "band",
    "updated_at",
    "bad_minutes_per_year",
    "target_bad_minutes_per_year",
];

const REQUIRED: [Col; 3] = [Col::Title, Col::Likelihood, Col::Impact];

/// The largest risk id a file may bring: 2^53 − 1, the largest whole number every JSON
/// reader (JavaScript, a pandas float column) holds exactly. Far below SQLite's limit, so an
/// imported id can never exhaust the id counter for the risks created after it.
pub const MAX_ID: i64 = (1 << 53) - 1;

/// Free-text columns: formula neutralization is reversed on these (CSV only).
const TEXT: [Col; 9] = [
    Col::Title,
    Col::Description,
    Col::Category,
    Col::Service,
    Col::Team,
    Col::Milestone,
    Col::Owner,
    Col::Tags,
    Col::Approver,
];

fn col_name(col: Col) -> &'static str {
    IMPORTED
        .iter()
        .find(|(c, _)| *c == col)
        .map_or("?", |(_, n)| n)
}

/// "Next Review", "next-review" and "NEXT_REVIEW" are all `next_review`.
fn normalize_header(h: &str) -> String {
    h.trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .replace([' ', '-'], "_")
}

fn expected_columns() -> String {
    IMPORTED
        .iter()
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(", ")
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
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub teams_created: Vec<String>,
    pub milestones_created: Vec<String>,
    /// Rows whose id belonged to a deleted risk: ids are never reused, so they got new ones.
    pub renumbered: Vec<Renumbered>,
    pub ignored_columns: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    pub dry_run: bool,
    pub ignore_unknown: bool,
    /// Recorded on every history event of the import (e.g. the file name).
    pub note: String,
}

/// Where a value came from, for error messages.
#[derive(Clone, Copy, Debug)]
enum Origin {
    /// CSV: line of the record, and 1-based column index per field.
    CsvLine(u64),
    /// NDJSON line.
    JsonLine(u64),
    /// Element of a JSON array (1-based).
    JsonRecord(u64),
}

/// One input row as text, by column: `(value, 1-based column index)`.
pub struct Record {
    origin: Origin,
    cells: [Option<(String, usize)>; IMPORTED.len()],
}

impl Record {
    fn line(&self) -> u64 {
        match self.origin {
            Origin::CsvLine(n) | Origin::JsonLine(n) | Origin::JsonRecord(n) => n,
        }
    }

    fn location(&self, col: Option<Col>) -> String {
        let field = col.map(|c| (c, self.cells[c as usize].as_ref().map_or(0, |(_, i)| *i)));
        match (self.origin, field) {
            (Origin::CsvLine(l), Some((c, i))) => format!("line {l}, column {i} ({})", col_name(c)),
            (Origin::CsvLine(l) | Origin::JsonLine(l), None) => format!("line {l}"),
            (Origin::JsonLine(l), Some((c, _))) => format!("line {l}, field {}", col_name(c)),
            (Origin::JsonRecord(r), Some((c, _))) => format!("record {r}, field {}", col_name(c)),
            (Origin::JsonRecord(r), None) => format!("record {r}"),
        }
    }

    fn error(&self, col: Option<Col>, message: impl Into<String>) -> Error {
        Error::Import {
            location: self.location(col),
            line: Some(self.line()),
            column: col.map(|c| col_name(c).to_string()),
            message: message.into(),
        }
    }

    fn field_error(&self, col: Col, e: FieldError) -> Error {
        let shown: String = e.value.chars().take(60).collect();
        self.error(
            Some(col),
            format!("invalid {} {shown:?}: {}", col_name(col), e.reason),
        )
    }

    /// The cell, if the column exists in the input.
    fn get(&self, col: Col) -> Option<&str> {
        self.cells[col as usize].as_ref().map(|(v, _)| v.as_str())
    }

    /// The `revision` cell: the risk's revision when the row was exported, if given.
    fn revision(&self) -> Result<Option<i64>> {
        let parsed = self.parse(Col::Revision, |s| {
            let t = s.trim();
            if t.is_empty() {
                return Ok(None);
            }
            t.parse::<i64>()
                .ok()
                .filter(|v| *v >= 1)
                .map(Some)
                .ok_or_else(|| FieldError::new("revision", s, "must be a whole number from 1"))
        })?;
        Ok(parsed.flatten())
    }

    /// The cell, if present and not blank.
    fn value(&self, col: Col) -> Option<&str> {
        self.get(col).filter(|v| !v.trim().is_empty())
    }

    fn parse<T>(
        &self,
        col: Col,
        f: impl FnOnce(&str) -> std::result::Result<T, FieldError>,
    ) -> Result<Option<T>> {
        self.get(col)
            .map(f)
            .transpose()
            .map_err(|e| self.field_error(col, e))
    }
}

/// Reads risks from `input` and applies them in one transaction (rolled back on `dry_run`).
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

/// An input looked at before the register is locked: its format known, and a JSON file read
/// and checked in full (so a large one never holds other writers off while it is parsed).
pub struct Prepared<R> {
    report: ImportReport,
    json: Option<Vec<Record>>,
    csv: Option<R>,
}

/// Sniffs the format (unless `hint` gives it) and reads a JSON input whole.
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
    let mut report = ImportReport {
        dry_run: options.dry_run,
        ..ImportReport::default()
    };
    Ok(match hint.unwrap_or_else(|| sniff(&head)) {
        InputFormat::Json => Prepared {
            json: Some(read_json(input, options, &mut report)?),
            csv: None,
            report,
        },
        InputFormat::Csv => Prepared {
            json: None,
            csv: Some(input),
            report,
        },
    })
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
        // Into an empty register, the indexes are built once at the end instead of row by
        // row (as the sqlite3 shell's own import does); same transaction, same schema.
        let deferred = tx.defer_indexes_if_empty()?;
        let mut session = Session {
            highest_id_before: tx.highest_risk_id_ever()?,
            tx,
            report: self.report,
            seen: HashMap::new(),
            note: &options.note,
        };
        if let Some(records) = self.json {
            for record in &records {
                session.apply(record)?;
                progress(session.report.rows);
            }
        }
        if let Some(input) = self.csv {
            read_csv(input, options, &mut session, progress)?;
        }
        let report = session.report;
        tx.rebuild_indexes(deferred)?;
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

struct Session<'t, 's> {
    tx: &'t mut Tx<'s>,
    /// Ids up to this were given out before the import; a missing one was deleted.
    highest_id_before: i64,
    report: ImportReport,
    seen: HashMap<i64, u64>,
    note: &'t str,
}

/// Maps input column names to ours; unknown names are an error unless ignored.
fn map_headers(
    headers: &[String],
    options: &ImportOptions,
    report: &mut ImportReport,
) -> Result<Vec<Option<Col>>> {
    let header_error = |message: String| Error::Import {
        location: "line 1".into(),
        line: Some(1),
        column: None,
        message,
    };
    let mut mapped = Vec::with_capacity(headers.len());
    let mut seen: HashMap<Col, usize> = HashMap::new();
    for (i, raw) in headers.iter().enumerate() {
        let name = normalize_header(raw);
        if let Some((col, _)) = IMPORTED.iter().find(|(_, n)| *n == name) {
            if let Some(first) = seen.insert(*col, i + 1) {
                return Err(header_error(format!(
                    "column '{name}' appears twice (columns {first} and {})",
                    i + 1
                )));
            }
            mapped.push(Some(*col));
        } else if COMPUTED.contains(&name.as_str()) {
            mapped.push(None);
        } else if options.ignore_unknown {
            report.ignored_columns.push(raw.clone());
            mapped.push(None);
        } else {
            let known: Vec<&str> = IMPORTED.iter().map(|(_, n)| *n).chain(COMPUTED).collect();
            return Err(header_error(format!(
                "unknown column '{}' (column {}){}; expected columns: {}. Pass --ignore-unknown to skip it",
                crate::text::echo(raw),
                i + 1,
                crate::suggest::did_you_mean(&name, known),
                expected_columns()
            )));
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .filter(|c| !seen.contains_key(c))
        .map(|c| col_name(*c))
        .collect();
    if !missing.is_empty() {
        return Err(header_error(format!(
            "missing required column{} {}; expected columns: {}",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            expected_columns()
        )));
    }
    Ok(mapped)
}

fn read_csv<R: Read>(
    input: R,
    options: &ImportOptions,
    session: &mut Session<'_, '_>,
    progress: &mut dyn FnMut(u64),
) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(input);
    let raw_headers = reader.byte_headers().map_err(|e| csv_error(&e))?.clone();
    let headers = raw_headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            String::from_utf8(h.to_vec()).map_err(|_| Error::Import {
                location: format!("line 1, column {}", i + 1),
                line: Some(1),
                column: None,
                message: not_utf8_hint(),
            })
        })
        .collect::<Result<Vec<String>>>()?;
    let columns = map_headers(&headers, options, &mut session.report)?;
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(&e)),
        }
        let line = record.position().map_or(0, csv::Position::line);
        if record.iter().all(<[u8]>::is_empty) {
            continue; // a blank line that spreadsheets sometimes leave at the end
        }
        let mut cells = [const { None }; IMPORTED.len()];
        for (i, (bytes, col)) in record.iter().zip(&columns).enumerate() {
            let Some(col) = col else { continue };
            let text = std::str::from_utf8(bytes).map_err(|e| Error::Import {
                location: format!("line {line}, column {} ({})", i + 1, col_name(*col)),
                line: Some(line),
                column: Some(col_name(*col).to_string()),
                message: format!(
                    "{} (invalid byte at offset {} of the cell)",
                    not_utf8_hint(),
                    e.valid_up_to()
                ),
            })?;
            let value = if TEXT.contains(col) {
                formula::restore(text).into_owned()
            } else {
                text.to_string()
            };
            cells[*col as usize] = Some((value, i + 1));
        }
        session.apply(&Record {
            origin: Origin::CsvLine(line),
            cells,
        })?;
        progress(session.report.rows);
    }
    Ok(())
}

fn not_utf8_hint() -> String {
    "the text is not UTF-8; in your spreadsheet save as \"CSV UTF-8 (comma delimited)\" and import again".into()
}

fn csv_error(e: &csv::Error) -> Error {
    let line = e.position().map(csv::Position::line);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!(
                "expected {expected_len} fields, found {len}; check for a missing or extra comma or an unclosed quote"
            )
        }
        csv::ErrorKind::Utf8 { .. } => not_utf8_hint(),
        csv::ErrorKind::Io(err) => {
            return Error::io(
                "cannot read the input",
                std::io::Error::new(err.kind(), err.to_string()),
            );
        }
        _ => e.to_string(),
    };
    Error::Import {
        location: line.map(|l| format!("line {l}")).unwrap_or_default(),
        line,
        column: None,
        message,
    }
}

/// Reads a JSON array (or NDJSON) of risk objects into records, mapping each key once.
fn read_json<R: Read>(
    mut input: R,
    options: &ImportOptions,
    report: &mut ImportReport,
) -> Result<Vec<Record>> {
    let mut text = String::new();
    input
        .read_to_string(&mut text)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => Error::Import {
                location: String::new(),
                line: None,
                column: None,
                message: "the file is not UTF-8 text".into(),
            },
            _ => Error::io("cannot read the input", e),
        })?;
    let body = text.trim_start_matches('\u{feff}');
    let json_error = |e: serde_json::Error, line_offset: u64| Error::Import {
        location: format!(
            "line {}, column {}",
            e.line() as u64 + line_offset,
            e.column()
        ),
        line: Some(e.line() as u64 + line_offset),
        column: None,
        message: format!("invalid JSON: {e}"),
    };
    let items: Vec<(Origin, Value)> = if body.trim_start().starts_with('[') {
        let values: Vec<Value> = serde_json::from_str(body).map_err(|e| json_error(e, 0))?;
        values
            .into_iter()
            .enumerate()
            .map(|(i, v)| (Origin::JsonRecord(i as u64 + 1), v))
            .collect()
    } else {
        let mut out = Vec::new();
        for (i, line) in body.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: Value = serde_json::from_str(line).map_err(|e| json_error(e, i as u64))?;
            out.push((Origin::JsonLine(i as u64 + 1), v));
        }
        out
    };
    // Every distinct key in order of first appearance, each looked up once: a file whose
    // records all carry different keys costs linear time, not quadratic.
    let mut headers: Vec<String> = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::new();
    for (_, item) in &items {
        if let Value::Object(map) = item {
            for k in map.keys() {
                if !position.contains_key(k) {
                    position.insert(k.clone(), headers.len());
                    headers.push(k.clone());
                }
            }
        }
    }
    let columns = map_headers(&headers, options, report)?;
    let mut records = Vec::with_capacity(items.len());
    for (origin, item) in items {
        let probe = Record {
            origin,
            cells: [const { None }; IMPORTED.len()],
        };
        let Value::Object(map) = item else {
            return Err(probe.error(None, "expected a JSON object for each risk"));
        };
        let mut cells = [const { None }; IMPORTED.len()];
        for (key, value) in map {
            let Some(Some(col)) = position.get(&key).map(|i| columns[*i]) else {
                continue;
            };
            let text = match value {
                Value::Null => String::new(),
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Array(items) => items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(","),
                other => {
                    return Err(
                        probe.error(Some(col), format!("expected text or a number, got {other}"))
                    );
                }
            };
            cells[col as usize] = Some((text, 0));
        }
        records.push(Record { origin, cells });
    }
    Ok(records)
}

impl Session<'_, '_> {
    fn apply(&mut self, rec: &Record) -> Result<()> {
        self.report.rows += 1;
        let id = rec.parse(Col::Id, |s| {
            let t = s.trim();
            if t.is_empty() {
                return Ok(None);
            }
            t.parse::<i64>()
                .ok()
                .filter(|v| (1..=MAX_ID).contains(v))
                .map(Some)
                .ok_or_else(|| {
                    FieldError::new(
                        "id",
                        s,
                        format!(
                            "must be a whole number from 1 to {MAX_ID} (or empty for a new risk)"
                        ),
                    )
                })
        })?;
        let id = id.flatten();
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
        let patch = self.patch(rec)?;
        let Some(id) = id else {
            return self.create(rec, None, &patch);
        };
        if let Some(revision) = self.tx.risk_revision(id)? {
            return self.update(rec, id, revision, &patch);
        }
        if id <= self.highest_id_before
            && let Some(exported_at) = rec.revision()?
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

    fn update(
        &mut self,
        rec: &Record,
        id: i64,
        current_revision: i64,
        patch: &RiskPatch,
    ) -> Result<()> {
        if let Some(expected) = rec.revision()?
            && expected != current_revision
        {
            return Err(rec.error(
                Some(Col::Revision),
                format!(
                    "risk {id} is at revision {current_revision}, but this row was exported at revision {expected}: someone changed it since. Export again and reapply your edits to the new export"
                ),
            ));
        }
        let edit = self
            .tx
            .update_risk(id, None, patch, Rules::Import, self.note)
            .map_err(|e| locate(rec, e))?;
        if edit.changes.is_empty() {
            self.report.unchanged += 1;
        } else {
            self.report.updated += 1;
        }
        Ok(())
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
        let Some(raw) = rec.get(col) else {
            return Ok(None);
        };
        if rec.value(col).is_none() {
            return Ok(Some(None));
        }
        let name = validate::name(col_name(col), raw, validate::NAME_MAX)
            .map_err(|e| rec.field_error(col, e))?;
        let (canonical, created) = match col {
            Col::Team => self.tx.ensure_team(&name)?,
            _ => {
                let (canonical, created) = self.tx.ensure_milestone(&name)?;
                let due = rec.parse(Col::MilestoneDue, |s| {
                    if s.trim().is_empty() {
                        Ok(None)
                    } else {
                        validate::date_lenient("milestone_due", s).map(Some)
                    }
                })?;
                if created && let Some(due) = due.flatten() {
                    let patch = MilestonePatch {
                        due: Some(Some(due)),
                        ..MilestonePatch::default()
                    };
                    self.tx.edit_milestone(&canonical, &patch)?;
                }
                (canonical, created)
            }
        };
        if created {
            match col {
                Col::Team => self.report.teams_created.push(canonical.clone()),
                _ => self.report.milestones_created.push(canonical.clone()),
            }
        }
        Ok(Some(Some(canonical)))
    }
}

/// Adds the row's location to an error raised while storing it.
fn locate(rec: &Record, e: Error) -> Error {
    match e {
        Error::Field(f) => {
            let col = IMPORTED
                .iter()
                .find(|(_, n)| *n == f.field)
                .map(|(c, _)| *c);
            match col {
                Some(c) => rec.field_error(c, f),
                None => rec.error(None, f.to_string()),
            }
        }
        Error::Constraint(m) => rec.error(None, m),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_normalise() {
        assert_eq!(normalize_header("\u{feff} Next Review "), "next_review");
        assert_eq!(normalize_header("Accepted-Until"), "accepted_until");
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b"\xEF\xBB\xBF  [{}]"), InputFormat::Json);
        assert_eq!(sniff(b"{\"title\":1}\n"), InputFormat::Json);
        assert_eq!(sniff(b"title,likelihood"), InputFormat::Csv);
    }
}
