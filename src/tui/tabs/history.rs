//! The History tab: the event log, newest first, narrowed by its own filter line (risk,
//! actor, field, kind, since, words) and read a page at a time as the cursor nears the end;
//! or the since view, the review's agenda of what changed since a date (`riskreg changes`).

use jiff::civil::Date;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Widget};

use super::{Cursor, Cx, Intent, TabView};
use crate::domain::changes::Agenda;
use crate::domain::changes::GROUPS;
use crate::domain::{Event, figures};
use crate::query::SortKey;
use crate::text::{sanitize_line, width};
use crate::tui::action::Action;
use crate::tui::keymap::{Binding, bind, ch, code};
use crate::tui::layout;
use crate::tui::widgets::table::{Cell, Column, Grid};
use crate::tui::widgets::{empty_note, filter, or_dash};

const BINDINGS: &[Binding] = &[
    bind(
        &[ch('/')],
        "/",
        "filter: risk:N actor: field: kind: since:DATE words",
        "filter",
        Action::OpenFilter,
    ),
    bind(
        &[code(KeyCode::Enter)],
        "Enter",
        "history of this event's risk (since view: open the risk)",
        "one risk",
        Action::Choose,
    ),
    bind(
        &[ch('h')],
        "h",
        "history of every risk (clears the filter)",
        "all",
        Action::ShowAllHistory,
    ),
    bind(
        &[ch('c')],
        "c",
        "what changed since a date (the review's agenda); c again: the log",
        "changes",
        Action::SinceView,
    ),
];

/// The since view: what changed from a date to now.
pub struct SinceView {
    pub since: Date,
    /// The agenda, once the walk back through the history has answered.
    pub agenda: Option<Agenda>,
    pub cursor: Cursor,
    /// The generation of the request it waits for.
    pub asked: u64,
    /// The register changed since it was asked for (asked again when the tab shows).
    pub behind: bool,
}

#[derive(Default)]
pub struct HistoryTab {
    /// The events the filter selects, newest first, as far as they are loaded.
    pub events: Vec<Event>,
    pub cursor: Cursor,
    /// Whether older events may remain (the last page came full).
    pub more: bool,
    /// A page of older events is on its way.
    pub loading_more: bool,
    /// Whether the first page has arrived.
    pub loaded: bool,
    /// Instead of the log: what changed since a date.
    pub since: Option<SinceView>,
    actor_w: u16,
    page: usize,
}

/// What an event changed, as the CHANGE column shows it.
fn change(e: &Event) -> String {
    let change = match (&e.old, &e.new) {
        (Some(o), Some(n)) => format!(
            "{} → {}",
            sanitize_line(or_dash(o)),
            sanitize_line(or_dash(n))
        ),
        (None, Some(n)) => sanitize_line(n).into_owned(),
        (Some(o), None) => sanitize_line(o).into_owned(),
        (None, None) => String::new(),
    };
    if e.note.is_empty() {
        change
    } else {
        format!("{change} — {}", sanitize_line(&e.note))
    }
}

/// Each group's heading, shorter for a column.
fn group_name(key: &str) -> &'static str {
    GROUPS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("", |(_, heading)| heading)
}

impl HistoryTab {
    /// Takes the first page of a new answer, or appends a page of older events.
    pub fn take_page(&mut self, events: Vec<Event>, appended: bool, page_size: u64) {
        self.more = u64::try_from(events.len()).unwrap_or(u64::MAX) >= page_size;
        self.loading_more = false;
        self.loaded = true;
        if appended {
            self.events.extend(events);
        } else {
            self.events = events;
        }
        self.actor_w = self
            .events
            .iter()
            .map(|e| width(&sanitize_line(&e.actor)))
            .max()
            .map_or(0, |w| u16::try_from(w).unwrap_or(u16::MAX));
        self.cursor
            .keep_visible(self.events.len(), self.page.max(1));
    }

    /// The oldest event loaded, when more may follow and none are on their way.
    pub fn wants_more(&self) -> Option<i64> {
        let near_end = self.cursor.at + self.page.max(1) >= self.events.len();
        (self.more && !self.loading_more && near_end)
            .then(|| self.events.last().map(|e| e.id))
            .flatten()
    }

    fn len(&self) -> usize {
        match &self.since {
            Some(v) => v.agenda.as_ref().map_or(0, |a| a.changes.len()),
            None => self.events.len(),
        }
    }

