//! Reads NIST metaschema modules into a small intermediate representation.
//!
//! Only what the POA&M needs is modelled: global and inline definitions of flags, fields and
//! assemblies, their models (with `choice`), `group-as`, `use-name`, `json-value-key` and
//! `in-xml`. Constraints are kept raw for the validator generator.

use std::collections::BTreeMap;
use std::path::Path;

pub const NS: &str = "http://csrc.nist.gov/ns/oscal/metaschema/1.0";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Assembly,
    Field,
}

/// A reference to a definition: global by name, or inline (index into `Model::inline`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DefRef {
    Global(Kind2, String),
    Inline(usize),
}

/// `Kind` with an ordering, for use in map keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind2 {
    Assembly,
    Field,
}

#[derive(Debug, Clone)]
pub struct FlagInst {
    /// Name in JSON and XML (the flag's name, or its ref).
    pub name: String,
    pub as_type: String,
    pub required: bool,
    pub formal_name: String,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct GroupAs {
    pub name: String,
    /// `GROUPED` wraps the items in an element named after the group in XML.
    pub xml_grouped: bool,
}

#[derive(Debug, Clone)]
pub struct ModelItem {
    /// Assembly or field.
    #[allow(
        dead_code,
        reason = "the emitters read the definition's kind; the IR keeps what the metaschema says"
    )]
    pub kind: Kind,
    /// The element / property name of one item: the instance's use-name, else the
    /// definition's use-name (e.g. `property` is `prop`), else the definition's name.
    pub use_name: String,
    /// Whether the instance itself gave a `use-name` (it overrides the definition's).
    pub instance_use_name: bool,
    pub target: DefRef,
    pub min: u32,
    /// `None` = unbounded.
    pub max: Option<u32>,
    pub group_as: Option<GroupAs>,
    /// For fields: false when `in-xml="UNWRAPPED"` (markup-multiline only).
    pub xml_wrapped: bool,
    /// Items of one `<choice>` share a choice number.
    pub choice: Option<usize>,
}

impl ModelItem {
    pub fn is_many(&self) -> bool {
        self.max != Some(1)
    }
    /// The JSON property name: the group name for repeated items.
    pub fn json_name(&self) -> &str {
        match (&self.group_as, self.is_many()) {
            (Some(g), true) => &g.name,
            _ => &self.use_name,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Definition {
    pub kind: Kind,
    pub name: String,
    pub formal_name: String,
    pub description: String,
    /// The document root's name (only the POA&M's definition has one).
    #[allow(
        dead_code,
        reason = "the emitters know the root; the IR keeps what the metaschema says"
    )]
    pub root_name: Option<String>,
    /// A `use-name` on the definition itself: the name of its instances unless they rename it.
    pub use_name: Option<String>,
    pub flags: Vec<FlagInst>,
    /// Assemblies only.
    pub model: Vec<ModelItem>,
    /// Fields only: the value's datatype.
    pub as_type: String,
    /// Fields with flags: the JSON property holding the value.
    pub json_value_key: Option<String>,
    /// `json-key`: the flag that keys a JSON object of these (not supported; checked on use).
    pub json_key: Option<String>,
    /// The module that defines it (file stem).
    pub module: String,
}

#[derive(Debug, Default)]
pub struct Model {
    pub globals: BTreeMap<(Kind2, String), Definition>,
    pub global_flags: BTreeMap<String, (String, String, String)>,
    pub inline: Vec<Definition>,
    pub version: String,
}

impl Model {
    pub fn def(&self, r: &DefRef) -> &Definition {
        match r {
            DefRef::Global(k, n) => &self.globals[&(*k, n.clone())],
            DefRef::Inline(i) => &self.inline[*i],
        }
    }
}

fn kind2(k: Kind) -> Kind2 {
    match k {
        Kind::Assembly => Kind2::Assembly,
        Kind::Field => Kind2::Field,
    }
}

fn is(n: &roxmltree::Node, name: &str) -> bool {
    n.is_element() && n.tag_name().name() == name && n.tag_name().namespace() == Some(NS)
}

fn child<'a, 'i>(n: &roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children().find(|c| is(c, name))
}

fn text_of(n: Option<roxmltree::Node>) -> String {
    n.map(|n| {
        n.descendants()
            .filter(roxmltree::Node::is_text)
            .filter_map(|d| d.text())
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    })
    .unwrap_or_default()
}

fn occurs(n: &roxmltree::Node, attr: &str, default: Option<u32>) -> Result<Option<u32>, String> {
    match n.attribute(attr) {
        None => Ok(default),
        Some("unbounded") => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|e| format!("bad {attr}={v}: {e}")),
    }
}

