//! Review cycles of a POA&M: what changed from one month to the next ([`diff()`]), and
//! carrying a POA&M into the next month by applying updates to it ([`merge()`]).
//!
//! An *item* is a poam-item together with the risks, observations and findings it references
//! ([`Parts`]). Items are matched across cycles by uuid, then FedRAMP POAM ID, then
//! weakness source identifier plus asset ([`match_items`]); ambiguous matches are reported,
//! never guessed. Two versions of an item are compared field by field; the differences are
//! told in a reviewer's terms ([`Change`]) and rendered for people, for the agency's monthly
//! report, or for pipelines ([`Reporter`]).
//!
//! A merge applies each update's field changes to BASE, records them in the risk logs, adds
//! new items (with the next POAM ID of BASE's series), closes and reopens items, and refuses
//! when updates conflict (unless told which to prefer). It never deletes anything BASE
//! identifies by uuid, and the same inputs and as-of date always give the same output.
//!
//! **Architecture invariant:** pure functions on `poam_model::Document`; no I/O.

mod align;
mod changes;
mod checks;
mod cycle;
mod definitions;
mod describe;
mod diff;
mod document;
mod edits;
mod instants;
mod item;
mod matching;
mod members;
mod merge;
mod render;

pub use changes::{Change, ChangeKind, escape_markdown};
pub use cycle::{cycle_title, uuid_for};
pub use diff::{AmbiguousMatch, Class, Diff, DocInfo, ItemDiff, Summary, diff};
pub use document::PartDiff;
pub use item::{DocIndex, ItemKeys, ItemRef, PartKind, Parts};
pub use matching::{Ambiguity, MatchRule, Matching, Pair, match_items};
pub use merge::{
    AmbiguousUpdate, Conflict, ConflictValue, MergeError, Options, Outcome, Prefer, Report,
    SystemMismatch, Update, merge,
};
pub use render::{Human, Json, Markdown, Reporter};
