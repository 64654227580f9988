//! The one table every list uses (risks, teams, milestones, history, the budget): column
//! widths computed from the content, so text columns grow up to their longest value before
//! the flexible column (the title) takes the rest, and numbers are never cut. When the table
//! does not fit, text columns narrow first, then optional columns drop out, and a header wider
//! than its column ends in `…`.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Block, Row, StatefulWidget, Table, TableState};

use crate::text::{Align, fit, sanitize_line, width};

/// How a column takes its width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A number or a short code: as wide as its widest value, never cut.
    Number,
    /// Text: up to its widest value (at most `max`), narrowed down to `min` when needed.
    Text { min: u16, max: u16 },
    /// The title: takes what is left, at least `min`.
    Flex { min: u16 },
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Column {
    pub header: &'static str,
    pub kind: Kind,
    pub align: Align,
    /// Columns with a rank drop out, highest rank first, when the table does not fit.
    pub optional: Option<u8>,
    /// Content known to be this wide although not on screen (every team's name, say), so the
    /// column keeps its width while the rows scroll.
    pub hint: u16,
}

impl Column {
    pub(crate) const fn number(header: &'static str) -> Column {
        Column {
            header,
            kind: Kind::Number,
            align: Align::Right,
            optional: None,
            hint: 0,
        }
    }

    pub(crate) const fn text(header: &'static str, min: u16, max: u16) -> Column {
        Column {
            header,
            kind: Kind::Text { min, max },
            align: Align::Left,
            optional: None,
            hint: 0,
        }
    }

    pub(crate) const fn flex(header: &'static str, min: u16) -> Column {
        Column {
            header,
            kind: Kind::Flex { min },
            align: Align::Left,
            optional: None,
            hint: 0,
        }
    }

    /// Left-aligned (a number column is right-aligned by default).
    pub(crate) const fn left(mut self) -> Column {
        self.align = Align::Left;
        self
    }

    pub(crate) const fn optional(mut self, rank: u8) -> Column {
        self.optional = Some(rank);
        self
    }

    pub(crate) const fn hint(mut self, hint: u16) -> Column {
        self.hint = hint;
        self
    }
}

/// One cell: its text (escaped when drawn) and style.
#[derive(Clone, Debug, Default)]
pub(crate) struct Cell {
    pub text: String,
    pub style: Style,
}

impl Cell {
    pub(crate) fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            style: Style::default(),
        }
    }

    pub(crate) fn styled(text: impl Into<String>, style: Style) -> Cell {
        Cell {
            text: text.into(),
            style,
        }
    }
}

/// A table with its rows, ready to draw.
pub(crate) struct Grid<'a> {
    pub columns: Vec<Column>,
    /// The rows on screen (the caller cuts the list to what fits, from `offset`).
    pub rows: Vec<Vec<Cell>>,
    /// The highlighted row, counted from the first row given.
    pub selected: Option<usize>,
    pub block: Option<Block<'a>>,
    pub header_style: Style,
    pub highlight: Style,
}

const SPACING: u16 = 1;
/// The width a text column keeps before optional columns are dropped to make room.
const READABLE: u16 = 12;

