//! OSCAL YAML. Reading follows YAML 1.2 scalar rules by deserializing into the typed model:
//! `value: yes` is the string "yes" wherever the model wants a string. Writing quotes every
//! string a YAML 1.1 reader would take for something else (`"yes"`, `"on"`, `"1.0"`, `"~"`).

use poam_model::Document;

use crate::SourceName;
use crate::error::{ErrorKind, MAX_DEPTH, Position, ReadError, WriteError, plain_words};
use crate::json::{on_parse_stack, pointer_of};

pub(crate) fn read(text: &str, name: &SourceName) -> Result<Document, ReadError> {
    on_parse_stack(name, || read_here(text, name))
}

fn read_here(text: &str, name: &SourceName) -> Result<Document, ReadError> {
    let mut pointer = String::new();
    let mut options = serde_saphyr::Options::default();
    options.with_snippet = false;
    options.budget = Some(budget());
    let result = serde_saphyr::with_deserializer_from_str_with_options(text, options, |de| {
        serde_path_to_error::deserialize(de).map_err(|e| {
            pointer = pointer_of(e.path());
            e.into_inner()
        })
    });
    result.map_err(|e| {
        let full = e.to_string();
        let message = own_words(&e).unwrap_or_else(|| clean_message(&full));
        let kind = kind_of(&e);
        let mut err = ReadError::new(name, kind, message).with_pointer(pointer.clone());
        if let Some(loc) = e.location()
            && loc.line() > 0
        {
            let line = usize::try_from(loc.line()).unwrap_or(usize::MAX);
            let column = usize::try_from(loc.column()).unwrap_or(usize::MAX).max(1);
            err = err.at(Position { line, column });
        } else if let Some(p) = crate::locate::locate(text, crate::Format::Yaml, &pointer) {
            // serde-saphyr has no location for some errors raised by the model's own
            // deserializers (an unknown member at the document root): the pointer's node is
            // the place (the root's first node for the root).
            err = err.at(p);
        }
        err
    })
}

/// The kind of a serde-saphyr error, by the error's variant (never by its message text): a
/// safety limit, a YAML text that is not well formed, or well-formed YAML that is not a
/// POA&M of the model's shape (serde's own errors and the model's messages).
fn kind_of(e: &serde_saphyr::Error) -> ErrorKind {
    use serde_saphyr::Error as E;
    use serde_saphyr::ExternalMessageSource as Source;
    use serde_saphyr::granit_parser::ErrorKind as Scan;
    if is_duplicate_key(e) {
        // A key given twice: not well-formed YAML (as in JSON, unreadable, not a shape
        // problem).
        return ErrorKind::Syntax;
    }
    let mut e = e;
    while let E::WithSnippet { error, .. } | E::AliasError { error, .. } = e {
        e = error;
    }
    match e {
        E::Budget { .. }
        | E::AliasReplayCounterOverflow { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. } => ErrorKind::Limit,
        E::ExternalMessage { source, .. } if matches!(&**source, Source::Parser(scan) if *scan.kind() == Scan::RecursionLimitExceeded) => {
            ErrorKind::Limit
        }
        // `Message` is serde's `custom` error: the model's own deserializers and derives.
        E::Message { .. }
        | E::Unexpected { .. }
        | E::SerdeInvalidType { .. }
        | E::SerdeInvalidValue { .. }
        | E::SerdeInvalidLength { .. }
        | E::SerdeUnknownVariant { .. }
        | E::SerdeUnknownField { .. }
        | E::SerdeMissingField { .. }
        | E::SerdeVariantId { .. }
        | E::NullIntoString { .. }
        | E::InvalidCharNull { .. }
        | E::InvalidCharNotSingleScalar { .. }
        | E::TaggedEnumMismatch { .. }
        | E::UnexpectedValueForUnit { .. }
        | E::UnexpectedValueForUnitEnumVariant { .. }
        | E::ExpectedEmptyMappingForUnitStruct { .. }
        | E::ExpectedStringKeyForExternallyTaggedEnum { .. }
        | E::ExternallyTaggedEnumExpectedScalarOrMapping { .. } => ErrorKind::Structure,
        _ => ErrorKind::Syntax,
    }
}

