//! Risks as CSV for spreadsheets: UTF-8 with a BOM (so Excel reads UTF-8), CRLF, every field
//! quoted, and text cells neutralized so none is a live formula. The importer reads exactly
//! this back (see [`crate::io::import`]).

use std::io::{self, Write};

use crate::domain::Risk;
use crate::domain::estimates::{ESTIMATE_FIELDS, format_number};
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

/// A value, or an empty field for none.
fn optional<W: Write, F, V: std::fmt::Display>(
    w: &mut csv::Writer<W>,
    plain: &mut F,
    v: Option<&V>,
) -> io::Result<()>
where
    F: FnMut(&mut csv::Writer<W>, &dyn std::fmt::Display) -> io::Result<()>,
{
    match v {
        Some(v) => plain(w, v),
        None => w.write_field("").map_err(io_error),
    }
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

    /// One risk as one record. Fields are written one by one from borrowed text where
    /// possible: an export of 100,000 risks should not allocate 31 strings a row.
    pub fn write(&mut self, r: &Risk) -> io::Result<()> {
        let f = &r.fields;
        let raw = self.raw;
        let mut num = String::new();
        let w = &mut self.w;
        let text = |w: &mut csv::Writer<W>, s: &str| -> io::Result<()> {
            if raw {
                w.write_field(s)
            } else {
                w.write_field(formula::neutralize(s).as_ref())
            }
            .map_err(io_error)
        };
        let mut plain = |w: &mut csv::Writer<W>, v: &dyn std::fmt::Display| -> io::Result<()> {
            use std::fmt::Write as _;
            num.clear();
            let _ = write!(num, "{v}");
            w.write_field(&num).map_err(io_error)
        };
        plain(w, &r.id)?;
        text(w, &f.title)?;
        text(w, &f.description)?;
        text(w, &f.category)?;
        text(w, &f.service)?;
        plain(w, &f.likelihood)?;
        plain(w, &f.impact)?;
        plain(w, &r.score())?;
        plain(w, &r.band)?;
        plain(w, &f.status)?;
        text(w, f.team.as_deref().unwrap_or(""))?;
        text(w, f.milestone.as_deref().unwrap_or(""))?;
        optional(w, &mut plain, r.milestone_due.as_ref())?;
        text(w, &f.owner)?;
        text(w, &f.tags.join(","))?;
        optional(w, &mut plain, f.next_review.as_ref())?;
        optional(w, &mut plain, f.accepted_until.as_ref())?;
        text(w, &f.approver)?;
        w.write_field(&r.created_at).map_err(io_error)?;
        w.write_field(&r.updated_at).map_err(io_error)?;
        plain(w, &r.revision)?;
        for field in ESTIMATE_FIELDS {
            optional(w, &mut plain, f.amount(field).flatten().as_ref())?;
        }
        let target = f
            .target_bad_minutes_per_year()
            .filter(|_| !f.target.is_empty());
        for minutes in [f.bad_minutes_per_year(), target] {
            let shown = minutes.map(|m| format_number(m, 2));
            optional(w, &mut plain, shown.as_ref())?;
        }
        w.write_record(None::<&[u8]>).map_err(io_error)?;
        Ok(())
    }

    pub fn finish(self) -> io::Result<W> {
        self.w
            .into_inner()
            .map_err(|e| io::Error::new(e.error().kind(), e.to_string()))
    }
}
