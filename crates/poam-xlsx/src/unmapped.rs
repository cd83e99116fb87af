//! Where the export puts the columns poam does not map (kept on each item as `unmapped-column`
//! props), so that reading the workbook back gives every item its props in the order it has
//! them.
//!
//! Import reads an item's unmapped cells left to right and skips the empty ones, so each
//! item's props are a subsequence of the sheet's columns. The export therefore needs a
//! column order that contains every item's sequence: a topological order of "comes after"
//! between neighbours in some item, ties broken by first appearance (which is the original
//! order whenever the items agree with one). Placing the columns by first appearance alone
//! moved a column left empty by the first item to the right of the others, and the next
//! import read the props of every other item in that new order.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

/// One unmapped column of an item: its header, and which of the item's columns of that
/// header it is (0 for the first; a workbook can repeat a header, and each keeps its value).
pub(crate) type ColumnKey = (String, usize);

/// The column keys of an item's `(header, text)` extras, in its order.
pub(crate) fn keys(extras: &[(String, String)]) -> Vec<ColumnKey> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    extras
        .iter()
        .map(|(header, _)| {
            let n = seen.entry(header.as_str()).or_insert(0);
            *n += 1;
            (header.clone(), *n - 1)
        })
        .collect()
}

/// The columns of one sheet, in an order that holds every item's keys (`items`) in their
/// order; where the items disagree (a hand-edited document, or a header the workbook repeats
/// with the first of its columns empty on some rows), the cycle is broken at the column that
/// appeared first, so every column is placed once and no value is lost.
pub(crate) fn column_order(items: &[Vec<ColumnKey>]) -> Vec<ColumnKey> {
    let mut index: HashMap<&ColumnKey, usize> = HashMap::new();
    let mut columns: Vec<&ColumnKey> = Vec::new();
    for key in items.iter().flatten() {
        index.entry(key).or_insert_with(|| {
            columns.push(key);
            columns.len() - 1
        });
    }
    let mut after: Vec<Vec<usize>> = vec![Vec::new(); columns.len()];
    let mut before_count = vec![0usize; columns.len()];
    let mut edges: HashSet<(usize, usize)> = HashSet::new();
    for item in items {
        for pair in item.windows(2) {
            let (a, b) = (index[&pair[0]], index[&pair[1]]);
            if edges.insert((a, b)) {
                after[a].push(b);
                before_count[b] += 1;
            }
        }
    }
    // Kahn's algorithm, always taking the ready column that appeared first.
    let mut ready: BinaryHeap<Reverse<usize>> = (0..columns.len())
        .filter(|&c| before_count[c] == 0)
        .map(Reverse)
        .collect();
    let mut placed = vec![false; columns.len()];
    let mut order = Vec::with_capacity(columns.len());
    // The first column not placed yet: where a cycle of disagreeing items is broken.
    let mut first_unplaced = 0;
    while order.len() < columns.len() {
        let c = match ready.pop() {
            Some(Reverse(c)) if placed[c] => continue,
            Some(Reverse(c)) => c,
            None => {
                while placed[first_unplaced] {
                    first_unplaced += 1;
                }
                first_unplaced
            }
        };
        placed[c] = true;
        order.push(c);
        for &next in &after[c] {
            before_count[next] = before_count[next].saturating_sub(1);
            if before_count[next] == 0 && !placed[next] {
                ready.push(Reverse(next));
            }
        }
    }
    order.into_iter().map(|c| columns[c].clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(h: &str) -> ColumnKey {
        (h.to_owned(), 0)
    }

    fn order(items: &[&[&str]]) -> Vec<String> {
        let items: Vec<Vec<ColumnKey>> = items
            .iter()
            .map(|i| i.iter().map(|h| k(h)).collect())
            .collect();
        column_order(&items).into_iter().map(|(h, _)| h).collect()
    }

    #[test]
    fn every_items_order_is_kept() {
        assert_eq!(
            order(&[&["M"], &["A", "M"], &["Z", "A", "M"]]),
            ["Z", "A", "M"]
        );
        assert_eq!(order(&[&["B"], &["A"], &["A", "C"]]), ["B", "A", "C"]);
        assert_eq!(order(&[]), Vec::<String>::new());
    }

    #[test]
    fn disagreeing_items_still_give_every_column_once() {
        assert_eq!(order(&[&["A", "B"], &["B", "A"], &["C"]]), ["C", "A", "B"]);
        // The cycle A -> B -> C -> A is broken at A; D still follows B.
        assert_eq!(
            order(&[&["A", "B"], &["B", "C"], &["C", "A"], &["B", "D"]]),
            ["A", "B", "C", "D"]
        );
    }

    #[test]
    fn a_repeated_header_is_a_column_per_occurrence() {
        let extras = |hs: &[&str]| -> Vec<(String, String)> {
            hs.iter()
                .map(|h| ((*h).to_owned(), String::new()))
                .collect()
        };
        let keys = keys(&extras(&["N", "X", "N"]));
        assert_eq!(keys, [k("N"), k("X"), ("N".to_owned(), 1)]);
        assert_eq!(column_order(std::slice::from_ref(&keys)), keys);
    }
}
