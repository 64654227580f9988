//! Reading a workbook for import (what `export -o FILE.xlsx` writes, after a manager's edits
//! in Excel, LibreOffice or Sheets): which sheets hold records, and each cell as the text
//! the CSV path would have read, so both go through the same rules and errors. Rows stream
//! from the sheet's XML one at a time: only the (compressed) file and the shared strings
//! are held, whatever the number of rows.

use std::io::Cursor;
use std::rc::Rc;

use calamine::{DataRef, Reader, Xlsx, XlsxError};

use crate::error::{Error, Result};

/// One sheet: its header (the first row holding anything) and a way back to its rows.
pub(in crate::io::import) struct Sheet {
    pub name: Rc<str>,
    book: Rc<Vec<u8>>,
    /// The header's names, from its first column holding one (`left`, 0-based) to its last.
    header: Vec<String>,
    header_row: u32,
    left: u32,
}

fn workbook_error(message: String) -> Error {
    Error::Import {
        location: String::new(),
        line: None,
        column: None,
        message,
    }
}

fn unreadable(e: &XlsxError) -> Error {
    workbook_error(format!(
        "the file is a zip archive but does not read as an .xlsx workbook ({e}); save it from your spreadsheet as an Excel workbook (.xlsx) and import that"
    ))
}

fn open_xlsx(book: &[u8]) -> Result<Xlsx<Cursor<&[u8]>>> {
    Xlsx::new(Cursor::new(book)).map_err(|e| unreadable(&e))
}

/// The sheets to import from a workbook's bytes, in order: "Risks" then "Actions" (names in
/// any case) when it has them, else its first sheet.
pub(in crate::io::import) fn open(bytes: Vec<u8>) -> Result<Vec<Sheet>> {
    let book = Rc::new(bytes);
    let mut xlsx = open_xlsx(&book)?;
    let names = xlsx.sheet_names();
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
            let (header_row, cells) = header_of(&mut xlsx, &name)?;
            let left = cells.first().map_or(0, |(c, _)| *c);
            let right = cells.last().map_or(0, |(c, _)| *c);
            let mut header =
                vec![String::new(); (right - left) as usize + usize::from(!cells.is_empty())];
            for (c, text) in cells {
                if let Some(slot) = header.get_mut((c - left) as usize) {
                    *slot = text;
                }
            }
            Ok(Sheet {
                name: Rc::from(name),
                book: Rc::clone(&book),
                header,
                header_row,
                left,
            })
        })
        .collect()
}

/// The first row of sheet `name` holding anything: its row and its non-empty cells' text by
/// column, in order.
fn header_of(xlsx: &mut Xlsx<Cursor<&[u8]>>, name: &str) -> Result<(u32, Vec<(u32, String)>)> {
    let mut reader = xlsx
        .worksheet_cells_reader(name)
        .map_err(|e| unreadable(&e))?;
    let mut row = None;
    let mut cells = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
        let (r, c) = cell.get_position();
        if row.is_some_and(|h| h != r) {
            break;
        }
        let text = cell_text(cell.get_value()).map_err(|m| Error::Import {
            location: format!(
                "sheet {name}, row {}, column {}",
                r + 1,
                column_letter(c as usize)
            ),
            line: Some(u64::from(r) + 1),
            column: None,
            message: m,
        })?;
        if text.trim().is_empty() {
            continue;
        }
        row = Some(r);
        cells.push((c, text));
    }
    Ok((row.unwrap_or(0), cells))
}

/// One row's cells after the header: each read column's place in the header (0-based) and
/// its text (or why it does not read), with the sheet's column number (1-based).
pub(in crate::io::import) type RowCells = Vec<(usize, usize, std::result::Result<String, String>)>;

impl Sheet {
    /// The header's names.
    pub(in crate::io::import) fn headers(&self) -> Vec<String> {
        self.header.clone()
    }

    /// The sheet's column number (1-based) of the header's `place`-th column (0-based).
    pub(in crate::io::import) fn column(&self, place: usize) -> usize {
        self.left as usize + place + 1
    }

    /// Where the header is, for errors about it.
    pub(in crate::io::import) fn header_at(&self) -> String {
        format!("sheet {}, row {}", self.name, self.header_row + 1)
    }

    /// Calls `each` with every row after the header that holds anything, with its
    /// spreadsheet row number, in order. A value in a column with no header is refused.
    pub(in crate::io::import) fn for_each_row(
        &self,
        mut each: impl FnMut(u64, &RowCells) -> Result<()>,
    ) -> Result<()> {
        let mut xlsx = open_xlsx(&self.book)?;
        let mut reader = xlsx
            .worksheet_cells_reader(&self.name)
            .map_err(|e| unreadable(&e))?;
        let mut row: Option<u32> = None;
        let mut cells: RowCells = Vec::new();
        while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
            let (r, c) = cell.get_position();
            if r <= self.header_row {
                continue;
            }
            if row != Some(r) {
                if let Some(done) = row.filter(|_| !cells.is_empty()) {
                    each(u64::from(done) + 1, &cells)?;
                }
                cells.clear();
                row = Some(r);
            }
            let text = cell_text(cell.get_value());
            if matches!(&text, Ok(t) if t.trim().is_empty()) {
                continue;
            }
            let place = c.checked_sub(self.left).map(|p| p as usize);
            match place.filter(|p| *p < self.header.len()) {
                Some(p) => cells.push((p, c as usize + 1, text)),
                None => {
                    return Err(Error::Import {
                        location: format!(
                            "sheet {}, row {}, column {}",
                            self.name,
                            r + 1,
                            column_letter(c as usize)
                        ),
                        line: Some(u64::from(r) + 1),
                        column: None,
                        message: "a value in a column with no header; name the column in the header row, or clear the cell".into(),
                    });
                }
            }
        }
        if let Some(done) = row.filter(|_| !cells.is_empty()) {
            each(u64::from(done) + 1, &cells)?;
        }
        Ok(())
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
pub(in crate::io::import) fn cell_text(d: &DataRef<'_>) -> std::result::Result<String, String> {
    Ok(match d {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, day, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{day:02}")
            } else {
                format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        DataRef::DateTime(dt) => number_text(dt.as_f64()),
        DataRef::Error(e) => {
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
        assert_eq!(cell_text(&DataRef::Float(3.0)).unwrap(), "3");
        assert_eq!(cell_text(&DataRef::Float(2.5)).unwrap(), "2.5");
        assert_eq!(cell_text(&DataRef::Int(-7)).unwrap(), "-7");
        assert_eq!(cell_text(&DataRef::String("007".into())).unwrap(), "007");
        let day =
            calamine::ExcelDateTime::new(46356.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&DataRef::DateTime(day)).unwrap(), "2026-11-30");
        let noon =
            calamine::ExcelDateTime::new(46356.5, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(
            cell_text(&DataRef::DateTime(noon)).unwrap(),
            "2026-11-30 12:00:00"
        );
        assert!(cell_text(&DataRef::Error(calamine::CellErrorType::NA)).is_err());
    }
}
