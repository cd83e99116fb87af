//! `cargo xtask bench`: every pipeline timed against its floor, from 1,000 to 100,000 items.
//!
//! ```text
//! cargo xtask bench [--sizes 1000,10000,100000] [--reps R] [--out DIR] [--seed S] [--ops a,b]
//!                   [--update-docs] [--peers [--reference DIR]]
//! ```
//!
//! For each size the inputs are generated once (`cargo xtask gen`'s generator, cached under
//! `<target>/bench-data/`), then every operation runs in a child process of its own
//! (`xtask bench-one`), `R` times (default 5 up to 10,000 items, 3 above); the table shows
//! the median, MB/s, items/s, the child's peak RSS and the ratio to the operation's floor
//! measured in the same run on the same file. Results go to `DIR/results.json` and
//! `DIR/results.md` (default `<target>/bench/`); `--update-docs` also puts the Markdown into
//! `docs/benchmarks.md`, between its two markers.
//!
//! The measured code must be optimised, so `cargo xtask bench` (a debug build through the
//! cargo alias) re-runs itself as `cargo run --release -p xtask -- bench-inner ...`.
//! `--smoke` skips that release build and runs the harness in the build at hand: CI uses it to
//! keep every operation working without compiling the dependency graph a third time (its
//! times are not meaningful and are labelled so).
//! `--peers` also installs and measures the tools people compare `poam` with (compliance-trestle,
//! ajv with the official schema from `--reference DIR`, default `../shared/reference`) in the
//! same run (see `peers.rs`); a peer that cannot be installed is reported and skipped.
//! Benchmarks report; they assert nothing about time.

mod ops;
mod peers;
mod report;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use ops::{Files, OPS, Op, Sample};

use crate::r#gen;

/// Bump when the generator's output changes, so cached inputs are regenerated.
const GENERATOR_VERSION: u32 = 1;

/// The document whose results section `--update-docs` replaces, and its markers.
const DOCS: &str = "docs/benchmarks.md";
const DOCS_START: &str = "<!-- bench-results:start -->";
const DOCS_END: &str = "<!-- bench-results:end -->";

/// Options of `cargo xtask bench`, and of `xtask bench-inner`, the release build it runs
/// (the same options, passed on by [`Options::to_args`]).
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct Options {
    /// Sizes of the generated POA&M, in items.
    #[arg(long, value_name = "N,..", value_delimiter = ',',
          default_value = "1000,10000,100000", value_parser = crate::args::positive)]
    pub sizes: Vec<u64>,
    /// Repetitions per operation (default: 5 up to 10,000 items, 3 above).
    #[arg(long, value_name = "R", value_parser = crate::args::positive_usize)]
    pub reps: Option<usize>,
    /// Where the results go (default `<target>/bench/`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Seed of the generated documents.
    #[arg(long, value_name = "S", default_value_t = 1, value_parser = crate::args::count)]
    pub seed: u64,
    /// Only these operations (the floors they are compared with come along).
    #[arg(long, value_name = "OP,..", value_delimiter = ',', value_parser = op_named)]
    pub ops: Option<Vec<&'static Op>>,
    /// Also write the Markdown results into docs/benchmarks.md.
    #[arg(long)]
    pub update_docs: bool,
    /// Run in the build at hand instead of a release build (checks the harness; times are
    /// not meaningful).
    #[arg(long, conflicts_with = "update_docs")]
    pub smoke: bool,
    /// Also install and measure the peers (compliance-trestle, ajv).
    #[arg(long)]
    pub peers: bool,
    /// The reference folder holding the official schemas ajv checks against (default
    /// ../shared/reference).
    #[arg(long, value_name = "DIR")]
    pub reference: Option<PathBuf>,
}

/// The operation `--ops` names.
fn op_named(name: &str) -> Result<&'static Op, String> {
    ops::find(name.trim()).ok_or_else(|| {
        let known: Vec<&str> = OPS.iter().map(|o| o.name).collect();
        format!("unknown operation {name:?}; known: {}", known.join(", "))
    })
}

