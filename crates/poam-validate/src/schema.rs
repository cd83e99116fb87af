//! The types of the generated tables ([`crate::generated`]): definitions (the model's shape
//! in OSCAL JSON) and constraints with their targets compiled to JSON member names.

/// A metaschema datatype of a scalar value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Datatype {
    String,
    Token,
    Uuid,
    Uri,
    UriReference,
    DateTimeWithTimezone,
    DateWithTimezone,
    Date,
    DateTime,
    IpV4Address,
    IpV6Address,
    EmailAddress,
    Base64,
    Integer,
    NonNegativeInteger,
    PositiveInteger,
    MarkupLine,
    MarkupMultiline,
}

impl Datatype {
    /// The metaschema name, e.g. `date-time-with-timezone`.
    pub fn name(self) -> &'static str {
        match self {
            Datatype::String => "string",
            Datatype::Token => "token",
            Datatype::Uuid => "uuid",
            Datatype::Uri => "uri",
            Datatype::UriReference => "uri-reference",
            Datatype::DateTimeWithTimezone => "date-time-with-timezone",
            Datatype::DateWithTimezone => "date-with-timezone",
            Datatype::Date => "date",
            Datatype::DateTime => "date-time",
            Datatype::IpV4Address => "ip-v4-address",
            Datatype::IpV6Address => "ip-v6-address",
            Datatype::EmailAddress => "email-address",
            Datatype::Base64 => "base64",
            Datatype::Integer => "integer",
            Datatype::NonNegativeInteger => "non-negative-integer",
            Datatype::PositiveInteger => "positive-integer",
            Datatype::MarkupLine => "markup-line",
            Datatype::MarkupMultiline => "markup-multiline",
        }
    }

    /// Every datatype, in declaration order.
    pub const ALL: [Datatype; 18] = [
        Datatype::String,
        Datatype::Token,
        Datatype::Uuid,
        Datatype::Uri,
        Datatype::UriReference,
        Datatype::DateTimeWithTimezone,
        Datatype::DateWithTimezone,
        Datatype::Date,
        Datatype::DateTime,
        Datatype::IpV4Address,
        Datatype::IpV6Address,
        Datatype::EmailAddress,
        Datatype::Base64,
        Datatype::Integer,
        Datatype::NonNegativeInteger,
        Datatype::PositiveInteger,
        Datatype::MarkupLine,
        Datatype::MarkupMultiline,
    ];

    /// The datatype of a metaschema name ([`name`](Self::name) read back).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.name() == name)
    }

    /// Integers are JSON numbers; everything else is a JSON string.
    pub fn is_integer(self) -> bool {
        matches!(
            self,
            Datatype::Integer | Datatype::NonNegativeInteger | Datatype::PositiveInteger
        )
    }
}

/// What a definition is in OSCAL JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefKind {
    /// An object of flags and members.
    Assembly,
    /// An object of flags and a value member ([`Def::value_key`]).
    FieldWithFlags,
    /// A bare scalar (a field without flags).
    Scalar,
}

/// A flag: a scalar member of an object.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    pub name: &'static str,
    pub datatype: Datatype,
    pub required: bool,
}

/// A model member of an assembly.
#[derive(Debug, Clone, Copy)]
pub struct Member {
    /// The JSON member name (the group name for repeated members).
    pub key: &'static str,
    /// Index into [`crate::generated::DEFS`].
    pub def: u16,
    pub min: u32,
    /// A JSON array.
    pub many: bool,
    /// Required in every supported OSCAL version.
    pub required: bool,
    /// Members sharing a non-zero choice number are alternatives: at most one may appear.
    pub choice: u8,
}

/// A definition (assembly, or field) reachable from the POA&M root.
#[derive(Debug, Clone, Copy)]
pub struct Def {
    /// Its metaschema name.
    pub name: &'static str,
    pub kind: DefKind,
    /// The value's datatype (fields only).
    pub datatype: Datatype,
    /// Fields with flags: the JSON member holding the value.
    pub value_key: Option<&'static str>,
    pub flags: &'static [Flag],
    pub members: &'static [Member],
}

/// Where a constraint comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The NIST OSCAL metaschema modules.
    Oscal,
    /// FedRAMP's external constraint files (`--profile fedramp` only).
    Fedramp,
}

/// A constraint's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Info,
}

