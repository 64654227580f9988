//! A save that met someone else's change to the same fields: theirs and mine side by side,
//! nothing written until the person chooses. Also the "deleted meanwhile" prompt.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use crate::text::{sanitize_line, truncate};
use crate::tui::app::{App, Conflict};
use crate::tui::form::label;
use crate::tui::layout;

pub fn render(app: &App, area: Rect, buf: &mut Buffer, c: &Conflict) {
    let t = app.theme;
    let mut lines = vec![
        Line::from(format!(
            "Risk {} changed while you edited it (now revision {}). These fields changed on both sides:",
            c.id, c.theirs.revision
        )),
        Line::default(),
    ];
    let w = usize::from(area.width.saturating_sub(24) / 2).max(8);
    for f in &c.fields {
        lines.push(Line::styled(label(f.field).to_string(), t.header()));
        lines.push(Line::from(vec![
            Span::styled("  theirs: ", t.dim()),
            Span::raw(truncate(&sanitize_line(&f.theirs), w * 2).into_owned()),
        ]));
        lines.push(Line::from(vec![
            Span::styled("  mine:   ", t.dim()),
            Span::raw(truncate(&sanitize_line(&f.mine), w * 2).into_owned()),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled("m", t.key()),
        Span::raw(" keep mine · "),
        Span::styled("t", t.key()),
        Span::raw(" keep theirs (your other changes are saved either way) · "),
        Span::styled("Esc", t.key()),
        Span::raw(" back to the form"),
    ]));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let area = layout::popup(area, 90, height);
    Clear.render(area, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(Block::bordered().title(" Conflict: someone else changed this risk "))
        .render(area, buf);
}

pub fn deleted(app: &App, area: Rect, buf: &mut Buffer, id: i64) {
    let t = app.theme;
    let lines = vec![
        Line::from(format!(
            "Risk {id} was deleted by someone else while you edited it."
        )),
        Line::default(),
        Line::from(vec![
            Span::styled("r", t.key()),
            Span::raw(" recreate it with your version · "),
            Span::styled("d/Esc", t.key()),
            Span::raw(" discard your edit"),
        ]),
    ];
    let area = layout::popup(area, 70, 6);
    Clear.render(area, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(Block::bordered().title(" Not found "))
        .render(area, buf);
}
