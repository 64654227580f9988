//! report (the register in one page) and check (the policy gate), both from one pass of
//! [`Portfolio`] over the register.

use crate::cli::args::Format;
use crate::cli::context::Ctx;
use crate::cli::output::{Out, emit_one};
use crate::cli::table;
use crate::domain::figures;
use crate::domain::portfolio::{ACTIONS_DONE_DAYS, MilestoneLine, Report, RiskLine, Violation};
use crate::error::{Error, Result};
use crate::io::json;
use crate::io::table::{Cell, Column, Table};
use crate::scoring::Band;
use crate::text::sanitize;

fn build(ctx: &Ctx, as_of: Option<&str>) -> Result<(Report, Vec<Violation>)> {
    let (store, today) = ctx.open_as_of(as_of)?;
    crate::ops::portfolio(&store, today)
}

pub(crate) fn report(ctx: &Ctx, as_of: Option<&str>) -> Result<()> {
    let (report, _) = build(ctx, as_of)?;
    match ctx.format() {
        Format::Json | Format::Ndjson => emit_one(ctx, &report, String::new),
        Format::Md => {
            let mut out = Out::new();
            out.write_str(&render(&report, ctx, true))?;
            out.finish()
        }
        Format::Table => {
            let mut out = Out::new();
            out.write_str(&render(&report, ctx, false))?;
            out.finish()
        }
        Format::Csv => Err(Error::Usage(
            "report prints table, md or json; for rows a spreadsheet can take use `riskreg export`"
                .into(),
        )),
    }
}

pub(crate) fn check(ctx: &Ctx) -> Result<()> {
    let (_, violations) = build(ctx, None)?;
    let mut out = Out::new();
    match ctx.format() {
        Format::Json | Format::Ndjson => {
            let doc = serde_json::json!({
                "schema_version": 1,
                "ok": violations.is_empty(),
                "violations": violations,
            });
            json::write_pretty(out.writer(), &doc).map_err(Out::error)?;
        }
        _ => {
            if violations.is_empty() {
                out.write_str("check: every rule holds\n")?;
            }
            for v in &violations {
                out.line(&format!("{}: {}", v.rule, sanitize(&v.message)))?;
            }
        }
    }
    out.finish()?;
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Error::Refused {
            code: crate::cli::CHECK_FAILED,
            message: format!(
                "{} violation{} of the register's rules",
                violations.len(),
                if violations.len() == 1 { "" } else { "s" }
            ),
        })
    }
}

fn minutes(m: Option<f64>) -> String {
    m.map(figures::minutes).unwrap_or_default()
}

fn risk_table(lines: &[RiskLine]) -> Table {
    let mut t = Table::new(vec![
        Column::right("ID"),
        Column::right("SCORE"),
        Column::left("TITLE", 12, 4),
        Column::left("TEAM", 6, 1),
        Column::left("MILESTONE", 6, 1),
        Column::left("STATUS", 10, 0),
        Column::right("BAD MIN/YR"),
    ]);
    for r in lines {
        t.push(vec![
            Cell::plain(r.id),
            Cell::Banded(r.score.to_string(), r.band),
            Cell::text(&r.title),
            Cell::text(r.team.as_deref().unwrap_or("-")),
            Cell::text(r.milestone.as_deref().unwrap_or("-")),
            Cell::plain(r.status),
            Cell::plain(minutes(r.bad_minutes_per_year)),
        ]);
    }
    t
}

fn milestone_table(lines: &[MilestoneLine]) -> Table {
    let mut t = Table::new(vec![
        Column::left("MILESTONE", 10, 3),
        Column::left("DUE", 10, 0),
        Column::right("RISKS"),
        Column::right("CHANGE"),
        Column::right("PROJECTED"),
        Column::right("BUDGET LEFT"),
        Column::right("MISS"),
    ]);
    for m in lines {
        let due = match (m.due, m.overdue) {
            (Some(d), true) => format!("{d} overdue"),
            (Some(d), false) => d.to_string(),
            (None, _) => "-".into(),
        };
        t.push(vec![
            Cell::text(&m.name),
            Cell::plain(due),
            Cell::plain(m.active_risks),
            Cell::plain(figures::minutes(m.change_minutes)),
            Cell::plain(figures::minutes(m.projected_minutes)),
            Cell::plain(figures::minutes(m.budget_left_minutes)),
            Cell::plain(figures::chance(m.miss_probability)),
        ]);
    }
    t
}

