//! Terminal events to actions: keys through the keymap (or straight to the focused popup or
//! filter bar), mouse clicks and the wheel by where they land.

use ratatui::crossterm::event::{
    Event, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};

use super::action::Action;
use super::app::App;
use super::keymap;
use super::layout;
use super::tabs::Tab;

pub fn action_for_event(app: &App, event: &Event) -> Option<Action> {
    match event {
        Event::Key(k) if k.kind != KeyEventKind::Release => action_for_key(app, *k),
        Event::Mouse(m) => action_for_mouse(app, *m),
        _ => None,
    }
}

pub fn action_for_key(app: &App, key: KeyEvent) -> Option<Action> {
    if app.is_typing_filter() || app.popup.is_some() {
        Some(Action::Input(key))
    } else {
        keymap::action_for(key, app.tab_bindings())
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
    if app.popup.is_some() || app.is_typing_filter() {
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
            if !s.body.contains((m.column, m.row).into()) {
                return None;
            }
            app.tabs.view(app.tab).mouse(s.body, m.column, m.row)
        }
        _ => None,
    }
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
