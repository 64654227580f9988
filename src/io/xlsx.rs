//! Workbooks for the managers who read and edit the register in Excel, LibreOffice or
//! Sheets: one sheet per kind of record, each cell typed (numbers as numbers, dates as
//! dates, every text as text, so `007` stays `007` and `=1+2` is never a formula), a frozen
//! header with an autofilter, widths that fit, the description last and wrapped, band
//! colours, and a landscape print one page wide with the header on every page.
//!
//! Rows stream through the writer's constant-memory mode (a temporary file per sheet, in
//! the directory of the file being written), so a workbook of 100,000 risks costs no more
//! memory than one of ten.

use std::io::{self, Write};
use std::marker::PhantomData;
use std::path::Path;

use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use crate::io::Exportable;
use crate::io::record_csv::RecordCsv;

/// The order of a risk sheet's columns when `--columns` does not choose: what a manager
/// reads first (title, score, owner, plan), the estimates and bookkeeping after, the
/// description last.
pub const RISK_ORDER: [&str; 39] = [
    "id",
    "title",
    "score",
    "band",
    "status",
    "team",
    "owner",
    "milestone",
    "milestone_due",
    "likelihood",
    "impact",
    "next_review",
    "actions_open",
    "actions_overdue",
    "next_action_due",
    "bad_minutes_per_year",
    "target_likelihood",
    "target_impact",
    "target_score",
    "target_band",
    "target_bad_minutes_per_year",
    "category",
    "service",
    "tags",
    "accepted_until",
    "approver",
    "ettd",
    "ettr",
    "users",
    "ettf",
    "target_ettd",
    "target_ettr",
    "target_users",
    "target_ettf",
    "links",
    "created_at",
    "updated_at",
    "revision",
    "description",
];

/// How a column's cells are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A number (ids, levels, scores, estimates, counts).
    Number,
    /// A calendar date, shown `yyyy-mm-dd`.
    Date,
    /// A moment (UTC), shown `yyyy-mm-dd hh:mm:ss`.
    Moment,
    /// One line of text.
    Text,
    /// Text that may run long or over lines (descriptions, links), wrapped.
    Wrapped,
    /// A band's name, filled with the band's colour.
    Band,
    /// A score, filled with the colour of the band named in the column `band_column`.
    Score { band_column: &'static str },
}

/// How the column named `name` (an export column, risk or action) is written.
pub fn kind(name: &str) -> Kind {
    match name {
        "id"
        | "risk"
        | "likelihood"
        | "impact"
        | "revision"
        | "ettd"
        | "ettr"
        | "users"
        | "ettf"
        | "target_ettd"
        | "target_ettr"
        | "target_users"
        | "target_ettf"
        | "bad_minutes_per_year"
        | "target_bad_minutes_per_year"
        | "actions_open"
        | "actions_overdue"
        | "target_likelihood"
        | "target_impact"
        | "incident" => Kind::Number,
        "score" => Kind::Score {
            band_column: "band",
        },
        "target_score" => Kind::Score {
            band_column: "target_band",
        },
        "band" | "target_band" => Kind::Band,
        "milestone_due" | "next_review" | "accepted_until" | "next_action_due" | "due"
        | "effective_due" => Kind::Date,
        "created_at" | "updated_at" => Kind::Moment,
        "description" | "links" => Kind::Wrapped,
        _ => Kind::Text,
    }
}

/// A column's width, in characters.
fn width(name: &str) -> f64 {
    match (name, kind(name)) {
        ("title" | "risk_title", _) => 48.0,
        ("description", _) => 80.0,
        ("links", _) => 36.0,
        (_, Kind::Date) => 12.0,
        (_, Kind::Moment) => 20.0,
        (_, Kind::Number | Kind::Score { .. }) => (name.len() as f64 + 2.0).clamp(7.0, 14.0),
        _ => 16.0,
    }
}

/// The fill of a band's cells (light, so black text reads on it in print too).
fn band_fill(band: &str) -> Option<Color> {
    match band {
        "low" => Some(Color::RGB(0xC6EFCE)),
        "medium" => Some(Color::RGB(0xFFEB9C)),
        "high" => Some(Color::RGB(0xF8CBAD)),
        "critical" => Some(Color::RGB(0xFFC7CE)),
        _ => None,
    }
}

const BANDS: [&str; 4] = ["low", "medium", "high", "critical"];

/// The cell formats of a workbook, made once.
struct Formats {
    header: Format,
    text: Format,
    wrapped: Format,
    date: Format,
    moment: Format,
    /// Per band of [`BANDS`]: its band and score cells.
    band: [Format; 4],
}

