//! FedRAMP's vocabulary and rules for POA&Ms, written once (namespace, prop names and values,
//! roles, risk ratings and their timeframes), and [`set_document_facts`]: the marking and
//! FedRAMP version a workbook or a scan cannot say.

pub use poam_fedramp::{
    RiskRating, deadline, is_overdue, namespace, prop_value, props, roles, set_document_facts,
    values,
};
