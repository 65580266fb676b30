//! Guessing the script and Latin alphabet of a text.

use crate::engine::{is_cyrillic, is_latin};
use crate::scheme::Scheme;

/// Letters that only one Latin scheme uses, with that scheme. Kazakh Cyrillic letters are
/// counted apart.
const MARKERS: [(char, Scheme); 19] = [
    ('ä', Scheme::Latn2021),
    ('ğ', Scheme::Latn2021),
    ('ş', Scheme::Latn2021),
    ('ū', Scheme::Latn2021),
    ('ñ', Scheme::Latn2021),
    ('á', Scheme::Latn2018),
    ('ǵ', Scheme::Latn2018),
    ('ń', Scheme::Latn2018),
    ('ó', Scheme::Latn2018),
    ('ú', Scheme::Latn2018),
    ('ý', Scheme::Latn2018),
    ('ʼ', Scheme::Latn2017),
    ('ï', Scheme::WikiLatn),
    ('ç', Scheme::WikiLatn),
    ('é', Scheme::WikiLatn),
    ('ī', Scheme::BgnPcgn),
    ('ė', Scheme::BgnPcgn),
    ('ŝ', Scheme::Iso9),
    ('ȯ', Scheme::AlaLc),
];

/// Guesses the scheme `text` is written in: [`Scheme::Cyrl`] when Cyrillic letters are at least
/// as many as Latin ones, otherwise the Latin scheme whose own letters occur most (ties go to
/// the 2021 alphabet). `None` when the text has no letters of either script.
///
/// Marker letters: ä ğ ş ū ñ (2021), á ǵ ń ó ú ý (2018), the apostrophe ʼ (2017), ï ç é
/// (Kazakh Wikipedia; ý and ñ are shared and count for the others), ī ė (BGN/PCGN), ŝ (ISO 9),
/// ȯ (ALA-LC). `ñ` counts for 2021; `ı`, `ö`, `ü` are shared by several schemes and decide
/// nothing.
///
/// ```
/// use jazu::{detect, Scheme};
/// assert_eq!(detect("Қазақстан Республикасы"), Some(Scheme::Cyrl));
/// assert_eq!(detect("Qazaqstan, Şymkent, Almaty"), Some(Scheme::Latn2021));
/// assert_eq!(detect("Qazaqstan, Shymkent, Almaty, Ońtústik"), Some(Scheme::Latn2018));
/// assert_eq!(detect("12345 🇰🇿"), None);
/// ```
pub fn detect(text: &str) -> Option<Scheme> {
    detect_with_evidence(text).map(|(s, _)| s)
}

/// The Latin alphabet of `text` when it shows one: more Latin letters than Cyrillic, and at
/// least one letter (or apostrophe) that only that scheme uses.
pub(crate) fn detect_latin(text: &str) -> Option<Scheme> {
    if !may_have_latin(text.as_bytes()) {
        return None;
    }
    match detect_with_evidence(text) {
        Some((s, true)) if s.is_latin() => Some(s),
        _ => None,
    }
}

/// Whether UTF-8 `text` may hold a Latin letter of [`is_latin`] or `ʼ` (U+02BC): an ASCII letter,
/// or the first bytes of U+00C0..U+02BF, U+1E00..U+1EFF, U+2C40..U+2C7F or U+A700..U+A7FF. A
/// byte scan, so that the common Cyrillic line is not decoded.
pub(crate) fn may_have_latin(text: &[u8]) -> bool {
    find_latin(text).is_some()
}