    fn render_log(&self, cx: &Cx<'_>, area: Rect, buf: &mut Buffer) {
        let t = cx.theme;
        let l = layout::actions(area, 0);
        let count = if !self.loaded {
            " loading… ".to_string()
        } else if self.more {
            format!(" {}+ events (more load as you scroll) ", self.events.len())
        } else {
            format!(" {} events ", self.events.len())
        };
        filter::render_line(
            cx.history_filter,
            "e.g. risk:12 actor:ana field:owner since:DATE",
            &count,
            t,
            l.filter,
            buf,
        );
        let area = filter::render_error(cx.history_filter, t, l.table, buf);
        let page = usize::from(area.height.saturating_sub(3)).max(1);
        let rows = self
            .events
            .iter()
            .skip(self.cursor.offset)
            .take(page)
            .map(|e| {
                vec![
                    Cell::new(e.at.get(..16).unwrap_or(&e.at).replace('T', " ")),
                    Cell::new(e.risk_id.to_string()),
                    Cell::new(&e.actor),
                    Cell::new(e.kind.as_str()),
                    Cell::new(e.field.as_deref().unwrap_or("")),
                    Cell::new(change(e)),
                ]
            })
            .collect();
        Grid {
            columns: vec![
                Column::number("WHEN (UTC)").left(),
                Column::number("RISK"),
                Column::text("ACTOR", 5, 20).hint(self.actor_w),
                Column::text("KIND", 4, 7),
                Column::text("FIELD", 5, 14).optional(1),
                Column::flex("CHANGE", 10),
            ],
            rows,
            selected: (!self.events.is_empty()).then(|| self.cursor.at - self.cursor.offset),
            block: Some(Block::bordered().title(" History, newest first (c: what changed) ")),
            header_style: t.header(),
            highlight: t.selected(),
        }
        .render(area, buf);
        if self.loaded && self.events.is_empty() && cx.history_filter.error.is_none() {
            empty_note(
                "No event matches. h shows every risk's history; / changes the filter.",
                t,
                Block::bordered().inner(area),
                buf,
            );
        }
    }

    fn render_since(&self, v: &SinceView, cx: &Cx<'_>, area: Rect, buf: &mut Buffer) {
        let t = cx.theme;
        let [top, table] = area.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(0),
        ]));
        let title = format!(" Changes since {} (c: back to the log) ", v.since);
        let Some(agenda) = &v.agenda else {
            Paragraph::new(Line::styled(
                format!("Walking back through the history to {}…", v.since),
                t.dim(),
            ))
            .render(top, buf);
            Block::bordered().title(title).render(table, buf);
            return;
        };
        let b = &agenda.budget;
        Paragraph::new(Line::styled(
            format!(
                "Bad minutes a year: {} then, {} now ({}), budget {}",
                figures::minutes(b.then_minutes),
                figures::minutes(b.now_minutes),
                figures::signed_minutes(b.now_minutes - b.then_minutes),
                figures::minutes(b.budget_minutes)
            ),
            t.dim(),
        ))
        .render(top, buf);
        let page = usize::from(table.height.saturating_sub(3)).max(1);
        let rows = agenda
            .changes
            .iter()
            .skip(v.cursor.offset)
            .take(page)
            .map(|c| {
                vec![
                    Cell::new(group_name(c.group)),
                    Cell::new(c.risk.map(|r| r.to_string()).unwrap_or_default()),
                    Cell::new(or_dash(c.team.as_deref().unwrap_or(""))),
                    Cell::new(format!(
                        "{} — {}",
                        sanitize_line(&c.title),
                        sanitize_line(&c.what)
                    )),
                ]
            })
            .collect();
        Grid {
            columns: vec![
                Column::text("WHAT", 8, 30),
                Column::number("RISK"),
                Column::text("TEAM", 4, 16).optional(1),
                Column::flex("CHANGE", 10),
            ],
            rows,
            selected: (!agenda.changes.is_empty()).then(|| v.cursor.at - v.cursor.offset),
            block: Some(Block::bordered().title(title)),
            header_style: t.header(),
            highlight: t.selected(),
        }
        .render(table, buf);
        if agenda.changes.is_empty() {
            empty_note(
                "Nothing changed in this window.",
                t,
                Block::bordered().inner(table),
                buf,
            );
        }
    }
}

impl TabView for HistoryTab {
    fn bindings(&self) -> &'static [Binding] {
        BINDINGS
    }

    fn render(&self, cx: &Cx<'_>, area: Rect, buf: &mut Buffer) {
        match &self.since {
            Some(v) => self.render_since(v, cx, area, buf),
            None => self.render_log(cx, area, buf),
        }
    }

    fn navigate(&mut self, action: &Action) -> Intent {
        let len = self.len();
        match &mut self.since {
            Some(v) => {
                v.cursor.navigate(action, len, self.page);
                Intent::Nothing
            }
            None => {
                self.cursor.navigate(action, len, self.page);
                Intent::MoreHistory
            }
        }
    }

    fn click(&mut self, row: usize) -> Intent {
        let len = self.len();
        match &mut self.since {
            Some(v) => {
                v.cursor.click(row, len);
            }
            None => {
                self.cursor.click(row, len);
            }
        }
        Intent::Nothing
    }

    fn choose(&self) -> Intent {
        match &self.since {
            Some(v) => v
                .agenda
                .as_ref()
                .and_then(|a| a.changes.get(v.cursor.at))
                .and_then(|c| c.risk)
                .map_or(Intent::Nothing, |id| Intent::OpenRisk(id, SortKey::Score)),
            None => self
                .events
                .get(self.cursor.at)
                .map_or(Intent::Nothing, |e| Intent::History(Some(e.risk_id))),
        }
    }

    fn mouse(&self, area: Rect, _column: u16, row: u16) -> Option<Action> {
        // Below the filter line (or the budget line), the border and the header.
        super::row_in(area, row, 3).map(Action::ClickRow)
    }

    fn resize(&mut self, body: Rect) {
        let page = usize::from(body.height.saturating_sub(4)).max(1);
        self.page = page;
        self.cursor.keep_visible(self.events.len(), page);
    }
}
