//! The fuzzing corpora kept in `fuzz/corpus/` replayed on stable Rust: every
//! input the fuzzer found interesting still passes the same checks.

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{} fails its check", path.display());
        n += 1;
    }
    n
}

#[test]
fn the_amount_corpus_still_passes() {
    assert!(replay("amount", daftar_core::fuzz_checks::amount) >= 10);
}

#[test]
fn the_date_corpus_still_passes() {
    assert!(replay("date", daftar_core::fuzz_checks::date) >= 10);
}

#[test]
fn the_event_corpus_still_passes() {
    assert!(replay("event", daftar_core::fuzz_checks::event) >= 10);
}

#[test]
fn the_command_corpus_still_passes() {
    assert!(replay("command", daftar_core::fuzz_checks::command) >= 10);
}

#[test]
fn the_chunk_corpus_still_passes() {
    assert!(replay("chunk", daftar_core::fuzz_checks::chunk) >= 10);
}
