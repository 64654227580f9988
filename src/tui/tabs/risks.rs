//! The Risks tab: the filter line, the prioritized table and the detail pane. It holds only
//! the ids of every risk the filter selects and the risks on screen, so it is as quick on
//! 100,000 risks as on ten.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::{Cursor, Cx, Intent, TabView};
use crate::domain::detail::{RiskDetail, RiskRecord, Tone};
use crate::domain::lifecycle::is_review_due;
use crate::domain::{Risk, figures};
use crate::query::SortKey;
use crate::text::{sanitize_line, width};
use crate::tui::action::Action;
use crate::tui::app::SORTS;
use crate::tui::data::Overview;
use crate::tui::keymap::{Binding, bind, ch, code};
use crate::tui::layout;
use crate::tui::theme::Theme;
use crate::tui::widgets::or_dash;
use crate::tui::widgets::table::{Cell, Column, Grid};

const BINDINGS: &[Binding] = &[
    bind(
        &[ch('/')],
        "/",
        "filter (the query language)",
        "filter",
        Action::OpenFilter,
    ),
    bind(&[ch('c')], "c", "clear the filter", "", Action::ClearFilter),
    bind(&[ch('s')], "s", "sort", "sort", Action::OpenSort),
    bind(
        &[code(KeyCode::Enter)],
        "Enter",
        "full detail of the risk",
        "",
        Action::Choose,
    ),
    bind(&[ch('a')], "a", "add a risk", "add", Action::Add),
    bind(&[ch('e')], "e", "edit the risk", "edit", Action::Edit),
    bind(
        &[ch('+'), ch('=')],
        "+/-",
        "raise / lower likelihood",
        "",
        Action::RaiseLikelihood,
    ),
    bind(&[ch('-')], "", "", "", Action::LowerLikelihood),
    bind(
        &[ch('>'), ch('.')],
        ">/<",
        "raise / lower impact",
        "",
        Action::RaiseImpact,
    ),
    bind(&[ch('<'), ch(',')], "", "", "", Action::LowerImpact),
    bind(&[ch('m')], "m", "move status", "", Action::MoveStatus),
    bind(&[ch('r')], "r", "mark reviewed", "", Action::Review),
    bind(&[ch('d')], "d", "delete (asks first)", "", Action::Delete),
    bind(
        &[ch('i')],
        "i",
        "record an incident that realised the risk",
        "",
        Action::AddIncident,
    ),
    bind(
        &[ch('h')],
        "h",
        "history of the risk",
        "",
        Action::ShowHistory,
    ),
    bind(
        &[ch('x')],
        "x",
        "export the rows in view",
        "export",
        Action::Export,
    ),
];

/// How many lines of the description the pane shows (the full view shows all).
const PANE_DESCRIPTION: usize = 3;
/// How many incidents the pane shows.
const PANE_INCIDENTS: usize = 3;
/// Actions the pane lists (Enter shows them all).
const PANE_ACTIONS: usize = 5;

#[derive(Default)]
pub struct RisksTab {
    /// Every risk the filter selects, in order.
    pub ids: Vec<i64>,
    pub cursor: Cursor,
    /// The risks of `ids[cursor.offset..]` that fit on screen.
    pub visible: Vec<Risk>,
    /// The selected risk, its latest history and its incidents.
    pub detail: Option<RiskRecord>,
    /// Whether rows have arrived yet.
    pub loaded: bool,
    /// Whether any risk has estimates (then the table shows bad minutes).
    any_estimates: bool,
    /// The widest team and milestone names: their columns keep the width as rows scroll.
    team_w: u16,
    milestone_w: u16,
    page: usize,
}

impl RisksTab {
    pub fn selected_id(&self) -> Option<i64> {
        self.ids.get(self.cursor.at).copied()
    }

    /// The selected risk, as last read.
    pub fn selected(&self) -> Option<&Risk> {
        self.detail.as_ref().map(|r| &r.risk)
    }

    /// The ids on screen now.
    pub fn window(&self) -> &[i64] {
        let end = (self.cursor.offset + self.page.max(1)).min(self.ids.len());
        self.ids.get(self.cursor.offset..end).unwrap_or_default()
    }

    /// Takes new rows, keeping the selection on `keep` when it is still listed.
    pub fn set_ids(&mut self, ids: Vec<i64>, keep: Option<i64>) {
        self.ids = ids;
        self.loaded = true;
        if let Some(i) = keep.and_then(|id| self.ids.iter().position(|x| *x == id)) {
            self.cursor.at = i;
        }
        self.cursor.keep_visible(self.ids.len(), self.page.max(1));
    }

    /// Puts the selection on the first row.
    pub fn select_first(&mut self) {
        self.cursor = Cursor::default();
    }

