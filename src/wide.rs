//! The fast loop's work sixty-four bytes at a time, on x86-64 processors with AVX-512 VBMI and
//! VBMI2 (checked at run time; elsewhere the scalar loop does it all).
//!
//! A step takes the same bytes the scalar fast loop takes, and writes the same output: ASCII
//! bytes that are neither letters nor `@`, and two-byte Cyrillic letters whose table entry is
//! plain and at most two bytes long (or that no rule names, copied). Such a letter writes at
//! most one byte per input byte — the first output byte in place of the lead byte, the second
//! in place of the continuation byte — so a step maps each input byte to one output byte or to
//! none, and a byte compression packs the result. A step stops before the first byte it does
//! not take and leaves it to the scalar loop.

use crate::table::{DENSE_LEN, DENSE_PASS};

/// Whether this build has the wide steps (else the tables are left empty, and their code out).
const BUILT: bool = cfg!(all(target_arch = "x86_64", feature = "simd"));

/// The slot's letter is taken by a step.
const LETTER: u8 = 1;
/// The letter writes its first output byte.
const FIRST: u8 = 2;
/// The letter writes its second output byte.
const SECOND: u8 = 4;
/// The letter is converted (not copied).
const CONVERTS: u8 = 8;
/// The slot's character is a letter.
const ALPHA: u8 = 16;
/// The slot's character is an upper-case letter.
const UPPER: u8 = 32;
/// The letter has two outputs: the one in the tables, and in upper case text (by the `caps`
/// condition) the same with its second byte, an ASCII letter, in upper case (`Zh`, `ZH`).
const CAPS: u8 = 64;
/// An ASCII byte a step takes.
const TAKEN: u8 = 1;
/// An ASCII byte that ends a token (whitespace).
const SPACE: u8 = 2;

/// A dense array of the Cyrillic block unpacked into the byte tables of a step.
#[derive(Clone, Debug)]
pub(crate) struct WideTables {
    /// Per dense slot: what the lead byte becomes.
    first: [u8; DENSE_LEN],
    /// Per dense slot: what the continuation byte becomes.
    second: [u8; DENSE_LEN],
    /// Per dense slot: [`LETTER`], [`FIRST`], [`SECOND`], [`CONVERTS`], [`ALPHA`], [`UPPER`],
    /// [`CAPS`].
    info: [u8; DENSE_LEN],
    /// Per ASCII byte: [`TAKEN`], [`SPACE`].
    ascii: [u8; 128],
    /// Per character U+0080..U+00BF (`C2 80`..`C2 BF`), by its last byte: [`TAKEN`], [`SPACE`].
    latin1: [u8; 64],
    /// Per character U+2000..U+203F (`E2 80 80`..`E2 80 BF`), by its last byte: [`TAKEN`],
    /// [`SPACE`].
    punctuation: [u8; 64],
}

/// What a run of steps did.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Run {
    /// Input bytes taken.
    pub(crate) read: usize,
    /// Output bytes written.
    pub(crate) written: usize,
    /// Whether a letter was converted.
    pub(crate) converted: bool,
    /// Input and output bytes up to just after the last whitespace byte taken, if any.
    pub(crate) after_space: Option<(usize, usize)>,
}

