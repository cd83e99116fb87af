//! `poam convert`: any format to any format (OSCAL JSON, YAML, XML and the FedRAMP POA&M
//! workbook), nothing written unless all went well.

use std::io::{IsTerminal, Write};
use std::path::Path;

use poam_io::Format;

use crate::args::{ConvertArgs, ConvertFormat};
use crate::exit;
use crate::input;

/// Whether `path` names a workbook by its extension.
fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

pub fn run(a: &ConvertArgs) -> u8 {
    let loaded = match a.from {
        Some(ConvertFormat::Xlsx) => input::load_workbook(&a.input),
        from => input::load(&a.input, from.and_then(ConvertFormat::oscal)),
    };
    let loaded = match loaded {
        Ok(l) => l,
        Err(errors) => {
            input::report(&errors);
            return exit::TROUBLE;
        }
    };
    input::report_warnings(&loaded);
    let version = loaded.doc.declared_version();
    if !version.is_supported() {
        eprintln!(
            "warning: {}: declares oscal-version {:?}; poam reads 1.0.x to 1.2.x, so some content may not be understood",
            loaded.name, version.text
        );
    }
    let to_stdout = a.output.as_deref().is_none_or(|p| p == Path::new("-"));
    let output_path = a.output.as_deref().filter(|_| !to_stdout);
    let to = a.to.or_else(|| {
        output_path.and_then(|p| {
            if is_xlsx(p) {
                Some(ConvertFormat::Xlsx)
            } else {
                Format::from_path(p).map(|f| match f {
                    Format::Yaml => ConvertFormat::Yaml,
                    Format::Xml => ConvertFormat::Xml,
                    _ => ConvertFormat::Json,
                })
            }
        })
    });
    let bytes = match to.map_or(Some(Format::Json), ConvertFormat::oscal) {
        Some(format) => match poam_io::write(&loaded.doc, format) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot write {format}: {e}");
                return exit::TROUBLE;
            }
        },
        None => {
            if to_stdout && std::io::stdout().is_terminal() {
                eprintln!(
                    "error: a workbook is binary; not writing it to a terminal (use -o FILE.xlsx)"
                );
                return exit::TROUBLE;
            }
            match poam_xlsx::export(&loaded.doc) {
                Ok(exported) => {
                    for w in &exported.warnings {
                        eprintln!("warning: {}: {w}", loaded.name);
                    }
                    exported.bytes
                }
                Err(e) => {
                    eprintln!("error: cannot write the workbook: {e}");
                    return exit::TROUBLE;
                }
            }
        }
    };
    let written = match output_path {
        Some(p) => {
            poam_io::write_file_atomic(p, &bytes).map_err(|e| format!("{}: {e}", p.display()))
        }
        None => std::io::stdout()
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
