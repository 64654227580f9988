//! Records as CSV for spreadsheets: UTF-8 with a BOM (so Excel reads UTF-8), CRLF, every field
//! quoted, and text cells neutralized so none is a live formula. The importer reads exactly
//! this back (see [`crate::io::import`]).

use std::fmt::Display;
use std::io::{self, Write};

use crate::io::csv_out::CsvOut;
use crate::io::formula;

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One export's CSV: the header written, then one record at a time.
pub struct RecordCsv<W: Write> {
    w: CsvOut<W>,
    raw: bool,
    /// Scratch text for joined cells (tags, links), reused from row to row.
    joined: String,
}

impl<W: Write> RecordCsv<W> {
    /// Writes the BOM (unless `raw`) and the header: every column, or those `pick` names (by
    /// index, in its order).
    pub fn new(
        mut out: W,
        raw: bool,
        columns: &[&str],
        pick: Option<Vec<usize>>,
    ) -> io::Result<RecordCsv<W>> {
        if !raw {
            out.write_all(BOM)?;
        }
        let mut w = CsvOut::new(out);
        if let Some(pick) = pick {
            w = w.picking(pick);
        }
        w.record(columns)?;
        Ok(RecordCsv {
            w,
            raw,
            joined: String::new(),
        })
    }

    /// The cells of the last record ended, from [`RecordCsv::cells`].
    pub fn take_row(&mut self) -> Vec<String> {
        self.w.take_row()
    }

    /// A text cell, neutralized unless raw.
    pub fn text(&mut self, s: &str) {
        if self.raw {
            self.w.field(s);
        } else {
            self.w.field(&formula::neutralize(s));
        }
    }

    /// A text cell of several parts joined by `separator` (tags by commas, links one a line),
    /// written without allocating a string a row.
    pub fn joined<'a>(&mut self, parts: impl IntoIterator<Item = &'a str>, separator: &str) {
        let mut text = std::mem::take(&mut self.joined);
        text.clear();
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 {
                text.push_str(separator);
            }
            text.push_str(part);
        }
        self.text(&text);
        self.joined = text;
    }

    /// A value's text (numbers, dates, names of statuses): never a formula.
    pub fn value(&mut self, v: impl Display) {
        self.w.value(v);
    }

    /// A value's text, or an empty cell for none.
    pub fn optional(&mut self, v: Option<impl Display>) {
        self.w.optional(v);
    }

    /// A timestamp or other text riskreg wrote itself.
    pub fn plain(&mut self, s: &str) {
        self.w.field(s);
    }

    pub fn end_record(&mut self) -> io::Result<()> {
        self.w.end_record()
    }

    pub fn finish(self) -> io::Result<W> {
        self.w.finish()
    }
}

impl RecordCsv<io::Sink> {
    /// Records' cells kept, not written: each record's fields `pick` names, as text (for a
    /// Markdown table of chosen columns).
    pub fn cells(pick: Vec<usize>) -> RecordCsv<io::Sink> {
        RecordCsv {
            w: CsvOut::new(io::sink()).capturing(pick),
            raw: true,
            joined: String::new(),
        }
    }
}
