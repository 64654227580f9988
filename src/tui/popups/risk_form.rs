//! The add and edit form of a risk: every field, pick lists for levels, status, team and
//! milestone (with "+ new…" to create a team or milestone on the spot), and validation on
//! every keystroke by the same functions the CLI and the importer use. Esc on a form with
//! changes asks before throwing them away.

use jiff::civil::Date;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use crate::domain::lifecycle::{self, Rules};
use crate::domain::merge::set_from_text;
use crate::domain::{Field, FieldError, Impact, Likelihood, Risk, RiskFields, RiskPatch, Status};
use crate::scoring::Settings;
use crate::tui::form::{self, Entry, Fields, NEW_OPTION, Outcome};
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::KeyHelp;

/// The order of the form's fields.
pub const FIELDS: [Field; 24] = [
    Field::Title,
    Field::Likelihood,
    Field::Impact,
    Field::Status,
    Field::Team,
    Field::Milestone,
    Field::Owner,
    Field::Category,
    Field::Service,
    Field::Tags,
    Field::NextReview,
    Field::AcceptedUntil,
    Field::Approver,
    Field::Ettd,
    Field::Ettr,
    Field::Users,
    Field::Ettf,
    Field::TargetEttd,
    Field::TargetEttr,
    Field::TargetUsers,
    Field::TargetEttf,
    Field::TargetLikelihood,
    Field::TargetImpact,
    Field::Description,
];

pub fn label(field: Field) -> &'static str {
    match field {
        Field::Title => "Title",
        Field::Description => "Description",
        Field::Category => "Category",
        Field::Service => "Service",
        Field::Likelihood => "Likelihood",
        Field::Impact => "Impact",
        Field::TargetLikelihood => "→ likelihood",
        Field::TargetImpact => "→ impact",
        Field::Status => "Status",
        Field::Team => "Team",
        Field::Milestone => "Milestone",
        Field::Owner => "Owner",
        Field::Tags => "Tags",
        Field::NextReview => "Next review",
        Field::AcceptedUntil => "Accepted until",
        Field::Approver => "Approver",
        Field::Ettd => "Detect (min)",
        Field::Ettr => "Repair (min)",
        Field::Users => "Users (%)",
        Field::Ettf => "Every (days)",
        Field::TargetEttd => "→ detect (min)",
        Field::TargetEttr => "→ repair (min)",
        Field::TargetUsers => "→ users (%)",
        Field::TargetEttf => "→ every (days)",
        Field::Links => "Links",
    }
}

/// Whether the form creates a risk or edits one (remembering what it started from, for the
/// merge on save).
#[derive(Clone, Debug, PartialEq)]
pub enum Mode {
    Add,
    Edit {
        id: i64,
        base: Box<RiskFields>,
        base_revision: i64,
    },
}

pub struct RiskForm {
    pub mode: Mode,
    pub fields: Fields,
}

/// What a key did to the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Continue,
    Save,
    Cancel,
    /// "+ new…" chosen in the team or milestone list.
    New(Field),
}

const KEYS: &[KeyHelp] = &[
    ("Tab/↓↑", "next field"),
    ("←/→", "pick"),
    ("Enter", "save"),
    ("Ctrl-S", "save from the description"),
    ("Esc", "cancel"),
];

fn level_options() -> Vec<String> {
    (1..=5).map(|n: u8| n.to_string()).collect()
}

/// A pick list of names: none first, then the names, then "+ new…".
fn names_with_new(names: &[String]) -> Vec<String> {
    let mut v = vec![String::new()];
    v.extend(names.iter().cloned());
    v.push(NEW_OPTION.into());
    v
}

/// Likelihood and impact show their word beside the number; an unset target says what
/// counts instead.
fn describe(entry: &Entry) -> Option<String> {
    let value = entry.current();
    if value.is_empty() && entry.key.starts_with("target_") {
        return Some("(as now)".into());
    }
    let level: u8 = value.parse().ok()?;
    match entry.key {
        "likelihood" | "target_likelihood" => {
            Likelihood::new(level).map(|l| format!("{value} {}", l.label()))
        }
        "impact" | "target_impact" => Impact::new(level).map(|i| format!("{value} {}", i.label())),
        _ => None,
    }
}

/// The choices of a target level: none (today's counts), then 1 to 5.
fn target_level_options() -> Vec<String> {
    std::iter::once(String::new())
        .chain(level_options())
        .collect()
}

