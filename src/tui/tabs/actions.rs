//! The Actions tab: the work that retires the risks. Open actions by the date that counts,
//! so the overdue ones (in red) come first; a filter line of its own that takes the action
//! query terms; the selected action's risk, milestone, link and incident below. Like the
//! Risks tab it holds only the ids the filter selects and the actions on screen.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::{Cx, IdList, Intent, TabView};
use crate::domain::actions::Action as WorkItem;
use crate::query::SortKey;
use crate::text::sanitize_line;
use crate::tui::action::Action;
use crate::tui::keymap::{Binding, bind, ch, code};
use crate::tui::layout;
use crate::tui::widgets::table::{Cell, Column, Grid};
use crate::tui::widgets::{empty_note, filter, or_dash};

const BINDINGS: &[Binding] = &[
    bind(
        &[ch('/')],
        "/",
        "filter (the action query terms)",
        "filter",
        Action::OpenFilter,
    ),
    bind(&[ch('c')], "c", "clear the filter", "", Action::ClearFilter),
    bind(
        &[code(KeyCode::Enter)],
        "Enter",
        "open the action's risk",
        "risk",
        Action::Choose,
    ),
    bind(
        &[ch('a')],
        "a",
        "add an action (to the selected action's risk)",
        "add",
        Action::AddAction,
    ),
    bind(
        &[ch('e')],
        "e",
        "edit the action",
        "edit",
        Action::EditAction,
    ),
    bind(
        &[ch('d')],
        "d",
        "mark the action done (asks why)",
        "done",
        Action::ActionDone,
    ),
    bind(
        &[ch('D')],
        "D",
        "drop the action (asks why)",
        "",
        Action::ActionDropped,
    ),
    bind(
        &[ch('m')],
        "m",
        "move the action's status (asks why)",
        "",
        Action::MoveActionStatus,
    ),
    bind(
        &[ch('h')],
        "h",
        "history of the action's risk",
        "",
        Action::ShowHistory,
    ),
];

/// Rows of the pane under the table (four lines and a border).
const PANE: u16 = 6;

#[derive(Default)]
pub struct ActionsTab {
    /// Every action the filter selects, in order, and the cursor over them.
    pub list: IdList,
    /// The actions of `ids[cursor.offset..]` that fit on screen.
    pub visible: Vec<WorkItem>,
}

impl ActionsTab {
    pub fn selected_id(&self) -> Option<i64> {
        self.list.selected_id()
    }

    /// The selected action, as last read.
    pub fn selected(&self) -> Option<&WorkItem> {
        let id = self.selected_id()?;
        self.visible.iter().find(|a| a.id == id)
    }

    fn render_table(&self, cx: &Cx<'_>, area: Rect, buf: &mut Buffer) {
        let t = cx.theme;
        let area = filter::render_error(cx.action_filter, t, area, buf);
        let columns = vec![
            Column::number("ID"),
            Column::number("DUE").left(),
            Column::number("RISK"),
            Column::flex("TITLE", 12),
            Column::text("STATUS", 4, 7),
            Column::text("OWNER", 4, 16).optional(3),
            Column::text("TEAM", 4, 24).optional(2),
            Column::text("KIND", 4, 10).optional(1),
            Column::text("LINK", 4, 24).optional(4),
        ];
        let rows = self
            .visible
            .iter()
            .map(|a| {
                let f = &a.fields;
                // "!" marks an overdue action in words too, for screens without colour.
                let due = match a.effective_due() {
                    Some(d) if a.is_overdue(cx.today) => Cell::styled(format!("{d}!"), t.overdue()),
                    Some(d) => Cell::new(d.to_string()),
                    None => Cell::new("—"),
                };
                vec![
                    Cell::new(a.id.to_string()),
                    due,
                    Cell::new(f.risk.to_string()),
                    Cell::new(&f.title),
                    Cell::new(f.status.as_str()),
                    Cell::new(or_dash(&f.owner)),
                    Cell::new(or_dash(f.team.as_deref().unwrap_or(""))),
                    Cell::new(f.kind.as_str()),
                    Cell::new(or_dash(&f.link)),
                ]
            })
            .collect();
        Grid {
            columns,
            rows,
            selected: self.list.highlighted(),
            block: None,
            header_style: t.header(),
            highlight: t.selected(),
        }
        .render(area, buf);
        if self.list.loaded && self.list.ids.is_empty() && cx.action_filter.error.is_none() {
            let msg = if cx.action_filter.applied.is_empty() {
                "No open actions. A on a risk (Risks tab) or a here adds one; done and dropped actions show with a status: filter."
            } else {
                "No action matches this filter. c clears it; done and dropped actions need a status: term."
            };
            empty_note(msg, t, area, buf);
        }
    }

