//! Remembering cells exactly as the workbook wrote them.
//!
//! Import turns each cell into OSCAL, then asks what export would write for that OSCAL (the
//! cell's canonical form). When the two differ (`2014/05/23` where export writes a date,
//! `AC-2 (1)` where it writes `AC-2(1)`, a date of `TBD`, a blank cell where OSCAL needed a
//! placeholder), the cell's text is kept in a bookkeeping prop:
//!
//! ```json
//! { "name": "workbook-cell", "ns": "urn:poam:workbook", "class": "planned-milestones",
//!   "value": "<fingerprint of the canonical cell>", "remarks": "<the cell's text>" }
//! ```
//!
//! on the `poam-item` (item columns) or in `metadata` (header block); no `remarks` means the
//! cell was blank. Export writes the remembered text as long as the OSCAL data still gives
//! the same canonical cell (same fingerprint); once the OSCAL is edited, the cell is written
//! from the data.

use poam_model::Property;
use poam_model::datatypes::{Token, Uri};

use crate::cell::{CellValue, cells_equal, fingerprint};
use crate::markup;
use crate::oscal::WORKBOOK_NS;

/// The name of the bookkeeping prop.
pub(crate) const CELL_PROP: &str = "workbook-cell";

/// Whether a canonical cell says the same as the workbook's cell. A blank cell equals its
/// column's default (`No` for the deviation columns).
pub(crate) fn same(
    canonical: Option<&CellValue>,
    original: Option<&CellValue>,
    default: &str,
) -> bool {
    cells_equal(canonical, original)
        || (original.is_none()
            && !default.is_empty()
            && canonical.is_some_and(|c| c.as_text() == default))
}

/// Adds the prop remembering `original` under `key`.
pub(crate) fn remember(
    props: &mut Vec<Property>,
    key: &str,
    canonical: Option<&CellValue>,
    original: Option<&CellValue>,
) {
    props.push(Property {
        name: Token::new(CELL_PROP),
        uuid: None,
        ns: Some(Uri::new(WORKBOOK_NS)),
        value: fingerprint(canonical),
        class: Some(Token::new(key)),
        group: None,
        remarks: original.map(|o| markup::multiline(&o.as_text())),
    });
}

/// Whether `p` is one of poam's bookkeeping props.
pub fn is_bookkeeping(p: &Property) -> bool {
    p.name.as_str() == CELL_PROP && p.ns.as_ref().is_some_and(|n| n.as_str() == WORKBOOK_NS)
}

/// The cell to write under `key`: the remembered cell when the OSCAL still gives
/// `canonical`, else `canonical`.
pub(crate) fn choose(
    props: &[Property],
    key: &str,
    canonical: Option<CellValue>,
) -> Option<CellValue> {
    let Some(p) = props
        .iter()
        .find(|p| is_bookkeeping(p) && p.class.as_ref().is_some_and(|c| c.as_str() == key))
    else {
        return canonical;
    };
    if p.value != fingerprint(canonical.as_ref()) {
        return canonical;
    }
    p.remarks
        .as_ref()
        .and_then(|r| CellValue::text(&markup::multiline_text(r)))
}
