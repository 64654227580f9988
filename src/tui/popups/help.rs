//! `?`: every key of the current view, from the keymap itself.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use crate::tui::app::App;
use crate::tui::keymap::bindings_for;

/// Keys inside the add/edit form, shown in help and in the form itself.
pub const FORM_KEYS: &[(&str, &str)] = &[
    ("Tab ↓/↑", "next / previous field"),
    ("←/→ Space", "pick (or type a letter)"),
    ("Enter", "save"),
    ("Ctrl-S", "save, also in description"),
    ("Esc", "cancel"),
];

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let mut lines: Vec<Line<'static>> = bindings_for(app.tab)
        .map(|b| {
            Line::from(vec![
                Span::styled(format!("{:>10} ", b.keys), t.key()),
                Span::raw(b.help),
            ])
        })
        .collect();
    lines.push(Line::default());
    lines.push(Line::styled("In the add/edit form", t.header()));
    for (k, h) in FORM_KEYS {
        lines.push(Line::from(vec![
            Span::styled(format!("{k:>10} "), t.key()),
            Span::raw(*h),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::styled("Mouse: click selects, wheel scrolls", t.dim()));
    let block = Block::bordered().title(format!(" Keys: {} ", app.tab.title()));
    let rows = usize::from(area.height.saturating_sub(2)).max(1);
    if lines.len() <= rows {
        // One column (scrolling is not needed at any size the TUI supports).
        let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
        let area = crate::tui::layout::popup(area, 72, height);
        Clear.render(area, buf);
        Paragraph::new(lines).block(block).render(area, buf);
        return;
    }
    let per_column = lines.len().div_ceil(2);
    let height = u16::try_from(per_column + 2).unwrap_or(u16::MAX);
    let area = crate::tui::layout::popup(area, 120, height);
    Clear.render(area, buf);
    let inner = block.inner(area);
    block.render(area, buf);
    let right: Vec<Line> = lines.split_off(per_column);
    let [l, r] = inner.layout(&ratatui::layout::Layout::horizontal([
        ratatui::layout::Constraint::Percentage(50),
        ratatui::layout::Constraint::Percentage(50),
    ]));
    Paragraph::new(lines).render(l, buf);
    Paragraph::new(right).render(r, buf);
}
