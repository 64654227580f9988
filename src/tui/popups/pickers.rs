//! Small choosers and confirmations: sort order, a risk's, an action's or a milestone's
//! status, and deleting a risk.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::domain::actions::ActionStatus;
use crate::domain::{MilestoneStatus, Status};
use crate::text::sanitize_line;
use crate::tui::app::SORTS;
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::{KeyHelp, PopupFrame};

pub const LIST_KEYS: &[KeyHelp] = &[("↑/↓", "choose"), ("Enter", "apply"), ("Esc", "cancel")];
pub const DELETE_KEYS: &[KeyHelp] = &[("y", "delete"), ("n/Esc", "keep")];

/// What a key does in a list picker.
pub enum Pick {
    Move(usize),
    Apply(usize),
    Cancel,
    Stay,
}

/// ↑/↓ (or j/k) move over `len` choices, Enter applies, Esc or q cancels.
pub fn pick_key(key: KeyEvent, cursor: usize, len: usize) -> Pick {
    match key.code {
        KeyCode::Up | KeyCode::Char('k') => Pick::Move(cursor.saturating_sub(1)),
        KeyCode::Down | KeyCode::Char('j') => Pick::Move((cursor + 1).min(len.saturating_sub(1))),
        KeyCode::Enter => Pick::Apply(cursor.min(len.saturating_sub(1))),
        KeyCode::Esc | KeyCode::Char('q') => Pick::Cancel,
        _ => Pick::Stay,
    }
}

fn list(title: &str, items: &[String], cursor: usize, area: Rect, buf: &mut Buffer, t: Theme) {
    let body: Vec<Line> = items
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if i == cursor {
                Line::styled(format!("› {s}"), t.selected())
            } else {
                Line::raw(format!("  {s}"))
            }
        })
        .collect();
    PopupFrame {
        title: title.to_string(),
        body,
        keys: LIST_KEYS,
        width: 60,
        scroll: u16::try_from(cursor.saturating_sub(4)).unwrap_or(0),
    }
    .render(area, buf, t);
}

pub fn sort(cursor: usize, area: Rect, buf: &mut Buffer, t: Theme) {
    let items: Vec<String> = SORTS
        .iter()
        .map(|(k, d)| format!("{:<11} {d}", k.as_str()))
        .collect();
    list(" Sort the risks ", &items, cursor, area, buf, t);
}

pub fn status(cursor: usize, area: Rect, buf: &mut Buffer, t: Theme) {
    let items: Vec<String> = Status::ALL
        .iter()
        .map(|s| {
            let note = match s {
                Status::Accepted => "  (needs approver and end date)",
                Status::Closed => "  (reopen later to open)",
                _ => "",
            };
            format!("{s}{note}")
        })
        .collect();
    list(" Move status ", &items, cursor, area, buf, t);
}

pub fn action_status(id: i64, cursor: usize, area: Rect, buf: &mut Buffer, t: Theme) {
    let items: Vec<String> = ActionStatus::ALL
        .iter()
        .map(|s| {
            let note = match s {
                ActionStatus::Todo | ActionStatus::Doing => "  (open)",
                ActionStatus::Done => "  (finished)",
                ActionStatus::Dropped => "  (not going to happen)",
            };
            format!("{s}{note}")
        })
        .collect();
    list(
        &format!(" Status of action {id} "),
        &items,
        cursor,
        area,
        buf,
        t,
    );
}

pub fn milestone_status(name: &str, cursor: usize, area: Rect, buf: &mut Buffer, t: Theme) {
    let items: Vec<String> = MilestoneStatus::ALL
        .iter()
        .map(|s| s.as_str().to_string())
        .collect();
    let title = format!(" Status of {} ", sanitize_line(name));
    list(&title, &items, cursor, area, buf, t);
}

pub fn confirm_delete(id: i64, title: &str, area: Rect, buf: &mut Buffer, t: Theme) {
    PopupFrame {
        title: " Delete ".into(),
        body: vec![
            Line::raw(format!("Delete risk {id} \"{}\"?", sanitize_line(title))),
            Line::styled("Its history is kept; u undoes the delete.", t.dim()),
        ],
        keys: DELETE_KEYS,
        width: 64,
        scroll: 0,
    }
    .render(area, buf, t);
}
