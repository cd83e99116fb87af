//! `cargo xtask fuzz`: a seeded mutation fuzzer for every reader, on the stable toolchain.
//!
//! ```text
//! cargo xtask fuzz [--reader json|yaml|xml|markdown|markup-xml|xlsx|all] [--seconds N]
//!                  [--seed S] [--out DIR] [--reference DIR] [--inputs N] [--time-limit-ms MS]
//! cargo xtask fuzz --reader R --check FILE...
//! ```
//!
//! For each reader, inputs are made from a corpus (`corpus.rs`: the project's fixtures and,
//! with `--reference`, the reference examples and workbooks, read at run time) by a few
//! mutations each (`mutate.rs`: bit flips, structural tokens of the format, splices between
//! corpus files, repetition and deep nesting, truncation; workbooks have the XML of their zip
//! entries mutated, `xlsx.rs`). Input `i` of a reader is a pure function of the seed, the
//! reader and `i`, so any input can be made again from its number.
//!
//! Every input goes through the checks of `check.rs` (no panic, every error has a place,
//! everything read round-trips through every format) on a thread of its own with a known
//! stack and a CPU-time limit (`guard.rs`). The inputs run in a child process
//! (`xtask fuzz-worker`, `worker.rs`), so that a stack overflow or an abort ends the child,
//! not the run: the parent saves the input the child was on and starts a new child after it.
//!
//! A failing input is saved in `--out` (default `<target>/fuzz/`) with its reason; the run
//! then exits non-zero. Saved inputs become regression fixtures under
//! `fixtures/fuzz/<reader>/`, which `cargo test` runs through the same checks
//! (`regressions.rs`).

mod check;
mod corpus;
mod guard;
mod mutate;
#[cfg(test)]
mod regressions;
mod worker;
mod xlsx;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub use worker::{WorkerOptions, run_worker};

/// A run stops a reader after this many failures (a crash in a corpus file would otherwise
/// fail every input made from it).
const MAX_FAILURES_PER_READER: usize = 20;

/// One reader under test (its name on the command line is [`Reader::name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reader {
    /// `poam_io::read` of OSCAL JSON.
    Json,
    /// `poam_io::read` of OSCAL YAML.
    Yaml,
    /// `poam_io::read` of OSCAL XML.
    Xml,
    /// `poam_markup`'s Markdown reader (`markup-line` and `markup-multiline`).
    Markdown,
    /// `poam_markup::xml`'s reader of OSCAL's XML markup.
    MarkupXml,
    /// `poam_xlsx::import` of a FedRAMP workbook.
    Xlsx,
}

impl Reader {
    pub const ALL: [Reader; 6] = [
        Reader::Json,
        Reader::Yaml,
        Reader::Xml,
        Reader::Markdown,
        Reader::MarkupXml,
        Reader::Xlsx,
    ];

    /// The name on the command line and of the fixture folder.
    pub fn name(self) -> &'static str {
        match self {
            Reader::Json => "json",
            Reader::Yaml => "yaml",
            Reader::Xml => "xml",
            Reader::Markdown => "markdown",
            Reader::MarkupXml => "markup-xml",
            Reader::Xlsx => "xlsx",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The reader a command line names, or an error that lists the names.
    fn parse_one(name: &str) -> Result<Self, String> {
        Self::parse(name.trim()).ok_or_else(|| {
            let known: Vec<&str> = Self::ALL.iter().map(|r| r.name()).collect();
            format!("unknown reader {name:?}: use {}", known.join(", "))
        })
    }

    /// `--reader`'s value: `all`, or readers separated by commas.
    fn parse_list(list: &str) -> Result<Vec<Self>, String> {
        if list == "all" {
            return Ok(Self::ALL.to_vec());
        }
        list.split(',').map(Self::parse_one).collect()
    }

    /// The extension of saved inputs.
    pub fn extension(self) -> &'static str {
        match self {
            Reader::Json => "json",
            Reader::Yaml => "yaml",
            Reader::Xml | Reader::MarkupXml => "xml",
            Reader::Markdown => "md",
            Reader::Xlsx => "xlsx",
        }
    }

    /// The random stream of this reader's inputs (distinct per reader under one seed).
    fn stream(self) -> u64 {
        match self {
            Reader::Json => 1,
            Reader::Yaml => 2,
            Reader::Xml => 3,
            Reader::Markdown => 4,
            Reader::MarkupXml => 5,
            Reader::Xlsx => 6,
        }
    }
}

