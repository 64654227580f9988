//! The TUI's speed at scale, measured in-process on a generated register:
//! the first screen (open, first rows from the loader thread, first frame), the latency of
//! each keystroke from key to drawn frame (move, page, typing in the filter bar), and the
//! process's peak memory.
//!
//!     cargo bench --bench tui -- [--rows 100000] [--keys 400] [--shared ../shared/bench]
//!                                [--csv data.csv] [--actions-csv actions.csv] [--machine]
//!
//! The register is made with `../shared/bench/gen_dataset.py` (or read from `--csv`, a file
//! it wrote) and imported through the same import as `riskreg import`; `--actions-csv` adds
//! the actions `benches/compare.py` writes, and the Actions tab's first screen is measured
//! too. Frames are drawn into
//! ratatui's `TestBackend` at 120×40, so the figures are riskreg's work per keystroke without
//! a terminal emulator's.
//!
//! Peak memory is the TUI's: the process's high-water mark (VmHWM) is reset after the import
//! (`5` written to /proc/self/clear_refs), so it counts what stays resident from the import
//! plus what the TUI itself needs, not the import's own peak, which is printed apart. Where
//! the reset is refused the figure is the whole process's, and the output says so.
//!
//! `--machine` adds one `RESULT key=value` line per measure after the human table (times in
//! ms, memory in MiB), for `benches/compare.py`: `imported` (risks in the register), `risks`
//! (rows in the Risks tab's opening view, which like `riskreg list` without `--all` leaves
//! some statuses out), `imported_actions`, `actions` (open actions the Actions tab lists),
//! `first_screen_ms`, `actions_first_screen_ms`, `move_p50_ms`, `move_p99_ms`, `page_p50_ms`,
//! `page_p99_ms`, `jump_p50_ms`, `jump_p99_ms`, `filter_p50_ms`, `filter_p99_ms`,
//! `keystroke_p50_ms`, `keystroke_p99_ms`, `keystroke_max_ms`, `keys`, `peak_mib`,
//! `import_peak_mib` and `peak_scope` (`tui` after the reset, `process` without it).

use std::path::PathBuf;
use std::process::Command;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use riskreg::clock::Clock;
use riskreg::io::import::{ImportOptions, InputFormat, import};
use riskreg::store::{OpenMode, Stamp, Store};
use riskreg::tui::App;
use riskreg::tui::data::{Loader, Response, Worker};
use riskreg::tui::theme::Theme;

struct Args {
    rows: u64,
    keys: usize,
    shared: PathBuf,
    csv: Option<PathBuf>,
    actions_csv: Option<PathBuf>,
    machine: bool,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        rows: 100_000,
        keys: 400,
        shared: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/bench")),
        csv: None,
        actions_csv: None,
        machine: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--rows" => a.rows = value()?.parse().map_err(|e| format!("--rows: {e}"))?,
            "--keys" => a.keys = value()?.parse().map_err(|e| format!("--keys: {e}"))?,
            "--shared" => a.shared = PathBuf::from(value()?),
            "--csv" => a.csv = Some(PathBuf::from(value()?)),
            "--actions-csv" => a.actions_csv = Some(PathBuf::from(value()?)),
            "--machine" => a.machine = true,
            "--bench" => {}
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// Resets the process's peak RSS (VmHWM) to its current RSS; false where Linux refuses.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<f64>().ok())
            })
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Applies the loader's answers until `done` holds (at most 30 s).
fn settle_until(app: &mut App, rx: &Receiver<Response>, done: impl Fn(&App) -> bool) {
    let start = Instant::now();
    while !done(app) && start.elapsed() < Duration::from_secs(30) {
        if let Ok(r) = rx.recv_timeout(Duration::from_millis(5)) {
            app.apply(r);
        }
    }
}

/// Applies the loader's answers as they come for `wait`: the pause between two keys.
fn settle_for(app: &mut App, rx: &Receiver<Response>, wait: Duration) {
    let start = Instant::now();
    while let Some(left) = wait.checked_sub(start.elapsed()) {
        if let Ok(r) = rx.recv_timeout(left) {
            app.apply(r);
        }
    }
}

