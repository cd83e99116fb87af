//! Results of a benchmark run: the tables (text and Markdown), the JSON record, the machine
//! it ran on, and the targets checked against the numbers.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::ops::{Files, Op, Sample};

/// The median of `xs` (mean of the middle two for an even count); 0 for none.
pub fn median(xs: &[f64]) -> f64 {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => f64::midpoint(v[n / 2 - 1], v[n / 2]),
    }
}

/// The child's result line.
pub fn sample_json(s: &Sample) -> String {
    json!({"times": s.times, "cpu_times": s.cpu_times, "out_bytes": s.out_bytes, "hwm_kib": s.hwm_kib})
        .to_string()
}

/// Parses [`sample_json`]'s output.
pub fn parse_sample(line: &str) -> Result<Sample, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("bad child output: {e}"))?;
    let times = v["times"]
        .as_array()
        .ok_or("bad child output: no times")?
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    let cpu_times = v["cpu_times"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    Ok(Sample {
        times,
        cpu_times,
        out_bytes: v["out_bytes"].as_u64().unwrap_or(0),
        hwm_kib: v["hwm_kib"].as_u64().unwrap_or(0),
    })
}

/// The machine a run was on, and how busy it was.
#[derive(Debug, Clone)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory: String,
    pub rustc: String,
    pub os: String,
    pub load_before: String,
    /// When the run started (UTC).
    pub started: String,
    pub load_after: String,
}

fn first_line_with(path: &str, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "unknown".into(),
        |s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
    )
}

impl Machine {
    pub fn detect() -> Self {
        let rustc =
            std::process::Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
                .arg("-V")
                .output()
                .ok()
                .map_or_else(
                    || "unknown".into(),
                    |o| String::from_utf8_lossy(&o.stdout).trim().to_owned(),
                );
        let memory = first_line_with("/proc/meminfo", "MemTotal")
            .and_then(|v| v.trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or_else(
                || "unknown".into(),
                |kib| format!("{:.1} GiB", kib / 1024.0 / 1024.0),
            );
        let os = std::fs::read_to_string("/proc/sys/kernel/osrelease").map_or_else(
            |_| std::env::consts::OS.to_owned(),
            |s| format!("Linux {}", s.trim()),
        );
        Self {
            cpu: first_line_with("/proc/cpuinfo", "model name").unwrap_or_else(|| "unknown".into()),
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            memory,
            rustc,
            os,
            load_before: load_average(),
            started: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
            load_after: String::new(),
        }
    }

    /// Records the load at the end of the run.
    pub fn finish(mut self) -> Self {
        self.load_after = load_average();
        self
    }

    pub fn summary(&self) -> String {
        format!(
            "{} ({} cores), {} RAM, {}, {}; load average {}",
            self.cpu, self.cores, self.memory, self.os, self.rustc, self.load_before
        )
    }
}

/// One operation's outcome at one size.
#[derive(Debug)]
pub struct Row {
    pub op: &'static Op,
    pub sample: Result<Sample, String>,
}

/// Every operation at one size.
#[derive(Debug)]
pub struct SizeRun {
    pub items: u64,
    pub reps: usize,
    pub json_bytes: u64,
    pub yaml_bytes: u64,
    pub xml_bytes: u64,
    pub xlsx_bytes: u64,
    pub next_json_bytes: u64,
    pub backslashes_bytes: u64,
    pub line_breaks_bytes: u64,
    pub minified_bytes: u64,
    /// The scans of `poam import` (as many findings as the size says).
    pub nessus_bytes: u64,
    pub trivy_bytes: u64,
    pub rows: Vec<Row>,
}

fn file_len(p: &std::path::Path) -> u64 {
    std::fs::metadata(p).map_or(0, |m| m.len())
}

/// Derived numbers of one row.
struct Figures {
    median: f64,
    /// Median CPU time, when the child could tell.
    cpu: Option<f64>,
    mb_per_s: f64,
    items_per_s: f64,
    rss_mib: f64,
    rss_over_input: f64,
    over_floor: Option<f64>,
}

fn seconds(s: f64) -> String {
    if s < 1e-3 {
        format!("{:.0} µs", s * 1e6)
    } else if s < 1.0 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{s:.2} s")
    }
}

