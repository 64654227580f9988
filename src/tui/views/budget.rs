//! The Budget tab: a gauge of the error budget the active risks use, the stack rank by bad
//! minutes (too-big risks marked), and the burn-down as each milestone lands.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Gauge, Paragraph, Row, StatefulWidget, Table, TableState, Widget};

use super::{cell, cell_right};
use crate::domain::estimates::format_number;
use crate::tui::app::App;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let Some(report) = &app.budget else {
        Paragraph::new("Loading the budget…")
            .block(Block::bordered())
            .render(area, buf);
        return;
    };
    let b = &report.budget;
    let [gauge_area, rest] = area.layout(&Layout::vertical([
        Constraint::Length(4),
        Constraint::Min(0),
    ]));
    let ratio = if b.budget_minutes > 0.0 {
        b.used_minutes / b.budget_minutes
    } else {
        1.0
    };
    let over = b.used_minutes > b.budget_minutes;
    let label = format!(
        "{} of {} bad min/yr used ({}%), {} left",
        format_number(b.used_minutes, 1),
        format_number(b.budget_minutes, 2),
        format_number(b.used_percent, 1),
        format_number(b.left_minutes, 1)
    );
    let style = if over {
        t.error()
    } else if ratio > 0.75 {
        t.warn()
    } else {
        t.ok()
    };
    Gauge::default()
        .block(Block::bordered().title(format!(
            " Error budget at SLO {}% · {} active risks without estimates ",
            format_number(b.slo, 3),
            b.active_without_estimates
        )))
        .gauge_style(style)
        .ratio(ratio.clamp(0.0, 1.0))
        .label(Span::styled(label, t.header()))
        .render(gauge_area, buf);
    let [left, right] = rest.layout(&Layout::horizontal([
        Constraint::Percentage(45),
        Constraint::Percentage(55),
    ]));
    let limit = b.single_risk_limit_minutes;
    let title_w = left.width.saturating_sub(2 + 5 + 9 + 8 + 3).max(8);
    let rows: Vec<Row> = report
        .top_by_bad_minutes
        .iter()
        .map(|r| {
            let bm = r.bad_minutes_per_year.unwrap_or_default();
            let big = bm > limit;
            Row::new(vec![
                ratatui::widgets::Cell::from(cell_right(&r.id.to_string(), 5)),
                ratatui::widgets::Cell::from(Span::styled(
                    cell_right(&format_number(bm, 1), 9),
                    if big { t.error() } else { t.header() },
                )),
                ratatui::widgets::Cell::from(Span::styled(
                    if big { "TOO BIG" } else { "" },
                    t.error(),
                )),
                ratatui::widgets::Cell::from(cell(&r.title, title_w)),
            ])
        })
        .collect();
    let mut state = TableState::default()
        .with_selected((!report.top_by_bad_minutes.is_empty()).then_some(app.budget_cursor));
    StatefulWidget::render(
        Table::new(
            rows,
            [
                Constraint::Length(5),
                Constraint::Length(9),
                Constraint::Length(7),
                Constraint::Min(8),
            ],
        )
        .header(Row::new(["ID", "BM/YR", "", "TITLE"]).style(t.header()))
        .block(Block::bordered().title(format!(
            " Stack rank by bad minutes (too big above {}) ",
            format_number(limit, 1)
        )))
        .row_highlight_style(t.selected()),
        left,
        buf,
        &mut state,
    );
    let rows: Vec<Row> = report
        .milestones
        .iter()
        .map(|m| {
            let left_style = if m.budget_left_minutes < 0.0 {
                t.error()
            } else {
                t.ok()
            };
            Row::new(vec![
                ratatui::widgets::Cell::from(Span::styled(
                    cell(&m.name, 16),
                    if m.overdue {
                        t.overdue()
                    } else {
                        ratatui::style::Style::default()
                    },
                )),
                ratatui::widgets::Cell::from(m.due.map(|d| d.to_string()).unwrap_or_default()),
                ratatui::widgets::Cell::from(cell_right(&format_number(m.change_minutes, 1), 8)),
                ratatui::widgets::Cell::from(Span::styled(
                    cell_right(&format_number(m.budget_left_minutes, 1), 8),
                    left_style,
                )),
            ])
        })
        .collect();
    let inner_note = if report.milestones.is_empty() {
        vec![Line::styled("No milestones yet.", t.dim())]
    } else {
        Vec::new()
    };
    Widget::render(
        Table::new(
            rows,
            [
                Constraint::Min(10),
                Constraint::Length(10),
                Constraint::Length(8),
                Constraint::Length(8),
            ],
        )
        .header(Row::new(["MILESTONE", "DUE", "CHANGE", "LEFT"]).style(t.header()))
        .block(Block::bordered().title(" Budget left as milestones land ")),
        right,
        buf,
    );
    if !inner_note.is_empty() {
        let inner = Block::bordered().inner(right);
        Paragraph::new(inner_note).render(
            Rect {
                y: inner.y + 1,
                ..inner
            },
            buf,
        );
    }
}
