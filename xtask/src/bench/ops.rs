//! The measured operations, and the child process that runs one of them.
//!
//! Each operation runs in a child process of its own (`xtask bench-one OP ...`), so that its
//! peak resident memory (`VmHWM` from `/proc/self/status`, read just before the child exits)
//! is its own and not the high-water mark of everything measured before it. The child loads
//! its inputs untimed, then times `reps` repetitions of the operation alone; dropping the
//! result is not timed (a CLI can exit without freeing).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use poam_io::{Format, SourceName};
use poam_model::Document;

use crate::r#gen;

/// Which input file an operation reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Json,
    Yaml,
    Xml,
    Xlsx,
    /// Cycle 2 of the same POA&M in JSON (with cycle 1 as the old/base document).
    Cycles,
    /// A POA&M whose text is runs of backslashes, one run growing with the size.
    Backslashes,
    /// An OSCAL XML POA&M whose markup starts with runs of `<br/>`, one run growing with the size.
    LineBreaks,
    /// The POA&M in minified JSON (one line), with a finding in every item.
    MinifiedFindings,
    /// A `.nessus` scan of as many findings as the size says (`cargo xtask gen-scan`).
    Nessus,
    /// A Trivy JSON report of as many findings as the size says.
    Trivy,
}

/// One benchmarked operation.
#[derive(Debug, PartialEq, Eq)]
pub struct Op {
    /// Name on the command line and in the results.
    pub name: &'static str,
    /// What the table calls it.
    pub label: &'static str,
    pub input: Input,
    /// The floor this operation is compared with, by name (`None` for floors).
    pub floor: Option<&'static str>,
    /// Whether MB/s is computed from the output size (writers) rather than the input's.
    pub output_rate: bool,
}

macro_rules! op {
    ($name:literal, $label:literal, $input:ident, $floor:expr, $out:literal) => {
        Op {
            name: $name,
            label: $label,
            input: Input::$input,
            floor: $floor,
            output_rate: $out,
        }
    };
}

/// Every operation, in table order: floors first within each format.
pub const OPS: &[Op] = &[
    op!("read-bytes", "read file bytes (floor)", Json, None, false),
    op!(
        "json-scan",
        "JSON syntax-only scan, IgnoredAny (floor)",
        Json,
        None,
        false
    ),
    op!(
        "json-value",
        "JSON serde_json::Value parse + write (baseline)",
        Json,
        None,
        false
    ),
    op!("json-read", "JSON read", Json, Some("json-scan"), false),
    op!("json-write", "JSON write", Json, Some("json-scan"), true),
    op!(
        "json-roundtrip",
        "JSON read + write",
        Json,
        Some("json-value"),
        false
    ),
    op!(
        "yaml-scan",
        "YAML syntax-only scan, IgnoredAny (floor)",
        Yaml,
        None,
        false
    ),
    op!("yaml-read", "YAML read", Yaml, Some("yaml-scan"), false),
    op!("yaml-write", "YAML write", Yaml, Some("yaml-scan"), true),
    op!(
        "xml-scan",
        "XML bare quick-xml event scan (floor)",
        Xml,
        None,
        false
    ),
    op!("xml-read", "XML read", Xml, Some("xml-scan"), false),
    op!("xml-write", "XML write", Xml, Some("xml-scan"), true),
    op!("json-to-xml", "JSON -> XML", Json, Some("json-scan"), false),
    op!("xml-to-json", "XML -> JSON", Xml, Some("xml-scan"), false),
    op!(
        "validate",
        "validate JSON, OSCAL",
        Json,
        Some("json-scan"),
        false
    ),
    op!(
        "validate-fedramp",
        "validate JSON, OSCAL + FedRAMP",
        Json,
        Some("json-scan"),
        false
    ),
    op!(
        "xlsx-scan",
        "workbook bare calamine cell read (floor)",
        Xlsx,
        None,
        false
    ),
    op!(
        "xlsx-import",
        "workbook import",
        Xlsx,
        Some("xlsx-scan"),
        false
    ),
    op!(
        "xlsx-export",
        "workbook export",
        Xlsx,
        Some("xlsx-scan"),
        true
    ),
    op!("diff", "diff of two monthly cycles", Cycles, None, false),
    op!("merge", "merge of a monthly update", Cycles, None, false),
    op!(
        "report",
        "report: computation + HTML page (one cycle)",
        Json,
        None,
        false
    ),
    op!(
        "backslashes",
        "runs of backslashes: JSON read, written and read as JSON, YAML, XML, workbook",
        Backslashes,
        None,
        true
    ),
    op!(
        "line-breaks",
        "runs of <br/> in XML markup: XML read, written and read as JSON, YAML, XML, workbook",
        LineBreaks,
        None,
        true
    ),
    op!(
        "validate-minified",
        "validate minified JSON, a finding per item, each shown with its line (human output)",
        MinifiedFindings,
        None,
        false
    ),
    op!(
        "nessus-scan",
        "scan: .nessus bare quick-xml event scan, streamed (floor)",
        Nessus,
        None,
        false
    ),
    op!(
        "nessus-read",
        "scan: .nessus read into findings",
        Nessus,
        Some("nessus-scan"),
        false
    ),
    op!(
        "nessus-import",
        "scan: .nessus import (read, group, build the POA&M)",
        Nessus,
        Some("nessus-scan"),
        false
    ),
    op!(
        "trivy-scan",
        "scan: Trivy JSON syntax-only scan, IgnoredAny (floor)",
        Trivy,
        None,
        false
    ),
    op!(
        "trivy-import",
        "scan: Trivy JSON import (read, group, build the POA&M)",
        Trivy,
        Some("trivy-scan"),
        false
    ),
];

