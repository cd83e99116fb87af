//! Tree → canonical CommonMark.
//!
//! The output must parse back to exactly the same (normalized) tree, so:
//!
//! * every literal character that could be syntax is backslash-escaped (`*`, `` ` ``,
//!   `[`, `]`, `|`, `~`, `^`, `"`, `<`, `_` at a word boundary, `\` before punctuation,
//!   `&` before an entity-like sequence, `{{`, and block syntax at the start of a
//!   paragraph line);
//! * emphasis delimiters must satisfy CommonMark's flanking rules. `*` / `_` is chosen so
//!   that adjacent delimiter runs never merge (`*a*_b_`, `**_x_**`), and when a delimiter
//!   sits between a letter and punctuation (`a*(b)*c`), the neighbouring letter is written
//!   as a numeric character reference (`&#97;*(b)*&#99;`): CommonMark decides flanking
//!   on the source characters, where `;` and `&` are punctuation, while the reference
//!   still decodes to the same letter. This is rare in practice and keeps the round trip
//!   exact.

use crate::markdown::parse::{block_start_escape, looks_like_entity};
use crate::normalize;
use crate::{Align, Block, Inline, Table};

/// The Markdown of a `markup-line` that is a single plain text needing no escaping, so
/// it can be serialized without building a String.
pub(crate) fn plain_line(v: &[Inline]) -> Option<&str> {
    match v {
        [Inline::Text(t)] if is_plain_text_output(t, false) => Some(t),
        _ => None,
    }
}