impl Options {
    /// The command line after `bench-inner` that parses back into `self`.
    fn to_args(&self) -> Vec<OsString> {
        let list = |items: Vec<String>| OsString::from(items.join(","));
        let mut args = vec![
            "--sizes".into(),
            list(self.sizes.iter().map(u64::to_string).collect()),
            "--seed".into(),
            self.seed.to_string().into(),
        ];
        if let Some(reps) = self.reps {
            args.extend(["--reps".into(), reps.to_string().into()]);
        }
        if let Some(out) = &self.out {
            args.extend(["--out".into(), out.clone().into()]);
        }
        if let Some(ops) = &self.ops {
            args.extend([
                "--ops".into(),
                list(ops.iter().map(|o| o.name.to_owned()).collect()),
            ]);
        }
        for (on, flag) in [
            (self.update_docs, "--update-docs"),
            (self.smoke, "--smoke"),
            (self.peers, "--peers"),
        ] {
            if on {
                args.push(flag.into());
            }
        }
        if let Some(r) = &self.reference {
            args.extend(["--reference".into(), r.clone().into()]);
        }
        args
    }

    /// `--reference`, or the shared reference folder beside the repository.
    fn reference_dir(&self, root: &Path) -> PathBuf {
        self.reference
            .clone()
            .unwrap_or_else(|| root.join("../shared/reference"))
    }

    fn reps_for(&self, items: u64) -> usize {
        self.reps.unwrap_or(if items <= 10_000 { 5 } else { 3 })
    }

    /// The operations to run: the chosen ones plus the floors they are compared with.
    fn selected(&self) -> Vec<&'static Op> {
        match &self.ops {
            None => OPS.iter().collect(),
            Some(list) => OPS
                .iter()
                .filter(|op| {
                    list.iter()
                        .any(|chosen| chosen.name == op.name || chosen.floor == Some(op.name))
                })
                .collect(),
        }
    }
}

/// The target directory cargo builds into (and the benchmark caches into).
pub(crate) fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map_or_else(
            || root.join("target"),
            |p| if p.is_absolute() { p } else { root.join(p) },
        )
}

/// `cargo xtask bench ...`: re-runs itself optimised unless it already is.
pub fn run(root: &Path, opts: &Options) -> Result<(), String> {
    if opts.smoke || !cfg!(debug_assertions) {
        return run_inner(root, opts);
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("bench: building xtask in release mode (the measured code must be optimised)...");
    let status = Command::new(cargo)
        .current_dir(root)
        .args([
            "run",
            "--release",
            "--quiet",
            "-p",
            "xtask",
            "--",
            "bench-inner",
        ])
        .args(opts.to_args())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("bench failed ({status})"))
    }
}

/// `xtask bench-inner ...` (release build): generates inputs, runs every operation, reports.
pub fn run_inner(root: &Path, opts: &Options) -> Result<(), String> {
    if cfg!(debug_assertions) {
        eprintln!("bench: warning: this is a debug build; times are not meaningful");
    }
    if opts.smoke {
        eprintln!("bench: --smoke: checking the harness and every operation, not measuring");
    }
    let target = target_dir(root);
    let data = target
        .join("bench-data")
        .join(format!("g{GENERATOR_VERSION}-seed{}", opts.seed));
    let out = opts.out.clone().unwrap_or_else(|| target.join("bench"));
    std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the xtask binary: {e}"))?;

    let machine = report::Machine::detect();
    eprintln!("bench: {}", machine.summary());
    let peers = peers::Peers::new(&target, Some(&opts.reference_dir(root)));
    let ready_peers = if opts.peers {
        peers.install()
    } else {
        Vec::new()
    };
    let mut runs = Vec::new();
    for &items in &opts.sizes {
        let files = Files::new(&data, items);
        prepare(&files, items, opts.seed)?;
        let reps = opts.reps_for(items);
        let mut rows = Vec::new();
        for op in opts.selected() {
            eprint!("bench: {items} items: {:<16}", op.name);
            let t = Instant::now();
            let one = OneArgs {
                op,
                data: data.clone(),
                items,
                reps,
            };
            let sample = run_child(&exe, &one);
            match &sample {
                Ok(s) => eprintln!(
                    " median {:.3} s ({:.0} s wall)",
                    report::median(&s.times),
                    t.elapsed().as_secs_f64()
                ),
                Err(e) => eprintln!(" FAILED: {}", e.lines().next().unwrap_or_default()),
            }
            rows.push(report::Row { op, sample });
        }
        rows.extend(peers.measure(&ready_peers, &files, reps));
        let run = report::SizeRun::new(items, reps, &files, rows);
        println!("{}", run.text_table());
        runs.push(run);
    }
    let machine = machine.finish();
    let results = report::Results {
        machine,
        seed: opts.seed,
        runs,
    };
    println!("{}", results.targets_text());
    let json = serde_json::to_vec_pretty(&results.to_json()).map_err(|e| e.to_string())?;
    let json_path = out.join("results.json");
    let md_path = out.join("results.md");
    poam_io::write_file_atomic(&json_path, &json)
        .map_err(|e| format!("{}: {e}", json_path.display()))?;
    poam_io::write_file_atomic(&md_path, results.markdown().as_bytes())
        .map_err(|e| format!("{}: {e}", md_path.display()))?;
    eprintln!(
        "bench: wrote {} and {}",
        json_path.display(),
        md_path.display()
    );
    if opts.update_docs {
        let docs = root.join(DOCS);
        let text =
            std::fs::read_to_string(&docs).map_err(|e| format!("{}: {e}", docs.display()))?;
        let updated = splice_results(&text, &results.markdown())
            .map_err(|e| format!("{}: {e}", docs.display()))?;
        poam_io::write_file_atomic(&docs, updated.as_bytes())
            .map_err(|e| format!("{}: {e}", docs.display()))?;
        eprintln!("bench: updated {}", docs.display());
    }
    Ok(())
}

