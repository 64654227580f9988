//! The Teams tab: per team, active risks by band, total score, risks without an owner and
//! risks due for review; Enter shows the team's risks.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Row, StatefulWidget, Table, TableState};

use super::cell;
use crate::scoring::Band;
use crate::tui::app::App;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let header = Row::new([
        "TEAM",
        "CRIT",
        "HIGH",
        "MED",
        "LOW",
        "ACTIVE",
        "SCORE",
        "NO OWNER",
        "REVIEW DUE",
        "BM/YR",
    ])
    .style(t.header());
    let rows: Vec<Row> = app
        .teams
        .iter()
        .map(|o| {
            let name = o.team.as_deref().unwrap_or("(no team)");
            let n = |b: Band| o.count(b).to_string();
            Row::new(vec![
                ratatui::widgets::Cell::from(cell(name, 24)),
                ratatui::widgets::Cell::from(n(Band::Critical)).style(t.band(Band::Critical)),
                ratatui::widgets::Cell::from(n(Band::High)).style(t.band(Band::High)),
                ratatui::widgets::Cell::from(n(Band::Medium)).style(t.band(Band::Medium)),
                ratatui::widgets::Cell::from(n(Band::Low)).style(t.band(Band::Low)),
                ratatui::widgets::Cell::from(o.active().to_string()),
                ratatui::widgets::Cell::from(o.total_score.to_string()),
                ratatui::widgets::Cell::from(o.without_owner.to_string()),
                ratatui::widgets::Cell::from(o.review_due.to_string()),
                ratatui::widgets::Cell::from(crate::domain::estimates::format_number(
                    o.bad_minutes,
                    1,
                )),
            ])
        })
        .collect();
    let widths = [
        Constraint::Min(12),
        Constraint::Length(5),
        Constraint::Length(5),
        Constraint::Length(5),
        Constraint::Length(5),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(8),
        Constraint::Length(10),
        Constraint::Length(8),
    ];
    let mut state =
        TableState::default().with_selected((!app.teams.is_empty()).then_some(app.team_cursor));
    let table = Table::new(rows, widths)
        .header(header)
        .block(Block::bordered().title(" Teams: active risks "))
        .row_highlight_style(t.selected());
    StatefulWidget::render(table, area, buf, &mut state);
}
