//! The interactive register: a shell over the same store, validation, priority order and
//! query language as the CLI. Input → [`keymap`]/[`input`] → [`Action`] → [`App::update`] →
//! draw from state ([`ui`]).
//!
//! The terminal is restored on quit, on a panic (ratatui's hook runs first), on SIGTERM and
//! SIGHUP (a flag the loop checks), and when the terminal goes away; all end with exit 0
//! except a panic (exit 70, like every other command).

pub mod action;
pub mod app;
pub mod data;
pub mod form;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod popups;
pub mod theme;
pub mod ui;
pub mod views;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use ratatui::crossterm::execute;
use ratatui::layout::Rect;

pub use action::Action;
pub use app::App;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;
use data::{Loader, Worker};
use theme::Theme;

/// How often the app looks for other processes' commits.
pub const POLL_INTERVAL: Duration = Duration::from_millis(400);
/// How long the loop waits for input while the loader owes it an answer.
const BUSY_WAIT: Duration = Duration::from_millis(15);

/// Test hook: panic inside the draw loop after this many milliseconds (TUI-1).
pub const TEST_PANIC_AFTER_ENV: &str = "RISKREG_TEST_PANIC_AFTER_MS";

/// Runs the TUI on `store` until the person quits or a signal ends it. `clock` freezes time
/// (as `$RISKREG_NOW` does for every command); `None` follows the system clock.
pub fn run(store: Store, clock: Option<Clock>, actor: String) -> Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .map_err(|e| Error::io("cannot watch for signals", e))?;
    }
    let worker = Worker::start(store.path().to_path_buf())?;
    let mut terminal =
        ratatui::try_init().map_err(|e| Error::io("cannot set up the terminal", e))?;
    // Mouse capture is best effort: a terminal without it still works by keyboard.
    let _ = execute!(std::io::stdout(), EnableMouseCapture);
    let result = run_loop(&mut terminal, store, clock, actor, worker, &stop);
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    result
}

fn run_loop(
    terminal: &mut ratatui::DefaultTerminal,
    store: Store,
    clock: Option<Clock>,
    actor: String,
    worker: Worker,
    stop: &AtomicBool,
) -> Result<()> {
    let panic_after = std::env::var(TEST_PANIC_AFTER_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map(Duration::from_millis);
    let started = Instant::now();
    let mut app = App::new(
        store,
        Loader::Worker(worker),
        clock,
        actor,
        Theme::from_env(),
    )?;
    let size = terminal
        .size()
        .map_err(|e| Error::io("cannot read the terminal size", e))?;
    app.resize(Rect::new(0, 0, size.width, size.height));
    let mut last_poll = Instant::now();
    let mut dirty = true;
    loop {
        if stop.load(Ordering::Relaxed) || app.quit {
            return Ok(());
        }
        if app.receive() {
            dirty = true;
        }
        if dirty {
            if panic_after.is_some_and(|d| started.elapsed() >= d) {
                test_panic();
            }
            if terminal.draw(|f| f.render_widget(&app, f.area())).is_err() {
                // The terminal went away (SIGHUP, closed pty): nothing left to draw on.
                return Ok(());
            }
            dirty = false;
        }
        let wait = if app.awaiting() {
            BUSY_WAIT
        } else {
            POLL_INTERVAL.saturating_sub(last_poll.elapsed())
        };
        let ready = match event::poll(wait) {
            Ok(r) => r,
            Err(_) => return Ok(()),
        };
        if ready {
            let Ok(ev) = event::read() else { return Ok(()) };
            if let Event::Resize(w, h) = ev {
                app.resize(Rect::new(0, 0, w, h));
            } else if let Some(action) = input::action_for_event(&app, &ev) {
                app.update(action);
            }
            dirty = true;
        }
        if last_poll.elapsed() >= POLL_INTERVAL {
            last_poll = Instant::now();
            if app.poll_changes() {
                dirty = true;
            }
        }
    }
}

#[allow(clippy::panic, reason = "the test hook's whole purpose")]
fn test_panic() {
    panic!("{TEST_PANIC_AFTER_ENV} is set");
}
