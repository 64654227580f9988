//! The one CSV writer of every export: each field quoted, quotes doubled, records ended by
//! CRLF (RFC 4180 as spreadsheets read it). Reading stays with the `csv` crate, which has to
//! accept everything a spreadsheet saves; writing this single fixed dialect directly is
//! about a third of the cost of its general writer, which matters at 100,000 risks.

use std::fmt::{Display, Write as _};
use std::io::{self, Write};

/// Records are collected in memory and written out in blocks of about this size.
const BLOCK: usize = 64 * 1024;

pub struct CsvOut<W: Write> {
    out: W,
    buf: Vec<u8>,
    /// Whether the next field starts a record (so takes no comma).
    at_start: bool,
    /// Scratch text for [`CsvOut::value`].
    scratch: String,
    /// Which of a record's fields go out, in what order (`None`: every one, as written).
    pick: Option<Vec<usize>>,
    /// With a pick: the record's fields so far, end to end, and where each ends.
    row: String,
    ends: Vec<usize>,
    /// Capturing: the picked fields of each record are kept for [`CsvOut::take_row`]
    /// instead of written.
    capture: bool,
    captured: Vec<String>,
}

impl<W: Write> CsvOut<W> {
    pub fn new(out: W) -> CsvOut<W> {
        CsvOut {
            out,
            buf: Vec::with_capacity(BLOCK + BLOCK / 4),
            at_start: true,
            scratch: String::new(),
            pick: None,
            row: String::new(),
            ends: Vec::new(),
            capture: false,
            captured: Vec::new(),
        }
    }

    /// Writes only the fields `pick` names, in its order, of every record from now on.
    pub fn picking(mut self, pick: Vec<usize>) -> CsvOut<W> {
        self.pick = Some(pick);
        self
    }

    /// Keeps the fields `pick` names of each record for [`CsvOut::take_row`] instead of
    /// writing them.
    pub fn capturing(mut self, pick: Vec<usize>) -> CsvOut<W> {
        self.pick = Some(pick);
        self.capture = true;
        self
    }

    /// The fields of the last record ended, when capturing.
    pub fn take_row(&mut self) -> Vec<String> {
        std::mem::take(&mut self.captured)
    }

    /// One text field.
    pub fn field(&mut self, s: &str) {
        if self.pick.is_some() {
            self.row.push_str(s);
            self.ends.push(self.row.len());
            return;
        }
        self.quoted(s);
    }

    /// Writes one field, quoted, after a comma unless it starts the record.
    fn quoted(&mut self, s: &str) {
        if !self.at_start {
            self.buf.push(b',');
        }
        self.at_start = false;
        self.buf.push(b'"');
        let bytes = s.as_bytes();
        let mut from = 0;
        for quote in memchr::memchr_iter(b'"', bytes) {
            self.buf.extend_from_slice(&bytes[from..=quote]);
            self.buf.push(b'"');
            from = quote + 1;
        }
        self.buf.extend_from_slice(&bytes[from..]);
        self.buf.push(b'"');
    }

    /// One field holding a value's text.
    pub fn value(&mut self, v: impl Display) {
        let mut text = std::mem::take(&mut self.scratch);
        text.clear();
        // Writing into a String cannot fail.
        let _ = write!(text, "{v}");
        self.field(&text);
        self.scratch = text;
    }

    /// One field holding the value's text, or an empty field for none.
    pub fn optional(&mut self, v: Option<impl Display>) {
        match v {
            Some(v) => self.value(v),
            None => self.field(""),
        }
    }

    /// Ends the record; writes a block out once enough is collected.
    pub fn end_record(&mut self) -> io::Result<()> {
        if let Some(pick) = self.pick.take() {
            let row = std::mem::take(&mut self.row);
            let field = |i: usize| {
                let start = if i == 0 {
                    Some(0)
                } else {
                    self.ends.get(i - 1).copied()
                };
                start
                    .zip(self.ends.get(i).copied())
                    .map(|(a, b)| &row[a..b])
            };
            if self.capture {
                self.captured = pick
                    .iter()
                    .filter_map(|i| field(*i).map(str::to_string))
                    .collect();
            } else {
                let fields: Vec<&str> = pick.iter().filter_map(|i| field(*i)).collect();
                for f in fields {
                    self.quoted(f);
                }
            }
            self.pick = Some(pick);
            self.row = row;
            self.row.clear();
            self.ends.clear();
            if self.capture {
                return Ok(());
            }
        }
        self.buf.extend_from_slice(b"\r\n");
        self.at_start = true;
        if self.buf.len() >= BLOCK {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// A whole record of text fields.
    pub fn record<S: AsRef<str>>(&mut self, fields: impl IntoIterator<Item = S>) -> io::Result<()> {
        for f in fields {
            self.field(f.as_ref());
        }
        self.end_record()
    }

    /// Writes out what is collected and returns the writer (not flushed).
    pub fn finish(mut self) -> io::Result<W> {
        self.out.write_all(&self.buf)?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(records: &[&[&str]]) -> String {
        let mut w = CsvOut::new(Vec::new());
        for r in records {
            w.record(r.iter()).expect("in memory");
        }
        String::from_utf8(w.finish().expect("in memory")).expect("utf-8")
    }

    #[test]
    fn every_field_quoted_quotes_doubled_crlf() {
        assert_eq!(
            written(&[&["a", "", "say \"hi\"", "x,y\nz"], &["\""]]),
            "\"a\",\"\",\"say \"\"hi\"\"\",\"x,y\nz\"\r\n\"\"\"\"\r\n"
        );
    }

    #[test]
    fn a_pick_writes_the_named_fields_in_its_order() {
        let mut w = CsvOut::new(Vec::new()).picking(vec![2, 0]);
        w.record(["a", "b", "c\"d"].iter()).expect("in memory");
        w.record(["1", "2", "3"].iter()).expect("in memory");
        let out = String::from_utf8(w.finish().expect("in memory")).expect("utf-8");
        assert_eq!(out, "\"c\"\"d\",\"a\"\r\n\"3\",\"1\"\r\n");
        let mut c = CsvOut::new(std::io::sink()).capturing(vec![1]);
        c.record(["x", "y|z"].iter()).expect("in memory");
        assert_eq!(c.take_row(), ["y|z"]);
    }

    #[test]
    fn the_csv_crate_reads_back_what_is_written() {
        let records: Vec<Vec<String>> = vec![
            vec!["\"\"".into(), "é ünï 中文".into(), "\r\n\"".into()],
            vec![String::new(), "a\"b\"c".into(), "'=1+2".into()],
        ];
        let mut w = CsvOut::new(Vec::new());
        for r in &records {
            w.record(r).expect("in memory");
        }
        let bytes = w.finish().expect("in memory");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes.as_slice());
        let back: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.expect("parses").iter().map(str::to_string).collect())
            .collect();
        assert_eq!(back, records);
    }

    #[test]
    fn large_output_is_written_whole_and_in_order() {
        let mut w = CsvOut::new(Vec::new());
        for i in 0..20_000 {
            w.value(i);
            w.end_record().expect("in memory");
        }
        let text = String::from_utf8(w.finish().expect("in memory")).expect("utf-8");
        let expected: String = (0..20_000).map(|i| format!("\"{i}\"\r\n")).collect();
        assert_eq!(text, expected);
    }
}