/// Options of `cargo xtask fuzz`.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// The readers to fuzz: all, or some of json, yaml, xml, markdown, markup-xml, xlsx
    /// separated by commas.
    #[arg(long = "reader", value_name = "R,..", default_value = "all",
          value_parser = Reader::parse_list)]
    pub readers: ::std::vec::Vec<Reader>,
    /// Time per reader.
    #[arg(long, value_name = "N", default_value_t = 60, value_parser = crate::args::count)]
    pub seconds: u64,
    /// Seed of the mutations: input `i` of a seed is always the same.
    #[arg(long, value_name = "S", default_value_t = 1, value_parser = crate::args::count)]
    pub seed: u64,
    /// Where failing inputs are saved (default `<target>/fuzz/`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The reference folder, whose examples and workbooks join the corpus.
    #[arg(long, value_name = "DIR")]
    pub reference: Option<PathBuf>,
    /// Stop a reader after this many inputs (for tests and reproducible runs).
    #[arg(long, value_name = "N", value_parser = crate::args::count)]
    pub inputs: Option<u64>,
    /// CPU time one input may take (its read and round trips).
    #[arg(long = "time-limit-ms", value_name = "MS", default_value = "2000",
          value_parser = crate::args::millis)]
    pub time_limit: Duration,
    /// Run these files through the checks of the one `--reader` instead of fuzzing.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub check: Vec<PathBuf>,
}

/// What one reader's run found.
#[derive(Debug, Default)]
struct ReaderReport {
    tried: u64,
    read: u64,
    refused: u64,
    write_refusals: u64,
    corpus: usize,
    failures: Vec<String>,
}

/// `cargo xtask fuzz ...`.
pub fn run(root: &Path, opts: &Options) -> Result<(), String> {
    if !opts.check.is_empty() {
        return check_files(opts);
    }
    if let Some(r) = &opts.reference
        && !r.is_dir()
    {
        return Err(format!("--reference {}: not a directory", r.display()));
    }
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| crate::bench::target_dir(root).join("fuzz"));
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the xtask binary: {e}"))?;
    println!(
        "fuzz: seed {}, {} s per reader, time limit {} ms per input, failures saved in {}",
        opts.seed,
        opts.seconds,
        opts.time_limit.as_millis(),
        out.display()
    );
    let mut reports = Vec::new();
    for &reader in &opts.readers {
        let report = fuzz_reader(root, &exe, opts, reader, &out)?;
        println!(
            "fuzz: {:<10} {} inputs ({} read, {} refused with an error; {} outputs refused by a writer), corpus {}, {} failures",
            reader.name(),
            report.tried,
            report.read,
            report.refused,
            report.write_refusals,
            report.corpus,
            report.failures.len()
        );
        reports.push((reader, report));
    }
    let failures: Vec<&String> = reports.iter().flat_map(|(_, r)| &r.failures).collect();
    if failures.is_empty() {
        println!("fuzz: no failure");
        Ok(())
    } else {
        for f in &failures {
            println!("FAIL {f}");
        }
        Err(format!(
            "fuzz: {} failing inputs, saved in {}",
            failures.len(),
            out.display()
        ))
    }
}

/// Runs one reader for `opts.seconds` in child processes, restarting after a crash or hang.
fn fuzz_reader(
    root: &Path,
    exe: &Path,
    opts: &Options,
    reader: Reader,
    out: &Path,
) -> Result<ReaderReport, String> {
    let deadline = Instant::now() + Duration::from_secs(opts.seconds);
    let mut report = ReaderReport::default();
    let mut start = 0u64;
    let mut corpus = None;
    while Instant::now() < deadline && report.failures.len() < MAX_FAILURES_PER_READER {
        if opts.inputs.is_some_and(|n| start >= n) {
            break;
        }
        let remaining = deadline.saturating_duration_since(Instant::now());
        let child = run_child(exe, opts, reader, out, start, remaining)?;
        report.tried += child.tried;
        report.read += child.read;
        report.refused += child.refused;
        report.write_refusals += child.write_refusals;
        report.corpus = child.corpus.max(report.corpus);
        report.failures.extend(child.failures);
        match child.ended {
            ChildEnd::Finished => break,
            ChildEnd::StoppedAfter(i) => start = i + 1,
            ChildEnd::Died { at, status } => {
                let corpus = match &mut corpus {
                    Some(c) => c,
                    None => corpus.insert(corpus::Corpus::load(
                        reader,
                        root,
                        opts.reference.as_deref(),
                    )?),
                };
                let input = corpus.input(opts.seed, at);
                let failure = check::Failure {
                    kind: check::FailureKind::Crash,
                    detail: format!("the worker process died ({status}) on this input"),
                };
                let saved = worker::save_failure(out, reader, opts.seed, at, &input, &failure)?;
                report.failures.push(saved);
                start = at + 1;
            }
        }
    }
    Ok(report)
}

