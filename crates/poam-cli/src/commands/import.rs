//! `poam import SCAN...`: scanner results into POA&M items, in a new POA&M or merged into an
//! existing one (`--into`). Every scan is read before anything is built; nothing is written
//! unless every input was read and the import has no ambiguity left.

use std::path::{Path, PathBuf};

use poam::Document;
use poam::scan::Catalog;
use poam::scan::{BuildOptions, DEFAULT_PLAN};
use poam::scan::{Grouping, Weakness};
use poam::scan::{Imported, IntoOptions};
use poam::scan::{Scan, ScanError, Severity};
use serde_json::json;

use crate::args::{FileFormat, GroupArg, ImportArgs, ImportFormat, SeverityArg};
use crate::config::Settings;
use crate::error::{self, Error};
use crate::exit;
use crate::input;
use crate::output;
use crate::ssp::SspLink;

/// One scan file, read.
struct ScanFile {
    path: PathBuf,
    scan: Scan,
}

/// What the import did, for the summary.
#[derive(Default)]
struct Outcome {
    new: Vec<String>,
    updated: Vec<String>,
    closed: Vec<String>,
    reopened: Vec<String>,
    unchanged: usize,
    skipped: usize,
    /// Weaknesses imported that the scanner gave no severity (rated moderate until
    /// assessed), named for review.
    unrated: Vec<String>,
    warnings: Vec<String>,
}

/// What a refused import says last.
const NOTHING: &str = "nothing imported";

pub fn run(a: &ImportArgs) -> Result<u8, Error> {
    let (as_of, day) = super::merge::as_of(a.as_of.as_deref())?;
    let settings = Settings::resolve(&a.document, a.ssp.as_deref(), a.plan.as_deref())?;
    let (scans, kev, ssp) =
        read_inputs(a, settings.ssp.as_deref()).map_err(|e| e.closing(NOTHING))?;
    let min = min_severity(a.min_severity);
    let grouping = match a.group {
        GroupArg::Weakness => Grouping::Weakness,
        GroupArg::Asset => Grouping::Asset,
    };
    let all = poam::scan::group(scans.iter().flat_map(|s| s.scan.findings.iter()), grouping);
    let total = all.len();
    let weaknesses: Vec<Weakness> = all.into_iter().filter(|w| w.severity >= min).collect();
    let mut opts = BuildOptions::new(day);
    opts.scan_date = scans.iter().filter_map(|s| s.scan.date).max();
    opts.plan = settings
        .plan
        .clone()
        .unwrap_or_else(|| DEFAULT_PLAN.to_owned());
    opts.kev = kev.as_ref();
    // The base is read before the scan's items are built: into a POA&M with no items yet
    // (the blank template), they are its first and are numbered here, as for a new POA&M
    // (the merge continues BASE's series, and an empty BASE has none).
    let base = match &a.into {
        Some(path) => Some(load_base(path, ssp.as_ref()).map_err(|e| e.closing(NOTHING))?),
        None => None,
    };
    opts.assign_poam_ids = base
        .as_ref()
        .is_none_or(|b| b.doc.plan_of_action_and_milestones.poam_items.is_empty());
    let mut built = poam::scan::build_document(&weaknesses, &opts);
    if let Some(link) = &ssp {
        link.apply(&mut built, "the scan's items");
    }

    let (mut document, default_format, mut outcome) = match base {
        None => {
            let new = item_labels(&built);
            let outcome = Outcome {
                new,
                ..Outcome::default()
            };
            (built, FileFormat::Json, outcome)
        }
        Some(base) => into(&base, &built, &scans, a, as_of).map_err(|e| e.closing(NOTHING))?,
    };
    outcome.skipped = total - weaknesses.len();
    outcome.unrated = weaknesses
        .iter()
        .filter(|w| w.severity == Severity::Unknown)
        .map(|w| format!("{} {} ({})", w.detector.name, w.weakness_id, w.name))
        .collect();
    if document.plan_of_action_and_milestones.poam_items.is_empty() {
        // A scan with no findings is fine; a POA&M with no item is not OSCAL.
        summary(a, &scans, &outcome, false);
        eprintln!(
            "note: no POA&M written: no finding at or above --min-severity {}, and OSCAL requires at least one POA&M item",
            min_severity(a.min_severity).as_str()
        );
        return Ok(exit::OK);
    }

    let to_file = write_poam(a, &settings, &mut document, default_format)?;
    summary(a, &scans, &outcome, to_file);
    crate::submission::print_when_submitting(&settings, &document, ssp.as_ref());
    Ok(exit::OK)
}

