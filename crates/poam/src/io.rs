//! Reading and writing OSCAL text (JSON, YAML, XML), with errors that name the place.
//!
//! Most programs use the crate root's [`read_path`](crate::read_path),
//! [`read_bytes`](crate::read_bytes) and [`to_bytes`](crate::to_bytes), which also handle
//! the FedRAMP workbook. This module holds the text-level pieces under them: the OSCAL
//! [`Format`], the [`ReadError`] every reader returns, locating a JSON pointer in a text
//! ([`locate_all`], [`LineIndex`]), and atomic file output ([`write_file_atomic`]).

pub use poam_io::locate::{LineIndex, locate, locate_all};
pub use poam_io::{
    ErrorKind, Format, Position, ReadError, SourceName, WriteError, decode, detect, is_same_file,
    read, read_text, write, write_file_atomic,
};
