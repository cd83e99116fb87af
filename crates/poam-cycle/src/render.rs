//! The diff report in three forms: for people at a terminal, for the monthly report to the
//! agency (Markdown), and for pipelines (JSON, shape [`crate::diff::JSON_SCHEMA`]).

use std::fmt::Write;

use crate::changes::{Change, escape_markdown, show_date};
use crate::diff::{AmbiguousMatch, Class, Diff, ItemDiff};
use crate::document::PartDiff;
use crate::item::ItemRef;

/// One reporter per output format.
pub trait Reporter {
    /// The whole report of `diff`.
    fn render(&self, diff: &Diff) -> String;
}

/// Plain text for a terminal: counts, then each item that is not unchanged with its changes.
pub struct Human;
/// Markdown for the monthly report to the agency: a summary table, then one section per class.
pub struct Markdown;
/// Pretty-printed JSON for pipelines.
pub struct Json;

fn counts(d: &Diff) -> String {
    let s = &d.summary;
    format!(
        "{} new, {} closed, {} reopened, {} changed, {} removed, {} unchanged, {} ambiguous",
        s.new, s.closed, s.reopened, s.changed, s.removed, s.unchanged, s.ambiguous
    )
}

fn describe_doc(source: &str, version: &str, last_modified: &str) -> String {
    format!("{source} (version {version}, {})", show_date(last_modified))
}

fn item_facts(r: &ItemRef) -> String {
    let mut f = Vec::new();
    if let Some(x) = &r.risk_rating {
        f.push(x.clone());
    }
    if let Some(x) = &r.status {
        f.push(x.clone());
    }
    if let Some(x) = &r.deadline {
        f.push(format!("due {}", show_date(x)));
    }
    if f.is_empty() {
        String::new()
    } else {
        format!("  [{}]", f.join(", "))
    }
}

/// A risk, observation or finding no item references: `changed risk "Title" (uuid …)`.
fn part_line(p: &PartDiff) -> String {
    let class = match p.class {
        Class::New => "new",
        Class::Removed => "removed",
        _ => "changed",
    };
    format!("{class} {} {:?} (uuid {})", p.kind.name(), p.title, p.uuid)
}

fn ambiguity_line(a: &AmbiguousMatch) -> String {
    let list = |v: &[ItemRef]| {
        v.iter()
            .map(ItemRef::describe)
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "{}: old {}; new {}",
        a.key,
        if a.old.is_empty() {
            "none".into()
        } else {
            list(&a.old)
        },
        if a.new.is_empty() {
            "none".into()
        } else {
            list(&a.new)
        }
    )
}

impl Reporter for Human {
    fn render(&self, d: &Diff) -> String {
        let mut o = String::new();
        let _ = writeln!(
            o,
            "poam diff: {} -> {}",
            describe_doc(&d.old.source, &d.old.version, &d.old.last_modified),
            describe_doc(&d.new.source, &d.new.version, &d.new.last_modified)
        );
        let _ = writeln!(o, "{}", counts(d));
        if !d.document.is_empty() {
            let _ = writeln!(o, "\ndocument:");
            for c in &d.document {
                let _ = writeln!(o, "    {}", c.sentence());
            }
        }
        if !d.unlinked_parts.is_empty() {
            let _ = writeln!(o, "\nin no item ({}):", d.unlinked_parts.len());
            for p in &d.unlinked_parts {
                let _ = writeln!(o, "  {}", part_line(p));
                for c in &p.changes {
                    let _ = writeln!(o, "      {}", c.sentence());
                }
            }
        }
        for class in Class::ALL {
            if class == Class::Unchanged {
                continue;
            }
            let items: Vec<&ItemDiff> = d.of_class(class).collect();
            if items.is_empty() {
                continue;
            }
            let _ = writeln!(o, "\n{} ({}):", class.name(), items.len());
            let mark = match class {
                Class::New => '+',
                Class::Closed => '-',
                Class::Reopened => '!',
                Class::Removed => 'x',
                _ => '~',
            };
            for i in items {
                let Some(r) = i.item() else { continue };
                let _ = writeln!(o, "  {mark} {}  {}{}", r.label(), r.title, item_facts(r));
                for c in &i.changes {
                    let _ = writeln!(o, "      {}", c.sentence());
                }
            }
        }
        if !d.ambiguous.is_empty() {
            let _ = writeln!(o, "\nambiguous ({}), not matched:", d.ambiguous.len());
            for a in &d.ambiguous {
                let _ = writeln!(o, "  ? {}", ambiguity_line(a));
            }
        }
        o
    }
}

