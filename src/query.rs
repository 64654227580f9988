//! The query language shared by every command that takes a QUERY and by the TUI filter bar.
//!
//! Terms are ANDed. `field:value` (comma = or) for team, milestone, status, owner, category,
//! service, tag and band; comparisons on score, likelihood, impact and due; `is:` flags;
//! `-term` negates; bare words and "quoted phrases" match title and description,
//! case-insensitively. This module only parses: storage turns a [`Query`] into SQL.

mod actions;
mod events;

use std::fmt;

use jiff::civil::Date;

use crate::domain::{Status, validate};
use crate::scoring::Band;
use crate::suggest;
use crate::text::echo;

pub use actions::{
    ACTION_STATUS_RULE, ACTION_TERMS, ActionQuery, ActionSpec, ActionTermKind, ActionText,
    action_help_lines, action_help_text,
};
pub use events::{EVENT_RULE, EVENT_TERMS, EventQuery};

/// Text fields matched by equality (case-insensitive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextField {
    Team,
    Milestone,
    Owner,
    Category,
    Service,
    Tag,
}

/// Numeric fields that take comparisons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumField {
    Score,
    Likelihood,
    Impact,
    /// Bad minutes a year (`bm`); risks without complete estimates never match.
    BadMinutes,
    /// What the risk's milestone will leave (today's levels where no target is set).
    TargetScore,
    TargetLikelihood,
    TargetImpact,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    pub fn as_str(self) -> &'static str {
        match self {
            Cmp::Eq => "=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }
}

/// `is:` flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    /// No owning team.
    Unowned,
    /// No owner: no person is the DRI.
    NoOwner,
    /// The risk's milestone is past due and not done.
    Overdue,
    /// The review date has come, or an acceptance has lapsed.
    ReviewDue,
    /// Bad minutes above the single-risk share of the error budget.
    TooBig,
    /// Open or mitigating (not accepted) with no open action.
    NoAction,
    /// An open action is past its due date.
    ActionOverdue,
    /// Some but not all four estimates.
    PartialEstimates,
}

/// One `is:` flag as the parser reads it and help describes it.
pub struct FlagTerm {
    pub flag: Flag,
    pub name: &'static str,
    pub meaning: &'static str,
}

/// Every `is:` flag: the parser's list, from which help is generated.
pub const FLAGS: [FlagTerm; 8] = [
    FlagTerm {
        flag: Flag::Unowned,
        name: "unowned",
        meaning: "no owning team",
    },
    FlagTerm {
        flag: Flag::NoOwner,
        name: "no-owner",
        meaning: "no owner (no person is the DRI)",
    },
    FlagTerm {
        flag: Flag::Overdue,
        name: "overdue",
        meaning: "its milestone is past due and not done",
    },
    FlagTerm {
        flag: Flag::ReviewDue,
        name: "review-due",
        meaning: "review date reached, or acceptance lapsed",
    },
    FlagTerm {
        flag: Flag::TooBig,
        name: "too-big",
        meaning: "bad minutes above the single-risk share of the budget",
    },
    FlagTerm {
        flag: Flag::NoAction,
        name: "no-action",
        meaning: "open or mitigating (not accepted) with no open action",
    },
    FlagTerm {
        flag: Flag::ActionOverdue,
        name: "action-overdue",
        meaning: "an open action is past its due date",
    },
    FlagTerm {
        flag: Flag::PartialEstimates,
        name: "partial-estimates",
        meaning: "some but not all four estimates (its bad minutes are not counted)",
    },
];

/// One field a term can name, as the parser reads it and help describes it.
pub struct FieldTerm {
    pub name: &'static str,
    /// How it is written, e.g. `team:core,data`.
    pub example: &'static str,
    pub meaning: &'static str,
}

