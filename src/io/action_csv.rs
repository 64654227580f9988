//! Actions as an export: the CSV columns (which import reads back; `risk_title` and
//! `effective_due` are computed and ignored there) and the Markdown row.

use std::io::{self, Write};

use crate::domain::actions::Action;
use crate::io::Exportable;
use crate::io::record_csv::RecordCsv;

/// Export columns, in order: the JSON keys.
pub const COLUMNS: [&str; 16] = [
    "id",
    "risk",
    "risk_title",
    "title",
    "status",
    "owner",
    "team",
    "milestone",
    "due",
    "effective_due",
    "link",
    "kind",
    "incident",
    "created_at",
    "updated_at",
    "revision",
];

impl Exportable for Action {
    const CSV_COLUMNS: &'static [&'static str] = &COLUMNS;
    const MARKDOWN_HEADERS: &'static [&'static str] = &[
        "ID", "Risk", "Title", "Status", "Owner", "Team", "Due", "Kind", "Link",
    ];
    const MARKDOWN_RIGHT: &'static [bool] = &[true, true];

    fn write_csv<W: Write>(&self, csv: &mut RecordCsv<W>) -> io::Result<()> {
        let f = &self.fields;
        csv.value(self.id);
        csv.value(f.risk);
        csv.text(&self.risk_title);
        csv.text(&f.title);
        csv.value(f.status);
        csv.text(&f.owner);
        csv.text(f.team.as_deref().unwrap_or(""));
        csv.text(f.milestone.as_deref().unwrap_or(""));
        csv.optional(f.due);
        csv.optional(self.effective_due());
        csv.text(&f.link);
        csv.value(f.kind);
        csv.optional(f.incident);
        csv.plain(&self.created_at);
        csv.plain(&self.updated_at);
        csv.value(self.revision);
        csv.end_record()
    }

    fn markdown_cells(&self) -> Vec<String> {
        let f = &self.fields;
        vec![
            self.id.to_string(),
            f.risk.to_string(),
            f.title.clone(),
            f.status.to_string(),
            f.owner.clone(),
            f.team.clone().unwrap_or_default(),
            self.effective_due()
                .map(|d| d.to_string())
                .unwrap_or_default(),
            f.kind.to_string(),
            f.link.clone(),
        ]
    }
}
