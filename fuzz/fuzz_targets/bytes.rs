//! Fuzz target `bytes`: see `jazu_fuzz::check_bytes` and README.md.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jazu_fuzz::check_bytes(data, jazu_fuzz::FUZZ_STRICT));
