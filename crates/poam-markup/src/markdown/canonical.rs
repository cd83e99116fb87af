//! Whether a Markdown source is already in canonical form, decided without parsing.
//!
//! Writing markup read from JSON or YAML must write its canonical form, which in general
//! means parsing the source and writing the tree back (`parse` then `write`). Most OSCAL
//! prose that is not plain text uses a small part of Markdown: paragraphs, tight bullet and
//! numbered lists of one-line items, `**strong**`, `*emphasis*`, `` `code` `` and
//! `[text](url)`. For that part, written the way the canonical writer writes it, the
//! writer gives back the source byte for byte; [`is_canonical_multiline`] recognizes it in
//! one pass over the bytes, so the writer can copy the source instead.
//!
//! The recognizer is deliberately narrow: anything it is not sure of (any other syntax,
//! any character the writer might escape, non-ASCII text, double spaces, emphasis next to
//! emphasis, two lists in a row) makes it answer `false`, and the value takes the parse
//! and write path as before. Each rule below says which choice of the writer it mirrors;
//! the property test `canonical_sources_are_written_as_they_are` checks the answer against
//! the parse and write path.

/// Whether `s`, read as `markup-multiline`, is written back unchanged by the canonical
/// writer (`false` means "not known", not "not canonical").
pub(crate) fn is_canonical_multiline(s: &str) -> bool {
    // Top-level blocks are separated by exactly one blank line: the writer's separator
    // outside list items. Every chunk is one block (a chunk cannot start with a newline or
    // a space, so `\n\n\n` and indented continuations are refused).
    let mut prev_was_list = false;
    for chunk in s.split("\n\n") {
        let is_list = match chunk_kind(chunk) {
            Some(ChunkKind::Paragraph) => false,
            Some(ChunkKind::List) => true,
            None => return false,
        };
        // A list right after a list: the writer changes the bullet or the delimiter so
        // that the two do not merge.
        if is_list && prev_was_list {
            return false;
        }
        prev_was_list = is_list;
    }
    true
}

enum ChunkKind {
    Paragraph,
    List,
}

/// What the chunk between two blank lines is, when it is one the writer writes as it is.
fn chunk_kind(chunk: &str) -> Option<ChunkKind> {
    if chunk.starts_with("- ") {
        // A tight bullet list of one-line items: the writer's first bullet is `-`.
        let all = chunk
            .split('\n')
            .all(|line| line.strip_prefix("- ").is_some_and(is_inline_line));
        return all.then_some(ChunkKind::List);
    }
    if chunk.starts_with("1. ") {
        // A tight numbered list from 1, one-line items, `.` after single-digit numbers:
        // the writer numbers items from the start on, with `.` unless a numbered list is
        // just before.
        let all = chunk.split('\n').enumerate().all(|(i, line)| {
            let number = [b'1' + u8::try_from(i).unwrap_or(u8::MAX)];
            i < 9
                && line.as_bytes().get(..1) == Some(&number[..])
                && line[1..].strip_prefix(". ").is_some_and(is_inline_line)
        });
        return all.then_some(ChunkKind::List);
    }
    chunk
        .split('\n')
        .all(is_inline_line)
        .then_some(ChunkKind::Paragraph)
}

/// One line of a paragraph or list item: text and the inline constructs above, starting
/// where no block can start (a letter or a construct's opening character) and ending with
/// neither a space (trailing spaces are trimmed, or make a hard break) nor a backslash.
fn is_inline_line(line: &str) -> bool {
    let b = line.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || matches!(first, b'*' | b'`' | b'[')) || last == b' ' {
        return false;
    }
    let mut i = 0;
    // The previous construct was emphasis: emphasis right after it would make one
    // delimiter run of both (the writer then switches to `_`).
    let mut after_emphasis = false;
    while i < b.len() {
        let (len, emphasis) = match b[i] {
            b'*' if after_emphasis => return false,
            b'*' => (emphasis_len(&b[i..]), true),
            b'`' => (code_len(&b[i..]), false),
            b'[' => (link_len(&b[i..]), false),
            // One space between words: the writer keeps other whitespace, but a space
            // next to a line end or another space is not worth the doubt.
            b' ' if b.get(i + 1) == Some(&b' ') => return false,
            c if is_text_byte(c) => (Some(1), false),
            _ => return false,
        };
        let Some(len) = len else {
            return false;
        };
        i += len;
        after_emphasis = emphasis;
    }
    true
}

/// Text characters the writer never escapes and the parser never reads as syntax, in any
/// place inside a line (what may start a line is checked apart). ASCII only: the writer's
/// and the parser's ideas of punctuation and whitespace agree there.
fn is_text_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            b' ' | b'.'
                | b','
                | b':'
                | b';'
                | b'('
                | b')'
                | b'\''
                | b'/'
                | b'-'
                | b'+'
                | b'='
                | b'%'
                | b'?'
                | b'@'
                | b'$'
        )
}

