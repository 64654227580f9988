//! A small tabular model shared by every command that prints rows (teams, milestones,
//! history, settings…): rendered as a terminal table, CSV or Markdown from one definition.

use std::borrow::Cow;
use std::io::{self, Write};

use crate::io::csv_out::CsvOut;
use crate::io::{formula, markdown, record_csv};
use crate::scoring::Band;
use crate::text::Align;

/// One cell. `Text` is free text someone typed (neutralized in CSV, sanitized on screen);
/// `Plain` is a number, date or enum value the register produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Plain(String),
    /// A plain value shown in its band's colour.
    Banded(String, Band),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn plain(s: impl ToString) -> Cell {
        Cell::Plain(s.to_string())
    }

    pub fn as_str(&self) -> &str {
        match self {
            Cell::Text(s) | Cell::Plain(s) | Cell::Banded(s, _) => s,
        }
    }
}

/// A column: its header, alignment, and how readily it gives up width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub header: &'static str,
    pub align: Align,
    /// Narrowest useful width; 0 makes the column optional: it is left out when the table
    /// does not fit the terminal.
    pub min: usize,
    /// How much room the column keeps when the table must shrink, relative to the others
    /// (0: never shrinks).
    pub flex: u8,
}

impl Column {
    pub const fn left(header: &'static str, min: usize, flex: u8) -> Column {
        Column {
            header,
            align: Align::Left,
            min,
            flex,
        }
    }

    /// A narrow right-aligned column that is left out when the table does not fit.
    pub const fn optional(header: &'static str) -> Column {
        Column {
            header,
            align: Align::Right,
            min: 0,
            flex: 0,
        }
    }

    pub const fn right(header: &'static str) -> Column {
        Column {
            header,
            align: Align::Right,
            min: header.len(),
            flex: 0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Table {
        Table {
            columns,
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    /// As spreadsheet-safe CSV (BOM, CRLF, quoted, neutralized); `raw` turns BOM and
    /// neutralization off.
    pub fn write_csv<W: Write>(&self, mut out: W, raw: bool) -> io::Result<()> {
        if !raw {
            out.write_all(record_csv::BOM)?;
        }
        let mut w = CsvOut::new(out);
        w.record(
            self.columns
                .iter()
                .map(|c| c.header.to_lowercase().replace(' ', "_")),
        )?;
        for row in &self.rows {
            w.record(row.iter().map(|c| match c {
                Cell::Text(s) if !raw => formula::neutralize(s),
                other => Cow::Borrowed(other.as_str()),
            }))?;
        }
        w.finish()?.flush()
    }

    pub fn write_markdown<W: Write>(&self, mut out: W) -> io::Result<()> {
        let headers: Vec<&str> = self.columns.iter().map(|c| c.header).collect();
        let right: Vec<bool> = self
            .columns
            .iter()
            .map(|c| c.align == Align::Right)
            .collect();
        markdown::write_header(&mut out, &headers, &right)?;
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(|c| c.as_str().to_string()).collect();
            markdown::write_row(&mut out, &cells)?;
        }
        Ok(())
    }
}
