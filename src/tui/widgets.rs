//! Pieces every tab and popup draws with: the table, the popup frame, and text cut to a
//! cell.

pub(crate) mod frame;
pub(crate) mod table;

use crate::text::{Align, fit, sanitize_line};

/// Text from the database as one safe line, cut and padded to `cols` columns.
pub(crate) fn cell(s: &str, cols: u16) -> String {
    fit(&sanitize_line(s), usize::from(cols), Align::Left)
}

/// "—" for an empty value.
pub(crate) fn or_dash(s: &str) -> &str {
    if s.is_empty() { "—" } else { s }
}
