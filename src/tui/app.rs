//! The TUI's state and the one place it changes: [`App::update`] performs an [`Action`],
//! calling the same store operations as the CLI. The app keeps the current tab, the popup,
//! the filter and the loader; each tab's own state is in [`Tabs`]. Views draw from this state
//! and never query the database.

use jiff::civil::Date;
use ratatui::layout::Rect;
use ratatui_textarea::TextArea;

use super::action::Action;
use super::data::{self, Loader, Overview, Request, Response, Rows};
use super::keymap;
use super::layout;
use super::popups::action_form::ActionForm;
use super::popups::bulk_form::BulkForm;
use super::popups::confirm::{Confirm, Pending};
use super::popups::conflict::Conflict;
use super::popups::export::ExportPrompt;
use super::popups::incident_form::IncidentForm;
use super::popups::milestone_form::MilestoneForm;
use super::popups::prompt::Prompt;
use super::popups::remove::Remove;
use super::popups::risk_form::RiskForm;
use super::tabs::{Cx, Intent, Tab, Tabs};
use super::theme::Theme;
use crate::clock::Clock;
use crate::domain::lifecycle::Rules;
use crate::domain::merge::{self, Merge};
use crate::domain::{EventKind, Field, Risk, RiskFields, RiskPatch, Status};
use crate::error::{Error, Result};
use crate::query::{ActionQuery, ActionSpec, EventQuery, ListSpec, Query, SortKey};
use crate::store::{NewRisk, Stamp, Store};
use crate::text::sanitize_line;

mod catalog;
mod changes;
mod loading;
mod popup;
mod review;
mod work;

/// How many history events the detail pane shows.
const DETAIL_EVENTS: u64 = 6;
/// Comments the detail pane shows.
const DETAIL_COMMENTS: u64 = 3;
/// How many risks the Roadmap tab lists for the chosen milestone.
const ROADMAP_RISKS: u64 = 50;

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
        /// Its actions, deleted with it.
        actions: Vec<crate::domain::actions::Action>,
    },
}

pub enum Popup {
    Help {
        scroll: u16,
    },
    Detail {
        scroll: u16,
    },
    Form(Box<RiskForm>),
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
    /// One line of text: a new team or milestone, a new name.
    Prompt(Box<Prompt>),
    Milestone(Box<MilestoneForm>),
    MilestoneStatus {
        name: String,
        cursor: usize,
    },
    Incident(Box<IncidentForm>),
    /// Delete a team or milestone, moving what uses it to another.
    Remove(Box<Remove>),
    /// Add or edit an action.
    ActionForm(Box<ActionForm>),
    /// Move an action's status.
    ActionStatus {
        id: i64,
        cursor: usize,
    },
    /// Yes or no before a change to many marked risks.
    Confirm(Box<Confirm>),
    /// Fields to set on every marked risk.
    BulkEdit(Box<BulkForm>),
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

/// Which tab's filter bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FilterOf {
    Risks,
    Actions,
    History,
}

