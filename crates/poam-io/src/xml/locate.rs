//! JSON pointers and places in XML text, both ways, by walking the text with the generated
//! element table. Used only when a diagnostic is reported, so they re-scan the text rather
//! than keep a position map for every document read.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::ROOT_NAME;
use super::generated::{ROOT, TYPES};
use super::table::{ChildInfo, Target};
use crate::error::Position;

fn reader(text: &str) -> Reader<&[u8]> {
    let mut r = Reader::from_str(text);
    let c = r.config_mut();
    c.trim_text(false);
    c.expand_empty_elements = false;
    c.check_end_names = false;
    r
}

fn pos(r: &Reader<&[u8]>) -> usize {
    usize::try_from(r.buffer_position()).unwrap_or(usize::MAX)
}

/// The position in XML `text` of the value at JSON `pointer` (RFC 6901, as the JSON format
/// and `poam_model::walk` spell it: `/plan-of-action-and-milestones/poam-items/0/title`): the
/// attribute for a flag, the element for anything else, the element's content for a
/// field's value. A pointer past what is there gives the nearest existing ancestor.
pub(crate) fn locate(text: &str, pointer: &str) -> Option<Position> {
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    offset_of(text, &segments).map(|o| Position::of_offset(text, o))
}

struct Found<'i> {
    tag: BytesStart<'i>,
    at: usize,
    empty: bool,
}

fn offset_of(text: &str, segments: &[String]) -> Option<usize> {
    let mut r = reader(text);
    let mut cur = loop {
        let at = pos(&r);
        match r.read_event().ok()? {
            Event::Start(tag) => {
                break Found {
                    tag,
                    at,
                    empty: false,
                };
            }
            Event::Empty(tag) => {
                break Found {
                    tag,
                    at,
                    empty: true,
                };
            }
            Event::Eof => return None,
            _ => {}
        }
    };
    let mut segs = segments.iter();
    match segs.next() {
        None => return Some(cur.at),
        Some(s) if s == ROOT_NAME => {}
        Some(_) => return None,
    }
    let mut ty = Some(ROOT);
    while let Some(seg) = segs.next() {
        let Some(t) = ty else { break };
        let info = &TYPES[t];
        if info.flags.contains(&seg.as_str()) {
            return Some(attribute_offset(text, &cur.tag, seg).unwrap_or(cur.at));
        }
        if info.value_key == Some(seg.as_str()) {
            return Some(if cur.empty { cur.at } else { pos(&r) });
        }
        let Some(ci) = info.children.iter().find(|c| c.json == seg) else {
            break;
        };
        let index = if ci.many {
            match segs.next() {
                Some(i) => Some(i.parse::<usize>().ok()?),
                None => None,
            }
        } else {
            None
        };
        if cur.empty {
            break;
        }
        if let Some(g) = ci.group {
            match nth_child(&mut r, g, 0) {
                Ok(f) => cur = f,
                Err(_) => break,
            }
            if index.is_none() || cur.empty {
                break;
            }
        }
        match nth_child(&mut r, ci.element, index.unwrap_or(0)) {
            Ok(f) => cur = f,
            Err(first) => return Some(first.unwrap_or(cur.at)),
        }
        if index.is_none() && ci.many {
            break;
        }
        ty = match ci.target {
            Target::Type(x) => Some(x),
            Target::Leaf => None,
        };
    }
    Some(cur.at)
}

/// The `n`th (from 0) child element named `name` of the element whose start tag was just
/// read. When there is none (having read past the element's end): `Err` with the offset of
/// the first such child, if any, which stands for the whole array.
fn nth_child<'i>(
    r: &mut Reader<&'i [u8]>,
    name: &str,
    n: usize,
) -> Result<Found<'i>, Option<usize>> {
    let mut seen = 0;
    let mut first = None;
    loop {
        let at = pos(r);
        let (tag, empty) = match r.read_event() {
            Ok(Event::Start(tag)) => (tag, false),
            Ok(Event::Empty(tag)) => (tag, true),
            Ok(Event::End(_) | Event::Eof) | Err(_) => return Err(first),
            Ok(_) => continue,
        };
        if tag.local_name().into_inner() == name {
            if seen == n {
                return Ok(Found { tag, at, empty });
            }
            first.get_or_insert(at);
            seen += 1;
        }
        if !empty && r.read_to_end(tag.name()).is_err() {
            return Err(first);
        }
    }
}

