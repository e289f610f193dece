//! A book encrypted at rest (the `encrypted` features, SQLCipher): the cipher
//! is really on, a wrong or missing key is told as such and changes nothing, a
//! plain book is converted by copy, and a key can be changed. Run with
//! `cargo test -p daftar-core --features encrypted-system-openssl --test encrypted`.
#![cfg(feature = "sqlcipher")]

use daftar_core::encryption::BookKey;
use daftar_core::{Book, ErrorCode};

/// The error of an open that must fail.
fn refused(opened: daftar_core::error::Result<Book>) -> daftar_core::Error {
    match opened {
        Ok(_) => panic!("the book opened"),
        Err(e) => e,
    }
}

fn key(b: u8) -> BookKey {
    BookKey::from_bytes([b; 32])
}

fn files_bytes(path: &std::path::Path) -> Vec<u8> {
    daftar_core::files::book_files(path)
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .flatten()
        .collect()
}

/// The demo book: two SHGs and a fund, with members' names in Devanagari.
fn demo(book: &Book) -> Vec<uuid::Uuid> {
    daftar_core::demo::build(book, 7, &mut |_, _| true)
        .unwrap()
        .organisations
}

#[test]
fn an_encrypted_book_hides_its_names_and_opens_only_with_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("enc.daftar");
    let book = Book::open_encrypted(&path, key(1)).unwrap();
    assert!(book.is_encrypted());
    let orgs = demo(&book);
    let name = book.members(orgs[0]).unwrap()[0].name.clone();
    let balances = book.trial_balance(orgs[0]).unwrap();
    // Before closing: the WAL holds the latest pages, encrypted too.
    let raw = files_bytes(&path);
    assert!(!raw.windows(name.len()).any(|w| w == name.as_bytes()));
    book.close().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_ne!(&bytes[..16], b"SQLite format 3\0");
    assert!(!bytes.windows(name.len()).any(|w| w == name.as_bytes()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Its key opens it, with everything as it was, and it verifies.
    let again = Book::open_existing_encrypted(&path, key(1)).unwrap();
    assert_eq!(again.trial_balance(orgs[0]).unwrap(), balances);
    assert!(again.verify(&mut |_, _| true).unwrap().is_intact());
    again.close().unwrap();

    // Another key, or none: told as such, never `corrupt`, and nothing written.
    let before = files_bytes(&path);
    let wrong = refused(Book::open_existing_encrypted(&path, key(2)));
    assert_eq!(wrong.code(), ErrorCode::WrongKey, "{wrong}");
    assert_eq!(wrong.code().as_str(), "wrong_key");
    let none = refused(Book::open_existing(&path));
    assert_eq!(none.code(), ErrorCode::NotABook, "{none}");
    assert!(
        none.to_string().contains("encrypted book needs its key"),
        "{none}"
    );
    assert_eq!(files_bytes(&path), before);
}

#[test]
fn a_plain_book_is_encrypted_by_copy_and_its_key_can_be_changed() {
    let dir = tempfile::tempdir().unwrap();
    let plain_path = dir.path().join("plain.daftar");
    let plain = Book::open(&plain_path).unwrap();
    let orgs = demo(&plain);
    let balances: Vec<_> = orgs
        .iter()
        .map(|o| plain.trial_balance(*o).unwrap())
        .collect();
    let head = plain.chain_head(orgs[0]).unwrap();

    // A key for a plain book is refused: it is not encrypted.
    let e = refused(Book::open_existing_encrypted(&plain_path, key(1)));
    assert_eq!(e.code(), ErrorCode::WrongKey, "{e}");

    let enc_path = dir.path().join("enc.daftar");
    plain.encrypt_copy(&enc_path, &key(3)).unwrap();
    // Never over a file that is there, nor over the book itself.
    assert!(plain.encrypt_copy(&enc_path, &key(3)).is_err());
    assert!(plain.encrypt_copy(&plain_path, &key(3)).is_err());
    assert_ne!(
        &std::fs::read(&enc_path).unwrap()[..16],
        b"SQLite format 3\0"
    );

    let mut enc = Book::open_existing_encrypted(&enc_path, key(3)).unwrap();
    for (o, b) in orgs.iter().zip(&balances) {
        assert_eq!(&enc.trial_balance(*o).unwrap(), b);
    }
    assert_eq!(enc.chain_head(orgs[0]).unwrap(), head);
    assert!(enc.verify(&mut |_, _| true).unwrap().is_intact());
    // An encrypted book is not encrypted again.
    assert!(enc
        .encrypt_copy(&dir.path().join("twice.daftar"), &key(4))
        .is_err());

    enc.change_key(key(5)).unwrap();
    enc.close().unwrap();
    let old = refused(Book::open_existing_encrypted(&enc_path, key(3)));
    assert_eq!(old.code(), ErrorCode::WrongKey);
    let new = Book::open_existing_encrypted(&enc_path, key(5)).unwrap();
    assert_eq!(new.trial_balance(orgs[0]).unwrap(), balances[0]);
    // A plain book has no key to change.
    let mut p = plain;
    assert!(p.change_key(key(6)).is_err());
}
