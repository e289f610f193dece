//! Files the CLI writes beside a book: never the book itself, and never half-written.

use std::io::Write;
use std::path::{Path, PathBuf};

use daftar_core::Error;

/// The files of a book: the book, SQLite's write-ahead log, index and journal,
/// and daftar's witness of the last commit.
pub(crate) fn book_files(book: &Path) -> Vec<PathBuf> {
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
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok(std::fs::canonicalize(dir)?.join(name))
}

/// Refuses an output path that is the book or one of SQLite's files for it,
/// whether named directly, through a symbolic link, or as a hard link.
pub fn refuse_book_paths(book: &Path, out: &Path) -> Result<(), Error> {
    let refuse = || Error::InvalidInput {
        field: "out".into(),
        reason: format!(
            "{} is the book {} or one of its files; write the output somewhere else",
            crate::output::shown(&out.display().to_string()),
            crate::output::shown(&book.display().to_string())
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

/// Writes `out` through a temporary file in the same folder, renamed into place
/// only once `write` has succeeded and the bytes are on disk. A failure leaves
/// whatever was at `out` untouched.
pub fn write_atomically<T>(
    out: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T, Error>,
) -> Result<T, Error> {
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".daftar-out-")
        .tempfile_in(&dir)?;
    let mut w = std::io::BufWriter::new(tmp);
    let value = write(&mut w)?;
    let tmp = w.into_inner().map_err(|e| Error::from(e.into_error()))?;
    tmp.as_file().sync_all()?;
    tmp.persist(out).map_err(|e| Error::from(e.error))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_book_and_its_sqlite_files_are_refused_directly_and_through_links() {
        let dir = tempfile::tempdir().unwrap();
        let book = dir.path().join("b.daftar");
        std::fs::write(&book, b"x").unwrap();
        for name in ["b.daftar", "b.daftar-wal", "b.daftar-shm"] {
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
    fn a_failed_write_leaves_the_old_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("o.txt");
        std::fs::write(&out, b"old").unwrap();
        let r: Result<(), Error> = write_atomically(&out, |w| {
            w.write_all(b"half")?;
            Err(Error::Cancelled)
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read(&out).unwrap(), b"old");
        write_atomically(&out, |w| Ok(w.write_all(b"new")?)).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"new");
    }
}
