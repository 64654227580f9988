//! `riskreg matrix [QUERY…]`: the 5×5 heat map with counts.

use serde::Serialize;

use crate::cli::args::Format;
use crate::cli::context::Ctx;
use crate::cli::output::{Out, emit_one};
use crate::cli::table::{band_style, paint};
use crate::domain::{Impact, Likelihood};
use crate::error::{Error, Result};
use crate::io::table::{Cell, Column, Table};
use crate::query::{ListSpec, Query};
use crate::scoring::{Band, BandThresholds};
use crate::text::{Align, fit};

#[derive(Serialize)]
struct MatrixCell {
    likelihood: u8,
    impact: u8,
    score: u8,
    band: Band,
    count: u64,
}

#[derive(Serialize)]
struct Matrix {
    schema_version: u8,
    total: u64,
    cells: Vec<MatrixCell>,
}

fn level_pairs() -> Result<Vec<(Likelihood, Impact)>> {
    let mut out = Vec::new();
    for l in (1..=5).rev() {
        for i in 1..=5 {
            let (Some(l), Some(i)) = (Likelihood::new(l), Impact::new(i)) else {
                return Err(Error::Internal("level out of range".into()));
            };
            out.push((l, i));
        }
    }
    Ok(out)
}

pub(crate) fn matrix(
    ctx: &Ctx,
    query: &[String],
    all: bool,
    target: bool,
    as_of: Option<&str>,
) -> Result<()> {
    let spec = ListSpec {
        query: Query::parse_args(query)?,
        all,
        ..ListSpec::default()
    };
    let (store, today) = ctx.open_as_of(as_of)?;
    let counts = store.matrix(&spec, today, target)?;
    let bands = store.settings().bands;
    let count =
        |l: Likelihood, i: Impact| counts[usize::from(l.get() - 1)][usize::from(i.get() - 1)];
    let pairs = level_pairs()?;
    let matrix = Matrix {
        schema_version: 1,
        total: counts.iter().flatten().sum(),
        cells: pairs
            .iter()
            .map(|(l, i)| MatrixCell {
                likelihood: l.get(),
                impact: i.get(),
                score: l.get() * i.get(),
                band: bands.band_for_score(l.get() * i.get()),
                count: count(*l, *i),
            })
            .collect(),
    };
    match ctx.format() {
        Format::Json | Format::Ndjson => emit_one(ctx, &matrix, String::new),
        Format::Csv | Format::Md => {
            let mut t = Table::new(
                std::iter::once(Column::left("LIKELIHOOD", 16, 0))
                    .chain(IMPACT_HEADERS.iter().map(|h| Column::right(h)))
                    .collect(),
            );
            for row in matrix.cells.chunks(5) {
                let label = row
                    .first()
                    .and_then(|c| Likelihood::new(c.likelihood))
                    .map(|l| format!("{} {}", l, l.label()));
                let mut cells = vec![Cell::plain(label.unwrap_or_default())];
                cells.extend(row.iter().map(|c| Cell::plain(c.count)));
                t.push(cells);
            }
            let mut out = Out::new();
            if ctx.format() == Format::Csv {
                t.write_csv(out.writer(), false).map_err(Out::error)?;
            } else {
                t.write_markdown(out.writer()).map_err(Out::error)?;
            }
            out.finish()
        }
        Format::Table => {
            let mut out = Out::new();
            out.write_str(&heat_map(&matrix, &bands, ctx.color))?;
            out.finish()
        }
    }
}

const IMPACT_HEADERS: [&str; 5] = [
    "1 negligible",
    "2 minor",
    "3 moderate",
    "4 major",
    "5 severe",
];

fn heat_map(m: &Matrix, bands: &BandThresholds, color: bool) -> String {
    const LABEL: usize = 18;
    let widths: Vec<usize> = IMPACT_HEADERS.iter().map(|h| h.len()).collect();
    let mut s = format!("{:<LABEL$}impact →\n", "likelihood ↓");
    s.push_str(&" ".repeat(LABEL));
    s.push_str(
        &IMPACT_HEADERS
            .iter()
            .zip(&widths)
            .map(|(h, w)| fit(h, *w, Align::Right))
            .collect::<Vec<_>>()
            .join("  "),
    );
    s.push('\n');
    for row in m.cells.chunks(5) {
        let label = row
            .first()
            .and_then(|c| Likelihood::new(c.likelihood))
            .map(|l| format!("{} {}", l, l.label()))
            .unwrap_or_default();
        s.push_str(&fit(&label, LABEL, Align::Left));
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| {
                let text = if c.count == 0 {
                    "·".to_string()
                } else {
                    c.count.to_string()
                };
                paint(&fit(&text, *w, Align::Right), band_style(c.band), color)
            })
            .collect();
        s.push_str(&cells.join("  "));
        s.push('\n');
    }
    let range = |b: Band| {
        let (lo, hi) = bands.achievable_range(b);
        paint(&format!("{b} {lo}-{hi}"), band_style(b), color)
    };
    s.push_str(&format!(
        "\n{} · bands by score: {}, {}, {}, {}\n",
        crate::domain::figures::count(m.total, "risk", "risks"),
        range(Band::Low),
        range(Band::Medium),
        range(Band::High),
        range(Band::Critical)
    ));
    s
}
