//! The checks behind the fuzz targets, one function per target. Each takes the raw fuzz input
//! and panics when a property breaks. `tests/fuzz_regressions.rs` of the main crate includes
//! this file to replay saved crash inputs through the same checks, so it depends only on `jazu`
//! and `unicode-normalization`.
//!
//! `strict` turns on the checks of known, reported bugs. The fuzz targets run with
//! [`FUZZ_STRICT`] (off while such a bug is open, so that the fuzzer looks for new ones instead
//! of finding the same one again); the regression tests always run strict.

#![forbid(unsafe_code)]
#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::sync::OnceLock;

use jazu::{InvalidUtf8, Scheme, Source, Transliterator};
use unicode_normalization::is_nfc;

/// Whether the fuzz targets also check the properties that known bugs broke; off while such a
/// bug is open (the checks it breaks are skipped, so that the fuzzer looks for new bugs), on
/// when none is. The bugs so far, fixed (see `tests/fuzz_regressions.rs`):
///
/// - `bytes-1`: [`jazu::Writer::bytes_in`] counted the U+FFFD written for invalid bytes in lossy
///   mode instead of the input bytes;
/// - `tables-1`: a user rule whose key has several characters did not match across a stream
///   cut (whitespace in the key, or a long token cut inside the key).
pub const FUZZ_STRICT: bool = true;

/// A fixed Kazakh sentence, converted with every user table the `tables` target builds.
pub const SENTENCE: &str = "Бұрыңғы өткен заманда, бір данышпан кісі: ШЫМКЕНТ, Жаңаөзен, Ёлка, \
                            Цирк, Чай, Щука, съезд, Юрта, Ясли, Эх, Һ, «Қазақстан» — 2025 ж.";

/// One transliterator of the fixed set, with a name for messages.
pub struct Case {
    pub name: String,
    pub html: bool,
    pub t: Transliterator,
}

/// Every target scheme from `auto` and from `cyrl`, HTML mode off and on: 32 transliterators.
/// Index bits: 0..=2 the target, 3 the source (`auto`/`cyrl`), 4 HTML mode.
pub fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        let schemes: Vec<Scheme> = Scheme::all().collect();
        assert_eq!(schemes.len(), 8, "the selector byte assumes 8 schemes");
        let mut cases = Vec::new();
        for html in [false, true] {
            for from in [Source::Auto, Source::Scheme(Scheme::Cyrl)] {
                for &to in &schemes {
                    let t = Transliterator::builder(from, to)
                        .html(html)
                        .build()
                        .unwrap_or_else(|e| panic!("{from} -> {to}: {e}"));
                    let name = format!("{from}->{to}{}", if html { " html" } else { "" });
                    cases.push(Case { name, html, t });
                }
            }
        }
        cases
    })
}

/// The case a selector byte picks.
pub fn case(selector: u8) -> &'static Case {
    let all = cases();
    &all[selector as usize % all.len()]
}

/// One case per target scheme with source `cyrl` (the same engine as `auto`), HTML off and on.
pub fn stream_cases() -> impl Iterator<Item = &'static Case> {
    cases().iter().enumerate().filter(|(i, _)| i & 8 != 0).map(|(_, c)| c)
}

/// Whether the NFC property applies to the output of `case` for `s`: in HTML mode markup is
/// copied as it is, so only text without `<` must come out in NFC.
fn nfc_applies(case: &Case, s: &str) -> bool {
    !(case.html && s.contains('<'))
}

/// Target `convert`: no panic, NFC output, `convert_into` appends what `convert` returns, and
/// `convert_with_changes` gives the same text, with each change told where its `before` is in
/// the input.
pub fn check_convert(data: &[u8], _strict: bool) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(s) = std::str::from_utf8(rest) else {
        return;
    };
    let case = case(selector);
    let out = case.t.convert(s);
    if nfc_applies(case, s) {
        assert!(is_nfc(&out), "{}: {s:?} became {out:?}, not NFC", case.name);
    }
    let mut into = String::from("> ");
    case.t.convert_into(s, &mut into);
    assert_eq!(into[2..], *out, "{}: convert_into differs for {s:?}", case.name);
    let mut empty = String::new();
    case.t.convert_into(s, &mut empty);
    assert_eq!(empty, *out, "{}: convert_into differs for {s:?}", case.name);
    let (with_changes, changes) = case.t.convert_with_changes(s);
    assert_eq!(
        with_changes, out,
        "{}: convert_with_changes differs for {s:?}",
        case.name
    );
    assert_told_in_place(s, &changes, &case.name);
}

/// Cuts `bytes` into pieces whose sizes are taken in turn from `sizes` (0 gives an empty
/// write); without a size other than 0, one piece.
pub fn pieces<'a>(bytes: &'a [u8], sizes: &[u8]) -> Vec<&'a [u8]> {
    if sizes.iter().all(|&n| n == 0) {
        return vec![bytes];
    }
    let mut out = Vec::new();
    let mut rest = bytes;
    for &n in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (head, tail) = rest.split_at(usize::from(n).min(rest.len()));
        out.push(head);
        rest = tail;
    }
    out
}

