//! FedRAMP's vocabulary and rules for POA&Ms, written once (namespace, prop names and values,
//! roles, risk ratings and their timeframes, where an item's FedRAMP facts sit in OSCAL), and
//! [`set_document_facts`]: the marking and FedRAMP version a workbook or a scan cannot say.

pub use poam_fedramp::{
    RiskRating, deadline, is_overdue, item, namespace, prop_value, props, risk_status, roles,
    set_document_facts, values,
};
