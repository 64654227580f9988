//! Markdown tables, ready to paste into a planning document.

use std::io::{self, Write};

use crate::domain::Risk;
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

const RISK_HEADERS: [&str; 11] = [
    "ID",
    "Score",
    "Band",
    "Title",
    "Team",
    "Milestone",
    "Due",
    "Status",
    "Owner",
    "Next review",
    "Bad min/yr",
];

pub fn write_risk_header<W: Write + ?Sized>(out: &mut W) -> io::Result<()> {
    write_header(out, &RISK_HEADERS, &[true, true])
}

pub fn write_risk_row<W: Write + ?Sized>(out: &mut W, r: &Risk) -> io::Result<()> {
    let f = &r.fields;
    let date = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    write_row(
        out,
        &[
            r.id.to_string(),
            r.score().to_string(),
            r.band.to_string(),
            f.title.clone(),
            f.team.clone().unwrap_or_default(),
            f.milestone.clone().unwrap_or_default(),
            date(r.milestone_due),
            f.status.to_string(),
            f.owner.clone(),
            date(f.next_review),
            f.bad_minutes_per_year()
                .map(crate::domain::figures::minutes)
                .unwrap_or_default(),
        ],
    )
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