/// Writes the POA&M as `-o`/`--to` ask (the `--into` format by default), with the project
/// file's settings and OSCAL version; `Ok(true)` when it went to a file.
fn write_poam(
    a: &ImportArgs,
    settings: &Settings,
    document: &mut Document,
    default_format: FileFormat,
) -> Result<bool, Error> {
    let to_stdout = output::is_stdout(a.output.as_deref());
    let output_path = a.output.as_deref().filter(|_| !to_stdout);
    let format = requested_format(a).unwrap_or(default_format);
    output::refused(format, to_stdout, output_path).map_err(|e| e.closing(NOTHING))?;
    settings.apply(document);
    let warnings = settings.write_as_version(document, "the POA&M")?;
    for l in &warnings {
        eprintln!("{l}");
    }
    output::encode_and_write(document, format, output_path, "the POA&M")?;
    Ok(output_path.is_some())
}

/// The output format `--to` or the `-o` file's extension asks for.
fn requested_format(a: &ImportArgs) -> Option<FileFormat> {
    let output_path = a.output.as_deref().filter(|p| !output::is_stdout(Some(p)));
    a.to.or_else(|| output_path.and_then(FileFormat::from_path))
}

fn min_severity(s: SeverityArg) -> Severity {
    match s {
        SeverityArg::Info => Severity::Info,
        SeverityArg::Low => Severity::Low,
        SeverityArg::Moderate => Severity::Moderate,
        SeverityArg::High => Severity::High,
        SeverityArg::Critical => Severity::Critical,
    }
}

/// What the import reads: the scans, the KEV catalog and the SSP.
type Inputs = (Vec<ScanFile>, Option<Catalog>, Option<SspLink>);

/// Reads every scan, the KEV catalog and the SSP; `Err` names every one unreadable.
fn read_inputs(a: &ImportArgs, ssp: Option<&Path>) -> Result<Inputs, Error> {
    let mut errors = Vec::new();
    let mut scans = Vec::with_capacity(a.scans.len());
    for path in &a.scans {
        match read_scan(path) {
            Ok(scan) => scans.push(ScanFile {
                path: path.clone(),
                scan,
            }),
            Err(e) => errors.push(e),
        }
    }
    let kev = a
        .kev
        .as_deref()
        .map(read_kev)
        .transpose()
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let output = a.output.as_deref().filter(|p| !output::is_stdout(Some(p)));
    let ssp = ssp
        .map(|p| SspLink::load(p, &crate::ssp::output_dir(output)))
        .transpose()
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    error::all(errors)?;
    Ok((scans, kev, ssp))
}

