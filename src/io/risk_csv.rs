//! Risks as CSV for spreadsheets: UTF-8 with a BOM (so Excel reads UTF-8), CRLF, every field
//! quoted, and text cells neutralized so none is a live formula. The importer reads exactly
//! this back (see [`crate::io::import`]).

use std::io::{self, Write};

use crate::domain::Risk;
use crate::domain::estimates::{ESTIMATE_FIELDS, format_number};
use crate::io::csv_out::CsvOut;
use crate::io::formula;

/// Export columns, in order. Import takes the same names; computed ones are ignored there.
pub const COLUMNS: [&str; 31] = [
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
];

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

pub struct RiskCsv<W: Write> {
    w: CsvOut<W>,
    raw: bool,
    tags: String,
}

impl<W: Write> RiskCsv<W> {
    pub fn new(mut out: W, raw: bool) -> io::Result<RiskCsv<W>> {
        if !raw {
            out.write_all(BOM)?;
        }
        let mut w = CsvOut::new(out);
        w.record(COLUMNS)?;
        Ok(RiskCsv {
            w,
            raw,
            tags: String::new(),
        })
    }

    /// A text cell, neutralized unless raw.
    fn text(&mut self, s: &str) {
        if self.raw {
            self.w.field(s);
        } else {
            self.w.field(&formula::neutralize(s));
        }
    }

    /// One risk as one record, written from borrowed text: an export of 100,000 risks
    /// should not allocate 31 strings a row.
    pub fn write(&mut self, r: &Risk) -> io::Result<()> {
        let f = &r.fields;
        self.w.value(r.id);
        self.text(&f.title);
        self.text(&f.description);
        self.text(&f.category);
        self.text(&f.service);
        self.w.value(f.likelihood);
        self.w.value(f.impact);
        self.w.value(r.score());
        self.w.value(r.band);
        self.w.value(f.status);
        self.text(f.team.as_deref().unwrap_or(""));
        self.text(f.milestone.as_deref().unwrap_or(""));
        self.w.optional(r.milestone_due);
        self.text(&f.owner);
        let mut tags = std::mem::take(&mut self.tags);
        tags.clear();
        for (i, tag) in f.tags.iter().enumerate() {
            if i > 0 {
                tags.push(',');
            }
            tags.push_str(tag);
        }
        self.text(&tags);
        self.tags = tags;
        self.w.optional(f.next_review);
        self.w.optional(f.accepted_until);
        self.text(&f.approver);
        self.w.field(&r.created_at);
        self.w.field(&r.updated_at);
        self.w.value(r.revision);
        for field in ESTIMATE_FIELDS {
            self.w.optional(f.amount(field).flatten());
        }
        let target = f
            .target_bad_minutes_per_year()
            .filter(|_| !f.target.is_empty());
        for minutes in [f.bad_minutes_per_year(), target] {
            self.w.optional(minutes.map(|m| format_number(m, 2)));
        }
        self.w.end_record()
    }

    pub fn finish(self) -> io::Result<W> {
        self.w.finish()
    }
}