impl SizeRun {
    pub fn new(items: u64, reps: usize, files: &Files, rows: Vec<Row>) -> Self {
        Self {
            items,
            reps,
            json_bytes: file_len(&files.json),
            yaml_bytes: file_len(&files.yaml),
            xml_bytes: file_len(&files.xml),
            xlsx_bytes: file_len(&files.xlsx),
            next_json_bytes: file_len(&files.next_json),
            backslashes_bytes: file_len(&files.backslashes),
            line_breaks_bytes: file_len(&files.line_breaks),
            minified_bytes: file_len(&files.minified),
            nessus_bytes: file_len(&files.nessus),
            trivy_bytes: file_len(&files.trivy),
            rows,
        }
    }

    fn input_bytes(&self, op: &Op) -> u64 {
        use super::ops::Input;
        match op.input {
            Input::Json | Input::Cycles => self.json_bytes,
            Input::Yaml => self.yaml_bytes,
            Input::Xml => self.xml_bytes,
            Input::Xlsx => self.xlsx_bytes,
            Input::Backslashes => self.backslashes_bytes,
            Input::LineBreaks => self.line_breaks_bytes,
            Input::MinifiedFindings => self.minified_bytes,
            Input::Nessus => self.nessus_bytes,
            Input::Trivy => self.trivy_bytes,
        }
    }

    /// The median time of operation `name`, when it ran.
    pub fn median_of(&self, name: &str) -> Option<f64> {
        self.rows
            .iter()
            .find(|r| r.op.name == name)
            .and_then(|r| r.sample.as_ref().ok())
            .map(|s| median(&s.times))
    }

    /// The peak RSS of operation `name` in bytes, when it ran.
    pub fn rss_of(&self, name: &str) -> Option<u64> {
        self.rows
            .iter()
            .find(|r| r.op.name == name)
            .and_then(|r| r.sample.as_ref().ok())
            .map(|s| s.hwm_kib * 1024)
    }

    fn figures(&self, row: &Row) -> Option<Figures> {
        let s = row.sample.as_ref().ok()?;
        let median = median(&s.times);
        let input = self.input_bytes(row.op);
        let moved = if row.op.output_rate {
            s.out_bytes
        } else {
            input
        };
        let per = |x: f64| if median > 0.0 { x / median } else { 0.0 };
        Some(Figures {
            median,
            cpu: (!s.cpu_times.is_empty()).then(|| self::median(&s.cpu_times)),
            mb_per_s: per(moved as f64 / 1e6),
            items_per_s: per(self.items as f64),
            rss_mib: s.hwm_kib as f64 / 1024.0,
            rss_over_input: if input > 0 {
                (s.hwm_kib * 1024) as f64 / input as f64
            } else {
                0.0
            },
            over_floor: row
                .op
                .floor
                .and_then(|f| self.median_of(f))
                .filter(|f| *f > 0.0)
                .map(|f| median / f),
        })
    }

    fn heading(&self) -> String {
        format!(
            "{} items (JSON {:.1} MB, YAML {:.1} MB, XML {:.1} MB, workbook {:.1} MB; scans of as many findings: .nessus {:.1} MB, Trivy {:.1} MB; median of {})",
            self.items,
            self.json_bytes as f64 / 1e6,
            self.yaml_bytes as f64 / 1e6,
            self.xml_bytes as f64 / 1e6,
            self.xlsx_bytes as f64 / 1e6,
            self.nessus_bytes as f64 / 1e6,
            self.trivy_bytes as f64 / 1e6,
            self.reps
        )
    }

    /// The table for the terminal.
    pub fn text_table(&self) -> String {
        let mut t = format!("\n{}\n", self.heading());
        let _ = writeln!(
            t,
            "{:<48} {:>10} {:>10} {:>9} {:>11} {:>10} {:>9} {:>8}",
            "operation", "median", "CPU", "MB/s", "items/s", "peak RSS", "RSS/file", "x floor"
        );
        for row in &self.rows {
            if let Some(f) = self.figures(row) {
                let _ = writeln!(
                    t,
                    "{:<48} {:>10} {:>10} {:>9.1} {:>11.0} {:>7.1} MiB {:>8.2}x {:>8}",
                    row.op.label,
                    seconds(f.median),
                    f.cpu.map_or_else(|| "-".into(), seconds),
                    f.mb_per_s,
                    f.items_per_s,
                    f.rss_mib,
                    f.rss_over_input,
                    f.over_floor
                        .map_or_else(|| "-".into(), |x| format!("{x:.2}x")),
                );
            } else {
                let why = row
                    .sample
                    .as_ref()
                    .err()
                    .map_or("", |e| e.lines().next().unwrap_or(""));
                let _ = writeln!(t, "{:<48} failed: {why}", row.op.label);
            }
        }
        t
    }