fn main() -> Result<(), String> {
    let args = args()?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let db = dir.path().join("reg.db");
    let csv = match &args.csv {
        Some(csv) => csv.clone(),
        None => {
            let csv = dir.path().join("risks.csv");
            let generator = args.shared.join("gen_dataset.py");
            let status = Command::new("python3")
                .arg(&generator)
                .arg(args.rows.to_string())
                .arg(&csv)
                .status()
                .map_err(|e| format!("python3 {}: {e}", generator.display()))?;
            if !status.success() {
                return Err(format!("{} failed", generator.display()));
            }
            csv
        }
    };
    let clock = Clock::at(jiff::Timestamp::now());
    let (imported, imported_actions) = {
        let mut store = Store::open(&db, OpenMode::Create).map_err(|e| e.to_string())?;
        let stamp = Stamp {
            actor: "bench".into(),
            clock: clock.clone(),
        };
        let mut load = |path: &PathBuf| -> Result<u64, String> {
            let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
            let report = import(
                &mut store,
                &stamp,
                std::io::BufReader::new(file),
                Some(InputFormat::Csv),
                &ImportOptions::default(),
                &mut |_| {},
            )
            .map_err(|e| e.to_string())?;
            eprintln!("register: {} {}s imported", report.created, report.records);
            Ok(report.created)
        };
        let risks = load(&csv)?;
        let actions = match &args.actions_csv {
            Some(path) => load(path)?,
            None => 0,
        };
        (risks, actions)
    };
    let import_peak = peak_rss_mib();
    let peak_scope = if reset_peak_rss() { "tui" } else { "process" };

    // First screen: open, start the loader, first rows applied, first frame drawn.
    let start = Instant::now();
    let (mut app, rx) = open_app(&db)?;
    settle_until(&mut app, &rx, |a| {
        a.tabs.risks.list.loaded && !a.tabs.risks.visible.is_empty()
    });
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).map_err(|e| e.to_string())?;
    terminal
        .draw(|f| f.render_widget(&app, f.area()))
        .map_err(|e| e.to_string())?;
    let first_screen = start.elapsed();
    settle_until(&mut app, &rx, |a| a.totals.1 > 0);

    // The Actions tab's first screen: open on it, its first rows, first frame.
    let (actions_first_screen, actions_listed) = {
        let start = Instant::now();
        let (mut app, rx) = open_app(&db)?;
        app.update(riskreg::tui::Action::Tab(riskreg::tui::tabs::Tab::Actions));
        settle_until(&mut app, &rx, |a| {
            a.tabs.actions.list.loaded
                && (imported_actions == 0 || !a.tabs.actions.visible.is_empty())
        });
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).map_err(|e| e.to_string())?;
        terminal
            .draw(|f| f.render_widget(&app, f.area()))
            .map_err(|e| e.to_string())?;
        (start.elapsed(), app.tabs.actions.list.ids.len())
    };

    println!(
        "riskreg TUI at {} risks (120×40)",
        app.tabs.risks.list.ids.len()
    );
    println!("first screen           {:>7} ms", ms(first_screen));
    println!(
        "actions tab            {:>7} ms ({actions_listed} open actions of {imported_actions})",
        ms(actions_first_screen)
    );
    let down: Vec<Event> = (0..args.keys).map(|_| key(KeyCode::Char('j'))).collect();
    let moves = report("move (j)", run_keys(&mut app, &mut terminal, &rx, &down)?);
    let pages: Vec<Event> = (0..args.keys)
        .map(|i| {
            key(if i % 2 == 0 {
                KeyCode::PageDown
            } else {
                KeyCode::PageUp
            })
        })
        .collect();
    let paging = report(
        "page (PgDn/PgUp)",
        run_keys(&mut app, &mut terminal, &rx, &pages)?,
    );
    let jumps: Vec<Event> = (0..args.keys / 4)
        .map(|i| {
            key(if i % 2 == 0 {
                KeyCode::Char('G')
            } else {
                KeyCode::Char('g')
            })
        })
        .collect();
    let jumping = report(
        "jump (G/g)",
        run_keys(&mut app, &mut terminal, &rx, &jumps)?,
    );

    // Typing a filter at a brisk human pace (60 ms a key): each key is drawn at once, the
    // rows follow from the loader thread between keys.
    let mut typing = Vec::new();
    for word in [
        "team:team03 score>12",
        "outage",
        "-status:closed is:review-due",
    ] {
        run_keys(&mut app, &mut terminal, &rx, &[key(KeyCode::Char('/'))])?;
        let mut events: Vec<Event> = word.chars().map(|c| key(KeyCode::Char(c))).collect();
        events.push(key(KeyCode::Enter));
        for ev in events {
            typing.extend(run_keys(&mut app, &mut terminal, &rx, &[ev])?);
            settle_for(&mut app, &rx, Duration::from_millis(60));
        }
        run_keys(&mut app, &mut terminal, &rx, &[key(KeyCode::Char('c'))])?;
        settle_for(&mut app, &rx, Duration::from_millis(300));
    }
    let filtering = report("filter typing", typing);
    let all = report(
        "every keystroke",
        [&moves, &paging, &jumping, &filtering]
            .into_iter()
            .flatten()
            .copied()
            .collect(),
    );
    println!("target: every keystroke p99 ≤ 16 ms");
    let peak = peak_rss_mib();
    println!(
        "peak memory            {peak:>7.1} MiB (target ≤ 200 MiB; {})",
        if peak_scope == "tui" {
            format!("after the import, whose own peak was {import_peak:.1} MiB")
        } else {
            "whole process, import included: the peak could not be reset".to_string()
        }
    );
    println!(
        "first screen target ≤ 500 ms: {}",
        if first_screen <= Duration::from_millis(500) {
            "PASS"
        } else {
            "FAIL"
        }
    );
    if args.machine {
        let lines = [
            ("imported", imported.to_string()),
            ("risks", app.tabs.risks.list.ids.len().to_string()),
            ("imported_actions", imported_actions.to_string()),
            ("actions", actions_listed.to_string()),
            ("first_screen_ms", ms(first_screen)),
            ("actions_first_screen_ms", ms(actions_first_screen)),
            ("move_p50_ms", ms(percentile(&moves, 0.5))),
            ("move_p99_ms", ms(percentile(&moves, 0.99))),
            ("page_p50_ms", ms(percentile(&paging, 0.5))),
            ("page_p99_ms", ms(percentile(&paging, 0.99))),
            ("jump_p50_ms", ms(percentile(&jumping, 0.5))),
            ("jump_p99_ms", ms(percentile(&jumping, 0.99))),
            ("filter_p50_ms", ms(percentile(&filtering, 0.5))),
            ("filter_p99_ms", ms(percentile(&filtering, 0.99))),
            ("keystroke_p50_ms", ms(percentile(&all, 0.5))),
            ("keystroke_p99_ms", ms(percentile(&all, 0.99))),
            (
                "keystroke_max_ms",
                ms(all.last().copied().unwrap_or_default()),
            ),
            ("keys", all.len().to_string()),
            ("peak_mib", format!("{peak:.1}")),
            ("import_peak_mib", format!("{import_peak:.1}")),
            ("peak_scope", peak_scope.to_string()),
        ];
        for (name, value) in lines {
            println!("RESULT {name}={value}");
        }
    }
    Ok(())
}