fn attribute_offset(text: &str, tag: &BytesStart<'_>, name: &str) -> Option<usize> {
    let base = text.as_ptr() as usize;
    tag.attributes()
        .flatten()
        .find(|a| a.key.local_name().into_inner() == name && a.key.prefix().is_none())
        .and_then(|a| (a.key.into_inner().as_ptr() as usize).checked_sub(base))
}

/// Where a walk is, for [`pointer_at`].
enum Frame {
    /// In an element of `TYPES[t]`; how many of each repeated child were seen.
    Type(usize, Vec<(&'static str, usize)>),
    /// In a `GROUPED` wrapper; how many items were seen.
    Group(&'static ChildInfo, usize),
    /// In text or markup, or in an element the model does not know.
    Opaque,
}

/// The JSON pointer of the deepest model element (or flag) at byte `offset` of XML `text`,
/// e.g. for a read error found there. `None` before the root element.
pub(crate) fn pointer_at(text: &str, offset: usize) -> Option<String> {
    let mut r = reader(text);
    let mut frames: Vec<(Frame, usize)> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut roots = 0;
    loop {
        let at = pos(&r);
        if at > offset {
            break;
        }
        let Ok(ev) = r.read_event() else { break };
        let end = pos(&r);
        let (tag, empty) = match ev {
            Event::Start(tag) => (tag, false),
            Event::Empty(tag) => (tag, true),
            Event::End(_) => {
                if let Some((_, pushed)) = frames.pop() {
                    path.truncate(path.len() - pushed);
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = tag.local_name().into_inner();
        let parent = frames.last_mut().map(|f| &mut f.0);
        if parent.is_none() {
            roots += 1;
            if roots > 1 {
                // Content after the document: no place in the model.
                break;
            }
        }
        let (frame, pushed) = enter(parent, name, &mut path);
        if offset < end {
            if let Frame::Type(t, _) = frame {
                let base = text.as_ptr() as usize;
                let flag = tag.attributes().flatten().find_map(|a| {
                    let key = a.key.into_inner();
                    let o = (key.as_ptr() as usize).checked_sub(base)?;
                    (o == offset && TYPES[t].flags.contains(&key)).then_some(key)
                });
                if let Some(f) = flag {
                    path.push(f.to_owned());
                }
            }
            break;
        }
        if empty {
            path.truncate(path.len() - pushed);
        } else {
            frames.push((frame, pushed));
        }
    }
    if path.is_empty() {
        return None;
    }
    let mut out = String::new();
    for s in &path {
        out.push('/');
        out.push_str(s);
    }
    Some(out)
}

/// The frame for the child element `name` of the frame `parent`, and the number of path
/// segments it adds.
// The parent frame's counters are written through `parent` (clippy sees only the match).
#[allow(clippy::needless_pass_by_value)]
fn enter(parent: Option<&mut Frame>, name: &str, path: &mut Vec<String>) -> (Frame, usize) {
    fn into(target: Target) -> Frame {
        match target {
            Target::Type(t) => Frame::Type(t, Vec::new()),
            Target::Leaf => Frame::Opaque,
        }
    }
    match parent {
        None if name == ROOT_NAME => {
            path.push(ROOT_NAME.to_owned());
            (Frame::Type(ROOT, Vec::new()), 1)
        }
        None | Some(Frame::Opaque) => (Frame::Opaque, 0),
        Some(Frame::Group(ci, n)) => {
            if name != ci.element {
                return (Frame::Opaque, 0);
            }
            path.push(n.to_string());
            *n += 1;
            (into(ci.target), 1)
        }
        Some(Frame::Type(t, counts)) => {
            let children = TYPES[*t].children;
            if let Some(ci) = children.iter().find(|c| c.group == Some(name)) {
                path.push(ci.json.to_owned());
                return (Frame::Group(ci, 0), 1);
            }
            let Some(ci) = children
                .iter()
                .find(|c| c.element == name && c.group.is_none())
            else {
                return (Frame::Opaque, 0);
            };
            path.push(ci.json.to_owned());
            if !ci.many {
                return (into(ci.target), 1);
            }
            let n = if let Some((_, n)) = counts.iter_mut().find(|(k, _)| *k == ci.json) {
                *n += 1;
                *n - 1
            } else {
                counts.push((ci.json, 1));
                0
            };
            path.push(n.to_string());
            (into(ci.target), 2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0"?>
<plan-of-action-and-milestones xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="u0">
  <metadata>
    <title>T</title>
    <revisions>
      <revision><version>1</version></revision>
      <revision><version>2</version></revision>
    </revisions>
  </metadata>
  <poam-item uuid="u1"><title>A</title></poam-item>
  <poam-item uuid="u2">
    <title>B</title>
    <prop name="x" value="1"/>
    <prop name="y" value="2"/>
  </poam-item>
</plan-of-action-and-milestones>
"#;

    // The tests compare it with `locate`'s answer, which may be `None`.
    #[allow(clippy::unnecessary_wraps)]
    fn at(line: usize, column: usize) -> Option<Position> {
        Some(Position { line, column })
    }

    #[test]
    fn pointers_to_positions() {
        let root = "/plan-of-action-and-milestones";
        assert_eq!(locate(DOC, root), at(2, 1));
        assert_eq!(locate(DOC, &format!("{root}/uuid")), at(2, 74));
        assert_eq!(locate(DOC, &format!("{root}/metadata/title")), at(4, 5));
        assert_eq!(
            locate(DOC, &format!("{root}/metadata/revisions/1/version")),
            at(7, 17)
        );
        assert_eq!(
            locate(DOC, &format!("{root}/poam-items/1/props/1/value")),
            at(14, 20)
        );
        assert_eq!(locate(DOC, &format!("{root}/poam-items/1")), at(11, 3));
        // past what exists: the nearest ancestor
        assert_eq!(
            locate(DOC, &format!("{root}/poam-items/7/title")),
            at(10, 3)
        );
        assert_eq!(locate(DOC, &format!("{root}/metadata/nothing")), at(3, 3));
        assert_eq!(locate(DOC, "/$schema"), None);
    }

    #[test]
    fn positions_to_pointers() {
        let off = |line: usize, col: usize| {
            DOC.split_inclusive('\n')
                .take(line - 1)
                .map(str::len)
                .sum::<usize>()
                + col
                - 1
        };
        let root = "/plan-of-action-and-milestones";
        assert_eq!(pointer_at(DOC, off(1, 1)), None);
        assert_eq!(
            pointer_at(DOC, off(2, 74)).as_deref(),
            Some(&*format!("{root}/uuid"))
        );
        assert_eq!(
            pointer_at(DOC, off(7, 17)).as_deref(),
            Some(&*format!("{root}/metadata/revisions/1/version"))
        );
        assert_eq!(
            pointer_at(DOC, off(14, 20)).as_deref(),
            Some(&*format!("{root}/poam-items/1/props/1/value"))
        );
        assert_eq!(
            pointer_at(DOC, off(12, 8)).as_deref(),
            Some(&*format!("{root}/poam-items/1/title"))
        );
        assert_eq!(
            pointer_at(DOC, off(13, 5)).as_deref(),
            Some(&*format!("{root}/poam-items/1/props/0"))
        );
    }
}
