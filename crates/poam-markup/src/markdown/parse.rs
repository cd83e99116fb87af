//! Markdown → tree.
//!
//! `pulldown-cmark` produces events; a frame stack (no recursion, so hostile nesting cannot
//! overflow the stack) turns them into blocks and inlines. `{{ insert: type, id }}` is not
//! Markdown syntax, so it is recognised afterwards in text that appears *verbatim* in the
//! source (an escaped `\{{ insert: .. }}` or one built from entities stays text).

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Alignment, Event, LinkType, Parser, Tag};

use crate::normalize::{self, is_insert_token};
use crate::{Align, Block, Inline, MAX_NESTING, Table, TableCell, TableRow};

// ---------------------------------------------------------------------------------------
// Fast path: text that cannot contain markup.

/// Whether `s` parses as one plain `Text` (no Markdown-significant character), so that
/// pulldown-cmark can be skipped. `block` adds the checks for block syntax at the start.
pub(crate) fn is_plain(s: &str, block: bool) -> bool {
    let b = s.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    if matches!(first, b' ' | b'\t') || matches!(last, b' ' | b'\t') {
        return false;
    }
    if block {
        if first.is_ascii_punctuation() {
            return false;
        }
        if first.is_ascii_digit() {
            let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
            if matches!(b.get(digits), Some(b'.' | b')')) {
                return false;
            }
        }
    }
    for (i, &c) in b.iter().enumerate() {
        match c {
            // `~`/`^` may form an intraword `H~2~O` (see `split_verbatim_syntax`).
            b'\n' | b'\r' | b'\0' | b'*' | b'\\' | b'[' | b'<' | b'`' | b'~' | b'^' => {
                return false;
            }
            // A single `_` between two letters/digits can neither open nor close.
            b'_' => {
                let before = s[..i].chars().next_back();
                let after = s[i + 1..].chars().next();
                if !(before.is_some_and(char::is_alphanumeric)
                    && after.is_some_and(char::is_alphanumeric))
                {
                    return false;
                }
            }
            b'&' if looks_like_entity(&b[i..]) => return false,
            b'{' if b.get(i + 1) == Some(&b'{') => return false,
            _ => {}
        }
    }
    true
}

/// `&name;` or `&#digits;` — something CommonMark might decode.
pub(crate) fn looks_like_entity(b: &[u8]) -> bool {
    let mut i = 1;
    if b.get(i) == Some(&b'#') {
        i += 1;
    }
    let start = i;
    while b.get(i).is_some_and(u8::is_ascii_alphanumeric) {
        i += 1;
    }
    i > start && b.get(i) == Some(&b';')
}

pub(crate) fn parse_line(s: Cow<'_, str>) -> Vec<Inline> {
    if is_plain(&s, false) {
        return vec![Inline::Text(s.into_owned())];
    }
    let collapsed = collapse_line_breaks(&s);
    let (src, inserted) = neutralize_line_starts(&collapsed);
    let blocks = Builder::new(&src, &inserted).run();
    let mut inlines = Vec::new();
    flatten_blocks(blocks, &mut inlines);
    normalize::normalize_line(&mut inlines);
    inlines
}

pub(crate) fn parse_multiline(s: Cow<'_, str>) -> Vec<Block> {
    if is_plain(&s, true) {
        return vec![Block::Paragraph(vec![Inline::Text(s.into_owned())])];
    }
    // Plain paragraphs separated by blank lines (the usual shape of OSCAL remarks).
    if s.contains("\n\n") && s.split("\n\n").all(|p| is_plain(p, true)) {
        return s
            .split("\n\n")
            .map(|p| Block::Paragraph(vec![Inline::Text(p.to_owned())]))
            .collect();
    }
    let mut blocks = Builder::new(&s, &[]).run();
    normalize::normalize_blocks(&mut blocks);
    blocks
}

// ---------------------------------------------------------------------------------------
// markup-line: keep block syntax literal.

/// A line has no paragraphs, so any whitespace run containing a line break is one soft
/// break (which is also what normalization would make of it); leading/trailing
/// whitespace goes (normalization trims it too). This removes blank lines (which would
/// split paragraphs) and indentation (which could start a code block).
fn collapse_line_breaks(s: &str) -> Cow<'_, str> {
    let t = s.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
    if !t.contains(['\n', '\r']) {
        return Cow::Borrowed(t);
    }
    let mut out = String::with_capacity(t.len());
    let mut ws = String::new();
    let mut nl = false;
    for c in t.chars() {
        match c {
            '\n' | '\r' => nl = true,
            ' ' | '\t' => ws.push(c),
            _ => {
                if nl {
                    out.push('\n');
                } else {
                    out.push_str(&ws);
                }
                ws.clear();
                nl = false;
                out.push(c);
            }
        }
    }
    Cow::Owned(out)
}

