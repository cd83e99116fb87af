//! Every input the fuzzer found failing, once fixed, is a fixture under
//! `fixtures/fuzz/<reader>/`; `cargo test` runs each through the fuzzer's checks.

use std::path::Path;
use std::time::Duration;

use super::Reader;
use super::guard::{Limits, run_guarded};

/// Tests share the process with other tests, so the limit is wall time, and generous.
const LIMIT: Duration = Duration::from_secs(60);

fn fixtures(reader: Reader) -> Vec<std::path::PathBuf> {
    let dir = crate::workspace_root()
        .join("fixtures/fuzz")
        .join(reader.name());
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

#[test]
fn every_regression_fixture_passes_the_checks() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for reader in Reader::ALL {
        for path in fixtures(reader) {
            let bytes = std::fs::read(&path).expect("read the fixture");
            ran += 1;
            if let Err(f) = run_guarded(reader, &bytes, Limits::wall(LIMIT)) {
                failures.push(format!("{}: {f}", path.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{ran} fixtures, failing:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_fixture_folders_are_named_after_readers_and_hold_inputs_only() {
    let dir = crate::workspace_root().join("fixtures/fuzz");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_file() {
            assert_eq!(path.file_name().and_then(|n| n.to_str()), Some("README.md"));
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let reader =
            Reader::parse(&name).unwrap_or_else(|| panic!("fixtures/fuzz/{name}: no such reader"));
        for file in fixtures(reader) {
            let ext = file
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default();
            assert_eq!(ext, reader.extension(), "{}", file.display());
            assert!(has_stem(&file), "{}", file.display());
        }
    }
}

fn has_stem(path: &Path) -> bool {
    path.file_stem().is_some_and(|s| !s.is_empty())
}
