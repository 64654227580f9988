//! Keys as data: which key does what, where. The same table drives input handling, the help
//! overlay and the footer, so they cannot disagree.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::app::Tab;

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Everywhere,
    Lists,
    Risks,
    Choosable,
    Matrix,
    History,
}

impl Scope {
    fn applies(self, tab: Tab) -> bool {
        match self {
            Scope::Everywhere | Scope::Lists => true,
            Scope::Risks => tab == Tab::Risks,
            Scope::Choosable => {
                matches!(tab, Tab::Matrix | Tab::Teams | Tab::Roadmap | Tab::Budget)
            }
            Scope::Matrix => tab == Tab::Matrix,
            Scope::History => tab == Tab::History,
        }
    }
}

pub struct Binding {
    pub keys: &'static str,
    pub help: &'static str,
    pub scope: Scope,
    /// The short label the footer shows; empty when the footer leaves it out.
    pub footer: &'static str,
    pub action: Action,
}

const fn b(
    keys: &'static str,
    help: &'static str,
    scope: Scope,
    footer: &'static str,
    action: Action,
) -> Binding {
    Binding {
        keys,
        help,
        scope,
        footer,
        action,
    }
}

/// Every binding outside popups, in the order help shows them.
pub const BINDINGS: &[Binding] = &[
    b("q", "quit", Scope::Everywhere, "quit", Action::Quit),
    b(
        "?",
        "help: every key of this view",
        Scope::Everywhere,
        "help",
        Action::Help,
    ),
    b(
        "Tab/1-6",
        "switch tab (Shift-Tab back)",
        Scope::Everywhere,
        "",
        Action::NextTab,
    ),
    b("j/k ↓/↑", "move", Scope::Lists, "", Action::Down),
    b(
        "h/l ←/→",
        "move across the matrix",
        Scope::Matrix,
        "",
        Action::Left,
    ),
    b("g/G", "top / bottom", Scope::Lists, "", Action::Top),
    b(
        "PgDn/PgUp",
        "page down / up",
        Scope::Lists,
        "",
        Action::PageDown,
    ),
    b(
        "/",
        "filter (query language)",
        Scope::Risks,
        "filter",
        Action::OpenFilter,
    ),
    b(
        "c",
        "clear the filter",
        Scope::Risks,
        "",
        Action::ClearFilter,
    ),
    b("s", "sort", Scope::Risks, "sort", Action::OpenSort),
    b(
        "Enter",
        "full detail of the risk",
        Scope::Risks,
        "",
        Action::Choose,
    ),
    b("a", "add a risk", Scope::Risks, "add", Action::Add),
    b("e", "edit the risk", Scope::Risks, "edit", Action::Edit),
    b(
        "+/-",
        "raise / lower likelihood",
        Scope::Risks,
        "",
        Action::RaiseLikelihood,
    ),
    b(
        ">/<",
        "raise / lower impact",
        Scope::Risks,
        "",
        Action::RaiseImpact,
    ),
    b("m", "move status", Scope::Risks, "", Action::MoveStatus),
    b("r", "mark reviewed", Scope::Risks, "", Action::Review),
    b("d", "delete (asks first)", Scope::Risks, "", Action::Delete),
    b(
        "h",
        "history of the risk",
        Scope::Risks,
        "",
        Action::ShowHistory,
    ),
    b(
        "u",
        "undo your last change",
        Scope::Everywhere,
        "undo",
        Action::Undo,
    ),
    b(
        "x",
        "export the rows in view",
        Scope::Risks,
        "export",
        Action::Export,
    ),
    b(
        "Enter",
        "show its risks",
        Scope::Choosable,
        "show risks",
        Action::Choose,
    ),
    b(
        "Enter",
        "history of this event's risk",
        Scope::History,
        "one risk",
        Action::Choose,
    ),
    b(
        "h",
        "history of every risk",
        Scope::History,
        "",
        Action::ShowHistory,
    ),
];

