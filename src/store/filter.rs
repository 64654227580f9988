//! Turns a parsed [`Query`](crate::query::Query) into an SQL condition, and a sort key into
//! an ORDER BY. Every value travels as a bound parameter, never spliced into the SQL.

use super::db::Value;
use jiff::civil::Date;

use crate::domain::Status;
use crate::query::{Flag, ListSpec, NumField, SortKey, Term, TermKind, TextField};
use crate::scoring::Settings;

/// The FROM clause every risk query uses; `r` is the risk, `t` its team, `m` its milestone,
/// `ra` its open actions.
pub(super) const FROM: &str = "risk r LEFT JOIN team t ON t.id = r.team_id \
     LEFT JOIN milestone m ON m.id = r.milestone_id LEFT JOIN risk_actions ra ON ra.risk_id = r.id";

/// The FROM clause of a count or aggregate whose condition reads only the risk: SQLite
/// then answers it from an index alone (it keeps an unused LEFT JOIN in an aggregate)…
const FROM_RISK: &str = "risk r";
/// … and of one whose condition reads the milestone.
const FROM_RISK_MILESTONE: &str = "risk r LEFT JOIN milestone m ON m.id = r.milestone_id";

/// An SQL condition with its parameters, in order.
pub(super) struct Condition {
    pub sql: String,
    pub params: Vec<Value<'static>>,
}

/// The smallest FROM clause for a count or aggregate over what `spec` selects: the risk
/// alone, with its milestone only when a term reads the milestone (its due date or status).
pub(super) fn aggregate_from(spec: &ListSpec) -> &'static str {
    let reads_milestone = spec
        .query
        .terms
        .iter()
        .any(|t| matches!(t.kind, TermKind::Due(..) | TermKind::Flag(Flag::Overdue)));
    if reads_milestone {
        FROM_RISK_MILESTONE
    } else {
        FROM_RISK
    }
}

const ACTIVE: &str = "r.status IN ('open', 'mitigating', 'accepted')";

pub(super) fn condition(spec: &ListSpec, today: Date, settings: &Settings) -> Condition {
    let mut clauses = Vec::new();
    let mut params = Vec::new();
    if spec.active_only() {
        clauses.push(ACTIVE.to_string());
    }
    for term in &spec.query.terms {
        clauses.push(term_sql(term, today, settings, &mut params));
    }
    let sql = if clauses.is_empty() {
        "1 = 1".to_string()
    } else {
        clauses.join(" AND ")
    };
    Condition { sql, params }
}