impl Grid<'_> {
    fn cell_width(text: &str) -> u16 {
        u16::try_from(width(&sanitize_line(text))).unwrap_or(u16::MAX)
    }

    /// Widths for `available` columns of space; `None` for a column left out.
    pub(crate) fn widths(&self, available: u16) -> Vec<Option<u16>> {
        let content: Vec<u16> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|cell| Self::cell_width(&cell.text))
                    .max()
                    .unwrap_or(0)
                    .max(c.hint)
            })
            .collect();
        let header = |c: &Column| u16::try_from(width(c.header)).unwrap_or(u16::MAX);
        // What each column would like, and the least it can do with.
        let natural: Vec<u16> = self
            .columns
            .iter()
            .zip(&content)
            .map(|(c, w)| match c.kind {
                Kind::Number => (*w).max(header(c)),
                Kind::Text { min, max } => (*w).max(header(c)).clamp(min, max.max(min)),
                Kind::Flex { min } => min,
            })
            .collect();
        let least: Vec<u16> = self
            .columns
            .iter()
            .zip(&content)
            .map(|(c, w)| match c.kind {
                // A number keeps every digit; its header may be cut to "B…".
                Kind::Number => (*w).max(header(c).min(2)).max(1),
                Kind::Text { min, .. } => min.min(header(c).max(*w)).max(1),
                Kind::Flex { min } => min,
            })
            .collect();
        // The flexible column (the title) would like up to three tenths of the width, and
        // text columns to stay readable, before optional columns give way.
        let readable: Vec<u16> = self
            .columns
            .iter()
            .zip(&natural)
            .zip(&least)
            .zip(&content)
            .map(|(((c, n), l), w)| match c.kind {
                Kind::Text { .. } => (*n).min(READABLE.max(*l)),
                Kind::Flex { min } => (*w).min(available * 3 / 10).max(min),
                Kind::Number => *n,
            })
            .collect();
        let natural: Vec<u16> = natural
            .iter()
            .zip(&readable)
            .zip(&self.columns)
            .map(|((n, r), c)| {
                if matches!(c.kind, Kind::Flex { .. }) {
                    *r
                } else {
                    *n
                }
            })
            .collect();
        let mut kept: Vec<bool> = vec![true; self.columns.len()];
        loop {
            let n = u16::try_from(kept.iter().filter(|k| **k).count()).unwrap_or(u16::MAX);
            let room = available.saturating_sub(SPACING * n.saturating_sub(1));
            let sum = |w: &[u16]| -> u32 {
                w.iter()
                    .zip(&kept)
                    .filter(|(_, k)| **k)
                    .map(|(w, _)| u32::from(*w))
                    .sum()
            };
            if sum(&readable) <= u32::from(room) {
                return self.fit(&natural, &least, &kept, room);
            }
            // Drop the optional column of the highest rank still shown.
            let drop = self
                .columns
                .iter()
                .enumerate()
                .filter(|(i, c)| kept[*i] && c.optional.is_some())
                .max_by_key(|(i, c)| (c.optional, *i))
                .map(|(i, _)| i);
            match drop {
                Some(i) => kept[i] = false,
                None => return self.fit(&natural, &least, &kept, room),
            }
        }
    }

    /// Shares `room` out: every kept column its natural width if that fits (the flexible
    /// column taking the rest); else text columns narrow, widest first, towards their least,
    /// and only then do numbers' headers give way (never their digits).
    fn fit(&self, natural: &[u16], least: &[u16], kept: &[bool], room: u16) -> Vec<Option<u16>> {
        let mut w: Vec<u16> = natural.to_vec();
        let total = |w: &[u16]| -> u32 {
            w.iter()
                .zip(kept)
                .filter(|(_, k)| **k)
                .map(|(w, _)| u32::from(*w))
                .sum()
        };
        for narrowable in [
            |k: Kind| matches!(k, Kind::Text { .. }),
            |k: Kind| matches!(k, Kind::Flex { .. }),
            |k: Kind| matches!(k, Kind::Number),
        ] {
            while total(&w) > u32::from(room) {
                let give = (0..w.len())
                    .filter(|i| kept[*i] && narrowable(self.columns[*i].kind) && w[*i] > least[*i])
                    .max_by_key(|i| (w[*i] - least[*i], *i));
                match give {
                    Some(i) => w[i] -= 1,
                    None => break,
                }
            }
        }
        let spare = u16::try_from(u32::from(room).saturating_sub(total(&w))).unwrap_or(0);
        if let Some(flex) = self
            .columns
            .iter()
            .position(|c| matches!(c.kind, Kind::Flex { .. }))
            .filter(|i| kept[*i])
        {
            w[flex] += spare;
        }
        w.iter().zip(kept).map(|(w, k)| k.then_some(*w)).collect()
    }

    pub(crate) fn render(self, area: Rect, buf: &mut Buffer) {
        let inner = self.block.as_ref().map_or(area, |b| b.inner(area));
        let widths = self.widths(inner.width);
        let fitted =
            |text: &str, w: u16, align: Align| fit(&sanitize_line(text), usize::from(w), align);
        let header: Vec<ratatui::widgets::Cell> = self
            .columns
            .iter()
            .zip(&widths)
            .filter_map(|(c, w)| w.map(|w| fitted(c.header, w, c.align).into()))
            .collect();
        let rows: Vec<Row> = self
            .rows
            .iter()
            .map(|r| {
                let cells: Vec<ratatui::widgets::Cell> = self
                    .columns
                    .iter()
                    .zip(&widths)
                    .zip(r)
                    .filter_map(|((c, w), cell)| {
                        w.map(|w| Span::styled(fitted(&cell.text, w, c.align), cell.style).into())
                    })
                    .collect();
                Row::new(cells)
            })
            .collect();
        let constraints: Vec<Constraint> = widths
            .iter()
            .flatten()
            .map(|w| Constraint::Length(*w))
            .collect();
        let mut table = Table::new(rows, constraints)
            .header(Row::new(header).style(self.header_style))
            .row_highlight_style(self.highlight)
            .column_spacing(SPACING);
        if let Some(block) = self.block {
            table = table.block(block);
        }
        let mut state = TableState::default().with_selected(self.selected);
        StatefulWidget::render(table, area, buf, &mut state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(columns: Vec<Column>, rows: &[&[&str]]) -> Grid<'static> {
        Grid {
            columns,
            rows: rows
                .iter()
                .map(|r| r.iter().map(|t| Cell::new(*t)).collect())
                .collect(),
            selected: None,
            block: None,
            header_style: Style::default(),
            highlight: Style::default(),
        }
    }

    #[test]
    fn text_grows_to_its_longest_value_and_the_title_takes_the_rest() {
        let g = grid(
            vec![
                Column::number("ID"),
                Column::flex("TITLE", 10),
                Column::text("TEAM", 4, 30),
            ],
            &[&["7", "a title", "2027q1-payments"], &["12", "x", "edge"]],
        );
        assert_eq!(g.widths(80), vec![Some(2), Some(61), Some(15)]);
    }

    #[test]
    fn numbers_are_never_cut_text_narrows_then_optional_columns_drop() {
        let g = grid(
            vec![
                Column::flex("TITLE", 8),
                Column::text("MILESTONE", 4, 30),
                Column::text("OWNER", 4, 20).optional(1),
                Column::number("BUDGET"),
            ],
            &[&["t", "2027q1-failover", "avolkova", "-1234.5"]],
        );
        let w = g.widths(30);
        assert_eq!(w[3], Some(7), "the whole number");
        assert_eq!(w[2], None, "the optional column went first");
        assert!(w[1].unwrap() < 15, "the text narrowed");
        let room: u16 = w.iter().flatten().sum::<u16>() + 2;
        assert!(room <= 30);
        // At a width where everything fits, nothing is cut.
        assert_eq!(g.widths(60)[1], Some(15));
    }

    #[test]
    fn a_header_wider_than_its_numbers_is_cut_with_an_ellipsis_only_when_tight() {
        let g = grid(
            vec![Column::flex("T", 3), Column::number("BUDGET")],
            &[&["x", "200"]],
        );
        assert_eq!(g.widths(20)[1], Some(6));
        assert_eq!(g.widths(7)[1], Some(3));
        assert_eq!(fit("BUDGET", 3, Align::Right), "BU…");
    }
}
