//! `riskreg completions SHELL` and `riskreg man`, generated from the one clap definition, and
//! `riskreg sample`.

use crate::cli::args::command;
use crate::cli::context::Ctx;
use crate::cli::output::{Out, emit_one};
use crate::error::Result;

pub(crate) fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut out = Out::new();
    clap_complete::generate(shell, &mut command(), "riskreg", out.writer());
    out.finish()
}

pub(crate) fn man() -> Result<()> {
    let mut out = Out::new();
    clap_mangen::Man::new(command())
        .render(out.writer())
        .map_err(Out::error)?;
    out.finish()
}

/// Loads the sample register into an empty register.
pub(crate) fn sample(ctx: &Ctx) -> Result<()> {
    let mut store = ctx.open_for_write()?;
    let loaded = crate::ops::load_sample(&mut store, &ctx.stamp())?;
    emit_one(
        ctx,
        &serde_json::json!({"schema_version": 1, "loaded": loaded}),
        || format!("loaded the sample register: {loaded}\n"),
    )
}