/// How a worker process ended.
enum ChildEnd {
    /// Out of time or inputs.
    Finished,
    /// It stopped itself after input `i` (a hang it could not interrupt).
    StoppedAfter(u64),
    /// It died (a signal, an abort) while on input `at`.
    Died { at: u64, status: String },
}

struct ChildRun {
    tried: u64,
    read: u64,
    refused: u64,
    write_refusals: u64,
    corpus: usize,
    failures: Vec<String>,
    ended: ChildEnd,
}

/// Runs `xtask fuzz-worker` from input `start` and reads its protocol (see `worker.rs`).
fn run_child(
    exe: &Path,
    opts: &Options,
    reader: Reader,
    out: &Path,
    start: u64,
    remaining: Duration,
) -> Result<ChildRun, String> {
    let worker = worker::WorkerOptions {
        reader,
        seed: opts.seed,
        start,
        millis: u64::try_from(remaining.as_millis()).unwrap_or(u64::MAX),
        inputs: opts.inputs,
        time_limit: opts.time_limit,
        out: out.to_path_buf(),
        reference: opts.reference.clone(),
    };
    let mut cmd = Command::new(exe);
    cmd.arg("fuzz-worker")
        .args(worker.to_args())
        .stdout(Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start the fuzz worker: {e}"))?;
    let mut run = ChildRun {
        tried: 0,
        read: 0,
        refused: 0,
        write_refusals: 0,
        corpus: 0,
        failures: Vec::new(),
        ended: ChildEnd::Finished,
    };
    let mut current: Option<u64> = None;
    let mut stopped_after = None;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| format!("reading the fuzz worker: {e}"))?;
            worker::Message::parse(&line).apply(&mut run, &mut current, &mut stopped_after);
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for the fuzz worker: {e}"))?;
    run.ended = match (status.code(), stopped_after, current) {
        (Some(0), _, _) => ChildEnd::Finished,
        (Some(worker::EXIT_STOPPED), Some(i), _) => ChildEnd::StoppedAfter(i),
        (Some(worker::EXIT_TROUBLE), _, _) => {
            return Err(format!("the fuzz worker failed ({status})"));
        }
        (_, _, Some(at)) => ChildEnd::Died {
            at,
            status: status.to_string(),
        },
        _ => return Err(format!("the fuzz worker died before any input ({status})")),
    };
    Ok(run)
}

/// `--check FILE...`: each file through the checks of the one reader given.
fn check_files(opts: &Options) -> Result<(), String> {
    let [reader] = opts.readers[..] else {
        return Err("--check needs exactly one --reader".to_owned());
    };
    let mut failed = 0;
    for path in &opts.check {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let limits = guard::Limits::cpu(opts.time_limit).for_input(bytes.len());
        match guard::run_guarded(reader, &bytes, limits) {
            Ok(outcome) => println!("ok   {}: {outcome}", path.display()),
            Err(f) => {
                failed += 1;
                println!("FAIL {}: {f}", path.display());
            }
        }
    }
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} of {} files failed", opts.check.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse_every_flag() -> Result<(), clap::Error> {
        let o = crate::args::parse::<Options>(&[
            "--reader",
            "json,xlsx",
            "--seconds",
            "12",
            "--seed",
            "7",
            "--time-limit-ms",
            "500",
            "--inputs",
            "1_000",
            "--out",
            "o",
            "--reference",
            "r",
        ])?;
        assert_eq!(o.readers, vec![Reader::Json, Reader::Xlsx]);
        assert_eq!((o.seconds, o.seed, o.inputs), (12, 7, Some(1000)));
        assert_eq!(o.time_limit, Duration::from_millis(500));
        assert_eq!(o.out, Some(PathBuf::from("o")));
        assert_eq!(o.reference, Some(PathBuf::from("r")));
        assert!(o.check.is_empty());
        assert!(crate::args::parse::<Options>(&["--reader", "csv"]).is_err());
        assert!(crate::args::parse::<Options>(&["--seconds"]).is_err());
        let d = crate::args::parse::<Options>(&[] as &[&str])?;
        assert_eq!(d.readers, Reader::ALL.to_vec(), "every reader by default");
        assert_eq!((d.seconds, d.seed, d.inputs), (60, 1, None));
        assert_eq!(d.time_limit, Duration::from_secs(2));
        let all = crate::args::parse::<Options>(&["--reader", "all"])?;
        assert_eq!(all.readers.len(), Reader::ALL.len());
        let check = crate::args::parse::<Options>(&["--reader", "xml", "--check", "a", "b"])?;
        assert_eq!(check.check, [PathBuf::from("a"), PathBuf::from("b")]);
        Ok(())
    }

    #[test]
    fn reader_names_round_trip() {
        for r in Reader::ALL {
            assert_eq!(Reader::parse(r.name()), Some(r));
        }
    }
}
