//! Project automation for `poam` (the xtask pattern): `cargo xtask <command>`.
#![allow(clippy::print_stdout, clippy::print_stderr)]
// A binary exports nothing: `pub` here marks a module's interface to the rest of the program,
// which is what `unreachable_pub` (meant for the libraries' API) would have us spell `pub(crate)`.
#![allow(unreachable_pub)]

mod args;
mod bench;
mod conformance;
mod files;
mod fuzz;
mod r#gen;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser as _;
use xtask::workspace_root;

/// Project automation for `poam`: code generation, conformance, benchmarks, fuzzing.
#[derive(Debug, clap::Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The commands; `bench-inner`, `bench-one` and `fuzz-worker` are the child processes of
/// `bench` and `fuzz` (hidden: people run their parents).
#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Generate the model, the XML reader/writer, the constraint tables and the version
    /// shapes from the OSCAL metaschema.
    Codegen(CodegenArgs),
    /// Run the conformance suite against the reference files.
    Conformance(ConformanceArgs),
    /// Write a realistic FedRAMP POA&M of N items (json, yaml, xml or xlsx).
    Gen(r#gen::Options),
    /// Write a large scan (N findings over N/20 hosts, 250 distinct weaknesses) for
    /// `poam import`'s benchmarks.
    GenScan(r#gen::scan::Options),
    /// Time every pipeline against its floor (a release build; results in
    /// <target>/bench/ unless --out).
    Bench(bench::Options),
    /// `bench` in the release build.
    #[command(hide = true)]
    BenchInner(bench::Options),
    /// One operation of `bench`, in a process of its own.
    #[command(hide = true)]
    BenchOne(bench::OneArgs),
    /// Mutation-fuzz the readers, N seconds each (failing inputs saved in <target>/fuzz/
    /// unless --out), or run files through the fuzzer's checks (--check).
    Fuzz(fuzz::Options),
    /// The child process that runs `fuzz`'s inputs.
    #[command(hide = true)]
    FuzzWorker(fuzz::WorkerOptions),
}

/// Arguments of `cargo xtask codegen`.
#[derive(Debug, clap::Args)]
struct CodegenArgs {
    /// Fail if a generated file differs from what the metaschema gives, instead of writing it.
    #[arg(long)]
    check: bool,
    /// The reference folder holding `metaschema/<version>/` (default: $POAM_REFERENCE, else
    /// ../shared/reference).
    #[arg(value_name = "DIR", conflicts_with = "reference")]
    reference_dir: Option<PathBuf>,
    /// The reference folder, as a flag.
    #[arg(long, value_name = "DIR")]
    reference: Option<PathBuf>,
}

/// Arguments of `cargo xtask conformance`.
#[derive(Debug, clap::Args)]
struct ConformanceArgs {
    /// The reference folder (examples/, oscal-schemas/, metaschema/, ...).
    #[arg(value_name = "REFERENCE-DIR")]
    reference: PathBuf,
    /// Only the sections whose title holds WORD.
    #[arg(long, value_name = "WORD")]
    only: Option<String>,
    /// Rewrite xtask/conformance-verdicts.toml from this run, keeping each unchanged
    /// verdict's `why`.
    #[arg(long)]
    update_verdicts: bool,
}

/// `cargo xtask codegen`: checks or writes the generated files (the generator is the library's,
/// which `poam-tests` calls too).
fn codegen(root: &std::path::Path, a: CodegenArgs) -> Result<(), String> {
    let reference = a
        .reference_dir
        .or(a.reference)
        .unwrap_or_else(|| xtask::reference_dir(root));
    if a.check {
        return xtask::check(root, &reference);
    }
    for path in xtask::write(root, &reference)? {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

fn main() -> ExitCode {
    let root = workspace_root();
    let result = match Cli::parse().command {
        Command::Codegen(a) => codegen(&root, a),
        Command::Conformance(a) => {
            conformance::run(&a.reference, a.only.as_deref(), a.update_verdicts)
        }
        Command::Gen(o) => r#gen::run(&o),
        Command::GenScan(o) => r#gen::scan::run(&o),
        Command::Bench(o) => bench::run(&root, &o),
        Command::BenchInner(o) => bench::run_inner(&root, &o),
        Command::BenchOne(a) => bench::run_one(&a),
        Command::Fuzz(o) => fuzz::run(&root, &o),
        Command::FuzzWorker(o) => fuzz::run_worker(&root, &o),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
