//! A milestone's form: its name, due date, owning team and status, checked by the CLI's own
//! validation; opened to edit a milestone and right after adding one.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use crate::domain::{Milestone, MilestonePatch, MilestoneStatus, validate};
pub use crate::tui::form::Step;
use crate::tui::form::{self, Entry, Fields};
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::KeyHelp;

pub struct MilestoneForm {
    /// The milestone's name when the form opened.
    pub name: String,
    pub fields: Fields,
}

const KEYS: &[KeyHelp] = &[
    ("Tab/↓↑", "next field"),
    ("←/→", "pick"),
    ("Enter", "save"),
    ("Esc", "cancel"),
];

impl MilestoneForm {
    pub fn new(m: &Milestone, teams: &[String]) -> MilestoneForm {
        let mut team_options = vec![String::new()];
        team_options.extend(teams.iter().cloned());
        let fields = Fields::new(vec![
            Entry::text("name", "Name", &m.name),
            Entry::text(
                "due",
                "Due date",
                &m.due.map(|d| d.to_string()).unwrap_or_default(),
            ),
            Entry::pick(
                "team",
                "Team",
                team_options,
                m.team.as_deref().unwrap_or(""),
            ),
            Entry::pick(
                "status",
                "Status",
                MilestoneStatus::ALL
                    .iter()
                    .map(|s| s.as_str().to_string())
                    .collect(),
                m.status.as_str(),
            ),
        ]);
        MilestoneForm {
            name: m.name.clone(),
            fields,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Step {
        self.fields.guarded_key(key).into()
    }

    /// The change the form asks for, or the first refusal marked on its field.
    pub fn patch(&mut self) -> Option<MilestonePatch> {
        self.fields.clear_errors();
        let name = self.fields.value("name");
        let due = self.fields.value("due");
        let team = self.fields.value("team");
        let status = self.fields.value("status");
        let checked = (|| {
            let name = validate::name("name", &name, validate::NAME_MAX)?;
            Ok::<_, crate::domain::FieldError>(MilestonePatch {
                name: (name != self.name).then_some(name),
                due: Some(validate::optional_date("due", &due)?),
                team: Some((!team.is_empty()).then_some(team)),
                status: Some(MilestoneStatus::parse(&status)?),
            })
        })();
        match checked {
            Ok(patch) => Some(patch),
            Err(e) => {
                self.fields.mark(&e.field, &e.reason);
                None
            }
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, t: Theme) {
        let keys = self.fields.keys(KEYS);
        let title = format!("Milestone {}", crate::text::sanitize_line(&self.name));
        form::render(&self.fields, &title, keys, form::plain, area, buf, t);
    }
}
