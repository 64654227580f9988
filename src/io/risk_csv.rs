//! Risks as an export: the CSV columns (which import reads back) and the Markdown row.

use std::io::{self, Write};

use crate::domain::Risk;
use crate::domain::estimates::{ESTIMATE_FIELDS, format_number};
use crate::io::Exportable;
use crate::io::record_csv::RecordCsv;

/// Export columns, in order. Import takes the same names; computed ones are ignored there.
pub const COLUMNS: [&str; 39] = [
    "id",
    "title",
    "description",
    "category",
    "service",
    "likelihood",
    "impact",
    "score",
    "band",
    "status",
    "team",
    "milestone",
    "milestone_due",
    "owner",
    "tags",
    "next_review",
    "accepted_until",
    "approver",
    "created_at",
    "updated_at",
    "revision",
    "ettd",
    "ettr",
    "users",
    "ettf",
    "target_ettd",
    "target_ettr",
    "target_users",
    "target_ettf",
    "bad_minutes_per_year",
    "target_bad_minutes_per_year",
    "links",
    "actions_open",
    "actions_overdue",
    "next_action_due",
    "target_likelihood",
    "target_impact",
    "target_score",
    "target_band",
];

impl Exportable for Risk {
    const CSV_COLUMNS: &'static [&'static str] = &COLUMNS;
    const MARKDOWN_HEADERS: &'static [&'static str] = &[
        "ID",
        "Score",
        "Band",
        "Title",
        "Team",
        "Milestone",
        "Due",
        "Status",
        "Owner",
        "Next review",
        "Bad min/yr",
        "Open actions",
    ];
    const MARKDOWN_RIGHT: &'static [bool] = &[true, true];

    /// One risk as one record, written from borrowed text: an export of 100,000 risks
    /// should not allocate 39 strings a row.
    fn write_csv<W: Write>(&self, csv: &mut RecordCsv<W>) -> io::Result<()> {
        let (r, f) = (self, &self.fields);
        csv.value(r.id);
        csv.text(&f.title);
        csv.text(&f.description);
        csv.text(&f.category);
        csv.text(&f.service);
        csv.value(f.likelihood);
        csv.value(f.impact);
        csv.value(r.score());
        csv.value(r.band);
        csv.value(f.status);
        csv.text(f.team.as_deref().unwrap_or(""));
        csv.text(f.milestone.as_deref().unwrap_or(""));
        csv.optional(r.milestone_due);
        csv.text(&f.owner);
        csv.joined(f.tags.iter().map(String::as_str), ",");
        csv.optional(f.next_review);
        csv.optional(f.accepted_until);
        csv.text(&f.approver);
        csv.plain(&r.created_at);
        csv.plain(&r.updated_at);
        csv.value(r.revision);
        for field in ESTIMATE_FIELDS {
            csv.optional(f.amount(field).flatten());
        }
        let target = f
            .target_bad_minutes_per_year()
            .filter(|_| !f.target.is_empty());
        for minutes in [f.bad_minutes_per_year(), target] {
            csv.optional(minutes.map(|m| format_number(m, 2)));
        }
        let lines = f
            .links
            .iter()
            .map(crate::domain::Link::line)
            .collect::<Vec<_>>();
        csv.joined(lines.iter().map(String::as_str), "\n");
        csv.value(r.actions.open);
        csv.value(r.actions.overdue);
        csv.optional(r.actions.next_due);
        csv.optional(f.target_likelihood);
        csv.optional(f.target_impact);
        csv.value(f.target_score());
        csv.value(r.target_band);
        csv.end_record()
    }

    fn markdown_cells(&self) -> Vec<String> {
        let (r, f) = (self, &self.fields);
        let date = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string()).unwrap_or_default();
        vec![
            r.id.to_string(),
            r.score().to_string(),
            r.band.to_string(),
            f.title.clone(),
            f.team.clone().unwrap_or_default(),
            f.milestone.clone().unwrap_or_default(),
            date(r.milestone_due),
            f.status.to_string(),
            f.owner.clone(),
            date(f.next_review),
            f.bad_minutes_per_year()
                .map(crate::domain::figures::minutes)
                .unwrap_or_default(),
            r.actions.open.to_string(),
        ]
    }
}