/// Inserts a backslash before any character at the start of a line that would start a
/// block (heading, list, block quote, fence, thematic break, setext underline, table
/// delimiter row, HTML block, link reference definition). Every such character is ASCII
/// punctuation whose escaped form is the same literal text, so the inline meaning of the
/// line is unchanged. Returns the new source and the offsets of the inserted backslashes.
fn neutralize_line_starts(s: &str) -> (Cow<'_, str>, Vec<usize>) {
    let mut positions = Vec::new();
    let mut line_start = 0;
    loop {
        if let Some(p) = block_start_escape(&s[line_start..]) {
            positions.push(line_start + p);
        }
        match s[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => break,
        }
    }
    if positions.is_empty() {
        return (Cow::Borrowed(s), positions);
    }
    let mut out = String::with_capacity(s.len() + positions.len());
    let mut last = 0;
    let mut inserted = Vec::with_capacity(positions.len());
    for p in positions {
        out.push_str(&s[last..p]);
        inserted.push(out.len());
        out.push('\\');
        last = p;
    }
    out.push_str(&s[last..]);
    (Cow::Owned(out), inserted)
}

/// Where (relative to the line start) a backslash must go so that `line` cannot start a
/// block, if anywhere.
pub(crate) fn block_start_escape(line: &str) -> Option<usize> {
    let line = line.split('\n').next().unwrap_or("");
    let b = line.as_bytes();
    let p = b.iter().take_while(|c| matches!(c, b' ' | b'\t')).count();
    let rest = &line[p..];
    let rb = rest.as_bytes();
    let first = *rb.first()?;
    let blank_after = |n: usize| matches!(rb.get(n), None | Some(b' ' | b'\t'));
    let escape = match first {
        b'#' | b'>' | b'-' | b'+' | b'=' | b'|' | b':' => true,
        b'*' => blank_after(1) || is_thematic(rest, b'*'),
        b'_' => is_thematic(rest, b'_'),
        b'`' => {
            let n = rb.iter().take_while(|&&c| c == b'`').count();
            n >= 3 && !rest[n..].contains('`')
        }
        b'~' => rb.iter().take_while(|&&c| c == b'~').count() >= 3,
        b'<' => starts_html_block(rest),
        b'[' => is_link_ref_def(rest),
        b'0'..=b'9' => {
            let n = rb.iter().take_while(|c| c.is_ascii_digit()).count();
            if n <= 9 && matches!(rb.get(n), Some(b'.' | b')')) && blank_after(n + 1) {
                return Some(p + n);
            }
            false
        }
        _ => false,
    };
    escape.then_some(p)
}

// A line is short: counting its bytes needs no crate of its own.
#[allow(clippy::naive_bytecount)]
fn is_thematic(line: &str, c: u8) -> bool {
    let b = line.as_bytes();
    b.iter().all(|&x| x == c || x == b' ' || x == b'\t')
        && b.iter().filter(|&&x| x == c).count() >= 3
}

/// Conservative test for the start conditions of CommonMark HTML blocks: `<!`, `<?`, or a
/// tag name followed by whitespace, `>`, `/>` or the end of the line.
fn starts_html_block(s: &str) -> bool {
    let b = s.as_bytes();
    match b.get(1) {
        Some(b'!' | b'?') => true,
        Some(_) => {
            let mut i = 1;
            if b.get(i) == Some(&b'/') {
                i += 1;
            }
            if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
                return false;
            }
            while b
                .get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'-')
            {
                i += 1;
            }
            matches!(b.get(i), None | Some(b' ' | b'\t' | b'>'))
                || (b.get(i) == Some(&b'/') && b.get(i + 1) == Some(&b'>'))
        }
        None => false,
    }
}

/// `[label]:` — the start of a link reference definition.
fn is_link_ref_def(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 2,
            b'[' => return false,
            b']' => return b.get(i + 1) == Some(&b':'),
            _ => i += 1,
        }
    }
    false
}

