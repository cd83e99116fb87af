//! `cargo xtask codegen [--check] [DIR]`: generates the model from the metaschema.
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

/// One file the generator writes, and the text it must hold.
#[derive(Debug)]
pub struct GeneratedFile {
    /// Where it is checked in.
    pub path: PathBuf,
    /// Its text: the generated code, through `rustfmt`.
    pub code: String,
}

impl GeneratedFile {
    /// Whether the checked-in file holds exactly [`GeneratedFile::code`].
    pub fn is_current(&self) -> bool {
        std::fs::read_to_string(&self.path).is_ok_and(|text| text == self.code)
    }
}

/// Every generated file, made in memory from the metaschema modules under
/// `<reference>/metaschema/` (nothing is read from or written to the workspace).
pub fn generate(workspace: &Path, reference: &Path) -> Result<Vec<GeneratedFile>, String> {
    let load = |v: &&str| metaschema::load(&reference.join("metaschema").join(v), ROOT_MODULE);
    let models = VERSIONS.iter().map(load).collect::<Result<Vec<_>, _>>()?;
    let (newest, older) = models.split_first().ok_or("no metaschema versions")?;
    let shaped = SHAPE_VERSIONS
        .iter()
        .map(load)
        .collect::<Result<Vec<_>, _>>()?;
    let file = |path: PathBuf, code: String| -> Result<GeneratedFile, String> {
        Ok(GeneratedFile {
            path,
            code: rustfmt(&code)?,
        })
    };
    Ok(vec![
        file(
            generated_model_path(workspace),
            emit_model::emit(newest, older)?,
        )?,
        file(
            workspace.join("crates/poam-validate/src/generated.rs"),
            emit_constraints::emit(newest, older, reference, CONSTRAINT_VERSIONS)?,
        )?,
        file(
            workspace.join("crates/poam-validate/src/view_generated.rs"),
            emit_view::emit(newest)?,
        )?,
        file(
            generated_xml_path(workspace),
            emit_xml::emit(newest, older)?,
        )?,
        file(
            generated_shapes_path(workspace),
            emit_versions::emit(&shaped.iter().collect::<Vec<_>>())?,
        )?,
    ])
}

/// `cargo xtask codegen --check`: `Err` naming every generated file that is not what the
/// metaschema gives, and the command that regenerates them.
pub fn check(workspace: &Path, reference: &Path) -> Result<(), String> {
    let files = generate(workspace, reference)?;
    let stale: Vec<String> = files
        .iter()
        .filter(|f| !f.is_current())
        .map(|f| {
            let path = f.path.strip_prefix(workspace).unwrap_or(&f.path);
            format!("  {}", path.display())
        })
        .collect();
    if stale.is_empty() {
        return Ok(());
    }
    Err(format!(
        "generated code is stale (the metaschema under {} gives something else):\n{}\n\
         run `cargo xtask codegen {}` and commit the result",
        reference.display(),
        stale.join("\n"),
        reference.display()
    ))
}

/// `cargo xtask codegen`: writes every generated file that changed; returns their paths.
pub fn write(workspace: &Path, reference: &Path) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::new();
    for f in generate(workspace, reference)? {
        if !f.is_current() {
            std::fs::write(&f.path, &f.code).map_err(|e| format!("{}: {e}", f.path.display()))?;
            written.push(f.path);
        }
    }
    Ok(written)
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

#[cfg(test)]
mod tests {
    /// `check` names every file that differs and the command that fixes them: against an
    /// empty workspace, every generated file is stale. Needs the reference folder (skips
    /// without it, as `poam-tests`' check of the real files does).
    #[test]
    fn check_names_every_stale_file_and_the_command() -> Result<(), String> {
        let reference = crate::reference_dir(&crate::workspace_root());
        if !reference.join("metaschema").is_dir() {
            return Ok(());
        }
        let empty = tempfile::tempdir().map_err(|e| e.to_string())?;
        let files = super::generate(empty.path(), &reference)?;
        assert_eq!(
            files.len(),
            5,
            "model, constraints, model view, XML, shapes"
        );
        let Err(message) = super::check(empty.path(), &reference) else {
            return Err("an empty workspace passed the check".into());
        };
        for f in &files {
            assert!(f.code.contains("@generated"), "{}", f.path.display());
            let rel = f
                .path
                .strip_prefix(empty.path())
                .map_err(|e| e.to_string())?;
            assert!(message.contains(&rel.display().to_string()), "{message}");
        }
        assert!(message.contains("cargo xtask codegen"), "{message}");
        Ok(())
    }
}
