//! A tab's filter line (the query in force, or the text being typed) and the error of a
//! filter that does not parse. The Risks and Actions tabs each have a filter of their own.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::text::sanitize_line;
use crate::tui::app::Filter;
use crate::tui::theme::Theme;

/// The filter line: `hint` while no filter is set, `right` at the right end.
pub(crate) fn render_line(
    filter: &Filter,
    hint: &str,
    right: &str,
    t: Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let right_w = u16::try_from(right.len()).unwrap_or(0).min(area.width);
    let [left_area, right_area] = area.layout(&Layout::horizontal([
        Constraint::Min(0),
        Constraint::Length(right_w),
    ]));
    if let Some(input) = &filter.editing {
        Span::styled("/ ", t.key()).render(left_area, buf);
        input.render(
            Rect {
                x: left_area.x + 2,
                width: left_area.width.saturating_sub(2),
                ..left_area
            },
            buf,
        );
    } else {
        let line = if filter.applied.is_empty() {
            Line::from(vec![
                Span::styled("/", t.key()),
                Span::styled(format!(" filter: {hint}"), t.dim()),
            ])
        } else {
            Line::from(vec![
                Span::styled("filter: ", t.dim()),
                Span::raw(sanitize_line(&filter.applied).into_owned()),
            ])
        };
        Paragraph::new(line).render(left_area, buf);
    }
    Span::styled(right.to_string(), t.dim()).render(right_area, buf);
}

/// The whole error of a filter that does not parse, at the top of `area`; the area left
/// below it for the rows of the last filter that did.
pub(crate) fn render_error(filter: &Filter, t: Theme, area: Rect, buf: &mut Buffer) -> Rect {
    let Some(e) = &filter.error else {
        return area;
    };
    let text = format!("The filter does not parse: {e}. The list shows the last filter that did.");
    let lines = [Line::styled(text, t.error())];
    let h = super::frame::wrapped_height(&lines, area.width).min(area.height);
    Paragraph::new(lines.to_vec())
        .wrap(Wrap { trim: true })
        .render(Rect { height: h, ..area }, buf);
    Rect {
        y: area.y + h,
        height: area.height - h,
        ..area
    }
}
