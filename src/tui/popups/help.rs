//! `?`: every key of the current view, from the keymap itself.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use crate::tui::app::App;
use crate::tui::keymap::bindings_for;

/// Keys inside the add/edit form, shown in help and in the form itself.
pub const FORM_KEYS: &[(&str, &str)] = &[
    ("Tab/↓, Shift-Tab/↑", "next / previous field"),
    ("←/→, Space, a letter", "choose in a pick list"),
    ("Enter", "save (a new line in the description)"),
    ("Ctrl-S", "save from anywhere"),
    ("Esc", "cancel"),
];

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let mut lines: Vec<Line> = bindings_for(app.tab)
        .map(|b| {
            Line::from(vec![
                Span::styled(format!("{:>12}  ", b.keys), t.key()),
                Span::raw(b.help),
            ])
        })
        .collect();
    lines.push(Line::default());
    lines.push(Line::styled("In the add/edit form", t.header()));
    for (k, h) in FORM_KEYS {
        lines.push(Line::from(vec![
            Span::styled(format!("{k:>12}  "), t.key()),
            Span::raw(*h),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "Mouse: click selects, the wheel scrolls. Esc or ? closes this help.",
        t.dim(),
    ));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let area = crate::tui::layout::popup(area, 72, height);
    Clear.render(area, buf);
    Paragraph::new(lines)
        .block(Block::bordered().title(format!(" Keys: {} ", app.tab.title())))
        .render(area, buf);
}
