//! The add and edit form: one entry per field, text fields edited with `ratatui-textarea`,
//! pick lists for levels, status, team and milestone, and validation on every keystroke by
//! the same functions the CLI and the importer use.

use jiff::civil::Date;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use crate::domain::lifecycle::{self, Rules};
use crate::domain::merge::set_from_text;
use crate::domain::{Field, FieldError, Impact, Likelihood, Risk, RiskFields, RiskPatch, Status};
use crate::scoring::Settings;
use crate::text::{is_unsafe_char, sanitize};

/// The order of the form's fields.
pub const FIELDS: [Field; 22] = [
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
    }
}

/// How a field is edited.
pub enum Input {
    Text(Box<TextArea<'static>>),
    /// One of a fixed list; ←/→ cycle, a letter jumps.
    Pick {
        options: Vec<String>,
        index: usize,
    },
}

pub struct Entry {
    pub field: Field,
    pub input: Input,
    pub error: Option<String>,
    /// The field's stored value, and the text the form first showed for it: an entry left
    /// as it was shown keeps the stored value byte for byte, even where the form had to show
    /// it escaped.
    original: String,
    shown: String,
}

impl Entry {
    pub fn text(&self) -> String {
        match &self.input {
            Input::Text(t) => t.lines().join("\n"),
            Input::Pick { options, index } => options.get(*index).cloned().unwrap_or_default(),
        }
    }

    /// The value to save: the stored one when the entry still shows what it first showed.
    fn value(&self) -> String {
        let text = self.text();
        if text == self.shown {
            self.original.clone()
        } else {
            text
        }
    }

    pub fn is_multiline(&self) -> bool {
        self.field == Field::Description
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

pub struct Form {
    pub mode: Mode,
    pub entries: Vec<Entry>,
    pub focus: usize,
    /// A message for the whole form (e.g. why saving failed).
    pub error: Option<String>,
}

/// What a key did to the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Continue,
    Save,
    Cancel,
}

fn level_options() -> Vec<String> {
    (1..=5).map(|n: u8| n.to_string()).collect()
}

/// A value as the form shows it: as it is, unless it holds something a terminal would act on
/// besides line breaks and tabs (which the text area draws itself).
fn displayable(value: &str) -> String {
    if value
        .chars()
        .any(|c| is_unsafe_char(c) && c != '\n' && c != '\t')
    {
        sanitize(value).into_owned()
    } else {
        value.to_string()
    }
}

fn text_area(value: &str) -> TextArea<'static> {
    let lines: Vec<String> = value.split('\n').map(str::to_string).collect();
    let mut t = TextArea::new(lines);
    t.set_cursor_line_style(ratatui::style::Style::default());
    t.move_cursor(ratatui_textarea::CursorMove::Bottom);
    t.move_cursor(ratatui_textarea::CursorMove::End);
    t
}

fn pick(options: Vec<String>, current: &str) -> Input {
    let index = options
        .iter()
        .position(|o| o.eq_ignore_ascii_case(current))
        .unwrap_or(0);
    Input::Pick { options, index }
}

impl Form {
    /// A form for `fields`; `teams` and `milestones` are the names the pick lists offer.
    pub fn new(mode: Mode, fields: &RiskFields, teams: &[String], milestones: &[String]) -> Form {
        let with_none = |names: &[String]| {
            let mut v = vec![String::new()];
            v.extend(names.iter().cloned());
            v
        };
        let entries = FIELDS
            .iter()
            .map(|&field| {
                let value = fields.value_text(field);
                let input = match field {
                    Field::Likelihood | Field::Impact => pick(level_options(), &value),
                    Field::Status => pick(
                        Status::ALL.iter().map(|s| s.as_str().to_string()).collect(),
                        &value,
                    ),
                    Field::Team => pick(with_none(teams), &value),
                    Field::Milestone => pick(with_none(milestones), &value),
                    _ => Input::Text(Box::new(text_area(&displayable(&value)))),
                };
                let mut entry = Entry {
                    field,
                    input,
                    error: None,
                    original: value,
                    shown: String::new(),
                };
                entry.shown = entry.text();
                entry
            })
            .collect();
        Form {
            mode,
            entries,
            focus: 0,
            error: None,
        }
    }