/// The TUI on `db` at 120×40, its loader's answers arriving on the receiver.
fn open_app(db: &std::path::Path) -> Result<(App, Receiver<Response>), String> {
    let store = Store::open(db, OpenMode::Existing).map_err(|e| e.to_string())?;
    let (tx, rx) = channel();
    let worker =
        Worker::start(db.to_path_buf(), move |r| tx.send(r).is_ok()).map_err(|e| e.to_string())?;
    let mut app = App::new(
        store,
        Loader::Worker(worker),
        None,
        "bench".into(),
        Theme { color: true },
    )
    .map_err(|e| e.to_string())?;
    app.resize(Rect::new(0, 0, 120, 40));
    Ok((app, rx))
}

/// Handles each event and draws the frame, timing key → frame.
fn run_keys(
    app: &mut App,
    terminal: &mut Terminal<TestBackend>,
    rx: &Receiver<Response>,
    events: &[Event],
) -> Result<Vec<Duration>, String> {
    let mut times = Vec::with_capacity(events.len());
    for ev in events {
        let t = Instant::now();
        if let Some(action) = riskreg::tui::input::action_for_event(app, ev) {
            app.update(action);
        }
        while let Ok(r) = rx.try_recv() {
            app.apply(r);
        }
        terminal
            .draw(|f| f.render_widget(&*app, f.area()))
            .map_err(|e| e.to_string())?;
        times.push(t.elapsed());
    }
    Ok(times)
}

/// Prints the percentiles of `times` and hands them back.
fn report(name: &str, mut times: Vec<Duration>) -> Vec<Duration> {
    times.sort();
    println!(
        "{name:<22} {:>6} keys  p50 {:>7} ms  p99 {:>7} ms  max {:>7} ms",
        times.len(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(times.last().copied().unwrap_or_default())
    );
    times
}
