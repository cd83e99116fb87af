//! Monthly review cycles: what changed between two POA&Ms ([`diff`]), and carrying a POA&M
//! into the next cycle by applying updates to it ([`merge`]).
//!
//! Items are matched across documents by uuid, then FedRAMP POAM ID, then weakness source
//! identifier plus asset; a key that names several items is reported as ambiguous, never
//! guessed. A merge never deletes what the base has, records every change in the risk's
//! log, and refuses (with [`MergeError`]) when updates conflict, unless told which to prefer.

pub use poam_cycle::{
    AmbiguousMatch, AmbiguousUpdate, Change, ChangeKind, Class, Conflict, ConflictValue, Diff,
    DocInfo, Human, ItemDiff, Json, Markdown, MergeError, Options, Outcome, PartDiff, Prefer,
    Report, Reporter, Summary, SystemMismatch, Update,
};
pub use poam_cycle::{diff, merge};

/// An item as reports name it: its index, POAM ID and title.
pub use poam_cycle::ItemRef;