/// One step of a compiled target path.
#[derive(Debug, Clone, Copy)]
pub enum Step {
    /// Into an object member; `many` members are arrays whose items are each a node.
    Child {
        key: &'static str,
        many: bool,
        def: u16,
    },
    /// To the value of a flag.
    Flag(&'static str),
    /// Keep the node when the predicate holds.
    Filter(&'static Pred),
}

/// A compiled path: steps from a context node.
pub type Path = &'static [Step];

/// Comparison operators of `count(...)` tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A compiled predicate or `expect` test. Path alternatives (`&[Path]`) select the union
/// of what each selects.
#[derive(Debug, Clone, Copy)]
pub enum Pred {
    And(&'static [Pred]),
    Or(&'static [Pred]),
    Not(&'static Pred),
    /// `has-oscal-namespace(...)`: the node's `ns` flag (absent = the OSCAL namespace).
    NsIn(&'static [&'static str]),
    /// Some selected value equals one of the strings.
    ValueIn(&'static [Path], &'static [&'static str]),
    /// Some selected value starts with the string.
    StartsWith(&'static [Path], &'static str),
    /// Something is selected.
    Exists(&'static [Path]),
    /// The number of selected nodes compared with a number.
    Count(&'static [Path], CmpOp, i64),
    /// Some value selected on the left compares so with some value selected on the right
    /// (as numbers when both are numbers, else as text), as XPath's general comparisons do.
    Compare(&'static [Path], CmpOp, &'static [Path]),
}

/// What a constraint requires of its target nodes.
#[derive(Debug, Clone, Copy)]
pub enum Test {
    AllowedValues {
        values: &'static [&'static str],
        allow_other: bool,
        /// False when part of the list lives in a shared-constraints file the reference set
        /// lacks: the constraint then accepts every value it targets.
        complete: bool,
    },
    Matches {
        regex: Option<&'static str>,
        datatype: Option<Datatype>,
    },
    /// Within one context node, no two targets share all key values.
    IsUnique { keys: &'static [&'static [Path]] },
    /// Within one context node, the number of targets.
    HasCardinality { min: u32, max: Option<u32> },
    Expect {
        test: &'static Pred,
        message: Option<&'static str>,
    },
}

/// A constraint declared on a definition, evaluated on every node of that definition.
#[derive(Debug, Clone, Copy)]
pub struct Constraint {
    /// The constraint's id in its source (metaschema or FedRAMP file).
    pub id: &'static str,
    /// The poam rule it reports under (for allowed-values, the closed-list rule; open lists
    /// report under the same id with `-open` appended).
    pub rule: &'static str,
    pub origin: Origin,
    /// The definition it is declared on (index into [`crate::generated::DEFS`]).
    pub def: u16,
    pub level: Level,
    /// The target as written (Metapath), for messages.
    pub target_text: &'static str,
    /// Target alternatives, relative to the context node.
    pub target: &'static [Path],
    pub test: Test,
}

/// The constraints of one source, with the index by definition the pass walks with.
#[derive(Debug)]
pub struct ConstraintTable {
    pub constraints: &'static [Constraint],
    /// For each definition (by index into [`crate::generated::DEFS`]), the constraints
    /// declared on it (indexes into `constraints`).
    pub by_def: &'static [&'static [u16]],
    /// Constraints that apply to a POA&M but are not evaluated from the table:
    /// `(constraint id, definition, reason)`.
    pub not_evaluated: &'static [(&'static str, &'static str, &'static str)],
}

/// A condition on a flag of the node holding a key.
#[derive(Debug, Clone, Copy)]
pub enum KeyCondition {
    /// The flag's value is one of these.
    FlagIn(&'static str, &'static [&'static str]),
    /// The flag's value starts with this.
    FlagStartsWith(&'static str, &'static str),
}

/// Where keys sit: a member (a flag, or a scalar field: one value or a list) of the nodes of
/// one definition.
#[derive(Debug, Clone, Copy)]
pub struct KeySite {
    /// The metaschema name of the definition of the node holding the key.
    pub owner: &'static str,
    /// The definition of that node's parent, when the constraint names it (else any).
    pub parent: Option<&'static str>,
    /// The JSON member holding the key.
    pub member: &'static str,
    /// How a key here is named in messages (`party-uuid`, `physical-location`).
    pub what: &'static str,
    /// Conditions on the node's flags, all of which must hold.
    pub when: &'static [KeyCondition],
}

/// A metaschema `index`: the keys some `index-has-key` must find.
#[derive(Debug, Clone, Copy)]
pub struct KeyIndex {
    /// The constraint's id in the metaschema.
    pub id: &'static str,
    /// The index name key references name.
    pub name: &'static str,
    /// What the index holds, in messages (`party`, `back-matter resource`).
    pub noun: &'static str,
    pub site: KeySite,
}

/// A metaschema `index-has-key`: every key at its site must be in the index.
#[derive(Debug, Clone, Copy)]
pub struct KeyRef {
    /// The constraint's id in the metaschema.
    pub id: &'static str,
    /// The name of the index the key must be in.
    pub index: &'static str,
    pub site: KeySite,
}

/// A metaschema version's indexes and key references (rule `oscal-reference`).
#[derive(Debug)]
pub struct Keys {
    pub indexes: &'static [KeyIndex],
    pub refs: &'static [KeyRef],
}

/// OSCAL's constraints as one metaschema version states them.
#[derive(Debug)]
pub struct RuleSet {
    /// The metaschema version, e.g. `1.0.4`.
    pub version: &'static str,
    pub constraints: &'static ConstraintTable,
    /// Its `index` and `index-has-key` constraints, evaluated by the reference check.
    pub keys: &'static Keys,
    /// Shared allowed-values lists its modules include through external entities
    /// (`shared-constraints/*.ent`) that the reference set lacks: the constraints using them
    /// accept whatever they target.
    pub missing_entities: &'static [&'static str],
}

impl RuleSet {
    /// The `major.minor` series of OSCAL versions this set checks (`1.0` for 1.0.4).
    pub fn series(&self) -> &'static str {
        series(self.version).unwrap_or(self.version)
    }
}

/// `major.minor` of a version string (`1.0` of `1.0.4`, of `1.0.0-rc2`, of `1.0`).
pub fn series(version: &str) -> Option<&str> {
    let version = version.trim();
    let mut dots = version.match_indices('.').map(|(i, _)| i);
    let first = dots.next()?;
    let end = dots.next().unwrap_or(version.len());
    let s = &version[..end];
    let ok = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    (ok(&s[..first]) && ok(&s[first + 1..])).then_some(s)
}
