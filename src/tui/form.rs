//! Forms: one entry per field (text edited with `ratatui-textarea`, or a pick list), keys to
//! move between them, and how they are drawn, with the form's keys always on screen and a
//! sign when the fields scroll. What a form saves and how it checks it is the popup's own
//! (risk, milestone, incident).

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};
use ratatui_textarea::TextArea;

use super::layout;
use super::theme::Theme;
use super::widgets::cell;
use super::widgets::frame::{KeyHelp, key_line};
use crate::text::{is_unsafe_char, sanitize};

/// The pick-list option that creates a new team or milestone from the form.
pub(crate) const NEW_OPTION: &str = "+ new…";

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
    /// The field's name (`title`, `due`, …), as errors name it.
    pub key: &'static str,
    pub label: &'static str,
    pub input: Input,
    pub error: Option<String>,
    pub multiline: bool,
    /// What the field takes, shown while it has the focus.
    pub hint: Option<&'static str>,
    /// The stored value, and the text the form first showed for it: an entry left as it
    /// was shown keeps the stored value byte for byte, even where the form had to show it
    /// escaped.
    original: String,
    shown: String,
}

impl Entry {
    /// A text entry holding `value`.
    pub fn text(key: &'static str, label: &'static str, value: &str) -> Entry {
        Entry::new(
            key,
            label,
            Input::Text(Box::new(text_area(&displayable(value)))),
            value,
        )
    }

    /// A pick list with `current` chosen (the first option when it is not one of them).
    pub fn pick(
        key: &'static str,
        label: &'static str,
        options: Vec<String>,
        current: &str,
    ) -> Entry {
        let index = options
            .iter()
            .position(|o| o.eq_ignore_ascii_case(current))
            .unwrap_or(0);
        Entry::new(key, label, Input::Pick { options, index }, current)
    }

    fn new(key: &'static str, label: &'static str, input: Input, original: &str) -> Entry {
        let mut entry = Entry {
            key,
            label,
            input,
            error: None,
            multiline: false,
            hint: None,
            original: original.to_string(),
            shown: String::new(),
        };
        entry.shown = entry.current();
        entry
    }

    pub fn multiline(mut self) -> Entry {
        self.multiline = true;
        self
    }

    /// What the field takes, shown under the fields while it has the focus.
    pub fn hint(mut self, hint: &'static str) -> Entry {
        self.hint = Some(hint);
        self
    }

    /// What the entry shows now.
    pub fn current(&self) -> String {
        match &self.input {
            Input::Text(t) => t.lines().join("\n"),
            Input::Pick { options, index } => options.get(*index).cloned().unwrap_or_default(),
        }
    }

    /// The value to save: the stored one when the entry still shows what it first showed.
    pub fn value(&self) -> String {
        let text = self.current();
        if text == self.shown {
            self.original.clone()
        } else {
            text
        }
    }

    /// Whether the person changed it.
    pub fn is_dirty(&self) -> bool {
        self.current() != self.shown
    }

    /// Sets the value as if typed (or picked).
    pub fn set(&mut self, value: &str) {
        match &mut self.input {
            Input::Text(t) => **t = text_area(&displayable(value)),
            Input::Pick { options, index } => {
                if let Some(i) = options.iter().position(|o| o.eq_ignore_ascii_case(value)) {
                    *index = i;
                }
            }
        }
    }

    /// Adds an option to a pick list (before "+ new…") and chooses it.
    pub fn add_option(&mut self, value: &str) {
        if let Input::Pick { options, index } = &mut self.input {
            let at = options
                .iter()
                .position(|o| o == NEW_OPTION)
                .unwrap_or(options.len());
            options.insert(at, value.to_string());
            *index = at;
        }
    }

    /// Whether the pick list is on "+ new…".
    pub fn wants_new(&self) -> bool {
        matches!(&self.input, Input::Pick { .. }) && self.current() == NEW_OPTION
    }
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
    t.set_cursor_line_style(Style::default());
    t.move_cursor(ratatui_textarea::CursorMove::Bottom);
    t.move_cursor(ratatui_textarea::CursorMove::End);
    t
}

/// What a key did to a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Continue,
    Save,
    Cancel,
    /// Enter on a pick list's "+ new…": create a new entry for this field.
    New(&'static str),
}

