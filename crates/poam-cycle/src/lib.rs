//! Review cycles of a POA&M: what changed from one month to the next ([`diff()`]), and
//! carrying a POA&M into the next month by applying updates to it ([`merge()`]).
//!
//! An *item* is a poam-item together with the risks, observations and findings it references
//! ([`item::Parts`]). Items are matched across cycles by uuid, then FedRAMP POAM ID, then
//! weakness source identifier plus asset ([`matching`]); ambiguous matches are reported,
//! never guessed. Two versions of an item are compared field by field ([`edits`]); the
//! differences are told in a reviewer's terms ([`changes`]) and rendered for people, for the
//! agency's monthly report, or for pipelines ([`render`]).
//!
//! A merge applies each update's field changes to BASE, records them in the risk logs, adds
//! new items (with the next POAM ID of BASE's series), closes and reopens items, and refuses
//! when updates conflict (unless told which to prefer). It never deletes anything BASE
//! identifies by uuid, and the same inputs and as-of date always give the same output.
//!
//! **Architecture invariant:** pure functions on `poam_model::Document`; no I/O.

mod align;
pub mod changes;
mod checks;
pub mod cycle;
mod definitions;
mod describe;
pub mod diff;
pub mod document;
pub mod edits;
pub mod fedramp;
mod instants;
pub mod item;
pub mod matching;
mod members;
pub mod merge;
pub mod render;

pub use changes::{Change, ChangeKind};
pub use diff::{Class, Diff, ItemDiff, Summary, diff};
pub use merge::{Conflict, MergeError, Options, Outcome, Prefer, Report, Update, merge};
pub use render::{Human, Json, Markdown, Reporter};