/// `text` with what lies between [`DOCS_START`] and [`DOCS_END`] replaced by `results`.
fn splice_results(text: &str, results: &str) -> Result<String, String> {
    let start = text
        .find(DOCS_START)
        .ok_or_else(|| format!("no {DOCS_START} marker"))?
        + DOCS_START.len();
    let end = text[start..]
        .find(DOCS_END)
        .ok_or_else(|| format!("no {DOCS_END} marker after {DOCS_START}"))?
        + start;
    Ok(format!(
        "{}\n\n{}\n{}",
        &text[..start],
        results.trim(),
        &text[end..]
    ))
}

/// Writes the input files of one size unless they are cached.
fn prepare(files: &Files, items: u64, seed: u64) -> Result<(), String> {
    prepare_edge_cases(files, items, seed)?;
    // The scans of `poam import`: as many findings as the size says, streamed to disk.
    for (path, kind) in [
        (&files.nessus, r#gen::scan::ScanKind::Nessus),
        (&files.trivy, r#gen::scan::ScanKind::Trivy),
    ] {
        if !path.is_file() {
            r#gen::scan::write_file(kind, items, seed, path)?;
        }
    }
    let all = [
        &files.json,
        &files.yaml,
        &files.xml,
        &files.xlsx,
        &files.next_json,
    ];
    if all.iter().all(|p| p.is_file()) {
        return Ok(());
    }
    let t = Instant::now();
    eprint!("bench: generating {items} items...");
    let doc = r#gen::generate(items, seed, 1)?;
    for (path, format) in [
        (&files.json, r#gen::OutFormat::Json),
        (&files.yaml, r#gen::OutFormat::Yaml),
        (&files.xml, r#gen::OutFormat::Xml),
        (&files.xlsx, r#gen::OutFormat::Xlsx),
    ] {
        r#gen::write_to(&doc, format, path)?;
    }
    drop(doc);
    let next = r#gen::generate(items, seed, 2)?;
    r#gen::write_to(&next, r#gen::OutFormat::Json, &files.next_json)?;
    eprintln!(" {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}

/// Backslashes per item in the `backslashes` input: 40,000 in one run at 1,000 items (the
/// size that took 0.25 s when the Markdown reader was quadratic), 4,000,000 at 100,000.
const BACKSLASHES_PER_ITEM: u64 = 40;
/// The longest run in one workbook cell's text (Excel holds 32,767 characters).
const BACKSLASHES_PER_CELL: u64 = 30_000;

/// The inputs of the edge-case operations, unless cached:
///
/// - `backslashes`: the document's remarks are one run of `40 × items` backslashes, and the
///   same number again is spread over the items' descriptions in runs a workbook cell holds;
/// - `line-breaks`: see [`prepare_line_breaks`];
/// - `minified-findings`: the generated POA&M with a prop whose name is not a token in every
///   item (one finding each), written as one line.
fn prepare_edge_cases(files: &Files, items: u64, seed: u64) -> Result<(), String> {
    use serde_json::{Value, json};
    if !files.backslashes.is_file() {
        let total = items * BACKSLASHES_PER_ITEM;
        let cells = total.div_ceil(BACKSLASHES_PER_CELL);
        let doc = r#gen::generate(cells, seed, 1)?;
        let mut v = serde_json::to_value(&doc).map_err(|e| e.to_string())?;
        let poam = &mut v["plan-of-action-and-milestones"];
        let run = |n: u64| Value::String("\\".repeat(usize::try_from(n).unwrap_or(0)));
        poam["metadata"]["remarks"] = run(total);
        let mut left = total;
        if let Some(list) = poam["poam-items"].as_array_mut() {
            for item in list {
                let n = left.min(BACKSLASHES_PER_CELL);
                item["description"] = run(n.max(1));
                left -= n;
            }
        }
        let bytes = serde_json::to_vec_pretty(&v).map_err(|e| e.to_string())?;
        poam_io::write_file_atomic(&files.backslashes, &bytes)
            .map_err(|e| format!("{}: {e}", files.backslashes.display()))?;
    }
    if !files.line_breaks.is_file() {
        prepare_line_breaks(&files.line_breaks, items, seed)?;
    }
    if !files.minified.is_file() {
        let doc = r#gen::generate(items, seed, 1)?;
        let mut v = serde_json::to_value(&doc).map_err(|e| e.to_string())?;
        if let Some(list) = v["plan-of-action-and-milestones"]["poam-items"].as_array_mut() {
            for item in list {
                let finding = json!({"name": "not a token", "value": "x"});
                match item["props"].as_array_mut() {
                    Some(props) => props.push(finding),
                    None => item["props"] = json!([finding]),
                }
            }
        }
        let bytes = serde_json::to_vec(&v).map_err(|e| e.to_string())?;
        poam_io::write_file_atomic(&files.minified, &bytes)
            .map_err(|e| format!("{}: {e}", files.minified.display()))?;
    }
    Ok(())
}

/// Line breaks per item in the `line-breaks` input: 40,000 in one run at 1,000 items (the
/// size that took 3 s to normalize when trimming them from a paragraph's start was quadratic).
const LINE_BREAKS_PER_ITEM: u64 = 40;

/// `line-breaks`: OSCAL XML whose remarks paragraph starts with a run of `40 × items`
/// `<br/>`, and every item's description with a run of as many as a workbook cell would hold
/// in Markdown (`\` and a line feed each). Written from a marker, since Markdown cannot
/// start a paragraph with a line break.
fn prepare_line_breaks(path: &Path, items: u64, seed: u64) -> Result<(), String> {
    const MARKER: &str = "poam-bench-line-breaks";
    let total = items * LINE_BREAKS_PER_ITEM;
    let per_cell = BACKSLASHES_PER_CELL / 2;
    let cells = total.div_ceil(per_cell);
    let doc = r#gen::generate(cells, seed, 1)?;
    let mut v = serde_json::to_value(&doc).map_err(|e| e.to_string())?;
    let poam = &mut v["plan-of-action-and-milestones"];
    poam["metadata"]["remarks"] = format!("{MARKER}-remarks").into();
    if let Some(list) = poam["poam-items"].as_array_mut() {
        for item in list {
            item["description"] = format!("{MARKER}-description").into();
        }
    }
    let doc: poam_model::Document = serde_json::from_value(v).map_err(|e| e.to_string())?;
    let xml = poam_io::write(&doc, poam_io::Format::Xml).map_err(|e| e.to_string())?;
    let xml = String::from_utf8(xml).map_err(|e| e.to_string())?;
    let run = |n: u64| format!("{}x", "<br/>".repeat(usize::try_from(n).unwrap_or(0)));
    let xml = xml
        .replace(&format!("{MARKER}-remarks"), &run(total))
        .replace(&format!("{MARKER}-description"), &run(per_cell));
    poam_io::write_file_atomic(path, xml.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))
}

/// The marker before the child's result line.
const RESULT_MARK: &str = "BENCH-RESULT ";

/// What `bench` tells its child for one operation: the arguments of `xtask bench-one`, built
/// by [`OneArgs::to_args`] and parsed by clap, so that both sides share one type.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct OneArgs {
    /// The operation.
    #[arg(value_name = "OP", value_parser = op_named)]
    pub op: &'static Op,
    /// The folder of the generated inputs.
    #[arg(value_name = "DATA-DIR")]
    pub data: PathBuf,
    /// The size whose inputs to use.
    #[arg(value_name = "ITEMS")]
    pub items: u64,
    /// Repetitions.
    #[arg(value_name = "REPS", value_parser = crate::args::positive_usize)]
    pub reps: usize,
}

impl OneArgs {
    /// The command line after `bench-one` that parses back into `self`.
    fn to_args(&self) -> Vec<OsString> {
        vec![
            self.op.name.into(),
            self.data.clone().into(),
            self.items.to_string().into(),
            self.reps.to_string().into(),
        ]
    }
}

/// Runs one operation in a child process and parses what it reports.
fn run_child(exe: &Path, one: &OneArgs) -> Result<Sample, String> {
    let output = Command::new(exe)
        .arg("bench-one")
        .args(one.to_args())
        .output()
        .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().find_map(|l| l.strip_prefix(RESULT_MARK));
    if let (true, Some(line)) = (output.status.success(), line) {
        report::parse_sample(line)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(format!("{} {}", output.status, stderr.trim()))
    }
}

/// `xtask bench-one OP DATA-DIR ITEMS REPS`: the child side.
pub fn run_one(one: &OneArgs) -> Result<(), String> {
    let files = Files::new(&one.data, one.items);
    let sample = ops::run_one(one.op, &files, one.reps)?;
    println!("{RESULT_MARK}{}", report::sample_json(&sample));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Options, String> {
        let args: Vec<&str> = s.split_whitespace().collect();
        crate::args::parse::<Options>(&args).map_err(|e| e.to_string())
    }

    #[test]
    fn options_parse_sizes_and_ops() -> Result<(), String> {
        let o = parse("--sizes 1000,10_000 --reps 2 --ops json-read,xml-read")?;
        assert_eq!(o.sizes, vec![1000, 10_000]);
        assert_eq!(o.reps_for(100_000), 2);
        let names: Vec<&str> = o.selected().iter().map(|op| op.name).collect();
        assert_eq!(names, ["json-scan", "json-read", "xml-scan", "xml-read"]);
        assert!(parse("--sizes 10,x").is_err());
        assert!(parse("--ops nope").is_err());
        assert!(parse("--reps 0").is_err());
        assert!(
            parse("--smoke --update-docs").is_err(),
            "smoke times are not meaningful"
        );
        assert!(parse("--update-docs")?.update_docs);
        let p = parse("--peers --reference /r")?;
        assert!(p.peers);
        assert_eq!(p.reference_dir(Path::new("/x")), PathBuf::from("/r"));
        let d = parse("")?;
        assert_eq!(d.sizes, vec![1000, 10_000, 100_000]);
        assert_eq!(
            d.reference_dir(Path::new("/x")),
            PathBuf::from("/x/../shared/reference")
        );
        assert_eq!((d.reps_for(10_000), d.reps_for(100_000)), (5, 3));
        Ok(())
    }

    #[test]
    fn the_children_parse_what_the_parent_passes() -> Result<(), String> {
        for line in [
            "",
            "--sizes 1000 --reps 1 --smoke",
            "--sizes 5,6 --seed 3 --out o --ops validate,json-read --update-docs",
            "--peers --reference /r",
        ] {
            let o = parse(line)?;
            let args = o.to_args();
            let again = crate::args::parse::<Options>(&args).map_err(|e| e.to_string())?;
            assert_eq!(again, o, "{line:?}");
        }
        let one = OneArgs {
            op: op_named("xml-read")?,
            data: PathBuf::from("bench data"),
            items: 1000,
            reps: 3,
        };
        let again = crate::args::parse::<OneArgs>(&one.to_args()).map_err(|e| e.to_string())?;
        assert_eq!(again, one);
        Ok(())
    }

    #[test]
    fn results_go_between_the_markers_and_nowhere_else() -> Result<(), String> {
        let doc = format!("# B\n\nintro\n\n{DOCS_START}\nold table\n{DOCS_END}\n\nafter\n");
        let once = splice_results(&doc, "## new\n\n| a |\n")?;
        assert_eq!(
            once,
            format!("# B\n\nintro\n\n{DOCS_START}\n\n## new\n\n| a |\n{DOCS_END}\n\nafter\n")
        );
        assert_eq!(
            splice_results(&once, "## new\n\n| a |\n")?,
            once,
            "idempotent"
        );
        assert!(splice_results("no markers", "x").is_err());
        assert!(splice_results(&format!("{DOCS_END} {DOCS_START}"), "x").is_err());
        Ok(())
    }

    #[test]
    fn every_floor_names_an_operation() {
        for op in OPS {
            if let Some(f) = op.floor {
                assert!(ops::find(f).is_some(), "{} has unknown floor {f}", op.name);
            }
        }
    }

    #[test]
    fn every_operation_runs_on_a_small_document() -> Result<(), String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let files = Files::new(dir.path(), 20);
        prepare(&files, 20, 1)?;
        for op in OPS {
            let s = ops::run_one(op, &files, 2).map_err(|e| format!("{}: {e}", op.name))?;
            assert_eq!(s.times.len(), 2, "{}", op.name);
            assert_eq!(s.cpu_times.len(), 2, "{}: CPU time from /proc", op.name);
            assert!(s.hwm_kib > 0, "{}", op.name);
            if op.output_rate {
                assert!(
                    s.out_bytes > 1000,
                    "{} wrote {} bytes",
                    op.name,
                    s.out_bytes
                );
            }
        }
        Ok(())
    }
}
