//! `poam merge`: not implemented yet.

use crate::args::MergeArgs;
use crate::exit;

pub fn run(_a: &MergeArgs) -> u8 {
    eprintln!("error: `poam merge` is not implemented yet");
    exit::TROUBLE
}
