//! JSON reading for the JSON scan formats, element by element: each reader visits the big
//! arrays (Trivy's results and vulnerabilities, SARIF's results, Grype's matches,
//! Inspector's findings) with serde's `DeserializeSeed`, turning each element into a finding
//! as it is read and skipping every member it does not use (`IgnoredAny`), so memory holds
//! the findings, not the document. The same readers run over a stream (`read_from`: the file
//! is never in memory) or over bytes (borrowing strings without escapes). Every error has
//! its line, column and member path (`Results[0].Vulnerabilities[3].VulnerabilityID`),
//! tracked as the reader goes ([`Path`]) at the cost of one copy of each member name.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::io::Read;
use std::marker::PhantomData;
use std::ops::Deref;

use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

use crate::error::{ScanError, ScanErrorKind};
use crate::finding::ScanFormat;

/// Where the reader is: the member names and array indexes from the root, written as
/// `runs[0].results[2].message`, kept in one buffer that grows and shrinks as the reader
/// enters and leaves values.
#[derive(Debug, Default)]
pub(crate) struct Path {
    text: String,
    /// Where each segment starts in `text`, outermost first.
    starts: Vec<usize>,
}

impl Path {
    /// How many segments deep the reader is; a container's own segments are pushed above it.
    pub(crate) fn depth(&self) -> usize {
        self.starts.len()
    }

    /// Back to `depth` segments.
    pub(crate) fn leave(&mut self, depth: usize) {
        if let Some(&start) = self.starts.get(depth) {
            self.text.truncate(start);
            self.starts.truncate(depth);
        }
    }

    /// The member `name` of the object at `depth`, in place of its previous member.
    fn member(&mut self, depth: usize, name: &str) {
        self.leave(depth);
        self.starts.push(self.text.len());
        if !self.text.is_empty() {
            self.text.push('.');
        }
        self.text.push_str(name);
    }

    /// The element `index` of the array at `depth`, in place of the previous element.
    fn index(&mut self, depth: usize, index: usize) {
        self.leave(depth);
        self.starts.push(self.text.len());
        // Writing to a String cannot fail.
        let _ = write!(self.text, "[{index}]");
    }

    /// The path as written in messages and finding places.
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }
}

/// The bytes a JSON reader runs over: a stream (a file, never held whole) or bytes in
/// memory.
pub(crate) enum Input<'a> {
    /// Read as it arrives, through a buffer (serde_json reads a stream byte by byte).
    Stream(std::io::BufReader<Box<dyn Read + 'a>>),
    /// Already in memory: strings without escapes are borrowed, not copied.
    Bytes(&'a [u8]),
}

impl<'a> Input<'a> {
    /// `stream`, read through a buffer.
    pub(crate) fn stream(stream: impl Read + 'a) -> Self {
        Input::Stream(std::io::BufReader::with_capacity(1 << 16, Box::new(stream)))
    }
}

/// A format's reader: its state (the findings so far, what the document says about the
/// scan) and where it is in the document.
pub(crate) trait Document {
    /// Where the reader is, for the place of an error.
    fn path(&self) -> &Path;

    /// Reads the whole document from `d`, findings into the state as they come.
    fn read<'de, D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error>;
}

/// Reads the JSON document in `input` (a UTF-8 BOM allowed) with `reader`, naming the place
/// of any error (`line L, column C (member path)`); content after the document is an error.
pub(crate) fn read_document(
    input: Input<'_>,
    reader: &mut impl Document,
    format: ScanFormat,
) -> Result<(), ScanError> {
    let outcome = match input {
        Input::Bytes(bytes) => {
            let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            let mut de = serde_json::Deserializer::from_slice(b);
            reader.read(&mut de).and_then(|()| de.end())
        }
        Input::Stream(mut stream) => skip_bom(&mut stream).and_then(|()| {
            let mut de = serde_json::Deserializer::from_reader(stream);
            reader.read(&mut de).and_then(|()| de.end())
        }),
    };
    outcome.map_err(|e| {
        let path = reader.path().as_str();
        located(&e, format, (!path.is_empty()).then(|| path.to_owned()))
    })
}

/// Consumes a UTF-8 byte order mark at the start of `stream`, if there is one.
fn skip_bom(stream: &mut impl std::io::BufRead) -> Result<(), serde_json::Error> {
    let head = stream.fill_buf().map_err(serde_json::Error::io)?;
    if head.starts_with(b"\xEF\xBB\xBF") {
        stream.consume(3);
    }
    Ok(())
}

/// One object a reader visits member by member ([`Object`] drives it).
pub(crate) trait Members<'de> {
    /// The members it reads, a `#[serde(field_identifier)]` enum whose `#[serde(other)]`
    /// variant is every other member.
    type Key: de::Deserialize<'de>;
    /// What the object becomes.
    type Value;
    /// What the object is, for "expected ..." messages.
    const EXPECTING: &'static str;

    /// Where the reader is.
    fn path(&mut self) -> &mut Path;

    /// Reads the value of the member `key` (every member must be read: `skip` one not used).
    fn member<A: MapAccess<'de>>(&mut self, key: Self::Key, map: &mut A) -> Result<(), A::Error>;

    /// The object once every member is read (a missing required member is an error here).
    fn end<E: de::Error>(self) -> Result<Self::Value, E>;
}

