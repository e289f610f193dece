#![no_main]
//! Coverage-guided fuzzing of the date decoder; the checks live in
//! `daftar_core::fuzz_checks`, which the corpus regression test also runs.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    daftar_core::fuzz_checks::date(data);
});
