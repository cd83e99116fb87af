//! What a converted or imported POA&M still lacks for FedRAMP: one line per FedRAMP rule the
//! output fails, with how many items and which workbook column or option supplies it
//! (`poam validate --profile fedramp` keeps the per-item detail).
//!
//! Printed by `convert` from a workbook, and by `convert`, `import` and `merge` when a
//! submission is being prepared (`--ssp`, `poam.toml` or a document-fact flag).

use std::collections::{BTreeMap, BTreeSet};

use poam::Document;
use poam::validate::{Options, Profile, Severity, SspIndex};

/// Where what a FedRAMP rule wants comes from, in the workbook's and poam's terms.
fn supplied_by(rule: &str) -> &'static str {
    match rule {
        "fedramp-import-ssp" | "fedramp-ssp-resource" | "fedramp-ssp-rlink" => {
            "set by --ssp FILE or `ssp` in poam.toml"
        }
        "fedramp-marking" => "set by --marking cui or `marking` in poam.toml",
        "fedramp-version" => "set by --fedramp-version or `fedramp-version` in poam.toml",
        "fedramp-risk-recommendation" => {
            "no workbook column holds a scanner's advice; `poam import SCAN --into` this POA&M adds it to each item the scan finds again (same weakness source identifier and asset)"
        }
        "fedramp-poam-id" => "from column A (POAM ID)",
        "fedramp-impacted-control" => "from column B (Controls)",
        "fedramp-risk-planned-response" => "from column J (Overall Remediation Plan)",
        "fedramp-risk-deadline" => "from column L (Scheduled Completion Date)",
        "fedramp-risk-deadline-timely" => {
            "from columns K, L and S (Original Detection Date, Scheduled Completion Date, Original Risk Rating)"
        }
        "fedramp-risk-milestone" | "fedramp-milestone-description" | "fedramp-milestone-timing" => {
            "from column M (Planned Milestones)"
        }
        "fedramp-risk-impact" => "from column S (Original Risk Rating)",
        "fedramp-vendor-check-in" => "from column Q (Last Vendor Check-in Date)",
        "fedramp-closed-risk-log" => "from column O (Status Date) of a closed item",
        "fedramp-party-has-name" => "from cell A3 (CSP), or the SSP's provider with --ssp",
        "fedramp-has-published-date" => "from cell D3 (POAM Date)",
        _ => "see `poam validate --profile fedramp`",
    }
}

/// The item (or `None`: the document) a pointer is in: `risks/3`, `poam-items/0`, ...
fn item_of(pointer: &str) -> Option<String> {
    let mut parts = pointer.split('/').skip(2);
    let collection = parts.next()?;
    let index = parts.next()?;
    matches!(
        collection,
        "poam-items" | "risks" | "observations" | "findings"
    )
    .then(|| format!("{collection}/{index}"))
}

/// Prints the summary (each line after `prefix`) when `settings` prepare a submission.
pub fn print_when_submitting(
    settings: &crate::config::Settings,
    doc: &Document,
    ssp: Option<&crate::ssp::SspLink>,
) {
    if settings.is_submission() {
        for l in lines(doc, ssp.map(|l| &l.ssp)) {
            eprintln!("{l}");
        }
    }
}

/// The summary lines: one per failed FedRAMP rule, then a closing line.
pub fn lines(doc: &Document, ssp: Option<&poam::ssp::Ssp>) -> Vec<String> {
    let p = &doc.plan_of_action_and_milestones;
    let as_of = p
        .metadata
        .last_modified
        .date()
        .unwrap_or_else(|| poam::chrono::Local::now().date_naive());
    let options = Options {
        profile: Profile::Fedramp,
        as_of,
        ssp: ssp.map(SspIndex::from_ssp),
        ..Options::default()
    };
    let validation = poam::validate::validate(doc, &options);
    // Rule -> the items failing it (none: the document itself fails it).
    let mut failed: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut other = 0;
    for d in &validation.diagnostics {
        if d.severity != Severity::Error {
            continue;
        }
        if !d.rule.starts_with("fedramp-") {
            other += 1;
            continue;
        }
        let items = failed.entry(d.rule).or_default();
        items.extend(item_of(&d.pointer));
    }
    let summaries: BTreeMap<&str, &str> = poam::validate::rules()
        .iter()
        .map(|r| (r.id, r.summary))
        .collect();
    let mut out: Vec<String> = failed
        .iter()
        .map(|(rule, items)| {
            let scope = if items.is_empty() {
                "the document".to_owned()
            } else {
                format!("{} item(s)", items.len())
            };
            let summary = summaries.get(rule).copied().unwrap_or_default();
            format!(
                "fedramp: {rule} fails on {scope}: {summary}; {}",
                supplied_by(rule)
            )
        })
        .collect();
    out.push(match (failed.len(), other) {
        (0, 0) => "fedramp: the output passes FedRAMP's POA&M rules".to_owned(),
        (n, 0) => format!(
            "fedramp: the output fails {n} FedRAMP rule(s); `poam validate --profile fedramp` lists each place"
        ),
        (n, o) => format!(
            "fedramp: the output fails {n} FedRAMP rule(s) and has {o} other error(s); `poam validate --profile fedramp` lists each place"
        ),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_name_their_item() {
        assert_eq!(
            item_of("/plan-of-action-and-milestones/risks/3/remediations").as_deref(),
            Some("risks/3")
        );
        assert_eq!(
            item_of("/plan-of-action-and-milestones/poam-items/0").as_deref(),
            Some("poam-items/0")
        );
        assert_eq!(item_of("/plan-of-action-and-milestones/metadata"), None);
        assert_eq!(item_of("/plan-of-action-and-milestones"), None);
    }

    #[test]
    fn every_fedramp_error_rule_says_where_it_comes_from() {
        for r in poam::validate::rules() {
            if r.id.starts_with("fedramp-")
                && r.severity == Severity::Error
                && !matches!(
                    r.id,
                    "fedramp-allowed-values"
                        | "fedramp-prop-value"
                        | "fedramp-date-range-order"
                        | "fedramp-risk-log-entry-title"
                        | "fedramp-item-risk"
                        | "fedramp-item-observation"
                )
            {
                assert_ne!(
                    supplied_by(r.id),
                    "see `poam validate --profile fedramp`",
                    "{}",
                    r.id
                );
            }
        }
    }
}
