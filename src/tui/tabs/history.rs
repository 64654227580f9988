//! The History tab: the event log, newest first, for every risk or for one.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::widgets::Block;

use super::{Cursor, Cx, Intent, TabView};
use crate::domain::Event;
use crate::text::{sanitize_line, width};
use crate::tui::action::Action;
use crate::tui::data::{HISTORY_LIMIT, Overview};
use crate::tui::keymap::{Binding, bind, ch, code};
use crate::tui::widgets::or_dash;
use crate::tui::widgets::table::{Cell, Column, Grid};

const BINDINGS: &[Binding] = &[
    bind(
        &[code(KeyCode::Enter)],
        "Enter",
        "history of this event's risk",
        "one risk",
        Action::Choose,
    ),
    bind(
        &[ch('h')],
        "h",
        "history of every risk",
        "all",
        Action::ShowAllHistory,
    ),
];

#[derive(Default)]
pub struct HistoryTab {
    pub events: Vec<Event>,
    pub cursor: Cursor,
    /// Only this risk's events (`None`: every risk's).
    pub risk: Option<i64>,
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

impl TabView for HistoryTab {
    fn bindings(&self) -> &'static [Binding] {
        BINDINGS
    }

    fn render(&self, cx: &Cx<'_>, area: Rect, buf: &mut Buffer) {
        let t = cx.theme;
        let title = match self.risk {
            Some(id) => format!(" History of risk {id} (h: every risk) "),
            None => format!(" History: latest {HISTORY_LIMIT} events (Enter: one risk) "),
        };
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
                Column::text("KIND", 4, 6),
                Column::text("FIELD", 5, 14).optional(1),
                Column::flex("CHANGE", 10),
            ],
            rows,
            selected: (!self.events.is_empty()).then(|| self.cursor.at - self.cursor.offset),
            block: Some(Block::bordered().title(title)),
            header_style: t.header(),
            highlight: t.selected(),
        }
        .render(area, buf);
    }

    fn navigate(&mut self, action: &Action) -> Intent {
        self.cursor.navigate(action, self.events.len(), self.page);
        Intent::Nothing
    }

    fn click(&mut self, row: usize) -> Intent {
        self.cursor.click(row, self.events.len());
        Intent::Nothing
    }

    fn choose(&self) -> Intent {
        self.events
            .get(self.cursor.at)
            .map_or(Intent::Nothing, |e| Intent::History(Some(e.risk_id)))
    }

    fn resize(&mut self, body: Rect) {
        let page = super::list_rows(body);
        self.page = page;
        self.cursor.keep_visible(self.events.len(), page);
    }

    fn apply_overview(&mut self, o: &Overview) {
        if o.history_risk != self.risk {
            return; // an answer for the history shown before the last change of risk
        }
        self.events = o.history.clone();
        self.actor_w = self
            .events
            .iter()
            .map(|e| width(&sanitize_line(&e.actor)))
            .max()
            .map_or(0, |w| u16::try_from(w).unwrap_or(u16::MAX));
        self.cursor
            .keep_visible(self.events.len(), self.page.max(1));
    }
}
