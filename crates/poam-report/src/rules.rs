//! FedRAMP's rules the report judges by, from `poam-fedramp` (the rules `poam validate
//! --profile fedramp` uses): ratings and their timeframes, the deadline with a KEV due date,
//! the overdue rule and the 30-day vendor check-in. Nothing here is a rule of the report's own.

pub(crate) use poam_fedramp::{
    RiskRating, VENDOR_CHECK_IN_DAYS, deadline, is_overdue,
    is_vendor_dependency_open as is_vendor_active, props,
};