/// Loads the POA&M module and everything it imports from `dir`.
pub fn load(dir: &Path, root_module: &str) -> Result<Model, String> {
    let mut model = Model::default();
    let mut seen = Vec::new();
    let mut docs = Vec::new();
    let mut queue = vec![dir.join(root_module)];
    while let Some(path) = queue.pop() {
        if seen.contains(&path) {
            continue;
        }
        seen.push(path.clone());
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let text = strip_external_entities(&text);
        let doc = roxmltree::Document::parse_with_options(&text, opts())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        for imp in doc.root_element().children().filter(|c| is(c, "import")) {
            if let Some(h) = imp.attribute("href") {
                queue.push(dir.join(h));
            }
        }
        if model.version.is_empty() {
            model.version = text_of(child(&doc.root_element(), "schema-version"));
        }
        docs.push((path, text));
    }
    // Global flags first: fields and assemblies refer to them.
    for (path, text) in &docs {
        let doc =
            roxmltree::Document::parse_with_options(text, opts()).map_err(|e| e.to_string())?;
        for d in doc
            .root_element()
            .children()
            .filter(|c| is(c, "define-flag"))
        {
            let name = d.attribute("name").ok_or("flag without name")?.to_owned();
            let as_type = d.attribute("as-type").unwrap_or("string").to_owned();
            model.global_flags.insert(
                name,
                (
                    as_type,
                    text_of(child(&d, "formal-name")),
                    text_of(child(&d, "description")),
                ),
            );
        }
        let _ = path;
    }
    for (path, text) in &docs {
        let module = module_name(path);
        let doc =
            roxmltree::Document::parse_with_options(text, opts()).map_err(|e| e.to_string())?;
        for d in doc.root_element().children() {
            let kind = if is(&d, "define-assembly") {
                Kind::Assembly
            } else if is(&d, "define-field") {
                Kind::Field
            } else {
                continue;
            };
            let def = read_definition(&mut model, &d, kind, &module)?;
            model.globals.insert((kind2(kind), def.name.clone()), def);
        }
    }
    apply_definition_use_names(&mut model);
    Ok(model)
}

/// A reference to a global definition takes the definition's own `use-name` unless the
/// instance gives one (`<assembly ref="property"/>` is the element `prop`). Inline
/// definitions read theirs directly, as their name is the instance's name.
fn apply_definition_use_names(model: &mut Model) {
    let renamed: BTreeMap<(Kind2, String), String> = model
        .globals
        .iter()
        .filter_map(|(k, d)| d.use_name.clone().map(|u| (k.clone(), u)))
        .collect();
    let fix = |items: &mut Vec<ModelItem>| {
        for item in items.iter_mut() {
            if let (DefRef::Global(k, n), false) = (&item.target, item.instance_use_name)
                && let Some(u) = renamed.get(&(*k, n.clone()))
            {
                item.use_name.clone_from(u);
            }
        }
    };
    for d in model.globals.values_mut() {
        fix(&mut d.model);
    }
    for d in &mut model.inline {
        fix(&mut d.model);
    }
}

fn module_name(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_owned()
}

fn read_definition(
    model: &mut Model,
    d: &roxmltree::Node,
    kind: Kind,
    module: &str,
) -> Result<Definition, String> {
    let name = d
        .attribute("name")
        .ok_or("definition without name")?
        .to_owned();
    let mut def = Definition {
        kind,
        name: name.clone(),
        formal_name: text_of(child(d, "formal-name")),
        description: text_of(child(d, "description")),
        root_name: child(d, "root-name").map(|n| text_of(Some(n))),
        use_name: child(d, "use-name").map(|n| text_of(Some(n))),
        flags: Vec::new(),
        model: Vec::new(),
        as_type: d.attribute("as-type").unwrap_or("string").to_owned(),
        json_value_key: None,
        json_key: None,
        module: module.to_owned(),
    };
    if let Some(k) = child(d, "json-value-key") {
        if k.attribute("flag-name").is_some() {
            return Err(format!(
                "{name}: json-value-key with flag-name is not supported"
            ));
        }
        def.json_value_key = Some(text_of(Some(k)));
    }
    def.json_key = child(d, "json-key").and_then(|k| k.attribute("flag-name").map(str::to_owned));
    for f in d.children() {
        if is(&f, "define-flag") {
            def.flags.push(FlagInst {
                name: f.attribute("name").ok_or("flag without name")?.to_owned(),
                as_type: f.attribute("as-type").unwrap_or("string").to_owned(),
                required: f.attribute("required") == Some("yes"),
                formal_name: text_of(child(&f, "formal-name")),
                description: text_of(child(&f, "description")),
            });
        } else if is(&f, "flag") {
            let r = f.attribute("ref").ok_or("flag without ref")?;
            let (as_type, formal, desc) = model
                .global_flags
                .get(r)
                .cloned()
                .ok_or_else(|| format!("unknown flag {r}"))?;
            let name = child(&f, "use-name").map_or_else(|| r.to_owned(), |n| text_of(Some(n)));
            def.flags.push(FlagInst {
                name,
                as_type,
                required: f.attribute("required") == Some("yes"),
                formal_name: formal,
                description: desc,
            });
        }
    }
    if let Some(m) = child(d, "model") {
        let mut choice = 0;
        read_model(model, &m, &mut def, None, &mut choice, module)?;
    }
    Ok(def)
}