/// serde-saphyr's limits are sized for configuration files: its default caps (250,000 nodes,
/// 1,000,000 events) would refuse a POA&M of a few tens of thousands of items. The text is
/// already in memory, so counts bounded by its length need no cap; what stays capped is what
/// can grow beyond the input (alias expansion, which keeps its defaults) and what costs stack
/// (nesting). Public so that other readers of OSCAL YAML (the validator's untyped pass) accept
/// exactly the documents this reader accepts.
pub fn budget() -> serde_saphyr::Budget {
    let mut b = serde_saphyr::Budget::default();
    b.max_depth = MAX_DEPTH;
    b.flow_nesting_limit = MAX_DEPTH;
    b.max_events = usize::MAX;
    b.max_nodes = usize::MAX;
    b.max_total_scalar_bytes = usize::MAX;
    b
}

/// Whether the error is a key given twice in one mapping: serde-saphyr's own error, or (for
/// a key the mapping's spelling hides from it) the model's derived reader's `duplicate field`.
fn is_duplicate_key(e: &serde_saphyr::Error) -> bool {
    use serde_saphyr::Error as E;
    let mut e = e;
    while let E::WithSnippet { error, .. } | E::AliasError { error, .. } = e {
        e = error;
    }
    matches!(e, E::DuplicateMappingKey { .. }) || e.to_string().contains("duplicate field `")
}

/// poam's words for the errors whose serde-saphyr message gives a Rust programmer's advice
/// (`use from_str_multiple ...`, `use Option<String>`, `set DuplicateKeyPolicy ...`).
fn own_words(e: &serde_saphyr::Error) -> Option<String> {
    use serde_saphyr::Error as E;
    let mut e = e;
    while let E::WithSnippet { error, .. } | E::AliasError { error, .. } = e {
        e = error;
    }
    Some(match e {
        E::MultipleDocuments { .. } => {
            "a second YAML document (after `---`); a POA&M file holds one document".into()
        }
        E::DuplicateMappingKey { key: Some(k), .. } => format!("duplicate key `{k}`"),
        E::DuplicateMappingKey { key: None, .. } => "duplicate key".into(),
        E::NullIntoString { .. } | E::InvalidCharNull { .. } => NULL_STRING.into(),
        E::BinaryNotUtf8 { .. } => "a `!!binary` value that is not UTF-8 text".into(),
        E::MergeKeyNotAllowed { .. } => "YAML merge keys (`<<`) are not read".into(),
        E::NonFiniteFloat { value, .. } => format!("`{value}` is not a finite number"),
        E::TaggedStructFieldName { tag, .. } => format!("a key with the tag `{tag}`"),
        E::RecursiveReferencesRequireWeakTypes { .. } => "a recursive alias".into(),
        _ => return None,
    })
}

const NULL_STRING: &str =
    "expected a string, found null (an empty value or `~`; quote it to mean the text)";

/// serde-saphyr's message without its `error: line L column C: ` prefix, and in words that do
/// not name its options.
fn clean_message(full: &str) -> String {
    let first = full.lines().next().unwrap_or(full);
    let s = first.strip_prefix("error: ").unwrap_or(first);
    let s = match s.strip_prefix("line ") {
        Some(rest) => rest.split_once(": ").map_or(s, |(_, m)| m),
        None => s,
    };
    // Some messages repeat the position at their end.
    let s = match s.rfind(" at line ") {
        Some(i) if s[i..].contains(", column ") => &s[..i],
        _ => s,
    };
    if s.contains("recursion limit exceeded") {
        return format!("nested too deeply (more than {MAX_DEPTH} levels)");
    }
    if let Some(breach) = s.strip_prefix("budget breached: ") {
        return if breach.starts_with("Depth") {
            format!("nested too deeply (more than {MAX_DEPTH} levels)")
        } else {
            format!("exceeds a YAML safety limit ({breach})")
        };
    }
    match s {
        "expected mapping start" => return "expected a mapping".into(),
        "expected sequence start" => return "expected a sequence".into(),
        "expected string scalar" => return "expected a string".into(),
        _ => {}
    }
    if s.starts_with("cannot deserialize null into string") {
        return NULL_STRING.into();
    }
    if let Some(rest) = s.strip_prefix("duplicate mapping key: ") {
        let key = rest
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(rest);
        return format!("duplicate key `{key}`");
    }
    plain_words(without_api_advice(s), false)
}

