//! The tabs: each owns its state (data, cursor) and behaviour (keys, moving, clicking,
//! choosing, drawing) in its own file. The app keeps which tab is current and asks it through
//! [`TabView`]; adding a tab is a variant of [`Tab`], its line in [`Tabs`], and its file.

pub mod actions;
pub mod budget;
pub mod history;
pub mod matrix;
pub mod risks;
pub mod roadmap;
pub mod teams;

use jiff::civil::Date;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::action::Action;
use super::app::Filter;
use super::data::{Overview, Rows};
use super::keymap::Binding;
use super::theme::Theme;
use crate::query::SortKey;
use crate::scoring::Settings;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tab {
    Risks,
    Matrix,
    Teams,
    Roadmap,
    History,
    Budget,
    Actions,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Tab::Risks,
        Tab::Matrix,
        Tab::Teams,
        Tab::Roadmap,
        Tab::History,
        Tab::Budget,
        Tab::Actions,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Risks => "Risks",
            Tab::Matrix => "Matrix",
            Tab::Teams => "Teams",
            Tab::Roadmap => "Roadmap",
            Tab::History => "History",
            Tab::Budget => "Budget",
            Tab::Actions => "Actions",
        }
    }

    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    /// The tab after (or before) this one, wrapping around.
    pub fn step(self, forward: bool) -> Tab {
        let n = Tab::ALL.len();
        let i = if forward {
            (self.index() + 1) % n
        } else {
            (self.index() + n - 1) % n
        };
        Tab::ALL[i]
    }
}

/// What a tab needs to know to draw, beyond its own state.
pub(crate) struct Cx<'a> {
    pub theme: Theme,
    pub today: Date,
    pub settings: &'a Settings,
    pub filter: &'a Filter,
    /// The Actions tab's filter.
    pub action_filter: &'a Filter,
    /// The History tab's filter.
    pub history_filter: &'a Filter,
    pub sort: SortKey,
}

/// What the app should do after a tab handled a key (gitui's queue of intents: the tab
/// decides, the app, which holds the store, performs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Intent {
    Nothing,
    /// The Risks tab's selection moved: read the rows on screen again.
    RefreshRisks,
    /// The Actions tab's selection moved: read the actions on screen again.
    RefreshActions,
    /// The Roadmap's chosen milestone changed: read its risks.
    RefreshMilestone,
    /// Show the risks a query selects, in the Risks tab.
    ShowRisks(String),
    /// Open a risk in the Risks tab, in this order.
    OpenRisk(i64, SortKey),
    /// The full detail of the selected risk.
    OpenDetail,
    /// The history of one risk (`None`: every risk).
    History(Option<i64>),
    /// The History tab's cursor moved: read older events if it nears the end.
    MoreHistory,
}

/// A tab's state and behaviour.
pub(crate) trait TabView {
    /// The keys of this tab (the keys every tab has are in the keymap).
    fn bindings(&self) -> &'static [Binding];

    fn render(&self, cx: &Cx<'_>, area: Rect, buf: &mut Buffer);

    /// Moves the cursor (up, down, a page, to either end; sideways in the matrix).
    fn navigate(&mut self, action: &Action) -> Intent;

    /// A click on the `row`-th row on screen.
    fn click(&mut self, row: usize) -> Intent;

    /// Enter on what the cursor is on.
    fn choose(&self) -> Intent;

    /// The action for a mouse press at (`column`, `row`) of the tab's area: a click on a
    /// row of its list by default.
    fn mouse(&self, area: Rect, column: u16, row: u16) -> Option<Action> {
        let _ = column;
        row_in(area, row, 2).map(Action::ClickRow)
    }

    /// The terminal was resized: the tab's area is now `body` (its list shows as many rows
    /// as fit there).
    fn resize(&mut self, _body: Rect) {}

    /// Takes what it shows from the overview (totals, teams, milestones, budget).
    fn apply_overview(&mut self, _overview: &Overview) {}

    /// Takes what it shows from the rows of the filter in force.
    fn apply_rows(&mut self, _rows: &Rows) {}
}

/// Every tab's state.
#[derive(Default)]
pub struct Tabs {
    pub risks: risks::RisksTab,
    pub matrix: matrix::MatrixTab,
    pub teams: teams::TeamsTab,
    pub roadmap: roadmap::RoadmapTab,
    pub history: history::HistoryTab,
    pub budget: budget::BudgetTab,
    pub actions: actions::ActionsTab,
}

impl Tabs {
    pub(crate) fn view(&self, tab: Tab) -> &dyn TabView {
        match tab {
            Tab::Risks => &self.risks,
            Tab::Matrix => &self.matrix,
            Tab::Teams => &self.teams,
            Tab::Roadmap => &self.roadmap,
            Tab::History => &self.history,
            Tab::Budget => &self.budget,
            Tab::Actions => &self.actions,
        }
    }

