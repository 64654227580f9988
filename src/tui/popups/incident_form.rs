//! Record an incident that realised the selected risk: what happened, when, the measured
//! times and users, and the postmortem's link, checked as `riskreg incident add` checks them.

use jiff::civil::Date;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use crate::domain::incidents::{IncidentText, NewIncident};
pub use crate::tui::form::Step;
use crate::tui::form::{self, Entry, Fields};
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::KeyHelp;

pub struct IncidentForm {
    /// The risk it realised.
    pub risk: i64,
    pub fields: Fields,
}

const KEYS: &[KeyHelp] = &[
    ("Tab/↓↑", "next field"),
    ("Enter", "save"),
    ("Ctrl-S", "save from the note"),
    ("Esc", "cancel"),
];

impl IncidentForm {
    pub fn new(risk: i64, today: Date) -> IncidentForm {
        IncidentForm {
            risk,
            fields: Fields::new(vec![
                Entry::text("title", "What happened", ""),
                Entry::text("date", "Date", &today.to_string()),
                Entry::text("ttd", "Detect (min)", ""),
                Entry::text("ttr", "Repair (min)", ""),
                Entry::text("users", "Users (%)", ""),
                Entry::text("link", "Postmortem link", ""),
                Entry::text("note", "Note", "").multiline(),
            ]),
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Step {
        self.fields.guarded_key(key).into()
    }

    /// The incident to record, or the first refusal marked on its field.
    pub fn incident(&mut self) -> Option<NewIncident> {
        self.fields.clear_errors();
        let value = |k: &str| self.fields.value(k);
        let (title, date, ttd, ttr, users, link, note) = (
            value("title"),
            value("date"),
            value("ttd"),
            value("ttr"),
            value("users"),
            value("link"),
            value("note"),
        );
        match NewIncident::from_text(&IncidentText {
            title: &title,
            date: &date,
            ttd: &ttd,
            ttr: &ttr,
            users: &users,
            link: &link,
            note: &note,
        }) {
            Ok(new) => Some(new),
            Err(e) => {
                self.fields.mark(&e.field, &e.reason);
                None
            }
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, t: Theme) {
        let keys = self.fields.keys(KEYS);
        let title = format!("Incident that realised risk {}", self.risk);
        form::render(&self.fields, &title, keys, form::plain, area, buf, t);
    }
}
