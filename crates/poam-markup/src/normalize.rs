//! The canonical form of a markup tree (see the crate docs for the list of rules).
//!
//! Every rule exists because Markdown cannot express the non-canonical shape, so the
//! Markdown reader can only ever produce the canonical one:
//!
//! * whitespace at the start/end of a paragraph, and around a line break, is stripped by
//!   CommonMark's paragraph and line rules;
//! * a whitespace run containing a line feed is one soft line break;
//! * `*foo *` / `* foo*` are not emphasis (flanking rules), hence the hoisting of edge
//!   whitespace out of emphasis-like nodes;
//! * `<em><em>x</em></em>` would need `**x**` (which is strong) or fragile delimiter
//!   juggling, and `~a~~b~` is a run of two tildes, hence the unwrapping / merging;
//! * headings and table cells are single Markdown lines.
//!
//! `is_*_normalized` mirror the rules without allocating; a property test checks that
//! they agree with `normalize`.

use crate::{Block, Inline, MAX_NESTING, Table, TableCell, TableRow};

/// Largest ordered-list start number CommonMark accepts (at most 9 digits).
pub(crate) const MAX_LIST_START: u64 = 999_999_999;

const F_EM: u8 = 1;
const F_STRONG: u8 = 2;
const F_ITALIC: u8 = 4;
const F_BOLD: u8 = 8;
const F_SUB: u8 = 16;
const F_SUP: u8 = 32;
const F_LINK: u8 = 64;

#[derive(Clone, Copy)]
struct Ctx {
    /// Paragraph-like content: `"\n"` and `LineBreak` are allowed. Otherwise (headings,
    /// table cells) both become a space.
    newlines: bool,
    depth: usize,
    /// Enclosing delimited nodes (`F_*` flags).
    anc: u8,
}

impl Ctx {
    fn top(newlines: bool, depth: usize) -> Self {
        Self {
            newlines,
            depth,
            anc: 0,
        }
    }
    fn inner(self, flag: u8) -> Self {
        Self {
            newlines: self.newlines,
            depth: self.depth + 1,
            anc: self.anc | flag,
        }
    }
}

/// Whitespace that Markdown strips at line edges and around line breaks.
pub(crate) fn is_line_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n')
}

/// Whether `s` can be written as an insert token: it must survive the Markdown reader
/// verbatim, so only letters, digits, `.`, `-`, and `_` between two letters/digits (an
/// `_` at a word boundary could pair with another one and become emphasis).
pub(crate) fn is_insert_token(s: &str) -> bool {
    let mut prev: Option<char> = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let ok = c.is_alphanumeric()
            || c == '.'
            || c == '-'
            || (c == '_'
                && prev.is_some_and(char::is_alphanumeric)
                && chars.peek().is_some_and(|n| n.is_alphanumeric()));
        if !ok {
            return false;
        }
        prev = Some(c);
    }
    prev.is_some()
}

/// The literal text of an insert, as written in Markdown.
pub(crate) fn insert_literal(kind: &str, id_ref: &str) -> String {
    format!("{{{{ insert: {kind}, {id_ref} }}}}")
}

fn delimited_flag(node: &Inline) -> Option<u8> {
    match node {
        Inline::Em(_) => Some(F_EM),
        Inline::Strong(_) => Some(F_STRONG),
        Inline::Italic(_) => Some(F_ITALIC),
        Inline::Bold(_) => Some(F_BOLD),
        Inline::Sub(_) => Some(F_SUB),
        Inline::Sup(_) => Some(F_SUP),
        _ => None,
    }
}

/// Ancestors that make a delimited node of kind `flag` unwrap. Sub/Sup inside Sub/Sup
/// is unwrapped because pulldown-cmark shares one delimiter-stack bound between `~` and
/// `^`, so e.g. `~^.^~` does not parse as nested sub/superscript.
fn unwrap_mask(flag: u8) -> u8 {
    if flag & (F_SUB | F_SUP) != 0 {
        F_SUB | F_SUP
    } else {
        flag
    }
}