/// A form's entries and where the focus is.
pub struct Fields {
    pub entries: Vec<Entry>,
    pub focus: usize,
    /// A message for the whole form (e.g. why saving failed).
    pub error: Option<String>,
    /// A warning that does not stop saving (e.g. partial estimates).
    pub warning: Option<String>,
    /// Esc was pressed with changes: the form asks whether to throw them away.
    pub discarding: bool,
}

/// The keys while a form asks whether to throw away its changes.
pub(crate) const DISCARD_KEYS: &[KeyHelp] = &[("y", "discard changes"), ("n/Esc", "keep editing")];

/// What a key did to a form that saves or cancels as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Continue,
    Cancel,
    Save,
}

impl From<Outcome> for Step {
    fn from(o: Outcome) -> Step {
        match o {
            Outcome::Save | Outcome::New(_) => Step::Save,
            Outcome::Cancel => Step::Cancel,
            Outcome::Continue => Step::Continue,
        }
    }
}

impl Fields {
    pub fn new(entries: Vec<Entry>) -> Fields {
        Fields {
            entries,
            focus: 0,
            error: None,
            warning: None,
            discarding: false,
        }
    }

    /// A key, asking before `Esc` throws changes away: while it asks, `y` cancels and any
    /// other key goes back to editing.
    pub fn guarded_key(&mut self, key: KeyEvent) -> Outcome {
        if self.discarding {
            if matches!(key.code, KeyCode::Char('y' | 'Y')) {
                return Outcome::Cancel;
            }
            self.discarding = false;
            return Outcome::Continue;
        }
        match self.handle_key(key) {
            Outcome::Cancel if self.is_dirty() => {
                self.discarding = true;
                Outcome::Continue
            }
            other => other,
        }
    }

    /// `keys`, or the discard question's keys while it is asked.
    pub fn keys<'a>(&self, keys: &'a [KeyHelp]) -> &'a [KeyHelp] {
        if self.discarding { DISCARD_KEYS } else { keys }
    }

    pub fn focused(&self) -> Option<&Entry> {
        self.entries.get(self.focus)
    }

    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.key == key)
    }

    /// The value of the entry named `key` ("" when there is none).
    pub fn value(&self, key: &str) -> String {
        self.get(key).map(Entry::value).unwrap_or_default()
    }

    pub fn focus_on(&mut self, key: &str) {
        if let Some(i) = self.entries.iter().position(|e| e.key == key) {
            self.focus = i;
        }
    }

    /// Whether anything was changed since the form opened.
    pub fn is_dirty(&self) -> bool {
        self.entries.iter().any(Entry::is_dirty)
    }

    /// Shows a refusal next to the entry it names, and for the whole form.
    pub fn mark(&mut self, key: &str, reason: &str) {
        match self.entries.iter_mut().find(|e| e.key == key) {
            Some(entry) => {
                entry.error = Some(reason.to_string());
                self.error = Some(format!("{}: {reason}", entry.label));
            }
            None => self.error = Some(reason.to_string()),
        }
    }

    pub fn clear_errors(&mut self) {
        for e in &mut self.entries {
            e.error = None;
        }
        self.error = None;
    }

    /// Handles one key. Tab/↓ and Shift-Tab/↑ move between fields (↑/↓ move lines inside a
    /// multi-line field), Enter saves (a new line in a multi-line field), Ctrl-S saves, Esc
    /// cancels.
    pub fn handle_key(&mut self, key: KeyEvent) -> Outcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let n = self.entries.len().max(1);
        let multiline = self.focused().is_some_and(|e| e.multiline);
        match key.code {
            KeyCode::Esc => return Outcome::Cancel,
            KeyCode::Char('s') if ctrl => return Outcome::Save,
            KeyCode::Enter if !multiline => {
                return match self.focused() {
                    Some(e) if e.wants_new() => Outcome::New(e.key),
                    _ => Outcome::Save,
                };
            }
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
}

