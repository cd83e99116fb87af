//! Listing the files of a reference or corpus folder: every xtask step that reads a tree of
//! inputs walks it this one way (recursively, in sorted order, so that runs reproduce).

use std::path::{Path, PathBuf};

/// Every file under `dir` (recursively) that `keep` accepts, sorted.
pub fn files_under(dir: &Path, keep: impl Fn(&Path) -> bool) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else if keep(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Whether `path`'s extension is one of `extensions` (in any case).
pub fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_nested_files_sorted_and_filtered() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        std::fs::create_dir(dir.path().join("sub"))?;
        for f in ["b.xlsx", "a.md", "sub/c.XLSX", "sub/d.json"] {
            std::fs::write(dir.path().join(f), "")?;
        }
        let found = files_under(dir.path(), |p| has_extension(p, &["xlsx"]))?;
        assert_eq!(
            found,
            [dir.path().join("b.xlsx"), dir.path().join("sub/c.XLSX")]
        );
        assert!(files_under(&dir.path().join("missing"), |_| true).is_err());
        Ok(())
    }
}
