//! Mutations of an input's bytes: bit flips and odd bytes, the format's structural tokens
//! inserted where structure is, deletions and duplications, splices from other corpus
//! entries, repetitions (long runs) and deep nesting, truncation. All drawn from a seeded
//! [`Rng`], so that a seed and an input number name one mutant forever.

// Random numbers are drawn below small bounds (list lengths, days, byte offsets) and xtask
// runs on 64-bit hosts: the conversions between `u64`, `i64` and `usize` keep every value.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use super::Reader;
use crate::r#gen::rng::Rng;

/// Largest mutant (text formats); bigger ones are cut. Large enough for runs and nesting to
/// show a super-linear reader, small enough to keep a run's pace.
pub const MAX_LEN: usize = 1 << 20;

/// What a format is made of: tokens worth inserting, pairs worth nesting, and the bytes at
/// which its structure changes (where insertions are most telling).
#[derive(Debug, Clone, Copy)]
pub struct Dialect {
    pub tokens: &'static [&'static str],
    pub pairs: &'static [(&'static str, &'static str)],
    pub boundaries: &'static [u8],
}

const JSON: Dialect = Dialect {
    tokens: &[
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "null",
        "true",
        "false",
        "0",
        "-0",
        "1e309",
        "-1",
        "18446744073709551616",
        "1.5",
        "\"\"",
        "\\",
        "\\u0000",
        "\\ud800",
        "\\uDFFF",
        "\\n",
        "\\\"",
        "{}",
        "[]",
        "\"uuid\"",
        "\"props\"",
        "\"links\"",
        "\"remarks\"",
        "\"title\"",
        "\"description\"",
        "\"$schema\"",
        "\"plan-of-action-and-milestones\"",
        "\"system-security-plan\"",
        "\"poam-items\"",
        "\"metadata\"",
        "\"last-modified\"",
        "\"2024-02-30T25:61:00Z\"",
        "\"ffffffff-ffff-ffff-ffff-fffffffffffff\"",
        "\u{feff}",
        "\u{0}",
        "\u{85}",
        "\u{2028}",
        "*",
        "`",
        "[x](y)",
        "{{ insert: param, x }}",
    ],
    pairs: &[
        ("[", "]"),
        ("{\"a\":", "}"),
        ("{\"remarks\":", "}"),
        ("\"", "\""),
    ],
    boundaries: b"{}[],:\"\\",
};

const YAML: Dialect = Dialect {
    tokens: &[
        ": ",
        "- ",
        "? ",
        "&a ",
        "*a",
        "!!str ",
        "!!binary ",
        "!!int ",
        "!tag ",
        "---\n",
        "...\n",
        "|\n",
        "|-\n",
        ">\n",
        "{",
        "}",
        "[",
        "]",
        ",",
        "\"",
        "'",
        "#",
        "\t",
        "\n",
        "\n  ",
        "\n    - ",
        "<<: *a\n",
        "%YAML 1.1\n",
        "%TAG ! tag:x,2000:\n",
        "~",
        "null",
        "yes",
        "No",
        "0x1F",
        "0o17",
        ".inf",
        ".nan",
        "1_000",
        "2024-01-01",
        "\\",
        "\\0",
        "\\x00",
        "\\uD800",
        "\u{feff}",
        "\u{85}",
        "\u{0}",
        "uuid: ",
        "props:\n",
        "remarks: ",
        "title: ",
        "plan-of-action-and-milestones:\n",
        "poam-items:\n",
        "system-security-plan:\n",
        "a: &a [*a]\n",
    ],
    pairs: &[("[", "]"), ("{a: ", "}"), ("- ", ""), ("\"", "\"")],
    boundaries: b":-\n[]{},\"'#&*!|>",
};