/// The action for a key when no popup or text field has the focus.
pub fn action_for(key: KeyEvent, tab: Tab) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let risks = tab == Tab::Risks;
    let action = match key.code {
        KeyCode::Char('c') if ctrl => Action::Quit,
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Char('?') => Action::Help,
        KeyCode::Tab => Action::NextTab,
        KeyCode::BackTab => Action::PrevTab,
        KeyCode::Char(c @ '1'..='6') => Action::Tab(Tab::ALL[usize::from(c as u8 - b'1')]),
        KeyCode::Char('j') | KeyCode::Down => Action::Down,
        KeyCode::Char('k') | KeyCode::Up => Action::Up,
        KeyCode::Left | KeyCode::Char('h') if tab == Tab::Matrix => Action::Left,
        KeyCode::Right | KeyCode::Char('l') if tab == Tab::Matrix => Action::Right,
        KeyCode::Char('g') | KeyCode::Home => Action::Top,
        KeyCode::Char('G') | KeyCode::End => Action::Bottom,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::Char('f') if ctrl => Action::PageDown,
        KeyCode::Char('b') if ctrl => Action::PageUp,
        KeyCode::Enter => Action::Choose,
        KeyCode::Esc => Action::Close,
        KeyCode::Char('u') => Action::Undo,
        KeyCode::Char('h') if matches!(tab, Tab::Risks | Tab::History) => Action::ShowHistory,
        KeyCode::Char('/') if risks => Action::OpenFilter,
        KeyCode::Char('c') if risks => Action::ClearFilter,
        KeyCode::Char('s') if risks => Action::OpenSort,
        KeyCode::Char('a') if risks => Action::Add,
        KeyCode::Char('e') if risks => Action::Edit,
        KeyCode::Char('+' | '=') if risks => Action::RaiseLikelihood,
        KeyCode::Char('-') if risks => Action::LowerLikelihood,
        KeyCode::Char('>' | '.') if risks => Action::RaiseImpact,
        KeyCode::Char('<' | ',') if risks => Action::LowerImpact,
        KeyCode::Char('m') if risks => Action::MoveStatus,
        KeyCode::Char('r') if risks => Action::Review,
        KeyCode::Char('d') if risks => Action::Delete,
        KeyCode::Char('x') if risks => Action::Export,
        _ => return None,
    };
    Some(action)
}

/// The bindings of one tab, for help and the footer.
pub fn bindings_for(tab: Tab) -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(move |b| b.scope.applies(tab))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn every_documented_binding_is_live_on_its_tab() {
        for tab in Tab::ALL {
            for binding in bindings_for(tab) {
                let first = if binding.keys.chars().count() == 1 {
                    binding.keys
                } else {
                    binding.keys.split(['/', ' ']).next().unwrap_or_default()
                };
                let code = match first {
                    "Enter" => KeyCode::Enter,
                    "Tab" => KeyCode::Tab,
                    "PgDn" => KeyCode::PageDown,
                    k => KeyCode::Char(k.chars().next().unwrap()),
                };
                let got = action_for(press(code), tab);
                assert_eq!(
                    got,
                    Some(binding.action.clone()),
                    "{} on {tab:?}",
                    binding.keys
                );
            }
        }
    }

    #[test]
    fn design_keys_do_what_the_card_says() {
        assert_eq!(
            action_for(press(KeyCode::Char('q')), Tab::Teams),
            Some(Action::Quit)
        );
        assert_eq!(
            action_for(
                KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
                Tab::Risks
            ),
            Some(Action::Quit)
        );
        assert_eq!(
            action_for(press(KeyCode::Char('3')), Tab::Risks),
            Some(Action::Tab(Tab::Teams))
        );
        assert_eq!(
            action_for(press(KeyCode::Char('a')), Tab::Matrix),
            None,
            "add only on Risks"
        );
        assert_eq!(
            action_for(press(KeyCode::Char('G')), Tab::History),
            Some(Action::Bottom)
        );
    }
}
