//! Record an incident that realised the selected risk: what happened, when, the measured
//! times and users, and the postmortem's link, checked as `riskreg incident add` checks them.

use jiff::civil::Date;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;

use crate::domain::incidents::{IncidentText, NewIncident};
use crate::tui::form::{self, Entry, Fields, Outcome};
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::KeyHelp;

pub struct IncidentForm {
    /// The risk it realised.
    pub risk: i64,
    pub fields: Fields,
    pub discarding: bool,
}

pub enum Step {
    Continue,
    Cancel,
    Save,
}

const KEYS: &[KeyHelp] = &[
    ("Tab/↓↑", "next field"),
    ("Enter", "save"),
    ("Ctrl-S", "save from the note"),
    ("Esc", "cancel"),
];
const DISCARD_KEYS: &[KeyHelp] = &[("y", "discard changes"), ("n/Esc", "keep editing")];

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
            discarding: false,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Step {
        if self.discarding {
            return match key.code {
                KeyCode::Char('y' | 'Y') => Step::Cancel,
                _ => {
                    self.discarding = false;
                    Step::Continue
                }
            };
        }
        match self.fields.handle_key(key) {
            Outcome::Save | Outcome::New(_) => Step::Save,
            Outcome::Cancel if self.fields.is_dirty() => {
                self.discarding = true;
                Step::Continue
            }
            Outcome::Cancel => Step::Cancel,
            Outcome::Continue => Step::Continue,
        }
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
        let keys = if self.discarding { DISCARD_KEYS } else { KEYS };
        let title = format!("Incident that realised risk {}", self.risk);
        form::render(&self.fields, &title, keys, form::plain, area, buf, t);
    }
}
