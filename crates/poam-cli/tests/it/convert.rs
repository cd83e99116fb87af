//! `poam convert` on good input: the bundled fixtures convert to exactly their canonical twins,
//! through files and through stdin/stdout, and output files are ordinary files.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support;
use support::workspace_root;

fn fixture_text(rel: &str) -> String {
    let path = workspace_root().join("fixtures").join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn poam(args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_poam"))
        .args(args)
        .current_dir(workspace_root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run poam: {e}"));
    if let Some(mut pipe) = child.stdin.take()
        && let Some(text) = stdin
    {
        pipe.write_all(text.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("cannot run poam: {e}"))
}

#[track_caller]
fn ok_stdout(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn json_to_yaml_on_stdout_is_the_yaml_twin() {
    let out = poam(
        &["convert", "fixtures/poam/full.json", "--to", "yaml"],
        None,
    );
    assert!(ok_stdout(&out) == fixture_text("poam/full.yaml"));
}

#[test]
fn yaml_to_json_file_is_the_json_twin() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let target = dir.path().join("full.json");
    let out = poam(
        &[
            "convert",
            "fixtures/poam/full.yaml",
            "-o",
            target.to_str().unwrap_or_default(),
        ],
        None,
    );
    assert!(ok_stdout(&out).is_empty());
    let written = std::fs::read_to_string(&target).unwrap_or_else(|e| panic!("{e}"));
    assert!(written == fixture_text("poam/full.json"));
}

#[test]
fn output_format_follows_the_output_extension() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let target = dir.path().join("minimal.yml");
    let out = poam(
        &[
            "convert",
            "fixtures/poam/minimal.json",
            "-o",
            target.to_str().unwrap_or_default(),
        ],
        None,
    );
    ok_stdout(&out);
    let written = std::fs::read_to_string(&target).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(written, fixture_text("poam/minimal.yaml"));
}

#[test]
fn stdin_format_is_sniffed_and_stdout_defaults_to_json() {
    let out = poam(&["convert", "-"], Some(&fixture_text("poam/minimal.yaml")));
    assert_eq!(ok_stdout(&out), fixture_text("poam/minimal.json"));
    let out = poam(
        &["convert", "-", "--to", "yaml", "-o", "-"],
        Some(&fixture_text("poam/minimal.json")),
    );
    assert_eq!(ok_stdout(&out), fixture_text("poam/minimal.yaml"));
}

/// Output goes through a temporary file and a rename; the result must still be an ordinary
/// file: readable by others as the umask allows, and keeping the mode of a file it replaces.
#[cfg(unix)]
#[test]
fn output_files_have_ordinary_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let fresh = dir.path().join("fresh.json");
    ok_stdout(&poam(
        &[
            "convert",
            "fixtures/poam/minimal.json",
            "-o",
            fresh.to_str().unwrap_or_default(),
        ],
        None,
    ));
    let mode = |p: &Path| {
        std::fs::metadata(p)
            .unwrap_or_else(|e| panic!("{e}"))
            .permissions()
            .mode()
            & 0o777
    };
    // Temporary files are created 0o600; a converted file must not be.
    assert_ne!(mode(&fresh), 0o600, "new output file is owner-only");

    let existing = dir.path().join("existing.json");
    std::fs::write(&existing, "old").unwrap_or_else(|e| panic!("{e}"));
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o640))
        .unwrap_or_else(|e| panic!("{e}"));
    ok_stdout(&poam(
        &[
            "convert",
            "fixtures/poam/minimal.json",
            "-o",
            existing.to_str().unwrap_or_default(),
        ],
        None,
    ));
    assert_eq!(mode(&existing), 0o640);
    assert_eq!(
        std::fs::read_to_string(&existing).unwrap_or_default(),
        fixture_text("poam/minimal.json")
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| {
            std::path::Path::new(n)
                .extension()
                .is_some_and(|e| e == "tmp")
        })
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn yaml_1_1_look_alikes_stay_strings() {
    let out = poam(&["convert", "fixtures/poam/yaml-1.1-scalars.yaml"], None);
    let json: serde_json::Value =
        serde_json::from_str(&ok_stdout(&out)).unwrap_or_else(|e| panic!("{e}"));
    let props =
        &json["plan-of-action-and-milestones"]["local-definitions"]["components"][0]["props"];
    assert_eq!(props[0]["value"], "yes");
    assert_eq!(props[1]["value"], "No");
    assert_eq!(props[3]["value"], "1.0");
}