fn flatten_blocks(blocks: Vec<Block>, out: &mut Vec<Inline>) {
    for (i, b) in blocks.into_iter().enumerate() {
        if i > 0 {
            out.push(Inline::Text("\n".to_owned()));
        }
        match b {
            Block::Paragraph(c) | Block::Heading { content: c, .. } => out.extend(c),
            Block::Pre(s) => out.push(Inline::Text(s)),
            Block::Blockquote(bs) => flatten_blocks(bs, out),
            Block::List { items, .. } => {
                for (j, item) in items.into_iter().enumerate() {
                    if j > 0 {
                        out.push(Inline::Text("\n".to_owned()));
                    }
                    flatten_blocks(item, out);
                }
            }
            Block::Table(t) => {
                for (j, row) in t.rows.into_iter().enumerate() {
                    if j > 0 {
                        out.push(Inline::Text("\n".to_owned()));
                    }
                    for (k, cell) in row.cells.into_iter().enumerate() {
                        if k > 0 {
                            out.push(Inline::Text(" | ".to_owned()));
                        }
                        out.extend(cell.content);
                    }
                }
            }
            Block::HorizontalRule => out.push(Inline::Text("---".to_owned())),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Event → tree.

enum Kind {
    Root,
    BlockQuote,
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Item,
    Paragraph,
    Heading(u8),
    CodeBlock,
    HtmlBlock,
    Table {
        aligns: Vec<Option<Align>>,
        rows: Vec<TableRow>,
    },
    Row {
        header: bool,
        aligns: Vec<Option<Align>>,
        cells: Vec<TableCell>,
    },
    Cell,
    Em,
    Strong,
    Sub,
    Sup,
    Link {
        href: String,
        title: Option<String>,
    },
    Image {
        src: String,
        title: Option<String>,
        alt: String,
        nest: usize,
    },
    /// A container that is dropped but whose content is kept: unsupported constructs and
    /// nesting beyond `MAX_NESTING`.
    Transparent {
        block: bool,
    },
}

impl Kind {
    fn is_block_container(&self) -> bool {
        matches!(
            self,
            Kind::Root | Kind::BlockQuote | Kind::Item | Kind::Transparent { block: true }
        )
    }
    /// Counts towards `MAX_NESTING`.
    fn nests(&self) -> bool {
        matches!(
            self,
            Kind::BlockQuote
                | Kind::List { .. }
                | Kind::Em
                | Kind::Strong
                | Kind::Sub
                | Kind::Sup
                | Kind::Link { .. }
        )
    }
}

/// Text accumulated between non-text events, with the source position of the parts that
/// appear verbatim in the source (for insert detection).
#[derive(Default)]
struct TextRun {
    buf: String,
    /// (start in `buf`, end in `buf`, source offset of the start if verbatim)
    segs: Vec<(usize, usize, Option<usize>)>,
}

impl TextRun {
    fn push(&mut self, text: &str, src: Option<usize>) {
        if text.is_empty() {
            return;
        }
        let start = self.buf.len();
        self.buf.push_str(text);
        self.segs.push((start, self.buf.len(), src));
    }

    fn take_into(&mut self, out: &mut Vec<Inline>) {
        if self.buf.is_empty() {
            return;
        }
        let buf = std::mem::take(&mut self.buf);
        let segs = std::mem::take(&mut self.segs);
        if !buf.contains("{{") && !buf.contains(['~', '^']) {
            out.push(Inline::Text(buf));
            return;
        }
        split_verbatim_syntax(&buf, &segs, out);
    }
}

/// For each byte of `buf`, its source offset if it is verbatim source text.
fn source_map(buf: &str, segs: &[(usize, usize, Option<usize>)]) -> Vec<Option<usize>> {
    let mut map = vec![None; buf.len()];
    for &(start, end, src) in segs {
        if let Some(src) = src {
            for (i, slot) in map[start..end].iter_mut().enumerate() {
                *slot = Some(src + i);
            }
        }
    }
    map
}

/// Splits `{{ insert: .. }}` and intraword `~sub~` / `^sup^` out of text that appears
/// verbatim in the source.
///
/// Intraword sub/superscript (`H~2~O`, `x^2^`) is what NIST's converter writes, but
/// pulldown-cmark treats a single `~`/`^` like `_`, which cannot open or close inside a
/// word, so it leaves them as text. A verbatim `~T~` or `^T^` that touches a letter or digit
/// on either side, where `T` has no whitespace, `~` or `^`, is taken as sub/superscript.
/// Escaped or entity-encoded delimiters are not verbatim, so literal `\~` stays text.
fn split_verbatim_syntax(buf: &str, segs: &[(usize, usize, Option<usize>)], out: &mut Vec<Inline>) {
    let map = source_map(buf, segs);
    let verbatim = |from: usize, to: usize| {
        map[from].is_some_and(|base| (from..to).all(|q| map[q] == Some(base + (q - from))))
    };
    let bytes = buf.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        let found = match bytes[i] {
            b'{' => parse_insert(&buf[i..]).and_then(|(len, kind, id)| {
                verbatim(i, i + len).then(|| {
                    let node = Inline::Insert {
                        kind: kind.to_owned(),
                        id_ref: id.to_owned(),
                    };
                    (len, node)
                })
            }),
            d @ (b'~' | b'^') => bare_script(buf, i, d)
                .filter(|&len| verbatim(i, i + len))
                .map(|len| {
                    let t = vec![Inline::Text(buf[i + 1..i + len - 1].to_owned())];
                    let node = if d == b'~' {
                        Inline::Sub(t)
                    } else {
                        Inline::Sup(t)
                    };
                    (len, node)
                }),
            _ => None,
        };
        match found {
            Some((len, node)) => {
                if i > last {
                    out.push(Inline::Text(buf[last..i].to_owned()));
                }
                out.push(node);
                i += len;
                last = i;
            }
            None => i += 1,
        }
    }
    if last < buf.len() {
        out.push(Inline::Text(buf[last..].to_owned()));
    }
}

/// Length of a bare `~T~` / `^T^` at `buf[p]` (delimiter `d`), see
/// [`split_verbatim_syntax`].
pub(crate) fn bare_script(buf: &str, p: usize, d: u8) -> Option<usize> {
    let b = buf.as_bytes();
    let q = p
        + 1
        + b[p + 1..]
            .iter()
            .position(|&c| c == d || c == b'~' || c == b'^')?;
    if b[q] != d || q == p + 1 {
        return None;
    }
    let inner = &buf[p + 1..q];
    if inner.chars().any(char::is_whitespace)
        || (p > 0 && b[p - 1] == d)
        || b.get(q + 1) == Some(&d)
    {
        return None;
    }
    let before = buf[..p].chars().next_back();
    let after = buf[q + 1..].chars().next();
    (before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric))
        .then_some(q + 1 - p)
}

/// Parses `{{ insert: kind, id }}` at the start of `s` (spaces/tabs optional around the
/// parts). Returns the length and the two tokens.
pub(crate) fn parse_insert(s: &str) -> Option<(usize, &str, &str)> {
    let b = s.as_bytes();
    let ws = |i: &mut usize| {
        while matches!(b.get(*i), Some(b' ' | b'\t')) {
            *i += 1;
        }
    };
    let token = |i: &mut usize| {
        let start = *i;
        while b
            .get(*i)
            .is_some_and(|c| !matches!(c, b' ' | b'\t' | b',' | b'{' | b'}' | b'\n' | b'\r'))
        {
            *i += 1;
        }
        &s[start..*i]
    };
    let mut i = 2;
    if !s.starts_with("{{") {
        return None;
    }
    ws(&mut i);
    if !s[i..].starts_with("insert") {
        return None;
    }
    i += "insert".len();
    ws(&mut i);
    if b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    ws(&mut i);
    let kind = token(&mut i);
    ws(&mut i);
    if b.get(i) != Some(&b',') {
        return None;
    }
    i += 1;
    ws(&mut i);
    let id = token(&mut i);
    ws(&mut i);
    if !s[i..].starts_with("}}") {
        return None;
    }
    i += 2;
    (is_insert_token(kind) && is_insert_token(id)).then_some((i, kind, id))
}

struct Frame {
    kind: Kind,
    blocks: Vec<Block>,
    inlines: Vec<Inline>,
    run: TextRun,
    /// Code block / HTML block content.
    text: String,
}

impl Frame {
    fn new(kind: Kind) -> Self {
        Self {
            kind,
            blocks: Vec::new(),
            inlines: Vec::new(),
            run: TextRun::default(),
            text: String::new(),
        }
    }

    fn flush_run(&mut self) {
        self.run.take_into(&mut self.inlines);
    }

    /// In a block container, loose inline content (tight list items, or content of
    /// flattened containers) becomes a paragraph.
    fn flush_paragraph(&mut self) {
        self.flush_run();
        if !self.inlines.is_empty() {
            let inl = std::mem::take(&mut self.inlines);
            self.blocks.push(Block::Paragraph(inl));
        }
    }

    fn add_inline(&mut self, node: Inline) {
        self.flush_run();
        self.inlines.push(node);
    }

    /// A list item ends: into its list (or, outside one, its blocks into this frame).
    fn close_item(&mut self, mut item: Frame) {
        item.flush_paragraph();
        if let Kind::List { items, .. } = &mut self.kind {
            items.push(item.blocks);
        } else {
            for b in item.blocks {
                self.add_block(b);
            }
        }
    }

    /// A table row ends: into its table (or, outside one, its cells' text into this frame).
    fn close_row(&mut self, cells: Vec<TableCell>) {
        if let Kind::Table { rows, .. } = &mut self.kind {
            rows.push(TableRow { cells });
        } else {
            for c in cells {
                self.add_inline(Inline::Text(" ".to_owned()));
                for i in c.content {
                    self.add_inline(i);
                }
            }
        }
    }

    /// A table cell ends: into its row (or, outside one, its text into this frame).
    fn close_cell(&mut self, content: Vec<Inline>) {
        if let Kind::Row {
            header,
            aligns,
            cells,
        } = &mut self.kind
        {
            let align = aligns.get(cells.len()).copied().flatten();
            cells.push(TableCell {
                header: *header,
                align,
                content,
            });
        } else {
            for i in content {
                self.add_inline(i);
            }
        }
    }

    /// A transparent element ends: its content goes into this frame.
    fn close_transparent(&mut self, mut frame: Frame, block: bool) {
        if block {
            frame.flush_paragraph();
        }
        for b in frame.blocks {
            self.add_block(b);
        }
        if !block {
            for i in frame.inlines {
                self.add_inline(i);
            }
        }
    }

    fn add_block(&mut self, block: Block) {
        if self.kind.is_block_container() || matches!(self.kind, Kind::List { .. }) {
            self.flush_paragraph();
            self.blocks.push(block);
        } else {
            // A block inside inline content (cannot happen with pulldown-cmark's event
            // stream, but never drop text).
            self.flush_run();
            let mut flat = Vec::new();
            flatten_blocks(vec![block], &mut flat);
            self.inlines.extend(flat);
        }
    }
}

struct Builder<'s> {
    src: &'s str,
    /// Offsets of backslashes inserted by `neutralize_line_starts` (sorted).
    inserted: &'s [usize],
    backslashes: BackslashRuns,
    stack: Vec<Frame>,
    depth: usize,
}

