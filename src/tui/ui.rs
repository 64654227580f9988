//! The whole screen: tab bar, the current tab, status line, footer, and any popup on top.
//! Below the minimum size it only says so.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::app::{App, MessageKind, Popup, Tab};
use super::keymap::bindings_for;
use super::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use super::popups;
use super::views;
use crate::text::sanitize_line;

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(*buf.area());
        if area.is_empty() {
            return;
        }
        if layout::too_small(area) {
            let text = format!(
                "terminal too small: riskreg needs {MIN_WIDTH}×{MIN_HEIGHT}, this is {}×{}",
                area.width, area.height
            );
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .render(area, buf);
            return;
        }
        let s = layout::screen(area);
        render_tabs(self, s.tabs, buf);
        match self.tab {
            Tab::Risks => views::risks::render(self, s.body, buf),
            Tab::Matrix => views::matrix::render(self, s.body, buf),
            Tab::Teams => views::teams::render(self, s.body, buf),
            Tab::Roadmap => views::roadmap::render(self, s.body, buf),
            Tab::History => views::history::render(self, s.body, buf),
            Tab::Budget => views::budget::render(self, s.body, buf),
        }
        render_status(self, s.status, buf);
        render_footer(self, s.footer, buf);
        render_popup(self, s.body, buf);
    }
}

fn render_tabs(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let mut spans = vec![Span::styled(" riskreg ", t.title())];
    for (i, tab) in Tab::ALL.iter().enumerate() {
        let label = format!(" {} {} ", i + 1, tab.title());
        spans.push(if *tab == app.tab {
            Span::styled(label, t.selected())
        } else {
            Span::raw(label)
        });
    }
    Line::from(spans).render(area, buf);
}

fn render_status(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let (active, total) = app.totals;
    let counts = if !app.overview_loaded() {
        format!(" {} shown · counting… ", app.risks.ids.len())
    } else if app.overview_stale() {
        format!(
            " {} shown · {active} active · {total} total (updating) ",
            app.risks.ids.len()
        )
    } else {
        format!(
            " {} shown · {active} active · {total} total ",
            app.risks.ids.len()
        )
    };
    let line = match &app.message {
        Some(m) => {
            let style = if m.kind == MessageKind::Error {
                t.error()
            } else {
                t.ok()
            };
            Line::from(vec![
                Span::raw(counts),
                Span::styled(sanitize_line(&m.text).into_owned(), style),
            ])
        }
        None => Line::from(vec![
            Span::raw(counts),
            Span::styled(format!("· {}", app.path_label()), t.dim()),
        ]),
    };
    line.render(area, buf);
}

fn render_footer(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let pairs: Vec<(&str, &str)> = if app.filter.editing.is_some() {
        vec![
            ("Enter", "keep"),
            ("Esc", "old filter back"),
            ("Ctrl-U", "clear"),
        ]
    } else {
        match &app.popup {
            Some(Popup::Form(_)) => {
                vec![("Tab", "next field"), ("Enter", "save"), ("Esc", "cancel")]
            }
            Some(Popup::Help | Popup::Detail) => vec![("Esc", "close"), ("q", "quit")],
            Some(_) => vec![("Esc", "cancel")],
            None => bindings_for(app.tab)
                .filter(|b| !b.footer.is_empty())
                .map(|b| (b.keys, b.footer))
                .collect(),
        }
    };
    let mut spans = Vec::new();
    for (k, h) in pairs {
        spans.push(Span::styled(format!(" {k}"), t.key()));
        spans.push(Span::styled(format!(" {h} "), t.dim()));
    }
    Line::from(spans).render(area, buf);
}

fn render_popup(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(popup) = &app.popup else { return };
    match popup {
        Popup::Help => popups::help::render(app, area, buf),
        Popup::Detail => {
            ratatui::widgets::Clear.render(area, buf);
            views::risks::render_detail(app, area, buf, true);
        }
        Popup::Form(form) => popups::form::render(app, area, buf, form),
        Popup::Sort { cursor } => popups::pickers::sort(app, area, buf, *cursor),
        Popup::Status { cursor } => popups::pickers::status(app, area, buf, *cursor),
        Popup::ConfirmDelete { id, title } => {
            popups::pickers::confirm_delete(app, area, buf, *id, title)
        }
        Popup::Export(prompt) => prompt.render(area, buf, app.theme),
        Popup::Conflict(c) => popups::conflict::render(app, area, buf, c),
        Popup::Deleted { id, .. } => popups::conflict::deleted(app, area, buf, *id),
        Popup::Welcome => popups::welcome::render(app, area, buf),
    }
}