const XML: Dialect = Dialect {
    tokens: &[
        "<",
        ">",
        "</",
        "/>",
        "=",
        "\"",
        "'",
        "<![CDATA[",
        "]]>",
        "<!--",
        "-->",
        "<?x ?>",
        "&amp;",
        "&lt;",
        "&#0;",
        "&#x1;",
        "&#x110000;",
        "&#xD800;",
        "&#65;",
        "&foo;",
        "&",
        "<!DOCTYPE x [<!ENTITY a \"b\">]>",
        "<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
        " xmlns=\"http://csrc.nist.gov/ns/oscal/1.0\"",
        " xmlns:o=\"urn:x\"",
        " o:a=\"1\"",
        " uuid=\"x\"",
        " name=\"n\"",
        " ns=\"urn:n\"",
        " value=\"v\"",
        "<p>",
        "</p>",
        "<em>",
        "</em>",
        "<strong>",
        "<code>",
        "<a href=\"x\">",
        "</a>",
        "<br/>",
        "<ol start=\"0\">",
        "<ul>",
        "<li>",
        "<table>",
        "<tr>",
        "<td>",
        "<insert type=\"param\" id-ref=\"x\"/>",
        "<img src=\"x\" alt=\"y\"/>",
        "<pre>",
        "<h1>",
        "<blockquote>",
        "<q>",
        "<sub>",
        "<sup>",
        "<prop name=\"a\" value=\"b\"/>",
        "<remarks>",
        "</remarks>",
        "<title>",
        "</title>",
        "<description>",
        "</description>",
        "<link href=\"#x\"/>",
        "\u{feff}",
        "\u{0}",
        "\u{1}",
        "\u{85}",
        "\t",
        "\r\n",
        "*",
        "\\",
    ],
    pairs: &[
        ("<a>", "</a>"),
        ("<p>", "</p>"),
        ("<em>", "</em>"),
        ("<blockquote>", "</blockquote>"),
        ("<ul><li>", "</li></ul>"),
        ("<remarks>", "</remarks>"),
    ],
    boundaries: b"<>/\"=&",
};

const MARKDOWN: Dialect = Dialect {
    tokens: &[
        "*",
        "**",
        "_",
        "__",
        "`",
        "``",
        "```",
        "~",
        "~~",
        "^",
        "[",
        "]",
        "](",
        ")",
        "![",
        "[x]: y\n",
        "<",
        ">",
        "<b>",
        "</b>",
        "<!--",
        "&",
        "&amp;",
        "&#0;",
        "&#x110000;",
        "&nbsp;",
        "#",
        "# ",
        "###### ",
        "> ",
        "- ",
        "* ",
        "+ ",
        "1. ",
        "999999999. ",
        "1000000000. ",
        "1) ",
        "|",
        "|--|",
        "|:-:|",
        "---",
        "===",
        "\\",
        "\\\n",
        "  \n",
        "\n",
        "\n\n",
        "    ",
        "\t",
        "\r",
        "\r\n",
        "{{ insert: param, x }}",
        "{{ insert: ",
        " }}",
        "http://x",
        "<http://x>",
        "\"",
        "'",
        "\u{0}",
        "\u{1}",
        "\u{85}",
        "\u{feff}",
        "\u{2028}",
        "\u{200b}",
        "\u{301}",
    ],
    pairs: &[
        ("> ", ""),
        ("- ", ""),
        ("*", "*"),
        ("**", "**"),
        ("[", "](x)"),
        ("~", "~"),
        ("^", "^"),
        ("`", "`"),
        ("<em>", "</em>"),
    ],
    boundaries: b"*_`[]()#>|~^\\\n <&",
};

impl Dialect {
    pub fn of(reader: Reader) -> Self {
        match reader {
            Reader::Json => JSON,
            Reader::Yaml => YAML,
            Reader::Xml | Reader::MarkupXml | Reader::Xlsx => XML,
            Reader::Markdown => MARKDOWN,
        }
    }
}

/// Bytes worth setting: the ends of the ranges, ASCII controls and structure.
const INTERESTING_BYTES: &[u8] = &[
    0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x22, 0x26, 0x27, 0x2F, 0x3C, 0x3E, 0x5C, 0x7F, 0x80,
    0xBF, 0xC0, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF8, 0xFE, 0xFF,
];

