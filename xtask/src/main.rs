//! Project automation for `poam` (the xtask pattern): `cargo xtask <command>`.
#![allow(clippy::print_stdout, clippy::print_stderr)]
// A binary exports nothing: `pub` here marks a module's interface to the rest of the program,
// which is what `unreachable_pub` (meant for the libraries' API) would have us spell `pub(crate)`.
#![allow(unreachable_pub)]

mod args;
mod bench;
mod codegen;
mod conformance;
mod files;
mod fuzz;
mod r#gen;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  codegen [--check] [--reference DIR]   generate crates/poam-model/src/generated.rs from the
                                        OSCAL metaschema (default DIR: ../shared/reference)
  conformance <REFERENCE-DIR> [--only WORD] [--update-verdicts]
                                        run the conformance suite against the reference files
                                        (--only: the sections whose title holds WORD;
                                        --update-verdicts: rewrite xtask/conformance-verdicts.toml
                                        from this run, keeping each unchanged verdict's `why`)
  gen --items N [--format F] [--seed S] [--cycle C] -o FILE
                                        write a realistic FedRAMP POA&M of N items
                                        (F: json, yaml, xml, xlsx; C: monthly cycle, 1..)
  gen-scan --findings N [--format nessus|trivy] [--seed S] -o FILE
                                        write a large scan (N findings over N/20 hosts, 250
                                        distinct weaknesses) for `poam import`'s benchmarks
  bench [--sizes 1000,10000,100000] [--reps R] [--out DIR] [--seed S] [--ops OP,..] [--smoke]
                                        time every pipeline against its floor (release build;
                                        results in DIR, default <target>/bench/; --smoke: in
                                        this build, to check the harness, times not meaningful)
  fuzz [--reader json|yaml|xml|markdown|markup-xml|xlsx|all] [--seconds N] [--seed S]
       [--out DIR] [--reference DIR] [--inputs N] [--time-limit-ms MS]
                                        mutation-fuzz the readers, N seconds each (failing
                                        inputs saved in DIR, default <target>/fuzz/)
  fuzz --reader R --check FILE...       run files through the fuzzer's checks";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => {
            let check = args.iter().any(|a| a == "--check");
            let reference = args
                .iter()
                .position(|a| a == "--reference")
                .and_then(|i| args.get(i + 1))
                .map_or_else(|| root.join("../shared/reference"), PathBuf::from);
            codegen::run(&root, &reference, check)
        }
        Some("conformance") => match args.get(1) {
            Some(dir) if !dir.starts_with('-') => {
                let only = args
                    .iter()
                    .position(|a| a == "--only")
                    .and_then(|i| args.get(i + 1))
                    .map(String::as_str);
                let update = args.iter().any(|a| a == "--update-verdicts");
                conformance::run(Path::new(dir), only, update)
            }
            _ => Err(USAGE.to_owned()),
        },
        Some("gen") => r#gen::run(&args[1..]),
        Some("gen-scan") => r#gen::scan::run(&args[1..]),
        Some("bench") => bench::run(&root, &args[1..]),
        // The release re-run of `bench`, and its per-operation child processes.
        Some("bench-inner") => bench::run_inner(&root, &args[1..]),
        Some("bench-one") => bench::run_one(&args[1..]),
        Some("fuzz") => fuzz::run(&root, &args[1..]),
        // The child process that runs `fuzz`'s inputs.
        Some("fuzz-worker") => fuzz::run_worker(&root, &args[1..]),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
