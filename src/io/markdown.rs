//! Markdown tables, ready to paste into a planning document.

use std::io::{self, Write};

use crate::text::sanitize;

/// A cell's text made safe for a Markdown table: pipes and backslashes escaped, line breaks
/// as `<br>`, raw HTML defused, terminal controls shown escaped.
pub fn escape_cell(s: &str) -> String {
    let clean = sanitize(s);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes a header row and its separator; `right` marks right-aligned columns.
pub fn write_header<W: Write + ?Sized>(
    out: &mut W,
    headers: &[&str],
    right: &[bool],
) -> io::Result<()> {
    writeln!(out, "| {} |", headers.join(" | "))?;
    let rule: Vec<&str> = headers
        .iter()
        .enumerate()
        .map(|(i, _)| {
            if right.get(i).copied().unwrap_or(false) {
                "---:"
            } else {
                "---"
            }
        })
        .collect();
    writeln!(out, "| {} |", rule.join(" | "))
}

pub fn write_row<W: Write + ?Sized>(out: &mut W, cells: &[String]) -> io::Result<()> {
    let escaped: Vec<String> = cells.iter().map(|c| escape_cell(c)).collect();
    writeln!(out, "| {} |", escaped.join(" | "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(
            escape_cell("a|b\nc <b> \\ \u{1b}"),
            "a\\|b<br>c &lt;b&gt; \\\\ \\\\u{1b}"
        );
    }
}
