//! The Roadmap tab: milestones by due date (overdue ones marked), the budget left as each
//! lands, and the risks the chosen milestone carries; milestones are added, edited (name,
//! due date, team, status) and deleted here, and Enter shows their risks.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Block;

use super::{Cursor, Cx, Intent, TabView};
use crate::domain::portfolio::MilestoneLine;
use crate::domain::{Milestone, Risk, figures};
use crate::query::quote_value;
use crate::text::{sanitize_line, width};
use crate::tui::action::Action;
use crate::tui::data::Overview;
use crate::tui::keymap::{Binding, bind, ch, code};
use crate::tui::widgets::table::{Cell, Column, Grid};

/// From this width the milestones and the chosen one's risks sit side by side.
pub(crate) const WIDE: u16 = 100;

const BINDINGS: &[Binding] = &[
    bind(
        &[code(KeyCode::Enter)],
        "Enter",
        "show the milestone's risks",
        "risks",
        Action::Choose,
    ),
    bind(
        &[ch('a')],
        "a",
        "add a milestone",
        "add",
        Action::AddMilestone,
    ),
    bind(
        &[ch('e')],
        "e",
        "edit: name, due date, team, status",
        "edit",
        Action::EditMilestone,
    ),
    bind(
        &[ch('m')],
        "m",
        "move its status (planned, in progress, done)",
        "status",
        Action::MoveMilestoneStatus,
    ),
    bind(
        &[ch('d')],
        "d",
        "delete it (asks; its risks can move to another)",
        "",
        Action::DeleteMilestone,
    ),
];

#[derive(Default)]
pub struct RoadmapTab {
    pub milestones: Vec<Milestone>,
    pub cursor: Cursor,
    /// Active risks of the chosen milestone.
    pub risks: Vec<Risk>,
    /// The budget left as each milestone lands (the report's burn-down).
    pub burn_down: Vec<MilestoneLine>,
    name_w: u16,
    team_w: u16,
    page: usize,
    /// A milestone to choose once it arrives (one just added).
    pending: Option<String>,
}

/// The milestones, and the chosen one's risks: side by side where there is room, else the
/// risks below.
fn panes(area: Rect) -> [Rect; 2] {
    let split = if area.width >= WIDE {
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
    } else {
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)])
    };
    area.layout(&split)
}

impl RoadmapTab {
    pub fn selected(&self) -> Option<&Milestone> {
        self.milestones.get(self.cursor.at)
    }

    pub fn names(&self) -> Vec<String> {
        self.milestones.iter().map(|m| m.name.clone()).collect()
    }

    /// Chooses the milestone named `name` when the next overview brings it.
    pub fn select(&mut self, name: &str) {
        self.pending = Some(name.to_string());
    }
}

impl TabView for RoadmapTab {
    fn bindings(&self) -> &'static [Binding] {
        BINDINGS
    }

    fn render(&self, cx: &Cx<'_>, area: Rect, buf: &mut Buffer) {
        let t = cx.theme;
        let [left, right] = panes(area);
        let page = usize::from(left.height.saturating_sub(3)).max(1);
        let rows = self
            .milestones
            .iter()
            .skip(self.cursor.offset)
            .take(page)
            .map(|m| {
                let due = m.due.map_or_else(|| "—".into(), |d| d.to_string());
                let days = m.due.map(|d| (d - cx.today).get_days());
                let (state, days) = if m.overdue {
                    (
                        Cell::styled("overdue", t.overdue()),
                        Cell::styled(
                            days.map(|d| format!("{d}d")).unwrap_or_default(),
                            t.overdue(),
                        ),
                    )
                } else {
                    (
                        Cell::new(m.status.as_str()),
                        Cell::new(
                            days.filter(|d| *d >= 0)
                                .map(|d| format!("{d}d"))
                                .unwrap_or_default(),
                        ),
                    )
                };
                let left_after = self
                    .burn_down
                    .iter()
                    .find(|l| l.name == m.name)
                    .map(|l| figures::minutes(l.budget_left_minutes))
                    .unwrap_or_default();
                vec![
                    Cell::new(due),
                    Cell::new(&m.name),
                    Cell::new(m.team.as_deref().unwrap_or("—")),
                    state,
                    Cell::new(m.active_risks.to_string()),
                    days,
                    Cell::new(left_after),
                ]
            })
            .collect();
        Grid {
            columns: vec![
                Column::number("DUE").left(),
                Column::flex("MILESTONE", 8).hint(self.name_w),
                Column::text("TEAM", 4, 20).hint(self.team_w).optional(2),
                Column::text("STATUS", 4, 11),
                Column::number("RISKS"),
                Column::number("LEFT").optional(1),
                Column::number("BUDGET"),
            ],
            rows,
            selected: (!self.milestones.is_empty()).then(|| self.cursor.at - self.cursor.offset),
            block: Some(Block::bordered().title(" Roadmap: milestones by due date ")),
            header_style: t.header(),
            highlight: t.selected(),
        }
        .render(left, buf);
        let title = self.selected().map_or_else(
            || " No milestones yet: a adds one ".to_string(),
            |m| format!(" Active risks of {} ", sanitize_line(&m.name)),
        );
        let rows = self
            .risks
            .iter()
            .map(|r| {
                vec![
                    Cell::new(r.id.to_string()),
                    Cell::styled(r.score().to_string(), t.band(r.band)),
                    Cell::new(&r.fields.title),
                ]
            })
            .collect();
        Grid {
            columns: vec![
                Column::number("ID"),
                Column::number("SCORE"),
                Column::flex("TITLE", 8),
            ],
            rows,
            selected: None,
            block: Some(Block::bordered().title(title)),
            header_style: t.header(),
            highlight: t.selected(),
        }
        .render(right, buf);
    }

    fn navigate(&mut self, action: &Action) -> Intent {
        let before = self.cursor.at;
        self.cursor
            .navigate(action, self.milestones.len(), self.page);
        if self.cursor.at == before {
            Intent::Nothing
        } else {
            Intent::RefreshMilestone
        }
    }

    fn click(&mut self, row: usize) -> Intent {
        if self.cursor.click(row, self.milestones.len()) {
            Intent::RefreshMilestone
        } else {
            Intent::Nothing
        }
    }

    fn choose(&self) -> Intent {
        self.selected().map_or(Intent::Nothing, |m| {
            Intent::ShowRisks(format!("milestone:{}", quote_value(&m.name)))
        })
    }

    fn resize(&mut self, body: Rect) {
        let page = super::list_rows(panes(body)[0]);
        self.page = page;
        self.cursor.keep_visible(self.milestones.len(), page);
    }

    fn apply_overview(&mut self, o: &Overview) {
        let chosen = self.selected().map(|m| m.name.clone());
        self.milestones = o.milestones.clone();
        self.burn_down = o.report.milestones.clone();
        self.name_w = self
            .milestones
            .iter()
            .map(|m| width(&m.name))
            .max()
            .map_or(0, |w| u16::try_from(w).unwrap_or(u16::MAX));
        self.team_w = self
            .milestones
            .iter()
            .filter_map(|m| m.team.as_deref())
            .map(width)
            .max()
            .map_or(0, |w| u16::try_from(w).unwrap_or(u16::MAX));
        self.cursor.at = self
            .pending
            .take()
            .or(chosen)
            .and_then(|n| self.milestones.iter().position(|m| m.name == n))
            .unwrap_or(0);
        self.cursor
            .keep_visible(self.milestones.len(), self.page.max(1));
    }
}