/// Finds an operation by name.
pub fn find(name: &str) -> Option<&'static Op> {
    OPS.iter().find(|o| o.name == name)
}

/// The input files of one size, as the parent wrote them.
#[derive(Debug, Clone)]
pub struct Files {
    pub json: PathBuf,
    pub yaml: PathBuf,
    pub xml: PathBuf,
    pub xlsx: PathBuf,
    /// Cycle 2 in JSON.
    pub next_json: PathBuf,
    /// [`Input::Backslashes`], JSON.
    pub backslashes: PathBuf,
    /// [`Input::LineBreaks`], XML.
    pub line_breaks: PathBuf,
    /// [`Input::MinifiedFindings`].
    pub minified: PathBuf,
    /// [`Input::Nessus`].
    pub nessus: PathBuf,
    /// [`Input::Trivy`].
    pub trivy: PathBuf,
}

impl Files {
    /// The files of `items` items in `dir`.
    pub fn new(dir: &Path, items: u64) -> Self {
        Self {
            json: dir.join(format!("poam-{items}.json")),
            yaml: dir.join(format!("poam-{items}.yaml")),
            xml: dir.join(format!("poam-{items}.xml")),
            xlsx: dir.join(format!("poam-{items}.xlsx")),
            next_json: dir.join(format!("poam-{items}-cycle2.json")),
            backslashes: dir.join(format!("backslashes-{items}.json")),
            line_breaks: dir.join(format!("line-breaks-{items}.xml")),
            minified: dir.join(format!("minified-findings-{items}.json")),
            nessus: dir.join(format!("scan-{items}.nessus")),
            trivy: dir.join(format!("scan-{items}.trivy.json")),
        }
    }

    /// The file an input kind names (for [`Input::Cycles`], the old cycle).
    pub fn of(&self, input: Input) -> &Path {
        match input {
            Input::Json | Input::Cycles => &self.json,
            Input::Yaml => &self.yaml,
            Input::Xml => &self.xml,
            Input::Xlsx => &self.xlsx,
            Input::Backslashes => &self.backslashes,
            Input::LineBreaks => &self.line_breaks,
            Input::MinifiedFindings => &self.minified,
            Input::Nessus => &self.nessus,
            Input::Trivy => &self.trivy,
        }
    }
}

