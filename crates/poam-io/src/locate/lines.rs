//! Byte offsets to lines and columns, and back, in time that does not grow with the line.

use crate::error::Position;

/// Bytes per block of the character-count index: a position costs at most one block's scan.
const BLOCK: usize = 4096;

/// Line starts and a character-count index of a text. Columns count characters; finding
/// one scans at most `BLOCK` bytes, however long the line (a minified JSON document is
/// one line of any length).
pub struct LineIndex<'t> {
    text: &'t str,
    /// Byte offset of each line's start.
    starts: Vec<usize>,
    /// Characters before each block of [`BLOCK`] bytes.
    chars_before_block: Vec<usize>,
}

/// Characters in `bytes`, a slice of UTF-8 that may start or end inside a character: the
/// bytes that are not continuation bytes.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

impl<'t> LineIndex<'t> {
    /// Indexes the line starts of `text`.
    pub fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut chars_before_block = Vec::with_capacity(text.len() / BLOCK + 1);
        let mut total = 0;
        for block in text.as_bytes().chunks(BLOCK) {
            chars_before_block.push(total);
            total += count_chars(block);
        }
        chars_before_block.push(total);
        Self {
            text,
            starts,
            chars_before_block,
        }
    }

    /// Characters before byte `offset` (at most the text's length).
    fn chars_before(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let block = offset / BLOCK;
        self.chars_before_block[block] + count_chars(&self.text.as_bytes()[block * BLOCK..offset])
    }

    /// The line and column of byte `offset`.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        Position {
            line,
            column: self.chars_before(offset) - self.chars_before(start) + 1,
        }
    }

    /// The text of 1-based line `line`, without its line end.
    pub fn line(&self, line: usize) -> Option<&'t str> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let end = self.starts.get(line).map_or(self.text.len(), |e| e - 1);
        self.text.get(start..end).map(|l| l.trim_end_matches('\r'))
    }

    /// The byte offset of `position` (its line and column), or `None` when the text has no
    /// such place; a column past the line's end gives the line's end.
    pub fn offset(&self, position: Position) -> Option<usize> {
        let line = self.line(position.line)?;
        let start = self.starts[position.line - 1];
        let end = start + line.len();
        let target = self.chars_before(start) + position.column.max(1) - 1;
        if target >= self.chars_before(end) {
            return Some(end);
        }
        // The last block starting at or before the target character, then a short scan.
        let block = self
            .chars_before_block
            .partition_point(|&c| c <= target)
            .saturating_sub(1);
        let mut from = (block * BLOCK).max(start);
        while !self.text.is_char_boundary(from) {
            from += 1;
        }
        let skip = target - self.chars_before(from);
        Some(
            self.text[from..]
                .char_indices()
                .nth(skip)
                .map_or(end, |(i, _)| from + i),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_offsets_agree_across_blocks() {
        // Long lines of multi-byte characters, so that blocks start inside characters.
        let line = "é".repeat(3000) + "x" + &"€".repeat(2000);
        let text = format!("{line}\n\n{line}\r\nend");
        let index = LineIndex::new(&text);
        for (offset, _) in text.char_indices().step_by(97) {
            let p = index.position(offset);
            assert_eq!(p, Position::of_offset(&text, offset), "{offset}");
            if !text[offset..].starts_with(['\r', '\n']) {
                assert_eq!(index.offset(p), Some(offset), "{p:?}");
            }
        }
        assert_eq!(index.line(2), Some(""));
        assert_eq!(index.line(3), Some(line.as_str()));
        assert_eq!(index.line(4), Some("end"));
        assert_eq!(index.line(5), None);
        let past = Position {
            line: 4,
            column: 99,
        };
        assert_eq!(index.offset(past), Some(text.len()));
    }
}