/// One scan, streamed: a 500 MB `.nessus` file is parsed as it is read, never held whole.
fn read_scan(path: &Path) -> Result<Scan, Error> {
    let refused = |reason: String| Error::Scan {
        path: path.to_owned(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|e| refused(e.to_string()))?;
    poam::scan::read_from(std::io::BufReader::with_capacity(1 << 16, file))
        .map_err(|e: ScanError| refused(e.to_string()))
}

/// `--kev FILE`: CISA's Known Exploited Vulnerabilities catalog.
fn read_kev(path: &Path) -> Result<Catalog, Error> {
    let refused = |reason: String| Error::Kev {
        path: path.to_owned(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| refused(e.to_string()))?;
    Catalog::read(&bytes).map_err(|e| refused(e.to_string()))
}

/// The POAM IDs (else uuids) of a new document's items.
fn item_labels(doc: &Document) -> Vec<String> {
    doc.plan_of_action_and_milestones
        .poam_items
        .iter()
        .map(|i| {
            poam::fedramp::item::poam_id(i)
                .map(str::to_owned)
                .or_else(|| i.uuid.as_ref().map(ToString::to_string))
                .unwrap_or_default()
        })
        .collect()
}

/// `--into`'s POA&M, its reader's warnings told, linked to the SSP when given. The blank
/// template (no items yet) is a base too: the scan's items are its first.
fn load_base(path: &Path, ssp: Option<&SspLink>) -> Result<input::Loaded, Error> {
    let mut base = input::load_base(path).map_err(Error::Unreadable)?;
    input::report_warnings(&base);
    if let Some(link) = ssp {
        link.apply(&mut base.doc, &base.name.0);
    }
    Ok(base)
}

/// `--into`: merges the built update into BASE.
fn into(
    base: &input::Loaded,
    update: &Document,
    scans: &[ScanFile],
    a: &ImportArgs,
    as_of: poam::model::datatypes::DateTimeWithTimezone,
) -> Result<(Document, FileFormat, Outcome), Error> {
    let name = scans
        .iter()
        .map(|s| s.path.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let raw: Vec<Scan> = scans.iter().map(|s| s.scan.without_findings()).collect();
    let format = if base.workbook {
        FileFormat::Xlsx
    } else {
        FileFormat::from(base.format)
    };
    let opts = IntoOptions {
        as_of,
        complete: a.complete,
        name,
        workbook: requested_format(a).unwrap_or(format) == FileFormat::Xlsx,
    };
    let imported: Imported = poam::scan::import_into(&base.doc, update, &raw, &opts)?;
    let labels = |v: &[poam::cycle::ItemRef]| v.iter().map(poam::cycle::ItemRef::label).collect();
    let outcome = Outcome {
        new: labels(&imported.new),
        updated: labels(&imported.updated),
        closed: labels(&imported.closed),
        reopened: labels(&imported.reopened),
        unchanged: imported.unchanged,
        skipped: 0,
        unrated: Vec::new(),
        warnings: imported.warnings,
    };
    Ok((imported.document, format, outcome))
}

/// Findings by severity, most severe first.
fn by_severity(scan: &Scan) -> Vec<(Severity, usize)> {
    Severity::ALL
        .iter()
        .map(|&s| (s, scan.findings.iter().filter(|f| f.severity == s).count()))
        .collect()
}

fn summary(a: &ImportArgs, scans: &[ScanFile], o: &Outcome, written_to_file: bool) {
    match a.format {
        ImportFormat::Human => human(a, scans, o),
        ImportFormat::Json => {
            let text = serde_json::to_string_pretty(&json_summary(a, scans, o)).unwrap_or_default();
            if written_to_file {
                println!("{text}");
            } else {
                eprintln!("{text}");
            }
        }
    }
}

fn human(a: &ImportArgs, scans: &[ScanFile], o: &Outcome) {
    for s in scans {
        let counts = by_severity(&s.scan)
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(sev, n)| format!("{n} {}", sev.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let tools = s
            .scan
            .detectors
            .iter()
            .map(|d| match &d.version {
                Some(v) => format!("{} {v}", d.name),
                None => d.name.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let format = s
            .scan
            .format
            .map(poam::scan::ScanFormat::name)
            .unwrap_or_default();
        let counts = if counts.is_empty() {
            String::new()
        } else {
            format!(" ({counts})")
        };
        eprintln!(
            "{}: {format}{}: {} finding(s){counts} on {} asset(s){}",
            s.path.display(),
            if tools.is_empty() {
                String::new()
            } else {
                format!(", {tools}")
            },
            s.scan.findings.len(),
            s.scan.asset_count(),
            if s.scan.skipped.is_empty() {
                String::new()
            } else {
                format!(
                    "; {} result(s) not findings (suppressed or passed)",
                    s.scan.skipped.len()
                )
            }
        );
    }
    for s in scans {
        for u in &s.scan.undecided {
            eprintln!("warning: {}: {u}", s.path.display());
        }
    }
    let min = min_severity(a.min_severity).as_str();
    eprintln!(
        "items: {} new, {} updated, {} closed as no longer detected, {} reopened, {} unchanged; {} weakness(es) below --min-severity {min} skipped",
        o.new.len(),
        o.updated.len(),
        o.closed.len(),
        o.reopened.len(),
        o.unchanged,
        o.skipped
    );
    for w in &o.unrated {
        eprintln!(
            "warning: {w}: the scanner gave no severity; rated moderate until someone assesses it"
        );
    }
    for w in &o.warnings {
        eprintln!("warning: {w}");
    }
}

fn json_summary(a: &ImportArgs, scans: &[ScanFile], o: &Outcome) -> serde_json::Value {
    let files: Vec<serde_json::Value> = scans
        .iter()
        .map(|s| {
            let severities: serde_json::Map<String, serde_json::Value> = by_severity(&s.scan)
                .into_iter()
                .map(|(sev, n)| (sev.as_str().to_owned(), json!(n)))
                .collect();
            json!({
                "file": s.path.display().to_string(),
                "format": s.scan.format.map(poam::scan::ScanFormat::name),
                "detectors": s.scan.detectors.iter().map(|d| json!({"name": d.name, "version": d.version})).collect::<Vec<_>>(),
                "findings": s.scan.findings.len(),
                "by-severity": severities,
                "assets": s.scan.asset_count(),
                "not-findings": s.scan.skipped.len(),
                "undecided": s.scan.undecided.iter().map(ToString::to_string).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "schema": "poam-import/1",
        "scans": files,
        "items": {
            "new": o.new,
            "updated": o.updated,
            "closed": o.closed,
            "reopened": o.reopened,
            "unchanged": o.unchanged,
            "skipped-below-min-severity": o.skipped,
            "unrated": o.unrated,
        },
        "min-severity": min_severity(a.min_severity).as_str(),
        "warnings": o.warnings,
    })
}
