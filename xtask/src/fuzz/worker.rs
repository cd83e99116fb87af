//! `xtask fuzz-worker`: the child process that runs inputs, and its line protocol with the
//! parent (`mod.rs`), on standard output:
//!
//! ```text
//! corpus N          the corpus has N entries
//! begin I           input I starts (if the process dies now, input I killed it)
//! end read W        input I was read (W writes refused), or
//! end refused W     input I was refused with a placed error
//! fail TEXT         input I failed; TEXT says why and where it is saved
//! stopped I         input I hangs: the worker stops (exit 3) and the parent goes on after I
//! ```

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::check::{Failure, FailureKind};
use super::corpus::Corpus;
use super::guard::{self, Limits};
use super::{ChildRun, Reader};

/// Exit code of a worker that stopped itself at a hang.
pub const EXIT_STOPPED: i32 = 3;
/// Exit code of a worker that could not run at all (bad arguments, no corpus).
pub const EXIT_TROUBLE: i32 = 2;

/// What the parent (`mod.rs`) tells a worker: the arguments of `xtask fuzz-worker`, built by
/// [`WorkerOptions::to_args`] and parsed by clap, so that both sides share one type.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct WorkerOptions {
    /// The reader whose inputs to run.
    #[arg(long, value_parser = Reader::parse_one)]
    pub reader: Reader,
    #[arg(long)]
    pub seed: u64,
    /// The first input to run.
    #[arg(long)]
    pub start: u64,
    /// The time left for this reader (wall clock).
    #[arg(long)]
    pub millis: u64,
    /// Stop before this input.
    #[arg(long)]
    pub inputs: Option<u64>,
    /// The CPU-time limit of one input.
    #[arg(long = "time-limit-ms", value_parser = crate::args::millis)]
    pub time_limit: Duration,
    /// Where failing inputs are saved.
    #[arg(long)]
    pub out: PathBuf,
    /// The reference folder of the corpus.
    #[arg(long)]
    pub reference: Option<PathBuf>,
}

impl WorkerOptions {
    /// The command line after `fuzz-worker` that parses back into `self`.
    pub fn to_args(&self) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec![
            "--reader".into(),
            self.reader.name().into(),
            "--seed".into(),
            self.seed.to_string().into(),
            "--start".into(),
            self.start.to_string().into(),
            "--millis".into(),
            self.millis.to_string().into(),
            "--time-limit-ms".into(),
            crate::args::millis_text(self.time_limit).into(),
            "--out".into(),
            self.out.clone().into(),
        ];
        if let Some(n) = self.inputs {
            args.extend(["--inputs".into(), n.to_string().into()]);
        }
        if let Some(r) = &self.reference {
            args.extend(["--reference".into(), r.clone().into()]);
        }
        args
    }
}

/// `xtask fuzz-worker ...`: runs inputs from `--start` until the time or the inputs are used
/// up, or an input hangs. Never returns normally on a hang (the stuck thread cannot be
/// stopped, so the process exits).
pub fn run_worker(root: &Path, o: &WorkerOptions) -> Result<(), String> {
    let corpus = Corpus::load(o.reader, root, o.reference.as_deref())?;
    guard::install_panic_hook();
    let limits = Limits::cpu(o.time_limit);
    let deadline = Instant::now() + Duration::from_millis(o.millis);
    let mut out = std::io::stdout().lock();
    let mut say = |line: String| {
        // The parent reads every line; if it is gone there is no one to report to.
        if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
            std::process::exit(EXIT_TROUBLE);
        }
    };
    say(format!("corpus {}", corpus.len()));
    let mut i = o.start;
    while Instant::now() < deadline && o.inputs.is_none_or(|n| i < n) {
        let input = corpus.input(o.seed, i);
        say(format!("begin {i}"));
        match guard::run_guarded(o.reader, &input, limits.for_input(input.len())) {
            Ok(outcome) => say(format!(
                "end {} {}",
                if outcome.read { "read" } else { "refused" },
                outcome.write_refusals
            )),
            Err(failure) => {
                let saved = save_failure(&o.out, o.reader, o.seed, i, &input, &failure)?;
                say(format!("fail {saved}"));
                if failure.kind == FailureKind::Hang {
                    say(format!("stopped {i}"));
                    std::process::exit(EXIT_STOPPED);
                }
            }
        }
        i += 1;
    }
    Ok(())
}