/// How many times a chunk is repeated: small counts and the lengths at which super-linear
/// readers show.
const REPEATS: &[u64] = &[2, 3, 8, 64, 200, 1000, 5000, 40_000];

/// Applies one to eight mutations to `data`, splicing from `others`; the result is at most
/// `max_len` bytes.
pub fn mutate(
    rng: &mut Rng,
    data: &mut Vec<u8>,
    dialect: Dialect,
    others: &[Vec<u8>],
    max_len: usize,
) {
    let count = 1 + rng.below(4) + rng.below(2) * rng.below(5);
    for _ in 0..count {
        mutate_once(rng, data, dialect, others);
        data.truncate(max_len);
    }
}

fn mutate_once(rng: &mut Rng, data: &mut Vec<u8>, dialect: Dialect, others: &[Vec<u8>]) {
    match rng.below(16) {
        0 => flip_bit(rng, data),
        1 => set_byte(rng, data),
        2..=5 => {
            let at = structural_position(rng, data, dialect);
            let token = rng.pick(dialect.tokens).as_bytes();
            data.splice(at..at, token.iter().copied());
        }
        6 => {
            // A structural byte or two removed.
            let at = structural_position(rng, data, dialect).min(data.len());
            let end = (at + rng.range(1, 2) as usize).min(data.len());
            data.drain(at..end);
        }
        7 => delete(rng, data),
        8 => duplicate(rng, data),
        9 | 10 => splice(rng, data, others),
        11 => repeat(rng, data, dialect),
        12 => nest(rng, data, dialect),
        13 => {
            let at = rng.below(data.len() as u64 + 1) as usize;
            data.truncate(at);
        }
        14 => replace_token(rng, data, dialect),
        _ => {
            let at = structural_position(rng, data, dialect);
            let byte = *rng.pick(INTERESTING_BYTES);
            data.insert(at, byte);
        }
    }
}

fn flip_bit(rng: &mut Rng, data: &mut [u8]) {
    if !data.is_empty() {
        let i = rng.below(data.len() as u64) as usize;
        data[i] ^= 1 << rng.below(8);
    }
}

fn set_byte(rng: &mut Rng, data: &mut [u8]) {
    if !data.is_empty() {
        let i = rng.below(data.len() as u64) as usize;
        data[i] = *rng.pick(INTERESTING_BYTES);
    }
}

/// A random range of at most `max` bytes.
fn range(rng: &mut Rng, data: &[u8], max: u64) -> (usize, usize) {
    let a = rng.below(data.len() as u64 + 1) as usize;
    let len = rng.range(1, max) as usize;
    (a, (a + len).min(data.len()))
}

/// A position just before or after one of the format's structural bytes (half the time),
/// else anywhere.
fn structural_position(rng: &mut Rng, data: &[u8], dialect: Dialect) -> usize {
    if data.is_empty() {
        return 0;
    }
    let start = rng.below(data.len() as u64) as usize;
    if rng.percent(50)
        && let Some(off) = data[start..]
            .iter()
            .position(|b| dialect.boundaries.contains(b))
    {
        return start + off + rng.below(2) as usize;
    }
    start
}

fn delete(rng: &mut Rng, data: &mut Vec<u8>) {
    let max = if rng.percent(20) { 4096 } else { 16 };
    let (a, b) = range(rng, data, max);
    data.drain(a..b);
}

fn duplicate(rng: &mut Rng, data: &mut Vec<u8>) {
    let (a, b) = range(rng, data, 512);
    let chunk = data[a..b].to_vec();
    let at = rng.below(data.len() as u64 + 1) as usize;
    data.splice(at..at, chunk);
}

