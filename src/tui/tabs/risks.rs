//! The Risks tab: the filter line, the prioritized table and the detail pane. It holds only
//! the ids of every risk the filter selects and the risks on screen, so it is as quick on
//! 100,000 risks as on ten.

use std::collections::HashMap;

use jiff::civil::Date;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::{Cx, IdList, Intent, TabView};
use crate::domain::detail::{RiskDetail, RiskRecord, Tone};
use crate::domain::lifecycle::is_review_due;
use crate::domain::{Risk, figures};
use crate::query::SortKey;
use crate::scoring::Band;
use crate::text::width;
use crate::tui::action::Action;
use crate::tui::app::SORTS;
use crate::tui::data::Overview;
use crate::tui::keymap::{Binding, bind, ch, code};
use crate::tui::layout;
use crate::tui::theme::Theme;
use crate::tui::widgets::table::{Cell, Column, Grid};
use crate::tui::widgets::{empty_note, filter, or_dash};

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
    bind(
        &[ch('e')],
        "e",
        "edit the risk (the marked risks, when some are marked)",
        "edit",
        Action::Edit,
    ),
    bind(
        &[ch(' ')],
        "Space",
        "mark the risk for e, m, r, d on many",
        "",
        Action::Mark,
    ),
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
    bind(
        &[ch('m')],
        "m",
        "move status (asks why)",
        "",
        Action::MoveStatus,
    ),
    bind(&[ch('r')], "r", "mark reviewed", "", Action::Review),
    bind(&[ch('d')], "d", "delete (asks first)", "", Action::Delete),
    bind(
        &[ch('A')],
        "A",
        "add an action to the risk",
        "",
        Action::AddAction,
    ),
    bind(&[ch('n')], "n", "comment on the risk", "", Action::Comment),
    bind(&[ch('L')], "L", "the risk's links", "", Action::Links),
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
    bind(
        &[ch('b')],
        "b",
        "band moves since a date: ↑ rose, ↓ fell, + new (b again: off)",
        "",
        Action::BandMoves,
    ),
];

/// The risks' bands at the end of the day before a date, to mark the band moves since.
pub struct BandMoves {
    pub since: Date,
    /// Each risk's band then, once the walk back through the history has answered.
    pub bands: Option<HashMap<i64, Band>>,
    /// The generation of the request it waits for.
    pub asked: u64,
    /// The register changed since it was asked for (asked again when the tab shows).
    pub behind: bool,
}

impl BandMoves {
    /// The mark of a risk now in `band`: ↑ rose, ↓ fell, + new since, blank unchanged (or
    /// not known yet).
    fn mark(&self, id: i64, band: Band) -> &'static str {
        match self.bands.as_ref().map(|b| b.get(&id)) {
            None => " ",
            Some(None) => "+",
            Some(Some(then)) if band > *then => "↑",
            Some(Some(then)) if band < *then => "↓",
            Some(Some(_)) => " ",
        }
    }
}

/// How many lines of the description the pane shows (the full view shows all).
const PANE_DESCRIPTION: usize = 3;
/// How many incidents the pane shows.
const PANE_INCIDENTS: usize = 3;
/// Actions the pane lists (Enter shows them all).
const PANE_ACTIONS: usize = 5;

#[derive(Default)]
pub struct RisksTab {
    /// Every risk the filter selects, in order, and the cursor over them.
    pub list: IdList,
    /// The risks of `ids[cursor.offset..]` that fit on screen.
    pub visible: Vec<Risk>,
    /// The selected risk, its latest history and its incidents.
    pub detail: Option<RiskRecord>,
    /// Risks marked with Space for a change to many.
    pub marked: std::collections::BTreeSet<i64>,
    /// Band moves since a date, when asked for (`b`).
    pub moves: Option<BandMoves>,
    /// Whether any risk has estimates (then the table shows bad minutes).
    any_estimates: bool,
    /// The widest team and milestone names: their columns keep the width as rows scroll.
    team_w: u16,
    milestone_w: u16,
}

impl RisksTab {
    pub fn selected_id(&self) -> Option<i64> {
        self.list.selected_id()
    }

    /// The selected risk, as last read.
    pub fn selected(&self) -> Option<&Risk> {
        self.detail.as_ref().map(|r| &r.risk)
    }

    /// Marks the selected risk, or unmarks it; moves down a row.
    pub fn toggle_mark(&mut self) {
        if let Some(id) = self.selected_id()
            && !self.marked.remove(&id)
        {
            self.marked.insert(id);
        }
        self.list.navigate(&Action::Down);
    }

    fn render_filter(&self, cx: &Cx<'_>, area: Rect, buf: &mut Buffer) {
        let sort = SORTS
            .iter()
            .find(|(k, _)| *k == cx.sort)
            .map_or("score", |(k, _)| k.as_str());
        let mut marked = if self.marked.is_empty() {
            String::new()
        } else {
            format!(" {} marked ·", self.marked.len())
        };
        if let Some(m) = &self.moves {
            let state = if m.bands.is_some() { "" } else { " (loading)" };
            marked.push_str(&format!(" moves since {}{state} ·", m.since));
        }
        filter::render_line(
            cx.filter,
            "active risks (e.g. team:edge score>=10 is:no-owner)",
            &format!("{marked} sort: {sort} "),
            cx.theme,
            area,
            buf,
        );
    }

    fn render_table(&self, cx: &Cx<'_>, area: Rect, buf: &mut Buffer) {
        let t = cx.theme;
        let area = filter::render_error(cx.filter, t, area, buf);
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
                let id = if self.marked.contains(&r.id) {
                    Cell::styled(format!("•{}", r.id), t.key())
                } else {
                    Cell::new(r.id.to_string())
                };
                let mut cells = vec![
                    id,
                    Cell::styled(
                        format!(
                            "{:>2} {}{}",
                            r.score(),
                            &r.band.as_str()[..1].to_uppercase(),
                            self.moves.as_ref().map_or("", |m| m.mark(r.id, r.band))
                        ),
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
            selected: self.list.highlighted(),
            block: None,
            header_style: t.header(),
            highlight: t.selected(),
        }
        .render(area, buf);
        if self.list.loaded && self.list.ids.is_empty() && cx.filter.error.is_none() {
            let msg = if cx.filter.applied.is_empty() {
                "No active risks. a adds one; closed and mitigated risks show with a status: filter."
            } else {
                "No risk matches this filter. c clears it; closed and mitigated risks need a status: term."
            };
            empty_note(msg, t, area, buf);
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
        self.render_filter(cx, l.filter, buf);
        self.render_table(cx, l.table, buf);
        if let Some(d) = l.detail {
            self.render_detail(cx, d, buf, false, 0);
        }
    }

    fn navigate(&mut self, action: &Action) -> Intent {
        self.list.navigate(action);
        Intent::RefreshRisks
    }

    fn click(&mut self, row: usize) -> Intent {
        if self.list.click(row) {
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
        self.list.set_page(page);
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
