//! The prompt for an export of exactly the rows in view (the filter and sort in force) to
//! CSV, an XLSX workbook or Markdown (the file name's extension says which; Tab switches
//! it). The loader writes it, through the same writers and atomic file as `riskreg export`.
//! An existing file is only replaced after a second, explicit yes.

use std::path::PathBuf;

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use ratatui_textarea::TextArea;

use crate::io::ExportFormat;
use crate::text::sanitize_line;
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::{KeyHelp, PopupFrame};

pub const DEFAULT_FILE: &str = "riskreg-export.csv";

const KEYS: &[KeyHelp] = &[("Enter", "write"), ("Tab", "format"), ("Esc", "cancel")];

/// The formats Tab steps through, as extensions.
const EXTENSIONS: [&str; 3] = ["csv", "xlsx", "md"];
const OVERWRITE_KEYS: &[KeyHelp] = &[("y", "replace it"), ("any other key", "no")];

pub struct ExportPrompt {
    pub input: TextArea<'static>,
    /// The file exists and the next Enter (or `y`) replaces it.
    pub confirm_overwrite: bool,
    pub error: Option<String>,
}

pub enum Step {
    Continue,
    Cancel,
    Write {
        path: PathBuf,
        format: ExportFormat,
        force: bool,
    },
}

impl Default for ExportPrompt {
    fn default() -> Self {
        ExportPrompt::new()
    }
}

impl ExportPrompt {
    pub fn new() -> ExportPrompt {
        let mut input = TextArea::new(vec![DEFAULT_FILE.to_string()]);
        input.set_cursor_line_style(ratatui::style::Style::default());
        input.move_cursor(ratatui_textarea::CursorMove::End);
        ExportPrompt {
            input,
            confirm_overwrite: false,
            error: None,
        }
    }

    pub fn path(&self) -> PathBuf {
        PathBuf::from(self.input.lines().join("").trim())
    }

    /// A workbook for `.xlsx`, Markdown for `.md`, else CSV.
    pub fn format(&self) -> ExportFormat {
        match ExportFormat::from_path(&self.path()) {
            Some(f @ (ExportFormat::Markdown | ExportFormat::Xlsx)) => f,
            _ => ExportFormat::Csv,
        }
    }

    /// Gives the file name the next format's extension (csv → xlsx → md → csv).
    fn next_format(&mut self) {
        let path = self.path();
        let next = match self.format() {
            ExportFormat::Csv => EXTENSIONS[1],
            ExportFormat::Xlsx => EXTENSIONS[2],
            _ => EXTENSIONS[0],
        };
        let renamed = path.with_extension(next).display().to_string();
        let mut input = TextArea::new(vec![renamed]);
        input.set_cursor_line_style(ratatui::style::Style::default());
        input.move_cursor(ratatui_textarea::CursorMove::End);
        self.input = input;
        self.error = None;
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Step {
        if self.confirm_overwrite {
            return match key.code {
                KeyCode::Char('y' | 'Y') => self.write(true),
                KeyCode::Esc => Step::Cancel,
                _ => {
                    self.confirm_overwrite = false;
                    Step::Continue
                }
            };
        }
        match key.code {
            KeyCode::Esc => Step::Cancel,
            KeyCode::Tab => {
                self.next_format();
                Step::Continue
            }
            KeyCode::Enter => {
                let path = self.path();
                if path.as_os_str().is_empty() {
                    self.error =
                        Some("type a file name, e.g. risks.csv, risks.xlsx or risks.md".into());
                    Step::Continue
                } else if path.exists() {
                    self.confirm_overwrite = true;
                    Step::Continue
                } else {
                    self.write(false)
                }
            }
            _ => {
                if crate::tui::form::text_key(&mut self.input, key) {
                    self.error = None;
                }
                Step::Continue
            }
        }
    }

    fn write(&mut self, force: bool) -> Step {
        self.confirm_overwrite = false;
        Step::Write {
            path: self.path(),
            format: self.format(),
            force,
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, theme: Theme) {
        let format = match self.format() {
            ExportFormat::Markdown => "Markdown table",
            ExportFormat::Xlsx => "XLSX workbook (Risks and their open Actions)",
            _ => "CSV (spreadsheet-safe)",
        };
        let mut body = vec![
            Line::from("File (.csv, .xlsx or .md; Tab switches):"),
            Line::default(),
            Line::from(vec![
                Span::styled("Format: ", theme.dim()),
                Span::raw(format),
            ]),
        ];
        if self.confirm_overwrite {
            body.push(Line::styled(
                format!(
                    "{} exists. Replace it?",
                    sanitize_line(&self.path().display().to_string())
                ),
                theme.warn(),
            ));
        } else if let Some(e) = &self.error {
            body.push(Line::styled(e.clone(), theme.error()));
        }
        let keys = if self.confirm_overwrite {
            OVERWRITE_KEYS
        } else {
            KEYS
        };
        let inner = PopupFrame {
            title: " Export the rows in view ".into(),
            body,
            keys,
            width: 70,
            scroll: 0,
        }
        .render(area, buf, theme);
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
