//! `poam convert`: any format to any format (OSCAL JSON, YAML, XML and the FedRAMP POA&M
//! workbook), nothing written unless all went well.
//!
//! One input goes to a file or standard output; several go into `--out-dir`, converted in
//! parallel (rayon), each written atomically on its own so that one bad file costs only
//! itself.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::args::{ConvertArgs, FileFormat};
use crate::config::Settings;
use crate::error::Error;
use crate::exit;
use crate::input::{self, Loaded};
use crate::output;
use crate::progress::{self, Progress};
use crate::ssp::SspLink;

pub fn run(a: &ConvertArgs) -> Result<u8, Error> {
    let settings = Settings::resolve(&a.document, a.ssp.as_deref(), None)?;
    match (&a.inputs[..], &a.out_dir) {
        ([input], None) => run_one(a, &settings, input),
        (_, Some(dir)) => run_many(a, &settings, dir),
        _ => Err(Error::ManyInputsNeedOutDir {
            count: a.inputs.len(),
        }),
    }
}

/// `--ssp` (or `poam.toml`'s `ssp`): the SSP, imported from outputs written in `dir`.
fn ssp_link(settings: &Settings, dir: &Path) -> Result<Option<SspLink>, Error> {
    settings
        .ssp
        .as_deref()
        .map(|p| SspLink::load(p, dir))
        .transpose()
}

/// Reads one input, as `--from` says or as its name and content say.
fn load(path: &Path, from: Option<FileFormat>) -> Result<Loaded, Vec<poam::io::ReadError>> {
    input::load(path, from)
}

/// The warning for a document of an OSCAL version `poam` does not know.
fn version_warning(loaded: &Loaded) -> Option<String> {
    let version = loaded.doc.declared_version();
    (!version.is_supported()).then(|| {
        format!(
            "warning: {}: declares oscal-version {:?}; poam reads 1.0.x to 1.2.x, so some content may not be understood",
            loaded.name, version.text
        )
    })
}

/// Writes `loaded` in format `to`: the bytes, and the writer's warnings (each a line
/// naming the input).
fn encode(loaded: &Loaded, to: FileFormat) -> Result<(Vec<u8>, Vec<String>), Error> {
    output::encode(&loaded.doc, to).map(|(bytes, warnings)| {
        let lines = warnings
            .iter()
            .map(|w| format!("warning: {}: {w}", loaded.name))
            .collect();
        (bytes, lines)
    })
}

/// The single-file form: `poam convert IN [-o OUT] [--to F]`.
fn run_one(a: &ConvertArgs, settings: &Settings, input: &Path) -> Result<u8, Error> {
    output::overwrites_input(a.output.as_deref(), &[input], false)?;
    let to_stdout = output::is_stdout(a.output.as_deref());
    let output_path = a.output.as_deref().filter(|_| !to_stdout);
    let ssp = ssp_link(settings, &crate::ssp::output_dir(output_path))?;
    let progress = Progress::spinner(format!("reading {}", sized(input)));
    let mut loaded = load(input, a.from).map_err(Error::Unreadable)?;
    progress.suspend(|| {
        input::report_warnings(&loaded);
        if let Some(w) = version_warning(&loaded) {
            eprintln!("{w}");
        }
        if let Some(link) = &ssp {
            link.apply(&mut loaded.doc, &loaded.name.0);
        }
    });
    settings.apply(&mut loaded.doc);
    let warnings = settings.write_as_version(&mut loaded.doc, &loaded.name.0)?;
    for l in &warnings {
        eprintln!("{l}");
    }
    let to =
        a.to.or_else(|| output_path.and_then(FileFormat::from_path))
            .unwrap_or(FileFormat::Json);
    output::refused(to, to_stdout, output_path)?;
    progress.set_message(format!("writing {}", to.extension()));
    let encoded = encode(&loaded, to);
    drop(progress);
    let (bytes, warnings) = encoded?;
    for w in warnings {
        eprintln!("{w}");
    }
    output::write(output_path, &bytes)?;
    if loaded.workbook || settings.is_submission() {
        let ssp = ssp.as_ref().map(|l| &l.ssp);
        for l in crate::submission::lines(&loaded.doc, ssp) {
            eprintln!("{}: {l}", loaded.name.0);
        }
    }
    Ok(exit::OK)
}

/// One input of the many-file form and where its conversion goes.
struct Job<'a> {
    input: &'a Path,
    output: PathBuf,
}

/// What converting one file of the many-file form said; printed in input order once all
/// are done, so the report is the same however the work was scheduled.
struct Outcome {
    messages: Vec<String>,
    ok: bool,
}