/// What the child reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Seconds per repetition (wall clock).
    pub times: Vec<f64>,
    /// CPU seconds (user + system, all threads) per repetition, at the kernel's 10 ms
    /// resolution; empty where unknown. Unlike wall time, it barely grows when other
    /// processes compete for the cores, so a busy machine's run stays readable.
    pub cpu_times: Vec<f64>,
    /// Bytes the operation produced (0 for readers).
    pub out_bytes: u64,
    /// Peak resident set size of the child, KiB.
    pub hwm_kib: u64,
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn load(bytes: &[u8], path: &Path, format: Format) -> Result<Document, String> {
    poam_io::read(bytes, &SourceName::path(path), Some(format)).map_err(|e| e.to_string())
}

fn write(doc: &Document, format: Format) -> Result<Vec<u8>, String> {
    poam_io::write(doc, format).map_err(|e| e.to_string())
}

/// The clocks of `reps` runs: see [`Sample`].
struct Timing {
    times: Vec<f64>,
    cpu_times: Vec<f64>,
    out_bytes: u64,
}

/// Times `reps` runs of `f` (wall and CPU); `size` tells the output size of a result.
/// Results are dropped after the clocks stop.
fn time<R>(
    reps: usize,
    mut f: impl FnMut() -> Result<R, String>,
    size: impl Fn(&R) -> u64,
) -> Result<Timing, String> {
    let mut times = Vec::with_capacity(reps);
    let mut cpu_times = Vec::with_capacity(reps);
    let mut out = 0;
    for _ in 0..reps.max(1) {
        let cpu = cpu_seconds();
        let t = Instant::now();
        let r = black_box(f()?);
        times.push(t.elapsed().as_secs_f64());
        if let (Some(before), Some(after)) = (cpu, cpu_seconds()) {
            cpu_times.push(after - before);
        }
        out = size(&r);
        drop(r);
    }
    if cpu_times.len() != times.len() {
        cpu_times.clear();
    }
    Ok(Timing {
        times,
        cpu_times,
        out_bytes: out,
    })
}

/// CPU time this process has used so far (user + system, every thread, living or ended),
/// from `/proc/self/stat`, in seconds.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at field 3; utime and
    // stime are fields 14 and 15, in clock ticks of 1/100 s (USER_HZ on Linux).
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    #[allow(clippy::cast_precision_loss, reason = "ticks of a benchmark run")]
    Some((utime + stime) as f64 / 100.0)
}

fn no_size<R>(_: &R) -> u64 {
    0
}

fn len(v: &impl AsRef<[u8]>) -> u64 {
    v.as_ref().len() as u64
}

