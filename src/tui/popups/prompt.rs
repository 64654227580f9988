//! One line of text asked for: the name of a new team or milestone, a team's new name, a
//! team or milestone created from the risk form's pick list, the "why" of a status move, a
//! comment, a link, or the day a view of the history starts from.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;
use ratatui_textarea::TextArea;

use super::confirm::Pending;
use super::risk_form::RiskForm;
use crate::domain::Field;
use crate::text::sanitize_line;
use crate::tui::form::text_key;
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::{KeyHelp, PopupFrame};

/// The prompt's width.
const WIDTH: u16 = 72;

/// What the text is for.
pub enum Purpose {
    NewTeam,
    RenameTeam(String),
    NewMilestone,
    /// A team or milestone created from the risk form, which is waiting underneath.
    FromForm(Field, Box<RiskForm>),
    /// The optional "why" of a change, which becomes its note.
    Why(Pending),
    /// A comment on a risk.
    Comment(i64),
    /// A link to add to a risk (`-URL` removes one); its links now, as lines.
    Link(i64, Vec<String>),
    /// The date a view of the history starts from.
    Since(SinceFor),
}

/// Which view a since date is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SinceFor {
    /// The History tab's agenda of what changed.
    Changes,
    /// The Risks tab's band-move marks.
    BandMoves,
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
const WHY_KEYS: &[KeyHelp] = &[("Enter", "go on (empty: no note)"), ("Esc", "cancel")];
const SINCE_KEYS: &[KeyHelp] = &[("Enter", "show"), ("Esc", "cancel")];

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

    pub fn why(pending: Pending) -> Prompt {
        Prompt::new(Purpose::Why(pending), "")
    }

    pub fn comment(risk: i64) -> Prompt {
        Prompt::new(Purpose::Comment(risk), "")
    }

    pub fn link(risk: i64, links: Vec<String>) -> Prompt {
        Prompt::new(Purpose::Link(risk, links), "")
    }

    pub fn since(what: SinceFor, default: jiff::civil::Date) -> Prompt {
        Prompt::new(Purpose::Since(what), &default.to_string())
    }

    fn title(&self) -> &'static str {
        match &self.purpose {
            Purpose::Why(_) => " Why? ",
            Purpose::Comment(_) => " Comment ",
            Purpose::Link(..) => " Links ",
            Purpose::Since(_) => " Since ",
            _ => " Name ",
        }
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
            Purpose::Why(p) => format!(
                "{} Why, in a line (kept in the history; optional):",
                p.question()
            ),
            Purpose::Comment(id) => format!("Comment on risk {id} (kept in its history):"),
            Purpose::Since(SinceFor::Changes) => {
                "What changed since which day (YYYY-MM-DD)? The agenda of the review, from the history:".into()
            }
            Purpose::Since(SinceFor::BandMoves) => {
                "Mark the risks whose band moved since which day (YYYY-MM-DD)?".into()
            }
            Purpose::Link(id, _) => format!(
                "Add a link to risk {id}: an http(s) URL or a ticket key such as PLAT-1234, then a label if you like. -URL removes one."
            ),
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
        let question = Line::raw(self.question());
        let mut body = vec![question.clone(), Line::default()];
        if let Some(e) = &self.error {
            body.push(Line::styled(e.clone(), t.error()));
        }
        if let Purpose::Link(_, links) = &self.purpose {
            body.push(Line::styled(
                if links.is_empty() {
                    "No links yet."
                } else {
                    "Its links:"
                },
                t.dim(),
            ));
            body.extend(
                links
                    .iter()
                    .map(|l| Line::raw(format!("  {}", sanitize_line(l)))),
            );
        }
        let keys = match self.purpose {
            Purpose::Why(_) => WHY_KEYS,
            Purpose::Since(_) => SINCE_KEYS,
            _ => KEYS,
        };
        let inner = PopupFrame {
            title: self.title().into(),
            body,
            keys,
            width: WIDTH,
            scroll: 0,
        }
        .render(area, buf, t);
        let asked = crate::tui::widgets::frame::wrapped_height(&[question], inner.width);
        if inner.height > asked {
            let field = Rect {
                y: inner.y + asked,
                height: 1,
                ..inner
            };
            self.input.render(field, buf);
        }
    }
}
