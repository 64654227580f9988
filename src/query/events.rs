//! The History tab's filter: `risk:N`, `actor:NAME`, `field:NAME`, `kind:KIND`,
//! `since:YYYY-MM-DD`, and bare words or "quoted phrases" matched in the change, the note
//! and the field (case-insensitive). Terms are ANDed; each field at most once.

use jiff::civil::Date;

use super::{Cmp, FieldText, Result, err, not_a_comparison, parse_terms, split_values};
use crate::domain::{EventKind, Field, validate};
use crate::text::echo;

/// The terms the History tab's filter takes, as help lists them.
pub const EVENT_TERMS: [(&str, &str); 6] = [
    ("risk:N", "one risk's events"),
    ("actor:NAME", "events by whoever's name contains NAME"),
    (
        "field:NAME",
        "changes of one field (owner, likelihood, status…)",
    ),
    (
        "kind:KIND",
        "create, change, status, review, import, delete or comment",
    ),
    ("since:YYYY-MM-DD", "events from the start of that day"),
    ("WORDS", "words in the change, the note or the field"),
];

/// What the History tab's filter takes besides its terms.
pub const EVENT_RULE: &str = "Each term at most once; none is negated. h clears the filter.";

/// What the History tab shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventQuery {
    pub risk: Option<i64>,
    pub actor: Option<String>,
    pub field: Option<String>,
    pub kind: Option<EventKind>,
    pub since: Option<Date>,
    pub text: Vec<String>,
}

enum Term {
    Risk(i64),
    Actor(String),
    Field(String),
    Kind(EventKind),
    Since(Date),
    Text(String),
}

impl EventQuery {
    pub fn parse(input: &str) -> Result<EventQuery> {
        let mut q = EventQuery::default();
        for p in parse_terms(input, &term, &Term::Text)? {
            if p.negated {
                return Err(super::QueryError {
                    message: "history filter terms cannot be negated; drop the '-'".into(),
                    position: p.position,
                    term: String::new(),
                });
            }
            let twice = |name: &str| super::QueryError {
                message: format!("'{name}' is given twice; the history filter takes each once"),
                position: p.position,
                term: String::new(),
            };
            let taken = match p.kind {
                Term::Risk(id) => q.risk.replace(id).map(|_| "risk"),
                Term::Actor(a) => q.actor.replace(a).map(|_| "actor"),
                Term::Field(f) => q.field.replace(f).map(|_| "field"),
                Term::Kind(k) => q.kind.replace(k).map(|_| "kind"),
                Term::Since(d) => q.since.replace(d).map(|_| "since"),
                Term::Text(t) => {
                    q.text.push(t);
                    None
                }
            };
            if let Some(name) = taken {
                return Err(twice(name));
            }
        }
        Ok(q)
    }
}

fn term(f: &FieldText<'_>) -> Result<Term> {
    if !matches!(f.op, None | Some(Cmp::Eq)) {
        return Err(not_a_comparison(f.name, "VALUE", f.field_pos, f.token));
    }
    let values = split_values(f.name, f.value, f.value_pos, f.token)?;
    let [value] = values.as_slice() else {
        return Err(err(
            format!("'{}' takes one value, not a list", echo(f.name)),
            f.value_pos,
            f.token,
        ));
    };
    let bad = |what: &str| {
        err(
            format!("'{}' needs {what}, got '{}'", f.name, echo(value)),
            f.value_pos,
            f.token,
        )
    };
    match f.name {
        "risk" => value
            .trim_start_matches('#')
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Term::Risk)
            .ok_or_else(|| bad("a risk id")),
        "actor" => Ok(Term::Actor(value.clone())),
        "field" => Field::from_name(&value.to_lowercase())
            .map(|field| Term::Field(field.name().to_string()))
            .or_else(|| {
                crate::domain::actions::ActionField::from_name(&value.to_lowercase())
                    .map(|field| Term::Field(field.name().to_string()))
            })
            .ok_or_else(|| bad("a field name (owner, likelihood, status…)")),
        "kind" => EventKind::parse(&value.to_lowercase())
            .map(Term::Kind)
            .ok_or_else(|| bad("create, change, status, review, import, delete or comment")),
        "since" => validate::date("since", value)
            .map(Term::Since)
            .map_err(|_| bad("a date YYYY-MM-DD")),
        other => Err(err(
            format!(
                "unknown history filter '{}'; use risk:, actor:, field:, kind:, since: or words",
                echo(other)
            ),
            f.field_pos,
            f.token,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_parses() {
        let q = EventQuery::parse(
            r#"risk:12 actor:ana field:Owner kind:change since:2026-11-01 "on call" pager"#,
        )
        .unwrap();
        assert_eq!(q.risk, Some(12));
        assert_eq!(q.actor.as_deref(), Some("ana"));
        assert_eq!(q.field.as_deref(), Some("owner"));
        assert_eq!(q.kind, Some(EventKind::Change));
        assert_eq!(q.since, Some(Date::constant(2026, 11, 1)));
        assert_eq!(q.text, vec!["on call".to_string(), "pager".to_string()]);
    }

    #[test]
    fn bad_terms_say_what_is_wrong() {
        for (input, needle) in [
            ("risk:x", "needs a risk id"),
            ("kind:edit", "create, change"),
            ("since:yesterday", "a date"),
            ("field:colour", "a field name"),
            ("team:core", "unknown history filter 'team'"),
            ("-kind:change", "cannot be negated"),
            ("risk:1 risk:2", "given twice"),
        ] {
            let e = EventQuery::parse(input).unwrap_err();
            assert!(e.message.contains(needle), "{input}: {}", e.message);
        }
    }
}