fn align_of(a: Alignment) -> Option<Align> {
    match a {
        Alignment::None => None,
        Alignment::Left => Some(Align::Left),
        Alignment::Center => Some(Align::Center),
        Alignment::Right => Some(Align::Right),
    }
}

/// The runs of backslashes in a source, to tell in constant time whether a character was
/// backslash-escaped. (Counting the run back from each character made a long run of
/// backslashes quadratic.)
struct BackslashRuns {
    /// (offset just past the run, whether the run is odd), ascending.
    ends: Vec<(usize, bool)>,
}

impl BackslashRuns {
    fn new(src: &str) -> Self {
        let mut ends = Vec::new();
        let mut run = 0usize;
        for (i, &c) in src.as_bytes().iter().enumerate() {
            if c == b'\\' {
                run += 1;
            } else if run > 0 {
                ends.push((i, run % 2 == 1));
                run = 0;
            }
        }
        if run > 0 {
            ends.push((src.len(), run % 2 == 1));
        }
        Self { ends }
    }

    /// Whether the character at `pos` is preceded by an odd number of backslashes (i.e. it
    /// was backslash-escaped).
    fn is_escaped(&self, pos: usize) -> bool {
        self.ends
            .binary_search_by_key(&pos, |&(end, _)| end)
            .is_ok_and(|i| self.ends[i].1)
    }
}

