//! The Risks tab: the filter line, the prioritized table and the detail pane.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, StatefulWidget, Table, TableState, Widget, Wrap};

use super::{cell, cell_right, or_dash};
use crate::domain::estimates;
use crate::domain::incidents::{Incident, calibrate};
use crate::domain::lifecycle::is_review_due;
use crate::domain::{Event, Risk};
use crate::text::{sanitize, sanitize_line};
use crate::tui::app::{App, SORTS};
use crate::tui::layout;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let l = layout::risks(area);
    render_filter(app, l.filter, buf);
    render_table(app, l.table, buf);
    if let Some(d) = l.detail {
        render_detail(app, d, buf, false);
    }
}

fn render_filter(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let sort = SORTS
        .iter()
        .find(|(k, _)| *k == app.sort)
        .map_or("score", |(k, _)| k.as_str());
    let right = format!(" sort: {sort} ");
    let right_w = u16::try_from(right.len()).unwrap_or(0).min(area.width);
    let left_area = Rect {
        width: area.width.saturating_sub(right_w),
        ..area
    };
    let right_area = Rect {
        x: area.x + left_area.width,
        width: right_w,
        ..area
    };
    if let Some(input) = &app.filter.editing {
        let label = "/ ";
        Span::styled(label, t.key()).render(left_area, buf);
        let field = Rect {
            x: left_area.x + 2,
            width: left_area.width.saturating_sub(2),
            ..left_area
        };
        let error_w = app.filter.error.as_ref().map_or(0, |_| field.width / 2);
        let input_area = Rect {
            width: field.width - error_w,
            ..field
        };
        input.render(input_area, buf);
        if let Some(e) = &app.filter.error {
            let err_area = Rect {
                x: input_area.x + input_area.width,
                width: error_w,
                ..field
            };
            Span::styled(cell(e, error_w), t.error()).render(err_area, buf);
        }
    } else {
        let line = if app.filter.applied.is_empty() {
            Line::from(vec![
                Span::styled("/", t.key()),
                Span::styled(
                    " filter: active risks (e.g. team:edge score>=10 -status:accepted)",
                    t.dim(),
                ),
            ])
        } else {
            Line::from(vec![
                Span::styled("filter: ", t.dim()),
                Span::raw(sanitize_line(&app.filter.applied).into_owned()),
            ])
        };
        Paragraph::new(line).render(left_area, buf);
    }
    Span::styled(right, t.dim()).render(right_area, buf);
}

/// Which optional columns fit: (owner, next review).
fn optional_columns(width: u16) -> (bool, bool) {
    (width >= 100, width >= 115)
}

