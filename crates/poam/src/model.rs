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

/// A generated walker over the model: [`Walk::walk`](walk::Walk::walk) visits every object
/// ([`walk::Node`]) and every scalar value ([`walk::Value`]) of a document with
/// its path, for checks and statistics that would otherwise match on every type.
pub mod walk {
    pub use poam_model::walk::*;
}
