//! The checks every input goes through, per reader:
//!
//! - the reader returns (no panic: `guard.rs` catches them);
//! - an error names its place: `line:column` or a JSON pointer for `poam_io::ReadError`, a
//!   byte offset for markup's `XmlError`, the zip directory, part, sheet or cell for a
//!   workbook's `ImportError` (the file only when the file as a whole is not a workbook);
//! - what is read round-trips: written in every format and read again, it is the same model
//!   (for markup, the same tree, as `poam_markup`'s documented guarantees state it).
//!
//! A writer that refuses a value its format cannot hold (a control character in XML, a cell
//! longer than Excel allows) is not a failure: it is counted as a refusal.

use std::fmt;

use poam_io::{Document, Format, ReadError, SourceName};
use poam_markup::{MarkupLine, MarkupMultiline, xml::XmlError};

use super::Reader;
use crate::conformance::documents::difference;

/// The name inputs are read under (errors must name it).
pub const INPUT_NAME: &str = "fuzz-input";

/// What a passing input did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Read (`true`) or refused with an error that has a place (`false`).
    pub read: bool,
    /// Round-trip writes a writer refused (a value its format cannot hold).
    pub write_refusals: u32,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.read {
            write!(f, "read, round trips equal")?;
        } else {
            write!(f, "refused with a placed error")?;
        }
        if self.write_refusals > 0 {
            write!(f, " ({} writes refused)", self.write_refusals)?;
        }
        Ok(())
    }
}

/// Why an input fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    Panic,
    Hang,
    /// The process died (stack overflow, abort).
    Crash,
    /// An error without a place.
    NoPlace,
    /// What was read differs after a trip through a format, or does not read back.
    RoundTrip,
}

impl FailureKind {
    pub fn name(self) -> &'static str {
        match self {
            FailureKind::Panic => "panic",
            FailureKind::Hang => "hang",
            FailureKind::Crash => "crash",
            FailureKind::NoPlace => "no-place",
            FailureKind::RoundTrip => "round-trip",
        }
    }
}

/// A failing input's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    pub detail: String,
}

impl Failure {
    pub fn new(kind: FailureKind, detail: String) -> Self {
        Self { kind, detail }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.detail)
    }
}

/// Runs the checks of `reader` on `bytes` (in this thread; see `guard.rs`).
pub fn check(reader: Reader, bytes: &[u8]) -> Result<Outcome, Failure> {
    match reader {
        Reader::Json => oscal(bytes, Format::Json),
        Reader::Yaml => oscal(bytes, Format::Yaml),
        Reader::Xml => oscal(bytes, Format::Xml),
        Reader::Markdown => markdown(&String::from_utf8_lossy(bytes)),
        Reader::MarkupXml => markup_xml(&String::from_utf8_lossy(bytes)),
        Reader::Xlsx => xlsx(bytes),
    }
}

fn oscal(bytes: &[u8], format: Format) -> Result<Outcome, Failure> {
    match poam_io::read(bytes, &SourceName(INPUT_NAME.into()), Some(format)) {
        Ok(doc) => round_trip(&doc, &format!("{format:?}")),
        Err(e) => read_error_has_place(&e).map(|()| Outcome::default()),
    }
}

/// A `ReadError` names the file, and a line and column or a pointer unless the file is empty.
fn read_error_has_place(e: &ReadError) -> Result<(), Failure> {
    let placed = e.position.is_some() || e.pointer.is_some();
    if e.source_name == INPUT_NAME && (placed || e.kind == poam_io::ErrorKind::Empty) {
        Ok(())
    } else {
        Err(Failure::new(
            FailureKind::NoPlace,
            format!("{:?} error without a place: {e}", e.kind),
        ))
    }
}