fn render_table(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let (owner, review) = optional_columns(area.width);
    let mut widths = vec![
        Constraint::Length(5),
        Constraint::Length(5),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(10),
        Constraint::Length(10),
        Constraint::Length(10),
        Constraint::Length(10),
    ];
    let mut header = vec![
        "ID",
        "SCORE",
        "L",
        "I",
        "TITLE",
        "TEAM",
        "MILESTONE",
        "STATUS",
    ];
    if owner {
        widths.push(Constraint::Length(10));
        header.push("OWNER");
    }
    if review {
        widths.push(Constraint::Length(11));
        header.push("NEXT REVIEW");
    }
    let fixed: u16 =
        5 + 5 + 1 + 1 + 10 * 3 + if owner { 10 } else { 0 } + if review { 11 } else { 0 };
    let gaps = u16::try_from(widths.len()).unwrap_or(0).saturating_sub(1);
    let title_w = area.width.saturating_sub(fixed + gaps).max(1);
    let today = app.today();
    let rows: Vec<Row> = app
        .risks
        .visible
        .iter()
        .map(|r| {
            let f = &r.fields;
            let due = is_review_due(f, today);
            let mut cells = vec![
                ratatui::widgets::Cell::from(cell_right(&r.id.to_string(), 5)),
                ratatui::widgets::Cell::from(Span::styled(
                    format!("{:>2} {}", r.score(), &r.band.as_str()[..1].to_uppercase()),
                    t.band(r.band),
                )),
                ratatui::widgets::Cell::from(f.likelihood.to_string()),
                ratatui::widgets::Cell::from(f.impact.to_string()),
                ratatui::widgets::Cell::from(cell(&f.title, title_w)),
                ratatui::widgets::Cell::from(cell(or_dash(f.team.as_deref().unwrap_or("")), 10)),
                ratatui::widgets::Cell::from(cell(
                    or_dash(f.milestone.as_deref().unwrap_or("")),
                    10,
                )),
                ratatui::widgets::Cell::from(cell(f.status.as_str(), 10)),
            ];
            if owner {
                cells.push(ratatui::widgets::Cell::from(cell(or_dash(&f.owner), 10)));
            }
            if review {
                let text = f.next_review.map(|d| d.to_string()).unwrap_or_default();
                let style = if due { t.warn() } else { Style::default() };
                cells.push(ratatui::widgets::Cell::from(Span::styled(
                    cell(or_dash(&text), 11),
                    style,
                )));
            }
            Row::new(cells)
        })
        .collect();
    let mut state = TableState::default();
    if !app.risks.ids.is_empty() {
        state.select(Some(app.risks.selected.saturating_sub(app.risks.offset)));
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.header()))
        .row_highlight_style(t.selected())
        .column_spacing(1);
    StatefulWidget::render(table, area, buf, &mut state);
    if app.risks.loaded && app.risks.ids.is_empty() && area.height > 2 {
        let msg = if app.filter.applied.is_empty() {
            "No active risks. a adds one; closed and mitigated risks show with a status: filter."
        } else {
            "No risk matches this filter. c clears it; closed and mitigated risks need a status: term."
        };
        let inner = Rect {
            y: area.y + 2,
            height: area.height - 2,
            ..area
        };
        Paragraph::new(Span::styled(msg, t.dim()))
            .wrap(Wrap { trim: true })
            .render(inner, buf);
    }
}

/// The selected risk: its fields, description and latest history. `full` is the Enter view.
pub fn render_detail(app: &App, area: Rect, buf: &mut Buffer, full: bool) {
    let t = app.theme;
    let Some((risk, events, incidents)) = &app.risks.detail else {
        Block::bordered().title(" Detail ").render(area, buf);
        return;
    };
    let title = format!(" #{} {} ", risk.id, sanitize_line(&risk.fields.title));
    let block = Block::bordered().title(Span::styled(title, t.title()));
    let inner = block.inner(area);
    block.render(area, buf);
    let lines = detail_lines(app, risk, events, incidents, full);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}