fn rebuild_delimited(flag: u8, content: Vec<Inline>) -> Inline {
    match flag {
        F_EM => Inline::Em(content),
        F_STRONG => Inline::Strong(content),
        F_ITALIC => Inline::Italic(content),
        F_BOLD => Inline::Bold(content),
        F_SUB => Inline::Sub(content),
        _ => Inline::Sup(content),
    }
}

fn into_delimited_content(node: Inline) -> Vec<Inline> {
    match node {
        Inline::Em(c)
        | Inline::Strong(c)
        | Inline::Italic(c)
        | Inline::Bold(c)
        | Inline::Sub(c)
        | Inline::Sup(c) => c,
        _ => Vec::new(),
    }
}

/// NUL → U+FFFD (CommonMark does the same), CRLF / CR → LF, and optionally LF → space.
fn fix_chars(s: &mut String, lf_to_space: bool) {
    let needs = s.contains(['\0', '\r']) || (lf_to_space && s.contains('\n'));
    if !needs {
        return;
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(if lf_to_space { ' ' } else { '\n' });
            }
            '\n' if lf_to_space => out.push(' '),
            c => out.push(c),
        }
    }
    *s = out;
}

fn fix_nul(s: &mut String) {
    if s.contains('\0') {
        *s = s.replace('\0', "\u{FFFD}");
    }
}

/// Collapses every run of `[ \t\n]` that contains a `\n` into a single `\n`.
fn collapse_newline_runs(s: &mut String) {
    if !s.contains('\n') {
        return;
    }
    let bytes = s.as_bytes();
    // Fast check: is there any newline with a whitespace neighbour?
    let needs = bytes.iter().enumerate().any(|(i, &b)| {
        b == b'\n'
            && ((i > 0 && matches!(bytes[i - 1], b' ' | b'\t' | b'\n'))
                || matches!(bytes.get(i + 1), Some(b' ' | b'\t' | b'\n')))
    });
    if !needs {
        return;
    }
    let mut out = String::with_capacity(s.len());
    let mut pending_ws = String::new();
    let mut pending_nl = false;
    for c in s.chars() {
        if matches!(c, ' ' | '\t' | '\n') {
            if c == '\n' {
                pending_nl = true;
            }
            pending_ws.push(c);
        } else {
            flush_ws(&mut out, &mut pending_ws, &mut pending_nl);
            out.push(c);
        }
    }
    flush_ws(&mut out, &mut pending_ws, &mut pending_nl);
    *s = out;
}

fn flush_ws(out: &mut String, ws: &mut String, nl: &mut bool) {
    if *nl {
        out.push('\n');
    } else {
        out.push_str(ws);
    }
    ws.clear();
    *nl = false;
}

fn alt_text(s: &mut String) {
    fix_chars(s, false);
    if s.contains('\n') {
        // A line break in alt text is a soft break for Markdown; it has no meaning in
        // an attribute, so the canonical form is a single space.
        collapse_newline_runs(s);
        *s = s.replace('\n', " ");
    }
}

fn merge_texts(v: &mut Vec<Inline>) {
    let needs = v
        .iter()
        .any(|n| matches!(n, Inline::Text(t) if t.is_empty()))
        || v.windows(2)
            .any(|w| matches!(w, [Inline::Text(_), Inline::Text(_)]));
    if !needs {
        return;
    }
    let old = std::mem::take(v);
    for node in old {
        if let Inline::Text(t) = node {
            if t.is_empty() {
                continue;
            }
            if let Some(Inline::Text(prev)) = v.last_mut() {
                prev.push_str(&t);
            } else {
                v.push(Inline::Text(t));
            }
        } else {
            v.push(node);
        }
    }
}

