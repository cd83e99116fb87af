//! `poam diff`: not implemented yet.

use crate::args::DiffArgs;
use crate::exit;

pub fn run(_a: &DiffArgs) -> u8 {
    eprintln!("error: `poam diff` is not implemented yet");
    exit::TROUBLE
}
