//! What every CLI test file needs: where the workspace (and so `fixtures/`) is.

use std::path::{Path, PathBuf};

/// The workspace root: the tests run the binary there, with relative fixture paths, so that
/// messages (and their snapshots) read the same on every checkout.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(2)
        .map_or_else(|| manifest.to_path_buf(), Path::to_path_buf)
}
