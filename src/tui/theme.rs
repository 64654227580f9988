//! Every style the TUI uses, in one place. With `NO_COLOR` set the theme keeps emphasis
//! (bold, reverse) and drops colour.

use ratatui::style::{Color, Modifier, Style};

use crate::scoring::Band;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to something non-empty.
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn band(self, band: Band) -> Style {
        match band {
            Band::Critical => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Band::High => self.fg(Color::LightRed),
            Band::Medium => self.fg(Color::Yellow),
            Band::Low => self.fg(Color::Green),
        }
    }

    /// A matrix cell's background by band.
    pub fn band_cell(self, band: Band) -> Style {
        if !self.color {
            return match band {
                Band::Critical => Style::new().add_modifier(Modifier::BOLD),
                _ => Style::new(),
            };
        }
        let bg = match band {
            Band::Critical => Color::Red,
            Band::High => Color::LightRed,
            Band::Medium => Color::Yellow,
            Band::Low => Color::Green,
        };
        Style::new().bg(bg).fg(Color::Black)
    }

    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn header(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn warn(self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn ok(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn overdue(self) -> Style {
        self.fg(Color::Red)
    }

    pub fn focus(self) -> Style {
        self.fg(Color::Cyan)
    }
}
