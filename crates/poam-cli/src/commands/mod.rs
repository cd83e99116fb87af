pub mod convert;
pub mod diff;
pub mod merge;
pub mod validate;
