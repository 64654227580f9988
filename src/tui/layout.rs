//! Where things go on the screen. The app uses the same functions as the views to know how
//! many rows a list shows, so scrolling keeps the selection visible.

use ratatui::layout::{Constraint, Layout, Rect};

/// Below this size the TUI shows only a "too small" message.
pub const MIN_WIDTH: u16 = 50;
pub const MIN_HEIGHT: u16 = 12;

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

pub struct Screen {
    pub tabs: Rect,
    pub body: Rect,
    pub status: Rect,
    pub footer: Rect,
}

pub fn screen(area: Rect) -> Screen {
    let [tabs, body, status, footer] = area.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ]));
    Screen {
        tabs,
        body,
        status,
        footer,
    }
}

pub struct RisksLayout {
    pub filter: Rect,
    pub table: Rect,
    pub detail: Option<Rect>,
}

/// The filter line, the table, and (when there is room) the detail pane below it.
pub fn risks(body: Rect) -> RisksLayout {
    let pane = if body.height >= 18 {
        body.height / 3 + 1
    } else {
        0
    };
    with_pane(body, pane)
}

/// A filter line, a table, and below it a pane of `pane` rows (none when 0).
fn with_pane(body: Rect, pane: u16) -> RisksLayout {
    let [filter, table, detail] = body.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(pane),
    ]));
    RisksLayout {
        filter,
        table,
        detail: (pane > 0).then_some(detail),
    }
}

/// The Actions tab: the filter line, the table, and (when there is room) the selected
/// action's pane of `pane` rows below it.
pub fn actions(body: Rect, pane: u16) -> RisksLayout {
    with_pane(body, if body.height >= 16 { pane } else { 0 })
}

/// How many risks the table shows in the Risks tab's `body` (its header takes a row).
pub fn risk_rows(body: Rect) -> usize {
    usize::from(risks(body).table.height.saturating_sub(1))
}

/// A centred popup of at most `width` × `height` inside `area`.
pub fn popup(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
