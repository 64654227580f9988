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
pub(crate) mod form;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod popups;
pub mod tabs;
pub mod theme;
mod ui;
pub(crate) mod widgets;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use ratatui::crossterm::{cursor, execute, terminal};
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

/// Test hook: panic inside the draw loop after this many milliseconds (TUI-1).
pub const TEST_PANIC_AFTER_ENV: &str = "RISKREG_TEST_PANIC_AFTER_MS";

/// What wakes the loop: input from the terminal, or an answer from the loader.
enum Msg {
    Input(Event),
    /// The terminal cannot be read any more (it went away).
    InputClosed,
    Loaded(Box<data::Response>),
}

/// Runs the TUI on `store` until the person quits or a signal ends it. `clock` freezes time
/// (as `$RISKREG_NOW` does for every command); `None` follows the system clock.
pub fn run(store: Store, clock: Option<Clock>, actor: String) -> Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .map_err(|e| Error::io("cannot watch for signals", e))?;
    }
    let (tx, rx) = channel::<Msg>();
    let loaded = tx.clone();
    let worker = Worker::start(store.location().clone(), move |r| {
        loaded.send(Msg::Loaded(Box::new(r))).is_ok()
    })?;
    let mut terminal = enter_terminal()?;
    spawn_input(tx)?;
    let result = run_loop(&mut terminal, store, clock, actor, worker, &rx, &stop);
    restore_terminal();
    if terminal.show_cursor().is_err() {
        // The terminal is gone. Dropping ratatui's handle would try once more and print the
        // failure to a stderr that is gone too, which panics; there is nothing to clean up.
        std::mem::forget(terminal);
    }
    result
}

/// Raw mode, the alternate screen and mouse capture, with a panic hook that undoes them
/// before the panic is reported.
fn enter_terminal() -> Result<ratatui::DefaultTerminal> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
    let setup = || -> std::io::Result<ratatui::DefaultTerminal> {
        terminal::enable_raw_mode()?;
        execute!(std::io::stdout(), terminal::EnterAlternateScreen)?;
        // Mouse capture is best effort: a terminal without it still works by keyboard.
        let _ = execute!(std::io::stdout(), EnableMouseCapture);
        Terminal::new(CrosstermBackend::new(std::io::stdout()))
    };
    setup().map_err(|e| {
        restore_terminal();
        Error::io("cannot set up the terminal", e)
    })
}

/// Leaves the terminal as it was. Every step is attempted and failures are ignored: the
/// terminal may be gone (SIGHUP), and a message about it could not be printed anywhere —
/// ratatui's own `restore` prints one, which panics when stderr is the vanished terminal.
fn restore_terminal() {
    let mut out = std::io::stdout();
    let _ = execute!(out, DisableMouseCapture);
    let _ = terminal::disable_raw_mode();
    let _ = execute!(out, terminal::LeaveAlternateScreen, cursor::Show);
}

/// Reads the terminal on its own thread, so a read that never returns (a terminal that went
/// away can leave crossterm spinning) cannot keep the loop from noticing SIGHUP.
fn spawn_input(tx: Sender<Msg>) -> Result<()> {
    std::thread::Builder::new()
        .name("riskreg-input".into())
        .spawn(move || {
            loop {
                let msg = match event::read() {
                    Ok(ev) => Msg::Input(ev),
                    Err(_) => Msg::InputClosed,
                };
                let closed = matches!(msg, Msg::InputClosed);
                if tx.send(msg).is_err() || closed {
                    return;
                }
            }
        })
        .map(drop)
        .map_err(|e| Error::io("cannot start the input thread", e))
}

fn run_loop(
    terminal: &mut ratatui::DefaultTerminal,
    store: Store,
    clock: Option<Clock>,
    actor: String,
    worker: Worker,
    rx: &Receiver<Msg>,
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
        if panic_after.is_some_and(|d| started.elapsed() >= d) {
            test_panic();
        }
        if dirty {
            if terminal.draw(|f| f.render_widget(&app, f.area())).is_err() {
                // The terminal went away (SIGHUP, closed pty): nothing left to draw on.
                return Ok(());
            }
            dirty = false;
        }
        let wait = POLL_INTERVAL.saturating_sub(last_poll.elapsed());
        match rx.recv_timeout(wait) {
            Ok(msg) => {
                // Handle everything already queued before drawing once.
                let mut next = Some(msg);
                while let Some(msg) = next {
                    if !handle(&mut app, msg) {
                        return Ok(());
                    }
                    next = rx.try_recv().ok();
                }
                dirty = true;
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
        if last_poll.elapsed() >= POLL_INTERVAL {
            last_poll = Instant::now();
            if !terminal_alive() {
                // Gone without a SIGHUP reaching us (e.g. started in the background).
                return Ok(());
            }
            if app.poll_changes() {
                dirty = true;
            }
        }
    }
}

/// Whether the terminal is still there: a hung-up terminal stops answering as one.
fn terminal_alive() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal()
}

/// Applies one message; false when the terminal is gone.
fn handle(app: &mut App, msg: Msg) -> bool {
    match msg {
        Msg::Input(Event::Resize(w, h)) => app.resize(Rect::new(0, 0, w, h)),
        Msg::Input(ev) => {
            if let Some(action) = input::action_for_event(app, &ev) {
                app.update(action);
            }
        }
        Msg::Loaded(response) => app.apply(*response),
        Msg::InputClosed => return false,
    }
    true
}

#[allow(clippy::panic, reason = "the test hook's whole purpose")]
fn test_panic() {
    panic!("{TEST_PANIC_AFTER_ENV} is set");
}
