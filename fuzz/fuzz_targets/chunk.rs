#![no_main]
//! Coverage-guided fuzzing of the sync chunk decoder and the receiver's check;
//! the checks live in `daftar_core::fuzz_checks`, which the corpus regression
//! test also runs.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    daftar_core::fuzz_checks::chunk(data);
});