/// Like [`plain_line`] for a `markup-multiline` that is one plain paragraph.
pub(crate) fn plain_multiline(v: &[Block]) -> Option<&str> {
    match v {
        [Block::Paragraph(p)] => match p.as_slice() {
            [Inline::Text(t)] if is_plain_text_output(t, true) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// Cheap check used on the serialization hot path (no parsing): the parser's plain-text
/// test, minus the characters the writer escapes even where the parser would not need it.
pub(crate) fn is_plain_text_output(t: &str, block: bool) -> bool {
    !t.contains(['"', '~', '^', '|', ']']) && super::parse::is_plain(t, block)
}

/// Writes the tree with `Italic`/`Bold` mapped to `Em`/`Strong` and normalized (so that
/// reading it back gives `markdown_equivalent`); the common case (already canonical)
/// writes without copying the tree.
pub(crate) fn line_to_markdown(v: &[Inline]) -> String {
    if normalize::is_line_normalized(v) && !normalize::has_lossy_inlines(v, false) {
        write_line(v)
    } else {
        let mut n = normalize::markdown_mapped_inlines(v, false);
        normalize::normalize_line(&mut n);
        write_line(&n)
    }
}

pub(crate) fn multiline_to_markdown(v: &[Block]) -> String {
    if normalize::is_blocks_normalized(v) && !normalize::has_lossy_blocks(v, false) {
        write_multiline(v)
    } else {
        let mut n = normalize::markdown_mapped_blocks(v, false);
        normalize::normalize_blocks(&mut n);
        write_multiline(&n)
    }
}

fn write_line(v: &[Inline]) -> String {
    let mut w = InlineWriter::new(Mode::Line);
    w.seq(v, &Parent::None, &mut Vec::new());
    w.out
}

fn write_multiline(v: &[Block]) -> String {
    let mut out = String::new();
    write_blocks(v, &mut out, None, false);
    out
}

// ---------------------------------------------------------------------------------------
// Blocks

/// `in_item`: the blocks are the content of a list item.
/// `item_bullet`: the bullet character of the list item whose first line these blocks
/// start on (so that nested markers / rules on that line differ from it).
fn write_blocks(blocks: &[Block], out: &mut String, item_bullet: Option<char>, in_item: bool) {
    let mut prev_bullet: Option<char> = None;
    let mut prev_ordered_delim: Option<char> = None;
    let mut prev_start = 0;
    for (i, b) in blocks.iter().enumerate() {
        if i > 0 {
            // pulldown-cmark ends the enclosing list item when a block quote that ends
            // with an empty list item is followed by a blank line; without the blank
            // line the next block is unambiguous (an empty item has no lazy lines).
            let after_quote_ending_in_empty_item = in_item
                && matches!(blocks[i - 1], Block::Blockquote(_))
                && !matches!(b, Block::Blockquote(_))
                && out[prev_start..]
                    .rsplit('\n')
                    .next()
                    .is_some_and(is_bare_list_marker);
            // A paragraph line with a `|` (in a code span, say) followed directly by a
            // list line like `- | --- |` would read as a table header and delimiter row.
            let tight = after_quote_ending_in_empty_item
                || (in_item
                    && is_sublist_after_paragraph(&blocks[i - 1], b)
                    && !out[prev_start..].contains('|'));
            out.push_str(if tight { "\n" } else { "\n\n" });
        }
        prev_start = out.len();
        let first = i == 0;
        let (mut bullet, mut delim) = (None, None);
        match b {
            Block::Paragraph(content) => {
                let mut w = InlineWriter::new(Mode::Paragraph);
                w.seq(content, &Parent::None, &mut Vec::new());
                out.push_str(&w.out);
            }
            Block::Heading { level, content } => {
                for _ in 0..(*level).clamp(1, 6) {
                    out.push('#');
                }
                if !content.is_empty() {
                    out.push(' ');
                    let mut w = InlineWriter::new(Mode::Heading);
                    w.seq(content, &Parent::None, &mut Vec::new());
                    out.push_str(&w.out);
                }
            }
            Block::List {
                ordered,
                start,
                items,
            } => {
                if *ordered {
                    // Two adjacent ordered lists need different delimiters, or they merge.
                    let d = if prev_ordered_delim == Some('.') {
                        ')'
                    } else {
                        '.'
                    };
                    delim = Some(d);
                    write_ordered(items, start.unwrap_or(1), d, out);
                } else {
                    let avoid = [prev_bullet, if first { item_bullet } else { None }];
                    let c = ['-', '*', '+']
                        .into_iter()
                        .find(|c| !avoid.contains(&Some(*c)))
                        .unwrap_or('-');
                    bullet = Some(c);
                    write_bullets(items, c, out);
                }
            }
            Block::Pre(text) => write_fence(text, out),
            Block::Blockquote(children) => {
                let mut inner = String::new();
                write_blocks(children, &mut inner, None, false);
                prefix_lines(&inner, "> ", ">", "> ", ">", out);
            }
            Block::Table(t) => write_table(t, out),
            Block::HorizontalRule => {
                // `- ---` would be one thematic break, not a rule inside an item.
                out.push_str(if first && item_bullet == Some('-') {
                    "***"
                } else {
                    "---"
                });
            }
        }
        prev_bullet = bullet;
        prev_ordered_delim = delim;
    }
}

/// `>  -`, `> > 1.`: a line that is only block-quote markers and an empty list item.
fn is_bare_list_marker(line: &str) -> bool {
    let rest = line.trim_start_matches(['>', ' ']);
    matches!(rest, "-" | "*" | "+")
        || (rest.len() > 1
            && rest.ends_with(['.', ')'])
            && rest[..rest.len() - 1].bytes().all(|b| b.is_ascii_digit()))
}

/// Appends `text` with `first`/`first_empty` before its first line and `rest`/`rest_empty`
/// before the others (the `_empty` variants for empty lines, to avoid trailing spaces).
fn prefix_lines(
    text: &str,
    first: &str,
    first_empty: &str,
    rest: &str,
    rest_empty: &str,
    out: &mut String,
) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let p = match (i == 0, line.is_empty()) {
            (true, false) => first,
            (true, true) => first_empty,
            (false, false) => rest,
            (false, true) => rest_empty,
        };
        out.push_str(p);
        out.push_str(line);
    }
}

/// `- a` + newline + `  - b`: a list that can interrupt a paragraph (CommonMark: a bullet
/// list, or an ordered list starting at 1, whose first item is not empty) needs no blank
/// line after it, which keeps the common nested-list shape tight.
fn is_sublist_after_paragraph(prev: &Block, b: &Block) -> bool {
    matches!(prev, Block::Paragraph(_))
        && matches!(b, Block::List { ordered, start, items }
            if (!*ordered || *start == Some(1))
                && items.first().is_some_and(|first| !first.is_empty()))
}

fn items_separator(items: &[Vec<Block>]) -> &'static str {
    let tight = items.iter().all(|item| match item.as_slice() {
        [] | [_] => true,
        [a, b] => is_sublist_after_paragraph(a, b),
        _ => false,
    });
    if tight { "\n" } else { "\n\n" }
}