/// `doc` written in every OSCAL format and read again must be `doc`.
fn round_trip(doc: &Document, from: &str) -> Result<Outcome, Failure> {
    let mut outcome = Outcome {
        read: true,
        write_refusals: 0,
    };
    for format in [Format::Json, Format::Yaml, Format::Xml] {
        let bytes = match poam_io::write(doc, format) {
            Ok(b) => b,
            // XML 1.0 cannot hold some characters JSON and YAML can.
            Err(poam_io::WriteError::Xml(_)) if format == Format::Xml => {
                outcome.write_refusals += 1;
                continue;
            }
            Err(e) => {
                return Err(Failure::new(
                    FailureKind::RoundTrip,
                    format!("read as {from}, cannot be written as {format:?}: {e}"),
                ));
            }
        };
        let name = SourceName(format!("{INPUT_NAME}.{format:?}"));
        let mut again = poam_io::read(&bytes, &name, Some(format)).map_err(|e| {
            Failure::new(
                FailureKind::RoundTrip,
                format!("read as {from}, written as {format:?}, does not read back: {e}"),
            )
        })?;
        if format == Format::Xml {
            // OSCAL XML has no place for `$schema`, a JSON and YAML directive.
            again.schema.clone_from(&doc.schema);
        }
        let trip = if format == Format::Xml {
            Trip::Xml
        } else {
            Trip::Markdown
        };
        if let Some(at) = trip_difference(doc, &again, trip) {
            return Err(Failure::new(
                FailureKind::RoundTrip,
                format!(
                    "read as {from}, written as {format:?} and read again, differs at {at}: {}",
                    values_at(doc, &again, &at)
                ),
            ));
        }
    }
    Ok(outcome)
}

/// What a trip through a format may change, as documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trip {
    /// JSON and YAML carry markup as Markdown: `<i>`, `<b>` and `<q>` come back as emphasis,
    /// strong and text (`markdown_equivalent`).
    Markdown,
    /// The XML reader collapses whitespace in the values whose XSD type collapses it
    /// (date-times, URIs, Base64), as a schema-aware XML reader does (`poam_io::xml`).
    Xml,
}

/// Where `after` differs from `before`, allowing what the `trip` may change and nothing else.
fn trip_difference(before: &Document, after: &Document, trip: Trip) -> Option<String> {
    use poam_model::walk::{Node, Path, Value, Visitor, Walk};
    // Every object and every value, in walk order, as the trip leaves them.
    struct Values(Trip, Vec<(String, String)>);
    impl Visitor for Values {
        fn node(&mut self, path: &Path, _node: Node<'_>) {
            self.1.push((path.to_string(), "{".to_owned()));
        }
        fn value(&mut self, path: &Path, value: Value<'_>) {
            let text = match (self.0, value) {
                (Trip::Markdown, Value::MarkupLine(m)) => format!("{:?}", m.markdown_equivalent()),
                (Trip::Markdown, Value::MarkupMultiline(m)) => {
                    format!("{:?}", m.markdown_equivalent())
                }
                (Trip::Xml, Value::DateTimeWithTimezone(v)) => collapse(v.as_str()),
                (Trip::Xml, Value::Uri(v)) => collapse(v.as_str()),
                (Trip::Xml, Value::UriReference(v)) => collapse(v.as_str()),
                (Trip::Xml, Value::Base64(v)) => collapse(v.as_str()),
                (_, other) => format!("{other:?}"),
            };
            self.1.push((path.to_string(), text));
        }
    }
    if before == after {
        return None;
    }
    let collect = |doc: &Document| {
        let mut v = Values(trip, Vec::new());
        doc.plan_of_action_and_milestones
            .walk(&mut Path::root(), &mut v);
        v.1
    };
    let (a, b) = (collect(before), collect(after));
    let found = a
        .iter()
        .zip(&b)
        .find(|(x, y)| x != y)
        .map(|((path, _), _)| path.clone());
    match found {
        Some(path) => Some(path),
        None if a.len() != b.len() => Some("(one model has more values)".to_owned()),
        // Equal but for what the trip may change.
        None => None,
    }
}