/// Reads a JSON object with `M`, each member's name in the path while its value is read.
pub(crate) struct Object<M>(pub(crate) M);

impl<'de, M: Members<'de>> DeserializeSeed<'de> for Object<M> {
    type Value = M::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<M::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, M: Members<'de>> Visitor<'de> for Object<M> {
    type Value = M::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(M::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<M::Value, A::Error> {
        let depth = self.0.path().depth();
        while let Some(key) = map.next_key_seed(MemberName {
            path: self.0.path(),
            depth,
            key: PhantomData::<M::Key>,
        })? {
            self.0.member(key, &mut map)?;
        }
        self.0.path().leave(depth);
        self.0.end()
    }
}

/// Reads a member's name as `K`, and puts it in the path.
struct MemberName<'p, K> {
    path: &'p mut Path,
    depth: usize,
    key: PhantomData<K>,
}

impl<'de, K: de::Deserialize<'de>> DeserializeSeed<'de> for MemberName<'_, K> {
    type Value = K;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<K, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, K: de::Deserialize<'de>> Visitor<'de> for MemberName<'_, K> {
    type Value = K;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<K, E> {
        self.path.member(self.depth, name);
        K::deserialize(name.into_deserializer())
    }
}

/// One array a reader visits element by element ([`Array`] drives it).
pub(crate) trait Elements<'de> {
    /// What the array holds, for "expected ..." messages.
    const EXPECTING: &'static str;

    /// Where the reader is.
    fn path(&mut self) -> &mut Path;

    /// Reads one element (its index is in the path).
    fn element<D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error>;
}

/// Reads a JSON array (or `null`, which holds nothing) with `E`, each element's index in
/// the path while it is read.
pub(crate) struct Array<E>(pub(crate) E);

impl<'de, E: Elements<'de>> DeserializeSeed<'de> for Array<E> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, E: Elements<'de>> Visitor<'de> for Array<E> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a list of {}", E::EXPECTING)
    }

    fn visit_unit<A: de::Error>(self) -> Result<(), A> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let depth = self.0.path().depth();
        for index in 0.. {
            self.0.path().index(depth, index);
            if seq.next_element_seed(Element(&mut self.0))?.is_none() {
                break;
            }
        }
        self.0.path().leave(depth);
        Ok(())
    }
}

struct Element<'e, E>(&'e mut E);

impl<'de, E: Elements<'de>> DeserializeSeed<'de> for Element<'_, E> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.0.element(d)
    }
}