fn read_model(
    model: &mut Model,
    m: &roxmltree::Node,
    def: &mut Definition,
    choice: Option<usize>,
    next_choice: &mut usize,
    module: &str,
) -> Result<(), String> {
    for item in m.children().filter(roxmltree::Node::is_element) {
        let tag = item.tag_name().name();
        let (kind, target) = match tag {
            "choice" => {
                *next_choice += 1;
                let c = *next_choice;
                read_model(model, &item, def, Some(c), next_choice, module)?;
                continue;
            }
            "assembly" | "field" => {
                let kind = if tag == "assembly" {
                    Kind::Assembly
                } else {
                    Kind::Field
                };
                let r = item.attribute("ref").ok_or("model item without ref")?;
                (kind, DefRef::Global(kind2(kind), r.to_owned()))
            }
            "define-assembly" | "define-field" => {
                let kind = if tag == "define-assembly" {
                    Kind::Assembly
                } else {
                    Kind::Field
                };
                let inner = read_definition(model, &item, kind, module)?;
                model.inline.push(inner);
                (kind, DefRef::Inline(model.inline.len() - 1))
            }
            "any" => return Err(format!("{}: <any/> is not supported", def.name)),
            _ => continue, // formal-name, description, remarks ...
        };
        let instance_use_name = child(&item, "use-name").map(|n| text_of(Some(n)));
        let explicit = instance_use_name.is_some();
        let use_name = instance_use_name
            .or_else(|| item.attribute("ref").map(str::to_owned))
            .or_else(|| item.attribute("name").map(str::to_owned))
            .ok_or("model item without a name")?;
        let group_as = child(&item, "group-as").map(|g| GroupAs {
            name: g.attribute("name").unwrap_or_default().to_owned(),
            xml_grouped: g.attribute("in-xml") == Some("GROUPED"),
        });
        if let Some(g) = child(&item, "group-as")
            && let Some(j) = g.attribute("in-json")
            && j != "ARRAY"
        {
            return Err(format!(
                "{}: group-as in-json={j} is not supported",
                def.name
            ));
        }
        def.model.push(ModelItem {
            kind,
            use_name,
            instance_use_name: explicit,
            target,
            min: occurs(&item, "min-occurs", Some(0))?.unwrap_or(0),
            max: occurs(&item, "max-occurs", Some(1))?,
            group_as,
            xml_wrapped: item.attribute("in-xml") != Some("UNWRAPPED"),
            choice,
        });
    }
    Ok(())
}

/// NIST's modules carry a DOCTYPE declaring entities; they are trusted project inputs.
fn opts<'a>() -> roxmltree::ParsingOptions<'a> {
    roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    }
}

/// NIST's modules pull some shared allowed-values lists in through external entities
/// (`shared-constraints/*.ent`) that are not part of the published module set we read.
/// They only add constraints, never model structure, so the references are dropped.
pub(super) fn strip_external_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    if let (Some(a), Some(b)) = (rest.find("<!DOCTYPE"), rest.find("]>")) {
        out.push_str(&rest[..a]);
        rest = &rest[b + 2..];
    }
    while let Some(i) = rest.find("&allowed-values-") {
        out.push_str(&rest[..i]);
        match rest[i..].find(';') {
            Some(j) => rest = &rest[i + j + 1..],
            None => break,
        }
    }
    out.push_str(rest);
    out
}
