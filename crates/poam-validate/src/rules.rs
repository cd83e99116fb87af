//! The rule registry: every diagnostic `poam validate` can report, with its stable id.

use serde::Serialize;

/// How serious a diagnostic is. Errors make a document invalid (exit 1); warnings and
/// notes do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The document is invalid.
    Error,
    /// Probably wrong, or against a recommendation; the document stays valid.
    Warning,
    /// Worth knowing; nothing to fix.
    Info,
}

impl Severity {
    /// The severity in lower case, as reports write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which rule set a rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// OSCAL itself: always checked.
    Oscal,
    /// FedRAMP's POA&M rules: checked with `--profile fedramp`.
    Fedramp,
}

/// A rule: its stable kebab-case id, default severity, one-line summary and help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    /// The stable kebab-case id.
    pub id: &'static str,
    /// The severity its diagnostics have (constraint families take the constraint's level
    /// when it declares one, e.g. a metaschema `expect` at level WARNING).
    pub severity: Severity,
    /// What the rule checks, in one line.
    pub summary: &'static str,
    /// How to fix what it reports.
    pub help: &'static str,
    /// The profile that runs it (OSCAL or FedRAMP).
    pub profile: Profile,
}

macro_rules! rules {
    ($( $(#[$m:meta])* $name:ident = ($id:literal, $sev:ident, $profile:ident, $summary:literal, $help:literal); )*) => {
        $(
            $(#[$m])*
            pub(crate) static $name: RuleInfo = RuleInfo {
                id: $id,
                severity: Severity::$sev,
                summary: $summary,
                help: $help,
                profile: Profile::$profile,
            };
        )*
        /// Every rule, in a stable order (OSCAL rules first, then FedRAMP's).
        pub(crate) static ALL: &[&RuleInfo] = &[$( &$name ),*];
    };
}

rules! {
    // ---- OSCAL: structure and datatypes -------------------------------------------------
    STRUCTURE = ("oscal-structure", Error, Oscal,
        "The document does not have the shape of an OSCAL POA&M",
        "Compare the member with the OSCAL POA&M JSON format: https://pages.nist.gov/OSCAL-Reference/models/latest/plan-of-action-and-milestones/json-reference/");
    UNKNOWN_MEMBER = ("oscal-unknown-member", Error, Oscal,
        "A member that OSCAL does not define at this place",
        "Remove the member or fix its spelling; OSCAL objects have a closed set of members. Extra information belongs in a `props` entry with your own `ns`.");
    MISSING_MEMBER = ("oscal-missing-member", Error, Oscal,
        "A required member is missing",
        "Add the member; OSCAL requires it in every supported version.");
    WRONG_TYPE = ("oscal-wrong-type", Error, Oscal,
        "A member has the wrong JSON type (object, array, string or number)",
        "Repeated members are arrays, objects are objects, and every scalar is a string except integers.");
    EMPTY_ARRAY = ("oscal-empty-array", Error, Oscal,
        "An array with fewer items than OSCAL requires (at least one)",
        "Remove the empty array or add the items; OSCAL JSON never has empty arrays.");
    CHOICE = ("oscal-choice", Error, Oscal,
        "Members that exclude each other appear together, or none of a required set appears",
        "Keep exactly one of the alternatives (e.g. a timing has one of `on-date`, `within-date-range`, `at-frequency`).");
    DATATYPE = ("oscal-datatype", Error, Oscal,
        "A value breaks the syntax of its datatype (UUID, token, date-time, URI, ...)",
        "Write the value in its datatype's syntax: UUIDs version 4 or 5, date-times with a time zone (2024-06-12T09:00:00-04:00), tokens without spaces, strings without leading or trailing whitespace.");
    EMPTY_MARKUP = ("oscal-empty-markup", Warning, Oscal,
        "An empty description, remarks or other multiline markup: valid OSCAL, but it says nothing (OSCAL XML holds it as one empty paragraph, `<p/>`)",
        "Write the text the member is there for. poam reads `\"\"`, `<p/>` and an empty element as the same empty markup and writes each format's valid form of it.");
    // ---- OSCAL: metaschema constraints ----------------------------------------------------
    ALLOWED_VALUES = ("oscal-allowed-values", Error, Oscal,
        "A value outside a closed list of allowed values of the OSCAL metaschema",
        "Use one of the listed values; this list admits no others (allow-other=\"no\").");
    ALLOWED_VALUES_OPEN = ("oscal-allowed-values-open", Warning, Oscal,
        "A value outside the values OSCAL defines for this place (others are allowed)",
        "Check the spelling; if the value is your own, consider putting it in your own namespace.");
    MATCHES = ("oscal-matches", Error, Oscal,
        "A value does not match the pattern or datatype a metaschema constraint requires (error, or the level the constraint declares)",
        "Write the value in the required form.");
    IS_UNIQUE = ("oscal-is-unique", Error, Oscal,
        "Two items that the metaschema requires to be unique share their key",
        "Remove the duplicate or merge the two entries.");
    HAS_CARDINALITY = ("oscal-has-cardinality", Error, Oscal,
        "Too few or too many of something the metaschema counts (error, or the level the constraint declares)",
        "Add or remove entries to reach the required number.");
    EXPECT = ("oscal-expect", Error, Oscal,
        "An expectation of the OSCAL metaschema does not hold (error, or the level the constraint declares)",
        "See the message; the constraint id names the metaschema rule.");
    // ---- OSCAL: references and identity ----------------------------------------------------
    DUPLICATE_UUID = ("oscal-duplicate-uuid", Error, Oscal,
        "The same UUID identifies two things in one document",
        "Give each object its own UUID (`uuidgen`); a UUID names exactly one thing.");
    DUPLICATE_ROLE_ID = ("oscal-duplicate-role-id", Error, Oscal,
        "Two roles in metadata have the same id",
        "Role ids must be unique within the document's metadata.");
    REFERENCE = ("oscal-reference", Error, Oscal,
        "A reference (UUID, role id or `#uuid` link) that nothing in the document resolves",
        "Point the reference at an object that exists, or add the object. Parties, roles, locations, components, inventory items, users and resources may also come from the imported SSP (`--ssp FILE`).");
    REFERENCE_SSP = ("oscal-reference-ssp", Warning, Oscal,
        "A reference that only the imported SSP could resolve, and the SSP was not given",
        "Run again with `--ssp FILE` to check the reference against the system security plan the POA&M imports.");
    REFERENCE_ASSESSMENT = ("oscal-reference-assessment", Warning, Oscal,
        "A reference to an assessment task, activity or platform, which a POA&M neither contains nor imports",
        "Such references point into the assessment plan or results the observation came from; they cannot be checked here.");
    CHECKS_SKIPPED = ("oscal-checks-skipped", Info, Oscal,
        "Reference and FedRAMP checks did not run because the document could not be read into the model",
        "Fix the structural errors reported for this file and validate again.");
    UNREADABLE = ("unreadable", Error, Oscal,
        "The file could not be read at all: not UTF-8, not well-formed JSON, YAML or XML (a key given twice included), empty, or nested too deeply (exit 2; nothing else is checked)",
        "Fix the syntax error at the place shown (or give the format with --from); the other checks run once the file can be read.");
    WORKBOOK_CELL = ("workbook-cell", Warning, Oscal,
        "A FedRAMP workbook cell poam could not fully read (its text is kept as written in the OSCAL)",
        "Correct the cell: a date in a date column, a value from the column's list, the POAM ID filled in. The code in brackets says what was wrong.");
    // ---- JSON Schema ---------------------------------------------------------------------
    JSON_SCHEMA = ("json-schema", Error, Oscal,
        "The JSON form of the document fails the JSON Schema given with `--schema`",
        "The message is the JSON Schema validator's; the location is the value it rejected.");
    // ---- FedRAMP: import of the SSP (retired Schematron, rev5-poam.sch) ---------------------
    FR_IMPORT_SSP = ("fedramp-import-ssp", Error, Fedramp,
        "The POA&M does not import its system security plan (no `import-ssp`)",
        "Add `import-ssp` with the SSP's location (Guide to OSCAL-based FedRAMP POA&M §3.5).");
    FR_SSP_RESOURCE = ("fedramp-ssp-resource", Error, Fedramp,
        "`import-ssp` points into back-matter, but no back-matter resource is typed `system-security-plan`",
        "Add a prop `type` = `system-security-plan` (FedRAMP namespace) to the resource `import-ssp` points at (Guide §3.5).");
    FR_SSP_RLINK = ("fedramp-ssp-rlink", Error, Fedramp,
        "A `system-security-plan` resource must have exactly one rlink, of media type text/xml or application/json, and no base64",
        "Give the SSP resource one `rlinks` entry with `media-type` `application/json` or `text/xml` (Guide §3.5).");
    FR_NO_OSCAL_SSP = ("fedramp-no-oscal-ssp", Warning, Fedramp,
        "The POA&M declares that no OSCAL SSP exists (`no-oscal-ssp` resource)",
        "FedRAMP accepts this only for systems without an OSCAL SSP; references into the SSP cannot be checked.");
    // ---- FedRAMP: POA&M items and risks ------------------------------------------------
    FR_ITEM_RISK = ("fedramp-item-risk", Error, Fedramp,
        "A POA&M item has no associated risk",
        "Link the item to its risk with `related-risks` (Guide §4.2.1).");
    FR_ITEM_ONE_RISK = ("fedramp-item-one-risk", Warning, Fedramp,
        "A POA&M item has more than one associated risk",
        "FedRAMP expects exactly one risk per POA&M item; split the item (Guide §4.2.1).");
    FR_ITEM_OBSERVATION = ("fedramp-item-observation", Error, Fedramp,
        "A POA&M item has no related observation",
        "Link the item to the observation that detected the weakness with `related-observations` (Guide §4.2.1).");
    FR_POAM_ID = ("fedramp-poam-id", Error, Fedramp,
        "A POA&M item lacks its FedRAMP `POAM-ID` property, or has more than one",
        "Add one prop `POAM-ID` in the FedRAMP namespace (the workbook's column A).");
    FR_RISK_DEADLINE = ("fedramp-risk-deadline", Error, Fedramp,
        "A risk of a POA&M item has no deadline (scheduled completion date)",
        "Add `deadline` to the risk (the workbook's column L).");
    FR_RISK_RECOMMENDATION = ("fedramp-risk-recommendation", Error, Fedramp,
        "A risk of a POA&M item has no response with lifecycle `recommendation`",
        "Add a remediation with `lifecycle` `recommendation` (the tool's or assessor's advice, Guide §4.3).");
    FR_RISK_PLANNED = ("fedramp-risk-planned-response", Error, Fedramp,
        "A risk of a POA&M item has no response with lifecycle `planned`",
        "Add a remediation with `lifecycle` `planned` (the overall remediation plan, Guide §4.3).");
    FR_RISK_MILESTONE = ("fedramp-risk-milestone", Error, Fedramp,
        "A risk of a POA&M item has no milestone task",
        "Add a task of type `milestone` to a remediation (the workbook's planned milestones).");
    FR_RISK_IMPACT = ("fedramp-risk-impact", Error, Fedramp,
        "A risk of a POA&M item has no `impact` characterization facet",
        "Add a characterization with facets `likelihood` and `impact` in the FedRAMP system.");
    FR_RISK_TIMELY = ("fedramp-risk-deadline-timely", Error, Fedramp,
        "A risk's deadline is later than FedRAMP allows after detection: 30 days (high), 90 (moderate), 180 (low), or the KEV due date when earlier",
        "Bring the deadline forward, or record an approved deviation. Detection is the related observations' `collected` date; open vendor dependencies and approved operational requirements or false positives are exempt.");
    FR_RISK_OVERDUE = ("fedramp-risk-overdue", Warning, Fedramp,
        "An open risk's deadline has passed (relative to --as-of)",
        "Remediate, update the deadline with a risk-log entry, or close the risk.");
    FR_IMPACTED_CONTROL = ("fedramp-impacted-control", Error, Fedramp,
        "A risk of a POA&M item names no impacted control",
        "Add at least one prop `impacted-control-id` (FedRAMP namespace) with a control id such as `ac-2` (the workbook's column B).");
    FR_PROP_VALUE = ("fedramp-prop-value", Error, Fedramp,
        "A FedRAMP property or facet has a value FedRAMP does not define",
        "Use one of the values FedRAMP lists for the property (see the message).");
    FR_MILESTONE_DESCRIPTION = ("fedramp-milestone-description", Error, Fedramp,
        "A milestone task has no description",
        "Describe the milestone (Guide §4.3.1).");
    FR_MILESTONE_TIMING = ("fedramp-milestone-timing", Error, Fedramp,
        "A milestone task has no timing (on-date or within-date-range)",
        "Give the milestone a `timing` with `on-date` or `within-date-range` (Guide §4.3.1).");
    FR_DATE_RANGE = ("fedramp-date-range-order", Error, Fedramp,
        "A within-date-range starts after it ends",
        "Swap or correct the start and end.");
    FR_RISK_LOG_TITLE = ("fedramp-risk-log-entry-title", Error, Fedramp,
        "A risk-log entry has no title",
        "Give every risk-log entry a title (Guide §4.4).");
    FR_CLOSED_RISK_LOG = ("fedramp-closed-risk-log", Error, Fedramp,
        "A closed risk has no risk-log entry that records the closure",
        "Add a risk-log entry with `status-change` `closed` (the workbook's Closed sheet, Guide §4.4).");
    FR_VENDOR_CHECKIN = ("fedramp-vendor-check-in", Error, Fedramp,
        "An open vendor dependency has no vendor check-in within the last 30 days (relative to --as-of)",
        "Record the latest check-in as a risk-log entry titled `Vendor Check-in` (the workbook's column Q).");
    FR_NAMESPACE_MIXED = ("fedramp-namespace-mixed", Warning, Fedramp,
        "The document uses both http:// and https:// forms of the FedRAMP namespace",
        "Use one form throughout (`http://fedramp.gov/ns/oscal` per ADR 0011, or the `https://` form of the published templates).");
    // ---- FedRAMP: external constraints (fedramp/constraints/*.xml) -------------------------
    FR_ALLOWED_VALUES = ("fedramp-allowed-values", Error, Fedramp,
        "A value outside a closed list of FedRAMP's allowed values",
        "Use one of the listed values (FedRAMP's fedramp-external-allowed-values.xml).");
    FR_ALLOWED_VALUES_OPEN = ("fedramp-allowed-values-open", Warning, Fedramp,
        "A value outside the values FedRAMP lists for this place (others are allowed)",
        "Check the value against FedRAMP's list.");
    FR_VERSION = ("fedramp-version", Error, Fedramp,
        "metadata lacks the FedRAMP version property (`fedramp-version`)",
        "Add prop `fedramp-version` in the FedRAMP namespace to metadata.");
    FR_PUBLISHED = ("fedramp-has-published-date", Error, Fedramp,
        "metadata lacks `published`",
        "Add the publication date to metadata.");
    FR_MARKING = ("fedramp-marking", Error, Fedramp,
        "metadata lacks a `marking` property (data classification)",
        "Add prop `marking` to metadata; FedRAMP defines the value `cui` (Controlled Unclassified Information).");
    FR_PARTY_NAME = ("fedramp-party-has-name", Error, Fedramp,
        "A party has no name",
        "Give every party in metadata a `name`.");
}

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static RuleInfo> {
    ALL.iter().copied().find(|r| r.id == id)
}
