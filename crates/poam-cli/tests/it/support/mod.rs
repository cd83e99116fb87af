//! What every CLI test file needs: where the workspace (and so `fixtures/`) is, running the
//! binary in a directory, and scratch directories holding copies of fixtures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The workspace root: the tests run the binary there, with relative fixture paths, so that
/// messages (and their snapshots) read the same on every checkout.
pub(crate) fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(2)
        .map_or_else(|| manifest.to_path_buf(), Path::to_path_buf)
}

/// Runs `poam ARGS` in `dir` (relative paths in messages stay short and stable).
pub(crate) fn poam(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_poam"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("poam runs")
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Fails with both output streams when the exit code is not `code`.
#[track_caller]
pub(crate) fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

/// Runs `poam ARGS` in `dir` and fails unless it exits 0 (a set-up step, not the subject).
#[track_caller]
pub(crate) fn poam_ok(dir: &Path, args: &[&str]) -> Output {
    let o = poam(dir, args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "poam {args:?}\nstdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    o
}

/// The JSON document `name` in `dir`.
pub(crate) fn json(dir: &Path, name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap()
}

/// A scratch directory holding a copy of the files of `fixtures/<area>/` and of its `bad/`
/// folder (when there is one), so that file names in reports are short and stable.
pub(crate) fn fixture_dir_copy(area: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = workspace_root().join("fixtures").join(area);
    copy_files(&src, dir.path());
    if src.join("bad").is_dir() {
        std::fs::create_dir(dir.path().join("bad")).unwrap();
        copy_files(&src.join("bad"), &dir.path().join("bad"));
    }
    dir
}

fn copy_files(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// A scratch directory holding copies of the given `fixtures/`-relative files, at the given
/// scratch-relative places (folders created as needed).
pub(crate) fn scratch_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = workspace_root().join("fixtures");
    for (from, to) in files {
        let target = dir.path().join(to);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::copy(fixtures.join(from), target).unwrap();
    }
    dir
}

/// June's scans imported into the converted June workbook (the submission walk-through's
/// second step), as the submission and workbook-cycle tests run it.
pub(crate) const IMPORT_JUNE_SCANS: &[&str] = &[
    "import",
    "month1.nessus",
    "trivy-image.json",
    "--into",
    "june.json",
    "--as-of",
    "2024-06-03",
    "-o",
    "june.json",
];
