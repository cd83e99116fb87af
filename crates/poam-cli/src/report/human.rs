//! `--format human` (the default): `file:line:column: severity[rule]: message`, the source
//! line with a caret under the place, the JSON pointer, and the rule's help; then a summary
//! line per file.

use std::io::Write;

use poam::validate::{Place, RuleInfo, Severity};

use poam::io::LineIndex;
use poam::io::Position;

use super::{FileReport, Outcome, Reporter, read_error_place};

pub struct Human;

/// Longest source excerpt shown, in characters.
const WIDTH: usize = 100;

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The part of the line around `at` to show, and where the caret goes in it (in
/// characters). Only the characters shown are looked at: a long (minified) line costs no
/// more per finding than a short one.
fn excerpt(lines: &LineIndex<'_>, at: Position) -> Option<(String, usize)> {
    let line = lines.line(at.line)?;
    let line_start = lines.offset(Position {
        line: at.line,
        column: 1,
    })?;
    let caret_byte = lines.offset(at)?.saturating_sub(line_start).min(line.len());
    let (before, after) = line.split_at(caret_byte);
    let tab = |c: char| if c == '\t' { ' ' } else { c };
    if line.chars().nth(WIDTH).is_none() {
        return Some((line.chars().map(tab).collect(), before.chars().count()));
    }
    // At most WIDTH/2 characters before the caret, the rest of WIDTH from it.
    let left: Vec<char> = before.chars().rev().take(WIDTH / 2).collect();
    let cut_left = before.chars().rev().nth(WIDTH / 2).is_some();
    let room = WIDTH - left.len();
    let cut_right = after.chars().nth(room).is_some();
    let mut shown = String::new();
    let mut caret = left.len();
    if cut_left {
        shown.push('…');
        caret += 1;
    }
    shown.extend(left.iter().rev().map(|&c| tab(c)));
    shown.extend(after.chars().take(room).map(tab));
    if cut_right {
        shown.push('…');
    }
    Some((shown, caret))
}

fn snippet(
    out: &mut dyn Write,
    lines: Option<&LineIndex<'_>>,
    place: Option<&Place>,
) -> std::io::Result<()> {
    let (Some(lines), Some(Place::Text { line, column })) = (lines, place) else {
        return Ok(());
    };
    let at = Position {
        line: *line,
        column: *column,
    };
    let Some((shown, caret)) = excerpt(lines, at) else {
        return Ok(());
    };
    let gutter = line.to_string().len();
    writeln!(out, "{:gutter$} |", "")?;
    writeln!(out, "{line} | {shown}")?;
    writeln!(out, "{:gutter$} | {:caret$}^", "", "")
}

impl Reporter for Human {
    fn report(&self, files: &[FileReport], out: &mut dyn Write) -> std::io::Result<()> {
        for f in files {
            let lines = f.text.as_deref().map(LineIndex::new);
            match &f.outcome {
                Outcome::Unreadable(e) => {
                    let at = read_error_place(e)
                        .map(|p| format!(":{p}"))
                        .unwrap_or_default();
                    writeln!(
                        out,
                        "{}{at}: error[{}]: {}",
                        f.path,
                        poam::validate::UNREADABLE.id,
                        e.message
                    )?;
                    snippet(out, lines.as_ref(), read_error_place(e).as_ref())?;
                    if let Some(p) = &e.pointer {
                        writeln!(out, "  = at {p}")?;
                    }
                    writeln!(out, "{}: could not be read\n", f.path)?;
                }
                Outcome::Checked(ds) => {
                    for l in ds {
                        let at = l
                            .place
                            .as_ref()
                            .map(|p| format!(":{p}"))
                            .unwrap_or_default();
                        writeln!(
                            out,
                            "{}{at}: {}[{}]: {}",
                            f.path, l.diag.severity, l.diag.rule, l.diag.message
                        )?;
                        snippet(out, lines.as_ref(), l.place.as_ref())?;
                        writeln!(
                            out,
                            "  = at {}",
                            if l.diag.pointer.is_empty() {
                                "/"
                            } else {
                                &l.diag.pointer
                            }
                        )?;
                        if let Some(h) = l.diag.help {
                            writeln!(out, "  = help: {h}")?;
                        }
                        writeln!(out)?;
                    }
                    let (e, w, i) = (
                        f.count(Severity::Error),
                        f.count(Severity::Warning),
                        f.count(Severity::Info),
                    );
                    if let Some(r) = &f.rule_set {
                        writeln!(out, "{}: checked against {}", f.path, r.describe())?;
                    }
                    let mut parts = vec![plural(e, "error"), plural(w, "warning")];
                    if i > 0 {
                        parts.push(plural(i, "note"));
                    }
                    writeln!(
                        out,
                        "{}: {} ({})",
                        f.path,
                        if f.valid() { "valid" } else { "invalid" },
                        parts.join(", ")
                    )?;
                }
            }
        }
        if files.len() > 1 {
            let valid = files.iter().filter(|f| f.valid()).count();
            let unreadable = files
                .iter()
                .filter(|f| matches!(f.outcome, Outcome::Unreadable(_)))
                .count();
            writeln!(
                out,
                "{} checked: {valid} valid, {} invalid, {unreadable} unreadable",
                plural(files.len(), "file"),
                files.len() - valid - unreadable
            )?;
        }
        Ok(())
    }

    fn rules(&self, rules: &[&RuleInfo], out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(
            out,
            "The metaschema constraint rules (oscal-allowed-values, oscal-matches, oscal-is-unique,\n\
             oscal-has-cardinality, oscal-expect) apply the constraints of the OSCAL version a\n\
             document declares in metadata/oscal-version: {}; any other\n\
             version is checked against the newest set, and the report says so.\n",
            poam::validate::rule_set_mapping()
        )?;
        let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
        let mut profile = None;
        for r in rules {
            if profile != Some(r.profile) {
                profile = Some(r.profile);
                let title = match r.profile {
                    poam::validate::Profile::Oscal => "OSCAL (always checked)",
                    poam::validate::Profile::Fedramp => "FedRAMP (--profile fedramp)",
                };
                writeln!(
                    out,
                    "{}{title}",
                    if r.profile == poam::validate::Profile::Oscal {
                        ""
                    } else {
                        "\n"
                    }
                )?;
            }
            writeln!(
                out,
                "  {:width$}  {:7}  {}",
                r.id,
                r.severity.as_str(),
                r.summary
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(column: usize) -> Position {
        Position { line: 1, column }
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let line = "x".repeat(300);
        let lines = LineIndex::new(&line);
        let (s, caret) = excerpt(&lines, at(200)).unwrap_or_default();
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert_eq!(s.chars().count(), WIDTH + 2);
        assert_eq!(s.chars().nth(caret), Some('x'));
        assert_eq!(caret, WIDTH / 2 + 1);
        // Near the start: nothing cut on the left.
        let (s, caret) = excerpt(&lines, at(3)).unwrap_or_default();
        assert!(!s.starts_with('…') && s.ends_with('…'), "{s}");
        assert_eq!((s.chars().count(), caret), (WIDTH + 1, 2));
        // Near the end: nothing cut on the right.
        let (s, caret) = excerpt(&lines, at(299)).unwrap_or_default();
        assert!(s.starts_with('…') && !s.ends_with('…'), "{s}");
        assert_eq!(s.chars().nth(caret), Some('x'));
        let short = LineIndex::new("\tab");
        let (s, caret) = excerpt(&short, at(2)).unwrap_or_default();
        assert_eq!((s.as_str(), caret), (" ab", 1));
    }
}
