//! The query language of actions (`riskreg action list`, the Actions tab's filter bar): the
//! same shape as the risks' (terms ANDed, `-term` negates, comma = or, words and phrases
//! search titles), over an action's own fields. Open actions only, unless a positive status
//! term or `--all` widens the match.

use jiff::civil::Date;

use super::{
    Cmp, FieldText, QueryError, Result, echo, err, not_a_comparison, parse_terms, split_values,
};
use crate::domain::actions::{ActionKind, ActionStatus};
use crate::domain::validate;
use crate::suggest;

/// Text fields of an action matched by equality (case-insensitive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionText {
    Owner,
    Team,
    Milestone,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionTermKind {
    /// The risk it mitigates is one of these.
    Risk(Vec<i64>),
    Status(Vec<ActionStatus>),
    Match(ActionText, Vec<String>),
    Kind(Vec<ActionKind>),
    /// The incident that produced it is one of these.
    Incident(Vec<i64>),
    /// The due date that counts, compared with a date.
    Due(Cmp, Date),
    /// Open and past its due date.
    Overdue,
    /// The title contains this text.
    Text(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionTerm {
    pub negated: bool,
    pub kind: ActionTermKind,
    pub position: usize,
}

/// A parsed action query: terms that must all hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionQuery {
    pub terms: Vec<ActionTerm>,
}

/// What to list: a query, whether done and dropped actions count, and a limit. Actions
/// are in the Actions tab's order: by the due date that counts (overdue ones first, none
/// last), then id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionSpec {
    pub query: ActionQuery,
    pub all: bool,
    pub limit: Option<u64>,
}

impl ActionSpec {
    /// Open actions only, unless a positive status term or `all` widens the match.
    pub fn open_only(&self) -> bool {
        !self.all
            && !self
                .query
                .terms
                .iter()
                .any(|t| !t.negated && matches!(t.kind, ActionTermKind::Status(_)))
    }
}

/// One field an action term can name, as the parser reads it and help describes it.
pub struct ActionFieldTerm {
    pub name: &'static str,
    pub example: &'static str,
    pub meaning: &'static str,
}

/// Every field an action term can name: the parser's list, from which help is generated.
pub const ACTION_TERMS: [ActionFieldTerm; 9] = [
    ActionFieldTerm {
        name: "risk",
        example: "risk:12,14",
        meaning: "mitigates one of these risks",
    },
    ActionFieldTerm {
        name: "status",
        example: "status:done",
        meaning: "in one of these statuses: todo, doing, done, dropped",
    },
    ActionFieldTerm {
        name: "owner",
        example: "owner:ana",
        meaning: "this person owns it",
    },
    ActionFieldTerm {
        name: "team",
        example: "team:platform",
        meaning: "one of these teams does it",
    },
    ActionFieldTerm {
        name: "milestone",
        example: "milestone:2027q1-failover",
        meaning: "lands with one of these milestones",
    },
    ActionFieldTerm {
        name: "kind",
        example: "kind:long-term",
        meaning: "short-term or long-term",
    },
    ActionFieldTerm {
        name: "incident",
        example: "incident:4",
        meaning: "came out of this incident's review",
    },
    ActionFieldTerm {
        name: "due",
        example: "due<2027-01-01",
        meaning: "the due date that counts (its own, else its milestone's) compared",
    },
    ActionFieldTerm {
        name: "is",
        example: "is:overdue",
        meaning: "open and past its due date",
    },
];

/// Every term of the action query language, for help.
pub fn action_help_lines() -> Vec<(String, String)> {
    let mut lines: Vec<(String, String)> = ACTION_TERMS
        .iter()
        .map(|t| (t.example.to_string(), t.meaning.to_string()))
        .collect();
    lines.push(("-term".into(), "negates a term".into()));
    lines.push((
        "word \"a phrase\"".into(),
        "the title contains the text (any case)".into(),
    ));
    lines
}

/// What `action_help_lines` says about which statuses match.
pub const ACTION_STATUS_RULE: &str = "Only open actions (todo, doing) match, unless a term \
     names a status (status:done) or --all is given; a negated status term narrows within \
     the open ones.";

/// The action query help as text, for `--help`.
pub fn action_help_text() -> String {
    let lines = action_help_lines();
    let width = lines
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::from("Queries (terms are ANDed):\n");
    for (term, meaning) in lines {
        out.push_str(&format!("  {term:<width$}  {meaning}\n"));
    }
    out.push_str(&format!("  {ACTION_STATUS_RULE}\n"));
    out
}

impl ActionQuery {
    pub fn parse(input: &str) -> Result<ActionQuery> {
        let terms: Vec<ActionTerm> = parse_terms(input, &parse_field, &ActionTermKind::Text)?
            .into_iter()
            .map(|p| ActionTerm {
                negated: p.negated,
                kind: p.kind,
                position: p.position,
            })
            .collect();
        if let Some(term) = terms.get(super::MAX_TERMS) {
            return Err(QueryError {
                message: format!(
                    "too many terms: a query holds at most {}, this one has {}",
                    super::MAX_TERMS,
                    terms.len()
                ),
                position: term.position,
                term: String::new(),
            });
        }
        Ok(ActionQuery { terms })
    }

