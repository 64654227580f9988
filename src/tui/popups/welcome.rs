//! The first-run screen of an empty register: what to do, and the sample in one key.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use crate::tui::app::App;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let key = |k: &'static str, what: &'static str| {
        Line::from(vec![
            Span::styled(format!("  {k:<6}"), t.key()),
            Span::raw(what),
        ])
    };
    let lines = vec![
        Line::styled("This register is empty.", t.title()),
        Line::default(),
        Line::raw(
            "riskreg keeps your availability risks: each scored by likelihood × impact, owned by a team, tied to a roadmap milestone and reviewed on a cadence.",
        ),
        Line::default(),
        key(
            "s",
            "load the sample register (32 risks, 6 teams, 8 milestones)",
        ),
        key("a", "add your first risk"),
        key("Esc", "start with the empty register"),
        Line::default(),
        Line::styled("To bring a spreadsheet in, quit and run:", t.dim()),
        Line::raw(format!(
            "  riskreg --db {} import risks.csv",
            app.path_label()
        )),
    ];
    let area = crate::tui::layout::popup(area, 76, 14);
    Clear.render(area, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(Block::bordered().title(" Welcome to riskreg "))
        .render(area, buf);
}