fn detail_lines(
    app: &App,
    risk: &Risk,
    events: &[Event],
    incidents: &[Incident],
    full: bool,
) -> Vec<Line<'static>> {
    let t = app.theme;
    let f = &risk.fields;
    let today = app.today();
    let field = |name: &str, value: String| -> Vec<Span<'static>> {
        vec![Span::styled(format!("{name}: "), t.dim()), Span::raw(value)]
    };
    let text = |s: &str| sanitize_line(or_dash(s)).into_owned();
    let mut first = vec![
        Span::styled(
            format!("score {} {}", risk.score(), risk.band),
            t.band(risk.band),
        ),
        Span::raw(format!(
            "  likelihood {} {} × impact {} {}  ",
            f.likelihood,
            f.likelihood.label(),
            f.impact,
            f.impact.label()
        )),
    ];
    first.extend(field("status", f.status.to_string()));
    let milestone = match (&f.milestone, risk.milestone_due) {
        (Some(m), Some(d)) => format!("{} (due {d})", sanitize_line(m)),
        (Some(m), None) => sanitize_line(m).into_owned(),
        (None, _) => "—".into(),
    };
    let mut second = field("team", text(f.team.as_deref().unwrap_or("")));
    second.extend(field("  milestone", milestone));
    second.extend(field("  owner", text(&f.owner)));
    let mut third = field("service", text(&f.service));
    third.extend(field("  category", text(&f.category)));
    third.extend(field("  tags", text(&f.tags.join(", "))));
    let review = f
        .next_review
        .map(|d| d.to_string())
        .unwrap_or_else(|| "—".into());
    let mut fourth = field("next review", review);
    if is_review_due(f, today) {
        fourth.push(Span::styled(" (due)", t.warn()));
    }
    if f.status == crate::domain::Status::Accepted || !f.approver.is_empty() {
        let until = f
            .accepted_until
            .map(|d| d.to_string())
            .unwrap_or_else(|| "—".into());
        fourth.extend(field("  accepted until", until));
        fourth.extend(field("  approver", text(&f.approver)));
    }
    fourth.extend(field("  revision", risk.revision.to_string()));
    let mut lines = vec![
        Line::from(first),
        Line::from(second),
        Line::from(third),
        Line::from(fourth),
    ];
    if let Some(line) = availability_line(app, risk) {
        lines.push(line);
    }
    let linked: Vec<&Incident> = incidents.iter().collect();
    for flag in calibrate(&f.estimates, &linked, today) {
        lines.push(Line::styled(
            format!("re-estimate: {}", flag.describe()),
            t.warn(),
        ));
    }
    if !f.description.is_empty() {
        lines.push(Line::default());
        let description = sanitize(&f.description);
        let max = if full { usize::MAX } else { 3 };
        for l in description.lines().take(max) {
            lines.push(Line::raw(l.to_string()));
        }
    }
    if !incidents.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled("Incidents", t.header()));
        for i in incidents.iter().take(if full { usize::MAX } else { 3 }) {
            lines.push(Line::raw(format!(
                "{} #{} {} — detect {} + repair {} min, {}% of users",
                i.date,
                i.id,
                sanitize_line(&i.title),
                i.ttd.rounded(),
                i.ttr.rounded(),
                i.users.rounded()
            )));
        }
    }
    if !events.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled("History", t.header()));
        for e in events {
            lines.push(Line::raw(event_line(e)));
        }
    }
    lines
}

/// Bad minutes against the budget and the estimates behind them, when there are any.
fn availability_line(app: &App, risk: &Risk) -> Option<Line<'static>> {
    let t = app.theme;
    let f = &risk.fields;
    let summary = estimates::summary(&f.estimates)?;
    let mut spans = vec![Span::styled("availability: ", t.dim())];
    if let Some(bm) = f.bad_minutes_per_year() {
        let settings = app.settings();
        let budget = estimates::error_budget_minutes(settings.slo);
        let too_big = bm > settings.single_risk_share * budget;
        let share = if budget > 0.0 {
            bm / budget * 100.0
        } else {
            0.0
        };
        let text = format!(
            "{} bad min/yr ({}% of budget{}) ",
            estimates::format_number(bm, 1),
            estimates::format_number(share, 1),
            if too_big { ", TOO BIG" } else { "" }
        );
        spans.push(Span::styled(
            text,
            if too_big { t.error() } else { t.header() },
        ));
    }
    spans.push(Span::raw(summary));
    if let Some(then) = f
        .target_bad_minutes_per_year()
        .filter(|_| !f.target.is_empty())
    {
        spans.push(Span::styled(
            format!(" → {} at milestone", estimates::format_number(then, 1)),
            t.ok(),
        ));
    }
    Some(Line::from(spans))
}

/// One history event as a line: when, who, what.
pub fn event_line(e: &Event) -> String {
    let what = match (&e.field, &e.old, &e.new) {
        (Some(field), Some(old), Some(new)) => format!(
            "{field}: {} → {}",
            crate::text::truncate(&sanitize_line(or_dash(old)), 30),
            crate::text::truncate(&sanitize_line(or_dash(new)), 30)
        ),
        (_, _, Some(new)) => crate::text::truncate(&sanitize_line(new), 60).into_owned(),
        (_, Some(old), None) => crate::text::truncate(&sanitize_line(old), 60).into_owned(),
        _ => String::new(),
    };
    let note = if e.note.is_empty() {
        String::new()
    } else {
        format!(" — {}", sanitize_line(&e.note))
    };
    format!(
        "{} {} {} {what}{note}",
        e.at.get(..16).unwrap_or(&e.at).replace('T', " "),
        sanitize_line(&e.actor),
        e.kind.as_str()
    )
}