/// `-o` onto the input would replace the only copy of it: refused before anything is read
/// or written, however the path is spelled (through `./`, a symbolic link).
#[cfg(unix)]
#[test]
fn output_onto_the_input_is_refused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let input = dir.path().join("a.json");
    let original = fixture_text("poam/minimal.json");
    std::fs::write(&input, &original).unwrap_or_else(|e| panic!("{e}"));
    let link = dir.path().join("link.xml");
    std::os::unix::fs::symlink(&input, &link).unwrap_or_else(|e| panic!("{e}"));
    let dotted = dir.path().join(".").join("a.json");
    for out_path in [&input, &link, &dotted] {
        let out = poam(
            &[
                "convert",
                input.to_str().unwrap_or_default(),
                "--to",
                "xml",
                "-o",
                out_path.to_str().unwrap_or_default(),
            ],
            None,
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}: {stderr}",
            out_path.display()
        );
        assert!(stderr.contains("is the input"), "{stderr}");
        assert_eq!(
            std::fs::read_to_string(&input).unwrap_or_default(),
            original,
            "the input was changed through {}",
            out_path.display()
        );
    }
}

/// `-o` onto a symbolic link replaces the link's target and keeps the link; onto a FIFO it
/// writes into the FIFO (a pipeline's reader gets the document) and leaves the FIFO there.
#[cfg(unix)]
#[test]
fn special_outputs_are_written_through() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let target = dir.path().join("real.yaml");
    std::fs::write(&target, "old").unwrap_or_else(|e| panic!("{e}"));
    let link = dir.path().join("current.yaml");
    std::os::unix::fs::symlink("real.yaml", &link).unwrap_or_else(|e| panic!("{e}"));
    ok_stdout(&poam(
        &[
            "convert",
            "fixtures/poam/minimal.json",
            "-o",
            link.to_str().unwrap_or_default(),
        ],
        None,
    ));
    let link_meta = std::fs::symlink_metadata(&link).unwrap_or_else(|e| panic!("{e}"));
    assert!(link_meta.file_type().is_symlink(), "the link was replaced");
    assert_eq!(
        std::fs::read_to_string(&target).unwrap_or_default(),
        fixture_text("poam/minimal.yaml")
    );

    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return; // no mkfifo on this machine
    }
    // The reader gets what poam writes; a poam that replaced the FIFO would leave it
    // waiting, so it is given a few seconds, not forever.
    let (sender, received) = std::sync::mpsc::channel();
    {
        let fifo = fifo.clone();
        std::thread::spawn(move || sender.send(std::fs::read_to_string(fifo).unwrap_or_default()));
    }
    ok_stdout(&poam(
        &[
            "convert",
            "fixtures/poam/minimal.json",
            "--to",
            "json",
            "-o",
            fifo.to_str().unwrap_or_default(),
        ],
        None,
    ));
    let got = received
        .recv_timeout(std::time::Duration::from_secs(10))
        .unwrap_or_else(|_| panic!("nothing was written into the FIFO"));
    assert_eq!(got, fixture_text("poam/minimal.json"));
    let meta = std::fs::metadata(&fifo).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        meta.file_type().is_fifo(),
        "the FIFO was replaced by a file"
    );
}

/// `-o /dev/stdout` (common in scripts) writes to the process's standard output, whatever
/// that is: here a pipe.
#[cfg(target_os = "linux")]
#[test]
fn dev_stdout_is_standard_output() {
    let out = poam(
        &["convert", "fixtures/poam/minimal.json", "-o", "/dev/stdout"],
        None,
    );
    assert_eq!(ok_stdout(&out), fixture_text("poam/minimal.json"));
}
