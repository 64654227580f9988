//! Small choosers and confirmations: sort order, status, delete.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use crate::domain::Status;
use crate::tui::app::{App, SORTS};
use crate::tui::layout;

fn list(app: &App, area: Rect, buf: &mut Buffer, title: &str, items: &[String], cursor: usize) {
    let t = app.theme;
    let mut lines: Vec<Line> = items
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if i == cursor {
                Line::styled(format!("› {s}"), t.selected())
            } else {
                Line::raw(format!("  {s}"))
            }
        })
        .collect();
    lines.push(Line::styled(
        "↑/↓ choose · Enter apply · Esc cancel",
        t.dim(),
    ));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let area = layout::popup(area, 56, height);
    Clear.render(area, buf);
    Paragraph::new(lines)
        .block(Block::bordered().title(title.to_string()))
        .render(area, buf);
}

pub fn sort(app: &App, area: Rect, buf: &mut Buffer, cursor: usize) {
    let items: Vec<String> = SORTS
        .iter()
        .map(|(k, d)| format!("{:<8} {d}", k.as_str()))
        .collect();
    list(app, area, buf, " Sort the risks ", &items, cursor);
}

pub fn status(app: &App, area: Rect, buf: &mut Buffer, cursor: usize) {
    let items: Vec<String> = Status::ALL
        .iter()
        .map(|s| {
            let note = match s {
                Status::Accepted => "  (needs approver and end date)",
                Status::Closed => "  (reopen later to open)",
                _ => "",
            };
            format!("{s}{note}")
        })
        .collect();
    list(app, area, buf, " Move status ", &items, cursor);
}

pub fn confirm_delete(app: &App, area: Rect, buf: &mut Buffer, id: i64, title: &str) {
    let t = app.theme;
    let lines = vec![
        Line::from(format!(
            "Delete risk {id} \"{}\"?",
            crate::text::sanitize_line(title)
        )),
        Line::styled("Its history is kept; u undoes the delete.", t.dim()),
        Line::default(),
        Line::from(vec![
            Span::styled("y", t.key()),
            Span::raw(" delete · "),
            Span::styled("n/Esc", t.key()),
            Span::raw(" keep"),
        ]),
    ];
    let area = layout::popup(area, 64, 6);
    Clear.render(area, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(Block::bordered().title(" Delete "))
        .render(area, buf);
}
