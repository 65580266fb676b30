//! Finding the stretches of a text that may hold words, a block of 64 bytes at a time.
//!
//! Reading a text character by character costs a mispredicted branch at nearly every change
//! between a letter, an accented letter and a space. Here every byte is first marked, without a
//! branch, as one that may belong to a word or not; the runs of marked bytes are then found with
//! bit operations, one branch per run.

/// Bytes looked at in one step.
const BLOCK: usize = 64;

/// Bit `j`: byte `j` of `block` (at most 64 bytes) may belong to a word. That is an ASCII
/// letter, any byte of a character beyond ASCII, and the byte `apostrophe` (an ASCII apostrophe
/// or 0xFF, no byte of UTF-8). Eight bytes are tested at once, as one number.
#[inline]
fn mark(block: &[u8], apostrophe: u8) -> u64 {
    let mut m = 0u64;
    let mut chunks = block.chunks_exact(8);
    for (k, c) in (&mut chunks).enumerate() {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(c);
        m |= mark8(u64::from_le_bytes(eight), apostrophe) << (8 * k);
    }
    let done = block.len() - chunks.remainder().len();
    for (j, &x) in chunks.remainder().iter().enumerate() {
        let letter = (x | 0x20).wrapping_sub(b'a') < 26;
        m |= u64::from(letter || x >= 0x80 || x == apostrophe) << (done + j);
    }
    m
}

/// [`mark`] of eight bytes read as a little-endian number.
#[inline]
fn mark8(x: u64, apostrophe: u8) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Per byte below 0x80 (and in the top bit of each byte): at least `a` and not above `z`,
    // once folded to lower case. No sum carries into the next byte.
    let low = (x | 0x2020_2020_2020_2020) & LOW7;
    let at_least_a = low + ONES * u64::from(0x80 - b'a');
    let above_z = low + ONES * u64::from(0x80 - b'z' - 1);
    let letter = at_least_a & !above_z & !x & HIGH;
    // Bytes equal to `apostrophe`: the top bit of each byte of `y` that is zero.
    let y = x ^ (ONES * u64::from(apostrophe));
    let zero = !(((y & LOW7) + LOW7) | y | LOW7);
    let flags = (letter | (x & HIGH) | zero) >> 7;
    // Gather the eight flags (bits 0, 8, ... 56) into the low byte, byte j to bit j.
    flags.wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// The runs of bytes of a text that may belong to words, as `(start, end)` byte ranges.
///
/// A run holds whole characters: the bytes of a character beyond ASCII are all marked. Every
/// word of letters, marks and apostrophes lies inside one run; a run may also hold characters
/// that belong to no word (punctuation beyond ASCII), which the caller reads.
pub(crate) struct Runs<'a> {
    bits: &'a [u64],
    len: usize,
    pos: usize,
}

impl<'a> Runs<'a> {
    /// The runs of `text`, marking into `bits` (reused from call to call). With `apostrophe`
    /// the ASCII apostrophe may belong to a word.
    pub(crate) fn new(text: &[u8], apostrophe: bool, bits: &'a mut Vec<u64>) -> Runs<'a> {
        // 0xFF is no byte of UTF-8 text.
        let apostrophe = if apostrophe { b'\'' } else { 0xFF };
        bits.clear();
        bits.extend(text.chunks(BLOCK).map(|block| mark(block, apostrophe)));
        Runs {
            bits,
            len: text.len(),
            pos: 0,
        }
    }

    /// The first position at or after `from` whose bit is `set`, or the text's length.
    #[inline]
    fn next_bit(&self, from: usize, set: bool) -> usize {
        let mut k = from / BLOCK;
        let flip = if set { 0 } else { !0 };
        let Some(&first) = self.bits.get(k) else {
            return self.len;
        };
        let mut word = (first ^ flip) & (!0u64 << (from % BLOCK));
        while word == 0 {
            k += 1;
            match self.bits.get(k) {
                Some(&w) => word = w ^ flip,
                None => return self.len,
            }
        }
        (k * BLOCK + word.trailing_zeros() as usize).min(self.len)
    }
}

impl Iterator for Runs<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let start = self.next_bit(self.pos, true);
        if start >= self.len {
            self.pos = self.len;
            return None;
        }
        let end = self.next_bit(start, false);
        self.pos = end;
        Some((start, end))
    }
}

