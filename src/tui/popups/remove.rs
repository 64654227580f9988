//! Deleting a team or a milestone: asks first, and lets the person choose where the risks
//! (and a team's milestones) that use it go, as `--reassign-to` does.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::text::sanitize_line;
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::{KeyHelp, PopupFrame};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Team,
    Milestone,
}

impl Kind {
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Team => "team",
            Kind::Milestone => "milestone",
        }
    }
}

pub struct Remove {
    pub kind: Kind,
    pub name: String,
    /// Active risks that use it (closed ones move too).
    pub active_risks: u64,
    /// Where what uses it can go: the other teams or milestones.
    pub targets: Vec<String>,
    pub index: usize,
}

pub enum Step {
    Continue,
    Cancel,
    /// Delete it, moving what uses it to this one (if any).
    Remove(Option<String>),
}

const KEYS_MOVE: &[KeyHelp] = &[
    ("y", "delete"),
    ("←/→", "where its risks go"),
    ("n/Esc", "keep"),
];
const KEYS: &[KeyHelp] = &[("y", "delete"), ("n/Esc", "keep")];

impl Remove {
    pub fn target(&self) -> Option<&str> {
        self.targets.get(self.index).map(String::as_str)
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Step {
        let n = self.targets.len().max(1);
        match key.code {
            KeyCode::Char('y' | 'Y') => Step::Remove(self.target().map(str::to_string)),
            KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => Step::Cancel,
            KeyCode::Right | KeyCode::Char(' ') => {
                self.index = (self.index + 1) % n;
                Step::Continue
            }
            KeyCode::Left => {
                self.index = (self.index + n - 1) % n;
                Step::Continue
            }
            _ => Step::Continue,
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, t: Theme) {
        let noun = self.kind.noun();
        let mut body = vec![Line::raw(format!(
            "Delete {noun} {}?",
            sanitize_line(&self.name)
        ))];
        match self.target() {
            Some(target) => {
                body.push(Line::raw(format!(
                    "It has {} active risks. Every risk{} that uses it moves to:",
                    self.active_risks,
                    if self.kind == Kind::Team {
                        " and milestone"
                    } else {
                        ""
                    }
                )));
                body.push(Line::from(vec![
                    Span::raw("  "),
                    Span::styled(format!("‹ {} ›", sanitize_line(target)), t.selected()),
                ]));
            }
            None => body.push(Line::raw(format!(
                "There is no other {noun} to move its risks to; deleting it is refused if any risk uses it."
            ))),
        }
        body.push(Line::styled(
            "The moves are recorded in each risk's history.",
            t.dim(),
        ));
        PopupFrame {
            title: format!(" Delete {noun} "),
            body,
            keys: if self.targets.is_empty() {
                KEYS
            } else {
                KEYS_MOVE
            },
            width: 70,
            scroll: 0,
        }
        .render(area, buf, t);
    }
}
