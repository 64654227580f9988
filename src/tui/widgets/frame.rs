//! Every popup's frame: a bordered box sized to its text after wrapping, with its keys on the
//! last line. The key line is always on screen; when the body does not fit, the body scrolls
//! and the border says so, never the keys.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use crate::tui::layout;
use crate::tui::theme::Theme;

/// A key and what it does, as a popup's key line shows it.
pub(crate) type KeyHelp = (&'static str, &'static str);

/// The key line: "y delete · n/Esc keep".
pub(crate) fn key_line(keys: &[KeyHelp], t: Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, (k, what)) in keys.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", t.dim()));
        }
        spans.push(Span::styled(*k, t.key()));
        spans.push(Span::raw(format!(" {what}")));
    }
    Line::from(spans)
}

/// Rows `lines` take at `width` columns once wrapped.
pub(crate) fn wrapped_height(lines: &[Line<'_>], width: u16) -> u16 {
    if width == 0 {
        return 0;
    }
    let rows = Paragraph::new(lines.to_vec())
        .wrap(Wrap { trim: false })
        .line_count(width);
    u16::try_from(rows).unwrap_or(u16::MAX)
}

pub(crate) struct PopupFrame<'a> {
    pub title: String,
    pub body: Vec<Line<'a>>,
    pub keys: &'a [KeyHelp],
    /// The widest the box may be.
    pub width: u16,
    /// Rows of the body scrolled past (when it does not fit).
    pub scroll: u16,
}

impl PopupFrame<'_> {
    /// Draws the box in the middle of `area` and returns where the body went.
    pub(crate) fn render(self, area: Rect, buf: &mut Buffer, t: Theme) -> Rect {
        let width = self.width.min(area.width);
        let inner_w = width.saturating_sub(2);
        let keys = key_line(self.keys, t);
        let keys_h = if self.keys.is_empty() {
            0
        } else {
            wrapped_height(std::slice::from_ref(&keys), inner_w)
        };
        let body_h = wrapped_height(&self.body, inner_w);
        let gap = u16::from(keys_h > 0 && body_h > 0);
        let want = body_h + gap + keys_h + 2;
        let rect = layout::popup(area, width, want);
        let room = rect.height.saturating_sub(2 + keys_h + gap);
        let hidden = body_h.saturating_sub(room);
        let scroll = self.scroll.min(hidden);
        let mut block = Block::bordered().title(self.title);
        if hidden > 0 {
            let more = match (scroll > 0, scroll < hidden) {
                (true, true) => " ↑↓ more ",
                (true, false) => " ↑ more ",
                _ => " ↓ more ",
            };
            block = block.title_bottom(Line::styled(more, t.dim()).right_aligned());
        }
        Clear.render(rect, buf);
        let inner = block.inner(rect);
        block.render(rect, buf);
        let body_area = Rect {
            height: room.min(inner.height),
            ..inner
        };
        Paragraph::new(self.body)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .render(body_area, buf);
        if keys_h > 0 {
            let keys_area = Rect {
                y: inner.bottom().saturating_sub(keys_h),
                height: keys_h.min(inner.height),
                ..inner
            };
            Paragraph::new(keys)
                .wrap(Wrap { trim: false })
                .render(keys_area, buf);
        }
        body_area
    }
}
