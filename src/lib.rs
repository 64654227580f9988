//! riskreg: an availability risk register for the terminal.
//!
//! The pure core ([`domain`], [`scoring`], [`query`], [`text`]) knows nothing of storage or
//! terminals; [`store`] owns the SQLite file and every SQL string; [`io`] reads and writes
//! CSV, JSON and Markdown; [`cli`] and [`tui`] are
//! thin shells over them.

pub(crate) mod cli;
pub mod clock;
pub mod domain;
pub mod error;
pub mod io;
pub(crate) mod ops;
pub mod query;
pub mod scoring;
pub mod store;
pub(crate) mod suggest;
pub mod text;
pub mod tui;

pub use error::{Error, Result};

/// Runs riskreg with the process's arguments and returns the exit code.
pub fn run() -> i32 {
    cli::main(std::env::args_os())
}
