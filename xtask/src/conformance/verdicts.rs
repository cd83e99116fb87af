//! Each reference example's verdict, held to a checked-in record.
//!
//! `poam validate` is run on every POA&M under `<reference>/examples`, at the OSCAL level and
//! with the FedRAMP profile (as of [`AS_OF`]). A verdict is what a person acts on: the rule set
//! applied, valid / invalid / unreadable, and the errors and warnings per rule id. The record,
//! [`RECORD`], holds one entry per example and profile (our own data: file names relative to
//! the reference folder, counts, and words). The check:
//!
//! - a verdict that differs from its entry fails the run: a change of what poam says of a
//!   real document must be deliberate, and the record says why;
//! - an entry with `before` (the verdict it replaced) needs a `why`, printed on every run;
//! - an example with no entry, or an entry with no example, fails too.
//!
//! `cargo xtask conformance DIR --update-verdicts` rewrites the record from this run: an
//! entry whose verdict changed keeps the old verdict as `before` and gets an empty `why`,
//! which the next run refuses until a person writes it; unchanged entries keep theirs.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use poam_io::SourceName;
use poam_validate::{Diagnostic, Options, Profile, Severity};
use serde::Deserialize;

use super::documents::{self, Source};
use super::validate::AS_OF;
use super::{Outcome, Section, Table};

/// The record, relative to the workspace root.
pub const RECORD: &str = "xtask/conformance-verdicts.toml";

/// What `poam validate` says of one document under one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::struct_field_names)] // `verdict` is the record's key of that name
pub struct Verdict {
    /// The OSCAL rule set applied (`1.0.4`, ...); empty when the file could not be read.
    pub rule_set: String,
    /// `valid`, `invalid` or `unreadable`.
    pub verdict: String,
    /// Errors per rule id.
    pub errors: BTreeMap<String, usize>,
    /// Warnings per rule id.
    pub warnings: BTreeMap<String, usize>,
}

impl Verdict {
    fn of(rule_set: &str, diags: &[Diagnostic]) -> Self {
        let per_rule = |s: Severity| {
            let mut counts = BTreeMap::new();
            for d in diags.iter().filter(|d| d.severity == s) {
                *counts.entry(d.rule.to_owned()).or_insert(0) += 1;
            }
            counts
        };
        let errors = per_rule(Severity::Error);
        Self {
            rule_set: rule_set.to_owned(),
            verdict: if errors.is_empty() {
                "valid"
            } else {
                "invalid"
            }
            .to_owned(),
            errors,
            warnings: per_rule(Severity::Warning),
        }
    }

    fn unreadable() -> Self {
        Self {
            rule_set: String::new(),
            verdict: "unreadable".to_owned(),
            errors: BTreeMap::new(),
            warnings: BTreeMap::new(),
        }
    }

    /// For the table: `invalid by 1.0.4: 3 errors, 1 warning`.
    fn short(&self) -> String {
        let (e, w): (usize, usize) = (self.errors.values().sum(), self.warnings.values().sum());
        match self.rule_set.as_str() {
            "" => self.verdict.clone(),
            set => format!("{} by {set}: {e} error(s), {w} warning(s)", self.verdict),
        }
    }

    /// One line: `invalid by 1.0.4; errors: oscal-matches 2; warnings: oscal-reference-ssp 1`.
    pub fn summary(&self) -> String {
        let mut out = self.verdict.clone();
        if !self.rule_set.is_empty() {
            let _ = write!(out, " by {}", self.rule_set);
        }
        for (label, counts) in [("errors", &self.errors), ("warnings", &self.warnings)] {
            if !counts.is_empty() {
                let list: Vec<String> = counts.iter().map(|(r, n)| format!("{r} {n}")).collect();
                let _ = write!(out, "; {label}: {}", list.join(", "));
            }
        }
        out
    }
}

/// One entry of the record.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Entry {
    /// The example, relative to `<reference>/examples`.
    file: String,
    /// `oscal` or `fedramp`.
    profile: String,
    #[serde(default)]
    rule_set: String,
    verdict: String,
    #[serde(default)]
    errors: BTreeMap<String, usize>,
    #[serde(default)]
    warnings: BTreeMap<String, usize>,
    /// The verdict this one replaced, in [`Verdict::summary`]'s words.
    #[serde(default)]
    before: String,
    /// Why it changed.
    #[serde(default)]
    why: String,
}