    fn markdown(&self) -> String {
        let mut t = format!("### {}\n\n", self.heading());
        t.push_str(
            "| operation | median | CPU | MB/s | items/s | peak RSS | RSS / input file | × floor |\n",
        );
        t.push_str("|---|--:|--:|--:|--:|--:|--:|--:|\n");
        for row in &self.rows {
            match self.figures(row) {
                Some(f) => {
                    let _ = writeln!(
                        t,
                        "| {} | {} | {} | {:.1} | {:.0} | {:.1} MiB | {:.2}× | {} |",
                        row.op.label,
                        seconds(f.median),
                        f.cpu.map_or_else(|| "–".into(), seconds),
                        f.mb_per_s,
                        f.items_per_s,
                        f.rss_mib,
                        f.rss_over_input,
                        f.over_floor
                            .map_or_else(|| "–".into(), |x| format!("{x:.2}×")),
                    );
                }
                None => {
                    let _ = writeln!(t, "| {} | failed | | | | | | |", row.op.label);
                }
            }
        }
        t
    }

    fn to_json(&self) -> Value {
        let ops: Vec<Value> = self
            .rows
            .iter()
            .map(|row| {
                let mut v =
                    json!({"op": row.op.name, "label": row.op.label, "floor": row.op.floor});
                match (&row.sample, self.figures(row)) {
                    (Ok(s), Some(f)) => {
                        v["times_s"] = json!(s.times);
                        v["median_s"] = json!(f.median);
                        v["cpu_times_s"] = json!(s.cpu_times);
                        v["cpu_median_s"] = json!(f.cpu);
                        v["mb_per_s"] = json!(f.mb_per_s);
                        v["items_per_s"] = json!(f.items_per_s);
                        v["peak_rss_bytes"] = json!(s.hwm_kib * 1024);
                        v["output_bytes"] = json!(s.out_bytes);
                        v["ratio_to_floor"] = json!(f.over_floor);
                    }
                    (Err(e), _) => v["error"] = json!(e),
                    _ => {}
                }
                v
            })
            .collect();
        json!({
            "items": self.items,
            "reps": self.reps,
            "files": {"json": self.json_bytes, "yaml": self.yaml_bytes, "xml": self.xml_bytes, "xlsx": self.xlsx_bytes, "json_cycle2": self.next_json_bytes, "backslashes": self.backslashes_bytes, "line_breaks": self.line_breaks_bytes, "minified_findings": self.minified_bytes, "nessus": self.nessus_bytes, "trivy": self.trivy_bytes},
            "operations": ops,
        })
    }
}

/// A whole run.
#[derive(Debug)]
pub struct Results {
    pub machine: Machine,
    pub seed: u64,
    pub runs: Vec<SizeRun>,
}

/// One target of issue #6, checked.
struct Check {
    items: u64,
    what: String,
    measured: String,
    ok: bool,
}

impl Results {
    fn checks(&self) -> Vec<Check> {
        let mut out = Vec::new();
        for run in &self.runs {
            ratio_checks(run, &mut out);
            memory_checks(run, &mut out);
            if run.items == 10_000 {
                field_checks(run, &mut out);
            }
        }
        out.extend(self.runs.iter().flat_map(peer_checks));
        self.linear_checks(&mut out);
        out
    }

    /// Linear growth: time per item at the largest size against the smallest.
    fn linear_checks(&self, out: &mut Vec<Check>) {
        if let (Some(small), Some(large)) = (self.runs.first(), self.runs.last())
            && large.items > small.items
        {
            for row in large.rows.iter().filter(|r| !super::peers::is_peer(r.op)) {
                if let (Some(a), Some(b)) =
                    (small.median_of(row.op.name), large.median_of(row.op.name))
                    && a > 0.0
                {
                    let growth = (b / large.items as f64) / (a / small.items as f64);
                    out.push(Check {
                        items: large.items,
                        what: format!(
                            "{} grows linearly ({} -> {} items)",
                            row.op.name, small.items, large.items
                        ),
                        measured: format!("time per item x{growth:.2}"),
                        // Allocator and cache effects make large inputs somewhat slower per
                        // item; twice the per-item time is no longer linear.
                        ok: growth < 2.0,
                    });
                }
            }
        }
    }

