//! Helpers shared by the cross-crate tests in `tests/tests/`: where the workspace and its
//! fixtures are, and loading them with a message that names the file on failure.
//!
//! Everything here reads only files inside the repository: `cargo test` never needs
//! `../shared`.

use std::path::{Path, PathBuf};

use poam::Document;
use poam::io::{Format, ReadError};

/// The workspace root (the directory holding the workspace `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map_or_else(|| manifest.to_path_buf(), Path::to_path_buf)
}

/// The path of a fixture, relative to `fixtures/` (e.g. `poam/full.json`).
pub fn fixture(rel: &str) -> PathBuf {
    workspace_root().join("fixtures").join(rel)
}

/// The raw bytes of a fixture.
///
/// # Panics
///
/// With the path, when the fixture cannot be read.
pub fn fixture_bytes(rel: &str) -> Vec<u8> {
    let path = fixture(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text of a fixture.
///
/// # Panics
///
/// With the path, when the fixture cannot be read or is not UTF-8.
pub fn fixture_text(rel: &str) -> String {
    let path = fixture(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Reads a fixture the way `poam` does (format from the extension), with the fixture's
/// relative name in error messages.
///
/// # Panics
///
/// With the path, when the fixture cannot be read.
pub fn try_load(rel: &str) -> Result<Document, ReadError> {
    let name = poam::io::SourceName(format!("fixtures/{rel}"));
    poam::io::read(
        &fixture_bytes(rel),
        &name,
        Format::from_path(Path::new(rel)),
    )
}

/// Reads a fixture that must load.
///
/// # Panics
///
/// With the read error, when it does not.
pub fn load(rel: &str) -> Document {
    try_load(rel).unwrap_or_else(|e| panic!("{e}"))
}

/// Writes `doc` in `format` as text.
///
/// # Panics
///
/// On a write error, or output that is not UTF-8.
pub fn write_text(doc: &Document, format: Format) -> String {
    let bytes = poam::io::write(doc, format).unwrap_or_else(|e| panic!("write {format}: {e}"));
    String::from_utf8(bytes).unwrap_or_else(|e| panic!("{format} output is not UTF-8: {e}"))
}

/// Reads `text` as `format` (a document poam wrote itself).
///
/// # Panics
///
/// With the error and the text's first lines, when it cannot be read.
pub fn read_text(text: &str, format: Format) -> Document {
    let name = poam::io::SourceName(format!("<written {format}>"));
    poam::io::read(text.as_bytes(), &name, Some(format)).unwrap_or_else(|e| {
        let head: String = text.lines().take(40).collect::<Vec<_>>().join("\n");
        panic!("{e}\n--- first lines of the text ---\n{head}")
    })
}

/// The POA&M fixtures that must load, convert and round-trip (paths relative to `fixtures/`).
pub const GOOD_FIXTURES: &[&str] = &[
    "poam/full.json",
    "poam/full.yaml",
    "poam/minimal.json",
    "poam/minimal.yaml",
    "poam/yaml-1.1-scalars.yaml",
];
