//! Markdown tables, ready to paste into a planning document.

use std::io::{self, Write};

use crate::text::sanitize;

/// A user's text made inert in Markdown (a table cell, a list item's text): what would
/// start emphasis, a link or image, code, strikethrough or a table cell is
/// backslash-escaped; `<`, `>` and `&` become entities so no HTML or entity comes alive; a
/// bare URL's `://` and `www.` are broken up so no autolink forms; line breaks become
/// `<br>`; terminal controls are shown escaped. Dates, times and numbers read as they are.
pub fn escape_cell(s: &str) -> String {
    let clean: Vec<char> = sanitize(s).chars().collect();
    let mut out = String::with_capacity(clean.len());
    for (i, c) in clean.iter().copied().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            ':' if clean.get(i + 1..i + 3) == Some(&['/', '/'][..]) => out.push_str("\\:"),
            '.' if i >= 3 && clean[i - 3..i].iter().all(|w| w.eq_ignore_ascii_case(&'w')) => {
                out.push_str("\\.");
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
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

    #[test]
    fn no_emphasis_link_image_code_or_entity_comes_alive() {
        assert_eq!(
            escape_cell("**x** [click](javascript:alert(1))"),
            "\\*\\*x\\*\\* \\[click\\](javascript:alert(1))"
        );
        assert_eq!(
            escape_cell("![i](x.png) `rm` ~~s~~ _e_ &amp; https://x.io WWW.y.io"),
            "!\\[i\\](x.png) \\`rm\\` \\~\\~s\\~\\~ \\_e\\_ &amp;amp; https\\://x.io WWW\\.y.io"
        );
        assert_eq!(
            escape_cell("2026-11-24T09:00:00Z 12.5"),
            "2026-11-24T09:00:00Z 12.5"
        );
    }
}
