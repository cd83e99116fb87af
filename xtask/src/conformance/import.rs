//! `poam import` on the reference scans: every file under `<reference>/scans/` (Nessus XML
//! and CSV, SARIF, Trivy, Grype, XCCDF, Amazon Inspector) is read and imported as a new
//! POA&M (with `<reference>/kev/`'s catalog when it is there), as `poam import SCAN` does;
//! the POA&M must pass `poam validate` at the OSCAL level and with `--profile fedramp` with
//! no error (every item is one the import created). Per file: the format, the findings, the
//! assets, the items and the checks undecided.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use poam_import::{BuildOptions, Catalog, Grouping, Scan, Severity};
use poam_validate::{Options, Profile, Severity as Level};

use super::{Outcome, Section, Table};

/// How many errors are listed per file.
const ERRORS_SHOWN: usize = 5;

/// The day every import is judged at when the scan states none (so the run reproduces).
fn fallback_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 3).unwrap_or_default()
}

/// Every scan of the reference: each file but the notes (`.md`).
fn scan_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    crate::files::files_under(dir, |p| !crate::files::has_extension(p, &["md"]))
}

/// The section.
pub fn run(reference: &Path) -> Result<Section, String> {
    let base = reference.join("scans");
    let files = scan_files(&base)?;
    if files.is_empty() {
        return Err(format!("no scan under {}", base.display()));
    }
    let kev_path = reference.join("kev/known_exploited_vulnerabilities.json");
    let kev = match std::fs::read(&kev_path) {
        Ok(bytes) => {
            Some(Catalog::read(&bytes).map_err(|e| format!("{}: {e}", kev_path.display()))?)
        }
        Err(_) => None,
    };
    let mut section = Section::new("import");
    let mut details = Vec::new();
    let mut table = Table::new(&[
        "scan",
        "format",
        "findings",
        "assets",
        "items",
        "undecided",
        "poam validate (OSCAL)",
        "poam validate --profile fedramp",
    ]);
    for path in &files {
        let name = path
            .strip_prefix(&base)
            .unwrap_or(path)
            .display()
            .to_string();
        let scan = std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|b| poam_import::read(&b).map_err(|e| e.to_string()));
        let scan = match scan {
            Ok(s) => s,
            Err(e) => {
                let outcome = Outcome::Fail(format!("not imported: {e}"));
                section.count(&outcome);
                table.row(vec![name, outcome.cell()]);
                continue;
            }
        };
        table.row(imported(
            &name,
            &scan,
            kev.as_ref(),
            &mut section,
            &mut details,
        ));
    }
    print!("{}", table.render());
    if kev.is_some() {
        println!("\n(KEV: {})", kev_path.display());
    }
    for d in &details {
        println!("{d}");
    }
    Ok(section)
}

/// One scan's row: imported as a new POA&M, then validated both ways.
fn imported(
    name: &str,
    scan: &Scan,
    kev: Option<&Catalog>,
    section: &mut Section,
    details: &mut Vec<String>,
) -> Vec<String> {
    let day = scan.date.unwrap_or_else(fallback_day);
    let weaknesses: Vec<_> = poam_import::group(scan.findings.iter(), Grouping::Weakness)
        .into_iter()
        .filter(|w| w.severity >= Severity::Low)
        .collect();
    let mut opts = BuildOptions::new(day);
    opts.kev = kev;
    let doc = poam_import::build_document(&weaknesses, &opts);
    let items = doc.plan_of_action_and_milestones.poam_items.len();
    let mut row = vec![
        name.to_owned(),
        scan.format
            .map(poam_import::ScanFormat::name)
            .unwrap_or_default()
            .to_owned(),
        scan.findings.len().to_string(),
        scan.asset_count().to_string(),
        items.to_string(),
        scan.undecided.len().to_string(),
    ];
    if items == 0 {
        // `poam import` writes nothing then (OSCAL requires an item) and says so.
        for _ in 0..2 {
            let outcome = Outcome::Pass("no item: nothing written".into());
            section.count(&outcome);
            row.push(outcome.cell());
        }
        return row;
    }
    for profile in [Profile::Oscal, Profile::Fedramp] {
        let options = Options {
            profile,
            as_of: day,
            ..Options::default()
        };
        let diags = poam_validate::validate(&doc, &options).diagnostics;
        // FedRAMP's document-level rules (marking, FedRAMP version, `import-ssp`) are the
        // provider's to meet; every item, and what it references, is the import's.
        let (document, errors): (Vec<_>, Vec<_>) = diags
            .iter()
            .filter(|d| d.severity == Level::Error)
            .partition(|d| profile == Profile::Fedramp && is_document_level(&d.pointer));
        for d in errors.iter().take(ERRORS_SHOWN) {
            details.push(format!(
                "{name} ({profile:?}): {} at {}: {}",
                d.rule, d.pointer, d.message
            ));
        }
        let outcome = if errors.is_empty() {
            Outcome::Pass(format!(
                "no item errors ({} document-level, {} other)",
                document.len(),
                diags.len() - document.len()
            ))
        } else {
            Outcome::Fail(format!("{} errors", errors.len()))
        };
        section.count(&outcome);
        row.push(outcome.cell());
    }
    row
}

/// Whether a diagnostic is about the document rather than its items: at the root or in
/// the metadata.
fn is_document_level(pointer: &str) -> bool {
    const ROOT: &str = "/plan-of-action-and-milestones";
    pointer == ROOT || pointer.starts_with("/plan-of-action-and-milestones/metadata")
}