impl FilterOf {
    const ALL: [FilterOf; 3] = [FilterOf::Risks, FilterOf::Actions, FilterOf::History];
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

pub struct App {
    store: Store,
    loader: Loader,
    /// A frozen clock (`$RISKREG_NOW`, tests); `None` reads the system clock at each change.
    clock: Option<Clock>,
    actor: String,
    pub theme: Theme,
    pub tab: Tab,
    pub tabs: Tabs,
    pub filter: Filter,
    /// The Actions tab's filter (the action query terms).
    pub action_filter: Filter,
    /// The History tab's filter (risk:, actor:, field:, kind:, since:, words).
    pub history_filter: Filter,
    pub sort: SortKey,
    /// (active, all) risks in the register.
    pub totals: (u64, u64),
    /// Whether the register has teams or milestones (the welcome offers the sample only to
    /// a register with nothing in it).
    pub has_catalog: bool,
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
    actions_generation: u64,
    /// The generation of the action rows on screen.
    actions_applied: u64,
    history_generation: u64,
    /// The generation of the history on screen.
    history_applied: u64,
    /// The last walk back through the history asked for (each view keeps its own).
    review_generation: u64,
    welcomed: bool,
    pending_select: Option<i64>,
    /// The action to select when the next action rows arrive.
    pending_action: Option<i64>,
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
            tabs: Tabs::default(),
            filter: Filter::default(),
            action_filter: Filter::default(),
            history_filter: Filter::default(),
            sort: SortKey::Score,
            totals: (0, 0),
            has_catalog: false,
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
            actions_generation: 0,
            actions_applied: 0,
            history_generation: 0,
            history_applied: 0,
            review_generation: 0,
            welcomed: false,
            pending_select: None,
            pending_action: None,
        };
        app.set_pages();
        app.reload();
        Ok(app)
    }

    pub fn location(&self) -> &crate::store::Location {
        self.store.location()
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

    /// What the tabs need to draw.
    pub(crate) fn cx(&self) -> Cx<'_> {
        Cx {
            theme: self.theme,
            today: self.today(),
            settings: self.store.settings(),
            filter: &self.filter,
            action_filter: &self.action_filter,
            history_filter: &self.history_filter,
            sort: self.sort,
        }
    }

    /// What the Actions tab lists: the actions its filter selects.
    pub fn action_spec(&self) -> Result<ActionSpec> {
        Ok(ActionSpec {
            query: ActionQuery::parse(&self.action_filter.applied)?,
            all: false,
            limit: None,
        })
    }

    /// What the History tab lists: the events its filter selects.
    pub fn history_query(&self) -> Result<EventQuery> {
        Ok(EventQuery::parse(&self.history_filter.applied)?)
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
        if let Some(which) = self.editing_filter() {
            self.filter_key(which, action);
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
            Action::Help => self.popup = Some(Popup::Help { scroll: 0 }),
            Action::Tab(t) => self.tab = t,
            Action::NextTab => self.tab = self.tab.step(true),
            Action::PrevTab => self.tab = self.tab.step(false),
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::Left
            | Action::Right
            | Action::ClickCell(..) => {
                let intent = self.tabs.view_mut(self.tab).navigate(&action);
                self.perform(intent);
            }
            Action::ClickRow(row) => {
                let intent = self.tabs.view_mut(self.tab).click(row);
                self.perform(intent);
            }
            Action::Choose => {
                let intent = self.tabs.view(self.tab).choose();
                self.perform(intent);
            }
            Action::OpenFilter => self.open_filter(),
            Action::ClearFilter if self.tab == Tab::Actions => {
                self.set_action_filter(String::new());
            }
            Action::ClearFilter if self.tab == Tab::History => {
                self.set_history_filter(String::new());
            }
            Action::ClearFilter => self.set_filter(String::new()),
            Action::OpenSort => {
                let cursor = SORTS.iter().position(|(k, _)| *k == self.sort).unwrap_or(0);
                self.popup = Some(Popup::Sort { cursor });
            }
            Action::Add => self.open_add(),
            Action::Edit if !self.tabs.risks.marked.is_empty() => self.open_bulk_edit(),
            Action::Edit => self.open_edit(),
            Action::RaiseLikelihood
            | Action::LowerLikelihood
            | Action::RaiseImpact
            | Action::LowerImpact => self.bump(&action),
            Action::MoveStatus if !self.tabs.risks.marked.is_empty() => {
                self.popup = Some(Popup::Status { cursor: 0 });
            }
            Action::MoveStatus => {
                if let Some(risk) = self.tabs.risks.selected() {
                    let cursor = Status::ALL
                        .iter()
                        .position(|s| *s == risk.fields.status)
                        .unwrap_or(0);
                    self.popup = Some(Popup::Status { cursor });
                }
            }
            Action::Review if !self.tabs.risks.marked.is_empty() => {
                self.confirm(Pending::Review { ids: self.marked() }, String::new());
            }
            Action::Review => self.review(),
            Action::Delete if !self.tabs.risks.marked.is_empty() => {
                self.confirm(Pending::Delete { ids: self.marked() }, String::new());
            }
            Action::Delete => {
                if let Some(risk) = self.tabs.risks.selected() {
                    self.popup = Some(Popup::ConfirmDelete {
                        id: risk.id,
                        title: risk.fields.title.clone(),
                    });
                }
            }
            Action::AddIncident => self.open_incident(),
            Action::ToggleResidual => {
                self.tabs.matrix.residual = !self.tabs.matrix.residual;
                self.request_rows();
            }
            Action::Mark => {
                self.tabs.risks.toggle_mark();
                self.refresh_visible();
            }
            Action::AddAction => self.open_add_action(),
            Action::EditAction => self.open_edit_action(),
            Action::ActionDone => {
                self.ask_action_status(crate::domain::actions::ActionStatus::Done)
            }
            Action::ActionDropped => {
                self.ask_action_status(crate::domain::actions::ActionStatus::Dropped);
            }
            Action::MoveActionStatus => self.open_action_status(),
            Action::Comment => {
                if let Some(id) = self.tabs.risks.selected_id() {
                    self.open_prompt(Prompt::comment(id));
                }
            }
            Action::Links => {
                if let Some(risk) = self.tabs.risks.selected() {
                    let links = risk
                        .fields
                        .links
                        .iter()
                        .map(crate::domain::Link::line)
                        .collect();
                    self.open_prompt(Prompt::link(risk.id, links));
                }
            }
            Action::AddTeam => self.open_prompt(Prompt::new_team()),
            Action::RenameTeam => {
                if let Some(name) = self.tabs.teams.selected() {
                    self.open_prompt(Prompt::rename_team(name));
                }
            }
            Action::DeleteTeam => self.open_remove_team(),
            Action::AddMilestone => self.open_prompt(Prompt::new_milestone()),
            Action::EditMilestone => self.open_milestone_form(),
            Action::MoveMilestoneStatus => {
                if let Some(m) = self.tabs.roadmap.selected() {
                    let cursor = crate::domain::MilestoneStatus::ALL
                        .iter()
                        .position(|s| *s == m.status)
                        .unwrap_or(0);
                    self.popup = Some(Popup::MilestoneStatus {
                        name: m.name.clone(),
                        cursor,
                    });
                }
            }
            Action::DeleteMilestone => self.open_remove_milestone(),
            Action::Undo => self.undo(),
            Action::Export => self.popup = Some(Popup::Export(Box::default())),
            Action::ShowHistory => {
                let id = if self.tab == Tab::Actions {
                    self.tabs.actions.selected().map(|a| a.fields.risk)
                } else {
                    self.tabs.risks.selected_id()
                };
                self.perform(Intent::History(id));
            }
            Action::ShowAllHistory => self.perform(Intent::History(None)),
            Action::SinceView => self.since_view(),
            Action::BandMoves => self.band_moves(),
            Action::TrendChart => {
                let budget = &mut self.tabs.budget;
                budget.chart = !budget.chart;
                if budget.chart {
                    self.request_trend();
                }
            }
            Action::LoadSample => self.load_sample(),
            Action::Close => match self.tab {
                Tab::Risks if !self.tabs.risks.marked.is_empty() => {
                    self.tabs.risks.marked.clear();
                    self.info("marks cleared");
                }
                Tab::Risks if !self.filter.applied.is_empty() => self.set_filter(String::new()),
                Tab::Actions if !self.action_filter.applied.is_empty() => {
                    self.set_action_filter(String::new());
                }
                Tab::History if self.tabs.history.since.is_some() => {
                    self.tabs.history.since = None;
                }
                Tab::History if !self.history_filter.applied.is_empty() => {
                    self.set_history_filter(String::new());
                }
                Tab::Risks if self.tabs.risks.moves.is_some() => {
                    self.tabs.risks.moves = None;
                }
                Tab::Budget if self.tabs.budget.chart => self.tabs.budget.chart = false,
                _ => {}
            },
            Action::Input(_) => {}
        }
        // A view of the history that fell behind while another tab showed catches up now.
        self.catch_up_reviews();
    }

    /// Does what a tab asked for.
    fn perform(&mut self, intent: Intent) {
        match intent {
            Intent::Nothing => {}
            Intent::RefreshRisks => self.refresh_visible(),
            Intent::RefreshActions => self.refresh_actions(),
            Intent::RefreshMilestone => self.refresh_milestone_risks(),
            Intent::ShowRisks(query) => {
                self.tab = Tab::Risks;
                self.tabs.risks.list.select_first();
                self.set_filter(query);
            }
            Intent::OpenRisk(id, sort) => {
                self.tab = Tab::Risks;
                self.sort = sort;
                self.pending_select = Some(id);
                self.set_filter(String::new());
            }
            Intent::OpenDetail => self.popup = Some(Popup::Detail { scroll: 0 }),
            Intent::History(risk) => {
                self.tab = Tab::History;
                self.tabs.history.since = None;
                self.set_history_filter(risk.map(|id| format!("risk:{id}")).unwrap_or_default());
            }
            Intent::MoreHistory => self.request_more_history(),
        }
    }

    /// The bindings of the current tab (its own keys).
    pub(crate) fn tab_bindings(&self) -> &'static [keymap::Binding] {
        self.bindings_of(self.tab)
    }

    /// A tab's own keys (the keys every tab has are [`keymap::GLOBAL`]).
    pub fn bindings_of(&self, tab: Tab) -> &'static [keymap::Binding] {
        self.tabs.view(tab).bindings()
    }

    // ----- filter and sort -----------------------------------------------------------

    /// Whether a filter bar has the keys (the Risks, Actions or History tab's).
    pub fn is_typing_filter(&self) -> bool {
        self.editing_filter().is_some()
    }

    /// The filter being typed, if any.
    fn editing_filter(&self) -> Option<FilterOf> {
        FilterOf::ALL
            .into_iter()
            .find(|f| self.filter_of(*f).editing.is_some())
    }

    fn filter_of(&self, which: FilterOf) -> &Filter {
        match which {
            FilterOf::Risks => &self.filter,
            FilterOf::Actions => &self.action_filter,
            FilterOf::History => &self.history_filter,
        }
    }

    fn filter_mut(&mut self, which: FilterOf) -> &mut Filter {
        match which {
            FilterOf::Risks => &mut self.filter,
            FilterOf::Actions => &mut self.action_filter,
            FilterOf::History => &mut self.history_filter,
        }
    }

    fn open_filter(&mut self) {
        let which = match self.tab {
            Tab::Actions => FilterOf::Actions,
            Tab::History => {
                self.tabs.history.since = None;
                FilterOf::History
            }
            _ => FilterOf::Risks,
        };
        let filter = self.filter_mut(which);
        let mut t = TextArea::new(vec![filter.applied.clone()]);
        t.set_cursor_line_style(ratatui::style::Style::default());
        t.move_cursor(ratatui_textarea::CursorMove::End);
        filter.before = filter.applied.clone();
        filter.editing = Some(t);
    }

    /// Applies `text` as a filter when it parses (the list follows at once), else keeps
    /// the last one that did and shows why.
    fn apply_filter(&mut self, which: FilterOf, text: String, first: bool) {
        let parsed = match which {
            FilterOf::Risks => Query::parse(&text).map(|_| ()),
            FilterOf::Actions => ActionQuery::parse(&text).map(|_| ()),
            FilterOf::History => EventQuery::parse(&text).map(|_| ()),
        };
        match parsed {
            Ok(()) => {
                let filter = self.filter_mut(which);
                filter.applied = text;
                filter.error = None;
                match which {
                    FilterOf::Risks => {
                        if first {
                            self.tabs.risks.list.select_first();
                        }
                        self.request_rows();
                    }
                    FilterOf::Actions => {
                        if first {
                            self.tabs.actions.list.select_first();
                        }
                        self.request_actions();
                    }
                    FilterOf::History => {
                        // The count says "loading…" until the new filter's events arrive.
                        self.tabs.history.loaded = false;
                        self.tabs.history.cursor = super::tabs::Cursor::default();
                        self.request_history();
                    }
                }
            }
            Err(e) => {
                self.filter_mut(which).error = Some(sanitize_line(&e.to_string()).into_owned())
            }
        }
    }

    /// Applies a query as the Risks tab's filter (shown in the filter line).
    pub fn set_filter(&mut self, text: String) {
        self.apply_filter(FilterOf::Risks, text, false);
    }

    /// Applies an action query as the Actions tab's filter.
    pub fn set_action_filter(&mut self, text: String) {
        self.apply_filter(FilterOf::Actions, text, false);
    }

    /// Applies a history query as the History tab's filter.
    pub fn set_history_filter(&mut self, text: String) {
        self.apply_filter(FilterOf::History, text, true);
    }

    /// Keys while typing a filter: every change narrows the list at once (when it parses);
    /// Enter keeps it, Esc puts the previous filter back.
    fn filter_key(&mut self, which: FilterOf, action: Action) {
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
        let filter = self.filter_mut(which);
        match key.code {
            KeyCode::Enter => {
                filter.editing = None;
                if filter.error.is_some() {
                    self.info(
                        "the filter has an error; the list shows the last filter that parsed",
                    );
                }
            }
            KeyCode::Esc => {
                filter.editing = None;
                let before = std::mem::take(&mut filter.before);
                self.apply_filter(which, before, false);
            }
            _ => {
                let Some(t) = filter.editing.as_mut() else {
                    return;
                };
                if !super::form::text_key(t, key) {
                    return;
                }
                let text = t.lines().join(" ");
                self.apply_filter(which, text, true);
            }
        }
    }

    fn set_pages(&mut self) {
        self.tabs.resize(layout::screen(self.size).body);
    }
}
