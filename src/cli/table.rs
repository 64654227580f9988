//! Tables on a terminal: columns sized to their content, shrunk to fit the width (titles
//! first), cells cut by display width on grapheme boundaries, every cell sanitized.

use anstyle::{AnsiColor, Style};

use crate::io::table::{Cell, Table};
use crate::scoring::Band;
use crate::text;

const GAP: usize = 2;

pub(super) fn band_style(band: Band) -> Style {
    match band {
        Band::Critical => Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
        Band::High => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
        Band::Medium => Style::new().fg_color(Some(AnsiColor::Cyan.into())),
        Band::Low => Style::new().fg_color(Some(AnsiColor::Green.into())),
    }
}

pub(super) fn paint(s: &str, style: Style, color: bool) -> String {
    if color {
        format!("{}{s}{}", style.render(), style.render_reset())
    } else {
        s.to_string()
    }
}

/// Column widths that fit `max` columns of terminal when possible.
fn fit_widths(table: &Table, cells: &[Vec<String>], max: Option<usize>) -> Vec<usize> {
    let mut widths: Vec<usize> = table
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cells
                .iter()
                .map(|row| row.get(i).map_or(0, |s| text::width(s)))
                .max()
                .unwrap_or(0)
                .max(text::width(c.header))
        })
        .collect();
    let Some(max) = max else { return widths };
    let total = |w: &[usize]| {
        let shown: Vec<&usize> = w.iter().filter(|w| **w > 0).collect();
        shown.iter().copied().sum::<usize>() + GAP * shown.len().saturating_sub(1)
    };
    // Optional columns (min 0) make room first, all of them, when the table does not fit.
    if total(&widths) > max {
        for (w, c) in widths.iter_mut().zip(&table.columns) {
            if c.min == 0 {
                *w = 0;
            }
        }
    }
    // Water-filling: take one column at a time from the column that is widest for its
    // weight, so a title (weight 4) keeps four times the room of a team name (weight 1).
    while total(&widths) > max {
        let candidate = table
            .columns
            .iter()
            .enumerate()
            .filter(|(i, c)| c.flex > 0 && widths[*i] > c.min)
            .max_by_key(|(i, c)| (widths[*i] * 1000) / usize::from(c.flex));
        let Some((i, _)) = candidate else { break };
        widths[i] -= 1;
    }
    widths
}

/// The table as text, one line per row, every line the same display width (so columns
/// line up whatever the script or emoji in the cells).
pub(super) fn render(table: &Table, width: Option<usize>, color: bool) -> String {
    let cells: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| text::sanitize_line(c.as_str()).into_owned())
                .collect()
        })
        .collect();
    let widths = fit_widths(table, &cells, width);
    let mut out = String::new();
    let header: Vec<String> = table
        .columns
        .iter()
        .zip(&widths)
        .filter(|(_, w)| **w > 0)
        .map(|(c, w)| text::fit(c.header, *w, c.align))
        .collect();
    out.push_str(&paint(
        &header.join(&" ".repeat(GAP)),
        Style::new().bold(),
        color,
    ));
    out.push('\n');
    for (row, shown) in table.rows.iter().zip(&cells) {
        let mut line = String::new();
        for (i, (column, w)) in table.columns.iter().zip(&widths).enumerate() {
            if *w == 0 {
                continue;
            }
            if !line.is_empty() {
                line.push_str(&" ".repeat(GAP));
            }
            let value = shown.get(i).map_or("", String::as_str);
            let fitted = text::fit(value, *w, column.align);
            match row.get(i) {
                Some(Cell::Banded(_, band)) => {
                    line.push_str(&paint(&fitted, band_style(*band), color))
                }
                _ => line.push_str(&fitted),
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::table::Column;

    fn sample() -> Table {
        let mut t = Table::new(vec![
            Column::right("ID"),
            Column::left("TITLE", 5, 3),
            Column::left("TEAM", 4, 1),
        ]);
        t.push(vec![
            Cell::plain(1),
            Cell::text("A very long title that will not fit"),
            Cell::text("core"),
        ]);
        t.push(vec![
            Cell::plain(22),
            Cell::text("風險評估 \u{1b}[2J"),
            Cell::text("data"),
        ]);
        t
    }

    #[test]
    fn fits_the_width_by_shrinking_the_title() {
        let out = render(&sample(), Some(30), false);
        for line in out.lines() {
            assert!(text::width(line) <= 30, "{line:?}");
        }
        assert!(out.contains('…'));
        assert!(!out.contains('\u{1b}'));
    }

    #[test]
    fn unlimited_width_keeps_everything() {
        let out = render(&sample(), None, false);
        assert!(out.contains("A very long title that will not fit"));
    }

    #[test]
    fn colour_only_when_asked() {
        let mut t = Table::new(vec![Column::right("SCORE")]);
        t.push(vec![Cell::Banded("25".into(), Band::Critical)]);
        assert!(!render(&t, None, false).contains('\u{1b}'));
        assert!(render(&t, None, true).contains('\u{1b}'));
    }
}