impl RiskForm {
    /// A form for `fields`; `teams` and `milestones` are the names the pick lists offer.
    pub fn new(
        mode: Mode,
        fields: &RiskFields,
        teams: &[String],
        milestones: &[String],
    ) -> RiskForm {
        let entries = FIELDS
            .iter()
            .map(|&field| {
                let value = fields.value_text(field);
                let (key, name) = (field.name(), label(field));
                match field {
                    Field::Likelihood | Field::Impact => {
                        Entry::pick(key, name, level_options(), &value)
                    }
                    Field::TargetLikelihood | Field::TargetImpact => {
                        Entry::pick(key, name, target_level_options(), &value)
                    }
                    Field::Status => Entry::pick(
                        key,
                        name,
                        Status::ALL.iter().map(|s| s.as_str().to_string()).collect(),
                        &value,
                    ),
                    Field::Team => Entry::pick(key, name, names_with_new(teams), &value),
                    Field::Milestone => Entry::pick(key, name, names_with_new(milestones), &value),
                    Field::Description => Entry::text(key, name, &value).multiline(),
                    Field::Ettd | Field::Ettr | Field::TargetEttd | Field::TargetEttr => {
                        Entry::text(key, name, &value)
                            .hint("minutes, or a range such as 20..60 (a 90% interval)")
                    }
                    Field::Users | Field::TargetUsers => Entry::text(key, name, &value)
                        .hint("percent of users, or a range such as 5..40 (a 90% interval)"),
                    Field::Ettf | Field::TargetEttf => Entry::text(key, name, &value)
                        .hint("days between occurrences (365.25 is once a year)"),
                    _ => Entry::text(key, name, &value),
                }
            })
            .collect();
        let mut form = RiskForm {
            mode,
            fields: Fields::new(entries),
        };
        form.fields.warning = form.estimates_warning();
        form
    }

    /// An empty form for a new risk (likelihood and impact 3, open).
    pub fn for_add(teams: &[String], milestones: &[String]) -> RiskForm {
        RiskForm::new(
            Mode::Add,
            &RiskFields::new(String::new(), Likelihood::MIDDLE, Impact::MIDDLE),
            teams,
            milestones,
        )
    }

    pub fn for_edit(risk: &Risk, teams: &[String], milestones: &[String]) -> RiskForm {
        RiskForm::new(
            Mode::Edit {
                id: risk.id,
                base: Box::new(risk.fields.clone()),
                base_revision: risk.revision,
            },
            &risk.fields,
            teams,
            milestones,
        )
    }

    pub fn title(&self) -> String {
        match &self.mode {
            Mode::Add => "New risk".into(),
            Mode::Edit { id, .. } => format!("Edit risk {id}"),
        }
    }

    pub fn focus_field(&mut self, field: Field) {
        self.fields.focus_on(field.name());
    }

    /// Sets a field's value as if typed (used to preset the status when accepting).
    pub fn set_value(&mut self, field: Field, value: &str) {
        if let Some(e) = self.fields.get_mut(field.name()) {
            e.set(value);
        }
    }

    /// Adds a newly created team or milestone to its pick list and chooses it.
    pub fn add_name(&mut self, field: Field, name: &str) {
        if let Some(e) = self.fields.get_mut(field.name()) {
            e.add_option(name);
        }
    }

    /// Handles one key (asking before Esc throws changes away).
    pub fn handle_key(&mut self, key: KeyEvent) -> Step {
        let step = self.key_step(key);
        self.fields.warning = self.estimates_warning();
        step
    }

    /// A warning while the estimates are partial: some but not all four.
    fn estimates_warning(&self) -> Option<String> {
        let given = [Field::Ettd, Field::Ettr, Field::Users, Field::Ettf]
            .iter()
            .filter(|f| !self.fields.value(f.name()).trim().is_empty())
            .count();
        (given > 0 && given < 4).then(|| {
            "partial estimates: the bad minutes count only with detect, repair, users and every"
                .to_string()
        })
    }

    fn key_step(&mut self, key: KeyEvent) -> Step {
        match self.fields.guarded_key(key) {
            Outcome::Continue => Step::Continue,
            Outcome::Save => Step::Save,
            Outcome::Cancel => Step::Cancel,
            Outcome::New(key) => Field::from_name(key).map_or(Step::Continue, Step::New),
        }
    }

    /// Checks every field and the lifecycle rules, marking each field's error; the fields as
    /// they would be saved, and the patch from the starting state, when all is well.
    pub fn validate(
        &mut self,
        today: Date,
        settings: &Settings,
    ) -> Option<(RiskFields, RiskPatch)> {
        let base = match &self.mode {
            Mode::Add => RiskFields::new(String::new(), Likelihood::LOWEST, Impact::LOWEST),
            Mode::Edit { base, .. } => (**base).clone(),
        };
        let mut all = RiskPatch::default();
        let mut ok = true;
        for entry in &mut self.fields.entries {
            let Some(field) = Field::from_name(entry.key) else {
                continue;
            };
            let value = entry.value();
            let value = if value == NEW_OPTION {
                String::new()
            } else {
                value
            };
            entry.error = set_from_text(&mut all, field, &value)
                .err()
                .map(|e| e.reason);
            ok &= entry.error.is_none();
        }
        if !ok {
            self.fields.error = Some("fix the marked fields to save".into());
            return None;
        }
        let mine = base.patched(&all);
        let patch = crate::domain::merge::patch_between(&base, &mine);
        let checked = match &self.mode {
            Mode::Add => lifecycle::plan_create(mine.clone(), Rules::Interactive, today, settings)
                .map(|_| ()),
            Mode::Edit { base, .. } => {
                lifecycle::plan_edit(base, &patch, Rules::Interactive, today, settings).map(|_| ())
            }
        };
        if let Err(e) = checked {
            self.mark(&e);
            return None;
        }
        self.fields.error = None;
        Some((mine, patch))
    }