/// Whether every character of a run beyond ASCII is surely a letter: Latin-1 letters, Latin
/// Extended-A and -B and IPA (U+00C0 to U+02AF but × and ÷), and Cyrillic (U+0400 to U+04FF
/// but the signs U+0482 to U+0489). `false` says only that the caller must look closer.
#[inline]
pub(crate) fn all_letters(run: &[u8]) -> bool {
    // One table lookup a byte: 1 for a lead byte of anything else, 2 for a byte that needs its
    // neighbour looked at (the lead byte of U+0280..U+02BF, and continuation bytes that end ×,
    // ÷ or a sign).
    const CLASS: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut b = 0xC0;
        while b < 256 {
            t[b] = match b {
                0xC3..=0xC9 | 0xD0..=0xD3 => 0,
                0xCA => 2,
                _ => 1,
            };
            b += 1;
        }
        t[0x97] = 2;
        t[0xB7] = 2;
        let mut b = 0x82;
        while b <= 0x89 {
            t[b] = 2;
            b += 1;
        }
        t
    };
    match run.iter().fold(0, |any, &x| any | CLASS[usize::from(x)]) {
        0 => true,
        2 => run.windows(2).all(|pair| match *pair {
            [0xC3, x] => x != 0x97 && x != 0xB7,
            [0xD2, x] => !(0x82..=0x89).contains(&x),
            [0xCA, x] => x < 0xB0,
            _ => true,
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(text: &str, apostrophe: bool) -> Vec<&str> {
        let mut bits = Vec::new();
        Runs::new(text.as_bytes(), apostrophe, &mut bits)
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn runs_are_letters_and_characters_beyond_ascii() {
        assert_eq!(runs("Qazaq eli, 2024: «jaña»!", false), ["Qazaq", "eli", "«jaña»"]);
        assert_eq!(runs("o'zi ma'lum", false), ["o", "zi", "ma", "lum"]);
        assert_eq!(runs("o'zi ma'lum", true), ["o'zi", "ma'lum"]);
        assert_eq!(runs("", false), Vec::<&str>::new());
    }

    #[test]
    fn mark_tests_eight_bytes_as_one_at_a_time() {
        for apostrophe in [b'\'', 0xFF] {
            for seed in 0u64..2000 {
                let bytes: Vec<u8> = (0..8)
                    .map(|i| (seed.wrapping_mul(0x9E37_79B9) >> (i * 3)) as u8 ^ (seed as u8).wrapping_mul(i))
                    .collect();
                let mut bytes = bytes;
                bytes[(seed % 8) as usize] = [b'\'', b'a', b'z', b'A', b'Z', b'@', b'[', 0x80][(seed / 8 % 8) as usize];
                let one: u64 = bytes.iter().enumerate().fold(0, |m, (j, &x)| {
                    let letter = x.is_ascii_alphabetic();
                    m | u64::from(letter || x >= 0x80 || x == apostrophe) << j
                });
                let mut eight = [0u8; 8];
                eight.copy_from_slice(&bytes);
                assert_eq!(mark8(u64::from_le_bytes(eight), apostrophe), one, "{bytes:?}");
            }
            for x in 0..=255u8 {
                let expected = x.is_ascii_alphabetic() || x >= 0x80 || x == apostrophe;
                assert_eq!(mark8(u64::from(x) << 24, apostrophe) == 1 << 3, expected, "{x:#x}");
            }
        }
    }

    #[test]
    fn all_letters_says_yes_only_for_letters() {
        for c in (0x80..0x3000).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            if all_letters(text.as_bytes()) {
                assert!(c.is_alphabetic(), "U+{:04X}", c as u32);
            }
        }
        assert!(all_letters("Qazaqstan Äli ŞYMKENT".replace(' ', "").as_bytes()));
        assert!(all_letters("Қазақстан".as_bytes()));
        assert!(!all_letters("a×b".as_bytes()));
        assert!(!all_letters("«a»".as_bytes()));
    }

    #[test]
    fn runs_cross_blocks() {
        for pad in 0..140 {
            let text = format!("{}{}ş{}", " ".repeat(pad), "a".repeat(pad % 70), "b".repeat(pad / 2));
            let word = text.trim_start();
            assert_eq!(runs(&text, false), [word], "pad {pad}");
            let spaced = format!("{text} ");
            assert_eq!(runs(&spaced, false), [word], "pad {pad}");
        }
    }
}