/// `~a~~b~` / `^a^^b^` cannot be written, so adjacent `Sub`s (and `Sup`s) are merged.
/// Adjacent code spans merge too: their backtick fences would form one run.
fn merge_adjacent_subsup(v: &mut Vec<Inline>) {
    let needs = v.windows(2).any(|w| {
        matches!(
            w,
            [Inline::Sub(_), Inline::Sub(_)]
                | [Inline::Sup(_), Inline::Sup(_)]
                | [Inline::Code(_), Inline::Code(_)]
        )
    });
    if !needs {
        return;
    }
    let old = std::mem::take(v);
    // A run of subscripts (or superscripts) is joined first and its content tidied once:
    // tidying after each join rescans the content so far, quadratic on a long run.
    let mut grown = false;
    for node in old {
        match (v.last_mut(), node) {
            (Some(Inline::Sub(prev)), Inline::Sub(c))
            | (Some(Inline::Sup(prev)), Inline::Sup(c)) => {
                prev.extend(c);
                grown = true;
            }
            (Some(Inline::Code(prev)), Inline::Code(c)) => prev.push_str(&c),
            (_, node) => {
                tidy_joined(v, &mut grown);
                v.push(node);
            }
        }
    }
    tidy_joined(v, &mut grown);
}

/// Merges the texts and the adjacent sub/superscripts inside the last node of `v`, when a
/// run was joined into it (`grown`).
fn tidy_joined(v: &mut [Inline], grown: &mut bool) {
    if std::mem::take(grown)
        && let Some(Inline::Sub(content) | Inline::Sup(content)) = v.last_mut()
    {
        merge_texts(content);
        merge_adjacent_subsup(content);
    }
}

/// Removes `[ \t\n]` next to line breaks and collapses newline runs inside texts.
fn fix_whitespace(v: &mut Vec<Inline>, ctx: Ctx) {
    if ctx.newlines {
        for node in v.iter_mut() {
            if let Inline::Text(t) = node {
                collapse_newline_runs(t);
            }
        }
    }
    if !v.iter().any(|n| matches!(n, Inline::LineBreak)) {
        return;
    }
    for i in 0..v.len() {
        if !matches!(v[i], Inline::LineBreak) {
            continue;
        }
        if i > 0
            && let Inline::Text(t) = &mut v[i - 1]
        {
            let keep = t.trim_end_matches(is_line_ws).len();
            t.truncate(keep);
        }
        if let Some(Inline::Text(t)) = v.get_mut(i + 1) {
            let skip = t.len() - t.trim_start_matches(is_line_ws).len();
            t.drain(..skip);
        }
    }
    v.retain(|n| !matches!(n, Inline::Text(t) if t.is_empty()));
}

fn norm_seq(input: Vec<Inline>, ctx: Ctx) -> Vec<Inline> {
    let mut out = Vec::with_capacity(input.len());
    for node in input {
        norm_node(node, ctx, &mut out);
    }
    merge_texts(&mut out);
    merge_adjacent_subsup(&mut out);
    fix_whitespace(&mut out, ctx);
    out
}

fn norm_node(node: Inline, ctx: Ctx, out: &mut Vec<Inline>) {
    match node {
        Inline::Text(mut t) => {
            fix_chars(&mut t, !ctx.newlines);
            out.push(Inline::Text(t));
        }
        Inline::LineBreak => {
            if ctx.newlines {
                out.push(Inline::LineBreak);
            } else {
                out.push(Inline::Text(" ".to_owned()));
            }
        }
        Inline::Code(mut c) => {
            fix_chars(&mut c, true);
            if ctx.anc & F_LINK != 0 && c.contains("]:") {
                // `[`a]:b`](x)` at the start of a line reads as a link reference
                // definition (block structure is decided before code spans), so such a
                // code span inside link text is kept as plain text.
                out.push(Inline::Text(c));
            } else if !c.is_empty() {
                out.push(Inline::Code(c));
            }
        }
        Inline::Insert { kind, id_ref } => {
            if is_insert_token(&kind) && is_insert_token(&id_ref) {
                out.push(Inline::Insert { kind, id_ref });
            } else {
                let mut t = insert_literal(&kind, &id_ref);
                fix_chars(&mut t, !ctx.newlines);
                out.push(Inline::Text(t));
            }
        }
        Inline::Image { src, alt, title } => out.push(norm_image(src, alt, title)),
        Inline::Link {
            href,
            title,
            content,
        } => norm_link(href, title, content, ctx, out),
        Inline::Quote(content) => {
            if ctx.depth >= MAX_NESTING {
                out.extend(norm_seq(content, ctx));
                return;
            }
            out.push(Inline::Quote(norm_seq(content, ctx.inner(0))));
        }
        node => {
            let flag = delimited_flag(&node).unwrap_or(F_EM);
            let content = into_delimited_content(node);
            if ctx.anc & unwrap_mask(flag) != 0 || ctx.depth >= MAX_NESTING {
                out.extend(norm_seq(content, ctx));
                return;
            }
            let mut content = norm_seq(content, ctx.inner(flag));
            let (lead, trail) = hoist_edges(&mut content);
            out.extend(lead);
            if !content.is_empty() {
                out.push(rebuild_delimited(flag, content));
            }
            out.extend(trail);
        }
    }
}

