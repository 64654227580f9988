//! One risk in full, as people read it: the model behind both `riskreg show` and the TUI's
//! detail pane, so the two cannot say different things. Text in it is escaped for a
//! terminal already; the shells only lay it out and colour it.

use jiff::civil::Date;

use super::actions::Action;
use super::incidents::{Incident, calibrate};
use super::lifecycle::is_review_due;
use super::{Event, EventKind, Risk, Status, estimates, figures};
use crate::scoring::{Band, Settings};
use crate::text::{sanitize, sanitize_line, truncate};

/// How a fact wants to be shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Plain,
    /// In the colour of a band (the score).
    Band(Band),
    /// Needs attention (review due, past due, too big).
    Alert,
    /// Good news (what a milestone will bring).
    Good,
}

/// One labelled value. `line` groups facts that share a line where space is short (the
/// TUI's pane); `show` gives each its own line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    pub label: &'static str,
    pub value: String,
    pub tone: Tone,
    pub line: u8,
}

/// A risk with everything a person reads about it.
#[derive(Clone, Debug, PartialEq)]
pub struct RiskDetail {
    pub id: i64,
    /// One line, escaped.
    pub title: String,
    pub facts: Vec<Fact>,
    /// Where the evidence says the estimates are wrong ("re-estimate: …").
    pub warnings: Vec<String>,
    /// Escaped, line breaks kept.
    pub description: String,
    /// "2026-11-02 #4 Flag flip took checkout down — detect 12 + repair 35 min, 80% of users".
    pub incidents: Vec<String>,
    /// Its actions, open ones first: each one line, and whether it is overdue.
    pub actions: Vec<(String, bool)>,
    /// Its links, one a line ("URL label"), escaped.
    pub links: Vec<String>,
    /// The latest comments (when, who, what), newest first.
    pub comments: Vec<(String, String, String)>,
    /// (when, who, what), newest first.
    pub history: Vec<(String, String, String)>,
}

/// What is recorded around a risk, read with it: its latest events and comments, the
/// incidents that realised it, and its actions.
#[derive(Clone, Copy, Debug, Default)]
pub struct Related<'a> {
    pub events: &'a [Event],
    pub comments: &'a [Event],
    pub incidents: &'a [Incident],
    pub actions: &'a [Action],
}

/// A risk with what is recorded around it, as read from the register together.
#[derive(Clone, Debug, PartialEq)]
pub struct RiskRecord {
    pub risk: Risk,
    /// The latest events, newest first.
    pub events: Vec<Event>,
    /// The latest comments, newest first.
    pub comments: Vec<Event>,
    pub incidents: Vec<Incident>,
    /// Every action, open ones first.
    pub actions: Vec<Action>,
}

impl RiskRecord {
    pub fn related(&self) -> Related<'_> {
        Related {
            events: &self.events,
            comments: &self.comments,
            incidents: &self.incidents,
            actions: &self.actions,
        }
    }

    /// The risk in full, as people read it.
    pub fn detail(&self, settings: &Settings, today: Date) -> RiskDetail {
        RiskDetail::new(&self.risk, self.related(), settings, today)
    }
}

