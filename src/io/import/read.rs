//! Reading an import's rows as text, whatever they are rows of: CSV as a spreadsheet saves it
//! (BOM or not, neutralized formulas restored) or JSON as `export` writes it (an array, or
//! NDJSON). Headers are matched ignoring case, spaces and order against one kind of record's
//! [`Columns`]; every value keeps where it came from, so an error names its line and column.

use std::collections::HashMap;
use std::io::Read;
use std::rc::Rc;

use serde_json::Value;

use super::{ImportOptions, ImportReport};
use crate::domain::FieldError;
use crate::error::{Error, Result};
use crate::io::formula;

/// A column of one kind of record, by its place in [`Columns::imported`].
pub(super) trait ColumnId: Copy {
    fn index(self) -> usize;
}

/// The columns one kind of record brings on import.
pub(super) struct Columns {
    /// "risk", "action": what each row is.
    pub noun: &'static str,
    /// Column names, in the order of the kind's column ids.
    pub imported: &'static [&'static str],
    /// Columns the register computes: present in exports, ignored on import.
    pub computed: &'static [&'static str],
    /// Columns the header must have.
    pub required: &'static [usize],
    /// Free-text columns: formula neutralization is reversed on these (CSV only).
    pub text: &'static [usize],
}

impl Columns {
    fn expected(&self) -> String {
        self.imported.join(", ")
    }
}

/// "Next Review", "next-review" and "NEXT_REVIEW" are all `next_review`.
pub(super) fn normalize_header(h: &str) -> String {
    h.trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .replace([' ', '-'], "_")
}

/// Where a value came from, for error messages.
#[derive(Clone, Copy, Debug)]
pub(super) enum Origin {
    /// CSV: the spreadsheet row (the header is row 1) and the file line the record starts
    /// on (they differ after a cell holding line breaks).
    CsvRow { row: u64, line: u64 },
    /// NDJSON line.
    JsonLine(u64),
    /// Element of a JSON array (1-based).
    JsonRecord(u64),
    /// A workbook sheet's row (the header is row 1).
    SheetRow(u64),
}

/// One input row as text, by column: `(value, 1-based column index)`.
pub(super) struct Record {
    origin: Origin,
    cells: Vec<Option<(String, usize)>>,
    names: &'static [&'static str],
    /// The workbook sheet the row is on.
    sheet: Option<Rc<str>>,
}

impl Record {
    pub(super) fn line(&self) -> u64 {
        match self.origin {
            Origin::CsvRow { line: n, .. }
            | Origin::JsonLine(n)
            | Origin::JsonRecord(n)
            | Origin::SheetRow(n) => n,
        }
    }

    /// The spreadsheet row (CSV, sheet), or the line or record (JSON), for reports.
    pub(super) fn row(&self) -> u64 {
        match self.origin {
            Origin::CsvRow { row: n, .. }
            | Origin::JsonLine(n)
            | Origin::JsonRecord(n)
            | Origin::SheetRow(n) => n,
        }
    }

    /// Leaves the column out of this row, as if the file did not have it.
    pub(super) fn drop_cell(&mut self, col: impl ColumnId) {
        if let Some(cell) = self.cells.get_mut(col.index()) {
            *cell = None;
        }
    }

