//! One line of text asked for: the name of a new team or milestone, a team's new name, or a
//! team or milestone created from the risk form's pick list.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;
use ratatui_textarea::TextArea;

use super::risk_form::RiskForm;
use crate::domain::Field;
use crate::text::sanitize_line;
use crate::tui::form::text_key;
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::{KeyHelp, PopupFrame};

/// What the text is for.
pub enum Purpose {
    NewTeam,
    RenameTeam(String),
    NewMilestone,
    /// A team or milestone created from the risk form, which is waiting underneath.
    FromForm(Field, Box<RiskForm>),
}

pub struct Prompt {
    pub purpose: Purpose,
    pub input: TextArea<'static>,
    pub error: Option<String>,
}

/// What a key did.
pub enum Step {
    Continue,
    Cancel,
    Submit(String),
}

const KEYS: &[KeyHelp] = &[("Enter", "save"), ("Esc", "cancel")];

impl Prompt {
    fn new(purpose: Purpose, value: &str) -> Prompt {
        let mut input = TextArea::new(vec![value.to_string()]);
        input.set_cursor_line_style(Style::default());
        input.move_cursor(ratatui_textarea::CursorMove::End);
        Prompt {
            purpose,
            input,
            error: None,
        }
    }

    pub fn new_team() -> Prompt {
        Prompt::new(Purpose::NewTeam, "")
    }

    pub fn rename_team(name: &str) -> Prompt {
        Prompt::new(Purpose::RenameTeam(name.to_string()), name)
    }

    pub fn new_milestone() -> Prompt {
        Prompt::new(Purpose::NewMilestone, "")
    }

    pub fn from_form(field: Field, form: Box<RiskForm>) -> Prompt {
        Prompt::new(Purpose::FromForm(field, form), "")
    }

    fn question(&self) -> String {
        match &self.purpose {
            Purpose::NewTeam => "Name of the new team:".into(),
            Purpose::RenameTeam(old) => format!("New name for team {}:", sanitize_line(old)),
            Purpose::NewMilestone => {
                "Name of the new milestone (its due date, team and status come next):".into()
            }
            Purpose::FromForm(Field::Team, _) => "Name of the new team:".into(),
            Purpose::FromForm(..) => "Name of the new milestone:".into(),
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Step {
        match key.code {
            KeyCode::Esc => Step::Cancel,
            KeyCode::Enter => Step::Submit(self.input.lines().join(" ")),
            _ => {
                if text_key(&mut self.input, key) {
                    self.error = None;
                }
                Step::Continue
            }
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, t: Theme) {
        if let Purpose::FromForm(_, form) = &self.purpose {
            form.render(area, buf, t);
        }
        let mut body = vec![Line::raw(self.question()), Line::default()];
        if let Some(e) = &self.error {
            body.push(Line::styled(e.clone(), t.error()));
        }
        let inner = PopupFrame {
            title: " Name ".into(),
            body,
            keys: KEYS,
            width: 64,
            scroll: 0,
        }
        .render(area, buf, t);
        if inner.height > 1 {
            let field = Rect {
                y: inner.y + 1,
                height: 1,
                ..inner
            };
            self.input.render(field, buf);
        }
    }
}