fn norm_image(mut src: String, mut alt: String, mut title: Option<String>) -> Inline {
    fix_nul(&mut src);
    alt_text(&mut alt);
    if let Some(t) = &mut title {
        fix_nul(t);
    }
    if title.as_deref() == Some("") {
        title = None;
    }
    Inline::Image { src, alt, title }
}

fn norm_link(
    mut href: String,
    mut title: Option<String>,
    content: Vec<Inline>,
    ctx: Ctx,
    out: &mut Vec<Inline>,
) {
    if ctx.anc & F_LINK != 0 || ctx.depth >= MAX_NESTING {
        // A link inside a link cannot be written in Markdown (the inner one wins)
        // nor in OSCAL XML; keep the text.
        out.extend(norm_seq(content, ctx));
        return;
    }
    fix_nul(&mut href);
    if let Some(t) = &mut title {
        fix_nul(t);
    }
    if title.as_deref() == Some("") {
        title = None;
    }
    let mut content = norm_seq(content, ctx.inner(F_LINK));
    // `[a\` + newline + `](x)`: a hard break cannot end (or start) link text.
    let mut lead = 0;
    while matches!(content.get(lead), Some(Inline::LineBreak)) {
        lead += 1;
    }
    out.extend(content.drain(..lead));
    let mut trail = 0;
    while content.len() > trail && matches!(content[content.len() - 1 - trail], Inline::LineBreak) {
        trail += 1;
    }
    let after = content.split_off(content.len() - trail);
    out.push(Inline::Link {
        href,
        title,
        content,
    });
    out.extend(after);
}

/// Splits leading and trailing whitespace / line breaks off `content`.
fn hoist_edges(content: &mut Vec<Inline>) -> (Vec<Inline>, Vec<Inline>) {
    // The leading nodes are counted and drained once: removing them one at a time from
    // the front is quadratic on a run of line breaks.
    let mut lead = Vec::new();
    let mut taken = 0;
    while let Some(node) = content.get_mut(taken) {
        match node {
            Inline::LineBreak => {
                lead.push(Inline::LineBreak);
                taken += 1;
            }
            Inline::Text(t) => {
                let rest = t.trim_start_matches(char::is_whitespace).len();
                let cut = t.len() - rest;
                if cut > 0 {
                    let ws: String = t.drain(..cut).collect();
                    lead.push(Inline::Text(ws));
                }
                if !t.is_empty() {
                    break;
                }
                taken += 1;
            }
            _ => break,
        }
    }
    content.drain(..taken);
    let mut trail = Vec::new();
    loop {
        match content.last_mut() {
            Some(Inline::LineBreak) => {
                if let Some(n) = content.pop() {
                    trail.push(n);
                }
            }
            Some(Inline::Text(t)) => {
                let keep = t.trim_end_matches(char::is_whitespace).len();
                if keep < t.len() {
                    trail.push(Inline::Text(t.split_off(keep)));
                }
                if t.is_empty() {
                    content.pop();
                    continue;
                }
                break;
            }
            _ => break,
        }
    }
    trail.reverse();
    (lead, trail)
}

