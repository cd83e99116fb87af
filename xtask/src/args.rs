//! The one helper xtask's hand-parsed commands share.

/// The value after `flag` on the command line, or an error that names the flag and shows
/// the command's usage.
pub fn next_value(
    it: &mut std::slice::Iter<'_, String>,
    flag: &str,
    usage: &str,
) -> Result<String, String> {
    it.next()
        .cloned()
        .ok_or_else(|| format!("{flag} needs a value\n{usage}"))
}