/// Saves a failing input as `<out>/<reader>/<kind>-s<seed>-i<i>.<ext>` with a `.txt` beside
/// it saying why and how to run it again; returns a one-line summary.
pub fn save_failure(
    out: &Path,
    reader: Reader,
    seed: u64,
    i: u64,
    input: &[u8],
    failure: &Failure,
) -> Result<String, String> {
    let dir = out.join(reader.name());
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let stem = format!("{}-s{seed}-i{i}", failure.kind.name());
    let path = dir.join(format!("{stem}.{}", reader.extension()));
    let note = dir.join(format!("{stem}.txt"));
    std::fs::write(&path, input).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = format!(
        "{failure}\n\nreader {}, seed {seed}, input {i}\nagain: cargo xtask fuzz --reader {} --check {}\n",
        reader.name(),
        reader.name(),
        path.display()
    );
    std::fs::write(&note, text).map_err(|e| format!("{}: {e}", note.display()))?;
    let first_line = failure.detail.lines().next().unwrap_or_default();
    let short: String = first_line.chars().take(300).collect();
    Ok(format!(
        "{} input {i} ({}): {short}; saved as {}",
        reader.name(),
        failure.kind.name(),
        path.display()
    ))
}

/// One line of the protocol.
#[derive(Debug, PartialEq, Eq)]
pub enum Message {
    Corpus(usize),
    Begin(u64),
    End { read: bool, write_refusals: u64 },
    Fail(String),
    Stopped(u64),
    Other,
}

impl Message {
    pub fn parse(line: &str) -> Self {
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        match word {
            "corpus" => rest.parse().map_or(Message::Other, Message::Corpus),
            "begin" => rest.parse().map_or(Message::Other, Message::Begin),
            "end" => {
                let (what, w) = rest.split_once(' ').unwrap_or((rest, "0"));
                Message::End {
                    read: what == "read",
                    write_refusals: w.parse().unwrap_or(0),
                }
            }
            "fail" => Message::Fail(rest.to_owned()),
            "stopped" => rest.parse().map_or(Message::Other, Message::Stopped),
            _ => Message::Other,
        }
    }

    /// Adds this line to the run's counts; `current` is the input under way, `stopped` the
    /// input the worker stopped at.
    pub(super) fn apply(
        self,
        run: &mut ChildRun,
        current: &mut Option<u64>,
        stopped: &mut Option<u64>,
    ) {
        match self {
            Message::Corpus(n) => run.corpus = n,
            Message::Begin(i) => {
                run.tried += 1;
                *current = Some(i);
            }
            Message::End {
                read,
                write_refusals,
            } => {
                if read {
                    run.read += 1;
                } else {
                    run.refused += 1;
                }
                run.write_refusals += write_refusals;
                *current = None;
            }
            Message::Fail(text) => {
                run.failures.push(text);
                *current = None;
            }
            Message::Stopped(i) => *stopped = Some(i),
            Message::Other => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_lines_parse() {
        assert_eq!(Message::parse("begin 42"), Message::Begin(42));
        assert_eq!(Message::parse("corpus 7"), Message::Corpus(7));
        assert_eq!(
            Message::parse("end read 2"),
            Message::End {
                read: true,
                write_refusals: 2
            }
        );
        assert_eq!(Message::parse("fail x y"), Message::Fail("x y".into()));
        assert_eq!(Message::parse("stopped 3"), Message::Stopped(3));
        assert_eq!(Message::parse("begin x"), Message::Other);
    }

    #[test]
    fn worker_options_parse_back_from_their_command_line() -> Result<(), clap::Error> {
        let mut o = WorkerOptions {
            reader: Reader::MarkupXml,
            seed: 7,
            start: 12,
            millis: 3456,
            inputs: None,
            time_limit: Duration::from_millis(250),
            out: PathBuf::from("out dir"),
            reference: None,
        };
        assert_eq!(crate::args::parse::<WorkerOptions>(&o.to_args())?, o);
        o.inputs = Some(100);
        o.reference = Some(PathBuf::from("/ref"));
        assert_eq!(crate::args::parse::<WorkerOptions>(&o.to_args())?, o);
        Ok(())
    }
}
