//! `poam validate`: not implemented yet.

use crate::args::ValidateArgs;
use crate::exit;

pub fn run(_a: &ValidateArgs) -> u8 {
    eprintln!("error: `poam validate` is not implemented yet");
    exit::TROUBLE
}