    /// An empty form for a new risk (likelihood and impact 3, open).
    pub fn for_add(teams: &[String], milestones: &[String]) -> Form {
        Form::new(
            Mode::Add,
            &RiskFields::new(String::new(), Likelihood::MIDDLE, Impact::MIDDLE),
            teams,
            milestones,
        )
    }

    pub fn for_edit(risk: &Risk, teams: &[String], milestones: &[String]) -> Form {
        Form::new(
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

    pub fn focused(&self) -> Option<&Entry> {
        self.entries.get(self.focus)
    }

    pub fn focus_field(&mut self, field: Field) {
        if let Some(i) = self.entries.iter().position(|e| e.field == field) {
            self.focus = i;
        }
    }

    /// Sets a field's value as if typed (used to preset the status when accepting).
    pub fn set_value(&mut self, field: Field, value: &str) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.field == field) {
            match &mut e.input {
                Input::Text(t) => **t = text_area(&displayable(value)),
                Input::Pick { options, index } => {
                    if let Some(i) = options.iter().position(|o| o.eq_ignore_ascii_case(value)) {
                        *index = i;
                    }
                }
            }
        }
    }

    /// Handles one key. Tab/↓ and Shift-Tab/↑ move between fields (↑/↓ move lines inside the
    /// description), Enter saves (a new line in the description), Ctrl-S saves, Esc cancels.
    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let n = self.entries.len();
        let multiline = self.focused().is_some_and(Entry::is_multiline);
        match key.code {
            KeyCode::Esc => return Outcome::Cancel,
            KeyCode::Char('s') if ctrl => return Outcome::Save,
            KeyCode::Enter if !multiline => return Outcome::Save,
            KeyCode::Tab => self.focus = (self.focus + 1) % n,
            KeyCode::BackTab => self.focus = (self.focus + n - 1) % n,
            KeyCode::Down if !multiline => self.focus = (self.focus + 1) % n,
            KeyCode::Up if !multiline => self.focus = (self.focus + n - 1) % n,
            _ => {
                if let Some(entry) = self.entries.get_mut(self.focus) {
                    match &mut entry.input {
                        Input::Text(t) => {
                            text_key(t, key);
                        }
                        Input::Pick { options, index } => pick_key(options, index, key),
                    }
                }
            }
        }
        Outcome::Continue
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
        for entry in &mut self.entries {
            entry.error = set_from_text(&mut all, entry.field, &entry.value())
                .err()
                .map(|e| e.reason);
            ok &= entry.error.is_none();
        }
        if !ok {
            self.error = Some("fix the marked fields to save".into());
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
        self.error = None;
        Some((mine, patch))
    }

