//! `poam merge BASE UPDATE...`: carry a POA&M into the next cycle. Nothing is written unless
//! every input was read and the merge has no conflict left to decide.

use poam::cycle::{Prefer, Update};
use poam::model::datatypes::{Datatype, DateTimeWithTimezone};
use std::fmt::Write as _;

use crate::args::{FileFormat, MergeArgs, PreferArg};
use crate::config::Settings;
use crate::error::Error;
use crate::exit;
use crate::input;
use crate::output;
use crate::ssp::SspLink;

/// What a refused merge says last.
const NOTHING: &str = "nothing merged";

/// Inputs the merge refuses before reading anything: standard input twice, an update as the
/// output.
fn refused_inputs(a: &MergeArgs) -> Result<(), Error> {
    let stdin_uses = std::iter::once(&a.base)
        .chain(&a.updates)
        .filter(|p| p.as_os_str() == "-")
        .count();
    if stdin_uses > 1 {
        return Err(Error::StdinTwice);
    }
    // BASE may be the output (the documented in-place update: read first, then replaced
    // atomically); an update may not.
    let updates: Vec<&std::path::Path> =
        a.updates.iter().map(std::path::PathBuf::as_path).collect();
    output::overwrites_input(a.output.as_deref(), &updates, true).map_err(|e| e.closing(NOTHING))
}

pub fn run(a: &MergeArgs) -> Result<u8, Error> {
    refused_inputs(a)?;
    let settings =
        Settings::resolve(&a.document, a.ssp.as_deref(), None).map_err(|e| e.closing(NOTHING))?;
    let (mut base, mut updates) = read_inputs(a).map_err(|e| e.closing(NOTHING))?;
    input::report_warnings(&base);
    updates.iter().for_each(input::report_warnings);
    let ssp = link_inputs(settings.ssp.as_deref(), a, &mut base, &mut updates)
        .map_err(|e| e.closing(NOTHING))?;
    let inputs: Vec<Update<'_>> = updates
        .iter()
        .map(|u| Update {
            name: &u.name.0,
            document: &u.doc,
        })
        .collect();
    let options = merge_options(a);
    let mut outcome = poam::cycle::merge(&base.doc, &inputs, &options)
        .map_err(|e| Error::Merge(e).closing(NOTHING))?;

    let to_stdout = output::is_stdout(a.output.as_deref());
    let output_path = a.output.as_deref().filter(|_| !to_stdout);
    let format = output_format(a, &base, to_stdout, output_path).map_err(|e| e.closing(NOTHING))?;
    settings.apply(&mut outcome.document);
    let warnings = settings.write_as_version(&mut outcome.document, "the merged POA&M")?;
    for l in &warnings {
        eprintln!("{l}");
    }
    output::encode_and_write(&outcome.document, format, output_path, "the merged POA&M")?;
    summary(&outcome.report, inputs.len());
    crate::submission::print_when_submitting(&settings, &outcome.document, ssp.as_ref());
    Ok(exit::OK)
}

/// Reads BASE and every update; `Err` names every unreadable input.
fn read_inputs(a: &MergeArgs) -> Result<(input::Loaded, Vec<input::Loaded>), Error> {
    let mut errors = Vec::new();
    let base = input::load(&a.base, None).map_err(|e| errors.extend(e));
    let updates: Vec<_> = a
        .updates
        .iter()
        .map(|p| input::load(p, None).map_err(|e| errors.extend(e)))
        .collect();
    match (base, updates.into_iter().collect::<Result<Vec<_>, _>>()) {
        (Ok(base), Ok(updates)) => Ok((base, updates)),
        _ => Err(Error::Unreadable(errors)),
    }
}

