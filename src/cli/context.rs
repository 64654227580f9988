//! Arguments resolved into settings, once, before any command runs (ripgrep's two stages):
//! where the register is, how to print, what time it is and who is acting.

use std::io::IsTerminal;

use super::args::{Cli, ColorChoice, Format, FormatArg};
use crate::clock::{self, Clock};
use crate::error::Result;
use crate::store::{self, Location, OpenMode, Stamp, Store};

/// Which standard streams are terminals.
#[derive(Clone, Copy, Debug)]
pub(super) struct Terminals {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
}

pub(super) struct Ctx {
    /// The register: a file, or a PostgreSQL URL.
    pub db: Location,
    /// The path came from neither --db nor $RISKREG_DB.
    pub db_is_default: bool,
    /// The format given with --format, if any.
    pub format: Option<Format>,
    /// `--format xlsx`: a workbook (only `export -o` writes one).
    pub workbook: bool,
    pub color: bool,
    /// Columns available for tables; `None` means unlimited (not a terminal, no $COLUMNS).
    pub width: Option<usize>,
    pub term: Terminals,
    pub clock: Clock,
}

impl Ctx {
    pub(super) fn from_cli(cli: &Cli) -> Result<Ctx> {
        let term = Terminals {
            stdin: std::io::stdin().is_terminal(),
            stdout: std::io::stdout().is_terminal(),
            stderr: std::io::stderr().is_terminal(),
        };
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match cli.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => term.stdout && !no_color,
        };
        let width = if term.stdout {
            ratatui::crossterm::terminal::size()
                .ok()
                .map(|(w, _)| usize::from(w))
                .filter(|w| *w > 0)
        } else {
            None
        }
        .or_else(|| {
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.trim().parse().ok())
                .filter(|w: &usize| *w > 0)
        });
        let (db, db_is_default) = match &cli.db {
            Some(p) => (Location::parse(p.as_os_str()), false),
            None => (Location::File(store::default_path()?), true),
        };
        Ok(Ctx {
            db,
            db_is_default,
            format: cli.format.and_then(FormatArg::printed),
            workbook: cli.format == Some(FormatArg::Xlsx),
            color,
            width,
            term,
            clock: Clock::from_env()?,
        })
    }

    /// The output format: --format, else a table.
    pub(super) fn format(&self) -> Format {
        self.format.unwrap_or(Format::Table)
    }

    /// Opens the register to read. An explicit path must exist; the default register is
    /// created on first use.
    pub(super) fn open_existing(&self) -> Result<Store> {
        if self.db_is_default {
            self.open_for_write()
        } else {
            let mut store = Store::open(&self.db, OpenMode::Existing)?;
            store.set_today(self.clock.today);
            Ok(store)
        }
    }

    /// The register to read: as it is, or with `as_of` as it stood then (rebuilt from the
    /// history, in memory), and the day its date-dependent figures are read as of. What the
    /// history cannot rebuild is a warning.
    pub(super) fn open_as_of(&self, as_of: Option<&str>) -> Result<(Store, jiff::civil::Date)> {
        let store = self.open_existing()?;
        let Some(text) = as_of else {
            return Ok((store, self.clock.today));
        };
        let moment = clock::Moment::parse("--as-of", text, &self.clock)?;
        let (rebuilt, gaps) = store.as_of(&moment.until, moment.today)?;
        warn_gaps(&gaps);
        Ok((rebuilt, moment.today))
    }

    /// Opens the register to change it, creating it (and the default directory, 0700).
    pub(super) fn open_for_write(&self) -> Result<Store> {
        if self.db_is_default
            && let Some(dir) = self.db.file().and_then(std::path::Path::parent)
        {
            store::create_private_dir(dir)?;
        }
        let mut store = Store::open(&self.db, OpenMode::Create)?;
        store.set_today(self.clock.today);
        Ok(store)
    }

    /// Who and when, for a change. The actor is looked up only when something changes:
    /// asking the system for the user name costs a read command a good part of its time.
    pub(super) fn stamp(&self) -> Stamp {
        Stamp {
            actor: clock::actor(),
            clock: self.clock.clone(),
        }
    }
}

/// One line on stderr for each thing the history cannot rebuild.
pub(super) fn warn_gaps(gaps: &[crate::domain::rebuild::Gap]) {
    for gap in gaps {
        let what = match gap.action {
            Some(a) => format!("action {a} of risk {}", gap.risk),
            None => format!("risk {}", gap.risk),
        };
        crate::cli::output::warn(&format!(
            "cannot rebuild {what}: {} (event at {})",
            gap.reason, gap.at
        ));
    }
}
