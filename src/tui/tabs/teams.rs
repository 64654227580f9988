//! The Teams tab: per team, active risks by band, total score, risks without an owner,
//! risks due for review and bad minutes; Enter shows the team's risks, and teams are added,
//! renamed and deleted here.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::widgets::Block;

use super::{Cursor, Cx, Intent, TabView};
use crate::domain::figures;
use crate::query::quote_value;
use crate::scoring::Band;
use crate::store::TeamOverview;
use crate::text::width;
use crate::tui::action::Action;
use crate::tui::data::Overview;
use crate::tui::keymap::{Binding, bind, ch, code};
use crate::tui::widgets::table::{Cell, Column, Grid};

/// The row of the risks no team owns is called what `is:unowned` calls them.
pub(crate) const UNOWNED: &str = "(unowned)";

const BINDINGS: &[Binding] = &[
    bind(
        &[code(KeyCode::Enter)],
        "Enter",
        "show the team's risks",
        "risks",
        Action::Choose,
    ),
    bind(&[ch('a')], "a", "add a team", "add", Action::AddTeam),
    bind(
        &[ch('r')],
        "r",
        "rename the team",
        "rename",
        Action::RenameTeam,
    ),
    bind(
        &[ch('d')],
        "d",
        "delete the team (asks; its risks can move to another)",
        "delete",
        Action::DeleteTeam,
    ),
];

#[derive(Default)]
pub struct TeamsTab {
    /// Every team, then the risks no team owns (when there are any).
    pub rows: Vec<TeamOverview>,
    pub cursor: Cursor,
    /// The widest team name: the TEAM column keeps it while the list scrolls.
    name_w: u16,
    page: usize,
    /// A team to choose once it arrives (one just added or renamed).
    pending: Option<String>,
}

impl TeamsTab {
    /// The team the cursor is on (`None` on the row of risks no team owns).
    pub fn selected(&self) -> Option<&str> {
        self.rows
            .get(self.cursor.at)
            .and_then(|t| t.team.as_deref())
    }

    /// Chooses the team named `name` when the next overview brings it.
    pub fn select(&mut self, name: &str) {
        self.pending = Some(name.to_string());
    }

    /// Every team's name, for pick lists.
    pub fn names(&self) -> Vec<String> {
        self.rows.iter().filter_map(|t| t.team.clone()).collect()
    }
}

impl TabView for TeamsTab {
    fn bindings(&self) -> &'static [Binding] {
        BINDINGS
    }

    fn render(&self, cx: &Cx<'_>, area: Rect, buf: &mut Buffer) {
        let t = cx.theme;
        let page = usize::from(area.height.saturating_sub(3));
        let rows = self
            .rows
            .iter()
            .skip(self.cursor.offset)
            .take(page.max(1))
            .map(|o| {
                let n = |b: Band| Cell::styled(o.count(b).to_string(), t.band(b));
                let bad_minutes = if o.estimated == 0 {
                    "—".to_string()
                } else {
                    figures::minutes(o.bad_minutes)
                };
                vec![
                    Cell::new(o.team.as_deref().unwrap_or(UNOWNED)),
                    n(Band::Critical),
                    n(Band::High),
                    n(Band::Medium),
                    n(Band::Low),
                    Cell::new(o.active().to_string()),
                    Cell::new(o.total_score.to_string()),
                    Cell::new(o.without_owner.to_string()),
                    Cell::new(o.review_due.to_string()),
                    Cell::new(bad_minutes),
                ]
            })
            .collect();
        Grid {
            columns: vec![
                Column::flex("TEAM", 8).hint(self.name_w),
                Column::number("CRIT"),
                Column::number("HIGH"),
                Column::number("MED"),
                Column::number("LOW"),
                Column::number("ACTIVE"),
                Column::number("SCORE").optional(2),
                Column::number("NO OWNER"),
                Column::number("REVIEW DUE"),
                Column::number("BM/YR").optional(1),
            ],
            rows,
            selected: (!self.rows.is_empty()).then(|| self.cursor.at - self.cursor.offset),
            block: Some(Block::bordered().title(" Teams: active risks (a adds a team) ")),
            header_style: t.header(),
            highlight: t.selected(),
        }
        .render(area, buf);
    }

    fn navigate(&mut self, action: &Action) -> Intent {
        self.cursor.navigate(action, self.rows.len(), self.page);
        Intent::Nothing
    }

    fn resize(&mut self, body: Rect) {
        let page = super::list_rows(body);
        self.page = page;
        self.cursor.keep_visible(self.rows.len(), page);
    }

    fn click(&mut self, row: usize) -> Intent {
        self.cursor.click(row, self.rows.len());
        Intent::Nothing
    }

    fn choose(&self) -> Intent {
        match self.rows.get(self.cursor.at) {
            Some(t) => Intent::ShowRisks(match &t.team {
                Some(name) => format!("team:{}", quote_value(name)),
                None => "is:unowned".to_string(),
            }),
            None => Intent::Nothing,
        }
    }

    fn apply_overview(&mut self, o: &Overview) {
        let chosen = self.selected().map(str::to_string);
        self.rows = o.teams.clone();
        // The row of risks without a team only when there are some.
        self.rows.retain(|t| t.team.is_some() || t.active() > 0);
        self.name_w = self
            .rows
            .iter()
            .map(|t| width(t.team.as_deref().unwrap_or(UNOWNED)))
            .max()
            .map_or(0, |w| u16::try_from(w).unwrap_or(u16::MAX));
        if let Some(i) = self.pending.take().or(chosen).and_then(|c| {
            self.rows
                .iter()
                .position(|t| t.team.as_deref() == Some(c.as_str()))
        }) {
            self.cursor.at = i;
        }
        self.cursor.keep_visible(self.rows.len(), self.page.max(1));
    }
}
