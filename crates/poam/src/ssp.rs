//! The system security plan (SSP) a POA&M imports.
//!
//! [`Ssp::parse`] reads an SSP in OSCAL JSON, YAML or XML (the one reader `poam validate
//! --ssp` uses too); [`Resolver`] resolves an asset identifier as a workbook or scanner
//! writes it to the SSP's inventory item or component (asset id, FQDN, IP address, host
//! name; nothing guessed); [`link`] links a POA&M to its SSP: `import-ssp`, the system id,
//! the provider party, and subjects pointing at the SSP's assets, with one
//! [`LinkWarning`] per asset that resolves to nothing.

pub use poam_ssp::{
    Asset, AssetKind, LinkReport, LinkWarning, Party, Resolution, Resolver, Ssp, SspError,
    SystemIdentifier, link,
};