fn write_bullets(items: &[Vec<Block>], bullet: char, out: &mut String) {
    let sep = items_separator(items);
    let marker = format!("{bullet} ");
    let marker_empty = bullet.to_string();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        let mut inner = String::new();
        write_blocks(item, &mut inner, Some(bullet), true);
        prefix_lines(&inner, &marker, &marker_empty, "  ", "", out);
    }
}

fn write_ordered(items: &[Vec<Block>], start: u64, delim: char, out: &mut String) {
    let sep = items_separator(items);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        // CommonMark ignores the numbers after the first but they must stay <= 9 digits.
        let n = start
            .saturating_add(i as u64)
            .min(normalize::MAX_LIST_START);
        let marker_empty = format!("{n}{delim}");
        let marker = format!("{marker_empty} ");
        let indent = " ".repeat(marker.len());
        let mut inner = String::new();
        write_blocks(item, &mut inner, None, true);
        prefix_lines(&inner, &marker, &marker_empty, &indent, "", out);
    }
}

fn longest_run(s: &str, c: char) -> usize {
    let mut best = 0;
    let mut cur = 0;
    for x in s.chars() {
        if x == c {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

fn write_fence(text: &str, out: &mut String) {
    let fence = "`".repeat(3.max(longest_run(text, '`') + 1));
    out.push_str(&fence);
    out.push('\n');
    if !text.is_empty() {
        out.push_str(text);
        out.push('\n');
    }
    out.push_str(&fence);
}

fn write_table(t: &Table, out: &mut String) {
    let cell_md = |content: &[Inline]| {
        let mut w = InlineWriter::new(Mode::TableCell);
        w.seq(content, &Parent::None, &mut Vec::new());
        w.out
    };
    for (r, row) in t.rows.iter().enumerate() {
        if r > 0 {
            out.push('\n');
        }
        out.push('|');
        for cell in &row.cells {
            out.push(' ');
            out.push_str(&cell_md(&cell.content));
            out.push_str(" |");
        }
        if r == 0 {
            out.push_str("\n|");
            for cell in &row.cells {
                out.push_str(match cell.align {
                    None => " --- |",
                    Some(Align::Left) => " :-- |",
                    Some(Align::Center) => " :-: |",
                    Some(Align::Right) => " --: |",
                });
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Inlines

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A `markup-line`: the reader neutralizes block syntax, so no line-start escapes.
    Line,
    Paragraph,
    Heading,
    TableCell,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum EmKind {
    Em,
    Strong,
}

enum Parent {
    None,
    /// An emphasis-like parent written with this delimiter character.
    Delim(char),
}

/// What the next character must be, after a closing delimiter, for the delimiter to
/// close: whitespace or (ASCII) punctuation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    Nothing,
    WsOrPunct,
}

struct InlineWriter {
    out: String,
    mode: Mode,
    /// The next character is at the start of a (paragraph) line.
    line_start: bool,
    /// Byte offset of the last character of `out` if it is a literal text character that
    /// may be rewritten as a character reference.
    last_literal: Option<usize>,
    need: Need,
}

fn is_ws_or_ascii_punct(c: char) -> bool {
    c.is_whitespace() || c.is_ascii_punctuation()
}

fn push_char_ref(out: &mut String, c: char) {
    out.push_str("&#");
    out.push_str(&u32::from(c).to_string());
    out.push(';');
}

impl InlineWriter {
    fn new(mode: Mode) -> Self {
        Self {
            out: String::new(),
            mode,
            line_start: mode == Mode::Paragraph,
            last_literal: None,
            need: Need::Nothing,
        }
    }

    /// Writes syntax (never subject to the character-reference fixes).
    fn syntax(&mut self, s: &str) {
        self.out.push_str(s);
        self.line_start = false;
        self.last_literal = None;
        self.need = Need::Nothing;
    }

    /// The character before the next output, `None` at the start of a line.
    fn prev_char(&self) -> Option<char> {
        if self.line_start {
            return None;
        }
        self.out.chars().next_back()
    }

    /// Makes the previous character punctuation (as far as flanking is concerned) by
    /// rewriting it as a character reference, if it is not already whitespace or
    /// punctuation.
    fn ensure_prev_ws_or_punct(&mut self) {
        let Some(prev) = self.prev_char() else {
            return;
        };
        if is_ws_or_ascii_punct(prev) {
            return;
        }
        if let Some(at) = self.last_literal {
            let c = self.out[at..].chars().next().unwrap_or(prev);
            self.out.truncate(at);
            push_char_ref(&mut self.out, c);
            self.last_literal = None;
        }
    }

    fn seq(&mut self, nodes: &[Inline], parent: &Parent, ancestors: &mut Vec<(EmKind, char)>) {
        let mut prev_delim: Option<char> = None;
        for (i, node) in nodes.iter().enumerate() {
            let first = i == 0;
            let last = i + 1 == nodes.len();
            let next = nodes.get(i + 1);
            let mut this_delim = None;
            match node {
                Inline::Text(t) => self.text(
                    t,
                    matches!(next, Some(Inline::Link { .. })),
                    next.is_some_and(is_delimited),
                ),
                Inline::Em(c) | Inline::Italic(c) | Inline::Strong(c) | Inline::Bold(c) => {
                    let kind = if matches!(node, Inline::Em(_) | Inline::Italic(_)) {
                        EmKind::Em
                    } else {
                        EmKind::Strong
                    };
                    let place = EmPlace {
                        parent,
                        prev_delim,
                        first,
                        last,
                    };
                    this_delim = Some(self.emphasis(kind, c, &place, ancestors));
                }
                Inline::Sub(c) => self.script('~', c, ancestors),
                Inline::Sup(c) => self.script('^', c, ancestors),
                Inline::Quote(c) => {
                    self.syntax("\"");
                    self.seq(c, &Parent::None, ancestors);
                    self.syntax("\"");
                }
                Inline::Code(code) => self.code(code),
                Inline::Link {
                    href,
                    title,
                    content,
                } => {
                    self.syntax("[");
                    self.seq(content, &Parent::None, ancestors);
                    self.destination(href, title.as_deref());
                }
                Inline::Image { src, alt, title } => {
                    self.syntax("![");
                    let saved = std::mem::replace(&mut self.mode, Mode::Heading);
                    // Alt text is plain text: escape it like text, but it is not at a
                    // line start and `#` needs no escape; Heading mode escapes `#`,
                    // which is harmless.
                    self.text(alt, false, false);
                    self.mode = saved;
                    self.destination(src, title.as_deref());
                }
                Inline::Insert { kind, id_ref } => {
                    self.syntax("{{ insert: ");
                    self.syntax(kind);
                    self.syntax(", ");
                    self.syntax(id_ref);
                    self.syntax(" }}");
                }
                Inline::LineBreak => {
                    self.syntax("\\\n");
                    self.line_start = true;
                }
            }
            prev_delim = this_delim;
        }
    }

    /// `](destination "title")`: the end of a link or image.
    fn destination(&mut self, href: &str, title: Option<&str>) {
        self.syntax("](");
        let mut dest = String::new();
        write_destination(href, title, &mut dest);
        self.syntax(&dest);
        self.syntax(")");
    }

    /// Emphasis or strong emphasis; returns the delimiter character chosen.
    fn emphasis(
        &mut self,
        kind: EmKind,
        content: &[Inline],
        place: &EmPlace<'_>,
        ancestors: &mut Vec<(EmKind, char)>,
    ) -> char {
        let parent_char = match place.parent {
            Parent::Delim(p) => Some(*p),
            Parent::None => None,
        };
        // Hard: never merge with the run before (previous sibling's closer,
        // or the parent's opener). Soft: the parent's closer after us, and
        // same-kind ancestors (a both-flanking opener could close them).
        let hard = [
            place.prev_delim,
            if place.first { parent_char } else { None },
        ];
        let score = |ch: char| {
            usize::from(place.last && parent_char == Some(ch))
                + ancestors
                    .iter()
                    .filter(|(k, a)| *k == kind && *a == ch)
                    .count()
        };
        let ch = ['*', '_']
            .into_iter()
            .filter(|ch| !hard.contains(&Some(*ch)))
            .min_by_key(|ch| score(*ch))
            .unwrap_or('*');
        let run = if kind == EmKind::Em { 1 } else { 2 };
        ancestors.push((kind, ch));
        self.delimited(ch, run, content, &Parent::Delim(ch), ancestors);
        ancestors.pop();
        ch
    }

    /// A subscript (`d` = `~`) or superscript (`^`).
    fn script(&mut self, d: char, content: &[Inline], ancestors: &mut Vec<(EmKind, char)>) {
        match self.bare_script(content) {
            Some(text) => {
                let mut s = String::with_capacity(text.len() + 2);
                s.push(d);
                s.push_str(text);
                s.push(d);
                self.syntax(&s);
            }
            None => self.delimited(d, 1, content, &Parent::None, ancestors),
        }
    }

    /// `H~2~O`, `x^2^`: a sub/superscript of plain word characters right after a letter or
    /// digit is written bare, the way NIST's converter does; the reader recognises it
    /// (pulldown-cmark alone leaves it as text, see `parse::split_verbatim_syntax`). Only
    /// after a letter: there the opening delimiter can never open, so pulldown-cmark cannot
    /// pair it with some later `~`.
    fn bare_script<'n>(&self, content: &'n [Inline]) -> Option<&'n str> {
        let [Inline::Text(text)] = content else {
            return None;
        };
        // Letters/digits at both ends: then neither delimiter can open (or close) in
        // pulldown-cmark's eyes, so nothing else can pair with them.
        let ends_ok = text.chars().next().is_some_and(char::is_alphanumeric)
            && text.chars().next_back().is_some_and(char::is_alphanumeric);
        let safe = ends_ok
            && text.chars().all(|c| {
                c.is_alphanumeric()
                    || matches!(
                        c,
                        '.' | ',' | '-' | '+' | '=' | '(' | ')' | '/' | '%' | '\''
                    )
            });
        let prev = if self.line_start {
            None
        } else {
            self.out.chars().next_back()
        };
        let prev_word = self.last_literal.is_some() && prev.is_some_and(char::is_alphanumeric);
        (safe && prev_word).then_some(text.as_str())
    }

    fn delimited(
        &mut self,
        ch: char,
        run: usize,
        content: &[Inline],
        parent: &Parent,
        ancestors: &mut Vec<(EmKind, char)>,
    ) {
        // Opener: must be left-flanking. For `*` that holds when the next character is
        // not punctuation; otherwise (and always for `_`, `~`, `^`) the previous character
        // must be whitespace or punctuation.
        // The next character must also stay a letter: a one-character text right before
        // another opener may still be rewritten as a reference (`&`, punctuation).
        let next_alnum = match content {
            [Inline::Text(t), rest @ ..] => {
                let mut chars = t.chars();
                chars.next().is_some_and(char::is_alphanumeric)
                    && (chars.next().is_some() || !rest.first().is_some_and(is_delimited))
            }
            _ => false,
        };
        if !(ch == '*' && next_alnum) {
            self.ensure_prev_ws_or_punct();
        }
        let delim: String = std::iter::repeat_n(ch, run).collect();
        self.syntax(&delim);
        self.seq(content, parent, ancestors);
        // Closer: must be right-flanking. For `*` that holds after a letter/digit;
        // otherwise the next character must be whitespace or punctuation.
        let prev_alnum = self
            .out
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        self.syntax(&delim);
        if !(ch == '*' && prev_alnum) {
            self.need = Need::WsOrPunct;
        }
    }

    fn code(&mut self, code: &str) {
        let fence = "`".repeat(longest_run(code, '`') + 1);
        let pad = code.starts_with('`')
            || code.ends_with('`')
            || (code.starts_with(' ') && code.ends_with(' ') && !code.bytes().all(|b| b == b' '));
        let mut s = String::with_capacity(code.len() + 2 * fence.len() + 2);
        s.push_str(&fence);
        if pad {
            s.push(' ');
        }
        if self.mode == Mode::TableCell {
            // GFM splits table rows on `|` before inline parsing, even inside code spans.
            s.push_str(&code.replace('|', "\\|"));
        } else {
            s.push_str(code);
        }
        if pad {
            s.push(' ');
        }
        s.push_str(&fence);
        self.syntax(&s);
    }

    fn text(&mut self, t: &str, next_is_link: bool, next_is_delimited: bool) {
        if t.is_empty() {
            return;
        }
        // Fast path: nothing to escape and no line start to check.
        let special = |b: u8| {
            matches!(
                b,
                b'*' | b'`'
                    | b'['
                    | b']'
                    | b'|'
                    | b'~'
                    | b'^'
                    | b'"'
                    | b'<'
                    | b'\\'
                    | b'_'
                    | b'&'
                    | b'!'
                    | b'{'
                    | b'#'
                    | b'\n'
            )
        };
        if self.need == Need::Nothing
            && !(self.line_start && self.mode == Mode::Paragraph)
            && !t.bytes().any(special)
        {
            let last = t.char_indices().next_back().map_or(0, |(i, _)| i);
            self.last_literal = Some(self.out.len() + last);
            self.out.push_str(t);
            self.line_start = false;
            return;
        }
        // Characters that may still be rewritten as references (first: after a closer;
        // last: before an opener), so they do not count as letters for `_` decisions.
        let around = TextAround {
            next_is_link,
            next_is_delimited,
            first_may_change: self.need == Need::WsOrPunct,
        };
        let mut escape_at: Option<usize> = None;
        let mut prev: Option<char> = None;
        for (i, c) in t.char_indices() {
            let prev_char = prev;
            prev = Some(c);
            if i == 0 && self.need == Need::WsOrPunct {
                self.need = Need::Nothing;
                if !is_ws_or_ascii_punct(c) {
                    push_char_ref(&mut self.out, c);
                    self.line_start = false;
                    self.last_literal = None;
                    continue;
                }
            }
            if c == '\n' {
                self.out.push('\n');
                self.line_start = true;
                self.last_literal = None;
                continue;
            }
            let mut escape = false;
            if self.line_start
                && self.mode == Mode::Paragraph
                && let Some(p) = block_start_escape(&t[i..])
            {
                // `p` is a byte offset into the line; the escape goes before that char.
                if p == 0 {
                    escape = true;
                } else {
                    escape_at = Some(i + p);
                }
            }
            if escape_at == Some(i) {
                escape = true;
                escape_at = None;
            }
            escape = escape || self.escapes(t, i, prev_char, around);
            self.line_start = false;
            if escape {
                self.out.push('\\');
                self.out.push(c);
                self.last_literal = None;
            } else {
                self.last_literal = Some(self.out.len());
                self.out.push(c);
            }
        }
        self.need = Need::Nothing;
    }
    /// Whether character `i` of `t` (after `prev_char`) needs a backslash wherever it
    /// stands in a line.
    fn escapes(&self, t: &str, i: usize, prev_char: Option<char>, around: TextAround) -> bool {
        let Some(c) = t[i..].chars().next() else {
            return false;
        };
        let after = &t[i + c.len_utf8()..];
        let next = after.chars().next();
        let is_last = after.is_empty();
        // The next character is the last one (a following opener may rewrite it).
        let next_is_last = next.is_some_and(|x| x.len_utf8() == after.len());
        match c {
            // `<` always: raw HTML, and e-mail autolinks (`<x#@y>`, even with
            // emphasis inside: autolinks bind tighter) start with it.
            '*' | '`' | '[' | ']' | '|' | '~' | '^' | '"' | '<' => true,
            // Also before a last character that a following opener may turn into
            // a reference (`\\&#97;` would read as a literal `&#97;`).
            '\\' => {
                next.is_none_or(|x| x.is_ascii_punctuation() || x == '\n')
                    || (next_is_last && around.next_is_delimited)
            }
            '_' => {
                let prev_ok = prev_char.is_some_and(char::is_alphanumeric)
                    && !(i == 0 || (around.first_may_change && prev_is_first(t, i)));
                let next_ok = next.is_some_and(char::is_alphanumeric)
                    && !(next_is_last && around.next_is_delimited);
                !(prev_ok && next_ok)
            }
            '&' => looks_like_entity(&t.as_bytes()[i..]),
            '!' => is_last && around.next_is_link,
            '{' => next == Some('{'),
            '#' => self.mode == Mode::Heading,
            _ => false,
        }
    }
}

/// What a text node's escaping depends on beyond its own characters.
#[derive(Clone, Copy)]
struct TextAround {
    next_is_link: bool,
    next_is_delimited: bool,
    /// The first character may still be rewritten as a reference (it follows a closer), so
    /// it does not count as a letter for `_` decisions.
    first_may_change: bool,
}

/// Where an emphasis node stands among its siblings.
struct EmPlace<'p> {
    parent: &'p Parent,
    /// The delimiter of the sibling just before, if it is emphasis.
    prev_delim: Option<char>,
    first: bool,
    last: bool,
}

/// Whether the character before byte `i` of `t` is the first character of `t`.
fn prev_is_first(t: &str, i: usize) -> bool {
    // Not `chars().count()`: that is a scan per `_`, quadratic on a long text.
    let mut before = t[..i].chars();
    before.next().is_some() && before.next().is_none()
}

fn is_delimited(n: &Inline) -> bool {
    matches!(
        n,
        Inline::Em(_)
            | Inline::Strong(_)
            | Inline::Italic(_)
            | Inline::Bold(_)
            | Inline::Sub(_)
            | Inline::Sup(_)
    )
}

/// Link destination and optional title (between the parentheses).
fn write_destination(dest: &str, title: Option<&str>, out: &mut String) {
    let plain = dest.chars().all(|c| {
        !c.is_whitespace() && !c.is_control() && !matches!(c, '(' | ')' | '<' | '>' | '\\' | '|')
    }) && !dest.contains('&')
        && !dest.is_empty();
    if plain {
        out.push_str(dest);
    } else {
        out.push('<');
        for (i, c) in dest.char_indices() {
            match c {
                '<' | '>' | '\\' => {
                    out.push('\\');
                    out.push(c);
                }
                // `|` anywhere in a line can make it a table header (GFM splits rows before
                // parsing links), so it is escaped in destinations and titles too.
                '|' => out.push_str("\\|"),
                '&' if looks_like_entity(&dest.as_bytes()[i..]) => out.push_str("\\&"),
                '\n' | '\r' => push_char_ref(out, c),
                c => out.push(c),
            }
        }
        out.push('>');
    }
    if let Some(title) = title {
        out.push_str(" \"");
        for (i, c) in title.char_indices() {
            match c {
                '"' | '\\' => {
                    out.push('\\');
                    out.push(c);
                }
                '|' => out.push_str("\\|"),
                '&' if looks_like_entity(&title.as_bytes()[i..]) => out.push_str("\\&"),
                // A blank line would end the paragraph; references keep it on one line.
                '\n' | '\r' => push_char_ref(out, c),
                c => out.push(c),
            }
        }
        out.push('"');
    }
}
