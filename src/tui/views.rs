//! One module per tab; each draws from the app's state and never touches the database.

pub mod budget;
pub mod history;
pub mod matrix;
pub mod risks;
pub mod roadmap;
pub mod teams;

use ratatui::text::Span;

use crate::text::{Align, fit, sanitize_line};

/// Text from the database as one safe line, cut and padded to `cols` columns.
pub fn cell(s: &str, cols: u16) -> String {
    fit(&sanitize_line(s), usize::from(cols), Align::Left)
}

pub fn cell_right(s: &str, cols: u16) -> String {
    fit(&sanitize_line(s), usize::from(cols), Align::Right)
}

/// "—" for an empty value.
pub fn or_dash(s: &str) -> &str {
    if s.is_empty() { "—" } else { s }
}

pub fn span(s: String) -> Span<'static> {
    Span::raw(s)
}
