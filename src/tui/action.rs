//! What a key, a click or a tick asks the app to do. The keymap turns input into actions;
//! [`App::update`](super::app::App::update) performs them.

use ratatui::crossterm::event::KeyEvent;

use super::tabs::Tab;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    Tab(Tab),
    NextTab,
    PrevTab,
    Up,
    Down,
    /// Sideways, in the matrix.
    Left,
    Right,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// A click on the n-th row of the current list (0 = first row shown).
    ClickRow(usize),
    /// A click on the matrix cell (likelihood, impact).
    ClickCell(u8, u8),
    /// Enter: the detail of a risk, or the risks of the chosen cell, team or milestone.
    Choose,
    OpenFilter,
    ClearFilter,
    OpenSort,
    /// Add a risk.
    Add,
    /// Edit the selected risk.
    Edit,
    RaiseLikelihood,
    LowerLikelihood,
    RaiseImpact,
    LowerImpact,
    MoveStatus,
    Review,
    Delete,
    /// Record an incident that realised the selected risk.
    AddIncident,
    /// The matrix: today's levels, or the residual ones.
    ToggleResidual,
    /// Mark (or unmark) the selected risk for a change to many.
    Mark,
    /// Add an action to the selected risk (Risks tab) or the selected action's risk.
    AddAction,
    /// Edit the selected action.
    EditAction,
    /// Mark the selected action done, or dropped (each asks why).
    ActionDone,
    ActionDropped,
    /// Move the selected action's status.
    MoveActionStatus,
    /// Comment on the selected risk.
    Comment,
    /// Add (or remove) a link of the selected risk.
    Links,
    AddTeam,
    RenameTeam,
    DeleteTeam,
    AddMilestone,
    /// Change the chosen milestone's name, due date, team or status.
    EditMilestone,
    MoveMilestoneStatus,
    DeleteMilestone,
    Undo,
    Export,
    Help,
    /// History of the selected risk (Risks tab), or all history again (History tab).
    ShowHistory,
    ShowAllHistory,
    /// The History tab: what changed since a date (asks which), or the log again.
    SinceView,
    /// The Risks tab: mark band moves since a date (asks which), or stop.
    BandMoves,
    /// The Budget tab: the trend chart, or the stack rank again.
    TrendChart,
    LoadSample,
    /// Esc: close the popup or leave the filter bar.
    Close,
    /// A key for the popup or filter bar that has the focus.
    Input(KeyEvent),
    /// Periodic: look for other processes' commits.
    Tick,
}