    /// Parses command-line arguments as one query, joined by spaces.
    pub fn parse_args<S: AsRef<str>>(args: &[S]) -> Result<ActionQuery> {
        let joined: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
        ActionQuery::parse(&joined.join(" "))
    }
}

fn ids(f: &FieldText<'_>, what: &str) -> Result<Vec<i64>> {
    split_values(f.name, f.value, f.value_pos, f.token)?
        .iter()
        .map(|v| {
            v.trim_start_matches('#')
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    err(
                        format!("'{}' needs {what} ids, got '{}'", f.name, echo(v)),
                        f.value_pos,
                        f.token,
                    )
                })
        })
        .collect()
}

fn parse_field(f: &FieldText<'_>) -> Result<ActionTermKind> {
    let equality = matches!(f.op, None | Some(Cmp::Eq));
    if f.name != "due" && !equality {
        return Err(not_a_comparison(f.name, "VALUE", f.field_pos, f.token));
    }
    let values = || split_values(f.name, f.value, f.value_pos, f.token);
    let text = |field: ActionText| -> Result<ActionTermKind> {
        Ok(ActionTermKind::Match(field, values()?))
    };
    match f.name {
        "risk" => Ok(ActionTermKind::Risk(ids(f, "risk")?)),
        "incident" => Ok(ActionTermKind::Incident(ids(f, "incident")?)),
        "owner" => text(ActionText::Owner),
        "team" => text(ActionText::Team),
        "milestone" => text(ActionText::Milestone),
        "status" => values()?
            .iter()
            .map(|v| {
                ActionStatus::parse(v).map_err(|e| {
                    err(
                        format!("unknown status '{}': {}", echo(v), e.reason),
                        f.value_pos,
                        f.token,
                    )
                })
            })
            .collect::<Result<Vec<_>>>()
            .map(ActionTermKind::Status),
        "kind" => values()?
            .iter()
            .map(|v| {
                ActionKind::parse(v).map_err(|e| {
                    err(
                        format!("unknown kind '{}': {}", echo(v), e.reason),
                        f.value_pos,
                        f.token,
                    )
                })
            })
            .collect::<Result<Vec<_>>>()
            .map(ActionTermKind::Kind),
        "due" => {
            let values = values()?;
            let [v] = values.as_slice() else {
                return Err(err("'due' takes one date", f.value_pos, f.token));
            };
            let date = validate::date("due", v).map_err(|e| {
                err(
                    format!("'due' needs a date: {}", e.reason),
                    f.value_pos,
                    f.token,
                )
            })?;
            Ok(ActionTermKind::Due(f.op.unwrap_or(Cmp::Eq), date))
        }
        "is" => {
            let values = values()?;
            match values.as_slice() {
                [v] if v.eq_ignore_ascii_case("overdue") => Ok(ActionTermKind::Overdue),
                _ => Err(err(
                    format!(
                        "unknown flag 'is:{}'; actions have is:overdue",
                        echo(&values.join(","))
                    ),
                    f.value_pos,
                    f.token,
                )),
            }
        }
        other => {
            let names = ACTION_TERMS.iter().map(|t| t.name);
            Err(err(
                format!(
                    "unknown field '{}'{}; an action's fields: {}",
                    echo(other),
                    suggest::did_you_mean(other, names.clone()),
                    names.collect::<Vec<_>>().join(", ")
                ),
                f.field_pos,
                f.token,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(q: &str) -> Vec<(bool, ActionTermKind)> {
        ActionQuery::parse(q)
            .unwrap()
            .terms
            .into_iter()
            .map(|t| (t.negated, t.kind))
            .collect()
    }

    #[test]
    fn every_term_in_the_help_parses() {
        for t in &ACTION_TERMS {
            assert!(ActionQuery::parse(t.example).is_ok(), "{}", t.example);
            assert!(action_help_text().contains(t.example));
        }
    }

    #[test]
    fn terms_negation_and_text() {
        assert_eq!(
            kinds("risk:3,#4 -status:done is:overdue canary due<2027-01-01"),
            vec![
                (false, ActionTermKind::Risk(vec![3, 4])),
                (true, ActionTermKind::Status(vec![ActionStatus::Done])),
                (false, ActionTermKind::Overdue),
                (false, ActionTermKind::Text("canary".into())),
                (
                    false,
                    ActionTermKind::Due(Cmp::Lt, Date::constant(2027, 1, 1))
                ),
            ]
        );
        let e = ActionQuery::parse("stauts:done").unwrap_err();
        assert!(e.message.contains("did you mean 'status'"), "{}", e.message);
        assert!(ActionQuery::parse("risk:x").is_err());
        assert!(ActionQuery::parse("is:too-big").is_err());
    }

    #[test]
    fn only_a_positive_status_term_widens_the_match() {
        let spec = |q: &str| ActionSpec {
            query: ActionQuery::parse(q).unwrap(),
            ..ActionSpec::default()
        };
        assert!(spec("").open_only());
        assert!(spec("-status:doing").open_only());
        assert!(!spec("status:done").open_only());
    }
}
