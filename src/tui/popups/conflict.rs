//! A save that met someone else's change to the same fields: theirs and mine side by side,
//! nothing written until the person chooses. Also the "deleted meanwhile" prompt.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::risk_form::{RiskForm, label};
use crate::domain::merge::FieldConflict;
use crate::domain::{Risk, RiskFields};
use crate::text::sanitize_line;
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::{KeyHelp, PopupFrame};

/// A save that found the risk changed by someone else in the same fields.
pub struct Conflict {
    pub id: i64,
    pub base: RiskFields,
    pub mine: RiskFields,
    pub theirs: Risk,
    pub fields: Vec<FieldConflict>,
    /// The form, to go back to.
    pub form: Box<RiskForm>,
}

pub const KEYS: &[KeyHelp] = &[
    ("m", "keep mine"),
    ("t", "keep theirs"),
    ("Esc", "back to the form"),
];

pub const DELETED_KEYS: &[KeyHelp] = &[
    ("r", "recreate it with your version"),
    ("d/Esc", "discard your edit"),
];

pub fn render(c: &Conflict, area: Rect, buf: &mut Buffer, t: Theme, scroll: u16) {
    let mut body = vec![
        Line::raw(format!(
            "Risk {} changed while you edited it (now revision {}). These fields changed on both sides; your other changes are saved either way:",
            c.id, c.theirs.revision
        )),
        Line::default(),
    ];
    for f in &c.fields {
        body.push(Line::styled(label(f.field).to_string(), t.header()));
        body.push(Line::from(vec![
            Span::styled("  theirs: ", t.dim()),
            Span::raw(sanitize_line(&f.theirs).into_owned()),
        ]));
        body.push(Line::from(vec![
            Span::styled("  mine:   ", t.dim()),
            Span::raw(sanitize_line(&f.mine).into_owned()),
        ]));
    }
    PopupFrame {
        title: " Conflict: someone else changed this risk ".into(),
        body,
        keys: KEYS,
        width: 90,
        scroll,
    }
    .render(area, buf, t);
}

pub fn deleted(id: i64, area: Rect, buf: &mut Buffer, t: Theme) {
    PopupFrame {
        title: " Not found ".into(),
        body: vec![Line::raw(format!(
            "Risk {id} was deleted by someone else while you edited it."
        ))],
        keys: DELETED_KEYS,
        width: 70,
        scroll: 0,
    }
    .render(area, buf, t);
}