impl<'s> Builder<'s> {
    fn new(src: &'s str, inserted: &'s [usize]) -> Self {
        Self {
            src,
            inserted,
            backslashes: BackslashRuns::new(src),
            stack: vec![Frame::new(Kind::Root)],
            depth: 0,
        }
    }

    fn top(&mut self) -> &mut Frame {
        // The root frame is never popped before `run` ends.
        let last = self.stack.len() - 1;
        &mut self.stack[last]
    }

    fn push(&mut self, kind: Kind) {
        let kind = if kind.nests() {
            if self.depth >= MAX_NESTING {
                Kind::Transparent {
                    block: matches!(kind, Kind::BlockQuote | Kind::List { .. }),
                }
            } else {
                self.depth += 1;
                kind
            }
        } else {
            kind
        };
        // Items of a flattened list are flattened too.
        let kind = match (&kind, self.stack.last().map(|f| &f.kind)) {
            (Kind::Item, Some(Kind::Transparent { .. })) => Kind::Transparent { block: true },
            _ => kind,
        };
        self.stack.push(Frame::new(kind));
    }

    fn run(mut self) -> Vec<Block> {
        let parser = Parser::new_ext(self.src, super::options()).into_offset_iter();
        for (ev, range) in parser {
            self.event(ev, range);
        }
        while self.stack.len() > 1 {
            self.end();
        }
        let mut root = self.stack.pop().unwrap_or_else(|| Frame::new(Kind::Root));
        root.flush_paragraph();
        root.blocks
    }

