//! `riskreg completions SHELL` and `riskreg man`, generated from the one clap definition.

use crate::cli::args::command;
use crate::cli::output::Out;
use crate::error::Result;

pub fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut out = Out::new();
    clap_complete::generate(shell, &mut command(), "riskreg", out.writer());
    out.finish()
}

pub fn man() -> Result<()> {
    let mut out = Out::new();
    clap_mangen::Man::new(command())
        .render(out.writer())
        .map_err(Out::error)?;
    out.finish()
}