/// The message up to any advice to the library's programmer (`; use ...`, `, set ... in
/// Options`, `If you just use ...`), for the messages [`own_words`] does not know yet.
fn without_api_advice(s: &str) -> &str {
    [
        "; use ",
        ", use ",
        ", set ",
        "; set ",
        ". If you ",
        " in Options",
    ]
    .iter()
    .filter_map(|advice| s.find(advice))
    .min()
    .map_or(s, |i| s[..i].trim_end())
}

pub(crate) fn write(doc: &Document) -> Result<Vec<u8>, WriteError> {
    let text = serde_saphyr::to_string(doc).map_err(|e| WriteError::Yaml(e.to_string()))?;
    Ok(text.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by `cargo xtask fuzz` (fixtures/fuzz/yaml/unknown-root-member.yaml): serde-saphyr
    /// gives no location for the model's own error about the document root.
    #[test]
    fn an_unknown_member_at_the_root_has_a_place() {
        let text = "# a comment\nplan-of-action-and-milestone:\n  uuid: x\n";
        let e = read(text, &SourceName("t.yaml".into())).expect_err("unknown root member");
        assert_eq!(e.kind, ErrorKind::Structure, "{e}");
        assert!(e.message.contains("at the document root"), "{e}");
        assert_eq!(e.position, Some(Position { line: 2, column: 1 }), "{e}");
    }

    /// The kind comes from serde-saphyr's error variant: a parser message that says
    /// "expected" is still a syntax error, a model message is a structure error.
    #[test]
    fn kinds_follow_the_error_not_its_words() {
        let kind = |text: &str| {
            read(text, &SourceName("t.yaml".into()))
                .expect_err("refused")
                .kind
        };
        let root = "plan-of-action-and-milestones:\n";
        assert_eq!(
            kind(&format!("{root}  poam-items: [{{uuid: <<: x}}]")),
            ErrorKind::Syntax
        );
        assert_eq!(kind(&format!("{root}  uuid: 'x")), ErrorKind::Syntax);
        assert_eq!(kind(&format!("{root}  uuid: *nope")), ErrorKind::Syntax);
        assert_eq!(
            kind(&format!("{root}  {{uuid: 1, uuid: 2}}")),
            ErrorKind::Syntax
        );
        assert_eq!(kind(&format!("{root}  uuid: [1]")), ErrorKind::Structure);
        assert_eq!(kind("other-model:\n  uuid: x\n"), ErrorKind::Structure);
        assert_eq!(kind(&"[".repeat(1000)), ErrorKind::Limit);
    }

    #[test]
    fn library_advice_is_cut() {
        assert_eq!(
            clean_message(
                "error: line 3 column 1: multiple YAML documents detected; use from_str_multiple or from_str_multiple_with_options"
            ),
            "multiple YAML documents detected"
        );
        assert_eq!(
            clean_message("invalid char: cannot deserialize null; use Option<char>"),
            "invalid char: cannot deserialize null"
        );
        assert_eq!(
            clean_message(
                "!!binary scalar is not valid UTF-8 so cannot be stored into string. If you just use !!binary for documentation/annotation, set ignore_binary_tag_for_string in Options"
            ),
            "!!binary scalar is not valid UTF-8 so cannot be stored into string"
        );
    }
}
