//! Keys as data: one list of bindings (the keys every tab has here, each tab's own in its
//! file) from which input handling, the help overlay and the footer are all made, so they
//! cannot disagree. A test presses every key in every list.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::tabs::Tab;

/// A key as a binding names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    pub fn matches(self, event: KeyEvent) -> bool {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        self.code == event.code && self.ctrl == ctrl
    }

    /// The key event this key is, for tests that press it.
    pub fn event(self) -> KeyEvent {
        let modifiers = if self.ctrl {
            KeyModifiers::CONTROL
        } else if matches!(self.code, KeyCode::Char(c) if c.is_ascii_uppercase()) {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        KeyEvent::new(self.code, modifiers)
    }
}

pub(crate) const fn ch(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

pub(crate) const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

pub(crate) const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

/// One binding: the keys, how help writes them, what they do and (when the footer shows
/// it) the footer's short word. A binding with no help is live but not listed (the tab
/// numbers other than the first, say).
pub struct Binding {
    pub keys: &'static [Key],
    pub label: &'static str,
    pub help: &'static str,
    pub footer: &'static str,
    pub action: Action,
}

pub(crate) const fn bind(
    keys: &'static [Key],
    label: &'static str,
    help: &'static str,
    footer: &'static str,
    action: Action,
) -> Binding {
    Binding {
        keys,
        label,
        help,
        footer,
        action,
    }
}

/// The keys every tab has.
pub const GLOBAL: &[Binding] = &[
    bind(&[ch('q'), ctrl('c')], "q", "quit", "quit", Action::Quit),
    bind(
        &[ch('?')],
        "?",
        "help: every key of this view",
        "help",
        Action::Help,
    ),
    bind(
        &[code(KeyCode::Tab)],
        "Tab/S-Tab",
        "next / previous tab",
        "",
        Action::NextTab,
    ),
    bind(&[code(KeyCode::BackTab)], "", "", "", Action::PrevTab),
    bind(
        &[ch('1')],
        "1-7",
        "go to that tab",
        "",
        Action::Tab(Tab::Risks),
    ),
    bind(&[ch('2')], "", "", "", Action::Tab(Tab::Matrix)),
    bind(&[ch('3')], "", "", "", Action::Tab(Tab::Teams)),
    bind(&[ch('4')], "", "", "", Action::Tab(Tab::Roadmap)),
    bind(&[ch('5')], "", "", "", Action::Tab(Tab::History)),
    bind(&[ch('6')], "", "", "", Action::Tab(Tab::Budget)),
    bind(&[ch('7')], "", "", "", Action::Tab(Tab::Actions)),
    bind(
        &[ch('j'), code(KeyCode::Down)],
        "j/k ↓/↑",
        "move",
        "",
        Action::Down,
    ),
    bind(&[ch('k'), code(KeyCode::Up)], "", "", "", Action::Up),
    bind(
        &[ch('g'), code(KeyCode::Home)],
        "g/G",
        "top / bottom",
        "",
        Action::Top,
    ),
    bind(&[ch('G'), code(KeyCode::End)], "", "", "", Action::Bottom),
    bind(
        &[code(KeyCode::PageDown), ctrl('f')],
        "PgDn/PgUp",
        "page down / up",
        "",
        Action::PageDown,
    ),
    bind(
        &[code(KeyCode::PageUp), ctrl('b')],
        "",
        "",
        "",
        Action::PageUp,
    ),
    bind(
        &[ch('u')],
        "u",
        "undo your last change",
        "undo",
        Action::Undo,
    ),
    bind(
        &[code(KeyCode::Esc)],
        "Esc",
        "close a popup; clear the filter",
        "",
        Action::Close,
    ),
];

/// The action for a key when no popup or text field has the focus: the tab's own bindings
/// first, then those every tab has.
pub(crate) fn action_for(key: KeyEvent, tab_bindings: &[Binding]) -> Option<Action> {
    tab_bindings
        .iter()
        .chain(GLOBAL)
        .find(|b| b.keys.iter().any(|k| k.matches(key)))
        .map(|b| b.action.clone())
}

/// The bindings help lists for a tab: its own, then every tab's.
pub(crate) fn help_for(tab_bindings: &'static [Binding]) -> Vec<&'static Binding> {
    tab_bindings
        .iter()
        .chain(GLOBAL)
        .filter(|b| !b.help.is_empty())
        .collect()
}

/// The (key, word) pairs the footer shows for a tab.
pub(crate) fn footer_for(tab_bindings: &'static [Binding]) -> Vec<(&'static str, &'static str)> {
    GLOBAL
        .iter()
        .filter(|b| matches!(b.action, Action::Quit | Action::Help))
        .chain(tab_bindings)
        .chain(GLOBAL.iter().filter(|b| b.action == Action::Undo))
        .filter(|b| !b.footer.is_empty())
        .map(|b| (b.label, b.footer))
        .collect()
}
