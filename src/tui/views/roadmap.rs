//! The Roadmap tab: milestones by due date (overdue ones marked) and the risks the chosen
//! milestone carries; Enter shows them in the Risks tab.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Row, StatefulWidget, Table, TableState, Widget};

use super::{cell, cell_right};
use crate::tui::app::App;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let [left, right] = area.layout(&Layout::horizontal([
        Constraint::Percentage(60),
        Constraint::Percentage(40),
    ]));
    let today = app.today();
    let name_w = left
        .width
        .saturating_sub(2 + 10 + 7 + 5 + 6 + 7 + 5)
        .max(10);
    let rows: Vec<Row> = app
        .milestones
        .iter()
        .map(|m| {
            let due = m.due.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
            let days = m.due.map(|d| (d - today).get_days());
            let (state, left) = if m.overdue {
                (
                    Span::styled("overdue", t.overdue()),
                    Span::styled(
                        days.map(|d| format!("{d}d")).unwrap_or_default(),
                        t.overdue(),
                    ),
                )
            } else {
                let left = days
                    .filter(|d| *d >= 0)
                    .map(|d| format!("{d}d"))
                    .unwrap_or_default();
                (Span::raw(m.status.to_string()), Span::raw(left))
            };
            let left_after = app
                .budget
                .as_ref()
                .and_then(|b| b.milestones.iter().find(|l| l.name == m.name))
                .map(|l| crate::domain::estimates::format_number(l.budget_left_minutes, 0))
                .unwrap_or_default();
            Row::new(vec![
                ratatui::widgets::Cell::from(due),
                ratatui::widgets::Cell::from(cell(&m.name, name_w)),
                ratatui::widgets::Cell::from(state),
                ratatui::widgets::Cell::from(cell_right(&m.active_risks.to_string(), 5)),
                ratatui::widgets::Cell::from(left),
                ratatui::widgets::Cell::from(cell_right(&left_after, 7)),
            ])
        })
        .collect();
    let widths = [
        Constraint::Length(10),
        Constraint::Min(10),
        Constraint::Length(7),
        Constraint::Length(5),
        Constraint::Length(6),
        Constraint::Length(7),
    ];
    let mut state = TableState::default()
        .with_selected((!app.milestones.is_empty()).then_some(app.milestone_cursor));
    StatefulWidget::render(
        Table::new(rows, widths)
            .header(
                Row::new(["DUE", "MILESTONE", "STATUS", "RISKS", "LEFT", "BUDGET"])
                    .style(t.header()),
            )
            .block(Block::bordered().title(" Roadmap: milestones by due date "))
            .row_highlight_style(t.selected()),
        left,
        buf,
        &mut state,
    );
    let title = app
        .milestones
        .get(app.milestone_cursor)
        .map(|m| format!(" Active risks of {} ", crate::text::sanitize_line(&m.name)))
        .unwrap_or_else(|| " No milestones yet: riskreg milestone add NAME --due DATE ".into());
    let block = Block::bordered().title(title);
    let inner = block.inner(right);
    block.render(right, buf);
    let rows: Vec<Row> = app
        .milestone_risks
        .iter()
        .map(|r| {
            Row::new(vec![
                ratatui::widgets::Cell::from(cell_right(&r.id.to_string(), 5)),
                ratatui::widgets::Cell::from(Span::styled(
                    format!("{:>2}", r.score()),
                    t.band(r.band),
                )),
                ratatui::widgets::Cell::from(cell(&r.fields.title, inner.width.saturating_sub(10))),
            ])
        })
        .collect();
    Widget::render(
        Table::new(
            rows,
            [
                Constraint::Length(5),
                Constraint::Length(2),
                Constraint::Min(1),
            ],
        ),
        inner,
        buf,
    );
}
