//! The Budget tab: a gauge of the error budget the risks use, the chance a year misses the
//! SLO (and each service's own budget), the stack rank by bad minutes (too-big risks
//! marked), and the burn-down as each milestone lands; or, below the gauge, the trend as a
//! chart: bad minutes a year against the budget line, week by week (`riskreg trend`).

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, Gauge, GraphType, Paragraph, Widget};

use super::{Cursor, Cx, Intent, TabView};
use crate::domain::figures;
use crate::domain::portfolio::Report;
use crate::domain::trend::Week;
use crate::query::SortKey;
use crate::tui::action::Action;
use crate::tui::data::Overview;
use crate::tui::keymap::{Binding, bind, ch, code};
use crate::tui::widgets::table::{Cell, Column, Grid};

const BINDINGS: &[Binding] = &[
    bind(
        &[code(KeyCode::Enter)],
        "Enter",
        "open the risk in the Risks tab",
        "open",
        Action::Choose,
    ),
    bind(
        &[ch('w')],
        "w",
        "the trend, week by week, as a chart (w again: the stack rank)",
        "trend",
        Action::TrendChart,
    ),
];

/// The gauge, the stack rank and the burn-down: the last two side by side where there is
/// room, else the burn-down below the stack rank.
fn panes(area: Rect) -> [Rect; 3] {
    let [gauge, rest] = area.layout(&Layout::vertical([
        Constraint::Length(TOP),
        Constraint::Min(0),
    ]));
    let split = if rest.width >= super::roadmap::WIDE {
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
    } else {
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)])
    };
    let [left, right] = rest.layout(&split);
    [gauge, left, right]
}

/// Rows of the top pane: its border, the gauge, the chance line and the services line.
const TOP: u16 = 5;

#[derive(Default)]
pub struct BudgetTab {
    /// The budget, burn-down and stack rank (`riskreg report`'s data).
    pub report: Option<Report>,
    pub cursor: Cursor,
    /// Whether the trend chart shows instead of the stack rank and the burn-down.
    pub chart: bool,
    /// The last weeks' figures, once the walk back through the history has answered.
    pub trend: Option<Vec<Week>>,
    /// The generation of the trend request on its way.
    pub trend_asked: u64,
    /// The register changed since the trend was asked for (asked again when the tab shows).
    pub behind: bool,
    page: usize,
}

impl BudgetTab {
    fn ranked(&self) -> usize {
        self.report
            .as_ref()
            .map_or(0, |r| r.top_by_bad_minutes.len())
    }
}