/// Block-level content cannot start or end with whitespace or a line break.
fn trim_edges(v: &mut Vec<Inline>) {
    // Counted, then drained once (see `hoist_edges`).
    let mut lead = 0;
    while let Some(node) = v.get_mut(lead) {
        match node {
            Inline::LineBreak => lead += 1,
            Inline::Text(t) => {
                let skip = t.len() - t.trim_start_matches(is_line_ws).len();
                t.drain(..skip);
                if !t.is_empty() {
                    break;
                }
                lead += 1;
            }
            _ => break,
        }
    }
    v.drain(..lead);
    loop {
        match v.last_mut() {
            Some(Inline::LineBreak) => {
                v.pop();
            }
            Some(Inline::Text(t)) => {
                let keep = t.trim_end_matches(is_line_ws).len();
                t.truncate(keep);
                if t.is_empty() {
                    v.pop();
                    continue;
                }
                break;
            }
            _ => break,
        }
    }
}

fn norm_top_inlines(v: Vec<Inline>, newlines: bool, depth: usize) -> Vec<Inline> {
    let mut v = norm_seq(v, Ctx::top(newlines, depth));
    trim_edges(&mut v);
    v
}

/// Passes of the rules until the result is canonical. One pass almost always suffices;
/// a second is needed when a rewrite enables another one (e.g. two code spans inside
/// link text merge into one containing `]:`, which then becomes text).
const MAX_PASSES: usize = 4;

pub(crate) fn normalize_line(v: &mut Vec<Inline>) {
    for _ in 0..MAX_PASSES {
        let old = std::mem::take(v);
        *v = norm_top_inlines(old, true, 0);
        if is_line_normalized(v) {
            return;
        }
    }
}

pub(crate) fn normalize_blocks(v: &mut Vec<Block>) {
    for _ in 0..MAX_PASSES {
        let old = std::mem::take(v);
        *v = norm_blocks(old, 0);
        if is_blocks_normalized(v) {
            return;
        }
    }
}

fn norm_blocks(input: Vec<Block>, depth: usize) -> Vec<Block> {
    let mut out = Vec::with_capacity(input.len());
    for b in input {
        norm_block(b, depth, &mut out);
    }
    out
}

/// Whether the Markdown of `b` ends with an empty list item (its last line is a bare
/// list marker).
fn ends_with_empty_item(b: &Block) -> bool {
    match b {
        Block::Blockquote(bs) => bs.last().is_some_and(ends_with_empty_item),
        Block::List { items, .. } => items
            .last()
            .is_some_and(|item| item.last().is_none_or(ends_with_empty_item)),
        _ => false,
    }
}

/// pulldown-cmark ends a list item early when, inside it, a block quote ending with an
/// empty list item is followed by a blank line; the Markdown writer then omits the blank
/// line, which is only impossible before another block quote (the two would merge). So
/// inside a list item, such a block quote absorbs a directly following block quote.
fn merge_item_quotes(blocks: &mut Vec<Block>) {
    let mut i = 0;
    while i + 1 < blocks.len() {
        let absorb = matches!(&blocks[i], Block::Blockquote(_))
            && ends_with_empty_item(&blocks[i])
            && matches!(&blocks[i + 1], Block::Blockquote(_));
        if absorb {
            if let Block::Blockquote(next) = blocks.remove(i + 1)
                && let Block::Blockquote(cur) = &mut blocks[i]
            {
                cur.extend(next);
            }
        } else {
            i += 1;
        }
    }
}

fn item_quotes_ok(blocks: &[Block]) -> bool {
    !blocks.windows(2).any(|w| {
        matches!(w[0], Block::Blockquote(_))
            && ends_with_empty_item(&w[0])
            && matches!(w[1], Block::Blockquote(_))
    })
}

