//! The command-line shell: parses arguments, resolves them into a [`Ctx`], runs one command
//! over the store, and turns any error into a message and an exit code.

mod args;
mod commands;
mod context;
mod output;
mod progress;
mod table;

use std::ffi::OsString;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

pub(crate) use args::Cli;
use args::Command;
use context::Ctx;

use crate::error::{Error, Result};
use crate::text::sanitize;

/// Test hook: makes the command panic, to prove a panic still ends in one error line and
/// exit code 70 (never a Rust backtrace and exit 101).
pub(crate) const TEST_PANIC_ENV: &str = "RISKREG_TEST_PANIC";

/// The code of `check`'s exit 1: the register breaks a rule.
pub(crate) const CHECK_FAILED: &str = "check_failed";

/// Runs riskreg with `args` (the first is the program name) and returns the exit code.
pub(crate) fn main(args: impl IntoIterator<Item = OsString>) -> i32 {
    let args: Vec<OsString> = args.into_iter().collect();
    let json = wants_json_errors(&args);
    let panic_message = capture_panics();
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| run(&args))).unwrap_or_else(|_| {
        let message = panic_message
            .lock()
            .map(|m| m.clone())
            .unwrap_or_else(|_| "unknown panic".into());
        Err(Error::Internal(message))
    });
    match result {
        Ok(()) => 0,
        Err(e) => {
            report(&e, json);
            e.exit_code()
        }
    }
}

/// Keeps a panic's message for the one error line (or JSON object) we print, instead of
/// letting the default hook print a second, differently shaped message.
fn capture_panics() -> Arc<Mutex<String>> {
    let slot = Arc::new(Mutex::new(String::new()));
    let hook_slot = Arc::clone(&slot);
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut s) = hook_slot.lock() {
            *s = format!("{message}{place}");
        }
    }));
    slot
}

/// `--format json` anywhere on the command line makes errors JSON, even clap's own.
fn wants_json_errors(args: &[OsString]) -> bool {
    args.windows(2)
        .any(|w| w[0] == "--format" && w[1] == "json")
        || args.iter().any(|a| a == "--format=json")
}