/// The members of one object a reader keeps (a finding's fields as the scanner wrote
/// them), read into a struct of options.
pub(crate) trait Record<'de>: Default {
    /// The members kept, a `#[serde(field_identifier)]` enum whose `#[serde(other)]`
    /// variant is every other member.
    type Key: de::Deserialize<'de>;
    /// What the object is, for "expected ..." messages.
    const EXPECTING: &'static str;

    /// Reads the value of the member `key` (every member must be read: `skip` one not used;
    /// a value kept whole is read with [`nested`] and `path`).
    fn member<A: MapAccess<'de>>(
        &mut self,
        key: Self::Key,
        map: &mut A,
        path: &mut Path,
    ) -> Result<(), A::Error>;

    /// The record once every member is read: an error names a required member missing.
    fn complete<E: de::Error>(self) -> Result<Self, E> {
        Ok(self)
    }
}

/// Reads the object in `d` as the record `T`, each member's name in `path` while its value
/// is read.
pub(crate) fn record<'de, T: Record<'de>, D: Deserializer<'de>>(
    d: D,
    path: &mut Path,
) -> Result<T, D::Error> {
    d.deserialize_map(Object(RecordMembers {
        path,
        record: T::default(),
    }))
}

struct RecordMembers<'p, T> {
    path: &'p mut Path,
    record: T,
}

impl<'de, T: Record<'de>> Members<'de> for RecordMembers<'_, T> {
    type Key = T::Key;
    type Value = T;
    const EXPECTING: &'static str = T::EXPECTING;

    fn path(&mut self) -> &mut Path {
        self.path
    }

    fn member<A: MapAccess<'de>>(&mut self, key: T::Key, map: &mut A) -> Result<(), A::Error> {
        self.record.member(key, map, self.path)
    }

    fn end<E: de::Error>(self) -> Result<T, E> {
        self.record.complete()
    }
}

/// Reads the value of the member just named whole, as `T`: for the small values a reader
/// keeps as they are (a run's tool and rules, a CVSS, a package), with the path of an
/// error inside the value added to `path`.
pub(crate) fn nested<'de, A: MapAccess<'de>, T: de::Deserialize<'de>>(
    map: &mut A,
    path: &mut Path,
) -> Result<T, A::Error> {
    map.next_value_seed(Nested {
        path,
        value: PhantomData,
    })
}

struct Nested<'p, T> {
    path: &'p mut Path,
    value: PhantomData<T>,
}

impl<'de, T: de::Deserialize<'de>> DeserializeSeed<'de> for Nested<'_, T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        use serde_path_to_error::Segment;
        let mut track = serde_path_to_error::Track::new();
        T::deserialize(serde_path_to_error::Deserializer::new(d, &mut track)).inspect_err(|_| {
            for segment in &track.path() {
                // Each segment goes one deeper.
                let depth = self.path.depth();
                match segment {
                    Segment::Seq { index } => self.path.index(depth, *index),
                    Segment::Map { key } | Segment::Enum { variant: key } => {
                        self.path.member(depth, key);
                    }
                    Segment::Unknown => self.path.member(depth, "?"),
                }
            }
        })
    }
}

/// Reads the value of a member a reader does not use, without keeping it.
pub(crate) fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(|_| ())
}

/// A JSON string: borrowed from the input when it is in memory and has no escapes, else
/// owned.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Text<'de>(Cow<'de, str>);

impl Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> de::Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TextVisitor<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for TextVisitor<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(TextVisitor(PhantomData))
    }
}

/// [`crate::finding::meaningful_str`] of a text that may be missing.
pub(crate) fn meaningful<'t>(text: Option<&'t Text<'_>>) -> Option<&'t str> {
    crate::finding::meaningful_str(text?)
}

impl Text<'_> {
    /// The text as an owned string.
    pub(crate) fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

