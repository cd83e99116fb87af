pub mod convert;
pub mod diff;
pub mod import;
pub mod merge;
pub mod report;
pub mod validate;
