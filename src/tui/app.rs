//! The TUI's state and the one place it changes: [`App::update`] performs an [`Action`],
//! calling the same store operations as the CLI. Views draw from this state and never query
//! the database.

use jiff::civil::Date;
use ratatui::layout::Rect;
use ratatui_textarea::TextArea;

use super::action::Action;
use super::data::{self, Loader, Overview, Request, Response, Rows};
use super::form::{Form, Mode, Outcome};
use super::layout;
use super::popups::export::ExportPrompt;
use super::theme::Theme;
use crate::clock::Clock;
use crate::domain::incidents::Incident;
use crate::domain::lifecycle::Rules;
use crate::domain::merge::{self, FieldConflict, Merge};
use crate::domain::portfolio::Report;
use crate::domain::{Event, EventKind, Field, Milestone, Risk, RiskFields, RiskPatch, Status};
use crate::error::{Error, Result};
use crate::query::{ListSpec, Query, SortKey, quote_value};
use crate::store::{EventFilter, NewRisk, Stamp, Store, TeamOverview};
use crate::text::sanitize_line;

mod changes;
mod loading;
mod popup;

/// The sample register a newcomer can load from the welcome screen (also in `examples/`).
pub const SAMPLE_CSV: &str = include_str!("../../examples/sample-register.csv");

/// How many history events the detail pane shows.
const DETAIL_EVENTS: u64 = 6;
/// How many risks the Roadmap tab lists for the chosen milestone.
const ROADMAP_RISKS: u64 = 50;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tab {
    Risks,
    Matrix,
    Teams,
    Roadmap,
    History,
    Budget,
}

impl Tab {
    pub const ALL: [Tab; 6] = [
        Tab::Risks,
        Tab::Matrix,
        Tab::Teams,
        Tab::Roadmap,
        Tab::History,
        Tab::Budget,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Risks => "Risks",
            Tab::Matrix => "Matrix",
            Tab::Teams => "Teams",
            Tab::Roadmap => "Roadmap",
            Tab::History => "History",
            Tab::Budget => "Budget",
        }
    }

    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// The sort picker's choices, in order.
pub const SORTS: [(SortKey, &str); 5] = [
    (SortKey::Score, "priority: score, impact, milestone due, id"),
    (SortKey::BadMinutes, "most bad minutes a year first"),
    (SortKey::Due, "milestone due date first"),
    (SortKey::Updated, "recently updated first"),
    (SortKey::Id, "id"),
];

/// A change of this session that `u` can take back.
#[derive(Clone, Debug, PartialEq)]
pub enum Undo {
    Created {
        id: i64,
    },
    Edited {
        id: i64,
        before: RiskFields,
        revision: i64,
    },
    Deleted {
        risk: Risk,
    },
}

/// A save that found the risk changed by someone else in the same fields.
pub struct Conflict {
    pub id: i64,
    pub base: RiskFields,
    pub mine: RiskFields,
    pub theirs: Risk,
    pub fields: Vec<FieldConflict>,
    /// The form, to go back to.
    pub form: Box<Form>,
}

