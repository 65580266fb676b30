//! Fuzz target `normalize`: see `jazu_fuzz::check_normalize` and README.md.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jazu_fuzz::check_normalize(data, jazu_fuzz::FUZZ_STRICT));