impl RiskDetail {
    pub fn new(risk: &Risk, related: Related<'_>, settings: &Settings, today: Date) -> RiskDetail {
        let Related {
            events,
            comments,
            incidents,
            actions,
        } = related;
        let f = &risk.fields;
        let safe = |s: &str| sanitize_line(s).into_owned();
        let mut facts = Vec::new();
        let mut fact = |label: &'static str, value: String, tone: Tone, line: u8| {
            if !value.is_empty() {
                facts.push(Fact {
                    label,
                    value,
                    tone,
                    line,
                });
            }
        };
        fact(
            "score",
            format!(
                "{} {} (likelihood {} {} × impact {} {})",
                risk.score(),
                risk.band,
                f.likelihood,
                f.likelihood.label(),
                f.impact,
                f.impact.label()
            ),
            Tone::Band(risk.band),
            0,
        );
        fact("status", f.status.to_string(), Tone::Plain, 0);
        fact(
            "team",
            f.team.as_deref().map_or_else(|| "(unowned)".into(), safe),
            Tone::Plain,
            1,
        );
        if let Some(m) = &f.milestone {
            let (due, tone) = match risk.milestone_due {
                Some(d) if d < today => (format!(" (due {d}, past due)"), Tone::Alert),
                Some(d) => (format!(" (due {d})"), Tone::Plain),
                None => (String::new(), Tone::Plain),
            };
            fact("milestone", format!("{}{due}", safe(m)), tone, 1);
        }
        fact(
            "owner",
            if f.owner.is_empty() {
                "(no owner)".into()
            } else {
                safe(&f.owner)
            },
            Tone::Plain,
            1,
        );
        fact("category", safe(&f.category), Tone::Plain, 2);
        fact("service", safe(&f.service), Tone::Plain, 2);
        fact("tags", safe(&f.tags.join(", ")), Tone::Plain, 2);
        if let Some(d) = f.next_review {
            let due = is_review_due(f, today);
            fact(
                "next review",
                if due {
                    format!("{d} (review due)")
                } else {
                    d.to_string()
                },
                if due { Tone::Alert } else { Tone::Plain },
                3,
            );
        }
        if f.status == Status::Accepted || !f.approver.is_empty() {
            let until = f
                .accepted_until
                .map_or_else(|| "(no end date)".into(), |d| d.to_string());
            let by = if f.approver.is_empty() {
                "(no approver)".into()
            } else {
                safe(&f.approver)
            };
            fact("accepted", format!("until {until} by {by}"), Tone::Plain, 3);
        }
        if let Some(summary) = estimates::summary(&f.estimates) {
            fact("estimates", summary, Tone::Plain, 4);
        }
        if let Some(bm) = f.bad_minutes_per_year() {
            let too_big = settings.is_too_big(bm);
            fact(
                "bad minutes",
                budget_line(bm, settings),
                if too_big { Tone::Alert } else { Tone::Plain },
                4,
            );
        }
        if !f.target.is_empty() {
            let then = estimates::summary(&f.target).unwrap_or_default();
            let bm = f
                .target_bad_minutes_per_year()
                .map(|m| format!(" → {} bad min/yr", figures::minutes(m)))
                .unwrap_or_default();
            fact("at milestone", format!("{then}{bm}"), Tone::Good, 5);
        }
        let tally = &risk.actions;
        if tally.open > 0 {
            let mut value = figures::count(tally.open, "open action", "open actions");
            if tally.overdue > 0 {
                value.push_str(&format!(", {} overdue", tally.overdue));
            }
            if let Some(next) = tally.next_due {
                value.push_str(&format!(", next due {next}"));
            }
            let tone = if tally.overdue > 0 {
                Tone::Alert
            } else {
                Tone::Plain
            };
            fact("actions", value, tone, 5);
        } else if risk.band == Band::Critical
            && f.status.is_active()
            && f.status != Status::Accepted
        {
            fact(
                "actions",
                "none open: a critical risk needs an action or an acceptance".into(),
                Tone::Alert,
                5,
            );
        }
        fact("created", risk.created_at.clone(), Tone::Plain, 6);
        fact(
            "updated",
            format!("{} (revision {})", risk.updated_at, risk.revision),
            Tone::Plain,
            6,
        );
        let linked: Vec<&Incident> = incidents.iter().collect();
        RiskDetail {
            id: risk.id,
            title: safe(&f.title),
            facts,
            warnings: super::portfolio::missing_estimates(&f.estimates)
                .map(|missing| {
                    format!("partial estimates: without {missing}, its bad minutes are not counted")
                })
                .into_iter()
                .chain(
                    calibrate(&f.estimates, &linked, today)
                        .iter()
                        .map(|c| format!("re-estimate: {}", c.describe())),
                )
                .collect(),
            description: sanitize(&f.description).into_owned(),
            incidents: incidents.iter().map(incident_line).collect(),
            actions: actions
                .iter()
                .map(|a| (action_line(a, today), a.is_overdue(today)))
                .collect(),
            links: f.links.iter().map(|l| safe(&l.line())).collect(),
            comments: comments
                .iter()
                .map(|e| (e.at.clone(), safe(&e.actor), safe(&e.note)))
                .collect(),
            history: events
                .iter()
                .map(|e| (e.at.clone(), safe(&e.actor), with_note(e)))
                .collect(),
        }
    }
}

