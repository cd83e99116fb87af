//! `--peers`: the tools people would use instead of `poam`, installed and measured in the same
//! run on the same files, so that the ratios in the table are not copied from another day.
//!
//! - compliance-trestle (load + write JSON), installed from PyPI in a virtual environment;
//! - ajv (structure-only check against the official OSCAL POA&M JSON Schema), installed with
//!   ajv-cli and ajv-formats from the npm registry.
//!
//! Both are installed once into `<target>/bench-peers/` and reused. Each runs a small driver
//! script that times the work itself (start-up and, for ajv, compiling the schema are left
//! out, as `poam`'s own operations leave out process start) and prints a line in the shape of
//! the bench child's result, with its own peak RSS. A peer that cannot be installed or run is
//! reported and the run goes on.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::ops::{Files, Input, Op, Sample};
use super::report::{self, Row};

/// compliance-trestle: `PlanOfActionAndMilestones.oscal_read` + `oscal_write`.
pub const TRESTLE: Op = Op {
    name: "peer-trestle",
    label: "compliance-trestle load + write JSON (peer)",
    input: Input::Json,
    floor: None,
    output_rate: false,
};

/// ajv: JSON parse + validation against the official schema (compiled once, untimed).
pub const AJV: Op = Op {
    name: "peer-ajv",
    label: "ajv structure-only check, official schema (peer)",
    input: Input::Json,
    floor: None,
    output_rate: false,
};

/// Whether `op` is a peer's row (not one of `poam`'s operations).
pub fn is_peer(op: &Op) -> bool {
    op.name.starts_with("peer-")
}

/// The marker the driver scripts put before their result line.
const RESULT_MARK: &str = "PEER-RESULT ";

const TRESTLE_DRIVER: &str = r#"
import json, pathlib, resource, sys, tempfile, time
from trestle.oscal.poam import PlanOfActionAndMilestones
src, reps = pathlib.Path(sys.argv[1]), int(sys.argv[2])
times, out = [], 0
with tempfile.TemporaryDirectory() as tmp:
    dst = pathlib.Path(tmp) / "out.json"
    for _ in range(reps):
        t = time.perf_counter()
        doc = PlanOfActionAndMilestones.oscal_read(src)
        doc.oscal_write(dst)
        times.append(time.perf_counter() - t)
        out = dst.stat().st_size
        del doc
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("PEER-RESULT " + json.dumps({"times": times, "out_bytes": out, "hwm_kib": peak}))
"#;

const AJV_DRIVER: &str = r#"
const fs = require("fs");
const Ajv = require("ajv");
const addFormats = require("ajv-formats");
const [schemaPath, dataPath, reps] = process.argv.slice(2);
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
const times = [];
let errors = 0;
for (let i = 0; i < Number(reps); i++) {
  const t = process.hrtime.bigint();
  const doc = JSON.parse(fs.readFileSync(dataPath, "utf8"));
  if (!validate(doc)) errors = validate.errors.length;
  times.push(Number(process.hrtime.bigint() - t) / 1e9);
}
const peak = process.resourceUsage().maxRSS;
console.log("PEER-RESULT " + JSON.stringify({ times, out_bytes: 0, hwm_kib: peak, errors }));
"#;

/// Where the peers are installed, and what ajv checks against.
#[derive(Debug, Clone)]
pub struct Peers {
    cache: PathBuf,
    /// The official POA&M JSON Schema of the generated documents' OSCAL version.
    schema: Option<PathBuf>,
}

impl Peers {
    /// Peers cached under `target`; the schema is looked up in `reference` (the shared
    /// reference folder, `oscal-schemas/<version>/oscal_poam_schema.json`).
    pub fn new(target: &Path, reference: Option<&Path>) -> Self {
        let schema = reference
            .map(|r| r.join("oscal-schemas/1.1.3/oscal_poam_schema.json"))
            .filter(|p| p.is_file());
        Self {
            cache: target.join("bench-peers"),
            schema,
        }
    }

