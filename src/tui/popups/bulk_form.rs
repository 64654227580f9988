//! Edit the marked risks at once: a team, a milestone, an owner, the likelihood or impact,
//! or a tag for all of them; whatever is left at "(keep)" or empty stays as each risk has
//! it. What it sets is checked as `riskreg edit --where` checks it; a confirmation naming
//! the count comes before anything is written.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;

use crate::domain::{Impact, Likelihood, RiskPatch, validate};
use crate::tui::form::{self, Entry, Fields, Outcome};
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::KeyHelp;

pub struct BulkForm {
    /// The marked risks.
    pub ids: Vec<i64>,
    pub fields: Fields,
}

pub enum Step {
    Continue,
    Cancel,
    Save,
}

const KEYS: &[KeyHelp] = &[
    ("Tab/↓↑", "next field"),
    ("←/→", "choose"),
    ("Enter", "review and apply"),
    ("Esc", "cancel"),
];

/// The choice that leaves a field as each risk has it.
const KEEP: &str = "(keep)";
/// The choice that clears a team or milestone.
const NONE: &str = "(none)";

fn choices(names: &[String], none: bool) -> Vec<String> {
    let mut v = vec![KEEP.to_string()];
    if none {
        v.push(NONE.to_string());
    }
    v.extend(names.iter().cloned());
    v
}

impl BulkForm {
    pub fn new(ids: Vec<i64>, teams: &[String], milestones: &[String]) -> BulkForm {
        let levels: Vec<String> = (1..=5).map(|n: u8| n.to_string()).collect();
        BulkForm {
            ids,
            fields: Fields::new(vec![
                Entry::pick("team", "Team", choices(teams, true), KEEP)
                    .hint("(keep): each keeps its own; ←/→ to choose"),
                Entry::pick("milestone", "Milestone", choices(milestones, true), KEEP),
                Entry::text("owner", "Owner", "").hint("empty: each keeps its owner"),
                Entry::pick("likelihood", "Likelihood", choices(&levels, false), KEEP),
                Entry::pick("impact", "Impact", choices(&levels, false), KEEP),
                Entry::text("tags", "Add tags", "")
                    .hint("added to each risk's tags, comma-separated; empty: none"),
            ]),
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Step {
        if key.code == KeyCode::Esc {
            return Step::Cancel;
        }
        match self.fields.handle_key(key) {
            Outcome::Save | Outcome::New(_) => Step::Save,
            Outcome::Cancel => Step::Cancel,
            Outcome::Continue => Step::Continue,
        }
    }

    /// What to change on every marked risk; `None` with the refusal marked on its field (or
    /// a nothing-to-change message).
    pub fn patch(&mut self) -> Option<RiskPatch> {
        self.fields.clear_errors();
        let value = |k: &str| self.fields.value(k);
        let name = |k: &str| match value(k).as_str() {
            KEEP => Ok(None),
            NONE => Ok(Some(None)),
            v => validate::name(k, v, validate::NAME_MAX).map(|n| Some(Some(n))),
        };
        let level = |k: &str| -> Option<u8> { value(k).parse().ok() };
        let result = (|| {
            let owner = value("owner");
            Ok::<_, validate::FieldError>(RiskPatch {
                team: name("team")?,
                milestone: name("milestone")?,
                owner: if owner.trim().is_empty() {
                    None
                } else {
                    Some(validate::line("owner", &owner, validate::LINE_MAX)?)
                },
                likelihood: level("likelihood").and_then(Likelihood::new),
                impact: level("impact").and_then(Impact::new),
                add_tags: validate::tags([value("tags").as_str()])?,
                ..RiskPatch::default()
            })
        })();
        match result {
            Ok(patch) if patch.is_empty() => {
                self.fields.error =
                    Some("nothing to change: set at least one field, or Esc".into());
                None
            }
            Ok(patch) => Some(patch),
            Err(e) => {
                self.fields.mark(&e.field, &e.reason);
                None
            }
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, t: Theme) {
        let title = format!(
            "Edit {}",
            crate::domain::figures::count(self.ids.len() as u64, "marked risk", "marked risks")
        );
        form::render(&self.fields, &title, KEYS, form::plain, area, buf, t);
    }
}