fn located(e: &serde_json::Error, format: ScanFormat, path: Option<String>) -> ScanError {
    let kind = if e.is_data() {
        ScanErrorKind::Structure
    } else {
        ScanErrorKind::Syntax
    };
    // serde_json's message ends with " at line L column C"; the place says that already.
    let text = e.to_string();
    let message = text
        .rfind(" at line ")
        .map_or(text.as_str(), |i| &text[..i])
        .to_owned();
    let message = match kind {
        ScanErrorKind::Syntax if e.is_eof() => {
            format!("malformed JSON: {message} (a truncated file?)")
        }
        ScanErrorKind::Syntax => format!("malformed JSON: {message}"),
        _ => message,
    };
    let mut place = format!("line {}, column {}", e.line(), e.column());
    if let Some(p) = path {
        let _ = write!(place, " ({p})");
    }
    ScanError::new(kind, Some(format), message).at(place)
}

/// A JSON value that scanners write as a string or a number (SARIF's
/// `security-severity` is text; some tools write a number).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(untagged)]
pub(crate) enum Number {
    Num(f64),
    Text(String),
}

impl Number {
    pub(crate) fn value(&self) -> Option<f64> {
        match self {
            Number::Num(n) => Some(*n),
            Number::Text(t) => t.trim().parse().ok(),
        }
    }
}

