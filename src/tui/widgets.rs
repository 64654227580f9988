//! Pieces every tab and popup draws with: the table, the popup frame, and text cut to a
//! cell.

pub(crate) mod filter;
pub(crate) mod frame;
pub(crate) mod table;

use crate::text::{Align, fit, sanitize_line};

/// Text from the database as one safe line, cut and padded to `cols` columns.
pub(crate) fn cell(s: &str, cols: u16) -> String {
    fit(&sanitize_line(s), usize::from(cols), Align::Left)
}

/// Why a list is empty, two rows below the top of `area` (under the table's header).
pub(crate) fn empty_note(
    message: &str,
    t: super::theme::Theme,
    area: ratatui::layout::Rect,
    buf: &mut ratatui::buffer::Buffer,
) {
    use ratatui::widgets::{Paragraph, Widget, Wrap};
    if area.height <= 2 {
        return;
    }
    Paragraph::new(ratatui::text::Span::styled(message.to_string(), t.dim()))
        .wrap(Wrap { trim: true })
        .render(
            ratatui::layout::Rect {
                y: area.y + 2,
                height: area.height - 2,
                ..area
            },
            buf,
        );
}

/// "—" for an empty value.
pub(crate) fn or_dash(s: &str) -> &str {
    if s.is_empty() { "—" } else { s }
}