    /// The targets, checked, for the terminal.
    pub fn targets_text(&self) -> String {
        let mut t = String::from("\nTargets (issue #6):\n");
        for c in self.checks() {
            let _ = writeln!(
                t,
                "  [{}] {:>6} items: {}: {}",
                if c.ok { " ok " } else { "MISS" },
                c.items,
                c.what,
                c.measured
            );
        }
        let _ = writeln!(
            t,
            "\n{}; load average after: {}",
            self.machine.summary(),
            self.machine.load_after
        );
        t
    }

    /// The whole report as Markdown.
    pub fn markdown(&self) -> String {
        let m = &self.machine;
        let mut t = String::from("## Benchmark results\n\n");
        let _ = writeln!(
            t,
            "Run {}. Machine: {} ({} cores), {} RAM, {}, {}. Load average {} before, {} after. Generator seed {}.\n",
            m.started,
            m.cpu,
            m.cores,
            m.memory,
            m.os,
            m.rustc,
            m.load_before,
            m.load_after,
            self.seed
        );
        t.push_str(
            "*median*: wall time, median of the repetitions; *CPU*: median CPU time (user + system), which a busy machine inflates far less than wall time. Throughput and ratios use wall time.\n\n",
        );
        for run in &self.runs {
            t.push_str(&run.markdown());
            t.push('\n');
        }
        if self.runs.len() > 1 {
            t.push_str("### Growth: time per item (µs)\n\n| operation |");
            for run in &self.runs {
                let _ = write!(t, " {} items |", run.items);
            }
            t.push_str("\n|---|");
            for _ in &self.runs {
                t.push_str("--:|");
            }
            t.push('\n');
            if let Some(first) = self.runs.first() {
                for row in &first.rows {
                    let _ = write!(t, "| {} |", row.op.label);
                    for run in &self.runs {
                        match run.median_of(row.op.name) {
                            Some(m) => {
                                let _ = write!(t, " {:.1} |", m / run.items as f64 * 1e6);
                            }
                            None => t.push_str(" – |"),
                        }
                    }
                    t.push('\n');
                }
            }
            t.push('\n');
        }
        t.push_str("### Targets (issue #6)\n\n| size | target | measured | |\n|--:|---|---|---|\n");
        for c in self.checks() {
            let _ = writeln!(
                t,
                "| {} | {} | {} | {} |",
                c.items,
                c.what,
                c.measured,
                if c.ok { "ok" } else { "**missed**" }
            );
        }
        t
    }

    pub fn to_json(&self) -> Value {
        let m = &self.machine;
        json!({
            "machine": {
                "cpu": m.cpu, "cores": m.cores, "memory": m.memory, "os": m.os, "rustc": m.rustc,
                "load_average_before": m.load_before, "load_average_after": m.load_after,
                "started": m.started,
            },
            "seed": self.seed,
            "sizes": self.runs.iter().map(SizeRun::to_json).collect::<Vec<_>>(),
            "targets": self.checks().iter().map(|c| json!({"items": c.items, "target": c.what, "measured": c.measured, "ok": c.ok})).collect::<Vec<_>>(),
        })
    }
}

/// Issue 13's targets against the peers measured in the same run (when `--peers` ran them).
fn peer_checks(run: &SizeRun) -> Vec<Check> {
    let targets: [(&str, &str, f64, &str); 2] = [
        (
            "json-roundtrip",
            super::peers::TRESTLE.name,
            30.0,
            "JSON read + write at least 30x faster than compliance-trestle (same run)",
        ),
        (
            "validate-fedramp",
            super::peers::AJV.name,
            1.0,
            "validate (OSCAL + FedRAMP) faster than ajv's structure-only check (same run)",
        ),
    ];
    let mut out = Vec::new();
    for (ours, peer, factor, what) in targets {
        if let (Some(x), Some(y)) = (run.median_of(ours), run.median_of(peer))
            && x > 0.0
        {
            out.push(Check {
                items: run.items,
                what: what.to_owned(),
                measured: format!("{:.1}x faster ({} vs {})", y / x, seconds(x), seconds(y)),
                ok: y / x >= factor,
            });
        }
    }
    out
}