    /// Shows a refusal next to the field it names (or for the whole form).
    pub fn mark(&mut self, e: &FieldError) {
        match self
            .entries
            .iter_mut()
            .find(|en| en.field.name() == e.field)
        {
            Some(entry) => {
                entry.error = Some(e.reason.clone());
                self.error = Some(format!("{}: {}", label(entry.field), e.reason));
            }
            None => self.error = Some(e.to_string()),
        }
    }
}

/// A key for a text field: the textarea's own bindings, plus Ctrl-U deleting to the start of
/// the line as in a shell. Whether the text changed.
pub fn text_key(t: &mut TextArea<'static>, key: KeyEvent) -> bool {
    if key.code == KeyCode::Char('u') && key.modifiers.contains(KeyModifiers::CONTROL) {
        t.delete_line_by_head()
    } else {
        t.input(key)
    }
}

fn pick_key(options: &[String], index: &mut usize, key: KeyEvent) {
    let n = options.len().max(1);
    match key.code {
        KeyCode::Right | KeyCode::Char(' ') => *index = (*index + 1) % n,
        KeyCode::Left => *index = (*index + n - 1) % n,
        KeyCode::Home => *index = 0,
        KeyCode::End => *index = n - 1,
        KeyCode::Backspace | KeyCode::Delete if options.first().is_some_and(String::is_empty) => {
            *index = 0;
        }
        KeyCode::Char(c) => {
            let c = c.to_lowercase().to_string();
            let after = (1..=n).map(|k| (*index + k) % n);
            if let Some(i) = after.into_iter().find(|&i| {
                options
                    .get(i)
                    .is_some_and(|o| o.to_lowercase().starts_with(&c))
            }) {
                *index = i;
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEventKind;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new_with_kind(code, KeyModifiers::NONE, KeyEventKind::Press)
    }

    fn type_text(form: &mut Form, s: &str) {
        for c in s.chars() {
            form.handle_key(key(KeyCode::Char(c)));
        }
    }

    fn today() -> Date {
        Date::constant(2026, 11, 24)
    }

    #[test]
    fn an_empty_title_cannot_be_saved_and_is_marked() {
        let mut f = Form::for_add(&[], &[]);
        assert!(f.validate(today(), &Settings::default()).is_none());
        assert!(
            f.entries[0]
                .error
                .as_deref()
                .is_some_and(|e| e.contains("empty"))
        );
        type_text(&mut f, "Primary DB has no failover");
        let (fields, _) = f.validate(today(), &Settings::default()).unwrap();
        assert_eq!(fields.title, "Primary DB has no failover");
        assert_eq!((fields.likelihood.get(), fields.impact.get()), (3, 3));
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
            milestone_due: None,
            created_at: String::new(),
            updated_at: String::new(),
            revision: 3,
        };
        let mut f = Form::for_edit(&risk, &[], &[]);
        let (saved, patch) = f.validate(today(), &Settings::default()).unwrap();
        assert_eq!(saved, fields);
        assert!(patch.is_empty(), "nothing to write: {patch:?}");
    }

    #[test]
    fn pick_lists_cycle_and_jump_by_letter() {
        let teams = vec!["edge".to_string(), "platform".to_string()];
        let mut f = Form::for_add(&teams, &[]);
        f.focus_field(Field::Team);
        assert_eq!(f.focused().unwrap().text(), "");
        f.handle_key(key(KeyCode::Char('p')));
        assert_eq!(f.focused().unwrap().text(), "platform");
        f.handle_key(key(KeyCode::Right));
        assert_eq!(f.focused().unwrap().text(), "");
        f.handle_key(key(KeyCode::Left));
        assert_eq!(f.focused().unwrap().text(), "platform");
        f.focus_field(Field::Likelihood);
        f.handle_key(key(KeyCode::Char('5')));
        assert_eq!(f.focused().unwrap().text(), "5");
    }

    #[test]
    fn accepting_without_an_approver_is_marked_on_the_approver() {
        let mut f = Form::for_add(&[], &[]);
        type_text(&mut f, "Vendor DNS single point");
        f.set_value(Field::Status, "accepted");
        assert!(f.validate(today(), &Settings::default()).is_none());
        let approver = f
            .entries
            .iter()
            .find(|e| e.field == Field::Approver)
            .unwrap();
        assert!(approver.error.is_some());
    }

    #[test]
    fn keys_move_focus_save_and_cancel() {
        let mut f = Form::for_add(&[], &[]);
        assert_eq!(f.handle_key(key(KeyCode::Tab)), Outcome::Continue);
        assert_eq!(f.focused().unwrap().field, Field::Likelihood);
        f.handle_key(key(KeyCode::BackTab));
        f.handle_key(key(KeyCode::BackTab));
        assert_eq!(f.focused().unwrap().field, Field::Description);
        assert_eq!(
            f.handle_key(key(KeyCode::Enter)),
            Outcome::Continue,
            "newline in description"
        );
        assert_eq!(f.focused().unwrap().text(), "\n");
        assert_eq!(
            f.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
            Outcome::Save
        );
        assert_eq!(f.handle_key(key(KeyCode::Esc)), Outcome::Cancel);
    }
}