    /// Shows a refusal next to the field it names (or for the whole form).
    pub fn mark(&mut self, e: &FieldError) {
        self.fields.mark(&e.field, &e.reason);
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, t: Theme) {
        let keys = self.fields.keys(KEYS);
        form::render(&self.fields, &self.title(), keys, describe, area, buf, t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyCode;
    use ratatui::crossterm::event::{KeyEventKind, KeyModifiers};

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new_with_kind(code, KeyModifiers::NONE, KeyEventKind::Press)
    }

    fn today() -> Date {
        Date::constant(2026, 11, 24)
    }

    #[test]
    fn an_empty_title_cannot_be_saved_and_is_marked() {
        let mut f = RiskForm::for_add(&[], &[]);
        assert!(f.validate(today(), &Settings::default()).is_none());
        assert!(
            f.fields.entries[0]
                .error
                .as_deref()
                .is_some_and(|e| e.contains("empty"))
        );
        for c in "Primary DB has no failover".chars() {
            f.handle_key(key(KeyCode::Char(c)));
        }
        let (fields, _) = f.validate(today(), &Settings::default()).unwrap();
        assert_eq!(fields.title, "Primary DB has no failover");
        assert_eq!((fields.likelihood.get(), fields.impact.get()), (3, 3));
    }

    #[test]
    fn accepting_without_an_approver_is_marked_on_the_approver() {
        let mut f = RiskForm::for_add(&[], &[]);
        for c in "Vendor DNS single point".chars() {
            f.handle_key(key(KeyCode::Char(c)));
        }
        f.set_value(Field::Status, "accepted");
        assert!(f.validate(today(), &Settings::default()).is_none());
        let approver = f.fields.get("approver").unwrap();
        assert!(approver.error.is_some());
        assert!(
            !approver.error.as_deref().unwrap_or("").contains("--"),
            "the form never names a command-line flag"
        );
    }

    #[test]
    fn esc_with_changes_asks_first_and_without_closes() {
        let mut f = RiskForm::for_add(&[], &[]);
        assert_eq!(
            f.handle_key(key(KeyCode::Esc)),
            Step::Cancel,
            "nothing typed"
        );
        f.handle_key(key(KeyCode::Char('x')));
        assert_eq!(f.handle_key(key(KeyCode::Esc)), Step::Continue);
        assert!(f.fields.discarding);
        assert_eq!(f.handle_key(key(KeyCode::Char('n'))), Step::Continue);
        assert!(!f.fields.discarding, "back to editing");
        assert_eq!(f.fields.value("title"), "x", "nothing lost");
        f.handle_key(key(KeyCode::Esc));
        assert_eq!(f.handle_key(key(KeyCode::Char('y'))), Step::Cancel);
    }

    #[test]
    fn an_untouched_form_saves_every_field_byte_for_byte() {
        let mut fields = RiskFields::new(
            "Replica lag".into(),
            Likelihood::new(2).unwrap(),
            Impact::new(4).unwrap(),
        );
        fields.description = "a\tb\n\ttabbed line".into();
        fields.owner = "ana".into();
        fields.tags = vec!["db".into(), "net".into()];
        fields.next_review = Some(today());
        fields.estimates.ettf = crate::domain::Amount::new(365.25 / 1000.0);
        fields.estimates.ettd = crate::domain::Amount::new(1e-7);
        fields.target.users = crate::domain::Amount::new(1.0 / 3.0);
        let risk = Risk {
            id: 7,
            fields: fields.clone(),
            band: crate::scoring::Band::Medium,
            target_band: crate::scoring::Band::Medium,
            milestone_due: None,
            created_at: String::new(),
            updated_at: String::new(),
            revision: 3,
            actions: crate::domain::ActionTally::default(),
        };
        let mut f = RiskForm::for_edit(&risk, &[], &[]);
        let (saved, patch) = f.validate(today(), &Settings::default()).unwrap();
        assert_eq!(saved, fields);
        assert!(patch.is_empty(), "nothing to write: {patch:?}");
    }
}