    /// Installs what is missing; reports each peer that cannot be had and goes on.
    pub fn install(&self) -> Vec<&'static Op> {
        let mut ready = Vec::new();
        match self.install_trestle() {
            Ok(()) => ready.push(&TRESTLE),
            Err(e) => eprintln!("bench: peer compliance-trestle not available: {e}"),
        }
        match (self.schema.as_ref(), self.install_ajv()) {
            (Some(_), Ok(())) => ready.push(&AJV),
            (None, _) => eprintln!(
                "bench: peer ajv skipped: no official schema (pass --reference DIR, the folder \
                 holding oscal-schemas/1.1.3/oscal_poam_schema.json)"
            ),
            (_, Err(e)) => eprintln!("bench: peer ajv not available: {e}"),
        }
        ready
    }

    /// Measures every ready peer on `files`; one row each.
    pub fn measure(&self, ready: &[&'static Op], files: &Files, reps: usize) -> Vec<Row> {
        ready
            .iter()
            .map(|op| {
                eprint!("bench: peer {:<16}", op.name);
                let sample = self.run(op, files, reps);
                match &sample {
                    Ok(s) => eprintln!(" median {:.3} s", report::median(&s.times)),
                    Err(e) => eprintln!(" FAILED: {}", e.lines().next().unwrap_or_default()),
                }
                Row { op, sample }
            })
            .collect()
    }

    fn run(&self, op: &Op, files: &Files, reps: usize) -> Result<Sample, String> {
        let reps = reps.to_string();
        let mut cmd = if op.name == TRESTLE.name {
            let mut c = Command::new(self.venv().join("bin/python"));
            c.arg(self.driver("trestle_driver.py", TRESTLE_DRIVER)?);
            c.arg(&files.json).arg(&reps);
            c
        } else {
            let schema = self.schema.as_ref().ok_or("no schema")?;
            let mut c = Command::new("node");
            c.arg(self.driver("ajv_driver.js", AJV_DRIVER)?);
            c.arg(schema).arg(&files.json).arg(&reps);
            c.env("NODE_PATH", self.npm().join("node_modules"));
            c
        };
        let out = cmd
            .output()
            .map_err(|e| format!("cannot start {}: {e}", op.name))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        match stdout.lines().find_map(|l| l.strip_prefix(RESULT_MARK)) {
            Some(line) if out.status.success() => report::parse_sample(line),
            _ => Err(format!(
                "{} failed ({}): {}",
                op.name,
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            )),
        }
    }

    fn venv(&self) -> PathBuf {
        self.cache.join("trestle-venv")
    }

    fn npm(&self) -> PathBuf {
        self.cache.join("ajv")
    }

    /// Writes a driver script into the cache (every run, so it is never stale).
    fn driver(&self, name: &str, text: &str) -> Result<PathBuf, String> {
        std::fs::create_dir_all(&self.cache)
            .map_err(|e| format!("{}: {e}", self.cache.display()))?;
        let path = self.cache.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path)
    }

    fn install_trestle(&self) -> Result<(), String> {
        let python = self.venv().join("bin/python");
        if !python.is_file() {
            eprintln!(
                "bench: installing compliance-trestle into {} ...",
                self.venv().display()
            );
            run_quiet(
                Command::new("python3")
                    .arg("-m")
                    .arg("venv")
                    .arg(self.venv()),
            )?;
        }
        let probe = Command::new(&python)
            .args(["-c", "import trestle.oscal.poam"])
            .output()
            .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
        if !probe.status.success() {
            run_quiet(Command::new(&python).args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "compliance-trestle",
            ]))?;
        }
        Ok(())
    }

    fn install_ajv(&self) -> Result<(), String> {
        if self.npm().join("node_modules/ajv-formats").is_dir() {
            return Ok(());
        }
        eprintln!(
            "bench: installing ajv-cli into {} ...",
            self.npm().display()
        );
        std::fs::create_dir_all(self.npm())
            .map_err(|e| format!("{}: {e}", self.npm().display()))?;
        run_quiet(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
                .arg(self.npm())
                .args(["ajv-cli@5", "ajv@8", "ajv-formats@3"]),
        )
    }
}

/// Runs `cmd`, its output kept for the error only.
fn run_quiet(cmd: &mut Command) -> Result<(), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(format!(
            "{cmd:?} failed ({}): {}",
            out.status,
            err.lines().last().unwrap_or_default()
        ))
    }
}
