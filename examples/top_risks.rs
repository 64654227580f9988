//! The top N active risks of a register, in the priority order, using riskreg as a library.
//!
//! ```sh
//! cargo run --example top_risks -- --db PATH [N]
//! ```
//!
//! `PATH` defaults to `$RISKREG_DB`, then to riskreg's default register (which is never
//! created here); `N` defaults to 10. One risk per line, tab-separated: id, score, band,
//! title, team, milestone (`-` for none). Errors exit with riskreg's own exit codes (66 for a
//! missing register, 65 for a file that is not one, …); bad arguments exit 2.

use std::borrow::Cow;
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use riskreg::clock::Clock;
use riskreg::domain::Risk;
use riskreg::query::ListSpec;
use riskreg::store::{self, OpenMode, Store};
use riskreg::text::sanitize_line;

const USAGE: &str = "usage: top_risks [--db PATH] [N]  (PATH defaults to $RISKREG_DB, N to 10)";
const DEFAULT_LIMIT: u64 = 10;
/// The exit code for bad arguments, as riskreg's own usage errors.
const EXIT_USAGE: u8 = 2;

enum Command {
    Help,
    Top { db: Option<PathBuf>, limit: u64 },
}

fn main() -> ExitCode {
    let command = match parse_args(std::env::args_os().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("top_risks: {message}\n{USAGE}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let (db, limit) = match command {
        Command::Help => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Command::Top { db, limit } => (db, limit),
    };
    match run(db, limit) {
        Ok(()) | Err(riskreg::Error::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("top_risks: {}", sanitize_line(&e.to_string()));
            u8::try_from(e.exit_code()).map_or(ExitCode::FAILURE, ExitCode::from)
        }
    }
}

fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    let mut db = None;
    let mut limit = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let Some(text) = arg.to_str() else {
            return Err(format!("unexpected argument {arg:?}"));
        };
        if let Some(path) = text.strip_prefix("--db=") {
            if path.is_empty() {
                return Err("--db needs a path".into());
            }
            db = Some(PathBuf::from(path));
            continue;
        }
        match text {
            "-h" | "--help" => return Ok(Command::Help),
            "--db" => match args.next() {
                Some(path) if !path.is_empty() => db = Some(PathBuf::from(path)),
                _ => return Err("--db needs a path".into()),
            },
            _ if text.starts_with('-') => return Err(format!("unknown option {text:?}")),
            _ if limit.is_some() => return Err(format!("unexpected argument {text:?}")),
            _ => match text.parse::<u64>() {
                Ok(n) if n > 0 => limit = Some(n),
                _ => return Err(format!("N must be a whole number above 0, not {text:?}")),
            },
        }
    }
    Ok(Command::Top {
        db,
        limit: limit.unwrap_or(DEFAULT_LIMIT),
    })
}

/// `--db`, else `$RISKREG_DB`, else the default register, as riskreg itself resolves it.
fn register_path(db: Option<PathBuf>) -> riskreg::Result<PathBuf> {
    if let Some(path) = db {
        return Ok(path);
    }
    match std::env::var_os("RISKREG_DB") {
        Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
        _ => store::default_path(),
    }
}

fn run(db: Option<PathBuf>, limit: u64) -> riskreg::Result<()> {
    let clock = Clock::from_env()?;
    // Existing: a mistyped path is an error (66), never a new empty register.
    let store = Store::open(&register_path(db)?, OpenMode::Existing)?;
    // The default spec is the priority order over active risks only.
    let spec = ListSpec {
        limit: Some(limit),
        ..ListSpec::default()
    };
    let mut out = std::io::stdout().lock();
    store.for_each_risk(&spec, clock.today, |risk| {
        writeln!(out, "{}", line(&risk)).map_err(output_error)
    })?;
    out.flush().map_err(output_error)
}

/// Classified by riskreg: a closed pipe becomes `Error::BrokenPipe`, a full disk exit 74.
fn output_error(e: std::io::Error) -> riskreg::Error {
    riskreg::Error::io("cannot write the output", e)
}

/// One risk as a tab-separated line. Register text is sanitized before it reaches the
/// terminal; that also turns tabs into spaces, so the columns stay unambiguous.
fn line(risk: &Risk) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}",
        risk.id,
        risk.score(),
        risk.band,
        sanitize_line(&risk.fields.title),
        name_or_dash(risk.fields.team.as_deref()),
        name_or_dash(risk.fields.milestone.as_deref()),
    )
}

fn name_or_dash(name: Option<&str>) -> Cow<'_, str> {
    name.map_or(Cow::Borrowed("-"), sanitize_line)
}
