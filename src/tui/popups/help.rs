//! `?`: every key of the current view, from the keymap itself, the form's keys and every
//! term of the query language (from the parser's own list).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::tui::keymap::{Binding, help_for};
use crate::tui::tabs::Tab;
use crate::tui::theme::Theme;
use crate::tui::widgets::frame::{KeyHelp, PopupFrame};

pub const KEYS: &[KeyHelp] = &[("↑/↓", "scroll"), ("Esc/?", "close"), ("q", "quit")];

fn row(key: &str, what: &str, t: Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{key:>12} "), t.key()),
        Span::raw(what.to_string()),
    ])
}

pub fn lines(tab: Tab, bindings: &'static [Binding], t: Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = help_for(bindings)
        .into_iter()
        .map(|b| row(b.label, b.help, t))
        .collect();
    lines.push(Line::default());
    lines.push(Line::styled("In a form", t.header()));
    for (k, h) in crate::tui::form::KEYS {
        lines.push(row(k, h, t));
    }
    lines.push(row("Ctrl-S", "save, also from a multi-line field", t));
    let terms = match tab {
        Tab::Risks => Some((crate::query::help_lines(), crate::query::STATUS_RULE)),
        Tab::Actions => Some((
            crate::query::action_help_lines(),
            crate::query::ACTION_STATUS_RULE,
        )),
        Tab::History => Some((
            crate::query::EVENT_TERMS
                .iter()
                .map(|(term, meaning)| ((*term).to_string(), (*meaning).to_string()))
                .collect(),
            crate::query::EVENT_RULE,
        )),
        _ => None,
    };
    if let Some((terms, rule)) = terms {
        lines.push(Line::default());
        lines.push(Line::styled("The filter (/): terms are ANDed", t.header()));
        for (term, meaning) in terms {
            lines.push(Line::from(vec![
                Span::styled(format!("  {term}  "), t.key()),
                Span::raw(meaning),
            ]));
        }
        lines.push(Line::raw(rule));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "Mouse: click selects, the wheel scrolls",
        t.dim(),
    ));
    lines
}

pub fn render(
    tab: Tab,
    bindings: &'static [Binding],
    scroll: u16,
    area: Rect,
    buf: &mut Buffer,
    t: Theme,
) {
    PopupFrame {
        title: format!(" Keys: {} ", tab.title()),
        body: lines(tab, bindings, t),
        keys: KEYS,
        width: 90,
        scroll,
    }
    .render(area, buf, t);
}
