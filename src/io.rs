//! Reading and writing the register's data: CSV for spreadsheets, JSON for scripts, Markdown
//! for planning documents, and atomic files for all of them.

pub mod atomic;
pub mod csv_out;
pub mod formula;
pub mod import;
pub mod json;
pub mod markdown;
pub mod risk_csv;
pub mod table;

use std::io::{self, Write};

use crate::domain::Risk;

/// A format risks can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RiskFormat {
    Csv,
    Json,
    Ndjson,
    Markdown,
}

impl RiskFormat {
    pub fn extension(self) -> &'static str {
        match self {
            RiskFormat::Csv => "csv",
            RiskFormat::Json => "json",
            RiskFormat::Ndjson => "ndjson",
            RiskFormat::Markdown => "md",
        }
    }

    /// The format a file name suggests (`.csv`, `.json`, `.ndjson`/`.jsonl`, `.md`).
    pub fn from_path(path: &std::path::Path) -> Option<RiskFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(RiskFormat::Csv),
            "json" => Some(RiskFormat::Json),
            "ndjson" | "jsonl" => Some(RiskFormat::Ndjson),
            "md" | "markdown" => Some(RiskFormat::Markdown),
            _ => None,
        }
    }
}

/// Writes risks one at a time in any [`RiskFormat`], so an export of any size streams.
pub enum RiskWriter<W: Write> {
    Csv(Box<risk_csv::RiskCsv<W>>),
    Json { out: W, first: bool },
    Ndjson(W),
    Markdown(W),
}

impl<W: Write> RiskWriter<W> {
    /// Starts the output (CSV header, `[`, Markdown header). `raw` turns off the CSV BOM and
    /// formula neutralization, for pipelines that read the CSV with code.
    pub fn new(format: RiskFormat, mut out: W, raw: bool) -> io::Result<RiskWriter<W>> {
        Ok(match format {
            RiskFormat::Csv => RiskWriter::Csv(Box::new(risk_csv::RiskCsv::new(out, raw)?)),
            RiskFormat::Json => RiskWriter::Json { out, first: true },
            RiskFormat::Ndjson => RiskWriter::Ndjson(out),
            RiskFormat::Markdown => {
                markdown::write_risk_header(&mut out)?;
                RiskWriter::Markdown(out)
            }
        })
    }

    pub fn write(&mut self, risk: &Risk) -> io::Result<()> {
        match self {
            RiskWriter::Csv(w) => w.write(risk),
            RiskWriter::Json { out, first } => {
                out.write_all(if *first { b"[\n" } else { b",\n" })?;
                *first = false;
                json::write_compact(out, risk)
            }
            RiskWriter::Ndjson(out) => {
                json::write_compact(out, risk)?;
                out.write_all(b"\n")
            }
            RiskWriter::Markdown(out) => markdown::write_risk_row(out, risk),
        }
    }

    /// Ends the output (`]` for JSON) and flushes; returns the writer.
    pub fn finish(self) -> io::Result<W> {
        let mut out = match self {
            RiskWriter::Csv(w) => w.finish()?,
            RiskWriter::Json { mut out, first } => {
                out.write_all(if first { b"[]\n" } else { b"\n]\n" })?;
                out
            }
            RiskWriter::Ndjson(out) | RiskWriter::Markdown(out) => out,
        };
        out.flush()?;
        Ok(out)
    }
}