fn report(e: &Error, json: bool) {
    if matches!(e, Error::BrokenPipe) {
        return;
    }
    if json
        && matches!(
            e,
            Error::Refused {
                code: CHECK_FAILED,
                ..
            }
        )
    {
        // `check --format json` already printed its verdict as the document on stdout.
        return;
    }
    let text = if json {
        crate::io::json::to_compact_string(&e.to_json())
    } else {
        format!("riskreg: {}", sanitize(&e.message()))
    };
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// clap's usage error (message, tips, the usage and a pointer to help, over several lines)
/// as one line: the message, any tip, and the `--help` of the command it is about. The full
/// usage stays behind `--help`.
fn usage_line(rendered: &str, command: &str) -> String {
    let mut message = String::new();
    let mut details = Vec::new();
    let mut in_message = false;
    for line in rendered.lines() {
        let trimmed = line.trim();
        if let Some(m) = trimmed.strip_prefix("error: ") {
            message = m.trim_end_matches(':').to_string();
            in_message = true;
        } else if trimmed.is_empty() {
            in_message = false;
        } else if let Some(tip) = trimmed.strip_prefix("tip: ") {
            details.push(crate::text::truncate(tip, 200).into_owned());
        } else if in_message {
            details.push(crate::text::truncate(trimmed, 200).into_owned());
        }
    }
    let mut one = crate::text::truncate(&message, 300).into_owned();
    if !details.is_empty() {
        one.push_str(": ");
        one.push_str(&details.join(", "));
    }
    let help = if command.is_empty() {
        "riskreg --help".to_string()
    } else {
        format!("riskreg {command} --help")
    };
    one.push_str(&format!(" (see `{help}`)"));
    one
}

#[allow(clippy::panic, reason = "the test hook's whole purpose")]
fn panic_if_asked() {
    if std::env::var_os(TEST_PANIC_ENV).is_some() {
        panic!("{TEST_PANIC_ENV} is set");
    }
}

fn run(args: &[OsString]) -> Result<()> {
    let parsed = args::command()
        .try_get_matches_from(args::separate_query_terms(args.to_vec()))
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m).map(|cli| (cli, m)));
    let cli = match parsed {
        Ok((mut cli, matches)) => {
            if let Some(Command::Incident(args::IncidentCommand::Add(add))) = &mut cli.command {
                add.kinds = args::incident_action_kinds(&matches).map_err(|m| {
                    Error::CommandLine(format!("{m} (see `riskreg incident add --help`)"))
                })?;
            }
            cli
        }
        Err(e) if !e.use_stderr() => {
            // --help and --version: to stdout, exit 0.
            let mut out = output::Out::new();
            out.write_str(&e.render().to_string())?;
            return out.finish();
        }
        Err(e) => {
            let command = args::subcommand_name(args).unwrap_or_default();
            return Err(Error::CommandLine(usage_line(
                &e.render().to_string(),
                &command,
            )));
        }
    };
    let ctx = Ctx::from_cli(&cli)?;
    panic_if_asked();
    let Some(command) = cli.command else {
        return interactive(&ctx);
    };
    if ctx.workbook && !matches!(command, Command::Export(_)) {
        return Err(Error::Usage(
            "--format xlsx writes a workbook, which only `riskreg export -o FILE.xlsx` does; choose table, json, ndjson, csv or md here".into(),
        ));
    }
    use commands::*;
    match command {
        Command::Tui => interactive(&ctx),
        Command::Add(a) => risk::add(&ctx, a),
        Command::List(a) => risk::list(&ctx, a),
        Command::Changes(a) => changes::changes(&ctx, &a),
        Command::Trend { weeks } => changes::trend(&ctx, weeks),
        Command::Show { id, as_of } => risk::show(&ctx, &id, as_of.as_deref()),
        Command::Edit(a) => risk::edit(&ctx, a),
        Command::Review(a) => risk::review(&ctx, a),
        Command::Delete(a) => risk::delete(&ctx, a),
        Command::Comment { risk, text } => notes::comment(&ctx, &risk, &text),
        Command::Link(c) => notes::link(&ctx, c),
        Command::Action(c) => action::action(&ctx, c),
        Command::History(a) => history::history(&ctx, a),
        Command::Team(c) => catalog::team(&ctx, c),
        Command::Milestone(c) => catalog::milestone(&ctx, c),
        Command::Export(a) => transfer::export(&ctx, a),
        Command::Import(a) => transfer::import(&ctx, a),
        Command::Matrix {
            query,
            all,
            target,
            as_of,
        } => matrix::matrix(&ctx, &query, all, target, as_of.as_deref()),
        Command::Report { as_of } => portfolio::report(&ctx, as_of.as_deref()),
        Command::Check => portfolio::check(&ctx),
        Command::Incident(c) => incident::incident(&ctx, c),
        Command::Config(c) => config::config(&ctx, c),
        Command::Db(c) => db::db(&ctx, c),
        Command::Sample => meta::sample(&ctx),
        Command::Completions { shell } => meta::completions(shell),
        Command::Man => meta::man(),
    }
}

/// Bare `riskreg` and `riskreg tui`: the interactive register needs a terminal on both stdin
/// and stdout; refuse before writing a single escape sequence otherwise.
fn interactive(ctx: &Ctx) -> Result<()> {
    if !(ctx.term.stdin && ctx.term.stdout) {
        return Err(Error::Usage(
            "the interactive UI needs a terminal; use `riskreg list --format json` in scripts (see `riskreg --help`)".into(),
        ));
    }
    let store = ctx.open_for_write()?;
    let frozen = std::env::var_os(crate::clock::NOW_ENV).map(|_| ctx.clock.clone());
    crate::tui::run(store, frozen, crate::clock::actor())
}
