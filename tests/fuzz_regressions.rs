//! Inputs that broke a fuzz target (`fuzz/`), replayed through the same checks. The inputs are
//! kept in `tests/data/fuzz/<target>-<n>.bin`, in the input layout of the target; the checks are
//! the functions of `fuzz/src/lib.rs`, included here as a module.
//!
//! Each bug has a strict test (`#[ignore]`d while the bug is open), and every saved input is
//! also replayed with the checks the fuzz targets run (`FUZZ_STRICT`).

#[path = "../fuzz/src/lib.rs"]
mod checks;

use std::path::PathBuf;

/// The bytes of `tests/data/fuzz/<name>`.
fn input(name: &str) -> Vec<u8> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "data", "fuzz", name]
        .iter()
        .collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Replays `name` through the check of the target its name starts with.
fn replay(name: &str, strict: bool) {
    let data = input(name);
    let target = name.split('-').next().unwrap_or_default();
    match target {
        "convert" => checks::check_convert(&data, strict),
        "stream" => checks::check_stream(&data, strict),
        "bytes" => checks::check_bytes(&data, strict),
        "normalize" => checks::check_normalize(&data, strict),
        "tables" => checks::check_tables(&data, strict),
        _ => panic!("{name}: no fuzz target {target:?}"),
    }
}

#[test]
fn saved_inputs_pass_the_checks_of_the_fuzz_targets() {
    let dir: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "data", "fuzz"].iter().collect();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".bin"))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for name in names {
        replay(&name, checks::FUZZ_STRICT);
    }
}

/// `bytes-1`: the bytes `D0 0A` (a lead byte without its continuation, then a line feed) in one
/// write to a lossy writer: `bytes_in` said 4, the input was 2 bytes. The writer replaced the bad
/// byte with U+FFFD (3 bytes) in its pending buffer and counted the pending bytes it converted.
#[test]
fn bytes_1_lossy_bytes_in() {
    replay("bytes-1.bin", true);
}

/// `tables-1`: the rule `х\u{b}h` → `` (a key with a vertical tab in it, from `Builder::map`):
/// one-shot conversion of `х\u{b}h` gave ``, the writer `h\u{b}h` because it converts up to the
/// last whitespace first, so the key never matched. Keys may no longer hold whitespace.
#[test]
fn tables_1_key_with_whitespace() {
    replay("tables-1.bin", true);
}

/// `tables-2` (a variant of `tables-1`, written by hand): the rule `аб` → `X` and a token of
/// 3003 characters ending in `аб`. One-shot gave `…X`; the writer cut the long token between
/// `а` and `б` and gave `…ab`.
#[test]
fn tables_2_key_across_a_long_token_cut() {
    replay("tables-2.bin", true);
}

/// `normalize-1`: `a @\tiзд` — the lone `a` took the script of its sentence only once the
/// engine had repaired `iзд` (Latin i) to `ізд`, so normalizing twice gave `а`. Words are now
/// counted as the engine leaves them.
#[test]
fn normalize_1_sentence_script_after_the_engine() {
    replay("normalize-1.bin", true);
}

/// `normalize-2`: `ынты;ман` in a sentence typed on a Russian keyboard — the word edit made
/// `ман` `мән`, and a change the engine then recorded for the token quoted the edited text
/// instead of the input at its offset.
#[test]
fn normalize_2_change_quotes_the_input() {
    replay("normalize-2.bin", true);
}

/// `normalize-10`: `@\u{2de0}\u{316}Xһ` in a sentence with a Latin word. The sentence repair cut
/// words at their first letter, the engine at their first letter or combining mark: NFC put
/// `\u{316}` before the combining letter `\u{2de0}`, outside the word the first time and inside
/// it the second, so normalizing twice wrote `һ` as `h`. Words now start where the engine's do.
#[test]
fn normalize_10_word_starts_at_a_combining_mark() {
    replay("normalize-10.bin", true);
}

/// `normalize-11`: `s@>\u{338}актауга` beside a word with Kazakh letters. The word started at
/// the mark U+0338, which NFC joins to the `>` before it (`≯`): the first time the word began
/// with a mark and was not read back, the second time it began at `а` and was (`ақтауға`).
/// Marks that NFC joins to the character before them are no longer the start of a word.
#[test]
fn normalize_11_marks_joined_to_the_character_before() {
    replay("normalize-11.bin", true);
}

/// `normalize-12`: `Ъ@\u{1de7}\u{327}P\0Ӊ:.N`. The token read as an e-mail address whose domain
/// began with the combining letter U+1DE7, which is alphabetic, so its `Ӊ` was left alone; NFC
/// put the cedilla U+0327 first, after which the token was no address and the second pass
/// repaired `Ӊ` to `Ң`. A domain now starts with a letter or digit that is no combining mark.
#[test]
fn normalize_12_domain_starts_with_no_mark() {
    replay("normalize-12.bin", true);
}

/// `convert-1`: `Aʼ`, three bytes, read back from Latin by a converter that had seen it, so from
/// the memo alone. The piece before its one word (none) was copied as a block of eight bytes,
/// and the check that the text holds eight bytes from the piece's start let a text shorter than
/// eight through: a read past the text's end (AddressSanitizer, in the fuzz target). The check
/// now asks that the text hold the whole block; `memo::tests::a_block_is_copied_only_from_a_text_that_holds_it`
/// checks it directly, as this replay cannot see a read past the end without the sanitizer.
#[test]
fn convert_1_a_text_shorter_than_a_block() {
    replay("convert-1.bin", true);
}