impl WideTables {
    /// The tables of `dense`; `other(c)` tells whether a character other than a Cyrillic
    /// letter is copied as it is, and whether it ends a token. Only ASCII, U+0080..U+00BF and
    /// U+2000..U+203F are asked about; combining marks U+0483..U+0489 are never taken.
    /// `caps(slot)` gives the output of a letter with rules that are taken as [`CAPS`] letters.
    pub(crate) fn new(
        dense: &[u64; DENSE_LEN],
        other: impl Fn(char) -> (bool, bool),
        caps: impl Fn(usize) -> Option<[u8; 2]>,
    ) -> WideTables {
        let mut t = WideTables {
            first: [0; DENSE_LEN],
            second: [0; DENSE_LEN],
            info: [0; DENSE_LEN],
            ascii: [0; 128],
            latin1: [0; 64],
            punctuation: [0; 64],
        };
        if !BUILT {
            return t;
        }
        for (slot, &entry) in dense.iter().enumerate() {
            let tag = entry as u8;
            let lead = 0xD0 | (slot >> 6) as u8;
            let trail = 0x80 | (slot & 0x3F) as u8;
            let is_mark = lead == 0xD2 && (0x83..=0x89).contains(&trail);
            if tag <= 2 {
                t.first[slot] = (entry >> 8) as u8;
                t.second[slot] = (entry >> 16) as u8;
                t.info[slot] = LETTER | CONVERTS | if tag >= 1 { FIRST } else { 0 } | if tag == 2 { SECOND } else { 0 };
            } else if tag == DENSE_PASS && !is_mark {
                t.first[slot] = lead;
                t.second[slot] = trail;
                t.info[slot] = LETTER | FIRST | SECOND;
            } else if let Some([first, second]) = caps(slot) {
                t.first[slot] = first;
                t.second[slot] = second;
                t.info[slot] = CAPS | CONVERTS | FIRST | SECOND;
            }
            let c = char::from_u32(0x400 + slot as u32).unwrap_or('\0');
            if c.is_alphabetic() {
                t.info[slot] |= ALPHA | if c.is_uppercase() { UPPER } else { 0 };
            }
        }
        let class = |c: u32| {
            let (taken, space) = char::from_u32(c).map_or((false, false), &other);
            (u8::from(taken) * TAKEN) | (u8::from(space) * SPACE)
        };
        for (k, slot) in t.ascii.iter_mut().enumerate() {
            *slot = class(k as u32);
        }
        for k in 0..64 {
            t.latin1[k] = class(0x80 + k as u32);
            t.punctuation[k] = class(0x2000 + k as u32);
        }
        t
    }

    /// Runs steps over `b[i..]` into `out[o..]` while the input has a whole step left and the
    /// output room for one (64 bytes each), until a step takes nothing. `None` when the processor
    /// cannot run them.
    #[inline]
    pub(crate) fn run(&self, b: &[u8], i: usize, out: &mut [u8], o: usize) -> Option<Run> {
        #[cfg(all(target_arch = "x86_64", feature = "simd"))]
        {
            if std::arch::is_x86_feature_detected!("avx512vbmi2")
                && std::arch::is_x86_feature_detected!("avx512vbmi")
                && std::arch::is_x86_feature_detected!("avx512bw")
            {
                // SAFETY: the processor has the features `avx512::run` is compiled for.
                #[allow(unsafe_code)]
                return Some(unsafe { avx512::run(self, b, i, out, o) });
            }
        }
        let _ = (b, i, out, o);
        None
    }
}

