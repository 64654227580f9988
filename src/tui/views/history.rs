//! The History tab: the event log, newest first, for every risk or for one.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Row, StatefulWidget, Table, TableState};

use super::{cell, cell_right, or_dash};
use crate::text::sanitize_line;
use crate::tui::app::App;
use crate::tui::data::HISTORY_LIMIT;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let title = match app.history_risk {
        Some(id) => format!(" History of risk {id} (h: every risk) "),
        None => format!(" History: latest {HISTORY_LIMIT} events (Enter: one risk) "),
    };
    let change_w = area.width.saturating_sub(17 + 6 + 12 + 7 + 14 + 8).max(10);
    let rows: Vec<Row> = app
        .history
        .iter()
        .map(|e| {
            let change = match (&e.old, &e.new) {
                (Some(o), Some(n)) => format!(
                    "{} → {}",
                    sanitize_line(or_dash(o)),
                    sanitize_line(or_dash(n))
                ),
                (None, Some(n)) => sanitize_line(n).into_owned(),
                (Some(o), None) => sanitize_line(o).into_owned(),
                (None, None) => String::new(),
            };
            let change = if e.note.is_empty() {
                change
            } else {
                format!("{change} — {}", sanitize_line(&e.note))
            };
            Row::new(vec![
                ratatui::widgets::Cell::from(e.at.get(..16).unwrap_or(&e.at).replace('T', " ")),
                ratatui::widgets::Cell::from(cell_right(&e.risk_id.to_string(), 5)),
                ratatui::widgets::Cell::from(cell(&e.actor, 12)),
                ratatui::widgets::Cell::from(e.kind.as_str()),
                ratatui::widgets::Cell::from(cell(e.field.as_deref().unwrap_or(""), 14)),
                ratatui::widgets::Cell::from(cell(&change, change_w)),
            ])
        })
        .collect();
    let widths = [
        Constraint::Length(16),
        Constraint::Length(5),
        Constraint::Length(12),
        Constraint::Length(6),
        Constraint::Length(14),
        Constraint::Min(10),
    ];
    let mut state = TableState::default()
        .with_selected((!app.history.is_empty()).then_some(app.history_cursor));
    StatefulWidget::render(
        Table::new(rows, widths)
            .header(
                Row::new(["WHEN (UTC)", "RISK", "ACTOR", "KIND", "FIELD", "CHANGE"])
                    .style(t.header()),
            )
            .block(Block::bordered().title(title))
            .row_highlight_style(t.selected()),
        area,
        buf,
        &mut state,
    );
}
