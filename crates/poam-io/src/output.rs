//! Writing an output file without ever leaving a partial one, and without replacing what is
//! not a regular file.
//!
//! A regular file (or a new one) is replaced atomically: a temporary file in the same
//! directory, then a rename. A symbolic link is followed and its target replaced the same
//! way, so the link stays a link. A FIFO, a character or block device (`/dev/null`,
//! `/dev/stdout`) is written through: renaming over it would swap a regular file in for the
//! system's device node.

use std::io::Write;
use std::path::{Path, PathBuf};

/// How many symbolic links are followed before giving up (as the kernel's `ELOOP`).
const MAX_LINKS: usize = 40;

/// Writes `bytes` to `path`: atomically for a regular or new file (through symbolic links,
/// to their target), straight through for a FIFO or device, and appended for a descriptor
/// path (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`), which stands for a file the caller
/// already opened (a shell's `>` or `>>`).
///
/// A replaced file keeps its permissions; a new file gets the usual ones (`0o666` less the
/// umask) rather than the owner-only mode of temporary files. A directory is an error.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a directory",
        )),
        Ok(m) if !m.is_file() || is_descriptor_path(path) => write_through(path, bytes),
        // The real path, so that a link is kept and its target replaced.
        Ok(m) => replace(&std::fs::canonicalize(path)?, bytes, Some(m.permissions())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            replace(&follow_links(path)?, bytes, None)
        }
        Err(e) => Err(e),
    }
}

/// Whether `path` names an open file descriptor rather than a file: the kernel's magic
/// links, which point at pipes and sockets as well as files, and must not be resolved.
fn is_descriptor_path(path: &Path) -> bool {
    let mut parts = path.components().map(|c| c.as_os_str().to_string_lossy());
    let parts: Vec<_> = parts.by_ref().take(5).collect();
    let parts: Vec<&str> = parts.iter().map(AsRef::as_ref).collect();
    matches!(
        parts.as_slice(),
        ["/", "dev", "stdout" | "stderr"] | ["/", "dev", "fd", _] | ["/", "proc", _, "fd", _]
    )
}

/// Whether `a` and `b` name the same existing regular file (through links, `.` and `..`);
/// used to refuse writing an output over an input.
pub fn is_same_file(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    if !(ma.is_file() && mb.is_file()) {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        ma.dev() == mb.dev() && ma.ino() == mb.ino()
    }
    #[cfg(not(unix))]
    {
        matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
    }
}

/// The path a dangling symbolic link points to (followed link by link), where the new file
/// is created; `path` itself when it is not a link.
fn follow_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(std::io::Error::other(format!(
        "more than {MAX_LINKS} symbolic links"
    )))
}

/// Writes into an existing FIFO, device or open descriptor as it is. Appending changes
/// nothing for a FIFO or a device, and keeps what a shell's `>>` file already holds.
fn write_through(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().append(true).open(path)?;
    file.write_all(bytes)?;
    file.flush()
}

/// Replaces (or creates) the regular file `path` through a temporary file and a rename.
fn replace(
    path: &Path,
    bytes: &[u8],
    permissions: Option<std::fs::Permissions>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".poam-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    if let Some(p) = permissions {
        tmp.as_file().set_permissions(p)?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(all(test, unix))]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt, symlink};

    use super::*;

    fn tmp() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| Path::new(n).extension().is_some_and(|e| e == "tmp"))
            .collect()
    }

    #[test]
    fn a_symlink_stays_a_link_and_its_target_is_replaced() {
        let dir = tmp();
        let target = dir.path().join("real.json");
        std::fs::write(&target, "old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.json");
        symlink("real.json", &link).unwrap();
        write_file_atomic(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_dangling_symlink_creates_its_target() {
        let dir = tmp();
        let link = dir.path().join("link.json");
        symlink("sub/new.json", &link).unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        write_file_atomic(&link, b"x").unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("sub/new.json")).unwrap(),
            "x"
        );
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn a_fifo_is_written_through() {
        let dir = tmp();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo here: nothing to test
        }
        let (sender, received) = std::sync::mpsc::channel();
        {
            let fifo = fifo.clone();
            std::thread::spawn(move || sender.send(std::fs::read(fifo).unwrap()));
        }
        write_file_atomic(&fifo, b"through the pipe").unwrap();
        let got = received
            .recv_timeout(std::time::Duration::from_secs(10))
            .unwrap();
        assert_eq!(got, b"through the pipe");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_character_device_is_written_through() {
        let null = Path::new("/dev/null");
        if !std::fs::metadata(null).is_ok_and(|m| m.file_type().is_char_device()) {
            return;
        }
        write_file_atomic(null, b"discarded").unwrap();
        assert!(
            std::fs::symlink_metadata(null)
                .unwrap()
                .file_type()
                .is_char_device()
        );
    }

    #[test]
    fn descriptor_paths() {
        for p in [
            "/dev/stdout",
            "/dev/stderr",
            "/dev/fd/1",
            "/proc/self/fd/1",
            "/proc/42/fd/3",
        ] {
            assert!(is_descriptor_path(Path::new(p)), "{p}");
        }
        for p in [
            "/dev/shm/a.json",
            "/proc/self/fd",
            "dev/stdout",
            "/tmp/fd/1",
        ] {
            assert!(!is_descriptor_path(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = tmp();
        let e = write_file_atomic(dir.path(), b"x").unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::IsADirectory);
    }

    #[test]
    fn same_file_through_links_and_dots() {
        let dir = tmp();
        let a = dir.path().join("a.json");
        std::fs::write(&a, "{}").unwrap();
        let link = dir.path().join("l.json");
        symlink(&a, &link).unwrap();
        assert!(is_same_file(&a, &link));
        assert!(is_same_file(&a, &dir.path().join(".").join("a.json")));
        let b = dir.path().join("b.json");
        std::fs::write(&b, "{}").unwrap();
        assert!(!is_same_file(&a, &b));
        assert!(!is_same_file(&a, &dir.path().join("missing.json")));
        // Devices are not files an output could destroy.
        assert!(!is_same_file(
            Path::new("/dev/null"),
            Path::new("/dev/null")
        ));
    }
}