impl Formats {
    fn new() -> Formats {
        let fill = |f: Format, band: &str| match band_fill(band) {
            Some(c) => f.set_background_color(c),
            None => f,
        };
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xD9D9D9))
                .set_align(FormatAlign::Top),
            text: Format::new().set_align(FormatAlign::Top),
            wrapped: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            date: Format::new()
                .set_num_format("yyyy-mm-dd")
                .set_align(FormatAlign::Top),
            moment: Format::new()
                .set_num_format("yyyy-mm-dd hh:mm:ss")
                .set_align(FormatAlign::Top),
            band: BANDS.map(|b| fill(Format::new().set_align(FormatAlign::Top), b)),
        }
    }
}

impl Formats {
    /// The format of a column of `kind` (a band's colour is the cell's own).
    fn of(&self, kind: Kind) -> &Format {
        match kind {
            Kind::Date => &self.date,
            Kind::Moment => &self.moment,
            Kind::Wrapped => &self.wrapped,
            _ => &self.text,
        }
    }
}

/// An error of the workbook writer as an I/O error (a full disk stays one).
fn io_error(e: XlsxError) -> io::Error {
    match e {
        XlsxError::IoError(e) | XlsxError::TempFileError(_, e) => e,
        other => io::Error::other(other.to_string()),
    }
}

/// Runs a step of the workbook writer. In constant-memory mode it panics when a write to
/// its spool file fails (a full disk: it `expect`s those writes); the panic becomes the I/O
/// error it stands for, so the export fails as any other (exit 74, no file left: the spool
/// files go with the unwound workbook) instead of as an internal error.
fn guarded<T>(step: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(step)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_string()))
            .unwrap_or_default();
        Err(
            if message.contains("StorageFull") || message.contains("No space left") {
                io::Error::new(io::ErrorKind::StorageFull, "no space left on device")
            } else {
                io::Error::other(format!("the workbook writer stopped: {message}"))
            },
        )
    })
}

/// A workbook being written: sheets are added, filled row by row, then saved.
pub struct Book {
    workbook: Workbook,
    formats: Formats,
}

impl Book {
    /// A new workbook whose sheets spool their rows to temporary files in `spool_dir`.
    pub fn new(spool_dir: &Path) -> io::Result<Book> {
        let mut workbook = Workbook::new();
        workbook.set_tempdir(spool_dir).map_err(io_error)?;
        // A fast deflate: compressing the sheets' XML is most of a save's time. At 100,000
        // risks level 3 saves a quarter of the time of the default 6 for a file a quarter
        // bigger (level 1: the same time, 70% bigger).
        workbook.set_zip_compression_level(3);
        Ok(Book {
            workbook,
            formats: Formats::new(),
        })
    }

    /// Adds a sheet named `name` of `T` records with the columns `pick` (indexes into
    /// [`Exportable::CSV_COLUMNS`], in order) and writes its header.
    pub fn sheet<T: Exportable>(&mut self, name: &str, pick: Vec<usize>) -> io::Result<Sheet<T>> {
        guarded(|| self.add_sheet(name, pick))
    }

    fn add_sheet<T: Exportable>(&mut self, name: &str, pick: Vec<usize>) -> io::Result<Sheet<T>> {
        let index = self.workbook.worksheets_mut().len();
        let ws = self
            .workbook
            .add_worksheet_with_constant_memory()
            .map_err(io_error)?;
        ws.set_name(name).map_err(io_error)?;
        let names: Vec<&'static str> = pick
            .iter()
            .filter_map(|i| T::CSV_COLUMNS.get(*i).copied())
            .collect();
        for (c, column) in names.iter().enumerate() {
            let c = col(c)?;
            // Cells take their column's format: set once here, not looked up per cell.
            ws.set_column_format(c, self.formats.of(kind(column)))
                .map_err(io_error)?;
            ws.set_column_width(c, width(column)).map_err(io_error)?;
            ws.write_string_with_format(0, c, *column, &self.formats.header)
                .map_err(io_error)?;
        }
        ws.set_freeze_panes(1, 0).map_err(io_error)?;
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(0, 0).map_err(io_error)?;
        let band_of = |column: &str| T::CSV_COLUMNS.iter().position(|c| *c == column);
        let kinds = names
            .iter()
            .map(|n| match kind(n) {
                Kind::Score { band_column } => (kind(n), band_of(band_column)),
                k => (k, None),
            })
            .collect();
        Ok(Sheet {
            index,
            pick,
            kinds,
            cells: RecordCsv::cells((0..T::CSV_COLUMNS.len()).collect()),
            row: 0,
            records: PhantomData,
        })
    }

    /// Writes the workbook to `out`.
    pub fn save<W: Write + Send>(mut self, out: W) -> io::Result<()> {
        guarded(|| self.workbook.save_to_writer(out).map_err(io_error))
    }
}

