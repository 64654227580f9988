//! What a key, a click or a tick asks the app to do. The keymap turns input into actions;
//! [`App::update`](super::app::App::update) performs them.

use ratatui::crossterm::event::KeyEvent;

use super::app::Tab;

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
    /// Enter: the detail of a risk, or filter the risks by the chosen cell, team or milestone.
    Choose,
    OpenFilter,
    ClearFilter,
    OpenSort,
    Add,
    Edit,
    RaiseLikelihood,
    LowerLikelihood,
    RaiseImpact,
    LowerImpact,
    MoveStatus,
    Review,
    Delete,
    Undo,
    Export,
    Help,
    /// History of the selected risk (Risks tab), or all history again (History tab).
    ShowHistory,
    LoadSample,
    /// Esc: close the popup or leave the filter bar.
    Close,
    /// A key for the popup or filter bar that has the focus.
    Input(KeyEvent),
    /// Periodic: look for other processes' commits.
    Tick,
}
