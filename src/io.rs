//! Reading and writing the register's data: CSV for spreadsheets, JSON for scripts, Markdown
//! for planning documents, and atomic files for all of them.

pub mod action_csv;
pub mod atomic;
pub mod csv_out;
pub mod formula;
pub mod import;
pub mod json;
pub mod markdown;
pub mod record_csv;
pub mod risk_csv;
pub mod table;

use std::io::{self, Write};
use std::marker::PhantomData;

use crate::domain::Risk;
use crate::domain::actions::Action;

/// A format records can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
    Ndjson,
    Markdown,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
            ExportFormat::Ndjson => "ndjson",
            ExportFormat::Markdown => "md",
        }
    }

    /// The format a file name suggests (`.csv`, `.json`, `.ndjson`/`.jsonl`, `.md`).
    pub fn from_path(path: &std::path::Path) -> Option<ExportFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(ExportFormat::Csv),
            "json" => Some(ExportFormat::Json),
            "ndjson" | "jsonl" => Some(ExportFormat::Ndjson),
            "md" | "markdown" => Some(ExportFormat::Markdown),
            _ => None,
        }
    }
}

/// A record riskreg exports (risks, actions): its CSV columns and cells, and its Markdown
/// row. JSON is its `Serialize`.
pub trait Exportable: serde::Serialize {
    /// The CSV header, in order; import reads the same names.
    const CSV_COLUMNS: &'static [&'static str];
    /// The Markdown table's headers, and which of them are right-aligned.
    const MARKDOWN_HEADERS: &'static [&'static str];
    const MARKDOWN_RIGHT: &'static [bool];

    /// One record's cells, in [`Exportable::CSV_COLUMNS`] order, ending the record.
    fn write_csv<W: Write>(&self, csv: &mut record_csv::RecordCsv<W>) -> io::Result<()>;

    /// One record's Markdown cells, unescaped.
    fn markdown_cells(&self) -> Vec<String>;
}

/// Writes records one at a time in any [`ExportFormat`], so an export of any size streams.
pub struct Writer<W: Write, T> {
    inner: Inner<W>,
    records: PhantomData<fn(&T)>,
}

enum Inner<W: Write> {
    Csv(Box<record_csv::RecordCsv<W>>),
    Json { out: W, first: bool },
    Ndjson(W),
    Markdown(W),
}

/// Risks, in any export format.
pub type RiskWriter<W> = Writer<W, Risk>;
/// Actions, in any export format.
pub type ActionWriter<W> = Writer<W, Action>;

impl<W: Write, T: Exportable> Writer<W, T> {
    /// Starts the output (CSV header, `[`, Markdown header). `raw` turns off the CSV BOM and
    /// formula neutralization, for pipelines that read the CSV with code.
    pub fn new(format: ExportFormat, mut out: W, raw: bool) -> io::Result<Writer<W, T>> {
        let inner = match format {
            ExportFormat::Csv => Inner::Csv(Box::new(record_csv::RecordCsv::new(
                out,
                raw,
                T::CSV_COLUMNS,
            )?)),
            ExportFormat::Json => Inner::Json { out, first: true },
            ExportFormat::Ndjson => Inner::Ndjson(out),
            ExportFormat::Markdown => {
                markdown::write_header(&mut out, T::MARKDOWN_HEADERS, T::MARKDOWN_RIGHT)?;
                Inner::Markdown(out)
            }
        };
        Ok(Writer {
            inner,
            records: PhantomData,
        })
    }

    pub fn write(&mut self, record: &T) -> io::Result<()> {
        match &mut self.inner {
            Inner::Csv(w) => record.write_csv(w),
            Inner::Json { out, first } => {
                out.write_all(if *first { b"[\n" } else { b",\n" })?;
                *first = false;
                json::write_compact(out, record)
            }
            Inner::Ndjson(out) => {
                json::write_compact(out, record)?;
                out.write_all(b"\n")
            }
            Inner::Markdown(out) => markdown::write_row(out, &record.markdown_cells()),
        }
    }

    /// Ends the output (`]` for JSON) and flushes; returns the writer.
    pub fn finish(self) -> io::Result<W> {
        let mut out = match self.inner {
            Inner::Csv(w) => w.finish()?,
            Inner::Json { mut out, first } => {
                out.write_all(if first { b"[]\n" } else { b"\n]\n" })?;
                out
            }
            Inner::Ndjson(out) | Inner::Markdown(out) => out,
        };
        out.flush()?;
        Ok(out)
    }
}
