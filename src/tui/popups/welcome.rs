//! The first-run screen of an empty register: what to do, and the sample in one key. A
//! register that already has teams or milestones is never filled with the sample: the screen
//! says how to open a demo register instead.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::tui::theme::Theme;
use crate::tui::widgets::frame::{KeyHelp, PopupFrame};

pub const KEYS_WITH_SAMPLE: &[KeyHelp] = &[
    ("s", "load the sample"),
    ("a", "add a risk"),
    ("Esc", "start empty"),
    ("q", "quit"),
];
pub const KEYS: &[KeyHelp] = &[("a", "add a risk"), ("Esc", "close"), ("q", "quit")];

/// The keys the welcome offers: the sample only when the register has nothing in it.
pub fn keys(offer_sample: bool) -> &'static [KeyHelp] {
    if offer_sample { KEYS_WITH_SAMPLE } else { KEYS }
}

pub fn render(offer_sample: bool, path: &str, area: Rect, buf: &mut Buffer, t: Theme) {
    let mut body = vec![
        Line::styled("This register has no risks yet.", t.title()),
        Line::default(),
        Line::raw(
            "riskreg keeps your availability risks: each scored by likelihood × impact, owned by a team, tied to a roadmap milestone, estimated in bad minutes against the SLO's error budget, and reviewed on a cadence.",
        ),
        Line::default(),
    ];
    if offer_sample {
        body.push(Line::from(vec![
            Span::styled("s", t.key()),
            Span::raw(
                " loads the sample register: 32 risks with estimates, 6 teams, 8 milestones and incidents.",
            ),
        ]));
    } else {
        body.push(Line::raw(
            "It already has teams or milestones, so the sample is not mixed into it. To explore the sample, open a demo register in a new file and press s there:",
        ));
        body.push(Line::styled("  riskreg --db /tmp/riskreg-demo.db", t.key()));
    }
    body.push(Line::default());
    body.push(Line::styled(
        "To bring a spreadsheet in, quit and run:",
        t.dim(),
    ));
    body.push(Line::raw(format!("  riskreg --db {path} import risks.csv")));
    PopupFrame {
        title: " Welcome to riskreg ".into(),
        body,
        keys: keys(offer_sample),
        width: 80,
        scroll: 0,
    }
    .render(area, buf, t);
}