/// "121.8 a year: 11.6% of the 1051.9-minute budget of 99.8% (too big above 263)".
fn budget_line(bm: f64, settings: &Settings) -> String {
    let limit = settings.too_big_limit_minutes();
    let verdict = if settings.is_too_big(bm) {
        "TOO BIG: over"
    } else {
        "too big above"
    };
    let share = match settings.budget_share_percent(bm) {
        Some(p) => format!(
            "{}% of the {}-minute budget",
            figures::percent(p),
            figures::minutes(settings.budget_minutes())
        ),
        None => "the SLO allows no bad minutes".into(),
    };
    format!(
        "{} a year: {share} of {}% ({verdict} {})",
        figures::minutes(bm),
        figures::slo(settings.slo),
        figures::minutes(limit)
    )
}

/// "#4 todo, due 2026-11-01 (overdue), ana: Add a canary stage PLAT-12".
fn action_line(a: &Action, today: Date) -> String {
    let f = &a.fields;
    let mut line = format!("#{} {}", a.id, f.status);
    if let Some(due) = a.effective_due() {
        line.push_str(&format!(", due {due}"));
        if a.is_overdue(today) {
            line.push_str(" (overdue)");
        }
    }
    if !f.owner.is_empty() {
        line.push_str(&format!(", {}", sanitize_line(&f.owner)));
    }
    line.push_str(&format!(": {}", sanitize_line(&f.title)));
    if !f.link.is_empty() {
        line.push_str(&format!(" {}", sanitize_line(&f.link)));
    }
    line
}

/// An incident as one line, with its link when it has one.
fn incident_line(i: &Incident) -> String {
    let link = if i.link.is_empty() {
        String::new()
    } else {
        format!(" {}", sanitize_line(&i.link))
    };
    format!(
        "{} #{} {} — detect {} + repair {} min, {}% of users{link}",
        i.date,
        i.id,
        sanitize_line(&i.title),
        i.ttd.rounded(),
        i.ttr.rounded(),
        i.users.rounded()
    )
}

/// What an event did, in words, escaped and cut to fit one line.
pub fn describe_event(e: &Event) -> String {
    let value = |v: &Option<String>| match v.as_deref() {
        None | Some("") => "(none)".to_string(),
        Some(v) => truncate(&sanitize_line(v), 50).into_owned(),
    };
    let what = match e.kind {
        EventKind::Create => format!("created \"{}\"", value(&e.new)),
        EventKind::Import => format!("imported \"{}\"", value(&e.new)),
        EventKind::Delete => format!("deleted \"{}\"", value(&e.old)),
        EventKind::Review => format!(
            "reviewed; next review {} → {}",
            value(&e.old),
            value(&e.new)
        ),
        EventKind::Change | EventKind::Status => format!(
            "{}: {} → {}",
            e.field.as_deref().unwrap_or("?"),
            value(&e.old),
            value(&e.new)
        ),
        EventKind::Comment => "commented".to_string(),
    };
    match e.action_id {
        Some(id) => format!("action {id}: {what}"),
        None => what,
    }
}

/// [`describe_event`] with the event's note, if it has one.
fn with_note(e: &Event) -> String {
    if e.note.is_empty() {
        describe_event(e)
    } else {
        format!("{} — {}", describe_event(e), sanitize_line(&e.note))
    }
}
