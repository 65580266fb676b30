//! Fuzz target `convert`: see `jazu_fuzz::check_convert` and README.md.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jazu_fuzz::check_convert(data, jazu_fuzz::FUZZ_STRICT));