/// Text inside emphasis, code or link text: non-empty text characters that start and end
/// with a letter or digit (then `*` delimiters open and close whatever is around them,
/// and the writer needs no character reference beside them).
fn is_word_text(t: &[u8]) -> bool {
    match (t.first(), t.last()) {
        (Some(f), Some(l)) => {
            f.is_ascii_alphanumeric()
                && l.is_ascii_alphanumeric()
                && t.iter().all(|&c| is_text_byte(c))
                && !t.windows(2).any(|w| w == b"  ")
        }
        _ => false,
    }
}

/// `*text*` or `**text**` at the start of `b`: its length.
fn emphasis_len(b: &[u8]) -> Option<usize> {
    let run = b.iter().take_while(|&&c| c == b'*').count();
    if run > 2 {
        return None;
    }
    let content_len = b[run..].iter().position(|&c| c == b'*')?;
    let close = run + content_len;
    let close_run = b[close..].iter().take_while(|&&c| c == b'*').count();
    (close_run == run && is_word_text(&b[run..close])).then_some(close + run)
}

/// `` `code` `` at the start of `b`: its length. One backtick on both sides (the writer's
/// fence for code without backticks; a longer run would not close it), no space at either
/// end (the writer pads those), no `|`.
fn code_len(b: &[u8]) -> Option<usize> {
    let content_len = b[1..].iter().position(|&c| c == b'`')?;
    let content = &b[1..=content_len];
    let ok = !content.is_empty()
        && content.first() != Some(&b' ')
        && content.last() != Some(&b' ')
        && b.get(content_len + 2) != Some(&b'`')
        && content
            .iter()
            .all(|&c| (c.is_ascii_graphic() && c != b'|') || c == b' ');
    ok.then_some(content_len + 2)
}