#[cfg(all(target_arch = "x86_64", feature = "simd"))]
#[allow(unsafe_code)]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{Run, WideTables, ALPHA, CAPS, CONVERTS, FIRST, LETTER, SECOND, SPACE, TAKEN, UPPER};

    /// The four 64-byte quarters of a 256-byte table.
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512vbmi,avx512vbmi2")]
    fn quarters(t: &[u8; 256]) -> [__m512i; 4] {
        // SAFETY: each load reads 64 bytes inside `t`.
        unsafe { [0, 64, 128, 192].map(|k| _mm512_loadu_si512(t.as_ptr().add(k).cast())) }
    }

    /// `t[index]` in every lane.
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512vbmi,avx512vbmi2")]
    fn lookup(t: &[__m512i; 4], index: __m512i) -> __m512i {
        let low = _mm512_permutex2var_epi8(t[0], index, t[1]);
        let high = _mm512_permutex2var_epi8(t[2], index, t[3]);
        _mm512_mask_blend_epi8(_mm512_movepi8_mask(index), low, high)
    }

    /// Whether each lane has `bit`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512vbmi,avx512vbmi2")]
    fn has(v: __m512i, bit: u8) -> u64 {
        _mm512_test_epi8_mask(v, _mm512_set1_epi8(bit as i8))
    }

    /// The bits below `n` (all of them for 64).
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512vbmi,avx512vbmi2")]
    fn below(n: u32) -> u64 {
        if n >= 64 {
            u64::MAX
        } else {
            (1u64 << n) - 1
        }
    }

    /// See [`WideTables::run`].
    #[target_feature(enable = "avx512f,avx512bw,avx512vbmi,avx512vbmi2")]
    pub(super) fn run(t: &WideTables, b: &[u8], mut i: usize, out: &mut [u8], mut o: usize) -> Run {
        let (i0, o0) = (i, o);
        let first = quarters(&t.first);
        let second = quarters(&t.second);
        let info = quarters(&t.info);
        // SAFETY: both loads read 64 bytes inside `t.ascii`.
        let ascii = unsafe {
            [
                _mm512_loadu_si512(t.ascii.as_ptr().cast()),
                _mm512_loadu_si512(t.ascii.as_ptr().add(64).cast()),
            ]
        };
        // SAFETY: both loads read the 64 bytes of an array.
        let (latin1, punctuation) = unsafe {
            (
                _mm512_loadu_si512(t.latin1.as_ptr().cast()),
                _mm512_loadu_si512(t.punctuation.as_ptr().cast()),
            )
        };
        // Each lane's previous lane (lane 0: itself) and next lane (lane 63: itself).
        let previous: [u8; 64] = std::array::from_fn(|k| k.saturating_sub(1) as u8);
        let next: [u8; 64] = std::array::from_fn(|k| (k + 1).min(63) as u8);
        // SAFETY: both loads read the 64 bytes of an array.
        let (previous, next) = unsafe {
            (
                _mm512_loadu_si512(previous.as_ptr().cast()),
                _mm512_loadu_si512(next.as_ptr().cast()),
            )
        };
        let mut run = Run::default();
        while i + 64 <= b.len() && o + 64 <= out.len() {
            // SAFETY: `i + 64 <= b.len()`, checked above.
            let v = unsafe { _mm512_loadu_si512(b.as_ptr().add(i).cast()) };
            let high = _mm512_movepi8_mask(v);
            let class = _mm512_permutex2var_epi8(ascii[0], v, ascii[1]);
            let taken_ascii = !high & has(class, TAKEN);
            let mut spaces = !high & has(class, SPACE);
            let lead = _mm512_cmpeq_epi8_mask(
                _mm512_and_si512(v, _mm512_set1_epi8(0xFCu8 as i8)),
                _mm512_set1_epi8(0xD0u8 as i8),
            );
            let trail = _mm512_cmpeq_epi8_mask(
                _mm512_and_si512(v, _mm512_set1_epi8(0xC0u8 as i8)),
                _mm512_set1_epi8(0x80u8 as i8),
            );
            // The dense slot of the letter that ends in each continuation byte.
            let before = _mm512_permutexvar_epi8(previous, v);
            let slot = _mm512_or_si512(
                _mm512_slli_epi16(_mm512_and_si512(before, _mm512_set1_epi8(3)), 6),
                _mm512_and_si512(v, _mm512_set1_epi8(0x3F)),
            );
            let flags = lookup(&info, slot);
            // Other characters copied as they are, marked at their last byte.
            let is = |byte: u8| _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(byte as i8));
            let class2 = _mm512_permutexvar_epi8(v, latin1);
            let pairs = trail & (is(0xC2) << 1) & has(class2, TAKEN);
            let class3 = _mm512_permutexvar_epi8(v, punctuation);
            let triples = trail & (is(0x80) << 1) & (is(0xE2) << 2) & has(class3, TAKEN);
            spaces |= (pairs & has(class2, SPACE)) | (triples & has(class3, SPACE));
            let copied = taken_ascii | pairs | (pairs >> 1) | triples | (triples >> 1) | (triples >> 2);
            // Characters of the Cyrillic block, marked at their continuation byte.
            let cyrillic = trail & (lead << 1);
            // A letter of two outputs is taken where the window shows what the `caps`
            // condition looks at: the next character if it is a letter, else the one before.
            let next_letter = (cyrillic & has(flags, ALPHA)) >> 2;
            let next_upper = (cyrillic & has(flags, UPPER)) >> 2;
            let next_other = (taken_ascii | (pairs >> 1) | (triples >> 2)) >> 1;
            let before_upper = (cyrillic & has(flags, UPPER)) << 2;
            let upper = (next_letter & next_upper) | (!next_letter & next_other & before_upper);
            let known = next_letter | (next_other & !0b11);
            let two = cyrillic & has(flags, CAPS) & known;
            let letters = (cyrillic & has(flags, LETTER)) | two;
            let taken = copied | letters | (letters >> 1);
            let n = (!taken).trailing_zeros();
            let prefix = below(n);
            let letters = letters & prefix;
            let keep = (copied & prefix) | ((letters & has(flags, FIRST)) >> 1) | (letters & has(flags, SECOND));
            let firsts = _mm512_permutexvar_epi8(next, lookup(&first, slot));
            let bytes = _mm512_mask_blend_epi8(letters >> 1, v, firsts);
            let bytes = _mm512_mask_blend_epi8(letters, bytes, lookup(&second, slot));
            let bytes = _mm512_mask_blend_epi8(
                two & upper,
                bytes,
                _mm512_and_si512(bytes, _mm512_set1_epi8(0xDFu8 as i8)),
            );
            let packed = _mm512_maskz_compress_epi8(keep, bytes);
            // SAFETY: `o + 64 <= out.len()`, checked above.
            unsafe { _mm512_storeu_si512(out.as_mut_ptr().add(o).cast(), packed) };
            let spaces = spaces & prefix;
            if spaces != 0 {
                let last = 63 - spaces.leading_zeros();
                let written = (keep & below(last + 1)).count_ones() as usize;
                run.after_space = Some((i + last as usize + 1 - i0, o + written - o0));
            }
            run.converted |= letters & has(flags, CONVERTS) != 0;
            i += n as usize;
            o += keep.count_ones() as usize;
            // A step that stopped short stopped at a character it does not take, or at one cut
            // by its end: the next one starts there.
            if n == 0 {
                break;
            }
        }
        run.read = i - i0;
        run.written = o - o0;
        run
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;

    use super::*;
    use crate::engine::{pick, wide_tables};
    use crate::rules::{caps_output, is_rules_tag, RuleSet};
    use crate::scheme::Scheme;

    /// The character other than a Cyrillic letter at `b[i..end]` that the steps copy, with
    /// whether it is whitespace: ASCII other than letters and `@`, and the characters of
    /// Latin-1 (U+0080..U+00BF) and General Punctuation (U+2000..U+203F) that NFC keeps and that
    /// are neither letters nor combining marks.
    fn copied(b: &[u8], i: usize, end: usize) -> Option<(char, bool)> {
        let ch = std::str::from_utf8(&b[i..end.min(i + 3)])
            .or_else(|_| std::str::from_utf8(&b[i..end.min(i + 2)]))
            .or_else(|_| std::str::from_utf8(&b[i..i + 1]))
            .ok()?
            .chars()
            .next()?;
        let nfc = ch.to_string().nfc().eq(std::iter::once(ch));
        let range = matches!(ch as u32, 0..=0x7F | 0x80..=0xBF | 0x2000..=0x203F);
        let taken = range && nfc && !ch.is_alphabetic() && !is_combining_mark(ch) && ch != '@';
        taken.then_some((ch, ch.is_whitespace()))
    }

    /// The two-byte Cyrillic-block character at `b[i..end]`, if whole.
    fn cyrillic(b: &[u8], i: usize, end: usize) -> Option<char> {
        let pair = b.get(i..(i + 2).min(end)).filter(|p| p.len() == 2)?;
        let ch = std::str::from_utf8(pair).ok()?.chars().next()?;
        (0x400..0x500).contains(&(ch as u32)).then_some(ch)
    }

    /// What the wide steps must do, one character at a time: take what they take, write what
    /// the table says (for a letter with `caps` rules, what the rules pick, when the step shows
    /// the characters they look at), stop at the first byte they do not take, and only run
    /// while a whole step of input and output is left.
    fn expected(rules: Option<&RuleSet>, dense: &[u64; DENSE_LEN], b: &[u8], room: usize) -> (Vec<u8>, Run) {
        let (mut out, mut run) = (Vec::new(), Run::default());
        let mut step_start = 0;
        let mut i = 0;
        while step_start + 64 <= b.len() && out.len() + 64 <= room {
            let end = step_start + 64;
            while i < end {
                if let Some((ch, space)) = copied(b, i, end) {
                    out.extend_from_slice(ch.to_string().as_bytes());
                    i += ch.len_utf8();
                    if space {
                        run.after_space = Some((i, out.len()));
                    }
                    continue;
                }
                let Some(ch) = cyrillic(b, i, end) else { break };
                let slot = ch as usize - 0x400;
                let entry = dense[slot];
                let tag = entry as u8;
                if tag <= 2 {
                    out.extend_from_slice(&entry.to_le_bytes()[1..=usize::from(tag)]);
                    run.converted = true;
                } else if tag == DENSE_PASS && !(0x483..=0x489).contains(&(ch as u32)) {
                    out.extend_from_slice(&b[i..i + 2]);
                } else if let Some(list) = rules.filter(|_| is_rules_tag(tag)).map(|r| r.dense_rules(entry)) {
                    if caps_output(list).is_none() {
                        break;
                    }
                    let after_letter = cyrillic(b, i + 2, end).filter(|c| c.is_alphabetic());
                    let after_other = copied(b, i + 2, end).map(|(c, _)| c);
                    let before = std::str::from_utf8(&b[..i]).ok().and_then(|t| t.chars().next_back());
                    let after = match (after_letter, after_other) {
                        (Some(c), _) => c,
                        (None, Some(c)) if i > step_start => c,
                        _ => break,
                    };
                    let Some(to) = pick(list, before, Some(after)) else {
                        break;
                    };
                    out.extend_from_slice(to.as_bytes());
                    run.converted = true;
                } else {
                    break;
                }
                i += 2;
            }
            if i == step_start {
                break;
            }
            step_start = i;
        }
        run.read = i;
        run.written = out.len();
        (out, run)
    }

    /// Text of the characters that decide a step: Cyrillic letters of every kind, combining
    /// marks, ASCII letters, punctuation and whitespace, and other non-ASCII characters.
    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            8 => "[а-яәғқңөұүһіёА-ЯӘҒҚҢӨҰҮҺІЁ]{1,12}",
            4 => "[ЖШХЯҒЦЧЮЩ][а-яА-Я]{0,3}",
            3 => "[ .,;:!?0-9\\-\n\t\r]{1,3}",
            1 => "[a-zA-Z@]{1,3}",
            2 => "[«»—–“”…\u{a0}\u{ad}\u{2000}-\u{203f}\u{80}-\u{bf}ѣѢҗ\u{482}-\u{489}ӘЁ€😀№]",
        ];
        prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn steps_do_what_the_scalar_loop_does(text in text(), room in 64usize..200) {
            let sets: Vec<RuleSet> = Scheme::all().filter_map(Scheme::table).map(RuleSet::new).collect();
            let pass = [u64::from(DENSE_PASS); DENSE_LEN];
            let pass_tables = wide_tables(&pass, |_| None);
            let cases = sets
                .iter()
                .map(|r| (Some(r), r.dense(), r.wide()))
                .chain([(None, &pass, &pass_tables)]);
            for (rules, dense, tables) in cases {
                let mut out = vec![0u8; room];
                let Some(run) = tables.run(text.as_bytes(), 0, &mut out, 0) else {
                    return Ok(());
                };
                let (want, want_run) = expected(rules, dense, text.as_bytes(), room);
                prop_assert_eq!(&out[..run.written], &want[..]);
                prop_assert_eq!(
                    (run.read, run.written, run.converted, run.after_space),
                    (want_run.read, want_run.written, want_run.converted, want_run.after_space)
                );
            }
        }
    }
}
