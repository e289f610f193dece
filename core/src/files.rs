//! Files daftar writes beside a book (exports, bundles, the last-commit
//! witness): never the book or one of SQLite's files for it, never left
//! half-written, and readable by their owner only, as the book is.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The files of a book: the book, SQLite's write-ahead log, index and journal,
/// and daftar's witness of the last commit.
pub fn book_files(book: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm", "-journal", "-last"]
        .iter()
        .map(|suffix| {
            let mut p = book.as_os_str().to_owned();
            p.push(suffix);
            PathBuf::from(p)
        })
        .collect()
}

/// Where `path` really points: links followed, even a dangling one, and the
/// folder made absolute when the file itself does not exist yet.
fn resolved(path: &Path) -> std::io::Result<PathBuf> {
    if let Ok(p) = std::fs::canonicalize(path) {
        return Ok(p);
    }
    // A dangling link: follow it by hand, at most a few hops.
    let mut p = path.to_path_buf();
    for _ in 0..16 {
        match std::fs::read_link(&p) {
            Ok(target) => {
                p = match p.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                }
            }
            Err(_) => break,
        }
    }
    let name = p.file_name().map(|n| n.to_owned()).unwrap_or_default();
    Ok(std::fs::canonicalize(folder_of(&p))?.join(name))
}

fn folder_of(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Refuses an output path that is the book or one of SQLite's files for it,
/// whether named directly, through a symbolic link, or as a hard link.
pub fn refuse_book_paths(book: &Path, out: &Path) -> Result<()> {
    let refuse = || Error::InvalidInput {
        field: "out".into(),
        reason: format!(
            "{} is the book {} or one of its files; write the output somewhere else",
            out.display(),
            book.display()
        ),
    };
    let out_real = resolved(out)?;
    for f in book_files(&resolved(book)?) {
        if out_real == f {
            return Err(refuse());
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(o) = std::fs::metadata(out) {
            for f in book_files(book) {
                if let Ok(b) = std::fs::metadata(&f) {
                    if (o.dev(), o.ino()) == (b.dev(), b.ino()) {
                        return Err(refuse());
                    }
                }
            }
        }
    }
    Ok(())
}

/// Opens `path` for writing, readable and writable by its owner only when it
/// is created (0600 on Unix). `new` refuses a file that exists.
pub fn open_private(path: &Path, new: bool) -> std::io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true);
    if new {
        opts.create_new(true);
    } else {
        opts.create(true).truncate(true);
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path)
}

/// Creates a new, empty file private to its owner (0600 on Unix); fails if
/// something is there already.
pub(crate) fn create_private(path: &Path) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path).map(drop)
}

/// Makes an existing file private to its owner (0600 on Unix).
pub(crate) fn make_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Writes `out` through a private temporary file in the same folder, renamed
/// into place only once `write` has succeeded and the bytes are on disk. A
/// failure leaves whatever was at `out` untouched, and no temporary file.
pub fn write_atomically<T>(
    out: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    let name = out
        .file_name()
        .ok_or_else(|| Error::invalid("out", format!("{} names no file", out.display())))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.daftar-tmp", std::process::id()));
    let tmp = folder_of(out).join(tmp_name);
    let written = (|| {
        let file = open_private(&tmp, true)?;
        let mut w = std::io::BufWriter::new(file);
        let value = write(&mut w)?;
        let file = w.into_inner().map_err(|e| Error::from(e.into_error()))?;
        file.sync_all()?;
        std::fs::rename(&tmp, out)?;
        Ok(value)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_book_and_its_sqlite_files_are_refused_directly_and_through_links() {
        let dir = tempfile::tempdir().unwrap();
        let book = dir.path().join("b.daftar");
        std::fs::write(&book, b"x").unwrap();
        for name in ["b.daftar", "b.daftar-wal", "b.daftar-shm", "b.daftar-last"] {
            assert!(
                refuse_book_paths(&book, &dir.path().join(name)).is_err(),
                "{name}"
            );
        }
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&book, &link).unwrap();
            assert!(refuse_book_paths(&book, &link).is_err());
            let dangling = dir.path().join("to-wal");
            std::os::unix::fs::symlink("b.daftar-wal", &dangling).unwrap();
            assert!(refuse_book_paths(&book, &dangling).is_err());
            let hard = dir.path().join("hard");
            std::fs::hard_link(&book, &hard).unwrap();
            assert!(refuse_book_paths(&book, &hard).is_err());
        }
        assert!(refuse_book_paths(&book, &dir.path().join("out.journal")).is_ok());
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_as_it_was_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("o.txt");
        std::fs::write(&out, b"old").unwrap();
        let r: Result<()> = write_atomically(&out, |w| {
            w.write_all(b"half")?;
            Err(Error::Cancelled)
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read(&out).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write_atomically(&out, |w| Ok(w.write_all(b"new")?)).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"new");
    }

    #[cfg(unix)]
    #[test]
    fn what_is_written_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("export.csv");
        std::fs::write(&out, b"old").unwrap();
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_atomically(&out, |w| Ok(w.write_all(b"names")?)).unwrap();
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
