//! Fuzz target `stream`: see `jazu_fuzz::check_stream` and README.md.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jazu_fuzz::check_stream(data, jazu_fuzz::FUZZ_STRICT));