    fn name(&self, col: usize) -> &'static str {
        self.names.get(col).copied().unwrap_or("?")
    }

    fn location(&self, col: Option<usize>) -> String {
        let field = col.map(|c| {
            (
                self.name(c),
                self.cells
                    .get(c)
                    .and_then(Option::as_ref)
                    .map_or(0, |(_, i)| *i),
            )
        });
        match (self.origin, field) {
            (Origin::CsvRow { row, line }, Some((n, i))) => {
                format!("row {row}, line {line}, column {i} ({n})")
            }
            (Origin::CsvRow { row, line }, None) => format!("row {row}, line {line}"),
            (Origin::JsonLine(l), None) => format!("line {l}"),
            (Origin::JsonLine(l), Some((n, _))) => format!("line {l}, field {n}"),
            (Origin::JsonRecord(r), Some((n, _))) => format!("record {r}, field {n}"),
            (Origin::JsonRecord(r), None) => format!("record {r}"),
            (Origin::SheetRow(r), Some((n, i))) => format!(
                "sheet {}, row {r}, column {} ({n})",
                self.sheet.as_deref().unwrap_or(""),
                super::workbook::column_letter(i.saturating_sub(1))
            ),
            (Origin::SheetRow(r), None) => {
                format!("sheet {}, row {r}", self.sheet.as_deref().unwrap_or(""))
            }
        }
    }

    pub(super) fn error(&self, col: Option<impl ColumnId>, message: impl Into<String>) -> Error {
        let col = col.map(ColumnId::index);
        Error::Import {
            location: self.location(col),
            line: Some(self.line()),
            column: col.map(|c| self.name(c).to_string()),
            message: message.into(),
        }
    }

    pub(super) fn field_error(&self, col: impl ColumnId, e: FieldError) -> Error {
        let shown: String = e.value.chars().take(60).collect();
        self.error(
            Some(col),
            format!("invalid {} {shown:?}: {}", self.name(col.index()), e.reason),
        )
    }

    /// The cell, if the column exists in the input.
    pub(super) fn get(&self, col: impl ColumnId) -> Option<&str> {
        self.cells
            .get(col.index())
            .and_then(Option::as_ref)
            .map(|(v, _)| v.as_str())
    }

    /// The cell, if present and not blank.
    pub(super) fn value(&self, col: impl ColumnId) -> Option<&str> {
        self.get(col).filter(|v| !v.trim().is_empty())
    }

    /// The cell parsed with `f`, if the column exists; a bad value names its place.
    pub(super) fn parse<T>(
        &self,
        col: impl ColumnId,
        f: impl FnOnce(&str) -> std::result::Result<T, FieldError>,
    ) -> Result<Option<T>> {
        self.get(col)
            .map(f)
            .transpose()
            .map_err(|e| self.field_error(col, e))
    }

    /// A whole number from 1 to `max` in the cell, or none when it is blank.
    pub(super) fn whole(&self, col: impl ColumnId, max: i64, hint: &str) -> Result<Option<i64>> {
        let name = self.name(col.index());
        let parsed = self.parse(col, |s| {
            let t = s.trim();
            if t.is_empty() {
                return Ok(None);
            }
            t.parse::<i64>()
                .ok()
                .filter(|v| (1..=max).contains(v))
                .map(Some)
                .ok_or_else(|| {
                    FieldError::new(
                        name,
                        s,
                        format!("must be a whole number from 1 to {max}{hint}"),
                    )
                })
        })?;
        Ok(parsed.flatten())
    }
}

/// Maps input column names to the kind's columns; unknown names are an error unless ignored.
pub(super) fn map_headers(
    headers: &[String],
    columns: &Columns,
    options: &ImportOptions,
    report: &mut ImportReport,
    at: &str,
) -> Result<Vec<Option<usize>>> {
    let header_error = |message: String| Error::Import {
        location: at.into(),
        line: Some(1),
        column: None,
        message,
    };
    let mut mapped = Vec::with_capacity(headers.len());
    let mut seen: HashMap<usize, usize> = HashMap::new();
    for (i, raw) in headers.iter().enumerate() {
        let name = normalize_header(raw);
        if let Some(col) = columns.imported.iter().position(|n| *n == name) {
            if let Some(first) = seen.insert(col, i + 1) {
                return Err(header_error(format!(
                    "column '{name}' appears twice (columns {first} and {})",
                    i + 1
                )));
            }
            mapped.push(Some(col));
        } else if columns.computed.contains(&name.as_str()) {
            mapped.push(None);
        } else if options.ignore_unknown {
            if let Some(known) = mangled(&name, columns) {
                return Err(header_error(format!(
                    "column '{}' (column {}) looks like '{known}' mangled by a spreadsheet; --ignore-unknown skips only columns riskreg does not know, and skipping this one would import rows without it. Fix the header (save as \"CSV UTF-8\") and import again",
                    crate::text::echo(raw),
                    i + 1
                )));
            }
            report.ignored_columns.push(raw.clone());
            mapped.push(None);
        } else {
            let known: Vec<&str> = columns
                .imported
                .iter()
                .chain(columns.computed)
                .copied()
                .collect();
            return Err(header_error(format!(
                "unknown column '{}' (column {}) in a file of {}s{}; expected columns: {}. Pass --ignore-unknown to skip it",
                crate::text::echo(raw),
                i + 1,
                columns.noun,
                crate::suggest::did_you_mean(&name, known),
                columns.expected()
            )));
        }
    }
    let missing: Vec<&str> = columns
        .required
        .iter()
        .filter(|c| !seen.contains_key(c))
        .map(|c| columns.imported[*c])
        .collect();
    if !missing.is_empty() {
        return Err(header_error(format!(
            "missing required column{} {} for a file of {}s; expected columns: {}",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            columns.noun,
            columns.expected()
        )));
    }
    Ok(mapped)
}