/// `SELECT {columns} FROM … WHERE … ORDER BY … [LIMIT ?]` for a spec, with its parameters:
/// the one statement shape every listing (rows, ids) runs.
pub(super) fn select(
    spec: &ListSpec,
    today: Date,
    settings: &Settings,
    columns: &str,
) -> Condition {
    let cond = condition(spec, today, settings);
    let mut sql = format!(
        "SELECT {columns} FROM {FROM} WHERE {} ORDER BY {}",
        cond.sql,
        order_by(spec.sort)
    );
    let mut params = cond.params;
    if let Some(limit) = spec.limit {
        sql.push_str(" LIMIT ?");
        params.push(Value::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
    }
    Condition { sql, params }
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

fn text(s: &str) -> Value<'static> {
    Value::text(s)
}

fn term_sql(
    term: &Term,
    today: Date,
    settings: &Settings,
    params: &mut Vec<Value<'static>>,
) -> String {
    let bands = &settings.bands;
    let sql = match &term.kind {
        TermKind::Match(field, values) => {
            params.extend(values.iter().map(|v| match field {
                TextField::Tag => text(&format!(",{v},")),
                _ => text(v),
            }));
            let list = placeholders(values.len());
            match field {
                TextField::Team => {
                    format!("r.team_id IN (SELECT id FROM team WHERE name IN ({list}))")
                }
                TextField::Milestone => {
                    format!("r.milestone_id IN (SELECT id FROM milestone WHERE name IN ({list}))")
                }
                TextField::Owner => format!("r.owner COLLATE NOCASE IN ({list})"),
                TextField::Category => format!("r.category COLLATE NOCASE IN ({list})"),
                TextField::Service => format!("r.service COLLATE NOCASE IN ({list})"),
                TextField::Tag => {
                    let one = "instr(',' || r.tags || ',', ?) > 0";
                    format!("({})", vec![one; values.len()].join(" OR "))
                }
            }
        }
        TermKind::Status(statuses) => {
            params.extend(statuses.iter().map(|s| text(s.as_str())));
            format!("r.status IN ({})", placeholders(statuses.len()))
        }
        TermKind::Band(list) => {
            let ranges: Vec<&str> = list
                .iter()
                .map(|b| {
                    let (lo, hi) = bands.score_range(*b);
                    params.push(Value::Int(i64::from(lo)));
                    params.push(Value::Int(i64::from(hi)));
                    "r.score BETWEEN ? AND ?"
                })
                .collect();
            format!("({})", ranges.join(" OR "))
        }
        TermKind::NumberIn(field, values) => {
            params.extend(values.iter().map(|v| Value::Int(*v)));
            format!("{} IN ({})", num_column(*field), placeholders(values.len()))
        }
        TermKind::Number(field, cmp, value) => {
            params.push(Value::Int(*value));
            format!("{} {} ?", num_column(*field), cmp.as_str())
        }
        TermKind::Due(cmp, date) => {
            params.push(text(&date.to_string()));
            format!("m.due {} ?", cmp.as_str())
        }
        TermKind::Flag(Flag::Unowned) => "r.team_id IS NULL".to_string(),
        TermKind::Flag(Flag::NoOwner) => "r.owner = ''".to_string(),
        TermKind::Flag(Flag::Overdue) => {
            params.push(text(&today.to_string()));
            "(m.due < ? AND m.status <> 'done')".to_string()
        }
        TermKind::Flag(Flag::TooBig) => {
            params.push(Value::Real(settings.too_big_limit_minutes()));
            "r.bad_minutes > ?".to_string()
        }
        TermKind::Flag(Flag::NoAction) => "(r.status IN ('open', 'mitigating') \
             AND NOT EXISTS (SELECT 1 FROM risk_actions x WHERE x.risk_id = r.id))"
            .to_string(),
        TermKind::Flag(Flag::ActionOverdue) => {
            params.push(text(&today.to_string()));
            "EXISTS (SELECT 1 FROM risk_actions x WHERE x.risk_id = r.id AND x.next_due < ?)"
                .to_string()
        }
        TermKind::Flag(Flag::PartialEstimates) => {
            "(CASE WHEN r.ettd_min IS NULL THEN 0 ELSE 1 END + CASE WHEN r.ettr_min IS NULL THEN 0 ELSE 1 END \
             + CASE WHEN r.users_pct IS NULL THEN 0 ELSE 1 END + CASE WHEN r.ettf_days IS NULL THEN 0 ELSE 1 END) \
             BETWEEN 1 AND 3"
                .to_string()
        }
        TermKind::Flag(Flag::ReviewDue) => {
            let cond = review_due_condition(today);
            params.extend(cond.params);
            cond.sql
        }
        TermKind::Text(s) => {
            let needle = text(&s.to_lowercase());
            params.extend([needle.clone(), needle]);
            "(rr_contains(r.title, ?) OR rr_contains(r.description, ?))".to_string()
        }
    };
    if term.negated {
        format!("NOT coalesce(({sql}), 1 = 0)")
    } else {
        sql
    }
}

/// Active and due for review. Keep in step with domain::lifecycle::is_review_due (tested
/// against it).
pub(super) fn review_due_condition(today: Date) -> Condition {
    let today = text(&today.to_string());
    Condition {
        sql: format!(
            "({ACTIVE} AND (r.next_review <= ? OR (r.status = '{}' AND (r.approver = '' OR r.accepted_until IS NULL OR r.accepted_until < ?))))",
            Status::Accepted.as_str()
        ),
        params: vec![today.clone(), today],
    }
}

fn num_column(field: NumField) -> &'static str {
    match field {
        NumField::Score => "r.score",
        NumField::Likelihood => "r.likelihood",
        NumField::Impact => "r.impact",
        NumField::BadMinutes => "r.bad_minutes",
        NumField::TargetScore => {
            "(coalesce(r.target_likelihood, r.likelihood) * coalesce(r.target_impact, r.impact))"
        }
        NumField::TargetLikelihood => "coalesce(r.target_likelihood, r.likelihood)",
        NumField::TargetImpact => "coalesce(r.target_impact, r.impact)",
    }
}

/// The ORDER BY for a sort key; every key ends in the default priority order, so the output
/// is deterministic. `due_order` is the milestone's due date with "none" sorting last.
pub(super) fn order_by(sort: SortKey) -> &'static str {
    match sort {
        SortKey::Score => "r.score DESC, r.impact DESC, r.due_order ASC, r.id ASC",
        SortKey::Due => "r.due_order ASC, r.score DESC, r.impact DESC, r.id ASC",
        SortKey::Updated => {
            "r.updated_at DESC, r.score DESC, r.impact DESC, r.due_order ASC, r.id ASC"
        }
        SortKey::Id => "r.id ASC",
        SortKey::BadMinutes => {
            "r.bad_minutes DESC NULLS LAST, r.score DESC, r.impact DESC, r.due_order ASC, r.id ASC"
        }
    }
}