fn norm_block(b: Block, depth: usize, out: &mut Vec<Block>) {
    match b {
        Block::Paragraph(c) => {
            let c = norm_top_inlines(c, true, depth);
            if !c.is_empty() {
                out.push(Block::Paragraph(c));
            }
        }
        Block::Heading { level, content } => out.push(Block::Heading {
            level: level.clamp(1, 6),
            content: norm_top_inlines(content, false, depth),
        }),
        Block::List {
            ordered,
            start,
            items,
        } => {
            if items.is_empty() {
                return;
            }
            if depth >= MAX_NESTING {
                for item in items {
                    out.extend(norm_blocks(item, depth));
                }
                return;
            }
            let start = if ordered {
                Some(start.unwrap_or(1).min(MAX_LIST_START))
            } else {
                None
            };
            let items = items
                .into_iter()
                .map(|item| {
                    let mut item = norm_blocks(item, depth + 1);
                    merge_item_quotes(&mut item);
                    item
                })
                .collect();
            out.push(Block::List {
                ordered,
                start,
                items,
            });
        }
        Block::Pre(mut s) => {
            fix_chars(&mut s, false);
            out.push(Block::Pre(s));
        }
        Block::Blockquote(bs) => {
            if depth >= MAX_NESTING {
                out.extend(norm_blocks(bs, depth));
            } else {
                out.push(Block::Blockquote(norm_blocks(bs, depth + 1)));
            }
        }
        Block::Table(t) => {
            if let Some(t) = norm_table(t, depth) {
                out.push(Block::Table(t));
            }
        }
        Block::HorizontalRule => out.push(Block::HorizontalRule),
    }
}

fn norm_table(t: Table, depth: usize) -> Option<Table> {
    let ncols = t.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    if ncols == 0 {
        return None;
    }
    let aligns: Vec<_> = (0..ncols)
        .map(|i| t.rows[0].cells.get(i).and_then(|c| c.align))
        .collect();
    let rows = t
        .rows
        .into_iter()
        .enumerate()
        .map(|(r, row)| {
            let mut cells: Vec<TableCell> = row
                .cells
                .into_iter()
                .enumerate()
                .map(|(i, cell)| TableCell {
                    header: r == 0,
                    align: aligns[i],
                    content: norm_top_inlines(cell.content, false, depth + 1),
                })
                .collect();
            while cells.len() < ncols {
                cells.push(TableCell {
                    header: r == 0,
                    align: aligns[cells.len()],
                    content: Vec::new(),
                });
            }
            TableRow { cells }
        })
        .collect();
    Some(Table { rows })
}

// ---------------------------------------------------------------------------------------
// Checks (mirror the rules above without allocating).

fn text_ok(t: &str, ctx: Ctx) -> bool {
    if t.is_empty() || t.contains(['\0', '\r']) {
        return false;
    }
    if !ctx.newlines {
        return !t.contains('\n');
    }
    let b = t.as_bytes();
    !b.iter().enumerate().any(|(i, &c)| {
        c == b'\n'
            && ((i > 0 && matches!(b[i - 1], b' ' | b'\t' | b'\n'))
                || matches!(b.get(i + 1), Some(b' ' | b'\t' | b'\n')))
    })
}

