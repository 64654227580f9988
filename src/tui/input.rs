//! Terminal events to actions: keys through the keymap (or straight to the focused popup or
//! filter bar), mouse clicks and the wheel by where they land.

use ratatui::crossterm::event::{
    Event, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

use super::action::Action;
use super::app::{App, Popup, Tab};
use super::keymap;
use super::layout;
use super::views::matrix;

pub fn action_for_event(app: &App, event: &Event) -> Option<Action> {
    match event {
        Event::Key(k) if k.kind != KeyEventKind::Release => action_for_key(app, *k),
        Event::Mouse(m) => action_for_mouse(app, *m),
        _ => None,
    }
}

pub fn action_for_key(app: &App, key: KeyEvent) -> Option<Action> {
    let typing = app.filter.editing.is_some()
        || matches!(
            app.popup,
            Some(
                Popup::Form(_)
                    | Popup::Export(_)
                    | Popup::Welcome
                    | Popup::Sort { .. }
                    | Popup::Status { .. }
                    | Popup::ConfirmDelete { .. }
                    | Popup::Conflict(_)
                    | Popup::Deleted { .. }
            )
        );
    if typing {
        Some(Action::Input(key))
    } else {
        keymap::action_for(key, app.tab)
    }
}

/// Which tab label a column of the tab bar falls on (the bar reads " riskreg  1 Risks  2 …").
fn tab_at(column: u16) -> Option<Tab> {
    let mut x = 9u16;
    for (i, tab) in Tab::ALL.iter().enumerate() {
        let w = u16::try_from(tab.title().len() + 4 + (i + 1).to_string().len() - 1).unwrap_or(0);
        if (x..x + w).contains(&column) {
            return Some(*tab);
        }
        x += w;
    }
    None
}

pub fn action_for_mouse(app: &App, m: MouseEvent) -> Option<Action> {
    if app.popup.is_some() || app.filter.editing.is_some() {
        return None;
    }
    let s = layout::screen(app.size);
    match m.kind {
        MouseEventKind::ScrollDown => Some(Action::Down),
        MouseEventKind::ScrollUp => Some(Action::Up),
        MouseEventKind::Down(MouseButton::Left) => {
            if m.row == s.tabs.y {
                return tab_at(m.column).map(Action::Tab);
            }
            let body = s.body;
            if !body.contains((m.column, m.row).into()) {
                return None;
            }
            match app.tab {
                Tab::Risks => {
                    let table = layout::risks(body).table;
                    row_in(table, m.row, 1).map(Action::ClickRow)
                }
                Tab::Matrix => {
                    matrix::cell_at(body, m.column, m.row).map(|(l, i)| Action::ClickCell(l, i))
                }
                Tab::Teams | Tab::Roadmap | Tab::History | Tab::Budget => {
                    row_in(body, m.row, 2).map(Action::ClickRow)
                }
            }
        }
        _ => None,
    }
}

/// The list row under screen row `y`, below `skip` rows of border and header.
fn row_in(area: Rect, y: u16, skip: u16) -> Option<usize> {
    let first = area.y + skip;
    (y >= first && y < area.bottom()).then(|| usize::from(y - first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_bar_columns_map_to_tabs() {
        // " riskreg " then " 1 Risks " " 2 Matrix " …
        assert_eq!(tab_at(9), Some(Tab::Risks));
        assert_eq!(tab_at(17), Some(Tab::Risks));
        assert_eq!(tab_at(18), Some(Tab::Matrix));
        assert_eq!(tab_at(3), None);
    }
}
