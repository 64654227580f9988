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
pub mod xlsx;

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
    /// A workbook (written to a file only: see [`xlsx`]).
    Xlsx,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
            ExportFormat::Ndjson => "ndjson",
            ExportFormat::Markdown => "md",
            ExportFormat::Xlsx => "xlsx",
        }
    }

    /// The format a file name suggests (`.csv`, `.json`, `.ndjson`/`.jsonl`, `.md`, `.xlsx`).
    pub fn from_path(path: &std::path::Path) -> Option<ExportFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(ExportFormat::Csv),
            "json" => Some(ExportFormat::Json),
            "ndjson" | "jsonl" => Some(ExportFormat::Ndjson),
            "md" | "markdown" => Some(ExportFormat::Markdown),
            "xlsx" => Some(ExportFormat::Xlsx),
            _ => None,
        }
    }
}

/// How records are written: the format, whether CSV is raw (for programs: no BOM, no
/// formula protection), and which columns CSV and Markdown carry (by index in
/// [`Exportable::CSV_COLUMNS`], in that order; `None`: the format's own).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    pub format: ExportFormat,
    pub raw: bool,
    pub columns: Option<Vec<usize>>,
}

impl Shape {
    pub fn of(format: ExportFormat) -> Shape {
        Shape {
            format,
            raw: false,
            columns: None,
        }
    }
}

/// The columns `list` names (`a,b,c`: export's CSV column names, any case, spaces or
/// hyphens for underscores), as indexes into `known`, in the order given.
pub fn pick_columns(list: &str, known: &[&str]) -> std::result::Result<Vec<usize>, String> {
    let mut pick = Vec::new();
    for raw in list.split(',') {
        let name = raw.trim().to_lowercase().replace([' ', '-'], "_");
        if name.is_empty() {
            return Err(format!(
                "--columns {list:?} has an empty name; give names separated by commas: {}",
                known.join(",")
            ));
        }
        let Some(i) = known.iter().position(|k| *k == name) else {
            return Err(format!(
                "--columns: unknown column '{}'{}; the columns are {}",
                crate::text::echo(raw.trim()),
                crate::suggest::did_you_mean(&name, known.iter().copied()),
                known.join(",")
            ));
        };
        if pick.contains(&i) {
            return Err(format!("--columns names '{name}' twice"));
        }
        pick.push(i);
    }
    Ok(pick)
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
    Json {
        out: W,
        first: bool,
    },
    Ndjson(W),
    Markdown(W),
    /// Markdown of chosen CSV columns: each record's cells taken as CSV writes them.
    MarkdownColumns {
        out: W,
        cells: Box<record_csv::RecordCsv<io::Sink>>,
    },
}

/// Risks, in any export format.
pub type RiskWriter<W> = Writer<W, Risk>;
/// Actions, in any export format.
pub type ActionWriter<W> = Writer<W, Action>;

impl<W: Write, T: Exportable> Writer<W, T> {
    /// Starts the output (CSV header, `[`, Markdown header). `raw` turns off the CSV BOM and
    /// formula neutralization, for pipelines that read the CSV with code.
    pub fn new(format: ExportFormat, out: W, raw: bool) -> io::Result<Writer<W, T>> {
        Writer::shaped(
            &Shape {
                format,
                raw,
                columns: None,
            },
            out,
        )
    }

    /// Starts the output as `shape` says.
    pub fn shaped(shape: &Shape, mut out: W) -> io::Result<Writer<W, T>> {
        let inner = match (shape.format, &shape.columns) {
            (ExportFormat::Xlsx, _) => {
                return Err(io::Error::other(
                    "an XLSX workbook is written to a file (-o FILE.xlsx), not to a stream",
                ));
            }
            (ExportFormat::Csv, pick) => Inner::Csv(Box::new(record_csv::RecordCsv::new(
                out,
                shape.raw,
                T::CSV_COLUMNS,
                pick.clone(),
            )?)),
            (ExportFormat::Json, _) => Inner::Json { out, first: true },
            (ExportFormat::Ndjson, _) => Inner::Ndjson(out),
            (ExportFormat::Markdown, None) => {
                markdown::write_header(&mut out, T::MARKDOWN_HEADERS, T::MARKDOWN_RIGHT)?;
                Inner::Markdown(out)
            }
            (ExportFormat::Markdown, Some(pick)) => {
                let headers: Vec<&str> = pick
                    .iter()
                    .filter_map(|i| T::CSV_COLUMNS.get(*i).copied())
                    .collect();
                markdown::write_header(&mut out, &headers, &[])?;
                Inner::MarkdownColumns {
                    out,
                    cells: Box::new(record_csv::RecordCsv::cells(pick.clone())),
                }
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
            Inner::MarkdownColumns { out, cells } => {
                record.write_csv(cells)?;
                markdown::write_row(out, &cells.take_row())
            }
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
            Inner::Ndjson(out) | Inner::Markdown(out) | Inner::MarkdownColumns { out, .. } => out,
        };
        out.flush()?;
        Ok(out)
    }
}