/// A piece of another corpus entry inserted, or this one's tail replaced by another's.
fn splice(rng: &mut Rng, data: &mut Vec<u8>, others: &[Vec<u8>]) {
    if others.is_empty() {
        return;
    }
    let other = rng.pick(others);
    let (a, b) = range(rng, other, 2048);
    let at = rng.below(data.len() as u64 + 1) as usize;
    if rng.percent(50) {
        data.splice(at..at, other[a..b].iter().copied());
    } else {
        data.truncate(at);
        data.extend_from_slice(&other[a..]);
    }
}

/// A token or a short chunk of the input repeated many times.
fn repeat(rng: &mut Rng, data: &mut Vec<u8>, dialect: Dialect) {
    let chunk: Vec<u8> = if rng.percent(60) || data.is_empty() {
        rng.pick(dialect.tokens).as_bytes().to_vec()
    } else {
        let (a, b) = range(rng, data, 16);
        data[a..b].to_vec()
    };
    let times = *rng.pick(REPEATS) as usize;
    let at = structural_position(rng, data, dialect);
    let run: Vec<u8> = chunk
        .iter()
        .copied()
        .cycle()
        .take(chunk.len() * times)
        .take(MAX_LEN)
        .collect();
    data.splice(at..at, run);
}

/// A region wrapped in one of the format's opening and closing pairs, many levels deep.
fn nest(rng: &mut Rng, data: &mut Vec<u8>, dialect: Dialect) {
    let (open, close) = *rng.pick(dialect.pairs);
    let depth = *rng.pick(&[2u64, 10, 50, 130, 200, 1000, 20_000]) as usize;
    let (a, b) = range(rng, data, 256);
    let budget = MAX_LEN / (open.len() + close.len()).max(1);
    let depth = depth.min(budget);
    let mut out = Vec::with_capacity(data.len() + depth * (open.len() + close.len()));
    out.extend_from_slice(&data[..a]);
    for _ in 0..depth {
        out.extend_from_slice(open.as_bytes());
    }
    out.extend_from_slice(&data[a..b]);
    for _ in 0..depth {
        out.extend_from_slice(close.as_bytes());
    }
    out.extend_from_slice(&data[b..]);
    *data = out;
}

/// One occurrence of a token of the format replaced by another token.
fn replace_token(rng: &mut Rng, data: &mut Vec<u8>, dialect: Dialect) {
    let from = rng.pick(dialect.tokens).as_bytes();
    let to = rng.pick(dialect.tokens).as_bytes();
    if from.is_empty() || data.len() < from.len() {
        return;
    }
    let start = rng.below(data.len() as u64) as usize;
    let found = data[start..]
        .windows(from.len())
        .position(|w| w == from)
        .map(|p| start + p)
        .or_else(|| data.windows(from.len()).position(|w| w == from));
    if let Some(at) = found {
        data.splice(at..at + from.len(), to.iter().copied());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutants_are_deterministic_bounded_and_varied() {
        let seed = br#"{"a": [1, 2, {"b": "text *em*"}], "c": null}"#.to_vec();
        let others = vec![seed.clone(), b"[true, false]".to_vec()];
        let mut distinct = std::collections::BTreeSet::new();
        for i in 0..500 {
            let make = || {
                let mut rng = Rng::stream(9, 1, i);
                let mut d = seed.clone();
                mutate(&mut rng, &mut d, JSON, &others, 4096);
                d
            };
            let m = make();
            assert_eq!(m, make(), "input {i} is not deterministic");
            assert!(m.len() <= 4096);
            distinct.insert(m);
        }
        assert!(
            distinct.len() > 400,
            "only {} distinct mutants",
            distinct.len()
        );
    }

    #[test]
    fn nesting_goes_deep() {
        let mut deepest = 0;
        for i in 0..300 {
            let mut rng = Rng::stream(3, 1, i);
            let mut d = b"[1]".to_vec();
            nest(&mut rng, &mut d, JSON);
            deepest = deepest.max(d.iter().take_while(|&&b| b == b'[' || b == b'{').count());
        }
        assert!(deepest >= 1000, "{deepest}");
    }
}
