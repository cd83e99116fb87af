//! The shape of the XML format as data: which elements and attributes each type has and the
//! JSON member each maps to. The generated `TYPES` table fills it; the position finders in
//! `locate.rs` walk it (the reader and writer are generated code and do not need it).

/// One model type (an assembly, or a field with flags).
#[derive(Debug)]
pub(crate) struct TypeInfo {
    /// The metaschema definition name, e.g. `poam-item`.
    #[allow(dead_code)]
    pub name: &'static str,
    /// Flag names: attribute names in XML, member names in JSON.
    pub flags: &'static [&'static str],
    /// For a field with flags: the JSON member that holds the element's text.
    pub value_key: Option<&'static str>,
    /// Child elements in metaschema order.
    pub children: &'static [ChildInfo],
}

/// One model item of a type: a child element (or a group of them).
#[derive(Debug)]
pub(crate) struct ChildInfo {
    /// The element name of one item.
    pub element: &'static str,
    /// The JSON member name (the group name for repeated items).
    pub json: &'static str,
    /// Repeated: a JSON array.
    pub many: bool,
    /// `GROUPED` in XML: the items sit inside one wrapper element of this name.
    pub group: Option<&'static str>,
    pub target: Target,
}

/// What a child element holds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target {
    /// A type of its own: an index into `TYPES`.
    Type(usize),
    /// Text or markup: nothing below it has a JSON pointer of its own.
    Leaf,
}
