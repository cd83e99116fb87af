//! Which item of one cycle is which item of the other.
//!
//! The rule, in three rounds (each round only considers items not matched in an earlier one):
//!
//! 1. **uuid**: the poam-item uuids are equal (case-insensitive), unless the two items carry
//!    different tool identifiers of one kind (plugin ids, vulnerability ids): then they are
//!    two findings under one uuid, an ambiguity.
//! 2. **POAM ID**: the FedRAMP `POAM-ID` props are equal.
//! 3. **weakness and asset**: the weakness source identifiers are equal (same kind: tool
//!    `vulnerability-id`, else tool `plugin-id`, else observation title) and the assets
//!    (subjects of the weakness observations) overlap, or neither item has any. Two items
//!    whose POAM IDs are both present and differ never match here. When several OLD items
//!    qualify and some are open, only the open ones are candidates (a weakness found again
//!    continues the open item tracking it).
//!
//! 4. **content**: items still unmatched, of which at least one has no uuid, are the same
//!    item when everything but the poam-item uuid is the same (two revisions of a document
//!    that differ only in XML comments); equal items are paired in order.
//!
//! A match is made only when it is one-to-one: the key names exactly one item on each side.
//! Anything else is an [`Ambiguity`], reported with its candidates and never guessed; the
//! items involved are neither matched nor counted as new or removed.

use std::collections::{HashMap, HashSet};

use crate::item::ItemKeys;
use poam_fedramp::item::{WeaknessId, WeaknessIdKind};

/// The round that matched two items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchRule {
    /// The poam-items have the same uuid.
    Uuid,
    /// The items have the same FedRAMP POAM ID.
    PoamId,
    /// The items have the same weakness source identifier and assets.
    Weakness,
    /// Neither item has anything that identifies it, and their content is the same.
    Content,
}

impl MatchRule {
    /// The rule in a reviewer's words, e.g. `POAM ID`.
    pub fn describe(self) -> &'static str {
        match self {
            MatchRule::Uuid => "uuid",
            MatchRule::PoamId => "POAM ID",
            MatchRule::Weakness => "weakness and asset",
            MatchRule::Content => "content",
        }
    }
}

/// Two items found to be the same item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    /// The index of the old side's item.
    pub old: usize,
    /// The index of the new side's item.
    pub new: usize,
    /// The rule that matched them.
    pub rule: MatchRule,
}

/// A key that names more than one item on a side, so no match was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ambiguity {
    /// The rule whose key it is.
    pub rule: MatchRule,
    /// The key as people read it, e.g. `POAM ID "V-0007"`.
    pub key: String,
    /// The items of the old side involved.
    pub old: Vec<usize>,
    /// The items of the new side involved.
    pub new: Vec<usize>,
}

/// The outcome of matching: pairs, the items only one side has, and ambiguities.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matching {
    /// In the new side's order.
    pub pairs: Vec<Pair>,
    /// Old items with no partner and no ambiguity, in order.
    pub old_only: Vec<usize>,
    /// New items with no partner and no ambiguity, in order.
    pub new_only: Vec<usize>,
    /// Keys that named several items on a side.
    pub ambiguities: Vec<Ambiguity>,
}

/// The weakness source identifiers of two items when they are tool identifiers of the same
/// kind (plugin id, vulnerability id) and differ: then the items are different findings,
/// whatever else they share. (Titles are not identifiers: they get edited.)
fn different_weaknesses(old: &ItemKeys, new: &ItemKeys) -> Option<(String, String)> {
    let (a, b) = (old.weakness().as_ref()?, new.weakness().as_ref()?);
    let tool_id = matches!(
        a.kind,
        WeaknessIdKind::PluginId | WeaknessIdKind::VulnerabilityId
    );
    (tool_id && a.kind == b.kind && !a.value.trim().eq_ignore_ascii_case(b.value.trim()))
        .then(|| (a.to_string(), b.to_string()))
}

