//! The part of `xtask` that other crates of the workspace call: the code generator, so that
//! `cargo test` (the `poam-tests` crate) fails when a generated file is stale. The commands
//! themselves are the binary (`main.rs`).
//!
//! A library and not `cargo xtask codegen --check` from a test: a nested `cargo` would wait
//! for the build lock the running `cargo test` holds.
// Not published: `pub` inside the modules marks a module's interface to the rest of xtask,
// what `unreachable_pub` (meant for the published libraries' API) would have us spell
// `pub(crate)`; what other crates may call is re-exported below, documented.
#![allow(unreachable_pub)]

mod codegen;

use std::path::{Path, PathBuf};

pub use codegen::{GeneratedFile, check, generate, write};

/// The workspace root (the directory holding the workspace `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The reference folder (real schemas, metaschemas, examples; never part of the repository):
/// `POAM_REFERENCE` when set, else `../shared/reference` beside the workspace.
pub fn reference_dir(workspace: &Path) -> PathBuf {
    std::env::var_os("POAM_REFERENCE")
        .map_or_else(|| workspace.join("../shared/reference"), PathBuf::from)
}
