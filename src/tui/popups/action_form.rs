//! Add or edit an action: its risk (when adding), title, status, owner, team, milestone, due
//! date, link, kind and incident, checked as `riskreg action add` and `action edit` check them.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use crate::domain::actions::{
    Action, ActionField, ActionFields, ActionKind, ActionPatch, ActionStatus,
};
pub use crate::tui::form::Step;
use crate::tui::form::{self, Entry, Fields};
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::KeyHelp;

/// What the form saves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    Add,
    /// Changes to this action, made at this revision.
    Edit {
        id: i64,
        revision: i64,
    },
}

pub struct ActionForm {
    pub mode: Mode,
    pub fields: Fields,
}

const KEYS: &[KeyHelp] = &[
    ("Tab/↓↑", "next field"),
    ("←/→", "choose"),
    ("Enter", "save"),
    ("Esc", "cancel"),
];

/// The choice meaning "no team" or "no milestone".
const NONE: &str = "(none)";

/// A pick list of `names` with "(none)" first.
fn names_or_none(names: &[String]) -> Vec<String> {
    std::iter::once(NONE.to_string())
        .chain(names.iter().cloned())
        .collect()
}

/// The form's entries; `risk` (the risk's id as text) only when adding.
fn entries(
    f: &ActionFields,
    risk: Option<&str>,
    teams: &[String],
    milestones: &[String],
) -> Vec<Entry> {
    let mut e = Vec::new();
    if let Some(risk) = risk {
        e.push(Entry::text("risk", "Risk", risk).hint("the id of the risk the action retires"));
    }
    e.extend([
        Entry::text("title", "Title", &f.title).hint("what to do, in one line"),
        Entry::pick(
            "status",
            "Status",
            ActionStatus::ALL.map(|s| s.as_str().to_string()).to_vec(),
            f.status.as_str(),
        ),
        Entry::text("owner", "Owner", &f.owner),
        Entry::pick(
            "team",
            "Team",
            names_or_none(teams),
            f.team.as_deref().unwrap_or(NONE),
        ),
        Entry::pick(
            "milestone",
            "Milestone",
            names_or_none(milestones),
            f.milestone.as_deref().unwrap_or(NONE),
        ),
        Entry::text(
            "due",
            "Due",
            &f.due.map(|d| d.to_string()).unwrap_or_default(),
        )
        .hint("YYYY-MM-DD; empty: the milestone's due date counts"),
        Entry::text("link", "Link", &f.link)
            .hint("an http(s) URL or a ticket key such as PLAT-1234"),
        Entry::pick(
            "kind",
            "Kind",
            ActionKind::ALL.map(|k| k.as_str().to_string()).to_vec(),
            f.kind.as_str(),
        ),
        Entry::text(
            "incident",
            "Incident",
            &f.incident.map(|i| i.to_string()).unwrap_or_default(),
        )
        .hint("the id of the incident whose review produced it (optional)"),
    ]);
    e
}

impl ActionForm {
    /// A new action on risk `risk` (its team by default; the person may pick another risk).
    pub fn for_add(
        risk: Option<i64>,
        team: Option<&str>,
        teams: &[String],
        milestones: &[String],
    ) -> ActionForm {
        let mut f = ActionFields::new(risk.unwrap_or(0), String::new());
        f.team = team.map(str::to_string);
        let shown = risk.map_or_else(String::new, |r| r.to_string());
        let mut fields = Fields::new(entries(&f, Some(&shown), teams, milestones));
        fields.focus_on(if risk.is_some() { "title" } else { "risk" });
        ActionForm {
            mode: Mode::Add,
            fields,
        }
    }

    pub fn for_edit(action: &Action, teams: &[String], milestones: &[String]) -> ActionForm {
        ActionForm {
            mode: Mode::Edit {
                id: action.id,
                revision: action.revision,
            },
            fields: Fields::new(entries(&action.fields, None, teams, milestones)),
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Step {
        self.fields.guarded_key(key).into()
    }

    /// The risk (when adding) and the fields the person set or changed, validated; `None`
    /// with the first refusal marked on its field.
    pub fn patch(&mut self) -> Option<(i64, ActionPatch)> {
        self.fields.clear_errors();
        let risk = match self.mode {
            Mode::Edit { .. } => 0,
            Mode::Add => {
                let text = self.fields.value("risk");
                match text.trim().trim_start_matches('#').parse::<i64>() {
                    Ok(id) if id > 0 => id,
                    _ => {
                        self.fields
                            .mark("risk", "the id of the risk the action retires, e.g. 12");
                        return None;
                    }
                }
            }
        };
        let mut patch = ActionPatch::default();
        for field in ActionField::ALL {
            let Some(entry) = self.fields.get(field.name()) else {
                continue;
            };
            if matches!(self.mode, Mode::Edit { .. }) && !entry.is_dirty() {
                continue;
            }
            let value = entry.value();
            let text = if value == NONE { "" } else { value.as_str() };
            if let Err(e) = patch.set_from_text(field, text) {
                self.fields.mark(field.name(), &e.reason);
                return None;
            }
        }
        if matches!(self.mode, Mode::Add) && patch.title.is_none() {
            self.fields.mark("title", "must not be empty");
            return None;
        }
        Some((risk, patch))
    }

    /// Shows why the store refused a save, next to the field when it names one.
    pub fn refuse(&mut self, field: &str, reason: &str) {
        if self.fields.get(field).is_some() {
            self.fields.mark(field, reason);
        } else {
            self.fields.error = Some(reason.to_string());
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, t: Theme) {
        let keys = self.fields.keys(KEYS);
        let title = match self.mode {
            Mode::Add => "New action".to_string(),
            Mode::Edit { id, .. } => format!("Action {id}"),
        };
        form::render(&self.fields, &title, keys, form::plain, area, buf, t);
    }
}
