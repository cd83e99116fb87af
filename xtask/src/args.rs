//! The value parsers xtask's commands share. Every command's arguments are a clap derive
//! (the command list is in `main.rs`, each command's options beside its code); these turn the
//! text of one value into its type.

use std::time::Duration;

/// A count, with optional `_` separators (`100_000`).
pub fn count(s: &str) -> Result<u64, String> {
    s.trim()
        .replace('_', "")
        .parse()
        .map_err(|_| format!("{s:?} is not a non-negative integer"))
}

/// A count above zero.
pub fn positive(s: &str) -> Result<u64, String> {
    count(s)
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{s:?} is not a positive integer"))
}

/// A count above zero that indexes memory (repetitions).
pub fn positive_usize(s: &str) -> Result<usize, String> {
    usize::try_from(positive(s)?).map_err(|_| format!("{s:?} is too large"))
}

/// A duration in milliseconds.
pub fn millis(s: &str) -> Result<Duration, String> {
    count(s).map(Duration::from_millis)
}

/// A duration as its whole milliseconds on a command line (the inverse of [`millis`]).
pub fn millis_text(d: Duration) -> String {
    d.as_millis().to_string()
}

/// `args` parsed as the options `T` of one command (tests of the commands' options and of the
/// command lines the parent processes build for their children).
#[cfg(test)]
pub fn parse<T: clap::Args>(args: &[impl AsRef<std::ffi::OsStr>]) -> Result<T, clap::Error> {
    use clap::Parser as _;
    #[derive(clap::Parser)]
    struct Command<T: clap::Args> {
        #[command(flatten)]
        options: T,
    }
    let line = std::iter::once(std::ffi::OsStr::new("xtask")).chain(args.iter().map(AsRef::as_ref));
    Command::<T>::try_parse_from(line).map(|c| c.options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_separators_and_refuse_words() {
        assert_eq!(count("1_000"), Ok(1000));
        assert_eq!(count("0"), Ok(0));
        assert!(count("ten").is_err());
        assert!(count("-1").is_err());
        assert!(positive("0").is_err());
        assert_eq!(positive_usize("3"), Ok(3));
        assert_eq!(millis("2_000"), Ok(Duration::from_secs(2)));
        assert_eq!(millis_text(Duration::from_millis(1500)), "1500");
    }
}
