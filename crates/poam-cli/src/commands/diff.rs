//! `poam diff OLD NEW`: what changed from one cycle to the next, item by item.

use std::io::Write;

use poam::cycle::Reporter;

use crate::args::{DiffArgs, DiffFormat};
use crate::error::Error;
use crate::exit;
use crate::input;

pub fn run(a: &DiffArgs) -> Result<u8, Error> {
    if a.old.as_os_str() == "-" && a.new.as_os_str() == "-" {
        return Err(Error::StdinOldAndNew);
    }
    let mut errors = Vec::new();
    let old = input::load(&a.old, None).map_err(|e| errors.extend(e));
    let new = input::load(&a.new, None).map_err(|e| errors.extend(e));
    let (Ok(old), Ok(new)) = (old, new) else {
        return Err(Error::Unreadable(errors));
    };
    input::report_warnings(&old);
    input::report_warnings(&new);
    let diff = poam::cycle::diff(&old.doc, &old.name.0, &new.doc, &new.name.0);
    let text = match a.format {
        DiffFormat::Human => poam::cycle::Human.render(&diff),
        DiffFormat::Markdown => poam::cycle::Markdown.render(&diff),
        DiffFormat::Json => poam::cycle::Json.render(&diff),
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(Error::Report)?;
    Ok(if diff.has_differences() {
        exit::FOUND
    } else {
        exit::OK
    })
}