/// The many-file form: `poam convert IN... --out-dir DIR [--to F]`.
fn run_many(a: &ConvertArgs, settings: &Settings, dir: &Path) -> Result<u8, Error> {
    let to = a.to.unwrap_or(FileFormat::Json);
    let jobs = plan(&a.inputs, dir, to)?;
    // After `plan`, which creates DIR: the href is relative from it.
    let ssp = ssp_link(settings, dir)?;
    let progress = Progress::files(
        jobs.len() as u64,
        format!("converting to {}", to.extension()),
    );
    let outcomes: Vec<Outcome> = jobs
        .par_iter()
        .map(|job| {
            let outcome = convert_file(job, a.from, to, ssp.as_ref(), settings);
            progress.inc(1);
            outcome
        })
        .collect();
    drop(progress);
    let failed = outcomes.iter().filter(|o| !o.ok).count();
    for m in outcomes.iter().flat_map(|o| &o.messages) {
        eprintln!("{m}");
    }
    if failed == 0 {
        Ok(exit::OK)
    } else {
        Err(Error::SomeNotConverted {
            failed,
            total: jobs.len(),
            dir: dir.to_owned(),
        })
    }
}

/// Where each input goes, checked before anything is written: no standard input (it has no
/// name to write under), no two inputs to the same file, no input overwritten by its own or
/// another's conversion. Creates `dir` if needed.
fn plan<'a>(inputs: &'a [PathBuf], dir: &Path, to: FileFormat) -> Result<Vec<Job<'a>>, Error> {
    if inputs.iter().any(|p| p == Path::new("-")) {
        return Err(Error::StdinUnderOutDir);
    }
    let mut jobs: Vec<Job<'a>> = Vec::with_capacity(inputs.len());
    for input in inputs {
        let stem = input
            .file_stem()
            .ok_or_else(|| Error::NotAFileName(input.clone()))?;
        let mut name = stem.to_os_string();
        name.push(".");
        name.push(to.extension());
        let output = dir.join(name);
        if let Some(other) = jobs.iter().find(|j| j.output == output) {
            return Err(Error::SameOutput {
                first: other.input.to_owned(),
                second: input.clone(),
                output,
            });
        }
        jobs.push(Job { input, output });
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::CreateDir {
        dir: dir.to_owned(),
        source,
    })?;
    // Compared as files, so `./a.json`, `a.json` and a link to it are one file.
    for job in &jobs {
        if let Some(victim) = inputs
            .iter()
            .find(|i| poam::io::is_same_file(&job.output, i))
        {
            return Err(Error::OutDirOverwritesInput {
                output: job.output.clone(),
                input: victim.clone(),
            });
        }
    }
    Ok(jobs)
}

/// Converts one file of the many-file form and writes it atomically.
fn convert_file(
    job: &Job<'_>,
    from: Option<FileFormat>,
    to: FileFormat,
    ssp: Option<&SspLink>,
    settings: &Settings,
) -> Outcome {
    let mut messages = Vec::new();
    let mut loaded = match load(job.input, from) {
        Ok(l) => l,
        Err(errors) => {
            messages.extend(Error::Unreadable(errors).lines());
            return Outcome {
                messages,
                ok: false,
            };
        }
    };
    messages.extend(loaded.warnings.iter().map(|w| format!("warning: {w}")));
    messages.extend(version_warning(&loaded));
    if let Some(link) = ssp {
        let report = poam::ssp::link(&mut loaded.doc, &link.ssp, &link.href);
        messages.extend(
            report
                .warnings
                .iter()
                .map(|w| format!("warning: {}: {w}", loaded.name.0)),
        );
    }
    settings.apply(&mut loaded.doc);
    match settings.write_as_version(&mut loaded.doc, &loaded.name.0) {
        Ok(warnings) => messages.extend(warnings),
        Err(e) => {
            messages.extend(e.lines());
            return Outcome {
                messages,
                ok: false,
            };
        }
    }
    let written = encode(&loaded, to).and_then(|(bytes, warnings)| {
        messages.extend(warnings);
        poam::io::write_file_atomic(&job.output, &bytes).map_err(|source| Error::WriteFile {
            path: job.output.clone(),
            source,
        })
    });
    let ok = match written {
        Ok(()) => {
            if loaded.workbook || settings.is_submission() {
                let lines = crate::submission::lines(&loaded.doc, ssp.map(|l| &l.ssp));
                messages.extend(lines.iter().map(|l| format!("{}: {l}", loaded.name.0)));
            }
            true
        }
        Err(e) => {
            messages.push(format!("error: {e} (converting {})", job.input.display()));
            false
        }
    };
    Outcome { messages, ok }
}

/// `poam.json (87.4 MB)`: an input and its size, for the single-file spinner.
fn sized(path: &Path) -> String {
    match std::fs::metadata(path) {
        Ok(m) => format!("{} ({})", path.display(), progress::megabytes(m.len())),
        Err(_) => path.display().to_string(),
    }
}