    fn in_image(&mut self) -> bool {
        matches!(self.top().kind, Kind::Image { .. })
    }

    fn image_alt(&mut self, s: &str) {
        if let Kind::Image { alt, .. } = &mut self.top().kind {
            alt.push_str(s);
        }
    }

    /// Source text of `range` without the backslashes `neutralize_line_starts` inserted.
    fn original(&self, range: &Range<usize>) -> Option<String> {
        // `inserted` is sorted: the ones inside are found by bisection, not by a scan of all
        // of them per event.
        let from = self.inserted.partition_point(|&p| p < range.start);
        let to = self.inserted.partition_point(|&p| p < range.end);
        let inside = &self.inserted[from..to];
        if inside.is_empty() {
            return None;
        }
        let mut s = String::with_capacity(range.len());
        let mut last = range.start;
        for &p in inside {
            s.push_str(self.src.get(last..p)?);
            last = p + 1;
        }
        s.push_str(self.src.get(last..range.end)?);
        Some(s)
    }

    fn event(&mut self, ev: Event<'_>, range: Range<usize>) {
        if self.in_image() {
            self.image_event(ev);
            return;
        }
        match ev {
            Event::Start(tag) => self.start(tag),
            Event::End(_) => self.end(),
            Event::Text(t) => {
                let top = self.top();
                match top.kind {
                    Kind::CodeBlock | Kind::HtmlBlock => top.text.push_str(&t),
                    _ => {
                        let verbatim = self.src.get(range.clone()) == Some(&*t);
                        let escaped = verbatim && self.backslashes.is_escaped(range.start);
                        let run = &mut self.top().run;
                        if escaped {
                            // The first character came from a backslash escape.
                            let n = t.chars().next().map_or(0, char::len_utf8);
                            run.push(&t[..n], None);
                            run.push(&t[n..], Some(range.start + n));
                        } else {
                            run.push(&t, verbatim.then_some(range.start));
                        }
                    }
                }
            }
            Event::Code(c) => {
                let code = match self.original(&range) {
                    Some(orig) => code_span_content(&orig),
                    None => c.into_string(),
                };
                self.top().add_inline(Inline::Code(code));
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let text = self.original(&range).unwrap_or_else(|| h.into_string());
                let top = self.top();
                match top.kind {
                    Kind::HtmlBlock | Kind::CodeBlock => top.text.push_str(&text),
                    _ => top.run.push(&text, None),
                }
            }
            Event::SoftBreak => self.top().run.push("\n", None),
            Event::HardBreak => self.top().add_inline(Inline::LineBreak),
            Event::Rule => self.top().add_block(Block::HorizontalRule),
            Event::FootnoteReference(x) => self.top().run.push(&format!("[^{x}]"), None),
            Event::InlineMath(x) => self.top().run.push(&format!("${x}$"), None),
            Event::DisplayMath(x) => self.top().run.push(&format!("$${x}$$"), None),
            Event::TaskListMarker(done) => {
                self.top()
                    .run
                    .push(if done { "[x] " } else { "[ ] " }, None);
            }
        }
    }