/// Every field a term can name: the parser's list (it suggests the closest of these for a
/// typo), from which help is generated.
pub const FIELD_TERMS: [FieldTerm; 17] = [
    FieldTerm {
        name: "team",
        example: "team:core,data",
        meaning: "owned by one of these teams (comma = or)",
    },
    FieldTerm {
        name: "milestone",
        example: "milestone:2027q1-failover",
        meaning: "on one of these roadmap milestones",
    },
    FieldTerm {
        name: "status",
        example: "status:open,mitigating",
        meaning: "in one of these statuses (see below)",
    },
    FieldTerm {
        name: "owner",
        example: "owner:ana",
        meaning: "this person is the owner (DRI)",
    },
    FieldTerm {
        name: "category",
        example: "category:capacity",
        meaning: "in this category",
    },
    FieldTerm {
        name: "service",
        example: "service:checkout",
        meaning: "affects this service",
    },
    FieldTerm {
        name: "tag",
        example: "tag:db",
        meaning: "carries this tag",
    },
    FieldTerm {
        name: "band",
        example: "band:high,critical",
        meaning: "in one of these bands",
    },
    FieldTerm {
        name: "score",
        example: "score>=12",
        meaning: "likelihood × impact compared (= < <= > >=, or a list 12,15)",
    },
    FieldTerm {
        name: "likelihood",
        example: "likelihood>3",
        meaning: "likelihood 1–5 compared",
    },
    FieldTerm {
        name: "impact",
        example: "impact<=2",
        meaning: "impact 1–5 compared",
    },
    FieldTerm {
        name: "target_score",
        example: "target_score>=12",
        meaning: "the score its milestone will leave (today's without targets) compared",
    },
    FieldTerm {
        name: "target_likelihood",
        example: "target_likelihood>3",
        meaning: "the likelihood its milestone will leave compared",
    },
    FieldTerm {
        name: "target_impact",
        example: "target_impact<=2",
        meaning: "the impact its milestone will leave compared",
    },
    FieldTerm {
        name: "bm",
        example: "bm>=100",
        meaning: "bad minutes a year compared (risks without estimates never match)",
    },
    FieldTerm {
        name: "due",
        example: "due<2026-12-31",
        meaning: "its milestone's due date compared",
    },
    FieldTerm {
        name: "is",
        example: "is:FLAG",
        meaning: "a flag, below",
    },
];

/// The QUERIES section of `list --help`, `export --help` and the TUI's help: every term the
/// parser knows, from its own lists.
pub fn help_lines() -> Vec<(String, String)> {
    let mut lines: Vec<(String, String)> = FIELD_TERMS
        .iter()
        .filter(|f| f.name != "is")
        .map(|f| (f.example.to_string(), f.meaning.to_string()))
        .collect();
    lines.extend(
        FLAGS
            .iter()
            .map(|f| (format!("is:{}", f.name), f.meaning.to_string())),
    );
    lines.push(("-term".into(), "negates a term".into()));
    lines.push((
        "word \"a phrase\"".into(),
        "title or description contains the text (any case)".into(),
    ));
    lines
}

/// What `help_lines` says about which statuses match.
pub const STATUS_RULE: &str = "Only active risks (open, mitigating, accepted) match, unless a \
     term names a status (status:closed) or --all is given; a negated status term \
     (-status:accepted) narrows within the active risks.";

/// The QUERIES section as text, for `--help`.
pub fn help_text() -> String {
    let lines = help_lines();
    let width = lines
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::from("Queries (terms are ANDed):\n");
    for (term, meaning) in lines {
        out.push_str(&format!("  {term:<width$}  {meaning}\n"));
    }
    out.push_str(&format!("  {STATUS_RULE}\n"));
    out
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TermKind {
    /// Field equals one of the values.
    Match(TextField, Vec<String>),
    Status(Vec<Status>),
    Band(Vec<Band>),
    /// Field equals one of the values.
    NumberIn(NumField, Vec<i64>),
    Number(NumField, Cmp, i64),
    /// The milestone's due date compared with a date.
    Due(Cmp, Date),
    Flag(Flag),
    /// Title or description contains this text.
    Text(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub negated: bool,
    pub kind: TermKind,
    /// 1-based character position of the term in the query.
    pub position: usize,
}

/// A parsed query: terms that must all hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
}

/// A query that could not be parsed: what is wrong, where, and often what was meant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError {
    pub message: String,
    /// 1-based character position.
    pub position: usize,
    pub term: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at position {})", self.message, self.position)
    }
}

impl std::error::Error for QueryError {}

/// How a list is ordered. Ties always fall back to the default priority order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortKey {
    /// The priority order: score desc, impact desc, milestone due asc (none last), id asc.
    #[default]
    Score,
    /// Milestone due date first (none last).
    Due,
    /// Most recently changed first.
    Updated,
    /// By id, ascending.
    Id,
    /// Most bad minutes a year first; risks without estimates last.
    BadMinutes,
}