/// The report as a terminal page or as Markdown ready to paste into a planning document.
fn render(r: &Report, ctx: &Ctx, md: bool) -> String {
    let mut s = String::new();
    let heading = |s: &mut String, title: &str| {
        if md {
            s.push_str(&format!("\n## {title}\n\n"));
        } else {
            s.push_str(&format!(
                "\n{}\n",
                table::paint(title, anstyle::Style::new().bold(), ctx.color)
            ));
        }
    };
    let put = |s: &mut String, t: &Table| {
        if md {
            let mut buf = Vec::new();
            if t.write_markdown(&mut buf).is_ok() {
                s.push_str(&String::from_utf8_lossy(&buf));
            }
        } else {
            s.push_str(&table::render(t, ctx.width, ctx.color));
        }
    };
    let b = &r.budget;
    if md {
        s.push_str(&format!("# Availability risk register — {}\n", r.today));
    } else {
        s.push_str(&format!("Availability risk register — {}\n", r.today));
    }
    s.push_str(&format!(
        "\n{}, {} active: {} critical, {} high, {} medium, {} low.\n",
        figures::count(r.risks, "risk", "risks"),
        r.active,
        r.by_band.critical,
        r.by_band.high,
        r.by_band.medium,
        r.by_band.low
    ));
    heading(&mut s, "Error budget");
    let left = if b.left_minutes < 0.0 {
        format!("{} over the budget", figures::minutes(-b.left_minutes))
    } else {
        format!("leaving {}", figures::minutes(b.left_minutes))
    };
    s.push_str(&format!(
        "SLO {}%: {} bad minutes a year. The risks use {} ({}%), {left}.\n",
        figures::slo(b.slo),
        figures::minutes(b.budget_minutes),
        figures::minutes(b.used_minutes),
        figures::percent(b.used_percent),
    ));
    let c = &b.chance;
    s.push_str(&format!(
        "The chance a year misses the SLO: {} (its bad minutes: p50 {}, p90 {}, p99 {}; a compound Poisson distribution, exact to {} minute{}).\n",
        figures::chance(c.miss_probability),
        figures::minutes(c.p50),
        figures::minutes(c.p90),
        figures::minutes(c.p99),
        figures::minutes(c.step_minutes),
        if c.step_minutes > 1.0 { "s" } else { "" }
    ));
    let m = &b.mitigated;
    if m.risks > 0 {
        s.push_str(&format!(
            "Of that, {} {} mitigated and {} {}: the residual risk, at target estimates for {} of them (today's for the rest).\n",
            figures::count(m.risks, "risk", "risks"),
            if m.risks == 1 { "is" } else { "are" },
            if m.risks == 1 { "counts" } else { "count" },
            figures::minutes(m.minutes),
            m.at_target
        ));
    }
    let too_big = match r.too_big.len() {
        0 => "none is".to_string(),
        1 => "1 risk is".to_string(),
        n => format!("{n} risks are"),
    };
    s.push_str(&format!(
        "{} {} estimates; {} {} none and {} partial ones (neither counted). A risk above {} bad minutes a year is too big on its own; {too_big}.\n",
        figures::count(b.active_with_estimates, "active risk", "active risks"),
        if b.active_with_estimates == 1 { "has" } else { "have" },
        b.active_without_estimates.saturating_sub(r.partial_estimates.len() as u64),
        if b.active_without_estimates.saturating_sub(r.partial_estimates.len() as u64) == 1 { "has" } else { "have" },
        r.partial_estimates.len(),
        figures::minutes(b.single_risk_limit_minutes),
    ));
    if !r.services.is_empty() {
        heading(&mut s, "Services with their own SLO");
        let mut t = Table::new(vec![
            Column::left("SERVICE", 8, 2),
            Column::right("SLO %"),
            Column::right("BUDGET"),
            Column::right("USED"),
            Column::right("LEFT"),
            Column::right("RISKS"),
            Column::right("MISS"),
            Column::right("P90"),
        ]);
        for sb in &r.services {
            t.push(vec![
                Cell::text(&sb.service),
                Cell::plain(figures::slo(sb.slo)),
                Cell::plain(figures::minutes(sb.budget_minutes)),
                Cell::plain(figures::minutes(sb.used_minutes)),
                Cell::plain(figures::minutes(sb.left_minutes)),
                Cell::plain(sb.risks),
                Cell::plain(figures::chance(sb.miss_probability)),
                Cell::plain(figures::minutes(sb.chance.p90)),
            ]);
        }
        put(&mut s, &t);
        s.push_str("Their risks count against their own budget, not the register's above.\n");
    }
    let mut status = Table::new(vec![Column::left("STATUS", 10, 0), Column::right("RISKS")]);
    for (k, v) in &r.by_status {
        status.push(vec![Cell::plain(k), Cell::plain(v)]);
    }
    heading(&mut s, "By status");
    put(&mut s, &status);
    let mut teams = Table::new(vec![
        Column::left("TEAM", 8, 2),
        Column::right("ACTIVE"),
        Column::right("CRIT"),
        Column::right("HIGH"),
        Column::right("MED"),
        Column::right("LOW"),
        Column::right("BAD MIN/YR"),
    ]);
    for t in &r.by_team {
        teams.push(vec![
            Cell::text(t.team.as_deref().unwrap_or("(unowned)")),
            Cell::plain(t.active),
            Cell::Banded(t.by_band.critical.to_string(), Band::Critical),
            Cell::Banded(t.by_band.high.to_string(), Band::High),
            Cell::plain(t.by_band.medium),
            Cell::plain(t.by_band.low),
            Cell::plain(figures::minutes(t.bad_minutes_per_year)),
        ]);
    }
    heading(&mut s, "By team");
    put(&mut s, &teams);
    heading(&mut s, "Top risks by score");
    put(&mut s, &risk_table(&r.top_by_score));
    heading(&mut s, "Top risks by bad minutes");
    put(&mut s, &risk_table(&r.top_by_bad_minutes));
    heading(&mut s, "Too big on their own");
    if r.too_big.is_empty() {
        s.push_str("None.\n");
    } else {
        put(&mut s, &risk_table(&r.too_big));
    }
    heading(&mut s, "Budget as the milestones land");
    put(&mut s, &milestone_table(&r.milestones));
    heading(&mut s, "Overdue milestones with active risks");
    if r.overdue_milestones.is_empty() {
        s.push_str("None.\n");
    } else {
        put(&mut s, &milestone_table(&r.overdue_milestones));
    }
    heading(&mut s, "Actions");
    let a = &r.actions;
    s.push_str(&format!(
        "{}, {} overdue; {} done in the last {ACTIONS_DONE_DAYS} days.\n",
        figures::count(a.open, "open action", "open actions"),
        a.overdue,
        a.done_last_30_days
    ));
    if !a.by_team.is_empty() {
        let mut t = Table::new(vec![
            Column::left("TEAM", 8, 2),
            Column::right("OPEN"),
            Column::right("OVERDUE"),
            Column::right("DONE 30D"),
        ]);
        for line in &a.by_team {
            t.push(vec![
                Cell::text(line.team.as_deref().unwrap_or("(no team)")),
                Cell::plain(line.open),
                if line.overdue > 0 {
                    Cell::Banded(line.overdue.to_string(), Band::Critical)
                } else {
                    Cell::plain(line.overdue)
                },
                Cell::plain(line.done_last_30_days),
            ]);
        }
        put(&mut s, &t);
    }
    heading(&mut s, "Due for review");
    if r.review_due.is_empty() {
        s.push_str("None.\n");
    } else {
        put(&mut s, &risk_table(&r.review_due));
    }
    heading(
        &mut s,
        "Partial estimates (not counted until all four are given)",
    );
    if r.partial_estimates.is_empty() {
        s.push_str("None.\n");
    } else {
        put(&mut s, &risk_table(&r.partial_estimates));
    }
    heading(&mut s, "Estimates the incidents contradict");
    if r.calibration.is_empty() {
        s.push_str("None.\n");
    } else {
        let mut t = Table::new(vec![
            Column::right("ID"),
            Column::left("TITLE", 12, 3),
            Column::left("EVIDENCE", 20, 4),
        ]);
        for c in &r.calibration {
            t.push(vec![
                Cell::plain(c.risk.id),
                Cell::text(&c.risk.title),
                Cell::plain(c.summary.join("; ")),
            ]);
        }
        put(&mut s, &t);
    }
    s
}
