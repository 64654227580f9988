//! Standard output: buffered, with a closed pipe (`riskreg list | head`) turned into a quiet
//! exit instead of a panic, and every other write error into exit 74.

use std::io::{BufWriter, Stdout, Write};

use serde::Serialize;

use super::args::Format;
use super::context::Ctx;
use super::table;
use crate::error::{Error, Result};
use crate::io::json;
use crate::io::table::Table;

pub struct Out {
    w: BufWriter<Stdout>,
}

fn stdout_error(e: std::io::Error) -> Error {
    Error::io("cannot write to standard output", e)
}

impl Default for Out {
    fn default() -> Self {
        Out::new()
    }
}

impl Out {
    pub fn new() -> Out {
        Out {
            w: BufWriter::with_capacity(128 * 1024, std::io::stdout()),
        }
    }

    pub fn write_str(&mut self, s: &str) -> Result<()> {
        self.w.write_all(s.as_bytes()).map_err(stdout_error)
    }

    pub fn line(&mut self, s: &str) -> Result<()> {
        self.write_str(s)?;
        self.write_str("\n")
    }

    /// The raw writer, for formatters that stream; map its errors with [`Out::error`].
    pub fn writer(&mut self) -> &mut BufWriter<Stdout> {
        &mut self.w
    }

    pub fn error(e: std::io::Error) -> Error {
        stdout_error(e)
    }

    pub fn finish(mut self) -> Result<()> {
        self.w.flush().map_err(stdout_error)
    }
}

/// Prints rows in the chosen format: `items` for JSON, `table` for everything else.
pub fn emit<T: Serialize>(ctx: &Ctx, items: &[T], table: &Table) -> Result<()> {
    let mut out = Out::new();
    match ctx.format() {
        Format::Table => out.write_str(&table::render(table, ctx.width, ctx.color))?,
        Format::Json => json_array(out.writer(), items).map_err(Out::error)?,
        Format::Ndjson => {
            for item in items {
                json::write_compact(out.writer(), item).map_err(Out::error)?;
                out.write_str("\n")?;
            }
        }
        Format::Csv => table.write_csv(out.writer(), false).map_err(Out::error)?,
        Format::Md => table.write_markdown(out.writer()).map_err(Out::error)?,
    }
    out.finish()
}

/// Prints one JSON document (indented) or, for other formats, the given text.
pub fn emit_one<T: Serialize>(ctx: &Ctx, value: &T, text: impl FnOnce() -> String) -> Result<()> {
    let mut out = Out::new();
    match ctx.format() {
        Format::Json | Format::Ndjson => {
            if ctx.format() == Format::Json {
                json::write_pretty(out.writer(), value).map_err(Out::error)?;
            } else {
                json::write_compact(out.writer(), value).map_err(Out::error)?;
                out.write_str("\n")?;
            }
        }
        _ => out.write_str(&text())?,
    }
    out.finish()
}

/// `[`, one compact element per line, `]`: streamable and still easy to diff.
pub fn json_array<W: Write, T: Serialize>(w: &mut W, items: &[T]) -> std::io::Result<()> {
    if items.is_empty() {
        return w.write_all(b"[]\n");
    }
    w.write_all(b"[\n")?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            w.write_all(b",\n")?;
        }
        json::write_compact(w, item)?;
    }
    w.write_all(b"\n]\n")
}

/// Writes a `warning: …` line to stderr.
pub fn warn(message: &str) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "warning: {}",
        crate::text::sanitize(message)
    );
}
