//! Reading a workbook for import (what `export -o FILE.xlsx` writes, after a manager's edits
//! in Excel, LibreOffice or Sheets): which sheets hold records, and each cell as the text
//! the CSV path would have read, so both go through the same rules and errors.

use std::io::Cursor;
use std::rc::Rc;

use calamine::{Data, Range, Reader};

use crate::error::{Error, Result};

/// One sheet's rows, the first of them its header.
pub(in crate::io::import) struct Sheet {
    pub name: Rc<str>,
    range: Range<Data>,
}

fn workbook_error(message: String) -> Error {
    Error::Import {
        location: String::new(),
        line: None,
        column: None,
        message,
    }
}

/// The sheets to import from a workbook's bytes, in order: "Risks" then "Actions" (names in
/// any case) when it has them, else its first sheet.
pub(in crate::io::import) fn open(bytes: Vec<u8>) -> Result<Vec<Sheet>> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        workbook_error(format!(
            "the file looks like a workbook (a zip archive) but does not read as one: {e}; save it again as .xlsx and import that"
        ))
    })?;
    let names = book.sheet_names();
    let named = |want: &str| names.iter().find(|n| n.eq_ignore_ascii_case(want)).cloned();
    let mut chosen: Vec<String> = ["Risks", "Actions"]
        .iter()
        .filter_map(|w| named(w))
        .collect();
    if chosen.is_empty() {
        chosen.extend(names.first().cloned());
    }
    if chosen.is_empty() {
        return Err(workbook_error("the workbook has no sheets".into()));
    }
    chosen
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).map_err(|e| {
                workbook_error(format!(
                    "sheet {} does not read: {e}",
                    crate::text::echo(&name)
                ))
            })?;
            Ok(Sheet {
                name: Rc::from(name),
                range,
            })
        })
        .collect()
}

impl Sheet {
    /// The header row's names (empty when the sheet is).
    pub(in crate::io::import) fn headers(&self) -> Result<Vec<String>> {
        let Some(first) = self.range.rows().next() else {
            return Ok(Vec::new());
        };
        first
            .iter()
            .enumerate()
            .map(|(i, d)| {
                cell_text(d).map_err(|m| Error::Import {
                    location: format!(
                        "{}, column {}",
                        self.header_at(),
                        column_letter(self.column(i) - 1)
                    ),
                    line: Some(1),
                    column: None,
                    message: m,
                })
            })
            .collect()
    }

    /// Where the header is, for errors about it.
    pub(in crate::io::import) fn header_at(&self) -> String {
        let top = self.range.start().map_or(0, |(r, _)| u64::from(r));
        format!("sheet {}, row {}", self.name, top + 1)
    }

    /// Every row after the header with its spreadsheet row number (the header's is 1 when
    /// the sheet starts at A1).
    pub(in crate::io::import) fn rows(&self) -> impl Iterator<Item = (u64, &[Data])> {
        let top = self.range.start().map_or(0, |(r, _)| u64::from(r));
        self.range
            .rows()
            .enumerate()
            .skip(1)
            .map(move |(i, row)| (top + i as u64 + 1, row))
    }

    /// The sheet's column number (1-based, as [`column_letter`] names it less one) of the
    /// `i`-th column read (0-based).
    pub(in crate::io::import) fn column(&self, i: usize) -> usize {
        let left = self.range.start().map_or(0, |(_, c)| c as usize);
        left + i + 1
    }
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`.
pub(in crate::io::import) fn column_letter(mut i: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    letters.iter().rev().map(|b| char::from(*b)).collect()
}

/// A cell as text: numbers without a spurious `.0`, dates as `YYYY-MM-DD` (with the time
/// when it is not midnight), text as it is. A spreadsheet error value is refused.
pub(in crate::io::import) fn cell_text(d: &Data) -> std::result::Result<String, String> {
    Ok(match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, day, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{day:02}")
            } else {
                format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTime(dt) => number_text(dt.as_f64()),
        Data::Error(e) => {
            return Err(format!(
                "the cell holds the spreadsheet error {e}; fix the cell (or clear it) and import again"
            ));
        }
    })
}

/// A number as the text a person would type: whole numbers without a fraction.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_count_like_a_spreadsheet() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(38), "AM");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn cells_read_as_typed_text() {
        assert_eq!(cell_text(&Data::Float(3.0)).unwrap(), "3");
        assert_eq!(cell_text(&Data::Float(2.5)).unwrap(), "2.5");
        assert_eq!(cell_text(&Data::Int(-7)).unwrap(), "-7");
        assert_eq!(cell_text(&Data::String("007".into())).unwrap(), "007");
        let day =
            calamine::ExcelDateTime::new(46356.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(day)).unwrap(), "2026-11-30");
        let noon =
            calamine::ExcelDateTime::new(46356.5, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(
            cell_text(&Data::DateTime(noon)).unwrap(),
            "2026-11-30 12:00:00"
        );
        assert!(cell_text(&Data::Error(calamine::CellErrorType::NA)).is_err());
    }
}
