//! Progress on standard error for long work: a spinner for one big file, a bar for many files.
//!
//! Nothing is drawn for work that finishes within a second (most commands), nor when stderr is
//! not a terminal (pipes, CI, tests): the output of `poam` stays the same wherever it is run.
//! A bar that is showing is cleared before the command prints its messages.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long work runs before its progress shows.
const DELAY: Duration = Duration::from_secs(1);
/// How often a showing bar is redrawn (the spinner moves even when nothing else does).
const TICK: Duration = Duration::from_millis(120);

/// A progress indicator that appears only after [`DELAY`], and only on a terminal. It is
/// cleared when dropped.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A spinner with a message and the time elapsed, for one long operation.
    pub fn spinner(message: impl Into<String>) -> Self {
        let style = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
            .with_style(style)
            .with_message(message.into());
        Self::start(bar, shown_after())
    }

    /// A bar counting `total` files done, with a message (what is being done to them).
    pub fn files(total: u64, message: impl Into<String>) -> Self {
        let style = ProgressStyle::with_template(
            "{spinner} {msg} [{bar:25}] {pos}/{len} files [{elapsed}]",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden())
            .with_style(style.progress_chars("=> "))
            .with_message(message.into());
        Self::start(bar, shown_after())
    }

    /// Makes `bar` (created hidden) visible on stderr after `show_after` if it is still
    /// running; `None`: never.
    fn start(bar: ProgressBar, show_after: Option<Duration>) -> Self {
        if let Some(delay) = show_after {
            // The waiting thread holds a weak reference: a finished command is not kept
            // alive, nor its bar drawn, by it.
            let weak = bar.downgrade();
            std::thread::spawn(move || {
                std::thread::sleep(delay);
                if let Some(bar) = weak.upgrade()
                    && !bar.is_finished()
                {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(TICK);
                }
            });
        }
        Self { bar }
    }

    /// Says what is being done now.
    pub fn set_message(&self, message: impl Into<String>) {
        self.bar.set_message(message.into());
    }

    /// Counts `n` more files done.
    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
    }

    /// Runs `f` (which prints to stderr) with the bar cleared, then redraws the bar.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    /// Whether the bar can ever be drawn (false off a terminal).
    #[cfg(test)]
    fn is_hidden(&self) -> bool {
        self.bar.is_hidden()
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// When progress may show: after [`DELAY`], on a terminal only.
fn shown_after() -> Option<Duration> {
    std::io::stderr().is_terminal().then_some(DELAY)
}

/// `12.3 MB`, for messages about input sizes.
pub fn megabytes(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss, reason = "a size shown to one decimal")]
    let mb = bytes as f64 / 1e6;
    format!("{mb:.1} MB")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_a_terminal_nothing_is_ever_drawn() {
        let p = Progress::start(ProgressBar::hidden(), None);
        p.set_message("converting");
        p.inc(1);
        assert!(p.is_hidden());
    }

    #[test]
    fn finished_work_is_never_shown() {
        let bar = ProgressBar::with_draw_target(Some(1), ProgressDrawTarget::hidden());
        let watched = bar.clone();
        let p = Progress::start(bar, Some(Duration::from_millis(20)));
        drop(p);
        // The waiting thread wakes after 20 ms and must find the work finished.
        std::thread::sleep(Duration::from_millis(200));
        assert!(watched.is_finished());
        assert!(
            watched.is_hidden(),
            "a bar finished before the delay stays hidden"
        );
    }

    #[test]
    fn megabytes_have_one_decimal() {
        assert_eq!(megabytes(87_400_000), "87.4 MB");
        assert_eq!(megabytes(0), "0.0 MB");
    }
}