/// Matches `new` items against `old` items by the rule in the module documentation.
pub fn match_items(old: &[ItemKeys], new: &[ItemKeys]) -> Matching {
    let mut state = State::new(old.len(), new.len());
    for rule in [MatchRule::Uuid, MatchRule::PoamId] {
        state.exact_round(rule, old, new);
    }
    state.weakness_round(old, new);
    state.content_round(old, new);
    state.finish()
}

/// Who is matched with whom so far, and who is ambiguous.
struct State {
    old_match: Vec<Option<usize>>,
    new_match: Vec<Option<(usize, MatchRule)>>,
    old_amb: Vec<bool>,
    new_amb: Vec<bool>,
    ambiguities: Vec<Ambiguity>,
}

impl State {
    fn new(old: usize, new: usize) -> Self {
        Self {
            old_match: vec![None; old],
            new_match: vec![None; new],
            old_amb: vec![false; old],
            new_amb: vec![false; new],
            ambiguities: Vec::new(),
        }
    }

    fn old_free(&self, o: usize) -> bool {
        self.old_match[o].is_none() && !self.old_amb[o]
    }

    fn new_free(&self, n: usize) -> bool {
        self.new_match[n].is_none() && !self.new_amb[n]
    }

    fn pair(&mut self, o: usize, n: usize, rule: MatchRule) {
        self.old_match[o] = Some(n);
        self.new_match[n] = Some((o, rule));
    }

    /// Marks old items `old` and new items `new` as ambiguous (without recording why).
    fn mark_ambiguous(&mut self, old: &[usize], new: &[usize]) {
        for &o in old {
            self.old_amb[o] = true;
        }
        for &n in new {
            self.new_amb[n] = true;
        }
    }

    /// Marks the items ambiguous and records why.
    fn ambiguous(&mut self, rule: MatchRule, key: String, old: Vec<usize>, new: Vec<usize>) {
        self.mark_ambiguous(&old, &new);
        self.ambiguities.push(Ambiguity {
            rule,
            key,
            old,
            new,
        });
    }