impl SortKey {
    pub const ALL: [(SortKey, &'static str); 5] = [
        (SortKey::Score, "score"),
        (SortKey::Due, "due"),
        (SortKey::Updated, "updated"),
        (SortKey::Id, "id"),
        (SortKey::BadMinutes, "bad-minutes"),
    ];

    pub fn as_str(self) -> &'static str {
        SortKey::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("score", |(_, n)| n)
    }
}

/// What to list: a query, whether inactive risks count, the order and a limit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListSpec {
    pub query: Query,
    /// Include closed and mitigated risks even when the query names no status.
    pub all: bool,
    pub sort: SortKey,
    pub limit: Option<u64>,
}

impl ListSpec {
    /// By default only active risks match, unless a positive status term or `all` widens the
    /// match; a negated status term narrows within the active risks.
    pub fn active_only(&self) -> bool {
        !self.all && !self.query.names_status()
    }
}

fn field_names() -> impl Iterator<Item = &'static str> + Clone {
    FIELD_TERMS.iter().map(|f| f.name)
}

/// The most terms one query may hold, and the most values all its terms may list: far
/// beyond any query a person or script writes, and well inside what the database accepts
/// in one statement (an expression tree about a thousand deep, 32,766 parameters).
pub const MAX_TERMS: usize = 100;
pub const MAX_VALUES: usize = 1_000;

impl Query {
    pub fn parse(input: &str) -> Result<Query> {
        let terms = parse_terms(input, &parse_field, &TermKind::Text)?
            .into_iter()
            .map(|p| Term {
                negated: p.negated,
                kind: p.kind,
                position: p.position,
            })
            .collect();
        let query = Query { terms };
        query.check_size()?;
        Ok(query)
    }

    /// Refuses a query larger than [`MAX_TERMS`] terms or [`MAX_VALUES`] values, naming
    /// the first term past the limit.
    fn check_size(&self) -> Result<()> {
        if let Some(term) = self.terms.get(MAX_TERMS) {
            return Err(QueryError {
                message: format!(
                    "too many terms: a query holds at most {MAX_TERMS}, this one has {}; list values with commas (team:a,b,c) or split the query",
                    self.terms.len()
                ),
                position: term.position,
                term: String::new(),
            });
        }
        let mut values = 0;
        for term in &self.terms {
            values += match &term.kind {
                TermKind::Match(_, v) => v.len(),
                TermKind::Status(v) => v.len(),
                TermKind::Band(v) => v.len(),
                TermKind::NumberIn(_, v) => v.len(),
                _ => 1,
            };
            if values > MAX_VALUES {
                return Err(QueryError {
                    message: format!(
                        "too many values: a query lists at most {MAX_VALUES} in all; split it into several queries"
                    ),
                    position: term.position,
                    term: String::new(),
                });
            }
        }
        Ok(())
    }

