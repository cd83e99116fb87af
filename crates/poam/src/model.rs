//! The typed model of an OSCAL POA&M: one Rust type per assembly and field of the OSCAL
//! metaschema (OSCAL 1.0.x to 1.2.x), with serde derives in the OSCAL JSON shape.
//!
//! Values are kept as written (a date-time keeps its offset, a UUID its case) and are not
//! checked on load: [`datatype_errors`] lists every value that breaks its datatype, and
//! [`crate::validate`] checks everything else.

pub use poam_model::generated::*;
pub use poam_model::{Document, OscalVersion, SUPPORTED_VERSIONS};

pub use poam_model::{DatatypeError, datatype_errors};

/// The metaschema's datatypes: one newtype per datatype, each keeping its text and knowing
/// its own syntax ([`Datatype::check`](datatypes::Datatype::check)).
pub mod datatypes {
    pub use poam_model::datatypes::*;
}

/// OSCAL `markup-line` and `markup-multiline` as a tree, read from and written to
/// CommonMark (JSON, YAML) and OSCAL's HTML-like XML elements.
pub mod markup {
    pub use poam_markup::{
        Align, Block, Inline, MarkupLine, MarkupMultiline, Table, TableCell, TableRow,
    };
}

pub use markup::{MarkupLine, MarkupMultiline};

/// Writing a document as another OSCAL version (1.0.4, 1.1.x, 1.2.x):
/// [`convert_version`](version::convert_version) checks every member and value against the
/// target's POA&M (generated from each version's metaschema) and the document against the
/// target's constraints, refuses with their places what the target cannot hold (a member
/// it lacks or requires, a value its datatype or a closed allowed-values list rejects),
/// returns the warnings the target's rules add (open lists, warning-level constraints), and
/// sets `oscal-version` and `$schema`.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
/// use poam::model::version::{TargetVersion, convert_version};
///
/// let mut doc = poam::read_path(fixtures.join("poam/full.json"))?.document;
/// // A 1.2 document using 1.1 and 1.2 members does not fit 1.0.4: every place is named.
/// let refused = convert_version(&mut doc, TargetVersion::parse("1.0.4")?).unwrap_err();
/// assert!(refused.places.iter().any(|p| p.pointer == "/plan-of-action-and-milestones/findings"));
/// // It fits 1.2.3; write it as usual afterwards.
/// convert_version(&mut doc, TargetVersion::parse("1.2.3")?)?;
/// assert_eq!(doc.plan_of_action_and_milestones.metadata.oscal_version, "1.2.3");
/// # Ok(())
/// # }
/// ```
pub mod version {
    pub use poam_model::version::*;
    // The whole check (shapes and constraints) shadows the model's shapes-only one.
    pub use poam_validate::version::{ConstraintChanges, constraint_changes, convert_version};
}

/// A generated walker over the model: [`Walk::walk`](walk::Walk::walk) visits every object
/// ([`walk::Node`]) and every scalar value ([`walk::Value`]) of a document with
/// its path, for checks and statistics that would otherwise match on every type.
pub mod walk {
    pub use poam_model::walk::*;
}