/// A date-time or date at the start of `text` (`2024-06-14T04:03:53+02:00`, `2021-06-29`),
/// as the date written.
pub(crate) fn date_of(text: &str) -> Option<chrono::NaiveDate> {
    let head = text.trim().get(..10)?;
    chrono::NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `{"items": [{"id": "...", "tags": {...}}, ...]}`: each item's id as it is read.
    #[derive(Default)]
    struct Items {
        path: Path,
        ids: Vec<(String, String)>,
    }

    impl Document for Items {
        fn path(&self) -> &Path {
            &self.path
        }

        fn read<'de, D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
            d.deserialize_map(Object(TopMembers(self)))
        }
    }

    #[derive(serde::Deserialize)]
    #[serde(field_identifier, rename_all = "lowercase")]
    enum TopKey {
        Items,
        #[serde(other)]
        Other,
    }

    struct TopMembers<'r>(&'r mut Items);

    impl<'de> Members<'de> for TopMembers<'_> {
        type Key = TopKey;
        type Value = ();
        const EXPECTING: &'static str = "a test document";

        fn path(&mut self) -> &mut Path {
            &mut self.0.path
        }

        fn member<A: MapAccess<'de>>(&mut self, key: TopKey, map: &mut A) -> Result<(), A::Error> {
            match key {
                TopKey::Items => map.next_value_seed(Array(ItemList(&mut *self.0))),
                TopKey::Other => skip(map),
            }
        }

        fn end<E: de::Error>(self) -> Result<(), E> {
            Ok(())
        }
    }

    struct ItemList<'r>(&'r mut Items);

    impl<'de> Elements<'de> for ItemList<'_> {
        const EXPECTING: &'static str = "items";

        fn path(&mut self) -> &mut Path {
            &mut self.0.path
        }

        fn element<D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
            let item: Item<'de> = record(d, self.path())?;
            let place = self.0.path.as_str().to_owned();
            self.0
                .ids
                .push((item.id.map(Text::into_owned).unwrap_or_default(), place));
            Ok(())
        }
    }

    #[derive(Default)]
    struct Item<'de> {
        id: Option<Text<'de>>,
    }

    #[derive(serde::Deserialize)]
    #[serde(field_identifier, rename_all = "lowercase")]
    enum ItemKey {
        Id,
        Tags,
        #[serde(other)]
        Other,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Tags {
        list: Vec<u32>,
    }

    impl<'de> Record<'de> for Item<'de> {
        type Key = ItemKey;
        const EXPECTING: &'static str = "an item";

        fn member<A: MapAccess<'de>>(
            &mut self,
            key: ItemKey,
            map: &mut A,
            path: &mut Path,
        ) -> Result<(), A::Error> {
            match key {
                ItemKey::Id => self.id = map.next_value()?,
                ItemKey::Tags => {
                    let _: Tags = nested(map, path)?;
                }
                ItemKey::Other => skip(map)?,
            }
            Ok(())
        }

        fn complete<E: de::Error>(self) -> Result<Self, E> {
            match self.id {
                Some(_) => Ok(self),
                None => Err(E::missing_field("id")),
            }
        }
    }

    /// Reads `text` both ways, from bytes and as a stream; both must agree.
    fn read(text: &str) -> Result<Vec<(String, String)>, ScanError> {
        let mut from_bytes = Items::default();
        let bytes = read_document(
            Input::Bytes(text.as_bytes()),
            &mut from_bytes,
            ScanFormat::Grype,
        );
        let mut from_stream = Items::default();
        let stream = read_document(
            Input::stream(text.as_bytes()),
            &mut from_stream,
            ScanFormat::Grype,
        );
        match (bytes, stream) {
            (Ok(()), Ok(())) => {
                assert_eq!(from_bytes.ids, from_stream.ids);
                Ok(from_bytes.ids)
            }
            (Err(b), Err(s)) => {
                assert_eq!((&b.kind, &b.message), (&s.kind, &s.message), "{text}");
                // serde_json counts the column of a stream one byte further after a number.
                let path = |e: &ScanError| {
                    e.place
                        .as_deref()
                        .and_then(|p| p.split_once(" ("))
                        .map(|(_, p)| p.to_owned())
                };
                assert_eq!(path(&b), path(&s), "{text}");
                Err(b)
            }
            (b, s) => panic!("{text}: from bytes {b:?}, as a stream {s:?}"),
        }
    }

    #[test]
    fn elements_are_read_one_by_one_with_their_places() {
        let ids = read("\u{feff}{\"x\": {\"items\": 1}, \"items\": [{\"id\": \"a\", \"more\": [1, {\"b\": 2}]}, {\"id\": \"b\\n\"}], \"z\": null}")
            .expect("a document");
        assert_eq!(
            ids,
            [
                ("a".into(), "items[0]".into()),
                ("b\n".into(), "items[1]".into())
            ]
        );
        assert_eq!(read("{\"items\": null}").expect("null is no items"), []);
    }

    #[test]
    fn errors_have_places() {
        let e = read("{\"items\": [{\"id\": \"a\"}, {\"id\": 7}]}").expect_err("bad");
        assert_eq!(e.kind, ScanErrorKind::Structure);
        assert_eq!(e.place.as_deref(), Some("line 1, column 32 (items[1].id)"));
        assert!(e.message.contains("expected a string"), "{e}");
        let e = read("{\"items\": [{\"id\": \"a\"},\n {}]}").expect_err("missing");
        assert_eq!(e.place.as_deref(), Some("line 2, column 3 (items[1])"));
        assert_eq!(e.message, "missing field `id`");
        let e = read("{\"items\": [{\"id\": \"a\", \"tags\": {\"list\": [1, \"x\"]}}]}")
            .expect_err("nested");
        assert_eq!(
            e.place.as_deref(),
            Some("line 1, column 47 (items[0].tags.list[1])")
        );
        let e = read("{\"items\": [{\"id\": \"a\", \"tags\"").expect_err("truncated");
        assert_eq!(e.kind, ScanErrorKind::Syntax);
        assert!(e.message.contains("truncated"), "{e}");
        let e = read("{\"items\": []} x").expect_err("trailing");
        assert_eq!(e.kind, ScanErrorKind::Syntax);
        let e = read("{\"items\": {}}").expect_err("not a list");
        assert_eq!(e.message, "invalid type: map, expected a list of items");
        assert_eq!(
            date_of("2024-06-14T04:03:53.051+02:00"),
            chrono::NaiveDate::from_ymd_opt(2024, 6, 14)
        );
        assert_eq!(date_of("soon"), None);
        assert_eq!(Number::Text(" 9.8".into()).value(), Some(9.8));
    }
}