    /// Parses command-line arguments as one query, joined by spaces.
    pub fn parse_args<S: AsRef<str>>(args: &[S]) -> Result<Query> {
        let joined: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
        Query::parse(&joined.join(" "))
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether a positive term names a status (which lifts the active-only default).
    pub fn names_status(&self) -> bool {
        self.terms
            .iter()
            .any(|t| !t.negated && matches!(t.kind, TermKind::Status(_)))
    }
}

/// A value written so the parser reads it back as one value: bare when it can be, else in
/// quotes with `"` and `\` escaped. The TUI builds `team:NAME` filters with it.
pub fn quote_value(value: &str) -> String {
    let bare = !value.is_empty()
        && value
            .chars()
            .all(|c| !c.is_whitespace() && !matches!(c, '"' | '\\' | ',' | ':' | '<' | '>' | '='));
    if bare {
        value.to_string()
    } else {
        format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

type Result<T> = std::result::Result<T, QueryError>;

pub(crate) fn err(message: impl Into<String>, position: usize, term: &[char]) -> QueryError {
    QueryError {
        message: message.into(),
        position: position + 1,
        term: echo(&term.iter().collect::<String>()),
    }
}

/// The error for a comparison on a field that only takes `name:VALUE` (`what` names the
/// value).
pub(crate) fn not_a_comparison(name: &str, what: &str, pos: usize, token: &[char]) -> QueryError {
    err(
        format!(
            "'{shown}' takes {shown}:{what}, not a comparison",
            shown = echo(name)
        ),
        pos,
        token,
    )
}

/// A field term as written: `name` (lower-cased), its operator (`None` for `:`), the value's
/// characters and where they start, the whole token and where its field name starts.
pub(crate) struct FieldText<'a> {
    pub name: &'a str,
    pub op: Option<Cmp>,
    pub value: &'a [char],
    pub value_pos: usize,
    pub token: &'a [char],
    pub field_pos: usize,
}

/// A term of any vocabulary: negated or not, its kind, and its 1-based position.
pub(crate) struct Parsed<K> {
    pub negated: bool,
    pub kind: K,
    pub position: usize,
}

/// Splits `input` into terms the way every query does (spaces between terms, `-` negates,
/// `"quoted phrases"`, `field:value` and comparisons), leaving what a field means to
/// `field` and what a bare word or phrase means to `text`.
pub(crate) fn parse_terms<K>(
    input: &str,
    field: &dyn Fn(&FieldText<'_>) -> Result<K>,
    text: &dyn Fn(String) -> K,
) -> Result<Vec<Parsed<K>>> {
    let chars: Vec<char> = input.chars().collect();
    let n = chars.len();
    let mut terms = Vec::new();
    let mut i = 0;
    while i < n {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let mut open_quote: Option<usize> = None;
        while i < n && (open_quote.is_some() || !chars[i].is_whitespace()) {
            match chars[i] {
                '\\' if open_quote.is_some() => i += 1,
                '"' if open_quote.is_some() => open_quote = None,
                '"' => open_quote = Some(i),
                _ => {}
            }
            i += 1;
        }
        let token = &chars[start..i.min(n)];
        if let Some(q) = open_quote {
            return Err(err("unterminated quote: add the closing \"", q, token));
        }
        terms.push(parse_term(token, start, field, text)?);
    }
    Ok(terms)
}

fn parse_term<K>(
    token: &[char],
    pos: usize,
    field: &dyn Fn(&FieldText<'_>) -> Result<K>,
    text: &dyn Fn(String) -> K,
) -> Result<Parsed<K>> {
    let (negated, body, body_pos) = match token {
        ['-', rest @ ..] if !rest.is_empty() => (true, rest, pos + 1),
        _ => (false, token, pos),
    };
    let kind = if body.first() == Some(&'"') {
        let phrase = unquote(body, body_pos)?;
        if phrase.trim().is_empty() {
            return Err(err(
                "empty phrase: put some text between the quotes",
                body_pos,
                token,
            ));
        }
        text(phrase)
    } else if let Some((name_len, op, op_len)) = field_prefix(body) {
        let name: String = body[..name_len].iter().collect::<String>().to_lowercase();
        field(&FieldText {
            name: &name,
            op,
            value: &body[name_len + op_len..],
            value_pos: body_pos + name_len + op_len,
            token,
            field_pos: body_pos,
        })?
    } else {
        text(body.iter().filter(|c| **c != '"').collect())
    };
    Ok(Parsed {
        negated,
        kind,
        position: pos + 1,
    })
}

/// `name:` or `name>=` etc. at the start of a token: (name length, operator, operator length).
fn field_prefix(body: &[char]) -> Option<(usize, Option<Cmp>, usize)> {
    let first = body.first()?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    let name_len = body
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
        .count();
    let rest = &body[name_len..];
    match rest {
        [':', ..] => Some((name_len, None, 1)),
        ['>', '=', ..] => Some((name_len, Some(Cmp::Ge), 2)),
        ['<', '=', ..] => Some((name_len, Some(Cmp::Le), 2)),
        ['>', ..] => Some((name_len, Some(Cmp::Gt), 1)),
        ['<', ..] => Some((name_len, Some(Cmp::Lt), 1)),
        ['=', ..] => Some((name_len, Some(Cmp::Eq), 1)),
        _ => None,
    }
}

fn parse_field(f: &FieldText<'_>) -> Result<TermKind> {
    let (name, op, value, value_pos, token, field_pos) =
        (f.name, f.op, f.value, f.value_pos, f.token, f.field_pos);
    let text_field = match name {
        "team" => Some(TextField::Team),
        "milestone" => Some(TextField::Milestone),
        "owner" => Some(TextField::Owner),
        "category" => Some(TextField::Category),
        "service" => Some(TextField::Service),
        "tag" => Some(TextField::Tag),
        _ => None,
    };
    let equality = matches!(op, None | Some(Cmp::Eq));
    let no_comparisons = |what: &str| not_a_comparison(name, what, field_pos, token);
    if let Some(field) = text_field {
        if !equality {
            return Err(no_comparisons("VALUE"));
        }
        let mut values = split_values(name, value, value_pos, token)?;
        if field == TextField::Tag {
            for v in &mut values {
                *v = v.to_lowercase();
            }
        }
        return Ok(TermKind::Match(field, values));
    }
    let num_field = match name {
        "score" => Some(NumField::Score),
        "likelihood" => Some(NumField::Likelihood),
        "impact" => Some(NumField::Impact),
        "bm" => Some(NumField::BadMinutes),
        "target_score" => Some(NumField::TargetScore),
        "target_likelihood" => Some(NumField::TargetLikelihood),
        "target_impact" => Some(NumField::TargetImpact),
        _ => None,
    };
    if let Some(field) = num_field {
        let values = split_values(name, value, value_pos, token)?;
        let numbers = values
            .iter()
            .map(|v| {
                v.parse::<i64>().map_err(|_| {
                    err(
                        format!("'{}' needs a whole number, got '{}'", echo(name), echo(v)),
                        value_pos,
                        token,
                    )
                })
            })
            .collect::<Result<Vec<i64>>>()?;
        return match op {
            None | Some(Cmp::Eq) => Ok(TermKind::NumberIn(field, numbers)),
            Some(cmp) if numbers.len() == 1 => Ok(TermKind::Number(field, cmp, numbers[0])),
            Some(cmp) => Err(err(
                format!("'{}{}' takes one number", echo(name), cmp.as_str()),
                value_pos,
                token,
            )),
        };
    }
    match name {
        "status" => {
            if !equality {
                return Err(no_comparisons("open,mitigating"));
            }
            let statuses = split_values(name, value, value_pos, token)?
                .iter()
                .map(|v| {
                    Status::parse(v).map_err(|e| {
                        err(
                            format!("unknown status '{}': {}", echo(v), e.reason),
                            value_pos,
                            token,
                        )
                    })
                })
                .collect::<Result<Vec<Status>>>()?;
            Ok(TermKind::Status(statuses))
        }
        "band" => {
            if !equality {
                return Err(no_comparisons("high,critical"));
            }
            let bands = split_values(name, value, value_pos, token)?
                .iter()
                .map(|v| {
                    Band::parse(v).ok_or_else(|| {
                        err(
                            format!(
                                "unknown band '{}': must be one of low, medium, high, critical{}",
                                echo(v),
                                suggest::did_you_mean(v, Band::ALL.map(Band::as_str))
                            ),
                            value_pos,
                            token,
                        )
                    })
                })
                .collect::<Result<Vec<Band>>>()?;
            Ok(TermKind::Band(bands))
        }
        "due" => {
            let values = split_values(name, value, value_pos, token)?;
            let [v] = values.as_slice() else {
                return Err(err("'due' takes one date", value_pos, token));
            };
            let date = validate::date("due", v).map_err(|e| {
                err(
                    format!("'due' needs a date: {}", e.reason),
                    value_pos,
                    token,
                )
            })?;
            Ok(TermKind::Due(op.unwrap_or(Cmp::Eq), date))
        }
        "is" => {
            if op.is_some() {
                return Err(err("'is' takes is:FLAG, e.g. is:unowned", field_pos, token));
            }
            let values = split_values(name, value, value_pos, token)?;
            let [v] = values.as_slice() else {
                return Err(err(
                    "'is' takes one flag; repeat is: for more",
                    value_pos,
                    token,
                ));
            };
            let lower = v.to_lowercase();
            FLAGS
                .iter()
                .find(|f| f.name == lower)
                .map(|f| TermKind::Flag(f.flag))
                .ok_or_else(|| {
                    err(
                        format!(
                            "unknown flag 'is:{}'{}; flags: {}",
                            echo(v),
                            suggest::did_you_mean(&lower, FLAGS.iter().map(|f| f.name)),
                            FLAGS
                                .iter()
                                .map(|f| format!("is:{}", f.name))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        value_pos,
                        token,
                    )
                })
        }
        _ => {
            let mut message = format!(
                "unknown field '{}'{}",
                echo(name),
                suggest::did_you_mean(name, field_names())
            );
            if !message.ends_with('?') {
                message.push_str(&format!(
                    "; fields: {}",
                    field_names().collect::<Vec<_>>().join(", ")
                ));
            }
            message.push_str("; to search for text containing ':' or '<', put it in quotes");
            Err(err(message, field_pos, token))
        }
    }
}

/// Splits `a,"b c",d` into values; quotes protect commas and spaces.
pub(crate) fn split_values(
    name: &str,
    value: &[char],
    pos: usize,
    token: &[char],
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_quote = false;
    let mut i = 0;
    while i <= value.len() {
        let at_end = i == value.len();
        if !at_end && value[i] == '\\' && in_quote {
            i += 2;
            continue;
        }
        if !at_end && value[i] == '"' {
            in_quote = !in_quote;
        } else if at_end || (value[i] == ',' && !in_quote) {
            let part = &value[start..i.min(value.len())];
            let text = if part.first() == Some(&'"') {
                unquote(part, pos + start)?
            } else {
                part.iter().collect()
            };
            if text.trim().is_empty() {
                return Err(err(
                    format!("missing value after '{}:'", echo(name)),
                    pos + start,
                    token,
                ));
            }
            out.push(text.trim().to_string());
            start = i + 1;
        }
        i += 1;
    }
    Ok(out)
}

/// The text of a `"quoted"` token, with `\"` and `\\` unescaped.
fn unquote(part: &[char], pos: usize) -> Result<String> {
    let mut out = String::new();
    let mut i = 1;
    while i < part.len() {
        match part[i] {
            '\\' if i + 1 < part.len() => {
                out.push(part[i + 1]);
                i += 2;
            }
            '"' => {
                if i + 1 != part.len() {
                    return Err(err(
                        "unexpected text after a closing quote; separate terms with spaces",
                        pos + i + 1,
                        part,
                    ));
                }
                return Ok(out);
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Err(err("unterminated quote: add the closing \"", pos, part))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kinds(q: &str) -> Vec<(bool, TermKind)> {
        Query::parse(q)
            .unwrap()
            .terms
            .into_iter()
            .map(|t| (t.negated, t.kind))
            .collect()
    }

    #[test]
    fn fields_comparisons_flags_negation_and_text() {
        use TermKind::*;
        assert_eq!(
            kinds(
                r#"team:core,"Data Eng" score>=12 -status:closed is:unowned outage "primary db" due<2026-12-31 TAG:DB"#
            ),
            vec![
                (
                    false,
                    Match(TextField::Team, vec!["core".into(), "Data Eng".into()])
                ),
                (false, Number(NumField::Score, Cmp::Ge, 12)),
                (true, Status(vec![crate::domain::Status::Closed])),
                (false, Flag(super::Flag::Unowned)),
                (false, Text("outage".into())),
                (false, Text("primary db".into())),
                (false, Due(Cmp::Lt, jiff::civil::date(2026, 12, 31))),
                (false, Match(TextField::Tag, vec!["db".into()])),
            ]
        );
        assert_eq!(
            kinds("likelihood:4,5"),
            vec![(false, NumberIn(NumField::Likelihood, vec![4, 5]))]
        );
        assert_eq!(
            kinds("impact<=2"),
            vec![(false, Number(NumField::Impact, Cmp::Le, 2))]
        );
        assert_eq!(
            kinds("band:High,critical"),
            vec![(
                false,
                Band(vec![
                    crate::scoring::Band::High,
                    crate::scoring::Band::Critical
                ])
            )]
        );
        assert_eq!(
            kinds("12:30 - 5xx"),
            vec![
                (false, Text("12:30".into())),
                (false, Text("-".into())),
                (false, Text("5xx".into()))
            ]
        );
        assert_eq!(
            kinds(r#""quote \" inside""#),
            vec![(false, Text("quote \" inside".into()))]
        );
        assert!(Query::parse("  ").unwrap().is_empty());
    }

    #[test]
    fn help_names_every_term_the_parser_knows() {
        let text = help_text();
        for f in &FIELD_TERMS {
            if f.name != "is" {
                assert!(text.contains(f.example), "{}", f.name);
                let parsed = Query::parse(f.example);
                assert!(parsed.is_ok(), "{}: {parsed:?}", f.example);
            }
        }
        for f in &FLAGS {
            let term = format!("is:{}", f.name);
            assert!(text.contains(&term), "{term}");
            assert_eq!(kinds(&term), vec![(false, TermKind::Flag(f.flag))]);
        }
        assert!(text.contains("bm>=100") && text.contains("is:too-big"));
    }

    #[test]
    fn oversized_queries_are_refused_at_the_first_term_too_many() {
        let many = vec!["word"; MAX_TERMS + 1].join(" ");
        let e = Query::parse(&many).unwrap_err();
        assert!(e.message.contains("too many terms"), "{}", e.message);
        assert_eq!(e.position, MAX_TERMS * 5 + 1);
        assert!(Query::parse(&vec!["word"; MAX_TERMS].join(" ")).is_ok());
        let values = (0..=MAX_VALUES)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join(",");
        let e = Query::parse(&format!("tag:{values}")).unwrap_err();
        assert!(e.message.contains("too many values"), "{}", e.message);
    }

    #[test]
    fn unknown_field_suggests_the_closest() {
        let e = Query::parse("score>3 teem:core").unwrap_err();
        assert!(
            e.message
                .contains("unknown field 'teem'; did you mean 'team'?"),
            "{}",
            e.message
        );
        assert_eq!(e.position, 9);
        assert_eq!(e.term, "teem:core");
    }

    #[test]
    fn bad_values_are_named() {
        let cases = [
            ("status:opne", "did you mean 'open'", 8),
            ("is:reviewdue", "did you mean 'review-due'", 4),
            ("band:hgh", "did you mean 'high'", 6),
            ("score>=x", "whole number", 8),
            ("due<2026-02-30", "not a real calendar date", 5),
            ("team:", "missing value", 6),
            ("team:a,", "missing value", 8),
            ("team>3", "not a comparison", 1),
            ("\"abc", "unterminated quote", 1),
            ("owner:\"a b", "unterminated quote", 7),
            ("\"\"", "empty phrase", 1),
            ("https://example.com", "put it in quotes", 1),
        ];
        for (q, needle, pos) in cases {
            let e = Query::parse(q).unwrap_err();
            assert!(e.message.contains(needle), "{q}: {}", e.message);
            assert_eq!(e.position, pos, "{q}: {e}");
        }
    }

    #[test]
    fn naming_a_status_lifts_the_active_default() {
        let spec = |q: &str, all| ListSpec {
            query: Query::parse(q).unwrap(),
            all,
            ..ListSpec::default()
        };
        assert!(spec("team:x", false).active_only());
        assert!(!spec("status:closed", false).active_only());
        assert!(
            spec("-status:closed", false).active_only(),
            "a negated status narrows within the active risks"
        );
        assert!(spec("-status:accepted", false).active_only());
        assert!(!spec("-status:accepted status:closed", false).active_only());
        assert!(!spec("", true).active_only());
    }

    proptest! {
        #[test]
        fn no_input_makes_the_parser_panic(s in any::<String>()) {
            let _ = Query::parse(&s);
        }

        #[test]
        fn no_query_shaped_input_makes_the_parser_panic(s in r#"[-a-z:<>=,"\\ 0-9.]{0,30}"#) {
            if let Err(e) = Query::parse(&s) {
                prop_assert!(e.position >= 1 && e.position <= s.chars().count() + 1, "{e:?} for {s:?}");
            }
        }

        #[test]
        fn quoted_values_read_back_as_themselves(name in "[^\\x00-\\x1f]{1,20}") {
            prop_assume!(!name.trim().is_empty() && name.trim() == name);
            let q = Query::parse(&format!("team:{}", quote_value(&name))).unwrap();
            prop_assert_eq!(q.terms.len(), 1);
            prop_assert_eq!(&q.terms[0].kind, &TermKind::Match(TextField::Team, vec![name.clone()]));
        }

        #[test]
        fn valid_terms_always_parse(team in "[a-z][a-z0-9]{0,8}", score in 1i64..25, word in "[a-z]{1,8}") {
            let q = format!("team:{team} score>={score} -{word} is:overdue");
            let parsed = Query::parse(&q).unwrap();
            prop_assert_eq!(parsed.terms.len(), 4);
        }
    }
}