pub enum Popup {
    Help,
    Detail,
    Form(Box<Form>),
    Sort {
        cursor: usize,
    },
    Status {
        cursor: usize,
    },
    ConfirmDelete {
        id: i64,
        title: String,
    },
    Export(Box<ExportPrompt>),
    Conflict(Box<Conflict>),
    /// The risk being edited was deleted meanwhile; offer to recreate it.
    Deleted {
        id: i64,
        fields: Box<RiskFields>,
    },
    Welcome,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MessageKind {
    Info,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub kind: MessageKind,
    pub text: String,
}

/// The filter bar: the query in force, and the text being typed.
#[derive(Default)]
pub struct Filter {
    pub applied: String,
    pub editing: Option<TextArea<'static>>,
    /// The filter before editing began, for Esc.
    pub before: String,
    pub error: Option<String>,
}

/// The Risks tab: ids of every matching risk in order, and the rows on screen.
#[derive(Default)]
pub struct RiskList {
    pub ids: Vec<i64>,
    pub selected: usize,
    pub offset: usize,
    /// The risks of `ids[offset..]` that fit on screen.
    pub visible: Vec<Risk>,
    /// The selected risk, its latest history and its incidents.
    pub detail: Option<(Risk, Vec<Event>, Vec<Incident>)>,
    pub loaded: bool,
}

impl RiskList {
    pub fn selected_id(&self) -> Option<i64> {
        self.ids.get(self.selected).copied()
    }
}

/// A cursor over a list of `len` items.
fn moved(cursor: usize, len: usize, action: &Action, page: usize) -> usize {
    let last = len.saturating_sub(1);
    let page = page.max(1);
    match action {
        Action::Up => cursor.saturating_sub(1),
        Action::Down => (cursor + 1).min(last),
        Action::PageUp => cursor.saturating_sub(page),
        Action::PageDown => (cursor + page).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => cursor,
    }
}

pub struct App {
    store: Store,
    loader: Loader,
    /// A frozen clock (`$RISKREG_NOW`, tests); `None` reads the system clock at each change.
    clock: Option<Clock>,
    actor: String,
    pub theme: Theme,
    pub tab: Tab,
    pub filter: Filter,
    pub sort: SortKey,
    pub risks: RiskList,
    pub matrix: [[u64; 5]; 5],
    /// (likelihood, impact) of the chosen matrix cell, 1..=5.
    pub matrix_cell: (u8, u8),
    pub teams: Vec<TeamOverview>,
    pub team_cursor: usize,
    pub milestones: Vec<Milestone>,
    pub milestone_cursor: usize,
    /// Risks of the chosen milestone.
    pub milestone_risks: Vec<Risk>,
    pub history: Vec<Event>,
    pub history_cursor: usize,
    pub history_risk: Option<i64>,
    /// (active, all) risks in the register.
    pub totals: (u64, u64),
    /// The error budget, stack rank and burn-down (`riskreg report`'s data).
    pub budget: Option<Report>,
    pub budget_cursor: usize,
    pub popup: Option<Popup>,
    pub message: Option<Message>,
    pub undo: Option<Undo>,
    pub size: Rect,
    pub quit: bool,
    data_version: i64,
    /// How many times the data was reloaded (tests count reload storms with it).
    pub reloads: u64,
    rows_generation: u64,
    /// The generation of the rows on screen.
    rows_applied: u64,
    overview_generation: u64,
    /// The generation of the overview on screen (0: none yet).
    overview_applied: u64,
    welcomed: bool,
    pending_select: Option<i64>,
}

impl App {
    /// An app over `store`; it asks `loader` for every view at once. `clock` freezes time
    /// (`$RISKREG_NOW`, tests); without it changes are stamped with the system clock.
    pub fn new(
        store: Store,
        loader: Loader,
        clock: Option<Clock>,
        actor: String,
        theme: Theme,
    ) -> Result<App> {
        let data_version = store.data_version()?;
        let mut app = App {
            store,
            loader,
            clock,
            actor,
            theme,
            tab: Tab::Risks,
            filter: Filter::default(),
            sort: SortKey::Score,
            risks: RiskList::default(),
            matrix: [[0; 5]; 5],
            matrix_cell: (5, 5),
            teams: Vec::new(),
            team_cursor: 0,
            milestones: Vec::new(),
            milestone_cursor: 0,
            milestone_risks: Vec::new(),
            history: Vec::new(),
            history_cursor: 0,
            history_risk: None,
            totals: (0, 0),
            budget: None,
            budget_cursor: 0,
            popup: None,
            message: None,
            undo: None,
            size: Rect::new(0, 0, 80, 24),
            quit: false,
            data_version,
            reloads: 0,
            rows_generation: 0,
            rows_applied: 0,
            overview_generation: 0,
            overview_applied: 0,
            welcomed: false,
            pending_select: None,
        };
        app.reload();
        Ok(app)
    }

    pub fn db_path(&self) -> &std::path::Path {
        self.store.path()
    }

    pub fn settings(&self) -> &crate::scoring::Settings {
        self.store.settings()
    }

    /// Today, by the clock of this moment (or the frozen one).
    pub fn today(&self) -> Date {
        self.now().today
    }

    fn now(&self) -> Clock {
        match &self.clock {
            Some(c) => c.clone(),
            None => Clock::at(jiff::Timestamp::now()),
        }
    }

    fn stamp(&self) -> Stamp {
        Stamp {
            actor: self.actor.clone(),
            clock: self.now(),
        }
    }

    pub fn spec(&self) -> Result<ListSpec> {
        Ok(ListSpec {
            query: Query::parse(&self.filter.applied)?,
            all: false,
            sort: self.sort,
            limit: None,
        })
    }

    fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            kind: MessageKind::Info,
            text: text.into(),
        });
    }

    fn error(&mut self, e: &Error) {
        self.message = Some(Message {
            kind: MessageKind::Error,
            text: sanitize_line(&e.to_string()).into_owned(),
        });
    }

    // ----- actions -------------------------------------------------------------------

    pub fn update(&mut self, action: Action) {
        if !matches!(action, Action::Tick | Action::Input(_)) {
            self.message = None;
        }
        if self.filter.editing.is_some() {
            self.filter_key(action);
            return;
        }
        if self.popup.is_some() {
            self.popup_action(action);
            return;
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Tick => {
                self.poll_changes();
            }
            Action::Help => self.popup = Some(Popup::Help),
            Action::Tab(t) => self.tab = t,
            Action::NextTab => self.tab = Tab::ALL[(self.tab.index() + 1) % Tab::ALL.len()],
            Action::PrevTab => {
                self.tab = Tab::ALL[(self.tab.index() + Tab::ALL.len() - 1) % Tab::ALL.len()];
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => {
                self.move_cursor(&action);
            }
            Action::Left | Action::Right if self.tab == Tab::Matrix => {
                self.matrix_sideways(action == Action::Right);
            }
            Action::Left | Action::Right => {}
            Action::ClickRow(row) => self.click(row),
            Action::ClickCell(l, i) => self.click_cell(l, i),
            Action::Choose => self.choose(),
            Action::OpenFilter => self.open_filter(),
            Action::ClearFilter => self.set_filter(String::new()),
            Action::OpenSort => {
                let cursor = SORTS.iter().position(|(k, _)| *k == self.sort).unwrap_or(0);
                self.popup = Some(Popup::Sort { cursor });
            }
            Action::Add => self.open_add(),
            Action::Edit => self.open_edit(),
            Action::RaiseLikelihood
            | Action::LowerLikelihood
            | Action::RaiseImpact
            | Action::LowerImpact => {
                self.bump(&action);
            }
            Action::MoveStatus => {
                if let Some((risk, ..)) = &self.risks.detail {
                    let cursor = Status::ALL
                        .iter()
                        .position(|s| *s == risk.fields.status)
                        .unwrap_or(0);
                    self.popup = Some(Popup::Status { cursor });
                }
            }
            Action::Review => self.review(),
            Action::Delete => {
                if let Some((risk, ..)) = &self.risks.detail {
                    self.popup = Some(Popup::ConfirmDelete {
                        id: risk.id,
                        title: risk.fields.title.clone(),
                    });
                }
            }
            Action::Undo => self.undo(),
            Action::Export => self.popup = Some(Popup::Export(Box::default())),
            Action::ShowHistory => self.show_history(),
            Action::LoadSample => self.load_sample(),
            Action::Close => {
                if self.tab == Tab::Risks && !self.filter.applied.is_empty() {
                    self.set_filter(String::new());
                }
            }
            Action::Input(_) => {}
        }
    }

    fn move_cursor(&mut self, action: &Action) {
        let page = match self.tab {
            Tab::Risks => layout::risk_rows(self.size),
            _ => layout::list_rows(self.size),
        };
        match self.tab {
            Tab::Risks => {
                self.risks.selected =
                    moved(self.risks.selected, self.risks.ids.len(), action, page);
                self.refresh_visible();
            }
            Tab::Matrix => {
                let (l, i) = self.matrix_cell;
                self.matrix_cell = match action {
                    Action::Up => ((l + 1).min(5), i),
                    Action::Down => (l.saturating_sub(1).max(1), i),
                    Action::PageUp | Action::Top => (5, i),
                    Action::PageDown | Action::Bottom => (1, i),
                    _ => (l, i),
                };
            }
            Tab::Teams => {
                self.team_cursor = moved(self.team_cursor, self.teams.len(), action, page)
            }
            Tab::Roadmap => {
                self.milestone_cursor =
                    moved(self.milestone_cursor, self.milestones.len(), action, page);
                self.refresh_milestone_risks();
            }
            Tab::History => {
                self.history_cursor = moved(self.history_cursor, self.history.len(), action, page);
            }
            Tab::Budget => {
                let n = self
                    .budget
                    .as_ref()
                    .map_or(0, |b| b.top_by_bad_minutes.len());
                self.budget_cursor = moved(self.budget_cursor, n, action, page);
            }
        }
    }

    /// Moves the matrix cursor sideways (impact).
    fn matrix_sideways(&mut self, right: bool) {
        let (l, i) = self.matrix_cell;
        self.matrix_cell = if right {
            (l, (i + 1).min(5))
        } else {
            (l, i.saturating_sub(1).max(1))
        };
    }

    fn click(&mut self, row: usize) {
        match self.tab {
            Tab::Risks => {
                let target = self.risks.offset + row;
                if target < self.risks.ids.len() {
                    self.risks.selected = target;
                    self.refresh_visible();
                }
            }
            Tab::Teams => self.team_cursor = row.min(self.teams.len().saturating_sub(1)),
            Tab::Roadmap => {
                self.milestone_cursor = row.min(self.milestones.len().saturating_sub(1));
                self.refresh_milestone_risks();
            }
            Tab::History => {
                let page = layout::list_rows(self.size).max(1);
                let first = self.history_cursor / page * page;
                self.history_cursor = (first + row).min(self.history.len().saturating_sub(1));
            }
            Tab::Budget => {
                let n = self
                    .budget
                    .as_ref()
                    .map_or(0, |b| b.top_by_bad_minutes.len());
                if row < n {
                    self.budget_cursor = row;
                }
            }
            Tab::Matrix => {}
        }
    }

    /// A click on the matrix cell for (likelihood, impact).
    pub fn click_cell(&mut self, likelihood: u8, impact: u8) {
        self.matrix_cell = (likelihood.clamp(1, 5), impact.clamp(1, 5));
    }

    fn choose(&mut self) {
        match self.tab {
            Tab::Risks => {
                if self.risks.detail.is_some() {
                    self.popup = Some(Popup::Detail);
                }
            }
            Tab::Matrix => {
                let (l, i) = self.matrix_cell;
                self.show_risks(format!("likelihood:{l} impact:{i}"));
            }
            Tab::Teams => {
                if let Some(t) = self.teams.get(self.team_cursor) {
                    let q = match &t.team {
                        Some(name) => format!("team:{}", quote_value(name)),
                        None => "is:unowned".to_string(),
                    };
                    self.show_risks(q);
                }
            }
            Tab::Roadmap => {
                if let Some(m) = self.milestones.get(self.milestone_cursor) {
                    let q = format!("milestone:{}", quote_value(&m.name));
                    self.show_risks(q);
                }
            }
            Tab::History => {
                if let Some(e) = self.history.get(self.history_cursor) {
                    self.history_risk = Some(e.risk_id);
                    self.history_cursor = 0;
                    self.reload();
                }
            }
            Tab::Budget => {
                let chosen = self
                    .budget
                    .as_ref()
                    .and_then(|b| b.top_by_bad_minutes.get(self.budget_cursor))
                    .map(|r| r.id);
                if let Some(id) = chosen {
                    // The Risks tab in bad-minutes order, on the chosen risk.
                    self.tab = Tab::Risks;
                    self.sort = SortKey::BadMinutes;
                    self.pending_select = Some(id);
                    self.set_filter(String::new());
                }
            }
        }
    }

    fn show_risks(&mut self, query: String) {
        self.tab = Tab::Risks;
        self.risks.selected = 0;
        self.set_filter(query);
    }

    fn show_history(&mut self) {
        self.history_risk = match self.tab {
            Tab::Risks => self.risks.selected_id(),
            _ => None,
        };
        self.history_cursor = 0;
        self.tab = Tab::History;
        self.reload();
    }

    // ----- filter and sort -----------------------------------------------------------

    fn open_filter(&mut self) {
        let mut t = TextArea::new(vec![self.filter.applied.clone()]);
        t.set_cursor_line_style(ratatui::style::Style::default());
        t.move_cursor(ratatui_textarea::CursorMove::End);
        self.filter.before = self.filter.applied.clone();
        self.filter.editing = Some(t);
    }

    /// Applies a query as the Risks tab's filter (shown in the filter line).
    pub fn set_filter(&mut self, text: String) {
        match Query::parse(&text) {
            Ok(_) => {
                self.filter.applied = text;
                self.filter.error = None;
                self.request_rows();
            }
            Err(e) => self.filter.error = Some(sanitize_line(&e.to_string()).into_owned()),
        }
    }

    /// Keys while typing a filter: every change narrows the list at once (when it parses);
    /// Enter keeps it, Esc puts the previous filter back.
    fn filter_key(&mut self, action: Action) {
        use ratatui::crossterm::event::KeyCode;
        let key = match action {
            Action::Input(k) => k,
            Action::Tick => {
                self.poll_changes();
                return;
            }
            Action::Quit => {
                self.quit = true;
                return;
            }
            _ => return,
        };
        match key.code {
            KeyCode::Enter => {
                self.filter.editing = None;
                if self.filter.error.is_some() {
                    self.info(
                        "the filter has an error; the list shows the last filter that parsed",
                    );
                }
            }
            KeyCode::Esc => {
                self.filter.editing = None;
                let before = std::mem::take(&mut self.filter.before);
                self.set_filter(before);
            }
            _ => {
                let Some(t) = self.filter.editing.as_mut() else {
                    return;
                };
                if !super::form::text_key(t, key) {
                    return;
                }
                let text = t.lines().join(" ");
                match Query::parse(&text) {
                    Ok(_) => {
                        self.filter.applied = text;
                        self.filter.error = None;
                        self.risks.selected = 0;
                        self.request_rows();
                    }
                    Err(e) => {
                        self.filter.error = Some(sanitize_line(&e.to_string()).into_owned());
                    }
                }
            }
        }
    }
}
