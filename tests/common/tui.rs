//! Helpers for the TUI tests: an [`App`] over a temporary register, driven without a
//! terminal, and its screen rendered into a `TestBackend` as text.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use riskreg::clock::Clock;
use riskreg::store::{OpenMode, Store};
use riskreg::tui::data::Loader;
use riskreg::tui::theme::Theme;
use riskreg::tui::{Action, App};

use super::{NOW, Reg};

/// A register holding the sample (32 risks, 6 teams, 8 milestones, 8 incidents, 12
/// actions), as `riskreg sample` loads it.
pub fn sample_reg() -> Reg {
    let reg = Reg::new();
    let out = reg.output(&["sample"]);
    assert!(
        out.status.success(),
        "loading the sample failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    reg
}

/// The app over `reg`, with the tests' frozen clock, answering its own requests inline.
pub fn app_on(reg: &Reg, width: u16, height: u16) -> App {
    let store = Store::open(&reg.db, OpenMode::Create).expect("open the register");
    let clock = Clock::at(NOW.parse().expect("NOW parses"));
    let mut app = App::new(
        store,
        Loader::Inline,
        Some(clock),
        "tui-tester".into(),
        Theme { color: false },
    )
    .expect("app");
    app.resize(Rect::new(0, 0, width, height));
    app
}

pub fn key(app: &mut App, code: KeyCode) {
    key_with(app, code, KeyModifiers::NONE);
}

pub fn key_with(app: &mut App, code: KeyCode, modifiers: KeyModifiers) {
    let ev = ratatui::crossterm::event::Event::Key(KeyEvent::new(code, modifiers));
    if let Some(action) = riskreg::tui::input::action_for_event(app, &ev) {
        app.update(action);
    }
}

pub fn chars(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

pub fn act(app: &mut App, action: Action) {
    app.update(action);
}

/// The screen as text, one line per row (as a terminal shows it: a wide glyph covers two
/// cells); the register's temporary path is replaced by a
/// placeholder of the same width so snapshots do not depend on it.
pub fn screen(app: &App) -> String {
    let area = app.size;
    let mut terminal = Terminal::new(TestBackend::new(area.width, area.height)).expect("terminal");
    terminal
        .draw(|f| f.render_widget(app, f.area()))
        .expect("draw");
    let text = buffer_text(terminal.backend().buffer());
    let path = app.path_label();
    let placeholder = format!("{:<w$}", "[register]", w = path.chars().count());
    text.replace(&path, &placeholder)
}

pub fn buffer_text(buf: &ratatui::buffer::Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                // The cell a wide glyph covers: the terminal draws nothing there.
                skip -= 1;
                continue;
            }
            let symbol = buf[(x, y)].symbol();
            line.push_str(symbol);
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Ids of the risks the Risks tab lists, in order.
pub fn ids(app: &App) -> Vec<i64> {
    app.tabs.risks.list.ids.clone()
}
