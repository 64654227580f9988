//! The Matrix tab: likelihood (rows, 5 at the top) × impact (columns) with counts and band
//! colours; Enter shows the chosen cell's risks.

use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::{Cx, Intent, TabView};
use crate::domain::{Impact, Likelihood};
use crate::tui::action::Action;
use crate::tui::data::Rows;
use crate::tui::keymap::{Binding, bind, ch, code};
use crate::tui::widgets::cell;

const BINDINGS: &[Binding] = &[
    bind(
        &[ch('h'), code(KeyCode::Left)],
        "h/l ←/→",
        "move across the matrix",
        "",
        Action::Left,
    ),
    bind(&[ch('l'), code(KeyCode::Right)], "", "", "", Action::Right),
    bind(
        &[code(KeyCode::Enter)],
        "Enter",
        "show the cell's risks",
        "risks",
        Action::Choose,
    ),
    bind(
        &[ch('t')],
        "t",
        "today's levels / the residual ones (what the milestones leave)",
        "residual",
        Action::ToggleResidual,
    ),
];

/// The heat map of the filter in force, and the chosen cell.
pub struct MatrixTab {
    /// `counts[likelihood - 1][impact - 1]`.
    pub counts: [[u64; 5]; 5],
    /// (likelihood, impact) of the chosen cell, 1..=5.
    pub cell: (u8, u8),
    /// Whether it shows the residual heat map: each risk at its target levels.
    pub residual: bool,
}

impl Default for MatrixTab {
    fn default() -> Self {
        MatrixTab {
            counts: [[0; 5]; 5],
            cell: (5, 5),
            residual: false,
        }
    }
}

/// Where the grid's cells are: (left, top, cell width, cell height) inside the block.
pub struct Grid {
    pub x: u16,
    pub y: u16,
    pub cell_w: u16,
    pub cell_h: u16,
}

const LABEL_W: u16 = 18;

pub fn grid(area: Rect) -> Grid {
    let inner = Block::bordered().inner(area);
    let cell_w = (inner.width.saturating_sub(LABEL_W) / 5).clamp(1, 16);
    let cell_h = (inner.height.saturating_sub(3) / 5).clamp(1, 3);
    Grid {
        x: inner.x + LABEL_W,
        y: inner.y + 1,
        cell_w,
        cell_h,
    }
}

/// The (likelihood, impact) under a screen position, if any.
pub fn cell_at(area: Rect, column: u16, row: u16) -> Option<(u8, u8)> {
    let g = grid(area);
    if column < g.x || row < g.y {
        return None;
    }
    let i = (column - g.x) / g.cell_w;
    let l = (row - g.y) / g.cell_h;
    (i < 5 && l < 5).then(|| {
        (
            5 - u8::try_from(l).unwrap_or(4),
            u8::try_from(i).unwrap_or(0) + 1,
        )
    })
}

fn render(m: &MatrixTab, cx: &Cx<'_>, area: Rect, buf: &mut Buffer) {
    let t = cx.theme;
    let filter = if cx.filter.applied.is_empty() {
        "active risks".to_string()
    } else {
        format!("filter: {}", crate::text::sanitize_line(&cx.filter.applied))
    };
    let which = if m.residual {
        "residual (at target)"
    } else {
        "today"
    };
    let block = Block::bordered().title(format!(" Likelihood × impact, {which} — {filter} "));
    let inner = block.inner(area);
    block.render(area, buf);
    let g = grid(area);
    let bands = &cx.settings.bands;
    for (row, l) in (1..=5u8).rev().enumerate() {
        let y = g.y + u16::try_from(row).unwrap_or(0) * g.cell_h;
        if y >= inner.bottom() {
            break;
        }
        let label = Likelihood::new(l).map_or("", Likelihood::label);
        let text = format!("{l} {label}");
        let label_area = Rect {
            x: inner.x,
            y: y + g.cell_h / 2,
            width: LABEL_W.min(inner.width),
            height: 1,
        };
        Span::styled(cell(&text, LABEL_W.saturating_sub(1)), t.dim()).render(label_area, buf);
        for i in 1..=5u8 {
            let x = g.x + u16::from(i - 1) * g.cell_w;
            let cell = Rect {
                x,
                y,
                width: g.cell_w,
                height: g.cell_h,
            }
            .intersection(inner);
            if cell.is_empty() {
                continue;
            }
            let count = m.counts[usize::from(l - 1)][usize::from(i - 1)];
            let mut style = t.band_cell(bands.band_for_score(l * i));
            let chosen = m.cell == (l, i);
            let text = if chosen {
                style = style.add_modifier(Modifier::REVERSED | Modifier::BOLD);
                format!("[{count}]")
            } else {
                count.to_string()
            };
            buf.set_style(cell, style);
            let mid = Rect {
                y: cell.y + cell.height / 2,
                height: 1,
                ..cell
            };
            Paragraph::new(Line::from(text).style(style))
                .alignment(ratatui::layout::Alignment::Center)
                .render(mid, buf);
        }
    }
    let axis_y = g.y + 5 * g.cell_h;
    if axis_y < inner.bottom() {
        for i in 1..=5u8 {
            let x = g.x + u16::from(i - 1) * g.cell_w;
            let label = Impact::new(i).map_or("", Impact::label);
            let a = Rect {
                x,
                y: axis_y,
                width: g.cell_w,
                height: 1,
            }
            .intersection(inner);
            Span::styled(
                cell(&format!("{i} {label}"), a.width.saturating_sub(1)),
                t.dim(),
            )
            .render(a, buf);
        }
    }
    if axis_y + 1 < inner.bottom() {
        let (l, i) = m.cell;
        let hint = format!(
            "↑↓←→ choose · Enter shows likelihood {l} × impact {i} (score {}) in the Risks tab",
            l * i
        );
        let a = Rect {
            x: inner.x,
            y: axis_y + 1,
            width: inner.width,
            height: 1,
        };
        Span::styled(cell(&hint, a.width), t.dim()).render(a, buf);
    }
}

impl TabView for MatrixTab {
    fn bindings(&self) -> &'static [Binding] {
        BINDINGS
    }

    fn render(&self, cx: &Cx<'_>, area: Rect, buf: &mut Buffer) {
        render(self, cx, area, buf);
    }

    fn navigate(&mut self, action: &Action) -> Intent {
        let (l, i) = self.cell;
        self.cell = match action {
            Action::Up => ((l + 1).min(5), i),
            Action::Down => (l.saturating_sub(1).max(1), i),
            Action::PageUp | Action::Top => (5, i),
            Action::PageDown | Action::Bottom => (1, i),
            Action::Left => (l, i.saturating_sub(1).max(1)),
            Action::Right => (l, (i + 1).min(5)),
            Action::ClickCell(l, i) => ((*l).clamp(1, 5), (*i).clamp(1, 5)),
            _ => (l, i),
        };
        Intent::Nothing
    }

    fn click(&mut self, _row: usize) -> Intent {
        Intent::Nothing
    }

    fn choose(&self) -> Intent {
        let (l, i) = self.cell;
        if self.residual {
            Intent::ShowRisks(format!("target_likelihood:{l} target_impact:{i}"))
        } else {
            Intent::ShowRisks(format!("likelihood:{l} impact:{i}"))
        }
    }

    fn mouse(&self, area: Rect, column: u16, row: u16) -> Option<Action> {
        cell_at(area, column, row).map(|(l, i)| Action::ClickCell(l, i))
    }

    fn apply_rows(&mut self, rows: &Rows) {
        if rows.residual == self.residual {
            self.counts = rows.matrix;
        }
    }
}