/// `[text](destination)` at the start of `b`: its length. No title; a destination of URL
/// characters the writer writes bare and no inline syntax could claim (no space,
/// parenthesis, angle bracket, backslash, `|`, `&`, backtick, `*`, brackets, ...).
fn link_len(b: &[u8]) -> Option<usize> {
    let text_len = b[1..].iter().position(|&c| c == b']')?;
    if !is_word_text(&b[1..=text_len]) {
        return None;
    }
    let rest = b[text_len + 2..].strip_prefix(b"(")?;
    let dest_len = rest.iter().position(|&c| c == b')')?;
    let dest = &rest[..dest_len];
    let ok = !dest.is_empty()
        && dest.iter().all(|&c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    b'-' | b'.'
                        | b'_'
                        | b':'
                        | b'/'
                        | b'?'
                        | b'#'
                        | b'='
                        | b'%'
                        | b'+'
                        | b','
                        | b';'
                        | b'@'
                        | b'$'
                )
        });
    ok.then_some(text_len + 2 + 1 + dest_len + 1)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use proptest::prelude::*;

    use super::is_canonical_multiline;
    use crate::markdown::parse::parse_multiline;
    use crate::markdown::write::multiline_to_markdown;

    /// The slow path: parse, then write the tree.
    fn parsed_and_written(s: &str) -> String {
        multiline_to_markdown(&parse_multiline(Cow::Borrowed(s)))
    }

    /// One line of inline content: mostly the recognized constructs, sometimes a piece just
    /// outside them.
    fn near_canonical_line() -> impl Strategy<Value = String> {
        let safe = prop::sample::select(vec![
            "a",
            "Word",
            "x1",
            "9",
            " ",
            " ",
            ".",
            ",",
            ":",
            "(",
            ")",
            "'",
            "-",
            "/",
            "*a*",
            "**b c**",
            "`c d`",
            "`*x*`",
            "`a_b`",
            "[t](https://x.y/z_1)",
            "[t](u)",
            "*1*",
        ]);
        let risky = prop::sample::select(vec![
            "*",
            "**",
            "`",
            "[",
            "](",
            "_",
            "#",
            "!",
            "é",
            "  ",
            "\\",
            "&",
            "&amp;",
            "<",
            ">",
            "|",
            "~",
            "^",
            "\"",
            "{{",
            "{{ insert: param, p1 }}",
            "x~2~",
            "---",
            "> ",
            "    ",
            "\n",
            "- ",
            "1. ",
            "* ",
            "\t",
        ]);
        let piece = prop_oneof![12 => safe, 1 => risky];
        let start = prop::sample::select(vec!["A", "*a*", "**b**", "`c`", "[d](e)", ""]);
        (
            start,
            prop::collection::vec(piece, 1..8),
            prop::sample::select(vec!["z", "", "."]),
        )
            .prop_map(|(start, v, end)| format!("{start}{}{end}", v.concat()))
    }

    /// Paragraphs and lists of such lines, mostly separated as the writer separates them.
    fn near_canonical() -> impl Strategy<Value = String> {
        let lines = || prop::collection::vec(near_canonical_line(), 1..4);
        let block = prop_oneof![
            3 => lines().prop_map(|l| l.join("\n")),
            1 => lines().prop_map(|l| l.iter().map(|x| format!("- {x}")).collect::<Vec<_>>().join("\n")),
            1 => lines().prop_map(|l| {
                l.iter().enumerate().map(|(i, x)| format!("{}. {x}", i + 1)).collect::<Vec<_>>().join("\n")
            }),
        ];
        let separator = prop_oneof![8 => Just("\n\n"), 1 => Just("\n"), 1 => Just("\n\n\n")];
        prop::collection::vec((block, separator), 1..4).prop_map(|v| {
            let mut out = String::new();
            for (i, (b, sep)) in v.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                out.push_str(b);
            }
            out
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4000, failure_persistence: None, ..ProptestConfig::default() })]

        /// The fast path is only taken where it writes what the slow path writes.
        #[test]
        fn canonical_sources_are_written_as_they_are(s in near_canonical()) {
            if is_canonical_multiline(&s) {
                prop_assert_eq!(parsed_and_written(&s), s);
            }
        }
    }

    /// Tricky sources the recognizer takes: each is what parsing and writing give back.
    #[test]
    fn recognized_tricky_sources_are_canonical() {
        let tricky = [
            "*a* *b*c",
            "*a*b*c*",
            "a**b**c",
            "x*y*z and (*q*)",
            "**Note**: see `a*b` and `[x](y)` and `\\`.",
            "[a](https://x.y/p?q=1#f_2) and *a*[b](c)",
            "`code` first\n*em* second\n**strong** third\n[link](u) fourth",
            "- **a**\n- *b* c\n- `d`\n- [e](f)\n\nThen:\n\n1. a\n2. b\n\nEnd.",
            "A 1. B\nc 2) d",
        ];
        for s in tricky {
            assert!(is_canonical_multiline(s), "{s:?}");
            assert_eq!(parsed_and_written(s), s);
        }
    }

    /// Shapes of prose the recognizer is for (those `cargo xtask gen` writes, and the
    /// usual OSCAL remarks): it must take them, or the fast path is never taken.
    #[test]
    fn common_prose_is_recognized() {
        for s in [
            "The version of **openssl** installed on the remote host is `1.1.1k`, prior to `1.1.1t`. It is affected:\n\n- CVE-2023-0286: an attacker may *read memory* remotely.\n- CVE-2023-0215: an attacker may *crash the service* locally.\n\nSee the [vendor advisory](https://nvd.nist.gov/vuln/detail/CVE-2023-0286) for details.",
            "Upgrade **openssl** to version `1.1.1t` or later:\n\n1. Disable the affected feature.\n2. Restart the service.\n3. Re-scan the host to confirm the fix.",
            "First paragraph.\n\nSecond paragraph,\nwith a soft break.",
            "Checked by rule `xccdf_org.cisecurity.benchmarks_rule_1.2`: *not set*.",
        ] {
            assert!(is_canonical_multiline(s), "{s:?}");
            assert_eq!(parsed_and_written(s), s);
        }
    }

    /// What the writer would write otherwise, or what may parse otherwise: refused.
    #[test]
    fn doubtful_sources_are_refused() {
        for s in [
            "",
            "a\n\n\nb",
            "a\n",
            "a \nb",
            " a",
            "a  b",
            "* a",
            "- a\n\n- b",
            "- a\n\n1. b",
            "1. a\n3. b",
            "2. a",
            "a\n- b",
            "a\n1. b",
            "**a***b*",
            "***a***",
            "* a*",
            "*a *",
            "**a*",
            "` a `",
            "`a|b`",
            "``a``",
            "`a``b`",
            "[a](b`c)",
            "[a](b c)",
            "[a](b \"t\")",
            "[ a](b)",
            "[a]: b",
            "a \"q\"",
            "a_b",
            "a & b",
            "a &amp; b",
            "a < b",
            "a > b",
            "x~2~",
            "x^2^",
            "{{ insert: param, x }}",
            "a\\",
            "a # b",
            "a!",
            "café",
            "1999. A year",
            "a\tb",
            "a\r\nb",
        ] {
            // Some of these are canonical, but the recognizer does not claim them.
            assert!(!is_canonical_multiline(s), "{s:?}");
        }
    }
}
