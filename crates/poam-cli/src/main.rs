//! The `poam` command.
#![allow(clippy::print_stdout, clippy::print_stderr)]
// printing is this crate's job
// A binary exports nothing: `pub` here marks a module's interface to the rest of the program,
// which is what `unreachable_pub` (meant for the libraries' API) would have us spell `pub(crate)`.
#![allow(unreachable_pub)]

mod args;
mod commands;
mod config;
mod error;
mod input;
mod output;
mod progress;
mod report;
mod ssp;
mod submission;

use std::process::ExitCode;

use clap::Parser;

/// Documented exit codes (README's "Exit codes"); [`error::Error::exit_code`] maps every
/// error to one of them.
pub mod exit {
    /// Success: valid, no differences, the output was written.
    pub const OK: u8 = 0;
    /// The answer is "no": validation errors, differences.
    pub const FOUND: u8 = 1;
    /// Trouble: unreadable input, bad arguments; nothing was written.
    pub const TROUBLE: u8 = 2;
}

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::TROUBLE
            } else {
                exit::OK
            });
        }
    };
    let outcome = match cli.command {
        args::Command::Convert(a) => commands::convert::run(&a),
        args::Command::Validate(a) => commands::validate::run(&a),
        args::Command::Diff(a) => commands::diff::run(&a),
        args::Command::Merge(a) => commands::merge::run(&a),
        args::Command::Import(a) => commands::import::run(&a),
        args::Command::Report(a) => commands::report::run(&a),
    };
    // The one place an error becomes lines on stderr and an exit code.
    ExitCode::from(outcome.unwrap_or_else(|e| {
        e.print();
        e.exit_code()
    }))
}
