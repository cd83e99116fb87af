use std::path::Path;

/// An OSCAL serialization format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// OSCAL JSON.
    Json,
    /// OSCAL YAML.
    Yaml,
    /// OSCAL XML.
    Xml,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 3] = [Format::Json, Format::Xml, Format::Yaml];

    /// The format's name in lower case (`json`, `yaml`, `xml`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Yaml => "yaml",
            Format::Xml => "xml",
        }
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        self.name()
    }

    /// The format a file name's extension says, if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            "xml" => Some(Format::Xml),
            _ => None,
        }
    }

    /// Guesses the format from the first significant character: `{` JSON, `<` XML, else YAML
    /// when it looks like a mapping.
    pub fn sniff(text: &str) -> Option<Format> {
        let t = text.trim_start_matches('\u{feff}').trim_start();
        match t.chars().next()? {
            '{' | '[' => Some(Format::Json),
            '<' => Some(Format::Xml),
            _ if t.starts_with("---") || t.starts_with('#') || t.starts_with('%') => {
                Some(Format::Yaml)
            }
            _ if t.lines().next().is_some_and(|l| l.contains(':')) => Some(Format::Yaml),
            _ => None,
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "json" => Ok(Format::Json),
            "yaml" | "yml" => Ok(Format::Yaml),
            "xml" => Ok(Format::Xml),
            other => Err(format!(
                "unknown format `{other}` (expected json, yaml or xml)"
            )),
        }
    }
}
