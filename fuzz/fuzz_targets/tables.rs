//! Fuzz target `tables`: see `jazu_fuzz::check_tables` and README.md.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jazu_fuzz::check_tables(data, jazu_fuzz::FUZZ_STRICT));