/// A key for a text field: the textarea's own bindings, plus Ctrl-U deleting to the start of
/// the line as in a shell. Whether the text changed.
pub(crate) fn text_key(t: &mut TextArea<'static>, key: KeyEvent) -> bool {
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

/// The keys every form shows.
pub(crate) const KEYS: &[KeyHelp] = &[
    ("Tab/↓↑", "next field"),
    ("←/→", "pick"),
    ("Enter", "save"),
    ("Esc", "cancel"),
];

const LABEL_W: u16 = 16;
/// The multi-line box's smallest height (two lines and its border).
const BOX_MIN: u16 = 4;

/// How a pick list shows its value; `describe` may add words (likelihood "3 possible").
pub(crate) type Describe = fn(&Entry) -> Option<String>;

fn pick_text(entry: &Entry, describe: Describe) -> String {
    let value = entry.current();
    let shown = describe(entry).unwrap_or_else(|| {
        if value.is_empty() {
            "(none)".into()
        } else {
            value
        }
    });
    format!("‹ {shown} ›")
}

fn render_entry(
    entry: &Entry,
    focused: bool,
    area: Rect,
    buf: &mut Buffer,
    t: Theme,
    describe: Describe,
) {
    let label_style = if focused { t.focus() } else { t.dim() };
    let marker = if focused { "›" } else { " " };
    Span::styled(
        format!("{marker}{:<w$}", entry.label, w = usize::from(LABEL_W - 1)),
        label_style,
    )
    .render(
        Rect {
            width: LABEL_W.min(area.width),
            ..area
        },
        buf,
    );
    let value_area = Rect {
        x: area.x + LABEL_W.min(area.width),
        width: area.width.saturating_sub(LABEL_W),
        ..area
    };
    let error_w = if entry.error.is_some() {
        value_area.width / 2
    } else {
        0
    };
    let input_area = Rect {
        width: value_area.width - error_w,
        ..value_area
    };
    match &entry.input {
        Input::Text(ta) if focused => ta.render(input_area, buf),
        Input::Text(_) => {
            let text = entry.current();
            let first = text.lines().next().unwrap_or("");
            Span::raw(cell(first, input_area.width)).render(input_area, buf);
        }
        Input::Pick { .. } => {
            let style = if focused {
                t.selected()
            } else {
                Style::default()
            };
            Span::styled(cell(&pick_text(entry, describe), input_area.width), style)
                .render(input_area, buf);
        }
    }
    if let Some(e) = &entry.error {
        let err = Rect {
            x: input_area.x + input_area.width,
            width: error_w,
            ..value_area
        };
        Span::styled(cell(&format!(" {e}"), err.width), t.error()).render(err, buf);
    }
}

/// Draws a form: the one-line fields (scrolling to keep the focus in view, with a sign when
/// some are out of view), a multi-line field as a box, the form's message and its keys.
pub(crate) fn render(
    fields: &Fields,
    title: &str,
    keys: &[KeyHelp],
    describe: Describe,
    area: Rect,
    buf: &mut Buffer,
    t: Theme,
) {
    let has_box = fields.entries.iter().any(|e| e.multiline);
    let singles: Vec<(usize, &Entry)> = fields
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.multiline)
        .collect();
    let wanted = u16::try_from(singles.len()).unwrap_or(u16::MAX)
        + if has_box { BOX_MIN + 4 } else { 0 }
        + 2
        + 2;
    let area = layout::popup(area, 100, wanted.max(8));
    Clear.render(area, buf);
    let inner_w = area.width.saturating_sub(2);
    let keys_line = key_line(keys, t);
    let keys_h =
        crate::tui::widgets::frame::wrapped_height(std::slice::from_ref(&keys_line), inner_w)
            .max(1);
    let inner_h = area.height.saturating_sub(2);
    // Rows for the one-line fields: all that is left after the box, the message and keys.
    let reserved = keys_h + 1 + if has_box { BOX_MIN } else { 0 };
    let room = usize::from(inner_h.saturating_sub(reserved)).max(1);
    let shown = singles.len().min(room);
    let focus_at = singles.iter().position(|(i, _)| *i == fields.focus);
    let first = focus_at.map_or(0, |f| (f + 1).saturating_sub(shown));
    let hidden_above = first;
    let hidden_below = singles.len().saturating_sub(first + shown);
    let mut block = Block::bordered().title(format!(" {title} "));
    if hidden_above + hidden_below > 0 {
        let sign = match (hidden_above > 0, hidden_below > 0) {
            (true, true) => format!(" ↑{hidden_above} ↓{hidden_below} more fields (Tab) "),
            (true, false) => format!(" ↑{hidden_above} more fields "),
            _ => format!(" ↓{hidden_below} more fields (Tab) "),
        };
        block = block.title_bottom(Line::styled(sign, t.dim()).right_aligned());
    }
    let inner = block.inner(area);
    block.render(area, buf);
    let mut y = inner.y;
    for (i, entry) in singles.iter().skip(first).take(shown) {
        if y >= inner.bottom() {
            break;
        }
        render_entry(
            entry,
            *i == fields.focus,
            Rect {
                y,
                height: 1,
                ..inner
            },
            buf,
            t,
            describe,
        );
        y += 1;
    }
    let bottom = inner.bottom().saturating_sub(keys_h + 1);
    if let Some((i, entry)) = fields.entries.iter().enumerate().find(|(_, e)| e.multiline)
        && y < bottom
    {
        let focused = i == fields.focus;
        let box_area = Rect {
            y,
            height: bottom - y,
            ..inner
        };
        let style = if focused { t.focus() } else { t.dim() };
        let mut heading = format!(" {} ", entry.label);
        if let Some(e) = &entry.error {
            heading.push_str(&format!("— {e} "));
        }
        let frame = Block::bordered().border_style(style).title(heading);
        let text_area = frame.inner(box_area);
        frame.render(box_area, buf);
        match &entry.input {
            Input::Text(ta) if focused => ta.render(text_area, buf),
            _ => {
                let text = sanitize(&entry.current()).into_owned();
                let lines: Vec<Line> = text
                    .lines()
                    .map(|l| Line::raw(cell(l, text_area.width)))
                    .collect();
                Paragraph::new(lines).render(text_area, buf);
            }
        }
    }
    if inner.height > keys_h {
        let message = Rect {
            y: inner.bottom().saturating_sub(keys_h + 1),
            height: 1,
            ..inner
        };
        if let Some(e) = &fields.error {
            Span::styled(cell(e, message.width), t.error()).render(message, buf);
        } else if let Some(w) = &fields.warning {
            Span::styled(cell(w, message.width), t.warn()).render(message, buf);
        } else if let Some(hint) = fields.focused().and_then(|e| e.hint) {
            Span::styled(cell(hint, message.width), t.dim()).render(message, buf);
        }
    }
    let keys_area = Rect {
        y: inner.bottom().saturating_sub(keys_h),
        height: keys_h.min(inner.height),
        ..inner
    };
    Paragraph::new(keys_line)
        .wrap(ratatui::widgets::Wrap { trim: false })
        .render(keys_area, buf);
}

