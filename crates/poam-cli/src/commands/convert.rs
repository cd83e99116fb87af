//! `poam convert`: any format to any format, nothing written unless all went well.

use std::io::Write;
use std::path::Path;

use poam_io::Format;

use crate::args::ConvertArgs;
use crate::exit;
use crate::input;

pub fn run(a: &ConvertArgs) -> u8 {
    let loaded = match input::load(&a.input, a.from.map(Into::into)) {
        Ok(l) => l,
        Err(errors) => {
            input::report(&errors);
            return exit::TROUBLE;
        }
    };
    let version = loaded.doc.declared_version();
    if !version.is_supported() {
        eprintln!(
            "warning: {}: declares oscal-version {:?}; poam reads 1.0.x to 1.2.x, so some content may not be understood",
            loaded.name, version.text
        );
    }
    let to_stdout = a.output.as_deref().is_none_or(|p| p == Path::new("-"));
    let format =
        a.to.map(Into::into)
            .or_else(|| {
                a.output
                    .as_deref()
                    .filter(|_| !to_stdout)
                    .and_then(Format::from_path)
            })
            .unwrap_or(Format::Json);
    let bytes = match poam_io::write(&loaded.doc, format) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot write {format}: {e}");
            return exit::TROUBLE;
        }
    };
    let written = match a.output.as_deref() {
        Some(p) if !to_stdout => {
            poam_io::write_file_atomic(p, &bytes).map_err(|e| format!("{}: {e}", p.display()))
        }
        _ => std::io::stdout()
            .lock()
            .write_all(&bytes)
            .map_err(|e| format!("<stdout>: {e}")),
    };
    match written {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            exit::TROUBLE
        }
    }
}