/// Splits fuzz input into chunk sizes and payload: the first byte gives the number of size
/// bytes (0..=15) that follow it.
pub fn split_sizes(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let (&n, rest) = data.split_first()?;
    let n = usize::from(n & 15).min(rest.len());
    Some(rest.split_at(n))
}

/// Writes `pieces` through a converting writer, one `write` call each (also for empty pieces),
/// checking `bytes_in` on the way, and returns the output.
/// `bytes_in` is checked unless the writer is lossy and `strict` is off (bug `bytes-1`).
fn write_pieces(case: &Case, pieces: &[&[u8]], lossy: bool, strict: bool) -> io::Result<Vec<u8>> {
    let mut w = case.t.writer(Vec::new()).lossy(lossy);
    let mut written = 0u64;
    for piece in pieces {
        let n = w.write(piece)?;
        assert_eq!(n, piece.len(), "{}: short write", case.name);
        written += n as u64;
        assert!(
            (lossy && !strict) || w.bytes_in() <= written,
            "{}: bytes_in {} > {written} bytes written (lossy {lossy}), pieces {:?}",
            case.name,
            w.bytes_in(),
            pieces
        );
    }
    w.finish()
}

/// Target `stream`: the writer fed in pieces equals one-shot `convert`, for every scheme, HTML
/// off and on.
pub fn check_stream(data: &[u8], strict: bool) {
    let Some((sizes, text)) = split_sizes(data) else {
        return;
    };
    let Ok(s) = std::str::from_utf8(text) else {
        return;
    };
    let pieces = pieces(text, sizes);
    for case in stream_cases() {
        let streamed = write_pieces(case, &pieces, false, strict).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let whole = case.t.convert(s);
        assert!(
            streamed == whole.as_bytes(),
            "{}: streamed {} != one-shot {} for {} cut {:?}",
            case.name,
            short(&String::from_utf8_lossy(&streamed)),
            short(&whole),
            short(s),
            pieces.iter().map(|p| p.len()).collect::<Vec<_>>()
        );
    }
}

/// A reader that yields its bytes in pieces of the given sizes (an empty piece is skipped,
/// since a read of 0 bytes means the end).
struct Pieces<'a> {
    pieces: std::vec::IntoIter<&'a [u8]>,
    current: &'a [u8],
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.pieces.next() {
                Some(p) => self.current = p,
                None => return Ok(0),
            }
        }
        let n = self.current.len().min(buf.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current = &self.current[n..];
        Ok(n)
    }
}

/// Target `bytes`: raw bytes through `convert_reader` (small reads) and the lossy writer.
pub fn check_bytes(data: &[u8], strict: bool) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Some((sizes, bytes)) = split_sizes(rest) else {
        return;
    };
    let case = case(selector);
    let pieces = pieces(bytes, sizes);
    let reader = Pieces {
        pieces: pieces.clone().into_iter(),
        current: &[],
    };
    let mut out = Vec::new();
    match (case.t.convert_reader(reader, &mut out), std::str::from_utf8(bytes)) {
        (Ok(n), Ok(s)) => {
            assert_eq!(n, bytes.len() as u64, "{}: bytes read", case.name);
            let out = String::from_utf8(out).unwrap_or_else(|e| panic!("{}: output not UTF-8: {e}", case.name));
            assert_eq!(out, case.t.convert(s), "{}: {s:?}", case.name);
        }
        (Ok(_), Err(e)) => panic!("{}: accepted invalid UTF-8 {bytes:?} ({e})", case.name),
        (Err(e), Ok(s)) => panic!("{}: failed on valid UTF-8 {s:?}: {e}", case.name),
        (Err(e), Err(utf8)) => {
            assert_eq!(e.kind(), io::ErrorKind::InvalidData, "{}: {e}", case.name);
            let bad = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<InvalidUtf8>())
                .unwrap_or_else(|| panic!("{}: no InvalidUtf8 payload: {e}", case.name));
            assert_eq!(
                bad.offset(),
                utf8.valid_up_to() as u64,
                "{}: offset for {bytes:?} cut {:?}",
                case.name,
                pieces.iter().map(|p| p.len()).collect::<Vec<_>>()
            );
        }
    }
    let lossy =
        write_pieces(case, &pieces, true, strict).unwrap_or_else(|e| panic!("{}: lossy writer failed: {e}", case.name));
    let repaired = String::from_utf8_lossy(bytes);
    let expected = case.t.convert(&repaired);
    assert!(
        lossy == expected.as_bytes(),
        "{}: lossy {:?} != {expected:?} for {bytes:?}",
        case.name,
        String::from_utf8_lossy(&lossy)
    );
}

