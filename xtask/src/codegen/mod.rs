//! `cargo xtask codegen [--check] [--reference DIR]`: generates the model from the metaschema.
//!
//! The newest supported metaschema is the source of the types; older supported versions are
//! read too, so that a member required only in newer versions stays optional and so that
//! nothing an older version defines is missing.

pub mod emit_constraints;
pub mod emit_model;
pub mod emit_versions;
pub mod emit_view;
pub mod emit_xml;
pub mod metaschema;

use std::path::{Path, PathBuf};

/// Metaschema versions, newest first. The first one drives the generated types.
pub const VERSIONS: &[&str] = &["1.2.2", "1.1.3"];
/// Metaschema versions whose constraints the validator carries, newest first: one rule set
/// each, chosen by the `oscal-version` a document declares (its major.minor). 1.0.4 is not
/// read for the types: its model is older than the oldest the model relaxes for.
pub const CONSTRAINT_VERSIONS: &[&str] = &["1.2.2", "1.1.3", "1.0.4"];
/// Metaschema versions whose JSON shape `poam` writes documents as (`--oscal-version`),
/// newest first: one table of object shapes each (`emit_versions`).
pub const SHAPE_VERSIONS: &[&str] = &["1.2.2", "1.1.3", "1.0.4"];
pub const ROOT_MODULE: &str = "oscal_poam_metaschema.xml";

pub fn generated_model_path(workspace: &Path) -> PathBuf {
    workspace.join("crates/poam-model/src/generated.rs")
}

pub fn generated_shapes_path(workspace: &Path) -> PathBuf {
    workspace.join("crates/poam-model/src/version_shapes.rs")
}

pub fn generated_xml_path(workspace: &Path) -> PathBuf {
    workspace.join("crates/poam-io/src/xml/generated.rs")
}

pub fn run(workspace: &Path, reference: &Path, check: bool) -> Result<(), String> {
    let mut models = Vec::new();
    for v in VERSIONS {
        models.push(metaschema::load(
            &reference.join("metaschema").join(v),
            ROOT_MODULE,
        )?);
    }
    let (newest, older) = models.split_first().ok_or("no metaschema versions")?;
    let code = emit_model::emit(newest, older)?;
    let code = rustfmt(&code)?;
    write_or_check(&generated_model_path(workspace), &code, check)?;
    write_or_check(
        &workspace.join("crates/poam-validate/src/generated.rs"),
        &rustfmt(&emit_constraints::emit(
            newest,
            older,
            reference,
            CONSTRAINT_VERSIONS,
        )?)?,
        check,
    )?;
    write_or_check(
        &workspace.join("crates/poam-validate/src/view_generated.rs"),
        &rustfmt(&emit_view::emit(newest)?)?,
        check,
    )?;
    let xml = rustfmt(&emit_xml::emit(newest, older)?)?;
    write_or_check(&generated_xml_path(workspace), &xml, check)?;
    let mut shaped = Vec::new();
    for v in SHAPE_VERSIONS {
        shaped.push(metaschema::load(
            &reference.join("metaschema").join(v),
            ROOT_MODULE,
        )?);
    }
    let shapes = rustfmt(&emit_versions::emit(&shaped.iter().collect::<Vec<_>>())?)?;
    write_or_check(&generated_shapes_path(workspace), &shapes, check)
}

fn rustfmt(code: &str) -> Result<String, String> {
    use std::io::Write;
    let mut child = std::process::Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("rustfmt: {e}"))?;
    child
        .stdin
        .take()
        .ok_or("rustfmt: no stdin")?
        .write_all(code.as_bytes())
        .map_err(|e| format!("rustfmt: {e}"))?;
    let out = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "rustfmt failed on generated code:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| e.to_string())
}

fn write_or_check(path: &Path, code: &str, check: bool) -> Result<(), String> {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    if current == code {
        return Ok(());
    }
    if check {
        return Err(format!(
            "{} is stale: run `cargo xtask codegen` and commit the result",
            path.display()
        ));
    }
    std::fs::write(path, code).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// `cargo test` fails when the checked-in generated code is not what the metaschema in the
    /// reference folder gives (`../shared/reference`, or `POAM_REFERENCE`); without the folder
    /// (a fresh clone) there is nothing to compare against and the test says so and passes.
    #[test]
    fn generated_code_is_not_stale() {
        let root = crate::workspace_root();
        let reference = std::env::var_os("POAM_REFERENCE")
            .map_or_else(|| root.join("../shared/reference"), PathBuf::from);
        if !reference.join("metaschema").is_dir() {
            eprintln!(
                "skipped: no metaschema under {} (set POAM_REFERENCE)",
                reference.display()
            );
            return;
        }
        if let Err(e) = super::run(&root, &reference, true) {
            panic!("{e}");
        }
    }
}