/// Runs `op` `reps` times on `files` in this process and reports the times and this
/// process's peak memory.
pub fn run_one(op: &Op, files: &Files, reps: usize) -> Result<Sample, String> {
    let path = files.of(op.input);
    let timing = match op.name {
        "read-bytes" => time(reps, || read(path), len)?,
        "json-scan" | "trivy-scan" => json_scan(path, reps)?,
        "json-value" => json_value(path, reps)?,
        "json-read" | "yaml-read" | "xml-read" => read_document(op, path, reps)?,
        "json-write" | "yaml-write" | "xml-write" => write_document(op, path, reps)?,
        "json-roundtrip" => convert(path, Format::Json, Format::Json, reps)?,
        "json-to-xml" => convert(path, Format::Json, Format::Xml, reps)?,
        "xml-to-json" => convert(path, Format::Xml, Format::Json, reps)?,
        "yaml-scan" => {
            let bytes = read(path)?;
            let text = std::str::from_utf8(&bytes).map_err(|e| e.to_string())?;
            time(reps, || yaml_scan(text), no_size)?
        }
        "xml-scan" => {
            let bytes = read(path)?;
            time(reps, || xml_scan(&bytes), no_size)?
        }
        "validate" => validate(path, poam_validate::Profile::Oscal, reps)?,
        "validate-fedramp" => validate(path, poam_validate::Profile::Fedramp, reps)?,
        "xlsx-scan" => {
            let bytes = read(path)?;
            time(reps, || xlsx_scan(&bytes), no_size)?
        }
        "xlsx-import" => xlsx_import(path, reps)?,
        "xlsx-export" => xlsx_export(files, reps)?,
        "diff" => diff(files, reps)?,
        "merge" => merge(files, reps)?,
        "report" => report(files, reps)?,
        "backslashes" => {
            let bytes = read(path)?;
            time(reps, || every_format(&bytes, path, Format::Json), |n| *n)?
        }
        "line-breaks" => {
            let bytes = read(path)?;
            time(reps, || every_format(&bytes, path, Format::Xml), |n| *n)?
        }
        "nessus-scan" => {
            let bytes = read(path)?;
            time(reps, || xml_stream_scan(&bytes), no_size)?
        }
        "nessus-read" => {
            let bytes = read(path)?;
            time(reps, || read_scan(&bytes), |s| s.findings.len() as u64)?
        }
        "nessus-import" | "trivy-import" => {
            let bytes = read(path)?;
            time(reps, || import_scan(&bytes), |n| *n)?
        }
        "validate-minified" => {
            let bytes = read(path)?;
            let text = std::str::from_utf8(&bytes).map_err(|e| e.to_string())?;
            let name = SourceName::path(path);
            time(reps, || validate_and_show(text, &name), |n| *n)?
        }
        other => return Err(format!("unknown operation {other:?}")),
    };
    Ok(Sample {
        times: timing.times,
        cpu_times: timing.cpu_times,
        out_bytes: timing.out_bytes,
        hwm_kib: peak_rss_kib().unwrap_or(0),
    })
}

fn json_scan(path: &Path, reps: usize) -> Result<Timing, String> {
    let bytes = read(path)?;
    time(
        reps,
        || serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).map_err(|e| e.to_string()),
        no_size,
    )
}

fn json_value(path: &Path, reps: usize) -> Result<Timing, String> {
    let bytes = read(path)?;
    time(
        reps,
        || {
            let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
            let mut out = Vec::with_capacity(bytes.len());
            serde_json::to_writer_pretty(&mut out, &v).map_err(|e| e.to_string())?;
            Ok((v, out))
        },
        |(_, out)| out.len() as u64,
    )
}

fn read_document(op: &Op, path: &Path, reps: usize) -> Result<Timing, String> {
    let format = format_of(op.input);
    let bytes = read(path)?;
    time(reps, || load(&bytes, path, format), no_size)
}

fn write_document(op: &Op, path: &Path, reps: usize) -> Result<Timing, String> {
    let format = format_of(op.input);
    let doc = load(&read(path)?, path, format)?;
    time(reps, || write(&doc, format), len)
}

/// Reads `from` and writes `to` (the same format: a round trip).
fn convert(path: &Path, from: Format, to: Format, reps: usize) -> Result<Timing, String> {
    let bytes = read(path)?;
    time(
        reps,
        || {
            let doc = load(&bytes, path, from)?;
            let out = write(&doc, to)?;
            Ok((doc, out))
        },
        |(_, out)| out.len() as u64,
    )
}

fn validate(path: &Path, profile: poam_validate::Profile, reps: usize) -> Result<Timing, String> {
    let bytes = read(path)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| e.to_string())?;
    let opts = poam_validate::Options {
        profile,
        as_of: r#gen::as_of(1),
        ssp: None,
        schema: None,
    };
    let name = SourceName::path(path);
    time(
        reps,
        || {
            poam_validate::validate_text(text, Format::Json, &name, &opts)
                .map_err(|e| e.to_string())
        },
        |v| v.diagnostics.len() as u64,
    )
}

fn xlsx_import(path: &Path, reps: usize) -> Result<Timing, String> {
    let bytes = read(path)?;
    let name = path.display().to_string();
    let options = poam_xlsx::ReadOptions::default();
    time(
        reps,
        || poam_xlsx::import(&bytes, &name, &options).map_err(|e| e.to_string()),
        no_size,
    )
}

