//! The system security plan (SSP) a POA&M imports, read once for every command that needs it.
//!
//! - [`Ssp`] ([`Ssp::parse`]): what a POA&M takes from its SSP: the system's identifiers and name,
//!   the parties and who holds which role (the provider organization), the inventory items
//!   and components with their asset identifiers, and every other identifier a POA&M may
//!   reference (roles, locations, users, resources, implementation statements), which
//!   `poam validate --ssp` resolves references against. OSCAL JSON and YAML are read as a
//!   generic tree, XML with `roxmltree`: only what is listed above is read; the SSP itself
//!   is not validated.
//! - [`Resolver`]: an asset identifier as a workbook or a scanner writes it
//!   (`web01.example.com (443/tcp)`, `10.0.0.5`, `web01`, an asset id) to the one SSP
//!   inventory item or component it names. Nothing is guessed: a name that fits no asset,
//!   or several, resolves to nothing, and says which.
//! - [`link()`]: a POA&M linked to its SSP: `import-ssp`, the system id, the provider party
//!   (responsible for the document, origin of plans that name none), and subjects pointing
//!   at the SSP's assets instead of the POA&M's own stand-ins.
//!
//! The crate sits on the "formats in" side (an SSP is read like any input) and its `link`
//! is a pure function on the model; it does no I/O and prints nothing.

mod link;
mod read;
mod resolve;

pub use link::{LinkReport, LinkWarning, link};
pub use read::{Asset, AssetKind, Party, Ssp, SspError, SystemIdentifier};
pub use resolve::{Resolution, Resolver};