    /// Rounds 1 and 2: equal uuids, equal POAM IDs.
    fn exact_round(&mut self, rule: MatchRule, old: &[ItemKeys], new: &[ItemKeys]) {
        let key = |k: &ItemKeys| -> Option<String> {
            match rule {
                MatchRule::Uuid => k.uuid.clone(),
                _ => k.poam_id.clone(),
            }
        };
        // Every old item is indexed, matched or not, so that a key already taken in an earlier
        // round is seen as taken rather than free.
        let mut old_by: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, k) in old.iter().enumerate() {
            if let Some(v) = key(k) {
                old_by.entry(v).or_default().push(i);
            }
        }
        let mut new_by: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, k) in new.iter().enumerate() {
            if self.new_free(i)
                && let Some(v) = key(k)
            {
                new_by.entry(v).or_default().push(i);
            }
        }
        for (i, k) in new.iter().enumerate() {
            if !self.new_free(i) {
                continue;
            }
            let Some(v) = key(k) else { continue };
            let Some(olds) = old_by.get(&v) else { continue };
            let news = new_by.get(&v).map_or(&[][..], Vec::as_slice);
            let free: Vec<usize> = olds.iter().copied().filter(|&o| self.old_free(o)).collect();
            if olds.len() == 1 && news.len() == 1 && free.len() == 1 {
                let o = free[0];
                if rule == MatchRule::Uuid
                    && let Some((a, b)) = different_weaknesses(&old[o], k)
                {
                    // One uuid on two different findings: uuids made from a row's place in a
                    // workbook, say. Reported, not guessed.
                    self.ambiguous(
                        rule,
                        format!("uuid {v} (on {a} and on {b})"),
                        vec![o],
                        vec![i],
                    );
                    continue;
                }
                self.pair(o, i, rule);
            } else if news.first() == Some(&i) {
                // Report each contested key once, with everything it names.
                // (Old items an earlier round matched stay matched; they are listed.)
                self.mark_ambiguous(&free, news);
                let key = match rule {
                    MatchRule::Uuid => format!("uuid {v}"),
                    _ => format!("POAM ID {v:?}"),
                };
                self.ambiguities.push(Ambiguity {
                    rule,
                    key,
                    old: olds.clone(),
                    new: news.to_vec(),
                });
            }
        }
    }

    /// Round 3: weakness source identifier and asset. Candidates are computed for every item
    /// at once, so the outcome does not depend on the order of the items.
    fn weakness_round(&mut self, old: &[ItemKeys], new: &[ItemKeys]) {
        let cands = self.weakness_candidates(old, new);
        let mut wanted_by: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, c) in cands.iter().enumerate() {
            for &o in c {
                wanted_by.entry(o).or_default().push(i);
            }
        }
        let mut reported: HashSet<(Vec<usize>, Vec<usize>)> = HashSet::new();
        for (i, c) in cands.iter().enumerate() {
            match c.as_slice() {
                [] => {}
                [o] if wanted_by.get(o).is_some_and(|w| w.len() == 1) => {
                    self.pair(*o, i, MatchRule::Weakness);
                }
                _ => {
                    let mut news: Vec<usize> = c
                        .iter()
                        .filter_map(|o| wanted_by.get(o))
                        .flatten()
                        .copied()
                        .collect();
                    news.sort_unstable();
                    news.dedup();
                    // Items competing for the same old items form one report.
                    if reported.insert((c.clone(), news.clone())) {
                        let key = new[i]
                            .weakness()
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_default();
                        let key = format!("{key} on a shared asset");
                        self.ambiguous(MatchRule::Weakness, key, c.clone(), news);
                    } else {
                        self.mark_ambiguous(c, &news);
                    }
                }
            }
        }
    }

    /// For each free new item, the free old items its weakness and assets name.
    fn weakness_candidates(&self, old: &[ItemKeys], new: &[ItemKeys]) -> Vec<Vec<usize>> {
        let bucket = |w: &WeaknessId, k: &ItemKeys| -> Vec<(WeaknessId, Option<String>)> {
            let assets = k.assets();
            if assets.is_empty() {
                vec![(w.clone(), None)]
            } else {
                assets
                    .iter()
                    .map(|a| (w.clone(), Some(a.clone())))
                    .collect()
            }
        };
        let mut old_by: HashMap<(WeaknessId, Option<String>), Vec<usize>> = HashMap::new();
        for (i, k) in old.iter().enumerate() {
            if !self.old_free(i) {
                continue;
            }
            if let Some(w) = k.weakness() {
                for b in bucket(w, k) {
                    old_by.entry(b).or_default().push(i);
                }
            }
        }
        let compatible = |o: &ItemKeys, n: &ItemKeys| match (&o.poam_id, &n.poam_id) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        let mut cands: Vec<Vec<usize>> = vec![Vec::new(); new.len()];
        for (i, k) in new.iter().enumerate() {
            if !self.new_free(i) {
                continue;
            }
            let Some(w) = k.weakness() else {
                continue;
            };
            let mut seen = HashSet::new();
            let mut c: Vec<usize> = bucket(w, k)
                .iter()
                .filter_map(|b| old_by.get(b))
                .flatten()
                .copied()
                .filter(|&o| compatible(&old[o], k) && seen.insert(o))
                .collect();
            c.sort_unstable();
            if c.len() > 1 && c.iter().any(|&o| !old[o].closed) {
                c.retain(|&o| !old[o].closed);
            }
            cands[i] = c;
        }
        cands
    }

    /// Round 4: items that nothing else identifies (no uuid on one side, no POAM ID, no
    /// weakness identifier) are the same item when their content is the same. Items of equal
    /// content cannot be told apart, nor need to be: they are paired in order.
    fn content_round(&mut self, old: &[ItemKeys], new: &[ItemKeys]) {
        let mut old_by: HashMap<&str, Vec<usize>> = HashMap::new();
        for (o, k) in old.iter().enumerate().rev() {
            if self.old_free(o)
                && let Some(c) = k.content()
            {
                old_by.entry(c).or_default().push(o);
            }
        }
        for (n, k) in new.iter().enumerate() {
            if !self.new_free(n) {
                continue;
            }
            let Some(olds) = k.content().and_then(|c| old_by.get_mut(c)) else {
                continue;
            };
            // Two uuids that differ name two objects, whatever their content.
            let Some(at) = olds
                .iter()
                .rposition(|&o| old[o].uuid.is_none() || k.uuid.is_none())
            else {
                continue;
            };
            let o = olds.remove(at);
            self.pair(o, n, MatchRule::Content);
        }
    }

    fn finish(self) -> Matching {
        Matching {
            pairs: self
                .new_match
                .iter()
                .enumerate()
                .filter_map(|(n, m)| {
                    m.map(|(o, rule)| Pair {
                        old: o,
                        new: n,
                        rule,
                    })
                })
                .collect(),
            old_only: (0..self.old_match.len())
                .filter(|&o| self.old_free(o))
                .collect(),
            new_only: (0..self.new_match.len())
                .filter(|&n| self.new_free(n))
                .collect(),
            ambiguities: self.ambiguities,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use poam_fedramp::item::WeaknessIdKind;
    use std::collections::BTreeSet;

    fn keys(
        uuid: Option<&str>,
        pid: Option<&str>,
        w: Option<&str>,
        assets: &[&str],
    ) -> ItemKeys<'static> {
        ItemKeys::new(
            uuid.map(str::to_owned),
            pid.map(str::to_owned),
            w.map(|v| WeaknessId {
                kind: WeaknessIdKind::PluginId,
                value: v.to_owned(),
            }),
            assets
                .iter()
                .map(|a| (*a).to_owned())
                .collect::<BTreeSet<_>>(),
            false,
        )
    }

    #[test]
    fn one_uuid_on_two_different_findings_is_ambiguous() {
        let old = [keys(Some("u1"), Some("V-1"), Some("111"), &["a"])];
        let new = [keys(Some("u1"), None, Some("222"), &["b"])];
        let m = match_items(&old, &new);
        assert!(m.pairs.is_empty());
        assert_eq!(m.ambiguities.len(), 1);
        assert_eq!(m.ambiguities[0].rule, MatchRule::Uuid);
        assert!(
            m.ambiguities[0].key.contains("\"111\""),
            "{}",
            m.ambiguities[0].key
        );
        // The same finding under its uuid still matches, and so does one whose identifier
        // is missing.
        let new = [keys(Some("u1"), None, Some("111"), &["b"])];
        assert_eq!(match_items(&old, &new).pairs.len(), 1);
        let new = [keys(Some("u1"), None, None, &[])];
        assert_eq!(match_items(&old, &new).pairs.len(), 1);
    }

    #[test]
    fn rounds_in_order() {
        let old = vec![
            keys(Some("u1"), Some("V-1"), Some("p1"), &["a"]),
            keys(Some("u2"), Some("V-2"), Some("p2"), &["a"]),
            keys(Some("u3"), None, Some("p3"), &["a", "b"]),
            keys(Some("u4"), Some("V-4"), None, &[]),
        ];
        let new = vec![
            keys(Some("x3"), None, Some("p3"), &["b"]),
            keys(Some("x2"), Some("V-2"), Some("zz"), &[]),
            keys(Some("u1"), Some("V-9"), Some("p1"), &["a"]),
            keys(Some("x5"), None, Some("p5"), &["a"]),
        ];
        let m = match_items(&old, &new);
        assert_eq!(
            m.pairs,
            vec![
                Pair {
                    old: 2,
                    new: 0,
                    rule: MatchRule::Weakness
                },
                Pair {
                    old: 1,
                    new: 1,
                    rule: MatchRule::PoamId
                },
                Pair {
                    old: 0,
                    new: 2,
                    rule: MatchRule::Uuid
                },
            ]
        );
        assert_eq!(m.old_only, vec![3]);
        assert_eq!(m.new_only, vec![3]);
        assert!(m.ambiguities.is_empty());
    }

    #[test]
    fn duplicate_poam_ids_are_ambiguous_not_guessed() {
        let old = vec![
            keys(Some("u1"), Some("V-1"), None, &[]),
            keys(Some("u2"), Some("V-1"), None, &[]),
        ];
        let new = vec![keys(Some("n1"), Some("V-1"), None, &[])];
        let m = match_items(&old, &new);
        assert!(m.pairs.is_empty());
        assert!(m.old_only.is_empty() && m.new_only.is_empty());
        assert_eq!(m.ambiguities.len(), 1);
        assert_eq!(m.ambiguities[0].old, vec![0, 1]);
        assert_eq!(m.ambiguities[0].new, vec![0]);
        assert_eq!(m.ambiguities[0].key, "POAM ID \"V-1\"");
    }

    #[test]
    fn a_poam_id_already_taken_is_ambiguous() {
        let old = vec![keys(Some("u1"), Some("V-1"), None, &[])];
        let new = vec![
            keys(Some("u1"), Some("V-1"), None, &[]),
            keys(Some("n2"), Some("V-1"), None, &[]),
        ];
        let m = match_items(&old, &new);
        assert_eq!(m.pairs.len(), 1);
        assert_eq!(m.ambiguities.len(), 1);
        assert_eq!(m.ambiguities[0].new, vec![1]);
        assert!(m.new_only.is_empty());
    }

    #[test]
    fn weakness_on_shared_asset_prefers_the_open_item() {
        let mut closed = keys(Some("u1"), None, Some("p"), &["a"]);
        closed.closed = true;
        let old = vec![closed.clone(), keys(Some("u2"), None, Some("p"), &["a"])];
        let new = vec![keys(Some("n"), None, Some("p"), &["a", "c"])];
        let m = match_items(&old, &new);
        assert_eq!(
            m.pairs,
            vec![Pair {
                old: 1,
                new: 0,
                rule: MatchRule::Weakness
            }]
        );
        assert_eq!(m.old_only, vec![0]);
        // Two closed candidates: ambiguous.
        let mut closed2 = closed.clone();
        closed2.uuid = Some("u3".into());
        let m = match_items(&[closed, closed2], &new);
        assert!(m.pairs.is_empty());
        assert_eq!(m.ambiguities.len(), 1);
        assert_eq!(m.ambiguities[0].old, vec![0, 1]);
    }

    #[test]
    fn weakness_needs_a_shared_asset_and_compatible_poam_ids() {
        let old = vec![keys(Some("u1"), Some("V-1"), Some("p"), &["a"])];
        let m = match_items(&old, &[keys(None, None, Some("p"), &["b"])]);
        assert!(m.pairs.is_empty());
        let m = match_items(&old, &[keys(None, Some("V-2"), Some("p"), &["a"])]);
        assert!(m.pairs.is_empty());
        let m = match_items(&old, &[keys(None, None, Some("p"), &["a"])]);
        assert_eq!(m.pairs.len(), 1);
    }

    #[test]
    fn two_new_items_wanting_one_old_item_are_ambiguous() {
        let old = vec![keys(Some("u1"), None, Some("p"), &["a", "b"])];
        let new = vec![
            keys(None, None, Some("p"), &["a"]),
            keys(None, None, Some("p"), &["b"]),
        ];
        let m = match_items(&old, &new);
        assert!(m.pairs.is_empty());
        assert_eq!(m.ambiguities.len(), 1);
        assert_eq!(m.ambiguities[0].new, vec![0, 1]);
        assert!(m.new_only.is_empty() && m.old_only.is_empty());
    }
}