    fn render_filter(cx: &Cx<'_>, area: Rect, buf: &mut Buffer) {
        let t = cx.theme;
        let sort = SORTS
            .iter()
            .find(|(k, _)| *k == cx.sort)
            .map_or("score", |(k, _)| k.as_str());
        let right = format!(" sort: {sort} ");
        let right_w = u16::try_from(right.len()).unwrap_or(0).min(area.width);
        let [left_area, right_area] = area.layout(&Layout::horizontal([
            Constraint::Min(0),
            Constraint::Length(right_w),
        ]));
        if let Some(input) = &cx.filter.editing {
            Span::styled("/ ", t.key()).render(left_area, buf);
            input.render(
                Rect {
                    x: left_area.x + 2,
                    width: left_area.width.saturating_sub(2),
                    ..left_area
                },
                buf,
            );
        } else {
            let line = if cx.filter.applied.is_empty() {
                Line::from(vec![
                    Span::styled("/", t.key()),
                    Span::styled(
                        " filter: active risks (e.g. team:edge score>=10 is:no-owner)",
                        t.dim(),
                    ),
                ])
            } else {
                Line::from(vec![
                    Span::styled("filter: ", t.dim()),
                    Span::raw(sanitize_line(&cx.filter.applied).into_owned()),
                ])
            };
            Paragraph::new(line).render(left_area, buf);
        }
        Span::styled(right, t.dim()).render(right_area, buf);
    }

    fn render_table(&self, cx: &Cx<'_>, area: Rect, buf: &mut Buffer) {
        let t = cx.theme;
        let mut area = area;
        if let Some(e) = &cx.filter.error {
            // The whole error, above the rows of the last filter that parsed.
            let text =
                format!("The filter does not parse: {e}. The list shows the last filter that did.");
            let lines = [Line::styled(text, t.error())];
            let h = crate::tui::widgets::frame::wrapped_height(&lines, area.width).min(area.height);
            Paragraph::new(lines.to_vec())
                .wrap(Wrap { trim: true })
                .render(Rect { height: h, ..area }, buf);
            area = Rect {
                y: area.y + h,
                height: area.height - h,
                ..area
            };
        }
        let bad_minutes = self.any_estimates || cx.sort == SortKey::BadMinutes;
        let mut columns = vec![
            Column::number("ID"),
            Column::number("SCORE").left(),
            Column::number("L").optional(5),
            Column::number("I").optional(5),
            Column::flex("TITLE", 12),
            Column::text("TEAM", 4, 24).hint(self.team_w),
            Column::text("MILESTONE", 4, 30).hint(self.milestone_w),
            Column::text("STATUS", 4, 10),
            Column::text("OWNER", 4, 16).optional(3),
            Column::number("NEXT REVIEW").left().optional(4),
        ];
        if bad_minutes {
            columns.push(Column::number("BM/YR").optional(2));
        }
        let rows = self
            .visible
            .iter()
            .map(|r| {
                let f = &r.fields;
                // "!" marks a review that is due in words too, for screens without colour.
                let review = match f.next_review {
                    Some(d) if is_review_due(f, cx.today) => {
                        Cell::styled(format!("{d}!"), t.warn())
                    }
                    Some(d) => Cell::new(d.to_string()),
                    None => Cell::new("—"),
                };
                let mut cells = vec![
                    Cell::new(r.id.to_string()),
                    Cell::styled(
                        format!("{:>2} {}", r.score(), &r.band.as_str()[..1].to_uppercase()),
                        t.band(r.band),
                    ),
                    Cell::new(f.likelihood.to_string()),
                    Cell::new(f.impact.to_string()),
                    Cell::new(&f.title),
                    Cell::new(or_dash(f.team.as_deref().unwrap_or(""))),
                    Cell::new(or_dash(f.milestone.as_deref().unwrap_or(""))),
                    Cell::new(f.status.as_str()),
                    Cell::new(or_dash(&f.owner)),
                    review,
                ];
                if bad_minutes {
                    cells.push(Cell::new(
                        f.bad_minutes_per_year()
                            .map_or_else(|| "—".into(), figures::minutes),
                    ));
                }
                cells
            })
            .collect();
        Grid {
            columns,
            rows,
            selected: (!self.ids.is_empty())
                .then(|| self.cursor.at.saturating_sub(self.cursor.offset)),
            block: None,
            header_style: t.header(),
            highlight: t.selected(),
        }
        .render(area, buf);
        if self.loaded && self.ids.is_empty() && area.height > 2 && cx.filter.error.is_none() {
            let msg = if cx.filter.applied.is_empty() {
                "No active risks. a adds one; closed and mitigated risks show with a status: filter."
            } else {
                "No risk matches this filter. c clears it; closed and mitigated risks need a status: term."
            };
            Paragraph::new(Span::styled(msg, t.dim()))
                .wrap(Wrap { trim: true })
                .render(
                    Rect {
                        y: area.y + 2,
                        height: area.height - 2,
                        ..area
                    },
                    buf,
                );
        }
    }