/// A column number as the writer takes it.
fn col(c: usize) -> io::Result<u16> {
    u16::try_from(c).map_err(|_| io::Error::other("too many columns for a worksheet"))
}

/// One sheet of a [`Book`], written a record at a time.
pub struct Sheet<T> {
    index: usize,
    pick: Vec<usize>,
    /// Each picked column's kind, and for a score the index of its band's column.
    kinds: Vec<(Kind, Option<usize>)>,
    /// Every cell of the record being written, as text.
    cells: RecordCsv<io::Sink>,
    /// The last row written (the header is row 0).
    row: u32,
    records: PhantomData<fn(&T)>,
}

impl<T: Exportable> Sheet<T> {
    pub fn write(&mut self, book: &mut Book, record: &T) -> io::Result<()> {
        guarded(|| self.write_row(book, record))
    }

    fn write_row(&mut self, book: &mut Book, record: &T) -> io::Result<()> {
        record.write_csv(&mut self.cells)?;
        let cells = self.cells.take_row();
        self.row = self
            .row
            .checked_add(1)
            .filter(|r| *r < 1_048_576)
            .ok_or_else(|| io::Error::other("more rows than a worksheet holds (1,048,576)"))?;
        let ws = book
            .workbook
            .worksheet_from_index(self.index)
            .map_err(io_error)?;
        for (c, (i, (kind, band))) in self.pick.iter().zip(&self.kinds).enumerate() {
            let text = cells.get(*i).map_or("", String::as_str);
            let band = band.and_then(|b| cells.get(b)).map(String::as_str);
            write_cell(ws, &book.formats, self.row, col(c)?, text, *kind, band)?;
        }
        Ok(())
    }

    /// Sets the autofilter over the header and every row written.
    pub fn finish(self, book: &mut Book) -> io::Result<()> {
        let Some(last) = self.pick.len().checked_sub(1) else {
            return Ok(());
        };
        let last = col(last)?;
        guarded(|| {
            let ws = book
                .workbook
                .worksheet_from_index(self.index)
                .map_err(io_error)?;
            ws.autofilter(0, 0, self.row, last).map_err(io_error)?;
            Ok(())
        })
    }
}

/// One cell, in its column's format (set by [`Book::sheet`]) unless a band colours it:
/// empty text is an empty cell; a number or date that does not read as one (it never
/// should) is kept as text rather than lost.
fn write_cell(
    ws: &mut Worksheet,
    formats: &Formats,
    row: u32,
    c: u16,
    text: &str,
    kind: Kind,
    band: Option<&str>,
) -> io::Result<()> {
    if text.is_empty() {
        return Ok(());
    }
    let band_format = |b: &str| BANDS.iter().position(|x| *x == b).map(|i| &formats.band[i]);
    let written = match kind {
        Kind::Number | Kind::Score { .. } => match text.parse::<f64>() {
            Ok(n) if n.is_finite() => match band.and_then(band_format) {
                Some(format) => ws.write_number_with_format(row, c, n, format),
                None => ws.write_number(row, c, n),
            },
            _ => ws.write_string(row, c, text),
        },
        Kind::Date => match date(text) {
            Some(d) => ws.write_datetime(row, c, d),
            None => ws.write_string(row, c, text),
        },
        Kind::Moment => match ExcelDateTime::parse_from_str(text) {
            Ok(d) => ws.write_datetime(row, c, d),
            Err(_) => ws.write_string(row, c, text),
        },
        Kind::Band => match band_format(text) {
            Some(format) => ws.write_string_with_format(row, c, text, format),
            None => ws.write_string(row, c, text),
        },
        Kind::Wrapped | Kind::Text => ws.write_string(row, c, text),
    };
    written.map(|_| ()).map_err(io_error)
}

/// A `YYYY-MM-DD` date as the workbook stores dates.
fn date(text: &str) -> Option<ExcelDateTime> {
    let d = text.parse::<jiff::civil::Date>().ok()?;
    let (y, m, day) = (
        u16::try_from(d.year()).ok()?,
        u8::try_from(d.month()).ok()?,
        u8::try_from(d.day()).ok()?,
    );
    ExcelDateTime::from_ymd(y, m, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::risk_csv::COLUMNS;

    #[test]
    fn the_risk_order_holds_every_column_once_with_the_description_last() {
        let mut sorted = RISK_ORDER.to_vec();
        sorted.sort_unstable();
        let mut all = COLUMNS.to_vec();
        all.sort_unstable();
        assert_eq!(sorted, all);
        assert_eq!(RISK_ORDER.last(), Some(&"description"));
    }

    #[test]
    fn dates_read_only_as_calendar_dates() {
        assert!(date("2026-02-28").is_some());
        assert!(date("2026-02-30").is_none());
        assert!(date("28/02/2026").is_none());
    }
}
