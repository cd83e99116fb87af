//! Converts every POA&M of a folder to one format (OSCAL JSON, YAML, XML, or the FedRAMP
//! workbook), one output file per input, written atomically.
//!
//! ```sh
//! cargo run -p poam --example convert_folder -- fixtures/cycles converted/ xlsx
//! ```
//!
//! A file that cannot be read, or whose output name another input already took, is reported
//! and skipped; the exit code is then 2.

// An example program talks to its user.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use poam::FileFormat;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output, to] = args.as_slice() else {
        eprintln!("usage: convert_folder INPUT_DIR OUTPUT_DIR json|yaml|xml|xlsx");
        return ExitCode::from(2);
    };
    let Some(to) = FileFormat::from_path(Path::new(&format!("x.{to}"))) else {
        eprintln!("unknown format {to:?}: expected json, yaml, xml or xlsx");
        return ExitCode::from(2);
    };
    match convert_folder(Path::new(input), Path::new(output), to) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(failed) => {
            eprintln!("{failed} file(s) not converted");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Converts each file of `input` into `output`; returns how many could not be.
fn convert_folder(input: &Path, output: &Path, to: FileFormat) -> std::io::Result<usize> {
    std::fs::create_dir_all(output)?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(input)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|p| p.is_file() && FileFormat::from_path(p).is_some());
    files.sort();
    let mut failed = 0;
    let mut written = std::collections::HashSet::new();
    for file in files {
        let stem = file.file_stem().unwrap_or_default().to_string_lossy();
        let target = output.join(format!("{stem}.{}", to.extension()));
        // `a.json` and `a.yaml` would both become `a.xlsx`: the second is refused.
        if !written.insert(target.clone()) {
            eprintln!(
                "error: {}: {} is already written",
                file.display(),
                target.display()
            );
            failed += 1;
            continue;
        }
        match convert(&file, &target, to) {
            Ok(()) => println!("{} -> {}", file.display(), target.display()),
            Err(e) => {
                eprintln!("error: {e}");
                failed += 1;
            }
        }
    }
    Ok(failed)
}

fn convert(file: &Path, target: &Path, to: FileFormat) -> Result<(), Box<dyn std::error::Error>> {
    let loaded = poam::read_path(file)?;
    for w in &loaded.warnings {
        eprintln!("warning: {}: {w}", file.display());
    }
    for w in poam::write_path(&loaded.document, target, Some(to))? {
        eprintln!("warning: {}: {w}", target.display());
    }
    Ok(())
}
