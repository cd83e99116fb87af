//! `--ssp FILE` on the commands that write a POA&M (convert, import, merge): the SSP read
//! once, the href from the output file to it, and the link applied to each document with its
//! warnings printed (see `poam::ssp::link`).

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use poam::Document;
use poam::ssp::Ssp;

use crate::error::Error;

/// An SSP read for linking, and the href the output will import it by.
pub struct SspLink {
    pub ssp: Ssp,
    pub href: String,
}

impl SspLink {
    /// Reads the SSP at `path`; the href is relative from the directory `output` is written
    /// in (the current directory for standard output).
    pub fn load(path: &Path, output_dir: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::SspUnreadable {
            path: path.to_owned(),
            source,
        })?;
        let ssp = Ssp::parse(&text, poam::io::Format::from_path(path)).map_err(|e| Error::Ssp {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        Ok(Self {
            ssp,
            href: href(path, output_dir),
        })
    }

    /// Links `doc` (named `name` in messages) to the SSP, printing one warning per asset that
    /// resolves to nothing and per fact the SSP lacks.
    pub fn apply(&self, doc: &mut Document, name: &str) {
        let report = poam::ssp::link(doc, &self.ssp, &self.href);
        for w in &report.warnings {
            eprintln!("warning: {name}: {w}");
        }
    }
}

/// The directory an output path is written in (the current directory for standard output or
/// a bare file name).
pub fn output_dir(output: Option<&Path>) -> PathBuf {
    match output.and_then(Path::parent) {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The href from `dir` to `target`: a relative path when both resolve, else `target`'s
/// absolute path; percent-encoded where a URI reference needs it.
fn href(target: &Path, dir: &Path) -> String {
    let relative = match (target.canonicalize(), dir.canonicalize()) {
        (Ok(t), Ok(d)) => relative_path(&t, &d),
        (Ok(t), Err(_)) => t,
        _ => target.to_path_buf(),
    };
    let text = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    let text = if relative.has_root() {
        format!("/{}", text.trim_start_matches('/'))
    } else {
        text
    };
    percent_encode(&text)
}

/// `target` relative to `dir`, both absolute and canonical.
fn relative_path(target: &Path, dir: &Path) -> PathBuf {
    let t: Vec<Component> = target.components().collect();
    let d: Vec<Component> = dir.components().collect();
    let common = t.iter().zip(&d).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..d.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c.as_os_str());
    }
    out
}

/// Escapes what may not stand in a URI path (RFC 3986: unreserved, sub-delims, `:@/`).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            relative_path(&p("/a/b/ssp.json"), &p("/a/b")),
            p("ssp.json")
        );
        assert_eq!(
            relative_path(&p("/a/b/ssp.json"), &p("/a/c/d")),
            p("../../b/ssp.json")
        );
        assert_eq!(
            relative_path(&p("/a/ssp.json"), &p("/a/b")),
            p("../ssp.json")
        );
    }

    #[test]
    fn hrefs_are_uri_references() {
        assert_eq!(
            percent_encode("../my ssp/ssp é.json"),
            "../my%20ssp/ssp%20%C3%A9.json"
        );
        assert_eq!(percent_encode("a#b?c%"), "a%23b%3Fc%25");
    }

    #[test]
    fn output_dirs() {
        assert_eq!(output_dir(None), PathBuf::from("."));
        assert_eq!(output_dir(Some(Path::new("out.json"))), PathBuf::from("."));
        assert_eq!(
            output_dir(Some(Path::new("x/out.json"))),
            PathBuf::from("x")
        );
    }
}
