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

pub(super) struct Out {
    w: BufWriter<Sink>,
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
    pub(super) fn new() -> Out {
        Out::with_sink(Sink {
            out: std::io::stdout(),
            escape: None,
        })
    }

    /// Standard output for text written raw, such as CSV: on a terminal every character
    /// that could act on it is shown escaped, as tables show it; a file or a pipe gets the
    /// exact bytes.
    pub(super) fn raw_text(ctx: &Ctx) -> Out {
        Out::with_sink(Sink {
            out: std::io::stdout(),
            escape: ctx.term.stdout.then(Escaper::default),
        })
    }

    fn with_sink(sink: Sink) -> Out {
        Out {
            w: BufWriter::with_capacity(128 * 1024, sink),
        }
    }

    pub(super) fn write_str(&mut self, s: &str) -> Result<()> {
        self.w.write_all(s.as_bytes()).map_err(stdout_error)
    }

    pub(super) fn line(&mut self, s: &str) -> Result<()> {
        self.write_str(s)?;
        self.write_str("\n")
    }

    /// The raw writer, for formatters that stream; map its errors with [`Out::error`].
    pub(super) fn writer(&mut self) -> &mut BufWriter<Sink> {
        &mut self.w
    }

    pub(super) fn error(e: std::io::Error) -> Error {
        stdout_error(e)
    }

    pub(super) fn finish(mut self) -> Result<()> {
        self.w.flush().map_err(stdout_error)?;
        self.w.get_mut().finish().map_err(stdout_error)
    }
}

/// Standard output, escaping what a terminal would act on when asked to.
pub(super) struct Sink {
    out: Stdout,
    escape: Option<Escaper>,
}

impl Sink {
    /// Writes what the escaper still holds (an unfinished character at the very end).
    fn finish(&mut self) -> std::io::Result<()> {
        if let Some(escaper) = &mut self.escape {
            let rest = escaper.finish();
            self.out.write_all(&rest)?;
        }
        self.out.flush()
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.escape {
            None => self.out.write(buf),
            Some(escaper) => {
                let safe = escaper.escape(buf);
                self.out.write_all(&safe)?;
                Ok(buf.len())
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Escapes a byte stream for a terminal as [`crate::text::sanitize`] escapes a string,
/// keeping line ends (`\n`, `\r\n`): control, bidi and separator characters become
/// `\u{1b}`, a tab a space, bytes that are not UTF-8 `\x{ff}`. A character split across
/// two writes is held until its end arrives.
#[derive(Default)]
pub(super) struct Escaper {
    pending: Vec<u8>,
}

impl Escaper {
    pub(super) fn escape(&mut self, buf: &[u8]) -> Vec<u8> {
        let mut data = std::mem::take(&mut self.pending);
        data.extend_from_slice(buf);
        let mut out = Vec::with_capacity(data.len() + 16);
        let mut rest: &[u8] = &data;
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.pending = escape_text(text, true, &mut out);
                    break;
                }
                Err(e) => {
                    let (valid, tail) = rest.split_at(e.valid_up_to());
                    // Checked valid just above.
                    let text = std::str::from_utf8(valid).unwrap_or_default();
                    escape_text(text, false, &mut out);
                    match e.error_len() {
                        None => {
                            self.pending = tail.to_vec();
                            break;
                        }
                        Some(n) => {
                            for b in &tail[..n] {
                                out.extend_from_slice(format!("\\x{{{b:02x}}}").as_bytes());
                            }
                            rest = &tail[n..];
                        }
                    }
                }
            }
        }
        out
    }

    /// The end of the stream: whatever is held is shown escaped.
    pub(super) fn finish(&mut self) -> Vec<u8> {
        let held = std::mem::take(&mut self.pending);
        let mut out = Vec::new();
        for b in held {
            out.extend_from_slice(format!("\\x{{{b:02x}}}").as_bytes());
        }
        out
    }
}

/// Escapes `text` into `out`. At the end of the data so far, a carriage return may be the
/// first half of a line end: it is returned to be held instead of escaped.
fn escape_text(text: &str, at_end: bool, out: &mut Vec<u8>) -> Vec<u8> {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push(b'\n'),
            '\r' if chars.peek() == Some(&'\n') => out.push(b'\r'),
            '\r' if at_end && chars.peek().is_none() => return vec![b'\r'],
            '\t' => out.push(b' '),
            c if crate::text::is_unsafe_char(c) => {
                out.extend_from_slice(format!("\\u{{{:x}}}", c as u32).as_bytes());
            }
            c => {
                let mut utf8 = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            }
        }
    }
    Vec::new()
}

/// Prints rows in the chosen format: `items` for JSON, `table` for everything else.
pub(super) fn emit<T: Serialize>(ctx: &Ctx, items: &[T], table: &Table) -> Result<()> {
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
        Format::Csv => {
            out = Out::raw_text(ctx);
            table.write_csv(out.writer(), false).map_err(Out::error)?;
        }
        Format::Md => table.write_markdown(out.writer()).map_err(Out::error)?,
    }
    out.finish()
}

/// Prints one JSON document (indented) or, for other formats, the given text.
pub(super) fn emit_one<T: Serialize>(
    ctx: &Ctx,
    value: &T,
    text: impl FnOnce() -> String,
) -> Result<()> {
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
pub(super) fn json_array<W: Write, T: Serialize>(w: &mut W, items: &[T]) -> std::io::Result<()> {
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
pub(super) fn warn(message: &str) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "warning: {}",
        crate::text::sanitize(message)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(chunks: &[&[u8]]) -> String {
        let mut e = Escaper::default();
        let mut out = Vec::new();
        for c in chunks {
            out.extend(e.escape(c));
        }
        out.extend(e.finish());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn terminal_escapes_keep_line_ends_and_escape_the_rest() {
        assert_eq!(
            escaped(&[b"\"a\x1b]52;c;x\x07\",\"b\x1b[2J\"\r\n"]),
            "\"a\\u{1b}]52;c;x\\u{7}\",\"b\\u{1b}[2J\"\r\n"
        );
        assert_eq!(
            escaped(&["x\u{202e}y\u{2028}z\tq".as_bytes()]),
            "x\\u{202e}y\\u{2028}z q"
        );
        assert_eq!(escaped(&[b"lone\rcr\n"]), "lone\\u{d}cr\n");
        assert_eq!(escaped(&[b"bad \xff byte"]), "bad \\x{ff} byte");
    }

    #[test]
    fn characters_split_across_writes_are_joined() {
        let rlo = "\u{202e}".as_bytes();
        assert_eq!(escaped(&[b"a", &rlo[..1], &rlo[1..], b"b"]), "a\\u{202e}b");
        let e_acute = "é".as_bytes();
        assert_eq!(escaped(&[&e_acute[..1], &e_acute[1..]]), "é");
        assert_eq!(escaped(&[b"end\r", b"\n"]), "end\r\n");
        assert_eq!(escaped(&[b"end\r", b"x"]), "end\\u{d}x");
        assert_eq!(escaped(&[b"cut \xe2\x80"]), "cut \\x{e2}\\x{80}");
    }
}