/// Escapes text for a Markdown table cell or list item, on one line.
fn md(s: &str) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    escape_markdown(&one_line).replace('|', "\\|")
}

fn md_change(c: &Change) -> String {
    let mut s = md(&c.sentence());
    if let Some(first) = s.get(..1) {
        let up = first.to_uppercase();
        s.replace_range(..1, &up);
    }
    s
}

impl Reporter for Markdown {
    fn render(&self, d: &Diff) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "# POA&M changes: {}\n", md(&d.new.title));
        let _ = writeln!(
            o,
            "Compared **{}** (version {}, last modified {}) with **{}** (version {}, last modified {}).\n",
            md(&d.old.source),
            md(&d.old.version),
            show_date(&d.old.last_modified),
            md(&d.new.source),
            md(&d.new.version),
            show_date(&d.new.last_modified)
        );
        let _ = writeln!(o, "| Items | Count |\n| --- | ---: |");
        for class in Class::ALL {
            let _ = writeln!(
                o,
                "| {} | {} |",
                capital(class.name()),
                d.summary.count(class)
            );
        }
        let _ = writeln!(o, "| Ambiguous | {} |", d.summary.ambiguous);
        if !d.document.is_empty() {
            let _ = writeln!(o, "\n## Document\n");
            for c in &d.document {
                let _ = writeln!(o, "- {}", md_change(c));
            }
        }
        if !d.unlinked_parts.is_empty() {
            let _ = writeln!(o, "\n## Risks, observations and findings in no item\n");
            for p in &d.unlinked_parts {
                let _ = writeln!(o, "- {}", md(&part_line(p)));
                for c in &p.changes {
                    let _ = writeln!(o, "  - {}", md_change(c));
                }
            }
        }
        for class in [Class::New, Class::Removed] {
            let items: Vec<&ItemDiff> = d.of_class(class).collect();
            if items.is_empty() {
                continue;
            }
            let _ = writeln!(o, "\n## {} items\n", capital(class.name()));
            let _ = writeln!(
                o,
                "| POAM ID | Weakness | Risk | Status | Deadline |\n| --- | --- | --- | --- | --- |"
            );
            for i in items {
                let Some(r) = i.item() else { continue };
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} | {} |",
                    md(&r.label()),
                    md(&r.title),
                    md(r.risk_rating.as_deref().unwrap_or("")),
                    md(r.status.as_deref().unwrap_or("")),
                    r.deadline.as_deref().map(show_date).unwrap_or_default()
                );
            }
        }
        for class in [Class::Closed, Class::Reopened, Class::Changed] {
            let items: Vec<&ItemDiff> = d.of_class(class).collect();
            if items.is_empty() {
                continue;
            }
            let _ = writeln!(o, "\n## {} items", capital(class.name()));
            for i in items {
                let Some(r) = i.item() else { continue };
                let _ = writeln!(o, "\n### {}: {}\n", md(&r.label()), md(&r.title));
                for c in &i.changes {
                    let _ = writeln!(o, "- {}", md_change(c));
                }
            }
        }
        if !d.ambiguous.is_empty() {
            let _ = writeln!(o, "\n## Ambiguous matches\n");
            let _ = writeln!(
                o,
                "These items could not be told apart and were not matched; give them distinct POAM IDs.\n"
            );
            for a in &d.ambiguous {
                let _ = writeln!(o, "- {}", md(&ambiguity_line(a)));
            }
        }
        o
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

impl Reporter for Json {
    fn render(&self, d: &Diff) -> String {
        // Serializing plain data with string keys cannot fail.
        let mut s = serde_json::to_string_pretty(d).unwrap_or_default();
        s.push('\n');
        s
    }
}