/// Describes nothing: pick lists show their values as they are.
pub(crate) fn plain(_entry: &Entry) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEventKind;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new_with_kind(code, KeyModifiers::NONE, KeyEventKind::Press)
    }

    #[test]
    fn pick_lists_cycle_jump_by_letter_and_offer_new() {
        let mut f = Fields::new(vec![Entry::pick(
            "team",
            "Team",
            vec![
                String::new(),
                "edge".into(),
                "platform".into(),
                NEW_OPTION.into(),
            ],
            "",
        )]);
        f.handle_key(key(KeyCode::Char('p')));
        assert_eq!(f.value("team"), "platform");
        f.handle_key(key(KeyCode::Right));
        assert_eq!(f.handle_key(key(KeyCode::Enter)), Outcome::New("team"));
        f.get_mut("team").unwrap().add_option("data");
        assert_eq!(f.value("team"), "data");
        assert_eq!(f.handle_key(key(KeyCode::Enter)), Outcome::Save);
    }

    #[test]
    fn an_entry_left_as_shown_keeps_its_stored_value_and_is_not_dirty() {
        let mut f = Fields::new(vec![
            Entry::text("owner", "Owner", "a\u{1b}b"),
            Entry::text("description", "Description", "x\ty").multiline(),
        ]);
        assert_eq!(
            f.value("owner"),
            "a\u{1b}b",
            "shown escaped, kept as stored"
        );
        assert_eq!(f.value("description"), "x\ty");
        assert!(!f.is_dirty());
        f.handle_key(key(KeyCode::Char('!')));
        assert!(f.is_dirty());
    }
}