/// The known column an unknown header name is a mangled form of: the same name once stray
/// characters (a misread byte-order mark, quotes, punctuation) are dropped.
fn mangled(name: &str, columns: &Columns) -> Option<&'static str> {
    let letters: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    columns
        .imported
        .iter()
        .chain(columns.computed)
        .copied()
        .find(|k| *k == letters)
}

/// The rows of an input, read up to its header (CSV) or whole (JSON).
pub(super) enum Rows<R> {
    Csv(csv::Reader<R>, Layout),
    Json(Vec<(Origin, Value)>),
    Sheet(super::workbook::Sheet),
}

/// An input with its header read: the column names as written, and the rows.
pub(super) struct Opened<R> {
    pub headers: Vec<String>,
    pub rows: Rows<R>,
}

/// How a CSV file is laid out, as its header line shows: the delimiter (a comma, or the
/// semicolon or tab some spreadsheets save with) and whether lines end in CR LF.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Layout {
    pub delimiter: u8,
    pub crlf: bool,
}

impl Layout {
    /// From the first bytes of the file (a BOM aside): the delimiter is the one of comma,
    /// semicolon and tab the header line holds most of outside quotes (a comma on a tie).
    pub(super) fn sniff(head: &[u8]) -> Layout {
        let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let (mut quoted, mut counts) = (false, [0usize; 3]);
        let mut crlf = false;
        for (i, b) in body.iter().enumerate() {
            match b {
                b'"' => quoted = !quoted,
                b'\n' if !quoted => {
                    crlf = i > 0 && body[i - 1] == b'\r';
                    break;
                }
                b',' if !quoted => counts[0] += 1,
                b';' if !quoted => counts[1] += 1,
                b'\t' if !quoted => counts[2] += 1,
                _ => {}
            }
        }
        let delimiter = if counts[1] > counts[0] && counts[1] >= counts[2] {
            b';'
        } else if counts[2] > counts[0] {
            b'\t'
        } else {
            b','
        };
        Layout { delimiter, crlf }
    }

    /// What separates the fields, in words, when it is not a comma.
    pub(super) fn separator(self) -> Option<&'static str> {
        match self.delimiter {
            b';' => Some("semicolons"),
            b'\t' => Some("tabs"),
            _ => None,
        }
    }

    /// The spreadsheet row (the header is row 1) and the file line of a record's position.
    /// The CSV reader counts a CR LF record's line before it reaches the LF.
    fn place(self, p: Option<&csv::Position>) -> (u64, u64) {
        p.map_or((0, 0), |p| {
            let line = p.line() + u64::from(self.crlf && p.record() > 0);
            (p.record() + 1, line)
        })
    }
}

/// Opens a CSV input laid out as `layout` says: reads its header line.
pub(super) fn open_csv<R: Read>(input: R, layout: Layout) -> Result<Opened<R>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .delimiter(layout.delimiter)
        .from_reader(input);
    let raw_headers = reader
        .byte_headers()
        .map_err(|e| csv_error(&e, layout))?
        .clone();
    let headers = raw_headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            String::from_utf8(h.to_vec()).map_err(|_| Error::Import {
                location: format!("row 1, line 1, column {}", i + 1),
                line: Some(1),
                column: None,
                message: not_utf8_hint(h),
            })
        })
        .collect::<Result<Vec<String>>>()?;
    Ok(Opened {
        headers,
        rows: Rows::Csv(reader, layout),
    })
}

/// Reads a JSON array (or NDJSON) of objects whole; the header is every distinct key, in
/// order of first appearance, each looked up once (a file whose records all carry different
/// keys costs linear time, not quadratic).
pub(super) fn open_json<R: Read>(mut input: R) -> Result<Opened<R>> {
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
    let mut headers: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (_, item) in &items {
        if let Value::Object(map) = item {
            for k in map.keys() {
                if seen.insert(k.as_str()) {
                    headers.push(k.clone());
                }
            }
        }
    }
    Ok(Opened {
        headers,
        rows: Rows::Json(items),
    })
}