fn seq_ok(v: &[Inline], ctx: Ctx) -> bool {
    for (i, node) in v.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|j| v.get(j));
        let next = v.get(i + 1);
        let ok = match node {
            Inline::Text(t) => !matches!(prev, Some(Inline::Text(_))) && text_ok(t, ctx),
            Inline::LineBreak => {
                ctx.newlines
                    && !matches!(prev, Some(Inline::Text(t)) if t.ends_with(is_line_ws))
                    && !matches!(next, Some(Inline::Text(t)) if t.starts_with(is_line_ws))
            }
            Inline::Code(c) => {
                let in_link_ref_like = ctx.anc & F_LINK != 0 && c.contains("]:");
                let bad = c.is_empty()
                    || in_link_ref_like
                    || c.contains(['\0', '\r', '\n'])
                    || matches!(next, Some(Inline::Code(_)));
                !bad
            }
            Inline::Insert { kind, id_ref } => is_insert_token(kind) && is_insert_token(id_ref),
            Inline::Image { src, alt, title } => {
                !src.contains('\0')
                    && !alt.contains(['\0', '\r', '\n'])
                    && title
                        .as_deref()
                        .is_none_or(|t| !t.is_empty() && !t.contains('\0'))
            }
            Inline::Link {
                href,
                title,
                content,
            } => {
                ctx.anc & F_LINK == 0
                    && ctx.depth < MAX_NESTING
                    && !href.contains('\0')
                    && title
                        .as_deref()
                        .is_none_or(|t| !t.is_empty() && !t.contains('\0'))
                    && !matches!(content.first(), Some(Inline::LineBreak))
                    && !matches!(content.last(), Some(Inline::LineBreak))
                    && seq_ok(content, ctx.inner(F_LINK))
            }
            Inline::Quote(content) => ctx.depth < MAX_NESTING && seq_ok(content, ctx.inner(0)),
            Inline::Em(c)
            | Inline::Strong(c)
            | Inline::Italic(c)
            | Inline::Bold(c)
            | Inline::Sub(c)
            | Inline::Sup(c) => {
                let flag = delimited_flag(node).unwrap_or(F_EM);
                let same_adjacent = matches!(
                    (node, next),
                    (Inline::Sub(_), Some(Inline::Sub(_))) | (Inline::Sup(_), Some(Inline::Sup(_)))
                );
                ctx.anc & unwrap_mask(flag) == 0
                    && ctx.depth < MAX_NESTING
                    && !same_adjacent
                    && !c.is_empty()
                    && !matches!(c.first(), Some(Inline::LineBreak))
                    && !matches!(c.last(), Some(Inline::LineBreak))
                    && !matches!(c.first(), Some(Inline::Text(t)) if t.starts_with(char::is_whitespace))
                    && !matches!(c.last(), Some(Inline::Text(t)) if t.ends_with(char::is_whitespace))
                    && seq_ok(c, ctx.inner(flag))
            }
        };
        if !ok {
            return false;
        }
    }
    true
}

fn top_ok(v: &[Inline], newlines: bool, depth: usize) -> bool {
    !matches!(v.first(), Some(Inline::LineBreak))
        && !matches!(v.last(), Some(Inline::LineBreak))
        && !matches!(v.first(), Some(Inline::Text(t)) if t.starts_with(is_line_ws))
        && !matches!(v.last(), Some(Inline::Text(t)) if t.ends_with(is_line_ws))
        && seq_ok(v, Ctx::top(newlines, depth))
}

pub(crate) fn is_line_normalized(v: &[Inline]) -> bool {
    top_ok(v, true, 0)
}

pub(crate) fn is_blocks_normalized(v: &[Block]) -> bool {
    blocks_ok(v, 0)
}

fn blocks_ok(v: &[Block], depth: usize) -> bool {
    v.iter().all(|b| match b {
        Block::Paragraph(c) => !c.is_empty() && top_ok(c, true, depth),
        Block::Heading { level, content } => {
            (1..=6).contains(level) && top_ok(content, false, depth)
        }
        Block::List {
            ordered,
            start,
            items,
        } => {
            !items.is_empty()
                && depth < MAX_NESTING
                && if *ordered {
                    matches!(start, Some(n) if *n <= MAX_LIST_START)
                } else {
                    start.is_none()
                }
                && items
                    .iter()
                    .all(|item| blocks_ok(item, depth + 1) && item_quotes_ok(item))
        }
        Block::Pre(s) => !s.contains(['\0', '\r']),
        Block::Blockquote(bs) => depth < MAX_NESTING && blocks_ok(bs, depth + 1),
        Block::Table(t) => table_ok(t, depth),
        Block::HorizontalRule => true,
    })
}

fn table_ok(t: &Table, depth: usize) -> bool {
    let Some(first) = t.rows.first() else {
        return false;
    };
    let ncols = first.cells.len();
    ncols > 0
        && t.rows.iter().enumerate().all(|(r, row)| {
            row.cells.len() == ncols
                && row.cells.iter().enumerate().all(|(i, cell)| {
                    cell.header == (r == 0)
                        && cell.align == first.cells[i].align
                        && top_ok(&cell.content, false, depth + 1)
                })
        })
}

// ---------------------------------------------------------------------------------------
// Markdown-equivalent mapping and plain text.