    fn image_event(&mut self, ev: Event<'_>) {
        match ev {
            Event::Start(_) => {
                if let Kind::Image { nest, .. } = &mut self.top().kind {
                    *nest += 1;
                }
            }
            Event::End(_) => {
                let done = match &mut self.top().kind {
                    Kind::Image { nest, .. } if *nest > 0 => {
                        *nest -= 1;
                        false
                    }
                    _ => true,
                };
                if done {
                    self.end();
                }
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                self.image_alt(&t);
            }
            Event::SoftBreak | Event::HardBreak => self.image_alt("\n"),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        let kind = match tag {
            Tag::Paragraph => Kind::Paragraph,
            Tag::Heading { level, .. } => Kind::Heading(level as u8),
            Tag::BlockQuote(_) => Kind::BlockQuote,
            Tag::CodeBlock(_) => Kind::CodeBlock,
            Tag::HtmlBlock => Kind::HtmlBlock,
            Tag::List(start) => Kind::List {
                start,
                items: Vec::new(),
            },
            Tag::Item => Kind::Item,
            Tag::Table(aligns) => Kind::Table {
                aligns: aligns.into_iter().map(align_of).collect(),
                rows: Vec::new(),
            },
            Tag::TableHead | Tag::TableRow => {
                let aligns = match self.stack.last().map(|f| &f.kind) {
                    Some(Kind::Table { aligns, .. }) => aligns.clone(),
                    _ => Vec::new(),
                };
                Kind::Row {
                    header: matches!(tag, Tag::TableHead),
                    aligns,
                    cells: Vec::new(),
                }
            }
            Tag::TableCell => Kind::Cell,
            Tag::Emphasis => Kind::Em,
            Tag::Strong => Kind::Strong,
            Tag::Subscript => Kind::Sub,
            Tag::Superscript => Kind::Sup,
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => Kind::Link {
                href: if link_type == LinkType::Email {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.into_string()
                },
                title: (!title.is_empty()).then(|| title.into_string()),
            },
            Tag::Image {
                dest_url, title, ..
            } => Kind::Image {
                src: dest_url.into_string(),
                title: (!title.is_empty()).then(|| title.into_string()),
                alt: String::new(),
                nest: 0,
            },
            _ => Kind::Transparent {
                block: self
                    .stack
                    .last()
                    .is_some_and(|f| f.kind.is_block_container()),
            },
        };
        // Block-level starts end any loose inline content of the container.
        if matches!(
            kind,
            Kind::BlockQuote
                | Kind::CodeBlock
                | Kind::HtmlBlock
                | Kind::List { .. }
                | Kind::Table { .. }
                | Kind::Paragraph
                | Kind::Heading(_)
        ) {
            let top = self.top();
            if top.kind.is_block_container() {
                top.flush_paragraph();
            }
        }
        self.push(kind);
    }

    fn end(&mut self) {
        if self.stack.len() <= 1 {
            return;
        }
        let Some(mut frame) = self.stack.pop() else {
            return;
        };
        if frame.kind.nests() {
            self.depth = self.depth.saturating_sub(1);
        }
        frame.flush_run();
        let parent = self.top();
        match frame.kind {
            Kind::Root => {}
            Kind::Paragraph => parent.add_block(Block::Paragraph(frame.inlines)),
            Kind::Heading(level) => parent.add_block(Block::Heading {
                level,
                content: frame.inlines,
            }),
            Kind::BlockQuote => {
                frame.flush_paragraph();
                parent.add_block(Block::Blockquote(frame.blocks));
            }
            Kind::CodeBlock => {
                let mut text = frame.text;
                if text.ends_with('\n') {
                    text.pop();
                }
                parent.add_block(Block::Pre(text));
            }
            // Raw HTML is literal text, and its blank lines still separate paragraphs: one
            // paragraph would silently join them (a `<pre>` of three paragraphs).
            Kind::HtmlBlock => {
                for paragraph in blank_line_separated(&frame.text) {
                    parent.add_block(Block::Paragraph(vec![Inline::Text(paragraph)]));
                }
            }
            Kind::List { start, items } => parent.add_block(Block::List {
                ordered: start.is_some(),
                start,
                items,
            }),
            Kind::Item => parent.close_item(frame),
            Kind::Table { rows, .. } => parent.add_block(Block::Table(Table { rows })),
            Kind::Row { cells, .. } => parent.close_row(cells),
            Kind::Cell => parent.close_cell(frame.inlines),
            Kind::Em => parent.add_inline(Inline::Em(frame.inlines)),
            Kind::Strong => parent.add_inline(Inline::Strong(frame.inlines)),
            Kind::Sub => parent.add_inline(Inline::Sub(frame.inlines)),
            Kind::Sup => parent.add_inline(Inline::Sup(frame.inlines)),
            Kind::Link { href, title } => parent.add_inline(Inline::Link {
                href,
                title,
                content: frame.inlines,
            }),
            Kind::Image {
                src, title, alt, ..
            } => {
                parent.add_inline(Inline::Image { src, alt, title });
            }
            Kind::Transparent { block } => parent.close_transparent(frame, block),
        }
    }
}

/// CommonMark code span content from its source (`` `…` ``): strip the backtick fences,
/// line endings become spaces, and one space is stripped from each side if both are
/// spaces and the content is not all spaces.
fn code_span_content(src: &str) -> String {
    let n = src.bytes().take_while(|&c| c == b'`').count();
    let inner = src.get(n..src.len().saturating_sub(n)).unwrap_or("");
    let mut s: String = inner
        .chars()
        .map(|c| if matches!(c, '\n' | '\r') { ' ' } else { c })
        .collect();
    if s.len() >= 2 && s.starts_with(' ') && s.ends_with(' ') && !s.bytes().all(|c| c == b' ') {
        s.pop();
        s.remove(0);
    }
    s
}

/// The runs of non-blank lines of `text` (a raw HTML block), each joined by line feeds.
fn blank_line_separated(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current.join("\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_detection() {
        assert!(is_plain("Hello world", true));
        assert!(is_plain("snake_case and POA&M", true));
        assert!(!is_plain("H~2~O", true));
        assert!(is_plain("POA&M items", true));
        assert!(!is_plain("&amp;", true));
        assert!(!is_plain("1. Foo", true));
        assert!(is_plain("1. Foo", false));
        assert!(!is_plain("# Foo", true));
        assert!(is_plain("# Foo", false));
        assert!(!is_plain(" lead", false));
        assert!(!is_plain("_x", false));
        assert!(!is_plain("a {{ insert: param, x }}", false));
        assert!(!is_plain("", false));
    }

    fn slow_multiline(s: &str) -> Vec<Block> {
        let mut blocks = Builder::new(s, &[]).run();
        normalize::normalize_blocks(&mut blocks);
        blocks
    }

    fn slow_line(s: &str) -> Vec<Inline> {
        let collapsed = collapse_line_breaks(s);
        let (src, inserted) = neutralize_line_starts(&collapsed);
        let mut inlines = Vec::new();
        flatten_blocks(Builder::new(&src, &inserted).run(), &mut inlines);
        normalize::normalize_line(&mut inlines);
        inlines
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2000,
            failure_persistence: None,
            ..Default::default()
        })]

        /// The fast paths give exactly what pulldown-cmark would.
        #[test]
        fn fast_paths_agree_with_the_parser(s in "[a-c1 ._~^&;#{}()!\\-\n\u{e9}]{0,12}") {
            proptest::prop_assert_eq!(parse_multiline(Cow::Borrowed(&s)), slow_multiline(&s));
            proptest::prop_assert_eq!(parse_line(Cow::Borrowed(&s)), slow_line(&s));
        }
    }

    #[test]
    fn plain_paragraphs_fast_path_matches_the_parser() {
        for s in ["One.\n\nTwo.", "a\n\n\nb", "a\n\n# b", "a\n\n b", "a\n\n"] {
            assert_eq!(
                parse_multiline(Cow::Borrowed(s)),
                slow_multiline(s),
                "{s:?}"
            );
        }
    }

    #[test]
    fn block_start_escapes() {
        assert_eq!(block_start_escape("# x"), Some(0));
        assert_eq!(block_start_escape("12. x"), Some(2));
        assert_eq!(block_start_escape("12.x"), None);
        assert_eq!(block_start_escape("* x"), Some(0));
        assert_eq!(block_start_escape("*x*"), None);
        assert_eq!(block_start_escape("```x```"), None);
        assert_eq!(block_start_escape("```x"), Some(0));
        assert_eq!(block_start_escape("<div>"), Some(0));
        assert_eq!(block_start_escape("<http://x>"), None);
        assert_eq!(block_start_escape("[a]: b"), Some(0));
        assert_eq!(block_start_escape("[a](b)"), None);
        assert_eq!(block_start_escape("plain"), None);
    }

    #[test]
    fn insert_parsing() {
        assert_eq!(
            parse_insert("{{ insert: param, ac-1_prm_1 }} x"),
            Some((31, "param", "ac-1_prm_1"))
        );
        assert_eq!(parse_insert("{{insert:param,x}}"), Some((18, "param", "x")));
        assert_eq!(parse_insert("{{ insert: param x }}"), None);
        assert_eq!(parse_insert("{{ insert: param, _x }}"), None);
    }

    #[test]
    fn code_span_source() {
        assert_eq!(code_span_content("`` a ` b ``"), "a ` b");
        assert_eq!(code_span_content("`  `"), "  ");
        assert_eq!(code_span_content("`a\nb`"), "a b");
    }
}