/// Where the first byte of [`may_have_latin`] is in `text`.
pub(crate) fn find_latin(text: &[u8]) -> Option<usize> {
    /// 1: the byte starts a Latin letter; 2: it may, depending on the next byte.
    const FIRST: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut b = 0;
        while b < 256 {
            t[b] = match b as u8 {
                b'A'..=b'Z' | b'a'..=b'z' | 0xC3..=0xCA => 1,
                0xE1 | 0xE2 | 0xEA => 2,
                _ => 0,
            };
            b += 1;
        }
        t
    };
    let exact = |i: usize, b: u8| match FIRST[b as usize] {
        0 => false,
        1 => true,
        _ => {
            let next = text.get(i + 1).copied().unwrap_or(0);
            matches!((b, next), (0xE1, 0xB8..=0xBB) | (0xE2, 0xB1) | (0xEA, 0x9C..=0x9F))
        }
    };
    // Blocks without a byte of `FIRST` are passed over in a branch-free test that the compiler
    // vectorizes; the table decides only in a block that has one.
    let maybe = |b: u8| {
        u8::from((b | 0x20).wrapping_sub(b'a') < 26)
            | u8::from(b.wrapping_sub(0xC3) < 8)
            | u8::from(b == 0xE1)
            | u8::from(b == 0xE2)
            | u8::from(b == 0xEA)
    };
    text.chunks(BLOCK).enumerate().find_map(|(k, block)| {
        if block.iter().fold(0, |any, &b| any | maybe(b)) == 0 {
            return None;
        }
        let at = k * BLOCK;
        block
            .iter()
            .enumerate()
            .position(|(j, &b)| exact(at + j, b))
            .map(|j| at + j)
    })
}

/// Bytes per block of [`may_have_latin`]'s first test.
const BLOCK: usize = 32;

/// The guess of [`detect`], and whether marker letters back it.
fn detect_with_evidence(text: &str) -> Option<(Scheme, bool)> {
    let (mut cyr, mut lat) = (0usize, 0usize);
    let mut votes = [0usize; MARKERS.len()];
    for c in text.chars() {
        if is_cyrillic(c) {
            cyr += 1;
        } else if is_latin(c) || c == 'ʼ' {
            lat += 1;
            let lower = c.to_lowercase().next().unwrap_or(c);
            if let Some(k) = MARKERS.iter().position(|(m, _)| *m == lower) {
                votes[k] += 1;
            }
        }
    }
    if cyr == 0 && lat == 0 {
        return None;
    }
    if cyr >= lat {
        return Some((Scheme::Cyrl, true));
    }
    let mut best = (Scheme::Latn2021, 0usize);
    for scheme in Scheme::all() {
        let score: usize = MARKERS
            .iter()
            .zip(votes)
            .filter(|((_, s), _)| *s == scheme)
            .map(|(_, v)| v)
            .sum();
        if score > best.1 {
            best = (scheme, score);
        }
    }
    Some((best.0, best.1 > 0))
}

#[cfg(test)]
mod tests {
    use super::may_have_latin;
    use crate::engine::is_latin;

    /// The byte scan finds every character the letter test counts as Latin.
    #[test]
    fn find_latin_finds_the_first_latin_byte_across_blocks() {
        for pad in 0..70 {
            let cyrillic = "ы".repeat(pad / 2) + &" ".repeat(pad % 2);
            for latin in ["x", "ḁ", "ⱡ", "ꜳ", "é"] {
                let text = format!("{cyrillic}—{latin}ы");
                let at = cyrillic.len() + "—".len();
                assert_eq!(super::find_latin(text.as_bytes()), Some(at), "{text:?}");
            }
            assert_eq!(super::find_latin(format!("{cyrillic}—«»").as_bytes()), None);
        }
    }

    #[test]
    fn may_have_latin_misses_no_latin_letter() {
        let mut buf = [0u8; 4];
        for c in (0..0x11_0000).filter_map(char::from_u32) {
            if is_latin(c) || c == 'ʼ' {
                assert!(may_have_latin(c.encode_utf8(&mut buf).as_bytes()), "U+{:04X}", c as u32);
            }
        }
        assert!(!may_have_latin("Қазақстан — «ел», 2026 ж.".as_bytes()));
    }
}