/// Whether the tree has nodes that Markdown maps to something else (`Italic`, `Bold`,
/// and with `quotes` also `Quote`).
pub(crate) fn has_lossy_inlines(v: &[Inline], quotes: bool) -> bool {
    v.iter().any(|n| match n {
        Inline::Italic(_) | Inline::Bold(_) => true,
        Inline::Quote(c) => quotes || has_lossy_inlines(c, quotes),
        Inline::Em(c)
        | Inline::Strong(c)
        | Inline::Sub(c)
        | Inline::Sup(c)
        | Inline::Link { content: c, .. } => has_lossy_inlines(c, quotes),
        _ => false,
    })
}

pub(crate) fn has_lossy_blocks(v: &[Block], quotes: bool) -> bool {
    v.iter().any(|b| match b {
        Block::Paragraph(c) | Block::Heading { content: c, .. } => has_lossy_inlines(c, quotes),
        Block::List { items, .. } => items.iter().any(|i| has_lossy_blocks(i, quotes)),
        Block::Blockquote(bs) => has_lossy_blocks(bs, quotes),
        Block::Table(t) => t.rows.iter().any(|r| {
            r.cells
                .iter()
                .any(|c| has_lossy_inlines(&c.content, quotes))
        }),
        Block::Pre(_) | Block::HorizontalRule => false,
    })
}

/// `Italic` → `Em`, `Bold` → `Strong`, and with `quotes` also `Quote` → literal `"`.
/// (The Markdown writer keeps `Quote` so that it can write its quotes unescaped.)
pub(crate) fn markdown_mapped_inlines(v: &[Inline], quotes: bool) -> Vec<Inline> {
    let mut out = Vec::with_capacity(v.len());
    for node in v {
        match node {
            Inline::Italic(c) | Inline::Em(c) => {
                out.push(Inline::Em(markdown_mapped_inlines(c, quotes)));
            }
            Inline::Bold(c) | Inline::Strong(c) => {
                out.push(Inline::Strong(markdown_mapped_inlines(c, quotes)));
            }
            Inline::Quote(c) if quotes => {
                out.push(Inline::Text("\"".to_owned()));
                out.extend(markdown_mapped_inlines(c, quotes));
                out.push(Inline::Text("\"".to_owned()));
            }
            Inline::Quote(c) => out.push(Inline::Quote(markdown_mapped_inlines(c, quotes))),
            Inline::Sub(c) => out.push(Inline::Sub(markdown_mapped_inlines(c, quotes))),
            Inline::Sup(c) => out.push(Inline::Sup(markdown_mapped_inlines(c, quotes))),
            Inline::Link {
                href,
                title,
                content,
            } => out.push(Inline::Link {
                href: href.clone(),
                title: title.clone(),
                content: markdown_mapped_inlines(content, quotes),
            }),
            other => out.push(other.clone()),
        }
    }
    out
}

pub(crate) fn markdown_equivalent_inlines(v: &[Inline]) -> Vec<Inline> {
    markdown_mapped_inlines(v, true)
}

pub(crate) fn markdown_equivalent_blocks(v: &[Block]) -> Vec<Block> {
    markdown_mapped_blocks(v, true)
}

pub(crate) fn markdown_mapped_blocks(v: &[Block], quotes: bool) -> Vec<Block> {
    v.iter()
        .map(|b| match b {
            Block::Paragraph(c) => Block::Paragraph(markdown_mapped_inlines(c, quotes)),
            Block::Heading { level, content } => Block::Heading {
                level: *level,
                content: markdown_mapped_inlines(content, quotes),
            },
            Block::List {
                ordered,
                start,
                items,
            } => Block::List {
                ordered: *ordered,
                start: *start,
                items: items
                    .iter()
                    .map(|i| markdown_mapped_blocks(i, quotes))
                    .collect(),
            },
            Block::Blockquote(bs) => Block::Blockquote(markdown_mapped_blocks(bs, quotes)),
            Block::Table(t) => Block::Table(Table {
                rows: t
                    .rows
                    .iter()
                    .map(|r| TableRow {
                        cells: r
                            .cells
                            .iter()
                            .map(|c| TableCell {
                                header: c.header,
                                align: c.align,
                                content: markdown_mapped_inlines(&c.content, quotes),
                            })
                            .collect(),
                    })
                    .collect(),
            }),
            other => other.clone(),
        })
        .collect()
}