    fn render_detail(&self, cx: &Cx<'_>, area: Rect, buf: &mut Buffer) {
        let t = cx.theme;
        let Some(a) = self.selected() else {
            Block::bordered().title(" Action ").render(area, buf);
            return;
        };
        let f = &a.fields;
        let safe = |s: &str| sanitize_line(s).into_owned();
        let title = format!(" #{} {} ", a.id, safe(&f.title));
        let block = Block::bordered().title(Span::styled(title, t.title()));
        let inner = block.inner(area);
        block.render(area, buf);
        let due = match (f.due, a.effective_due()) {
            (Some(d), _) => d.to_string(),
            (None, Some(d)) => format!("{d} (the milestone's)"),
            (None, None) => "none".into(),
        };
        let label = |s: &'static str| Span::styled(s, t.dim());
        let mut lines = vec![
            Line::from(vec![
                label("risk: "),
                Span::raw(format!("#{} {}", f.risk, safe(&a.risk_title))),
            ]),
            Line::from(vec![
                label("due: "),
                if a.is_overdue(cx.today) {
                    Span::styled(format!("{due} (overdue)"), t.overdue())
                } else {
                    Span::raw(due)
                },
                label("  milestone: "),
                Span::raw(safe(f.milestone.as_deref().unwrap_or("none"))),
                label("  kind: "),
                Span::raw(f.kind.as_str()),
            ]),
        ];
        let mut third = vec![label("link: "), Span::raw(safe(or_dash(&f.link)))];
        if let Some(i) = f.incident {
            third.extend([label("  incident: "), Span::raw(format!("#{i}"))]);
        }
        lines.push(Line::from(third));
        lines.push(Line::from(vec![
            label("updated: "),
            Span::raw(format!("{} (revision {})", a.updated_at, a.revision)),
        ]));
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(inner, buf);
    }
}

impl TabView for ActionsTab {
    fn bindings(&self) -> &'static [Binding] {
        BINDINGS
    }

    fn render(&self, cx: &Cx<'_>, area: Rect, buf: &mut Buffer) {
        let l = layout::actions(area, PANE);
        let count = if self.list.loaded {
            format!(" {} · by due date ", self.list.ids.len())
        } else {
            " loading… ".to_string()
        };
        filter::render_line(
            cx.action_filter,
            "open actions (e.g. is:overdue team:core kind:long-term)",
            &count,
            cx.theme,
            l.filter,
            buf,
        );
        self.render_table(cx, l.table, buf);
        if let Some(d) = l.detail {
            self.render_detail(cx, d, buf);
        }
    }

    fn navigate(&mut self, action: &Action) -> Intent {
        self.list.navigate(action);
        Intent::RefreshActions
    }

    fn click(&mut self, row: usize) -> Intent {
        if self.list.click(row) {
            Intent::RefreshActions
        } else {
            Intent::Nothing
        }
    }

    fn choose(&self) -> Intent {
        match self.selected() {
            Some(a) => Intent::OpenRisk(a.fields.risk, SortKey::Score),
            None => Intent::Nothing,
        }
    }

    fn mouse(&self, area: Rect, _column: u16, row: u16) -> Option<Action> {
        super::row_in(layout::actions(area, PANE).table, row, 1).map(Action::ClickRow)
    }

    fn resize(&mut self, body: Rect) {
        let page = usize::from(layout::actions(body, PANE).table.height.saturating_sub(1));
        self.list.set_page(page);
    }
}