/// XSD's `whiteSpace="collapse"`.
fn collapse(text: &str) -> String {
    text.split([' ', '\t', '\r', '\n'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The two values at `pointer`, as JSON, for the failure's report.
fn values_at(before: &Document, after: &Document, pointer: &str) -> String {
    let at = |doc: &Document| {
        let value = serde_json::to_value(doc).ok();
        let text = value
            .as_ref()
            .and_then(|v| v.pointer(pointer))
            .map_or_else(|| "(nothing)".to_owned(), ToString::to_string);
        text.chars().take(400).collect::<String>()
    };
    format!("{} before, {} after", at(before), at(after))
}

/// Markdown never fails to read; what it reads is normalized and survives Markdown and XML.
fn markdown(text: &str) -> Result<Outcome, Failure> {
    let mut outcome = Outcome {
        read: true,
        write_refusals: 0,
    };
    let multi = MarkupMultiline::from_markdown(text);
    if !multi.is_normalized() {
        return Err(trip_failure(
            "markup-multiline from Markdown is not normalized",
            &multi,
        ));
    }
    let back = MarkupMultiline::from_markdown(&multi.to_markdown());
    if back != multi {
        return Err(trip_failure(
            "markup-multiline -> Markdown -> tree differs",
            &multi,
        ));
    }
    xml_round_trip(
        "markup-multiline",
        &multi,
        |m| poam_markup::xml::multiline_to_string("description", m),
        poam_markup::xml::multiline_from_str,
        |a, b| a == b,
        &mut outcome,
    )?;

    let line = MarkupLine::from_markdown(text);
    if !line.is_normalized() {
        return Err(trip_failure(
            "markup-line from Markdown is not normalized",
            &line,
        ));
    }
    if MarkupLine::from_markdown(&line.to_markdown()) != line {
        return Err(trip_failure(
            "markup-line -> Markdown -> tree differs",
            &line,
        ));
    }
    xml_round_trip(
        "markup-line",
        &line,
        |l| poam_markup::xml::line_to_string("title", l),
        poam_markup::xml::line_from_str,
        |a, b| a == b,
        &mut outcome,
    )?;
    Ok(outcome)
}

/// XML markup: an error has a byte offset; a tree read survives XML (up to normalization, as
/// documented) and Markdown (up to the documented lossy mappings).
fn markup_xml(text: &str) -> Result<Outcome, Failure> {
    use poam_markup::xml::{
        line_from_str, line_to_string, multiline_from_str, multiline_to_string,
    };
    let mut outcome = Outcome::default();
    match multiline_from_str(text) {
        Err(e) => xml_error_has_place(&e)?,
        Ok(multi) => {
            outcome.read = true;
            xml_round_trip(
                "markup-multiline",
                &multi,
                |m| multiline_to_string("description", m),
                multiline_from_str,
                |a, b| a.clone().normalized() == b.clone().normalized(),
                &mut outcome,
            )?;
            let md = multi.to_markdown();
            if MarkupMultiline::from_markdown(&md) != multi.markdown_equivalent() {
                return Err(trip_failure(
                    "markup-multiline -> Markdown -> tree differs",
                    &multi,
                ));
            }
        }
    }
    match line_from_str(text) {
        Err(e) => xml_error_has_place(&e)?,
        Ok(line) => {
            outcome.read = true;
            xml_round_trip(
                "markup-line",
                &line,
                |l| line_to_string("title", l),
                line_from_str,
                |a, b| a.clone().normalized() == b.clone().normalized(),
                &mut outcome,
            )?;
            if MarkupLine::from_markdown(&line.to_markdown()) != line.markdown_equivalent() {
                return Err(trip_failure(
                    "markup-line -> Markdown -> tree differs",
                    &line,
                ));
            }
        }
    }
    Ok(outcome)
}

/// One XML round trip of a markup tree: written, read back and compared with `same`. A
/// character XML cannot hold is a counted refusal (documented), any other error a failure.
fn xml_round_trip<T: fmt::Debug>(
    what: &str,
    tree: &T,
    write: impl FnOnce(&T) -> Result<String, XmlError>,
    read: impl FnOnce(&str) -> Result<T, XmlError>,
    same: impl FnOnce(&T, &T) -> bool,
    outcome: &mut Outcome,
) -> Result<(), Failure> {
    match write(tree) {
        Ok(x) => match read(&x) {
            Ok(back) if same(&back, tree) => Ok(()),
            Ok(_) => Err(trip_failure(
                &format!("{what} -> XML -> tree differs"),
                tree,
            )),
            Err(e) => Err(xml_unreadable(what, &e, &x)),
        },
        Err(XmlError::UnwritableChar { .. }) => {
            outcome.write_refusals += 1;
            Ok(())
        }
        Err(e) => Err(xml_unwritable(what, &e)),
    }
}

fn xml_error_has_place(e: &XmlError) -> Result<(), Failure> {
    match e.offset() {
        Some(_) => Ok(()),
        None => Err(Failure::new(
            FailureKind::NoPlace,
            format!("markup XML error without a byte offset: {e}"),
        )),
    }
}

fn trip_failure(what: &str, tree: &impl fmt::Debug) -> Failure {
    Failure::new(
        FailureKind::RoundTrip,
        format!("{what}; the tree read: {tree:?}"),
    )
}

fn xml_unreadable(what: &str, e: &XmlError, xml: &str) -> Failure {
    Failure::new(
        FailureKind::RoundTrip,
        format!("{what} written as XML does not read back ({e}): {xml}"),
    )
}

fn xml_unwritable(what: &str, e: &XmlError) -> Failure {
    Failure::new(
        FailureKind::RoundTrip,
        format!("{what} read cannot be written as XML: {e}"),
    )
}

/// A workbook: an error names the file; an import round-trips through every OSCAL format and
/// through a workbook (`import(export(doc)) == doc`, as the conformance run requires).
fn xlsx(bytes: &[u8]) -> Result<Outcome, Failure> {
    // Both ways of treating the template's example rows, so that their rows are read too.
    let keep_example_rows = !bytes.len().is_multiple_of(2);
    let options = poam_xlsx::ReadOptions { keep_example_rows };
    let imported = match poam_xlsx::import(bytes, INPUT_NAME, &options) {
        Ok(i) => i,
        Err(e) => return import_error_has_place(&e).map(|()| Outcome::default()),
    };
    let doc = &imported.document;
    let mut outcome = round_trip(doc, "xlsx")?;
    let exported = match poam_xlsx::export(doc) {
        Ok(e) => e,
        Err(
            poam_xlsx::ExportError::CellTooLong { .. }
            | poam_xlsx::ExportError::TooManyRows
            | poam_xlsx::ExportError::Nul { .. },
        ) => {
            outcome.write_refusals += 1;
            return Ok(outcome);
        }
        Err(e) => {
            return Err(Failure::new(
                FailureKind::RoundTrip,
                format!("imported, cannot be exported: {e}"),
            ));
        }
    };
    let again = poam_xlsx::import(&exported.bytes, INPUT_NAME, &options).map_err(|e| {
        Failure::new(
            FailureKind::RoundTrip,
            format!("imported and exported, the export does not import: {e}"),
        )
    })?;
    if let Some(at) = difference(doc, &again.document) {
        return Err(Failure::new(
            FailureKind::RoundTrip,
            format!("imported, exported and imported again, differs at {at}"),
        ));
    }
    Ok(outcome)
}

/// A workbook error names the file, and a place in it (the zip directory, a part, a sheet
/// or a cell) unless it is about the file as a whole: not a zip, encrypted, or without any
/// item.
fn import_error_has_place(e: &poam_xlsx::ImportError) -> Result<(), Failure> {
    use poam_xlsx::{ErrorPlace, ImportErrorKind as K};
    let whole_file = matches!(e.kind, K::NotZip | K::Encrypted | K::NoItems(_));
    let placed = whole_file || e.place != ErrorPlace::File;
    if e.source_name == INPUT_NAME && e.to_string().starts_with(INPUT_NAME) && placed {
        Ok(())
    } else {
        Err(Failure::new(
            FailureKind::NoPlace,
            format!("workbook error without a place: {e}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(path: &str) -> Vec<u8> {
        let root = crate::workspace_root();
        std::fs::read(root.join(path)).expect("fixture")
    }

    #[test]
    fn good_documents_pass_every_check() {
        for (path, reader) in [
            ("fixtures/poam/full.json", Reader::Json),
            ("fixtures/poam/full.yaml", Reader::Yaml),
            ("fixtures/xml/full.xml", Reader::Xml),
        ] {
            let outcome = check(reader, &fixture(path)).unwrap_or_else(|f| panic!("{path}: {f}"));
            assert!(outcome.read, "{path}");
        }
    }

    #[test]
    fn placed_errors_pass_and_the_place_is_required() {
        let outcome = check(Reader::Json, b"{\"a\": ").expect("a syntax error has a place");
        assert!(!outcome.read);
        let unplaced = ReadError::new(
            &SourceName(INPUT_NAME.into()),
            poam_io::ErrorKind::Structure,
            "no place",
        );
        let f = read_error_has_place(&unplaced).expect_err("no place");
        assert_eq!(f.kind, FailureKind::NoPlace);
        let empty = ReadError::new(
            &SourceName(INPUT_NAME.into()),
            poam_io::ErrorKind::Empty,
            "",
        );
        assert!(read_error_has_place(&empty).is_ok());
    }

    #[test]
    fn markup_checks_read_and_refuse() {
        let md = check(
            Reader::Markdown,
            b"# T\n\n*a* **b** `c` [d](e)\n\n- x\n- y\n",
        )
        .expect("markdown");
        assert!(md.read);
        let xml = check(
            Reader::MarkupXml,
            b"<description><p>a <em>b</em></p></description>",
        )
        .expect("markup xml");
        assert!(xml.read);
        let bad = check(
            Reader::MarkupXml,
            b"<description><p>a <blink/></p></description>",
        )
        .expect("an unknown element is a placed error");
        assert!(!bad.read);
    }

    #[test]
    fn a_non_workbook_is_a_named_error() {
        let outcome = check(Reader::Xlsx, b"not a zip").expect("named error");
        assert!(!outcome.read);
    }
}
