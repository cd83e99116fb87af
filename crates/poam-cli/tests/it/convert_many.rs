//! `poam convert IN... --out-dir DIR`: many files converted in parallel, each written
//! atomically, a bad file failing alone (exit 2) and named; the arguments that cannot work are
//! refused before anything is written.
//!
//! stderr is a pipe here, so no progress bar may ever appear in it: successful runs must leave
//! stderr empty.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::support;
use support::workspace_root;

fn fixture(rel: &str) -> PathBuf {
    workspace_root().join("fixtures").join(rel)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Copies fixtures into a fresh directory under new names: `(fixture, name)`.
fn workdir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for (from, to) in files {
        std::fs::copy(fixture(from), dir.path().join(to)).unwrap_or_else(|e| panic!("{from}: {e}"));
    }
    dir
}

fn poam(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_poam"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run poam: {e}"))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn assert_exit(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "stderr: {}", stderr(o));
}

/// The names in `dir`, sorted (temporary files included: none may be left).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            e.unwrap_or_else(|e| panic!("{e}"))
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    v.sort();
    v
}

#[test]
fn files_of_every_format_convert_into_the_directory() {
    let dir = workdir(&[
        ("poam/full.json", "a.json"),
        ("poam/full.yaml", "b.yaml"),
        ("poam/minimal.json", "c.json"),
    ]);
    // An XML input too, made by the single-file form.
    let made = poam(dir.path(), &["convert", "c.json", "-o", "d.xml"]);
    assert_exit(&made, 0);

    let out = poam(
        dir.path(),
        &[
            "convert",
            "a.json",
            "b.yaml",
            "d.xml",
            "--to",
            "yaml",
            "--out-dir",
            "out",
        ],
    );
    assert_exit(&out, 0);
    assert!(out.stdout.is_empty(), "nothing goes to stdout");
    assert!(out.stderr.is_empty(), "stderr: {}", stderr(&out));

    let o = dir.path().join("out");
    assert_eq!(names(&o), ["a.yaml", "b.yaml", "d.yaml"]);
    let full_yaml = read(&fixture("poam/full.yaml"));
    assert_eq!(read(&o.join("a.yaml")), full_yaml, "JSON -> YAML");
    assert_eq!(read(&o.join("b.yaml")), full_yaml, "YAML -> YAML");
    assert_eq!(
        read(&o.join("d.yaml")),
        read(&fixture("poam/minimal.yaml")),
        "XML -> YAML"
    );
}

#[test]
fn the_output_directory_is_created_and_json_is_the_default() {
    let dir = workdir(&[("poam/full.yaml", "full.yaml")]);
    let out = poam(
        dir.path(),
        &["convert", "full.yaml", "--out-dir", "new/sub"],
    );
    assert_exit(&out, 0);
    assert!(out.stderr.is_empty(), "stderr: {}", stderr(&out));
    assert_eq!(
        read(&dir.path().join("new/sub/full.json")),
        read(&fixture("poam/full.json"))
    );
}

#[test]
fn a_bad_file_fails_alone_and_is_named() {
    let dir = workdir(&[
        ("poam/full.json", "good1.json"),
        ("bad/malformed.json", "broken.json"),
        ("poam/minimal.yaml", "good2.yaml"),
    ]);
    // An older conversion of the bad file must survive its failed conversion untouched.
    let o = dir.path().join("out");
    std::fs::create_dir(&o).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(o.join("broken.xml"), "old").unwrap_or_else(|e| panic!("{e}"));

    let out = poam(
        dir.path(),
        &[
            "convert",
            "good1.json",
            "broken.json",
            "good2.yaml",
            "--to",
            "xml",
            "--out-dir",
            "out",
        ],
    );
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("error: broken.json:6:7: expected"),
        "the error names the file and line: {err}"
    );
    assert!(
        err.lines()
            .last()
            .is_some_and(|l| l.starts_with("error: 1 of 3 files could not be converted")),
        "a summary ends the report: {err}"
    );
    assert!(!err.contains("good1") && !err.contains("good2"), "{err}");
    // The good files are written, the bad one leaves no file and no temporary file.
    assert_eq!(names(&o), ["broken.xml", "good1.xml", "good2.xml"]);
    assert_eq!(read(&o.join("broken.xml")), "old");
    for good in ["good1.xml", "good2.xml"] {
        assert!(read(&o.join(good)).starts_with("<?xml"), "{good}");
    }
}

#[test]
fn every_bad_file_is_reported_in_the_order_given() {
    let dir = workdir(&[
        ("bad/wrong-type.json", "z.json"),
        ("poam/minimal.json", "ok.json"),
        ("bad/malformed.yaml", "a.yaml"),
    ]);
    let out = poam(
        dir.path(),
        &["convert", "z.json", "ok.json", "a.yaml", "--out-dir", "out"],
    );
    assert_exit(&out, 2);
    let err = stderr(&out);
    let z = err.find("z.json:").unwrap_or_else(|| panic!("{err}"));
    let a = err.find("a.yaml:").unwrap_or_else(|| panic!("{err}"));
    assert!(z < a, "input order, not completion order: {err}");
    assert!(err.contains("2 of 3 files"), "{err}");
    assert_eq!(names(&dir.path().join("out")), ["ok.json"]);
}

#[test]
fn several_inputs_need_an_output_directory() {
    let dir = workdir(&[("poam/full.json", "a.json"), ("poam/full.yaml", "b.yaml")]);
    let out = poam(dir.path(), &["convert", "a.json", "b.yaml", "--to", "xml"]);
    assert_exit(&out, 2);
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("2 inputs need --out-dir DIR"),
        "{}",
        stderr(&out)
    );
    assert_eq!(names(dir.path()), ["a.json", "b.yaml"]);
}

#[test]
fn an_output_file_and_an_output_directory_conflict() {
    let dir = workdir(&[("poam/full.json", "a.json")]);
    let out = poam(
        dir.path(),
        &["convert", "a.json", "-o", "x.yaml", "--out-dir", "out"],
    );
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("cannot be used with"),
        "{}",
        stderr(&out)
    );
    assert_eq!(names(dir.path()), ["a.json"]);
}

#[test]
fn two_inputs_of_one_name_are_refused_before_anything_is_written() {
    let dir = workdir(&[
        ("poam/full.json", "poam.json"),
        ("poam/full.yaml", "poam.yaml"),
    ]);
    let out = poam(
        dir.path(),
        &[
            "convert",
            "poam.json",
            "poam.yaml",
            "--to",
            "xml",
            "--out-dir",
            "out",
        ],
    );
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("poam.json and poam.yaml would both be written to out/poam.xml"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn standard_input_cannot_go_to_an_output_directory() {
    let dir = workdir(&[("poam/full.json", "a.json")]);
    let out = poam(dir.path(), &["convert", "a.json", "-", "--out-dir", "out"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("standard input"), "{}", stderr(&out));
    assert!(!dir.path().join("out").exists());
}

#[test]
fn an_input_is_never_overwritten_by_a_conversion() {
    let dir = workdir(&[("poam/minimal.yaml", "m.yaml")]);
    let before = read(&dir.path().join("m.yaml"));
    let out = poam(
        dir.path(),
        &["convert", "./m.yaml", "--to", "yaml", "--out-dir", "."],
    );
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("would overwrite the input ./m.yaml"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&dir.path().join("m.yaml")), before);
    assert_eq!(names(dir.path()), ["m.yaml"]);
}