/// A JSON value as a cell's text: a list of strings joined by commas (tags), a list of
/// objects one a line as `url label` (links).
fn json_cell(value: Value) -> std::result::Result<String, String> {
    Ok(match value {
        Value::Null => String::new(),
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(items) if items.iter().any(Value::is_object) => items
            .iter()
            .map(|v| {
                let field = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("");
                format!("{} {}", field("url"), field("label"))
                    .trim()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(","),
        other => return Err(format!("expected text or a number, got {other}")),
    })
}

impl<R: Read> Rows<R> {
    /// Calls `each` with every row, mapped to `columns` by `mapped` (from [`map_headers`]).
    pub(super) fn for_each(
        self,
        columns: &'static Columns,
        mapped: &[Option<usize>],
        mut each: impl FnMut(&mut Record) -> Result<()>,
    ) -> Result<()> {
        let width = columns.imported.len();
        match self {
            Rows::Json(items) => {
                // Each distinct key is matched once.
                let mut key_columns: HashMap<String, Option<usize>> = HashMap::new();
                for (origin, item) in items {
                    let mut record = Record {
                        origin,
                        cells: vec![None; width],
                        names: columns.imported,
                        sheet: None,
                    };
                    let Value::Object(map) = item else {
                        return Err(record.error(
                            None::<Index>,
                            format!("expected a JSON object for each {}", columns.noun),
                        ));
                    };
                    for (key, value) in map {
                        let col = match key_columns.get(&key) {
                            Some(col) => *col,
                            None => {
                                let col = column_of(&key, columns, mapped);
                                key_columns.insert(key, col);
                                col
                            }
                        };
                        let Some(col) = col else {
                            continue;
                        };
                        let text =
                            json_cell(value).map_err(|m| record.error(Some(Index(col)), m))?;
                        record.cells[col] = Some((text, 0));
                    }
                    each(&mut record)?;
                }
            }
            Rows::Csv(mut reader, layout) => {
                let mut row = csv::ByteRecord::new();
                loop {
                    match reader.read_byte_record(&mut row) {
                        Ok(false) => break,
                        Ok(true) => {}
                        Err(e) => return Err(csv_error(&e, layout)),
                    }
                    let (at_row, line) = layout.place(row.position());
                    if row.iter().all(<[u8]>::is_empty) {
                        continue; // a blank line that spreadsheets sometimes leave at the end
                    }
                    let mut record = Record {
                        origin: Origin::CsvRow { row: at_row, line },
                        cells: vec![None; width],
                        names: columns.imported,
                        sheet: None,
                    };
                    for (i, (bytes, col)) in row.iter().zip(mapped).enumerate() {
                        let Some(col) = *col else { continue };
                        let text = std::str::from_utf8(bytes).map_err(|_| Error::Import {
                            location: format!(
                                "row {at_row}, line {line}, column {} ({})",
                                i + 1,
                                columns.imported[col]
                            ),
                            line: Some(line),
                            column: Some(columns.imported[col].to_string()),
                            message: not_utf8_hint(bytes),
                        })?;
                        let value = if columns.text.contains(&col) {
                            formula::restore(text).into_owned()
                        } else {
                            text.to_string()
                        };
                        record.cells[col] = Some((value, i + 1));
                    }
                    each(&mut record)?;
                }
            }
            Rows::Sheet(sheet) => {
                sheet.for_each_row(|row, cells| {
                    let mut record = Record {
                        origin: Origin::SheetRow(row),
                        cells: vec![None; width],
                        names: columns.imported,
                        sheet: Some(Rc::clone(&sheet.name)),
                    };
                    for (place, column, text) in cells {
                        let Some(col) = mapped.get(*place).copied().flatten() else {
                            continue;
                        };
                        record.cells[col] = Some((String::new(), *column));
                        let text = text
                            .clone()
                            .map_err(|m| record.error(Some(Index(col)), m))?;
                        record.cells[col] = Some((text, *column));
                    }
                    // A column the row leaves empty is an empty cell, as in CSV.
                    for (place, col) in mapped.iter().enumerate() {
                        if let Some(col) = *col
                            && record.cells[col].is_none()
                        {
                            record.cells[col] = Some((String::new(), sheet.column(place)));
                        }
                    }
                    each(&mut record)
                })?;
            }
        }
        Ok(())
    }
}

/// A column by its bare index (for errors about a column known only by place).
#[derive(Clone, Copy)]
pub(super) struct Index(pub usize);

impl ColumnId for Index {
    fn index(self) -> usize {
        self.0
    }
}

/// The column a JSON key maps to, by the header's mapping.
fn column_of(key: &str, columns: &Columns, mapped: &[Option<usize>]) -> Option<usize> {
    let name = normalize_header(key);
    let col = columns.imported.iter().position(|n| *n == name)?;
    mapped.contains(&Some(col)).then_some(col)
}

/// Why text that is not UTF-8 is refused, and what to do. Bytes that read as Windows-1252
/// (what Excel's plain "CSV" saves on Windows) are named as such, with the first of them.
fn not_utf8_hint(bytes: &[u8]) -> String {
    let bad = std::str::from_utf8(bytes)
        .err()
        .map(|e| (e.valid_up_to(), bytes[e.valid_up_to()]));
    match bad.and_then(|(at, b)| windows_1252(b).map(|c| (at, b, c))) {
        Some((at, b, c)) => format!(
            "the file is Windows-1252 text, not UTF-8 (byte 0x{b:02X} at offset {at} of the cell is '{c}' in Windows-1252); in your spreadsheet save it as \"CSV UTF-8 (comma delimited)\" and import again"
        ),
        None => {
            let offset = bad.map_or_else(String::new, |(at, _)| {
                format!(" (invalid byte at offset {at} of the cell)")
            });
            format!(
                "the text is not UTF-8{offset}; in your spreadsheet save it as \"CSV UTF-8 (comma delimited)\" and import again"
            )
        }
    }
}

/// The character a byte is in Windows-1252, for the bytes UTF-8 cannot start with.
fn windows_1252(b: u8) -> Option<char> {
    const HIGH: [Option<char>; 32] = [
        Some('€'),
        None,
        Some('‚'),
        Some('ƒ'),
        Some('„'),
        Some('…'),
        Some('†'),
        Some('‡'),
        Some('ˆ'),
        Some('‰'),
        Some('Š'),
        Some('‹'),
        Some('Œ'),
        None,
        Some('Ž'),
        None,
        None,
        Some('‘'),
        Some('’'),
        Some('“'),
        Some('”'),
        Some('•'),
        Some('–'),
        Some('—'),
        Some('˜'),
        Some('™'),
        Some('š'),
        Some('›'),
        Some('œ'),
        None,
        Some('ž'),
        Some('Ÿ'),
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        0xA0..=0xFF => Some(char::from(b)),
        _ => None,
    }
}

fn csv_error(e: &csv::Error, layout: Layout) -> Error {
    let (row, line) = layout.place(e.position());
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!(
                "expected {expected_len} fields, found {len}; check for a missing or extra {} or an unclosed quote",
                match layout.delimiter {
                    b';' => "semicolon",
                    b'\t' => "tab",
                    _ => "comma",
                }
            )
        }
        csv::ErrorKind::Utf8 { .. } => not_utf8_hint(&[]),
        csv::ErrorKind::Io(err) => {
            return Error::io(
                "cannot read the input",
                std::io::Error::new(err.kind(), err.to_string()),
            );
        }
        _ => e.to_string(),
    };
    let located = e.position().is_some();
    Error::Import {
        location: if located {
            format!("row {row}, line {line}")
        } else {
            String::new()
        },
        line: located.then_some(line),
        column: None,
        message,
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
    fn the_header_line_gives_the_delimiter_and_line_ends() {
        let l = |s: &[u8]| Layout::sniff(s);
        assert_eq!(
            l(b"id,title;x\n"),
            Layout {
                delimiter: b',',
                crlf: false
            }
        );
        assert_eq!(
            l(b"\xEF\xBB\xBFid;title;\"a,b,c\"\r\n1;2"),
            Layout {
                delimiter: b';',
                crlf: true
            }
        );
        assert_eq!(
            l(b"id\ttitle\timpact\n"),
            Layout {
                delimiter: b'\t',
                crlf: false
            }
        );
        assert_eq!(
            l(b"title"),
            Layout {
                delimiter: b',',
                crlf: false
            }
        );
    }

    #[test]
    fn windows_1252_bytes_are_named() {
        assert!(
            not_utf8_hint(b"Caf\xE9")
                .contains("0xE9 at offset 3 of the cell is '\u{e9}' in Windows-1252")
        );
        assert!(not_utf8_hint(b"\x93quoted\x94").contains("'\u{201c}'"));
        assert!(not_utf8_hint(b"a\x81").contains("not UTF-8 (invalid byte at offset 1"));
    }

    #[test]
    fn json_cells_join_lists_and_links() {
        let links =
            serde_json::json!([{"url": "https://a.example", "label": "doc"}, {"url": "PLAT-1"}]);
        assert_eq!(json_cell(links).unwrap(), "https://a.example doc\nPLAT-1");
        assert_eq!(
            json_cell(serde_json::json!(["db", "net"])).unwrap(),
            "db,net"
        );
        assert!(json_cell(serde_json::json!({"a": 1})).is_err());
    }
}
