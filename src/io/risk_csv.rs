//! Risks as CSV for spreadsheets: UTF-8 with a BOM (so Excel reads UTF-8), CRLF, every field
//! quoted, and text cells neutralized so none is a live formula. The importer reads exactly
//! this back (see [`crate::io::import`]).

use std::io::{self, Write};

use crate::domain::estimates::format_number;
use crate::domain::{Field, Risk};
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

/// A csv error as the I/O error it usually is, keeping its kind (a closed pipe must stay
/// `BrokenPipe` to end quietly).
pub fn io_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// A CSV writer configured the spreadsheet-safe way.
pub fn writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .terminator(csv::Terminator::CRLF)
        .from_writer(out)
}

pub struct RiskCsv<W: Write> {
    w: csv::Writer<W>,
    raw: bool,
}

impl<W: Write> RiskCsv<W> {
    pub fn new(mut out: W, raw: bool) -> io::Result<RiskCsv<W>> {
        if !raw {
            out.write_all(BOM)?;
        }
        let mut w = writer(out);
        w.write_record(COLUMNS).map_err(io_error)?;
        Ok(RiskCsv { w, raw })
    }

    pub fn write(&mut self, r: &Risk) -> io::Result<()> {
        let f = &r.fields;
        let raw = self.raw;
        let text = |s: &str| -> String {
            if raw {
                s.to_string()
            } else {
                formula::neutralize(s).into_owned()
            }
        };
        let date = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string()).unwrap_or_default();
        let amount = |field: Field| {
            f.amount(field)
                .flatten()
                .map(|a| a.to_string())
                .unwrap_or_default()
        };
        let minutes = |m: Option<f64>| m.map(|v| format_number(v, 2)).unwrap_or_default();
        let target = f
            .target_bad_minutes_per_year()
            .filter(|_| !f.target.is_empty());
        let record: [String; 31] = [
            r.id.to_string(),
            text(&f.title),
            text(&f.description),
            text(&f.category),
            text(&f.service),
            f.likelihood.to_string(),
            f.impact.to_string(),
            r.score().to_string(),
            r.band.to_string(),
            f.status.to_string(),
            text(f.team.as_deref().unwrap_or("")),
            text(f.milestone.as_deref().unwrap_or("")),
            date(r.milestone_due),
            text(&f.owner),
            text(&f.tags.join(",")),
            date(f.next_review),
            date(f.accepted_until),
            text(&f.approver),
            r.created_at.clone(),
            r.updated_at.clone(),
            r.revision.to_string(),
            amount(Field::Ettd),
            amount(Field::Ettr),
            amount(Field::Users),
            amount(Field::Ettf),
            amount(Field::TargetEttd),
            amount(Field::TargetEttr),
            amount(Field::TargetUsers),
            amount(Field::TargetEttf),
            minutes(f.bad_minutes_per_year()),
            minutes(target),
        ];
        self.w.write_record(&record).map_err(io_error)?;
        Ok(())
    }

    pub fn finish(self) -> io::Result<W> {
        self.w
            .into_inner()
            .map_err(|e| io::Error::new(e.error().kind(), e.to_string()))
    }
}