impl Entry {
    fn now(&self) -> Verdict {
        Verdict {
            rule_set: self.rule_set.clone(),
            verdict: self.verdict.clone(),
            errors: self.errors.clone(),
            warnings: self.warnings.clone(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct Record {
    #[serde(default)]
    example: Vec<Entry>,
}

fn record_path() -> PathBuf {
    super::workspace_root().join(RECORD)
}

fn read_record() -> Result<Record, String> {
    let path = record_path();
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Record::default()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

const PROFILES: [(Profile, &str); 2] = [(Profile::Oscal, "oscal"), (Profile::Fedramp, "fedramp")];

/// Every example's verdict under both profiles, keyed by (file, profile).
fn current(reference: &Path) -> Result<BTreeMap<(String, String), Verdict>, String> {
    let as_of = NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").map_err(|e| e.to_string())?;
    let dir = reference.join("examples");
    let sources = documents::discover(&dir)?;
    if sources.is_empty() {
        return Err(format!("no POA&M documents under {}", dir.display()));
    }
    let mut out = BTreeMap::new();
    for source in &sources {
        for (profile, label) in PROFILES {
            out.insert(
                (source.name.clone(), label.to_owned()),
                verdict(source, profile, as_of)?,
            );
        }
    }
    Ok(out)
}

fn verdict(source: &Source, profile: Profile, as_of: NaiveDate) -> Result<Verdict, String> {
    let text = std::fs::read_to_string(&source.path)
        .map_err(|e| format!("{}: {e}", source.path.display()))?;
    let options = Options {
        profile,
        as_of,
        ssp: None,
        schema: None,
    };
    let name = SourceName(source.name.clone());
    Ok(
        match poam_validate::validate_text(&text, source.format, &name, &options) {
            Ok(v) => Verdict::of(v.rule_set.version, &v.diagnostics),
            Err(_) => Verdict::unreadable(),
        },
    )
}

/// What a run prints under its table.
#[derive(Debug, Default)]
struct Notes {
    /// Verdicts that differ from their entry: recorded and now.
    changes: String,
    /// Recorded changes: before, now and why.
    whys: String,
}

/// One verdict against its entry (`None`: the record has none).
fn judge(entry: Option<&Entry>, what: &str, verdict: &Verdict, notes: &mut Notes) -> Outcome {
    let Some(e) = entry else {
        return Outcome::Fail(format!("no entry in {RECORD}"));
    };
    if e.now() != *verdict {
        let _ = writeln!(
            notes.changes,
            "  {what}\n    recorded: {}\n    now:      {}",
            e.now().summary(),
            verdict.summary()
        );
        return Outcome::Fail("changed (below); say why: --update-verdicts, then the `why`".into());
    }
    if e.before.is_empty() {
        return Outcome::Pass("as recorded".into());
    }
    if e.why.trim().is_empty() {
        return Outcome::Fail(format!("changed from \"{}\"; the `why` is empty", e.before));
    }
    let _ = writeln!(
        notes.whys,
        "  {what}\n    before: {}\n    now:    {}\n    why:    {}",
        e.before,
        verdict.summary(),
        e.why.trim()
    );
    Outcome::Pass("as recorded; changed, why below".into())
}

/// The section: each verdict against the record.
pub fn run(reference: &Path) -> Result<Section, String> {
    let now = current(reference)?;
    let mut record: BTreeMap<(String, String), Entry> = read_record()?
        .example
        .into_iter()
        .map(|e| ((e.file.clone(), e.profile.clone()), e))
        .collect();
    let mut section = Section::new("verdicts");
    let mut table = Table::new(&["document", "profile", "verdict", "against the record"]);
    let mut notes = Notes::default();
    for ((file, profile), verdict) in &now {
        let entry = record.remove(&(file.clone(), profile.clone()));
        let outcome = judge(
            entry.as_ref(),
            &format!("{file} [{profile}]"),
            verdict,
            &mut notes,
        );
        section.count(&outcome);
        table.row(vec![
            file.clone(),
            profile.clone(),
            verdict.short(),
            outcome.cell(),
        ]);
    }
    for (file, profile) in record.into_keys() {
        let outcome = Outcome::Fail(format!("in {RECORD}, but no such example"));
        section.count(&outcome);
        table.row(vec![file, profile, "-".into(), outcome.cell()]);
    }
    print!("{}", table.render());
    if !notes.changes.is_empty() {
        println!("\nVerdicts that differ from {RECORD}:\n");
        print!("{}", notes.changes);
    }
    if !notes.whys.is_empty() {
        println!("\nVerdicts that changed, and why (from {RECORD}):\n");
        print!("{}", notes.whys);
    }
    Ok(section)
}

/// `--update-verdicts`: writes the record from this run's verdicts, keeping each unchanged
/// entry's `before` and `why`; a changed entry gets the old verdict as `before` and an empty
/// `why` to fill in.
pub fn update(reference: &Path) -> Result<(), String> {
    let now = current(reference)?;
    let mut old: BTreeMap<(String, String), Entry> = read_record()?
        .example
        .into_iter()
        .map(|e| ((e.file.clone(), e.profile.clone()), e))
        .collect();
    let mut out = String::from(HEADER);
    let mut changed = 0;
    for ((file, profile), verdict) in now {
        let (before, why) = match old.remove(&(file.clone(), profile.clone())) {
            Some(e) if e.now() == verdict => (e.before, e.why),
            Some(e) => {
                changed += 1;
                println!(
                    "changed: {file} [{profile}]: {} -> {}",
                    e.now().summary(),
                    verdict.summary()
                );
                (e.now().summary(), String::new())
            }
            None => (String::new(), String::new()),
        };
        write_entry(&mut out, &file, &profile, &verdict, &before, &why);
    }
    let path = record_path();
    std::fs::write(&path, out).map_err(|e| format!("{}: {e}", path.display()))?;
    println!(
        "{}: written; {changed} verdict(s) changed{}",
        path.display(),
        if changed > 0 {
            ": write each one's `why` before the conformance step passes again"
        } else {
            ""
        }
    );
    Ok(())
}

const HEADER: &str = "\
# What `poam validate` says of each reference example (`cargo xtask conformance DIR`, section
# \"validate: each example's verdict against the record\"): the OSCAL rule set applied, the
# verdict, and the errors and warnings per rule id, at the OSCAL level and with the FedRAMP
# profile (as of the date the conformance step uses). Our own data: file names relative to
# DIR/examples, counts, and words.
#
# A verdict that differs from its entry fails the conformance step. After a deliberate change,
# run `cargo xtask conformance DIR --update-verdicts`: each changed entry keeps the verdict it
# replaced as `before` and gets an empty `why`, which must be written (the step fails until
# it is).
";

/// One `[[example]]` table. Strings are written as JSON strings, which are TOML basic strings.
fn write_entry(
    out: &mut String,
    file: &str,
    profile: &str,
    verdict: &Verdict,
    before: &str,
    why: &str,
) {
    let quote = |s: &str| serde_json::Value::from(s).to_string();
    let table = |counts: &BTreeMap<String, usize>| {
        let pairs: Vec<String> = counts
            .iter()
            .map(|(rule, n)| format!("{} = {n}", quote(rule)))
            .collect();
        format!("{{ {} }}", pairs.join(", "))
    };
    let _ = writeln!(out, "\n[[example]]");
    let _ = writeln!(out, "file = {}", quote(file));
    let _ = writeln!(out, "profile = {}", quote(profile));
    let _ = writeln!(out, "rule-set = {}", quote(&verdict.rule_set));
    let _ = writeln!(out, "verdict = {}", quote(&verdict.verdict));
    if !verdict.errors.is_empty() {
        let _ = writeln!(out, "errors = {}", table(&verdict.errors));
    }
    if !verdict.warnings.is_empty() {
        let _ = writeln!(out, "warnings = {}", table(&verdict.warnings));
    }
    if !before.is_empty() {
        let _ = writeln!(out, "before = {}", quote(before));
        let _ = writeln!(out, "why = {}", quote(why));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn verdict(errors: &[(&str, usize)]) -> Verdict {
        Verdict {
            rule_set: "1.0.4".into(),
            verdict: if errors.is_empty() {
                "valid"
            } else {
                "invalid"
            }
            .into(),
            errors: errors.iter().map(|(r, n)| ((*r).to_owned(), *n)).collect(),
            warnings: BTreeMap::from([("oscal-reference-ssp".to_owned(), 2)]),
        }
    }

    /// What `--update-verdicts` writes, the check reads back as it was (quotes, backslashes
    /// and line ends in the words included).
    fn written_and_read(v: &Verdict, before: &str, why: &str) -> Entry {
        let mut text = String::from(HEADER);
        write_entry(&mut text, "a \"b\"\\c.json", "oscal", v, before, why);
        let mut record: Record = toml::from_str(&text).unwrap();
        assert_eq!(record.example.len(), 1);
        record.example.remove(0)
    }

    #[test]
    fn the_record_reads_back_what_it_wrote() {
        let v = verdict(&[("oscal-allowed-values", 2)]);
        let e = written_and_read(&v, "invalid by 1.1.3", "1.0.4 does not restrict\nthem");
        assert_eq!(e.file, "a \"b\"\\c.json");
        assert_eq!(e.now(), v);
        assert_eq!(e.why, "1.0.4 does not restrict\nthem");
    }

    #[test]
    fn a_changed_verdict_fails_until_it_says_why() {
        let v = verdict(&[("oscal-allowed-values", 2)]);
        let mut notes = Notes::default();
        // Unchanged, no history: passes quietly.
        let same = written_and_read(&v, "", "");
        assert!(!judge(Some(&same), "x", &v, &mut notes).is_fail());
        assert!(notes.changes.is_empty() && notes.whys.is_empty());
        // No entry, or a different verdict: fails, and the difference is shown.
        assert!(judge(None, "x", &v, &mut notes).is_fail());
        let other = verdict(&[("oscal-allowed-values", 3)]);
        assert!(judge(Some(&same), "x", &other, &mut notes).is_fail());
        assert!(
            notes.changes.contains("oscal-allowed-values 3"),
            "{}",
            notes.changes
        );
        // A recorded change without its why fails; with it, passes and is printed.
        let unexplained = written_and_read(&v, "invalid by 1.1.3", " ");
        assert!(judge(Some(&unexplained), "x", &v, &mut notes).is_fail());
        let explained = written_and_read(&v, "invalid by 1.1.3", "declares 1.0.4");
        assert!(!judge(Some(&explained), "x", &v, &mut notes).is_fail());
        assert!(
            notes.whys.contains("why:    declares 1.0.4"),
            "{}",
            notes.whys
        );
    }
}