    pub(crate) fn view_mut(&mut self, tab: Tab) -> &mut dyn TabView {
        match tab {
            Tab::Risks => &mut self.risks,
            Tab::Matrix => &mut self.matrix,
            Tab::Teams => &mut self.teams,
            Tab::Roadmap => &mut self.roadmap,
            Tab::History => &mut self.history,
            Tab::Budget => &mut self.budget,
            Tab::Actions => &mut self.actions,
        }
    }

    pub(crate) fn apply_overview(&mut self, o: &Overview) {
        for tab in Tab::ALL {
            self.view_mut(tab).apply_overview(o);
        }
    }

    /// Tells every tab the area it draws in.
    pub(crate) fn resize(&mut self, body: Rect) {
        for tab in Tab::ALL {
            self.view_mut(tab).resize(body);
        }
    }

    pub(crate) fn apply_rows(&mut self, rows: &Rows) {
        for tab in Tab::ALL {
            self.view_mut(tab).apply_rows(rows);
        }
    }
}

/// The ids a filter selected, in order, the cursor over them and how many rows fit on
/// screen: what the Risks and Actions tabs hold instead of their rows, so they are as quick
/// on 100,000 rows as on ten (the rows on screen are read by id).
#[derive(Default)]
pub struct IdList {
    pub ids: Vec<i64>,
    pub cursor: Cursor,
    /// Whether ids have arrived yet.
    pub loaded: bool,
    page: usize,
}

impl IdList {
    pub fn selected_id(&self) -> Option<i64> {
        self.ids.get(self.cursor.at).copied()
    }

    /// The ids on screen now.
    pub fn window(&self) -> &[i64] {
        let end = (self.cursor.offset + self.page.max(1)).min(self.ids.len());
        self.ids.get(self.cursor.offset..end).unwrap_or_default()
    }

    /// Takes new ids, keeping the selection on `keep` when it is still listed.
    pub fn set_ids(&mut self, ids: Vec<i64>, keep: Option<i64>) {
        self.ids = ids;
        self.loaded = true;
        if let Some(i) = keep.and_then(|id| self.ids.iter().position(|x| *x == id)) {
            self.cursor.at = i;
        }
        self.cursor.keep_visible(self.ids.len(), self.page.max(1));
    }

    /// Puts the selection on the first row.
    pub fn select_first(&mut self) {
        self.cursor = Cursor::default();
    }

    /// Moves the cursor by `action`.
    pub(crate) fn navigate(&mut self, action: &Action) {
        self.cursor
            .navigate(action, self.ids.len(), self.page.max(1));
    }

    /// A click on the `row`-th row on screen; whether it landed on one.
    pub(crate) fn click(&mut self, row: usize) -> bool {
        self.cursor.click(row, self.ids.len())
    }

    /// `page` rows now fit on screen.
    pub(crate) fn set_page(&mut self, page: usize) {
        self.page = page;
        self.cursor.keep_visible(self.ids.len(), page);
    }

    /// The selected row among those on screen, for the table's highlight.
    pub(crate) fn highlighted(&self) -> Option<usize> {
        (!self.ids.is_empty()).then(|| self.cursor.at.saturating_sub(self.cursor.offset))
    }
}

/// A cursor over a list, and the first row on screen: the list scrolls only as far as the
/// cursor needs, and a click maps to the row it lands on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    pub at: usize,
    pub offset: usize,
}

impl Cursor {
    /// Moves by `action` over `len` items, `page` rows a page.
    pub(crate) fn navigate(&mut self, action: &Action, len: usize, page: usize) {
        let last = len.saturating_sub(1);
        let step = page.max(1);
        self.at = match action {
            Action::Up => self.at.saturating_sub(1),
            Action::Down => (self.at + 1).min(last),
            Action::PageUp => self.at.saturating_sub(step),
            Action::PageDown => (self.at + step).min(last),
            Action::Top => 0,
            Action::Bottom => last,
            _ => self.at.min(last),
        };
        self.keep_visible(len, page);
    }

    /// Puts the cursor on the `row`-th row on screen, if there is an item there.
    pub(crate) fn click(&mut self, row: usize, len: usize) -> bool {
        let target = self.offset + row;
        let hit = target < len;
        if hit {
            self.at = target;
        }
        hit
    }

    /// Keeps the cursor within `len` items and on a screen of `page` rows.
    pub(crate) fn keep_visible(&mut self, len: usize, page: usize) {
        let page = page.max(1);
        self.at = self.at.min(len.saturating_sub(1));
        if self.at < self.offset {
            self.offset = self.at;
        } else if self.at >= self.offset + page {
            self.offset = self.at + 1 - page;
        }
        self.offset = self.offset.min(len.saturating_sub(page));
    }
}

/// Rows of a bordered list with a header in `area`.
pub(crate) fn list_rows(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(3))
}

/// The list row under screen row `y`, below `skip` rows of border and header.
pub(crate) fn row_in(area: Rect, y: u16, skip: u16) -> Option<usize> {
    let first = area.y + skip;
    (y >= first && y < area.bottom()).then(|| usize::from(y - first))
}