/// Target `normalize`: no panic, NFC output, idempotent, and every change names the input text
/// at its offset.
pub fn check_normalize(data: &[u8], _strict: bool) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let (once, changes) = jazu::normalize(s);
    assert!(is_nfc(&once), "{s:?} became {once:?}, not NFC");
    let (twice, _) = jazu::normalize(&once);
    assert_eq!(twice, once, "not idempotent for {s:?}");
    assert_told_in_place(s, &changes, "normalize");
}

/// Asserts that each of `changes`, made by `name` on `s`, is told where its `before` is in `s`.
fn assert_told_in_place(s: &str, changes: &[jazu::Change], name: &str) {
    for c in changes {
        let told = s.get(c.offset()..c.offset() + c.before().len());
        assert_eq!(told, Some(c.before()), "{name}: {c:?} is not where it is told in {s:?}");
    }
}

/// The header of a rule table.
pub const TABLE_HEADER: &str = "from\tto\tcontext\tnote\n";

/// The header of a spelling-variant table.
pub const VARIANTS_HEADER: &str = "kazakh\tvariants\tsource\n";

/// Target `tables`: user rules from fuzz text. The first byte picks a table (with or without a
/// header line put in front) or `map`/`map_when` rules (one per line, `FROM\tTO[\tCONTEXT]`),
/// or (bit 2) a spelling-variant table and Latin -> Cyrillic exceptions.
/// Building must return, and a transliterator that builds must convert the fixed sentence and
/// the fuzz text, streamed in small pieces the same as one-shot (not compared when `strict` is
/// off and a rule may have a key of several characters: bug `tables-1`).
pub fn check_tables(data: &[u8], strict: bool) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(s) = std::str::from_utf8(rest) else {
        return;
    };
    let mut builder = Transliterator::builder(Scheme::Cyrl, Scheme::Latn2021).html(mode & 8 != 0);
    if mode & 4 != 0 {
        // Spelling variants (bit 0: with the header put in front), and the same text as
        // Latin -> Cyrillic exceptions.
        let header = if mode & 1 != 0 { VARIANTS_HEADER } else { "" };
        builder = Transliterator::builder(Scheme::Cyrl, Scheme::Cyrl)
            .html(mode & 8 != 0)
            .variants("fuzz", &format!("{header}{s}"));
        let exceptions = Transliterator::builder(Scheme::Latn2021, Scheme::Cyrl)
            .exceptions("fuzz", &format!("latin\tcyrillic\n{s}"))
            .build();
        if let Ok(t) = exceptions {
            let _ = t.convert("Qazaqstan Respublikasy");
            let _ = t.convert(s);
        }
    } else {
        match mode & 3 {
            0 => builder = builder.table("fuzz", s),
            1 => builder = builder.table("fuzz", &format!("{TABLE_HEADER}{s}")),
            _ => {
                for line in s.lines() {
                    let mut fields = line.splitn(3, '\t');
                    let from = fields.next().unwrap_or("");
                    let to = fields.next().unwrap_or("");
                    builder = match fields.next() {
                        Some(context) => builder.map_when(from, to, context),
                        None => builder.map(from, to),
                    };
                }
            }
        }
    }
    let Ok(t) = builder.build() else {
        return;
    };
    let case = Case {
        name: format!("user rules (mode {mode})"),
        html: mode & 8 != 0,
        t,
    };
    // With a key of several characters the writer may cut inside a match even when given the
    // text in one piece (it converts up to the last whitespace at once): only run it then.
    let compare = strict || !may_have_long_keys(s);
    for text in [SENTENCE, s] {
        let whole = case.t.convert(text);
        for size in [1u8, 3, 7] {
            let cut = pieces(text.as_bytes(), &[size]);
            let streamed = write_pieces(&case, &cut, false, strict).unwrap_or_else(|e| panic!("{}: {e}", case.name));
            assert!(
                !compare || streamed == whole.as_bytes(),
                "{}: streamed {} != one-shot {} for {} in pieces of {size}; rules {}",
                case.name,
                short(&String::from_utf8_lossy(&streamed)),
                short(&whole),
                short(text),
                short(s)
            );
        }
    }
}

/// Whether a line of `s` other than a comment or a header starts with a field of more than one
/// character (a rule key of several characters).
fn may_have_long_keys(s: &str) -> bool {
    s.split('\n')
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split('\t').next())
        .any(|key| key != "from" && key.chars().nth(1).is_some())
}

/// `s` quoted for a message, with its middle left out when it is long.
fn short(s: &str) -> String {
    const KEEP: usize = 100;
    if s.chars().count() <= 2 * KEEP {
        return format!("{s:?}");
    }
    let head: String = s.chars().take(KEEP).collect();
    let tail: Vec<char> = s.chars().rev().take(KEEP).collect();
    let tail: String = tail.into_iter().rev().collect();
    format!("{head:?} … {tail:?} ({} chars)", s.chars().count())
}