/// Time ratios against the floors.
fn ratio_checks(run: &SizeRun, out: &mut Vec<Check>) {
    let items = run.items;
    let mut ratio = |what: &str, a: &str, b: &str, limit: f64| {
        if let (Some(x), Some(y)) = (run.median_of(a), run.median_of(b))
            && y > 0.0
        {
            out.push(Check {
                items,
                what: what.to_owned(),
                measured: format!("{:.2}x ({} vs {})", x / y, seconds(x), seconds(y)),
                ok: x / y <= limit,
            });
        }
    };
    ratio(
        "JSON read + write no slower than a plain serde model (serde_json::Value parse + write)",
        "json-roundtrip",
        "json-value",
        1.0,
    );
    ratio(
        "JSON read within 4x of the syntax-only scan",
        "json-read",
        "json-scan",
        4.0,
    );
    ratio(
        "JSON read + write within 4x of the syntax-only scan",
        "json-roundtrip",
        "json-scan",
        4.0,
    );
    ratio(
        "XML read within 3x of the bare event scan",
        "xml-read",
        "xml-scan",
        3.0,
    );
    // Issue #14: `poam import` of a big scan, against a bare scan of the same file.
    ratio(
        ".nessus read within 3x of the bare streamed event scan",
        "nessus-read",
        "nessus-scan",
        3.0,
    );
    ratio(
        ".nessus import (read, group, build) within 3x of the bare streamed event scan",
        "nessus-import",
        "nessus-scan",
        3.0,
    );
    ratio(
        "Trivy JSON import (read, group, build) within 3x of the syntax-only scan",
        "trivy-import",
        "trivy-scan",
        3.0,
    );
}

/// Peak memory against the JSON file's size.
fn memory_checks(run: &SizeRun, out: &mut Vec<Check>) {
    let items = run.items;
    for op in ["json-to-xml", "json-roundtrip"] {
        if let Some(rss) = run.rss_of(op)
            && run.json_bytes > 0
        {
            let r = rss as f64 / run.json_bytes as f64;
            out.push(Check {
                items,
                what: format!("peak memory of {op} under 3x the JSON file"),
                measured: format!(
                    "{r:.2}x ({:.0} MiB for {:.0} MB)",
                    rss as f64 / 1048576.0,
                    run.json_bytes as f64 / 1e6
                ),
                ok: r < 3.0,
            });
        }
    }
}

/// The field's numbers (issue #6), measured on a 2-core machine at 10,000 items.
fn field_checks(run: &SizeRun, out: &mut Vec<Check>) {
    let items = run.items;
    let field: &[(&str, &str, f64)] = &[
        (
            "json-roundtrip",
            "JSON load + write faster than the `oscal` crate (0.71 s)",
            0.71,
        ),
        (
            "json-to-xml",
            "JSON -> XML faster than NIST's XSLT converter (209 s)",
            209.0,
        ),
        (
            "xml-to-json",
            "XML -> JSON faster than NIST's XSLT converter (29 s)",
            29.0,
        ),
        (
            "json-roundtrip",
            "JSON load + write faster than compliance-trestle (15.6 s)",
            15.6,
        ),
        (
            "validate-fedramp",
            "full validation (OSCAL + FedRAMP) faster than ajv's structure-only check (1.1 s)",
            1.1,
        ),
        (
            "xlsx-import",
            "workbook import 10x faster than openpyxl reading it (5.1 s / 10)",
            0.51,
        ),
        (
            "xlsx-export",
            "workbook export 10x faster than openpyxl writing it (6.1 s / 10)",
            0.61,
        ),
    ];
    for (op, what, secs) in field {
        if let Some(m) = run.median_of(op) {
            out.push(Check {
                items,
                what: (*what).to_owned(),
                measured: seconds(m),
                ok: m < *secs,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::float_cmp)] // halves of small integers: exact
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
    }

    #[test]
    fn a_sample_survives_its_line() -> Result<(), String> {
        let s = Sample {
            times: vec![0.5, 0.25],
            cpu_times: vec![0.48, 0.24],
            out_bytes: 12,
            hwm_kib: 3000,
        };
        assert_eq!(parse_sample(&sample_json(&s))?, s);
        assert!(parse_sample("nonsense").is_err());
        Ok(())
    }

    #[test]
    fn seconds_pick_a_readable_unit() {
        assert_eq!(seconds(0.000_25), "250 µs");
        assert_eq!(seconds(0.0123), "12.3 ms");
        assert_eq!(seconds(2.345), "2.35 s");
    }
}