    /// The selected risk: its facts, description, incidents and latest history. `full` is the
    /// Enter view, which shows every line; `scroll` rows of it are scrolled past.
    pub(crate) fn render_detail(
        &self,
        cx: &Cx<'_>,
        area: Rect,
        buf: &mut Buffer,
        full: bool,
        scroll: u16,
    ) {
        let t = cx.theme;
        let Some(record) = &self.detail else {
            Block::bordered().title(" Detail ").render(area, buf);
            return;
        };
        let detail = record.detail(cx.settings, cx.today);
        let title = format!(" #{} {} ", detail.id, detail.title);
        let block = Block::bordered().title(Span::styled(title, t.title()));
        let inner = block.inner(area);
        block.render(area, buf);
        Paragraph::new(detail_lines(&detail, t, full))
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .render(inner, buf);
    }
}

/// The detail model as lines: facts that share a line flow together, then warnings, the
/// description, incidents (with their links) and history.
pub(crate) fn detail_lines(d: &RiskDetail, t: Theme, full: bool) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut current: Option<(u8, Vec<Span<'static>>)> = None;
    for fact in &d.facts {
        let style = match fact.tone {
            Tone::Plain => ratatui::style::Style::default(),
            Tone::Band(b) => t.band(b),
            Tone::Alert => t.warn(),
            Tone::Good => t.ok(),
        };
        let spans = current.get_or_insert_with(|| (fact.line, Vec::new()));
        if spans.0 != fact.line {
            let (_, done) = std::mem::replace(spans, (fact.line, Vec::new()));
            lines.push(Line::from(done));
        }
        if !spans.1.is_empty() {
            spans.1.push(Span::raw("  "));
        }
        spans
            .1
            .push(Span::styled(format!("{}: ", fact.label), t.dim()));
        spans.1.push(Span::styled(fact.value.clone(), style));
    }
    if let Some((_, done)) = current {
        lines.push(Line::from(done));
    }
    for w in &d.warnings {
        lines.push(Line::styled(w.clone(), t.warn()));
    }
    if !d.description.is_empty() {
        lines.push(Line::default());
        let max = if full { usize::MAX } else { PANE_DESCRIPTION };
        lines.extend(
            d.description
                .lines()
                .take(max)
                .map(|l| Line::raw(l.to_string())),
        );
    }
    if !d.incidents.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled("Incidents", t.header()));
        let max = if full { usize::MAX } else { PANE_INCIDENTS };
        lines.extend(d.incidents.iter().take(max).map(|i| Line::raw(i.clone())));
    }
    if !d.actions.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled("Actions", t.header()));
        let max = if full { usize::MAX } else { PANE_ACTIONS };
        lines.extend(d.actions.iter().take(max).map(|(line, overdue)| {
            if *overdue {
                Line::styled(line.clone(), t.warn())
            } else {
                Line::raw(line.clone())
            }
        }));
    }
    if !d.links.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled("Links", t.header()));
        lines.extend(d.links.iter().map(|l| Line::raw(l.clone())));
    }
    if !d.comments.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled("Comments", t.header()));
        for (at, actor, text) in &d.comments {
            lines.push(Line::raw(format!(
                "{} {actor}: {text}",
                at.get(..16).unwrap_or(at).replace('T', " ")
            )));
        }
    }
    if !d.history.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled("History", t.header()));
        for (at, actor, what) in &d.history {
            lines.push(Line::raw(format!(
                "{} {actor} {what}",
                at.get(..16).unwrap_or(at).replace('T', " ")
            )));
        }
    }
    lines
}

impl TabView for RisksTab {
    fn bindings(&self) -> &'static [Binding] {
        BINDINGS
    }

    fn render(&self, cx: &Cx<'_>, area: Rect, buf: &mut Buffer) {
        let l = layout::risks(area);
        Self::render_filter(cx, l.filter, buf);
        self.render_table(cx, l.table, buf);
        if let Some(d) = l.detail {
            self.render_detail(cx, d, buf, false, 0);
        }
    }

    fn navigate(&mut self, action: &Action) -> Intent {
        self.cursor.navigate(action, self.ids.len(), self.page);
        Intent::RefreshRisks
    }

    fn click(&mut self, row: usize) -> Intent {
        if self.cursor.click(row, self.ids.len()) {
            Intent::RefreshRisks
        } else {
            Intent::Nothing
        }
    }

    fn choose(&self) -> Intent {
        if self.detail.is_some() {
            Intent::OpenDetail
        } else {
            Intent::Nothing
        }
    }

    fn mouse(&self, area: Rect, _column: u16, row: u16) -> Option<Action> {
        super::row_in(layout::risks(area).table, row, 1).map(Action::ClickRow)
    }

    fn resize(&mut self, body: Rect) {
        let page = layout::risk_rows(body);
        self.page = page;
        self.cursor.keep_visible(self.ids.len(), page);
    }

    fn apply_overview(&mut self, o: &Overview) {
        self.any_estimates = o.report.budget.active_with_estimates > 0;
        let widest = |names: &mut dyn Iterator<Item = &str>| {
            names
                .map(width)
                .max()
                .map_or(0, |w| u16::try_from(w).unwrap_or(u16::MAX))
        };
        self.team_w = widest(&mut o.teams.iter().filter_map(|t| t.team.as_deref()));
        self.milestone_w = widest(&mut o.milestones.iter().map(|m| m.name.as_str()));
    }
}
