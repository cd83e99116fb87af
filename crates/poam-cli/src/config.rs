//! `poam.toml`: the project file of the commands that write a POA&M (convert, import, merge).
//!
//! It holds the document-level facts a workbook or a scan cannot say, so that they need not
//! be typed every month: found in the current directory, or given with `--config FILE`. Every
//! key is also a flag, and a flag wins. Unknown keys are errors (a misspelt key must not be
//! silently ignored). A relative `ssp` path is relative to the file's own directory.
//!
//! ```toml
//! ssp = "ssp.json"
//! marking = "cui"
//! fedramp-version = "fedramp-3.0.0rc1-oscal-1.1.2"
//! title = "Contoso Orders FedRAMP Plan of Action and Milestones (POA&M)"
//! plan = "Patch in the next maintenance window, then rescan."
//! oscal-version = "1.0.4"
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use poam::model::version::{self, TargetVersion};

use crate::args::DocumentArgs;
use crate::error::Error;

/// The file looked for in the current directory.
pub const FILE_NAME: &str = "poam.toml";

/// The keys of `poam.toml`.
#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub ssp: Option<PathBuf>,
    pub marking: Option<String>,
    pub fedramp_version: Option<String>,
    pub title: Option<String>,
    pub plan: Option<String>,
    pub oscal_version: Option<String>,
}

impl Config {
    /// Reads `poam.toml`'s text; `dir` is the directory relative `ssp` paths start from.
    pub fn parse(text: &str, dir: &Path) -> Result<Self, String> {
        let mut c: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        if let Some(p) = c.ssp.as_mut().filter(|p| p.is_relative()) {
            *p = dir.join(&*p);
        }
        Ok(c)
    }

    /// `--config FILE`, else `poam.toml` in the current directory when there is one.
    pub fn find(explicit: Option<&Path>) -> Result<Self, Error> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None if Path::new(FILE_NAME).is_file() => PathBuf::from(FILE_NAME),
            None => return Ok(Self::default()),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(source) => return Err(Error::ConfigUnreadable { path, source }),
        };
        let dir = path.parent().unwrap_or(Path::new(""));
        Self::parse(&text, dir).map_err(|e| Error::Config {
            message: e.trim_end().to_owned(),
            path: path.clone(),
        })
    }
}

/// What a command writes into the document: each from its flag, else from `poam.toml`.
#[derive(Debug, Default)]
pub struct Settings {
    pub ssp: Option<PathBuf>,
    pub marking: Option<String>,
    pub fedramp_version: Option<String>,
    pub title: Option<String>,
    pub plan: Option<String>,
    /// The OSCAL version the output is written as (`None`: the document's own).
    pub oscal_version: Option<TargetVersion>,
}

impl Settings {
    /// The flags of `a` over the file's keys. `ssp` and `plan` are the command's own flags.
    pub fn resolve(
        a: &DocumentArgs,
        ssp: Option<&Path>,
        plan: Option<&str>,
    ) -> Result<Self, Error> {
        let c = Config::find(a.config.as_deref())?;
        let oscal_version = match (a.oscal_version, c.oscal_version.as_deref()) {
            (Some(v), _) => Some(v),
            (None, Some(text)) => Some(TargetVersion::parse(text).map_err(Error::ConfigVersion)?),
            (None, None) => None,
        };
        Ok(Self {
            ssp: ssp.map(Path::to_path_buf).or(c.ssp),
            marking: a.marking.clone().or(c.marking),
            fedramp_version: a.fedramp_version.clone().or(c.fedramp_version),
            title: a.title.clone().or(c.title),
            plan: plan.map(str::to_owned).or(c.plan),
            oscal_version,
        })
    }

    /// Whether a FedRAMP submission is being prepared: the SSP or a document fact is given.
    pub fn is_submission(&self) -> bool {
        self.ssp.is_some()
            || self.marking.is_some()
            || self.fedramp_version.is_some()
            || self.title.is_some()
    }

    /// Writes the marking, FedRAMP version and title into `doc`'s metadata.
    pub fn apply(&self, doc: &mut poam::Document) {
        let md = &mut doc.plan_of_action_and_milestones.metadata;
        poam::fedramp::set_document_facts(
            md,
            self.marking.as_deref(),
            self.fedramp_version.as_deref(),
        );
        if let Some(t) = &self.title {
            md.title = poam::model::MarkupLine(vec![poam::model::markup::Inline::Text(t.clone())]);
        }
    }

    /// Makes `doc` a document of `--oscal-version` (when given). `Ok` holds the warnings to
    /// print (what the target version's open lists and warning-level constraints add); `Err`
    /// names every place the version cannot hold (`name` names the document), and `doc` is
    /// unchanged. The last step before a command encodes its output.
    pub fn write_as_version(
        &self,
        doc: &mut poam::Document,
        name: &str,
    ) -> Result<Vec<String>, Error> {
        let Some(target) = self.oscal_version else {
            return Ok(Vec::new());
        };
        match version::convert_version(doc, target) {
            Ok(warnings) => Ok(warnings
                .iter()
                .map(|d| {
                    format!(
                        "warning: {name}: {}: under OSCAL {target}'s rules ({}): {}",
                        d.pointer, d.rule, d.message
                    )
                })
                .collect()),
            Err(e) => Err(Error::Version {
                name: name.to_owned(),
                places: e.places.iter().map(ToString::to_string).collect(),
                message: e.to_string(),
            }),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_key_reads_and_ssp_is_relative_to_the_file() {
        let c = Config::parse(
            "ssp = \"ssp.json\"\nmarking = \"cui\"\nfedramp-version = \"v\"\ntitle = \"T\"\nplan = \"P\"\noscal-version = \"1.0.4\"\n",
            Path::new("conf"),
        )
        .unwrap();
        assert_eq!(c.ssp, Some(PathBuf::from("conf/ssp.json")));
        assert_eq!(c.marking.as_deref(), Some("cui"));
        assert_eq!(c.fedramp_version.as_deref(), Some("v"));
        assert_eq!(c.title.as_deref(), Some("T"));
        assert_eq!(c.plan.as_deref(), Some("P"));
        assert_eq!(c.oscal_version.as_deref(), Some("1.0.4"));
        let abs = Config::parse("ssp = \"/x/ssp.json\"", Path::new("conf")).unwrap();
        assert_eq!(abs.ssp, Some(PathBuf::from("/x/ssp.json")));
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_errors_with_their_place() {
        let e =
            Config::parse("marking = \"cui\"\nmarkings = \"cui\"\n", Path::new("")).unwrap_err();
        assert!(e.contains("line 2") && e.contains("markings"), "{e}");
        let e = Config::parse("title = 3\n", Path::new("")).unwrap_err();
        assert!(e.contains("line 1"), "{e}");
    }
}
