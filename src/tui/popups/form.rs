//! The add/edit form as drawn: one row per field with its error beside it, the description
//! as a box, and the keys at the bottom.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use crate::domain::{Field, Impact, Likelihood};
use crate::tui::app::App;
use crate::tui::form::{Entry, Form, Input, label};
use crate::tui::layout;
use crate::tui::theme::Theme;
use crate::tui::views::cell;

const LABEL_W: u16 = 16;
/// The description box's smallest height (two lines and its border).
const DESCRIPTION_MIN: u16 = 4;

fn pick_text(entry: &Entry) -> String {
    let value = entry.text();
    let shown = match entry.field {
        Field::Likelihood => value
            .parse()
            .ok()
            .and_then(Likelihood::new)
            .map(|l| format!("{value} {}", l.label())),
        Field::Impact => value
            .parse()
            .ok()
            .and_then(Impact::new)
            .map(|i| format!("{value} {}", i.label())),
        _ => None,
    };
    let shown = shown.unwrap_or_else(|| {
        if value.is_empty() {
            "(none)".into()
        } else {
            value
        }
    });
    format!("‹ {shown} ›")
}

fn render_entry(entry: &Entry, focused: bool, area: Rect, buf: &mut Buffer, t: Theme) {
    let label_style = if focused { t.focus() } else { t.dim() };
    let marker = if focused { "›" } else { " " };
    Span::styled(
        format!(
            "{marker}{:<w$}",
            label(entry.field),
            w = usize::from(LABEL_W - 1)
        ),
        label_style,
    )
    .render(
        Rect {
            width: LABEL_W.min(area.width),
            ..area
        },
        buf,
    );
    let value_area = Rect {
        x: area.x + LABEL_W.min(area.width),
        width: area.width.saturating_sub(LABEL_W),
        ..area
    };
    let error_w = if entry.error.is_some() {
        value_area.width / 2
    } else {
        0
    };
    let input_area = Rect {
        width: value_area.width - error_w,
        ..value_area
    };
    match &entry.input {
        Input::Text(ta) if focused => ta.render(input_area, buf),
        Input::Text(_) => {
            let text = entry.text();
            let first = text.lines().next().unwrap_or("");
            Span::raw(cell(first, input_area.width)).render(input_area, buf);
        }
        Input::Pick { .. } => {
            let style = if focused {
                t.selected()
            } else {
                Style::default()
            };
            Span::styled(cell(&pick_text(entry), input_area.width), style).render(input_area, buf);
        }
    }
    if let Some(e) = &entry.error {
        let err = Rect {
            x: input_area.x + input_area.width,
            width: error_w,
            ..value_area
        };
        Span::styled(cell(&format!(" {e}"), err.width), t.error()).render(err, buf);
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer, form: &Form) {
    let t = app.theme;
    let area = layout::popup(area, 100, 24);
    Clear.render(area, buf);
    let block = Block::bordered().title(format!(" {} ", form.title()));
    let inner = block.inner(area);
    block.render(area, buf);
    let single: Vec<(usize, &Entry)> = form
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.is_multiline())
        .collect();
    // The one-line fields scroll when they and a small description box do not fit.
    let room = usize::from(inner.height.saturating_sub(2 + DESCRIPTION_MIN));
    let shown = single.len().min(room.max(1));
    let focus_at = single
        .iter()
        .position(|(i, _)| *i == form.focus)
        .unwrap_or(0);
    let first = (focus_at + 1).saturating_sub(shown);
    let mut y = inner.y;
    for (i, entry) in single.iter().skip(first).take(shown) {
        if y >= inner.bottom() {
            break;
        }
        render_entry(
            entry,
            *i == form.focus,
            Rect {
                y,
                height: 1,
                ..inner
            },
            buf,
            t,
        );
        y += 1;
    }
    // The description takes what is left above the two status lines.
    let bottom = inner.bottom().saturating_sub(2);
    if let Some((i, entry)) = form
        .entries
        .iter()
        .enumerate()
        .find(|(_, e)| e.is_multiline())
        && y < bottom
    {
        let focused = i == form.focus;
        let box_area = Rect {
            y,
            height: bottom - y,
            ..inner
        };
        let style = if focused { t.focus() } else { t.dim() };
        let mut title = format!(" {} ", label(entry.field));
        if let Some(e) = &entry.error {
            title.push_str(&format!("— {e} "));
        }
        let block = Block::bordered().border_style(style).title(title);
        let text_area = block.inner(box_area);
        block.render(box_area, buf);
        match &entry.input {
            Input::Text(ta) if focused => ta.render(text_area, buf),
            _ => {
                let text = crate::text::sanitize(&entry.text()).into_owned();
                let lines: Vec<Line> = text
                    .lines()
                    .map(|l| Line::raw(cell(l, text_area.width)))
                    .collect();
                Paragraph::new(lines).render(text_area, buf);
            }
        }
    }
    if inner.height >= 2 {
        let status = Rect {
            y: inner.bottom() - 2,
            height: 1,
            ..inner
        };
        if let Some(e) = &form.error {
            Span::styled(cell(e, status.width), t.error()).render(status, buf);
        }
        let keys = Rect {
            y: inner.bottom() - 1,
            height: 1,
            ..inner
        };
        Span::styled(
            cell(
                "Tab next field · ←/→ pick · Enter save (Ctrl-S in the description) · Esc cancel",
                keys.width,
            ),
            t.dim(),
        )
        .render(keys, buf);
    }
}
