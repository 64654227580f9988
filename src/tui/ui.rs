//! The whole screen: tab bar, the current tab, status line, footer, and any popup on top.
//! Below the minimum size it only says so.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use super::app::{App, MessageKind, Popup};
use super::keymap::footer_for;
use super::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use super::popups::{conflict, help, pickers, welcome};
use super::tabs::Tab;
use super::widgets::frame::{KeyHelp, PopupFrame};
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
        let cx = self.cx();
        render_tabs(self, s.tabs, buf);
        self.tabs.view(self.tab).render(&cx, s.body, buf);
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
    let shown = if app.tab == Tab::Actions {
        crate::domain::figures::count(app.tabs.actions.list.ids.len() as u64, "action", "actions")
    } else {
        format!("{} shown", app.tabs.risks.list.ids.len())
    };
    let counts = if !app.overview_loaded() {
        format!(" {shown} · counting… ")
    } else if app.overview_stale() {
        format!(" {shown} · {active} active · {total} total (updating) ")
    } else {
        format!(" {shown} · {active} active · {total} total ")
    };
    let line = match &app.message {
        Some(m) => {
            let style = if m.kind == MessageKind::Error {
                t.error()
            } else {
                t.ok()
            };
            let text = sanitize_line(&m.text).into_owned();
            // An error too long to follow the counts takes the whole line: its reason
            // matters more than the counts, which come back with the next key.
            let fits = counts.chars().count() + text.chars().count() <= usize::from(area.width);
            if fits || m.kind != MessageKind::Error {
                Line::from(vec![Span::raw(counts), Span::styled(text, style)])
            } else {
                Line::from(vec![Span::styled(format!(" {text}"), style)])
            }
        }
        None => Line::from(vec![
            Span::raw(counts),
            Span::styled(format!("· {}", app.path_label()), t.dim()),
        ]),
    };
    line.render(area, buf);
}

/// The keys of what has the focus: the filter bar, a popup, or the tab.
fn focus_keys(app: &App) -> Vec<(&'static str, &'static str)> {
    if app.is_typing_filter() {
        return vec![
            ("Enter", "keep"),
            ("Esc", "old filter back"),
            ("Ctrl-U", "clear"),
        ];
    }
    match &app.popup {
        Some(p) => popup_keys(p, app).to_vec(),
        None => footer_for(app.tab_bindings()),
    }
}

/// A popup's keys, as its key line shows them.
fn popup_keys(popup: &Popup, app: &App) -> &'static [KeyHelp] {
    match popup {
        Popup::Help { .. } => help::KEYS,
        Popup::Detail { .. } => DETAIL_KEYS,
        Popup::Sort { .. }
        | Popup::Status { .. }
        | Popup::MilestoneStatus { .. }
        | Popup::ActionStatus { .. } => pickers::LIST_KEYS,
        Popup::Confirm(c) => c.keys(),
        Popup::ConfirmDelete { .. } => pickers::DELETE_KEYS,
        Popup::Conflict(_) => conflict::KEYS,
        Popup::Deleted { .. } => conflict::DELETED_KEYS,
        Popup::Welcome => welcome::keys(app.offer_sample()),
        Popup::Form(_)
        | Popup::Export(_)
        | Popup::Prompt(_)
        | Popup::Milestone(_)
        | Popup::Incident(_)
        | Popup::Remove(_)
        | Popup::ActionForm(_)
        | Popup::BulkEdit(_) => &[],
    }
}

fn render_footer(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let mut spans = Vec::new();
    for (k, h) in focus_keys(app) {
        spans.push(Span::styled(format!(" {k}"), t.key()));
        spans.push(Span::styled(format!(" {h} "), t.dim()));
    }
    Line::from(spans).render(area, buf);
}

/// The keys of the full detail of a risk.
pub(super) const DETAIL_KEYS: &[KeyHelp] =
    &[("↑/↓", "scroll"), ("Esc/Enter", "close"), ("q", "quit")];

fn render_popup(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(popup) = &app.popup else { return };
    let t = app.theme;
    match popup {
        Popup::Help { scroll } => help::render(app.tab, app.tab_bindings(), *scroll, area, buf, t),
        Popup::Detail { scroll } => render_detail(app, *scroll, area, buf),
        Popup::Form(form) => form.render(area, buf, t),
        Popup::Sort { cursor } => pickers::sort(*cursor, area, buf, t),
        Popup::Status { cursor } => pickers::status(*cursor, area, buf, t),
        Popup::MilestoneStatus { name, cursor } => {
            pickers::milestone_status(name, *cursor, area, buf, t);
        }
        Popup::ConfirmDelete { id, title } => pickers::confirm_delete(*id, title, area, buf, t),
        Popup::Export(prompt) => prompt.render(area, buf, t),
        Popup::Conflict(c) => conflict::render(c, area, buf, t, 0),
        Popup::Deleted { id, .. } => conflict::deleted(*id, area, buf, t),
        Popup::Welcome => welcome::render(app.offer_sample(), &app.path_label(), area, buf, t),
        Popup::Prompt(p) => p.render(area, buf, t),
        Popup::Milestone(m) => m.render(area, buf, t),
        Popup::Incident(i) => i.render(area, buf, t),
        Popup::Remove(r) => r.render(area, buf, t),
        Popup::ActionForm(f) => f.render(area, buf, t),
        Popup::ActionStatus { id, cursor } => pickers::action_status(*id, *cursor, area, buf, t),
        Popup::Confirm(c) => c.render(area, buf, t),
        Popup::BulkEdit(b) => b.render(area, buf, t),
    }
}

/// The selected risk in full, over the whole body, its keys on the last line.
fn render_detail(app: &App, scroll: u16, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let Some(record) = &app.tabs.risks.detail else {
        return;
    };
    let cx = app.cx();
    let detail = record.detail(cx.settings, cx.today);
    Clear.render(area, buf);
    PopupFrame {
        title: format!(" #{} {} ", detail.id, detail.title),
        body: super::tabs::risks::detail_lines(&detail, t, true),
        keys: DETAIL_KEYS,
        width: area.width,
        scroll,
    }
    .render(area, buf, t);
}