fn xlsx_export(files: &Files, reps: usize) -> Result<Timing, String> {
    let doc = load(&read(&files.json)?, &files.json, Format::Json)?;
    time(
        reps,
        || {
            poam_xlsx::export(&doc)
                .map(|e| e.bytes)
                .map_err(|e| e.to_string())
        },
        len,
    )
}

/// Cycle 1 and cycle 2 of the POA&M.
fn cycles(files: &Files) -> Result<(Document, Document), String> {
    let old = load(&read(&files.json)?, &files.json, Format::Json)?;
    let new = load(&read(&files.next_json)?, &files.next_json, Format::Json)?;
    Ok((old, new))
}

fn diff(files: &Files, reps: usize) -> Result<Timing, String> {
    use poam_cycle::Reporter;
    let (old, new) = cycles(files)?;
    time(
        reps,
        || {
            let d = poam_cycle::diff(&old, "cycle-1", &new, "cycle-2");
            Ok(poam_cycle::Human.render(&d))
        },
        |report| report.len() as u64,
    )
}

fn merge(files: &Files, reps: usize) -> Result<Timing, String> {
    let (base, next) = cycles(files)?;
    let options = poam_cycle::Options {
        as_of: chrono::DateTime::parse_from_rfc3339(&r#gen::date_time(r#gen::as_of(2), 0, false))
            .map_err(|e| format!("merge as-of: {e}"))?,
        complete: false,
        prefer: Some(poam_cycle::Prefer::Last),
        force: false,
    };
    let updates = [poam_cycle::Update {
        name: "cycle-2",
        document: &next,
    }];
    time(
        reps,
        || poam_cycle::merge(&base, &updates, &options).map_err(|e| e.to_string()),
        |o| o.document.plan_of_action_and_milestones.poam_items.len() as u64,
    )
}

/// One cycle's report: the computation and the HTML page (the heaviest rendering).
fn report(files: &Files, reps: usize) -> Result<Timing, String> {
    let doc = load(&read(&files.json)?, &files.json, Format::Json)?;
    let inputs = [poam_report::Input {
        source: "cycle-1",
        doc: &doc,
    }];
    time(
        reps,
        || {
            poam_report::compute(&inputs, &poam_report::Options::default())
                .map(|r| poam_report::html(&r))
                .map_err(|e| e.to_string())
        },
        |page| page.len() as u64,
    )
}

/// The JSON in `bytes` read, then written and read again in every format (a workbook too):
/// the bytes written.
fn every_format(bytes: &[u8], path: &Path, from: Format) -> Result<u64, String> {
    let doc = load(bytes, path, from)?;
    let mut written = 0;
    for format in [Format::Json, Format::Yaml, Format::Xml] {
        let out = write(&doc, format)?;
        written += len(&out);
        black_box(load(&out, path, format)?);
    }
    let book = poam_xlsx::export(&doc).map_err(|e| e.to_string())?;
    written += len(&book.bytes);
    let name = path.display().to_string();
    let options = poam_xlsx::ReadOptions::default();
    black_box(poam_xlsx::import(&book.bytes, &name, &options).map_err(|e| e.to_string())?);
    Ok(written)
}

/// What `poam validate` does for its human output: validate, place every finding (one scan
/// for all of them) and cut the excerpt of its line around the place (the CLI shows at most
/// 100 characters of a line). Returns the findings shown.
fn validate_and_show(text: &str, name: &SourceName) -> Result<u64, String> {
    let opts = poam_validate::Options {
        profile: poam_validate::Profile::Oscal,
        as_of: r#gen::as_of(1),
        ssp: None,
        schema: None,
    };
    let v =
        poam_validate::validate_text(text, Format::Json, name, &opts).map_err(|e| e.to_string())?;
    let places = poam_io::locate::locate_all(
        text,
        Format::Json,
        v.diagnostics.iter().map(|d| d.pointer.as_str()),
    );
    let lines = poam_io::locate::LineIndex::new(text);
    let mut shown = 0;
    for d in &v.diagnostics {
        let Some(at) = places.get(&d.pointer) else {
            continue;
        };
        let (Some(line), Some(start), Some(offset)) = (
            lines.line(at.line),
            lines.offset(poam_io::Position {
                line: at.line,
                column: 1,
            }),
            lines.offset(*at),
        ) else {
            continue;
        };
        let caret = offset.saturating_sub(start).min(line.len());
        let Some((before, after)) = line.split_at_checked(caret) else {
            continue;
        };
        let excerpt: String = before
            .chars()
            .rev()
            .take(50)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .chain(after.chars().take(50))
            .collect();
        black_box(format!("{}: {}\n | {excerpt}", d.pointer, d.message));
        shown += 1;
    }
    Ok(shown)
}

fn format_of(input: Input) -> Format {
    match input {
        Input::Json
        | Input::Cycles
        | Input::Backslashes
        | Input::MinifiedFindings
        | Input::Trivy => Format::Json,
        Input::Yaml => Format::Yaml,
        Input::Xml | Input::Xlsx | Input::LineBreaks | Input::Nessus => Format::Xml,
    }
}

/// A scan read as `poam import` reads a file: streamed from a `BufRead` (here the bytes in
/// memory, so no disk time is measured).
fn read_scan(bytes: &[u8]) -> Result<poam_import::Scan, String> {
    poam_import::read_from(bytes).map_err(|e| e.to_string())
}

/// What `poam import SCAN -o new.json` computes before writing: the scan read, its findings
/// grouped into weaknesses, the POA&M built. Returns the items built.
fn import_scan(bytes: &[u8]) -> Result<u64, String> {
    let scan = read_scan(bytes)?;
    let weaknesses: Vec<_> =
        poam_import::group(scan.findings.iter(), poam_import::Grouping::Weakness)
            .into_iter()
            .filter(|w| w.severity >= poam_import::Severity::Low)
            .collect();
    let opts = poam_import::BuildOptions::new(r#gen::as_of(1));
    let doc = poam_import::build_document(&weaknesses, &opts);
    Ok(doc.plan_of_action_and_milestones.poam_items.len() as u64)
}

/// Counts quick-xml events read into one reused buffer from a `BufRead`: the floor of a
/// streaming reader (events cannot borrow a file that is not in memory), with nothing
/// decoded.
fn xml_stream_scan(bytes: &[u8]) -> Result<u64, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(bytes);
    reader.config_mut().trim_text(false);
    let mut buf = Vec::with_capacity(4096);
    let mut events = 0u64;
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) => return Ok(events),
            Ok(_) => events += 1,
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// YAML parsed into `IgnoredAny`: the parser's cost without building anything, with the
/// same limits as `poam_io` (large documents exceed serde-saphyr's defaults).
fn yaml_scan(text: &str) -> Result<serde::de::IgnoredAny, String> {
    let mut options = serde_saphyr::Options::default();
    options.budget = None;
    serde_saphyr::from_str_with_options(text, options).map_err(|e| e.to_string())
}

/// Counts quick-xml events over the text: borrowed events, so no allocation and no decoding
/// of text or attributes (the reader in `poam_io` starts from the same `Reader::from_str`).
fn xml_scan(bytes: &[u8]) -> Result<u64, String> {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut events = 0u64;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return Ok(events),
            Ok(_) => events += 1,
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// Reads every cell of every sheet with calamine and counts the non-empty ones: the cost
/// of unzipping and parsing the sheets' XML and shared strings, with no interpretation.
fn xlsx_scan(bytes: &[u8]) -> Result<u64, String> {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut cells = 0u64;
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| e.to_string())?;
        cells += range.used_cells().count() as u64;
    }
    Ok(cells)
}

/// This process's peak resident set size (`VmHWM`), KiB.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
