//! The OSCAL Plan of Action and Milestones (POA&M) as Rust types.
//!
//! The types in [`generated`] are written by `cargo xtask codegen` from the NIST OSCAL
//! metaschema (newest supported version; members only required in newer versions stay
//! optional, so documents of every supported version load). They carry serde derives whose
//! shape is the OSCAL JSON/YAML format; XML lives in `poam-io`.
//!
//! **Architecture invariant:** this crate does no I/O and knows no file format but the serde
//! shape of OSCAL JSON. Values are stored in the form they were written (a date-time keeps its
//! offset, a UUID its case); their syntax is checked by [`datatype_errors`], not on load,
//! so that a validator can report every problem in one run.

mod check;
mod construct;
pub mod datatypes;
mod document;
mod lists;
#[rustfmt::skip]
pub mod generated;
pub mod version;
#[rustfmt::skip]
mod version_shapes;
pub mod walk;

pub use check::{DatatypeError, datatype_errors};
pub use document::{Document, OTHER_MODELS, OscalVersion, ROOT_NAME, SUPPORTED_VERSIONS};
pub use generated::*;
pub use lists::{EMPTY_REQUIRED_LIST, empty_required_lists};
pub use poam_markup::{MarkupLine, MarkupMultiline};
