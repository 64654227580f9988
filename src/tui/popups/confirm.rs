//! A change waiting for a word from the person: the optional "why" of a status move (which
//! becomes the event's note), and the yes-or-no before a change to many marked risks, which
//! names how many it touches.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::domain::actions::ActionStatus;
use crate::domain::{RiskPatch, Status};
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::{KeyHelp, PopupFrame};

/// A change asked for and not yet made.
#[derive(Clone, Debug, PartialEq)]
pub enum Pending {
    /// Move these risks (one, or the marked ones) to a status.
    RiskStatus { ids: Vec<i64>, status: Status },
    /// Mark the marked risks reviewed.
    Review { ids: Vec<i64> },
    /// Delete the marked risks (and their actions).
    Delete { ids: Vec<i64> },
    /// Change fields of the marked risks.
    Edit {
        ids: Vec<i64>,
        patch: Box<RiskPatch>,
    },
    /// Move an action to a status.
    ActionStatus { id: i64, status: ActionStatus },
    /// Mark a milestone done: it lands (its risks take their targets) unless kept.
    MilestoneDone { name: String, risks: u64 },
}

impl Pending {
    /// How many items it changes.
    pub fn count(&self) -> usize {
        match self {
            Pending::RiskStatus { ids, .. }
            | Pending::Review { ids }
            | Pending::Delete { ids }
            | Pending::Edit { ids, .. } => ids.len(),
            Pending::ActionStatus { .. } | Pending::MilestoneDone { .. } => 1,
        }
    }

    /// What it does, as a question.
    pub fn question(&self) -> String {
        let risks = |n: usize| crate::domain::figures::count(n as u64, "risk", "risks");
        match self {
            Pending::RiskStatus { ids, status } if ids.len() == 1 => {
                format!("Move risk {} to {status}?", ids[0])
            }
            Pending::RiskStatus { ids, status } => {
                format!("Move {} to {status}?", risks(ids.len()))
            }
            Pending::Review { ids } => format!("Mark {} reviewed?", risks(ids.len())),
            Pending::Delete { ids } => format!(
                "Delete {} and their actions? Their history is kept.",
                risks(ids.len())
            ),
            Pending::Edit { ids, .. } => format!("Apply these changes to {}?", risks(ids.len())),
            Pending::ActionStatus { id, status } => format!("Move action {id} to {status}?"),
            Pending::MilestoneDone { name, risks } => format!(
                "Milestone {} is done. Let it land: its {} take their target estimates, likelihood and impact as current, and their targets are cleared (each change in history)?",
                crate::text::sanitize_line(name),
                crate::domain::figures::count(*risks, "active risk", "active risks")
            ),
        }
    }
}

/// The yes-or-no before a change to many.
pub struct Confirm {
    pub pending: Pending,
    /// The note the change will carry ("why"), if one was given.
    pub note: String,
}

pub enum Step {
    Stay,
    Yes,
    No,
    /// A milestone done without landing.
    Keep,
}

pub const KEYS: &[KeyHelp] = &[("y", "apply to all of them"), ("n/Esc", "cancel")];
pub const LAND_KEYS: &[KeyHelp] = &[
    ("y", "land it"),
    ("k", "done, keep the estimates"),
    ("n/Esc", "cancel"),
];

impl Confirm {
    /// Only `y` applies and only `n` or Esc cancels (`k` keeps a milestone's estimates);
    /// any other key keeps the question up.
    pub fn handle_key(&self, key: KeyEvent) -> Step {
        match key.code {
            KeyCode::Char('y' | 'Y') => Step::Yes,
            KeyCode::Char('k' | 'K') if matches!(self.pending, Pending::MilestoneDone { .. }) => {
                Step::Keep
            }
            KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => Step::No,
            _ => Step::Stay,
        }
    }

    /// The keys its last line shows.
    pub fn keys(&self) -> &'static [KeyHelp] {
        if matches!(self.pending, Pending::MilestoneDone { .. }) {
            LAND_KEYS
        } else {
            KEYS
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, t: Theme) {
        let mut body = vec![Line::raw(self.pending.question())];
        if !self.note.is_empty() {
            body.push(Line::styled(
                format!("Why: {}", crate::text::sanitize_line(&self.note)),
                t.dim(),
            ));
        }
        body.push(Line::styled(
            "One transaction: every one of them changes, or none does.",
            t.dim(),
        ));
        PopupFrame {
            title: format!(" Change {} ", self.pending.count()),
            body,
            keys: self.keys(),
            width: 64,
            scroll: 0,
        }
        .render(area, buf, t);
    }
}