/// The merge's options from the command line; the cycle's date-time defaults to today,
/// midnight UTC.
fn merge_options(a: &MergeArgs) -> poam::cycle::Options {
    let as_of = a.as_of.unwrap_or_else(|| {
        let today = chrono::Utc::now().date_naive();
        today
            .and_time(chrono::NaiveTime::MIN)
            .and_utc()
            .fixed_offset()
    });
    poam::cycle::Options {
        as_of,
        complete: a.complete,
        prefer: a.prefer.map(|p| match p {
            PreferArg::First => Prefer::First,
            PreferArg::Last => Prefer::Last,
        }),
        force: a.force,
    }
}

/// The output's format: `--to`, else the output's extension, else BASE's; `Err` when it
/// cannot be written there.
fn output_format(
    a: &MergeArgs,
    base: &input::Loaded,
    to_stdout: bool,
    output_path: Option<&std::path::Path>,
) -> Result<FileFormat, Error> {
    let format =
        a.to.or_else(|| output_path.and_then(FileFormat::from_path))
            .unwrap_or(if base.workbook {
                FileFormat::Xlsx
            } else {
                FileFormat::from(base.format)
            });
    output::refused(format, to_stdout, output_path)?;
    Ok(format)
}

/// `--ssp`: BASE and every update are linked alike before the merge, so that their assets
/// are the SSP's in all of them and items match across them.
fn link_inputs(
    path: Option<&std::path::Path>,
    a: &MergeArgs,
    base: &mut input::Loaded,
    updates: &mut [input::Loaded],
) -> Result<Option<SspLink>, Error> {
    let Some(path) = path else {
        return Ok(None);
    };
    let out = a.output.as_deref().filter(|p| !output::is_stdout(Some(p)));
    let link = SspLink::load(path, &crate::ssp::output_dir(out))?;
    for l in std::iter::once(base).chain(updates.iter_mut()) {
        link.apply(&mut l.doc, &l.name.0);
    }
    Ok(Some(link))
}

/// `--as-of`: a date (midnight UTC), a date-time with a time zone, or today; with its day.
pub(crate) fn as_of(arg: Option<&str>) -> Result<(DateTimeWithTimezone, chrono::NaiveDate), Error> {
    let text = match arg {
        None => format!(
            "{}T00:00:00Z",
            chrono::Utc::now().date_naive().format("%Y-%m-%d")
        ),
        Some(s) if chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() => {
            format!("{s}T00:00:00Z")
        }
        Some(s) => s.to_owned(),
    };
    let d = DateTimeWithTimezone::new(text);
    d.check().map_err(|e| Error::AsOf(e.clone()))?;
    let day = d
        .date()
        .ok_or_else(|| Error::AsOf("not a date".to_owned()))?;
    Ok((d, day))
}

/// What was done, on stderr (stdout may carry the document).
fn summary(r: &poam::cycle::Report, updates: usize) {
    // The first few POAM IDs of each class: a cycle of a large POA&M changes thousands.
    const SHOWN: usize = 12;
    let ids = |v: &[poam::cycle::ItemRef]| {
        if v.is_empty() {
            return String::new();
        }
        let mut list = v
            .iter()
            .take(SHOWN)
            .map(poam::cycle::ItemRef::label)
            .collect::<Vec<_>>()
            .join(", ");
        if v.len() > SHOWN {
            let _ = write!(list, ", … {} more", v.len() - SHOWN);
        }
        format!(" ({list})")
    };
    eprintln!(
        "merged {updates} update(s): {} new{}, {} closed{}, {} reopened{}, {} changed{}, {} no longer detected{}, {} unchanged",
        r.new.len(),
        ids(&r.new),
        r.closed.len(),
        ids(&r.closed),
        r.reopened.len(),
        ids(&r.reopened),
        r.changed.len(),
        ids(&r.changed),
        r.not_detected.len(),
        ids(&r.not_detected),
        r.unchanged
    );
    for c in &r.resolved {
        eprintln!("note: conflict decided by --prefer: {c}");
    }
    for c in &r.carried {
        eprintln!("note: carried {c} from the updates");
    }
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    if !r.new_cycle {
        eprintln!("note: the document already has this cycle's revision; version not bumped");
    }
}