impl TabView for BudgetTab {
    fn bindings(&self) -> &'static [Binding] {
        BINDINGS
    }

    fn render(&self, cx: &Cx<'_>, area: Rect, buf: &mut Buffer) {
        let t = cx.theme;
        let Some(report) = &self.report else {
            Paragraph::new("Loading the budget…")
                .block(Block::bordered())
                .render(area, buf);
            return;
        };
        let b = &report.budget;
        let [gauge_area, left, right] = panes(area);
        let ratio = if b.budget_minutes > 0.0 {
            b.used_minutes / b.budget_minutes
        } else {
            1.0
        };
        let left_over = if b.left_minutes < 0.0 {
            format!("{} over", figures::minutes(-b.left_minutes))
        } else {
            format!("{} left", figures::minutes(b.left_minutes))
        };
        let label = format!(
            "{} of {} bad min/yr used ({}%), {left_over}",
            figures::minutes(b.used_minutes),
            figures::minutes(b.budget_minutes),
            figures::percent(b.used_percent),
        );
        let style = if b.used_minutes > b.budget_minutes {
            t.error()
        } else if ratio > 0.75 {
            t.warn()
        } else {
            t.ok()
        };
        let block = Block::bordered().title(format!(
            " Error budget at SLO {}% · {} ",
            figures::slo(b.slo),
            figures::count(
                b.active_without_estimates,
                "active risk without estimates",
                "active risks without estimates"
            )
        ));
        let inner = block.inner(gauge_area);
        block.render(gauge_area, buf);
        let [gauge_row, chance_row, more_row] = inner.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ]));
        Gauge::default()
            .gauge_style(style)
            .ratio(ratio.clamp(0.0, 1.0))
            .label(Span::styled(label, t.header()))
            .render(gauge_row, buf);
        let c = &b.chance;
        let miss_style = if c.miss_probability > cx.settings.max_miss_probability {
            t.error()
        } else {
            t.ok()
        };
        let mut chance = Fitted::new(chance_row.width);
        chance.push(Span::styled("Chance to miss the SLO: ", t.dim()));
        chance.push(Span::styled(
            figures::chance(c.miss_probability),
            miss_style,
        ));
        chance.push(Span::styled(" · bad min/yr", t.dim()));
        for (name, value) in [("p50", c.p50), ("p90", c.p90), ("p99", c.p99)] {
            chance.push(Span::styled(
                format!(" {name} {}", figures::minutes(value)),
                t.dim(),
            ));
        }
        Line::from(chance.spans).render(chance_row, buf);
        let mut more = Fitted::new(more_row.width);
        if b.mitigated.risks > 0 {
            more.push(Span::styled(
                format!(
                    "incl. {} mitigated at target ({} min) ",
                    b.mitigated.risks,
                    figures::minutes(b.mitigated.minutes)
                ),
                t.dim(),
            ));
        }
        for sb in &report.services {
            let style = if sb.miss_probability > cx.settings.max_miss_probability {
                t.error()
            } else {
                t.ok()
            };
            more.push_pair(
                Span::styled(
                    format!(
                        "· {} {}%: {} of {} used, ",
                        crate::text::sanitize_line(&sb.service),
                        figures::slo(sb.slo),
                        figures::minutes(sb.used_minutes),
                        figures::minutes(sb.budget_minutes)
                    ),
                    t.dim(),
                ),
                Span::styled(
                    format!("{} miss ", figures::chance(sb.miss_probability)),
                    style,
                ),
            );
        }
        Line::from(more.spans).render(more_row, buf);
        if self.chart {
            let below = Rect {
                y: left.y,
                height: area.bottom().saturating_sub(left.y),
                ..area
            };
            render_trend(self.trend.as_deref(), cx, below, buf);
            return;
        }

        let limit = b.single_risk_limit_minutes;
        let page = usize::from(left.height.saturating_sub(3)).max(1);
        let rows = report
            .top_by_bad_minutes
            .iter()
            .skip(self.cursor.offset)
            .take(page)
            .map(|r| {
                let bm = r.bad_minutes_per_year.unwrap_or_default();
                let big = cx.settings.is_too_big(bm);
                vec![
                    Cell::new(r.id.to_string()),
                    Cell::styled(
                        figures::minutes(bm),
                        if big { t.error() } else { t.header() },
                    ),
                    Cell::styled(if big { "TOO BIG" } else { "" }, t.error()),
                    Cell::new(&r.title),
                ]
            })
            .collect();
        Grid {
            columns: vec![
                Column::number("ID"),
                Column::number("BM/YR"),
                Column::text("", 0, 7),
                Column::flex("TITLE", 8),
            ],
            rows,
            selected: (!report.top_by_bad_minutes.is_empty())
                .then(|| self.cursor.at - self.cursor.offset),
            block: Some(Block::bordered().title(format!(
                " Stack rank by bad minutes (too big above {}) ",
                figures::minutes(limit)
            ))),
            header_style: t.header(),
            highlight: t.selected(),
        }
        .render(left, buf);
        let rows = report
            .milestones
            .iter()
            .map(|m| {
                let left_style = if m.budget_left_minutes < 0.0 {
                    t.error()
                } else {
                    t.ok()
                };
                // "!" marks an overdue milestone in words too, for screens without colour.
                let name = if m.overdue {
                    Cell::styled(format!("! {}", m.name), t.overdue())
                } else {
                    Cell::new(&m.name)
                };
                vec![
                    name,
                    Cell::new(m.due.map(|d| d.to_string()).unwrap_or_default()),
                    Cell::new(figures::minutes(m.change_minutes)),
                    Cell::styled(figures::minutes(m.budget_left_minutes), left_style),
                    Cell::new(figures::chance(m.miss_probability)),
                ]
            })
            .collect();
        Grid {
            columns: vec![
                Column::flex("MILESTONE", 8),
                Column::number("DUE").left().optional(1),
                Column::number("CHANGE"),
                Column::number("LEFT"),
                Column::number("MISS"),
            ],
            rows,
            selected: None,
            block: Some(
                Block::bordered()
                    .title(" As milestones land: budget left, chance to miss (! overdue) "),
            ),
            header_style: t.header(),
            highlight: t.selected(),
        }
        .render(right, buf);
        if report.milestones.is_empty() {
            let inner = Block::bordered().inner(right);
            Paragraph::new(Line::styled("No milestones yet.", t.dim())).render(
                Rect {
                    y: inner.y + 1,
                    height: inner.height.saturating_sub(1),
                    ..inner
                },
                buf,
            );
        }
    }

    fn navigate(&mut self, action: &Action) -> Intent {
        self.cursor.navigate(action, self.ranked(), self.page);
        Intent::Nothing
    }

    fn click(&mut self, row: usize) -> Intent {
        self.cursor.click(row, self.ranked());
        Intent::Nothing
    }

    fn choose(&self) -> Intent {
        if self.chart {
            return Intent::Nothing;
        }
        self.report
            .as_ref()
            .and_then(|r| r.top_by_bad_minutes.get(self.cursor.at))
            .map_or(Intent::Nothing, |r| {
                Intent::OpenRisk(r.id, SortKey::BadMinutes)
            })
    }

    fn mouse(&self, area: Rect, _column: u16, row: u16) -> Option<Action> {
        // Below the top pane, the stack rank's border and header.
        super::row_in(area, row, TOP + 2).map(Action::ClickRow)
    }

    fn resize(&mut self, body: Rect) {
        self.page = super::list_rows(panes(body)[1]);
        self.cursor.keep_visible(self.ranked(), self.page.max(1));
    }

    fn apply_overview(&mut self, o: &Overview) {
        self.report = Some(o.report.clone());
        self.cursor.keep_visible(self.ranked(), self.page.max(1));
    }
}

