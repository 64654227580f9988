//! Progress for long imports and exports: on stderr, only when stderr is a terminal, and
//! only once the work has taken more than a second.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

const DELAY: Duration = Duration::from_secs(1);

pub(super) struct Progress {
    bar: ProgressBar,
    started: Instant,
    enabled: bool,
    shown: bool,
}

impl Progress {
    /// `total` is the number of items when known.
    pub(super) fn new(label: &str, total: Option<u64>, stderr_is_terminal: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::hidden());
        let template = if total.is_some() {
            "{msg} {wide_bar} {pos}/{len} ({eta} left)"
        } else {
            "{msg} {spinner} {pos} rows ({per_sec})"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        bar.set_message(label.to_string());
        Progress {
            bar,
            started: Instant::now(),
            enabled: stderr_is_terminal,
            shown: false,
        }
    }

    pub(super) fn set(&mut self, position: u64) {
        self.bar.set_position(position);
        if self.enabled
            && !self.shown
            && position.is_multiple_of(256)
            && self.started.elapsed() > DELAY
        {
            self.shown = true;
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Removes the bar from the terminal.
    pub(super) fn finish(self) {
        self.bar.finish_and_clear();
    }
}