/// The trend chart: bad minutes a year against the budget, week by week.
fn render_trend(weeks: Option<&[Week]>, cx: &Cx<'_>, area: Rect, buf: &mut Buffer) {
    let t = cx.theme;
    let block =
        Block::bordered().title(" Trend: bad minutes a year against the budget (•••), by week ");
    let Some(weeks) = weeks.filter(|w| !w.is_empty()) else {
        let inner = block.inner(area);
        block.render(area, buf);
        Paragraph::new(Line::styled(
            "Walking back through the history, week by week…",
            t.dim(),
        ))
        .render(inner, buf);
        return;
    };
    let x = |i: usize| f64::from(u32::try_from(i).unwrap_or(u32::MAX));
    let used: Vec<(f64, f64)> = weeks
        .iter()
        .enumerate()
        .map(|(i, w)| (x(i), w.bad_minutes))
        .collect();
    let budget: Vec<(f64, f64)> = weeks
        .iter()
        .enumerate()
        .map(|(i, w)| (x(i), w.budget_minutes))
        .collect();
    let top = weeks
        .iter()
        .map(|w| w.bad_minutes.max(w.budget_minutes))
        .fold(0.0, f64::max)
        .max(1.0)
        * 1.1;
    let first = weeks.first().map(|w| w.week_ending.to_string());
    let last = weeks.last().map(|w| w.week_ending.to_string());
    let over = weeks
        .last()
        .is_some_and(|w| w.bad_minutes > w.budget_minutes);
    let chart = Chart::new(vec![
        Dataset::default()
            .name("bad min/yr")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(if over { t.error() } else { t.warn() })
            .data(&used),
        // Dots, not braille: the budget line tells from the other without colour.
        Dataset::default()
            .name("budget")
            .marker(Marker::Dot)
            .graph_type(GraphType::Line)
            .style(t.ok())
            .data(&budget),
    ])
    .block(block)
    .hidden_legend_constraints((Constraint::Ratio(1, 1), Constraint::Ratio(1, 1)))
    .x_axis(
        Axis::default()
            .style(t.dim())
            .bounds([0.0, x(weeks.len().saturating_sub(1)).max(1.0)])
            .labels(
                first
                    .into_iter()
                    .chain(last)
                    .map(Span::raw)
                    .collect::<Vec<_>>(),
            ),
    )
    .y_axis(
        Axis::default()
            .style(t.dim())
            .bounds([0.0, top])
            .labels(vec![
                Span::raw("0"),
                Span::raw(figures::minutes(top / 2.0)),
                Span::raw(figures::minutes(top)),
            ]),
    );
    chart.render(area, buf);
}

/// Spans that fit one row whole: a part that would be cut is left out, so no figure is
/// ever shown truncated.
struct Fitted<'a> {
    spans: Vec<Span<'a>>,
    left: usize,
}

impl<'a> Fitted<'a> {
    fn new(width: u16) -> Self {
        Self {
            spans: Vec::new(),
            left: usize::from(width),
        }
    }

    fn push(&mut self, span: Span<'a>) {
        let width = span.width();
        if width > self.left {
            self.left = 0;
            return;
        }
        self.left -= width;
        self.spans.push(span);
    }

    fn push_pair(&mut self, a: Span<'a>, b: Span<'a>) {
        if a.width() + b.width() > self.left {
            self.left = 0;
            return;
        }
        self.push(a);
        self.push(b);
    }
}
