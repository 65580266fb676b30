//! Finding the stretches of a text that may hold words, a block of 64 bytes at a time.
//!
//! Reading a text character by character costs a mispredicted branch at nearly every change
//! between a letter, an accented letter and a space. Here one pass over the whole text first
//! marks every byte, without a branch (with the `simd` feature, 32 bytes at a time with
//! AVX-512 where the processor has it, else sixteen with SSE2, which every x86-64 processor
//! has; eight at a time as numbers elsewhere, as in WebAssembly), in a few
//! bit masks per block ([`Block`]): bytes that
//! may belong to a word, bytes that may belong to a character that is no letter, bytes of
//! Cyrillic letters, bytes that may start whitespace, line feeds, and the `:` `@` `.` of links.
//! Runs, tokens and words are then found with bit operations, about one branch each. Reading
//! Latin back ([`Runs`]) and the normalizer's word repairs (tokens, Cyrillic words) use it.

/// Bytes looked at in one step.
const BLOCK: usize = 64;

/// Bit `j`: byte `j` of the eight bytes `x` (read as a little-endian number) may belong to a
/// word. That is an ASCII letter, any byte of a character beyond ASCII, and the byte
/// `apostrophe` (an ASCII apostrophe or 0xFF, no byte of UTF-8).
#[inline]
#[cfg_attr(all(target_arch = "x86_64", feature = "simd"), allow(dead_code))]
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

/// The runs of bytes of a text that may belong to words, as `(start, end, sure)`: a byte range,
/// and whether the run is surely letters only ([`all_letters`] would say so; `false` says
/// only that the caller must look closer).
///
/// A run holds whole characters: the bytes of a character beyond ASCII are all marked. Every
/// word of letters, marks and apostrophes lies inside one run; a run may also hold characters
/// that belong to no word (punctuation beyond ASCII), which the caller reads.
pub(crate) struct Runs<'a> {
    blocks: &'a [Block],
    /// Where the runs stop.
    len: usize,
    /// The block looked at.
    k: usize,
    /// Its word bits not yet passed.
    word: u64,
}

/// The marks of one block of 64 bytes.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub(crate) struct Block {
    /// Bytes that may belong to a word ([`mark8`]).
    word: u64,
    /// Bytes that may belong to a character that is no letter: every byte beyond ASCII, or
    /// with SSE2 only the bytes that [`all_letters`] looks closer at.
    suspect: u64,
    /// Bytes `:`, `@` and `.`, one of which every protected token (a URL, an e-mail address,
    /// a handle) has.
    stops: u64,
    /// Line feeds.
    newlines: u64,
    /// Bytes that may start whitespace: ASCII whitespace, and the lead bytes C2, E1, E2 and E3
    /// of the other whitespace characters (U+0085, U+00A0, U+1680, U+2000..U+205F, U+3000).
    spaces: u64,
    /// Both bytes of each two-byte Cyrillic letter (U+0400..U+04FF but the signs and marks
    /// U+0482..U+0489).
    cyrillic: u64,
}

/// Bit 0 of a marking's carry: the block before ended with a D2.
const CARRY_D2: u64 = 1;
/// Bit 1: it ended with a C3.
#[cfg_attr(not(all(target_arch = "x86_64", feature = "simd")), allow(dead_code))]
const CARRY_C3: u64 = 2;
/// Bit 2: it ended with the lead byte of a Cyrillic letter (D0..=D3).
const CARRY_CYRILLIC: u64 = 4;

/// The positions in `from..end` of a text marked into `blocks` whose bit `pick` sets, in order.
pub(crate) fn positions(
    blocks: &[Block],
    from: usize,
    end: usize,
    pick: fn(&Block) -> u64,
) -> impl Iterator<Item = usize> + '_ {
    let mut k = from / BLOCK;
    let mut bits = blocks.get(k).map_or(0, |b| pick(b) & (!0u64 << (from % BLOCK)));
    std::iter::from_fn(move || {
        while bits == 0 {
            k += 1;
            if k * BLOCK >= end {
                return None;
            }
            bits = pick(&blocks[k]);
        }
        let at = k * BLOCK + bits.trailing_zeros() as usize;
        bits &= bits - 1;
        (at < end).then_some(at)
    })
}

impl Block {
    /// The bytes `:`, `@` and `.` ([`Block::stops`]).
    pub(crate) fn stops(&self) -> u64 {
        self.stops
    }

    /// The bytes that may belong to a character that is no letter ([`Block::suspect`]).
    pub(crate) fn suspect(&self) -> u64 {
        self.suspect
    }

    /// The line feeds.
    pub(crate) fn newlines(&self) -> u64 {
        self.newlines
    }

    /// The bytes that may start whitespace ([`Block::spaces`]).
    pub(crate) fn spaces(&self) -> u64 {
        self.spaces
    }

    /// The bytes of two-byte Cyrillic letters ([`Block::cyrillic`]).
    pub(crate) fn cyrillic(&self) -> u64 {
        self.cyrillic
    }
}

/// Whether any byte of `start..end` of a text marked into `blocks` has its bit `pick` set.
#[inline]
pub(crate) fn any_in(blocks: &[Block], start: usize, end: usize, pick: fn(&Block) -> u64) -> bool {
    if start >= end {
        return false;
    }
    let (first, last) = (start / BLOCK, (end - 1) / BLOCK);
    (first..=last).any(|k| {
        let from = if k == first { start % BLOCK } else { 0 };
        let to = if k == last { (end - 1) % BLOCK + 1 } else { BLOCK };
        pick(&blocks[k]) & ((!0u64 >> (BLOCK - (to - from))) << from) != 0
    })
}

/// The first position at or after `from`, and before `end`, of a text marked into `blocks`
/// whose bit `pick` is not set; `end` when there is none.
#[inline]
pub(crate) fn first_unset(blocks: &[Block], from: usize, end: usize, pick: fn(&Block) -> u64) -> usize {
    first_where::<false>(blocks, from, end, pick)
}

/// The first position at or after `from`, and before `end`, of a text marked into `blocks`
/// whose bit `pick` is set; `end` when there is none.
#[inline]
pub(crate) fn first_set(blocks: &[Block], from: usize, end: usize, pick: fn(&Block) -> u64) -> usize {
    first_where::<true>(blocks, from, end, pick)
}

/// [`first_set`] if `SET`, else [`first_unset`].
#[inline]
fn first_where<const SET: bool>(blocks: &[Block], from: usize, end: usize, pick: fn(&Block) -> u64) -> usize {
    let bits_of = |b: &Block| if SET { pick(b) } else { !pick(b) };
    let mut k = from / BLOCK;
    let mut bits = match blocks.get(k) {
        Some(b) => bits_of(b) & (!0u64 << (from % BLOCK)),
        None => return end,
    };
    while bits == 0 {
        k += 1;
        match blocks.get(k) {
            Some(b) if k * BLOCK < end => bits = bits_of(b),
            _ => return end,
        }
    }
    (k * BLOCK + bits.trailing_zeros() as usize).min(end)
}

/// Calls `f` on each run of bytes that may belong to words in `start..end` of a text marked
/// into `blocks` (the runs of [`Runs::within`]), in order, as `(start, end, sure)`, until it
/// returns `false`; says whether every call returned `true`. The runs of a block are found from
/// the bits where runs start and end, one `trailing_zeros` each, which keeps the loop's state in
/// registers.
#[inline(always)]
pub(crate) fn each_run(
    blocks: &[Block],
    start: usize,
    end: usize,
    mut f: impl FnMut(usize, usize, bool) -> bool,
) -> bool {
    if start >= end {
        return true;
    }
    let (first, last) = (start / BLOCK, (end - 1) / BLOCK);
    // Where a run that goes on from a block before started, or `usize::MAX`.
    let mut open = usize::MAX;
    // Whether the byte before the block looked at is in a run.
    let mut carry = 0u64;
    // One block past the last, of no word bytes, ends a run that reaches `end` there; `f` is
    // called in one place, so that it is inlined.
    for k in first..=last + 1 {
        let (mut word, suspect) = match blocks.get(k) {
            Some(block) if k <= last => (block.word, block.suspect),
            _ => (0, 0),
        };
        if k == first {
            word &= !0u64 << (start % BLOCK);
        }
        if k == last {
            word &= !0u64 >> (BLOCK - 1 - (end - 1) % BLOCK);
        }
        let before = word << 1 | carry;
        let mut starts = word & !before;
        let mut ends = !word & before;
        carry = word >> (BLOCK - 1);
        let base = k * BLOCK;
        loop {
            let s = if open != usize::MAX {
                open
            } else if starts != 0 {
                let s = base + starts.trailing_zeros() as usize;
                starts &= starts - 1;
                s
            } else {
                break;
            };
            if ends == 0 {
                open = s;
                break;
            }
            let e = (base + ends.trailing_zeros() as usize).min(end);
            ends &= ends - 1;
            open = usize::MAX;
            let sure = if s >= base {
                suspect & ((!0u64 >> (BLOCK - (e - s))) << (s - base)) == 0
            } else {
                !any_in(blocks, s, e, Block::suspect)
            };
            if !f(s, e, sure) {
                return false;
            }
        }
    }
    true
}

/// Marks every block of `text` into `blocks` (reused from call to call), for [`Runs::within`].
/// With `apostrophe` the ASCII apostrophe may belong to a word.
pub(crate) fn mark_all(text: &[u8], apostrophe: bool, blocks: &mut Vec<Block>) {
    #[cfg(all(target_arch = "x86_64", feature = "simd"))]
    {
        if std::arch::is_x86_feature_detected!("avx512bw") && std::arch::is_x86_feature_detected!("avx512vl") {
            // SAFETY: the processor has the features `avx512::mark_all` is compiled for.
            #[allow(unsafe_code)]
            return unsafe { avx512::mark_all(text, apostrophe, blocks) };
        }
    }
    mark_all_with(text, apostrophe, blocks, marks);
}

/// [`mark_all`] with the marking of one block `marks`.
fn mark_all_with(text: &[u8], apostrophe: bool, blocks: &mut Vec<Block>, marks: fn(&[u8], u8, &mut u64) -> Block) {
    // 0xFF is no byte of UTF-8 text.
    let apostrophe = if apostrophe { b'\'' } else { 0xFF };
    blocks.clear();
    let mut carry = 0;
    for block in text.chunks(BLOCK) {
        let before = carry;
        let marked = marks(block, apostrophe, &mut carry);
        push_marked(blocks, marked, before);
    }
}

/// Appends the marks of the next block, whose carry before was `before`: a D2 that ended the
/// block before is no letter when a sign follows it here.
#[inline(always)]
fn push_marked(blocks: &mut Vec<Block>, marked: Block, before: u64) {
    if before & CARRY_D2 != 0 && marked.cyrillic & 1 == 0 {
        if let Some(last) = blocks.last_mut() {
            last.cyrillic &= !(1 << (BLOCK - 1));
        }
    }
    blocks.push(marked);
}

impl<'a> Runs<'a> {
    /// The runs of `text`, marking into `blocks` (reused from call to call). With `apostrophe`
    /// the ASCII apostrophe may belong to a word.
    #[cfg(test)]
    pub(crate) fn new(text: &[u8], apostrophe: bool, blocks: &'a mut Vec<Block>) -> Runs<'a> {
        mark_all(text, apostrophe, blocks);
        Runs::within(blocks, 0, text.len())
    }

    /// The runs of bytes `start..end` of a text that [`mark_all`] marked into `blocks`, as
    /// positions in the whole text. A run that goes on past `end` is cut there; `start` is
    /// where none goes on from before (the text's start, or after a byte of no word).
    pub(crate) fn within(blocks: &'a [Block], start: usize, end: usize) -> Runs<'a> {
        let k = start / BLOCK;
        let word = blocks.get(k).map_or(0, |b| b.word & (!0u64 << (start % BLOCK)));
        Runs {
            blocks,
            len: end,
            k,
            word,
        }
    }

    /// Whether no byte of `start..end` (not empty, in blocks `first` and on) is suspect.
    #[cold]
    fn sure_across(&self, start: usize, end: usize) -> bool {
        let (first, last) = (start / BLOCK, (end - 1) / BLOCK);
        (first..=last).all(|k| {
            let from = if k == first { start % BLOCK } else { 0 };
            let to = if k == last { (end - 1) % BLOCK + 1 } else { BLOCK };
            let range = (!0u64 >> (BLOCK - (to - from))) << from;
            self.blocks[k].suspect & range == 0
        })
    }
}

impl Iterator for Runs<'_> {
    type Item = (usize, usize, bool);

    #[inline]
    fn next(&mut self) -> Option<(usize, usize, bool)> {
        while self.word == 0 {
            self.k += 1;
            if self.k * BLOCK >= self.len {
                return None;
            }
            self.word = self.blocks[self.k].word;
        }
        let from = self.word.trailing_zeros() as usize;
        let start = self.k * BLOCK + from;
        if start >= self.len {
            self.word = 0;
            self.k = self.blocks.len();
            return None;
        }
        // The run's length in this block: the ones from `from` on.
        let length = (!(self.word >> from)).trailing_zeros() as usize;
        if from + length < BLOCK {
            let end = (start + length).min(self.len);
            self.word &= !0u64 << (from + length);
            let run = (!0u64 >> (BLOCK - length)) << from;
            return Some((start, end, self.blocks[self.k].suspect & run == 0));
        }
        // The run goes on into the next blocks.
        let mut k = self.k + 1;
        let mut end = self.len;
        self.word = 0;
        while let Some(block) = self.blocks.get(k) {
            if k * BLOCK >= self.len {
                break;
            }
            if block.word != !0 {
                end = (k * BLOCK + (!block.word).trailing_zeros() as usize).min(self.len);
                self.word = block.word & (!0u64 << ((!block.word).trailing_zeros()));
                break;
            }
            k += 1;
        }
        self.k = k.min(self.blocks.len());
        Some((start, end, self.sure_across(start, end)))
    }
}

/// The marks of one block (at most 64 bytes); `carry` passes what the next block needs to know
/// of the end of this one.
#[inline]
fn marks(block: &[u8], apostrophe: u8, carry: &mut u64) -> Block {
    #[cfg(all(target_arch = "x86_64", feature = "simd"))]
    {
        // The last block is read padded with zeros, which are marked nothing.
        let mut padded = [0u8; BLOCK];
        let full = match <&[u8; BLOCK]>::try_from(block) {
            Ok(full) => full,
            Err(_) => {
                padded[..block.len()].copy_from_slice(block);
                &padded
            }
        };
        sse2::marks(full, apostrophe, carry)
    }
    #[cfg(not(all(target_arch = "x86_64", feature = "simd")))]
    {
        marks_portable(block, apostrophe, carry)
    }
}

/// [`marks`] eight bytes at a time, as numbers, for processors without SSE2; every byte beyond
/// ASCII is suspect.
#[cfg_attr(all(target_arch = "x86_64", feature = "simd"), allow(dead_code))]
fn marks_portable(block: &[u8], apostrophe: u8, carry: &mut u64) -> Block {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    // The top bit of each byte of `y` that is zero.
    let zero = |y: u64| !(((y & LOW7) + LOW7) | y | LOW7);
    let equal = |x: u64, v: u8| zero(x ^ (ONES * u64::from(v)));
    // The top bit of each byte below 0x80 in `lo..=hi` (both below 0x80); no sum carries into
    // the next byte.
    let within = |x: u64, lo: u8, hi: u8| {
        let low = x & LOW7;
        (low + ONES * u64::from(0x80 - lo)) & !(low + ONES * u64::from(0x80 - hi - 1)) & !x & HIGH
    };
    // The top bits of the eight bytes, byte j to bit j.
    let gather = |flags: u64| ((flags & HIGH) >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
    let (mut word, mut high, mut stops, mut newlines, mut spaces) = (0, 0, 0, 0, 0);
    let (mut lead, mut continuation, mut d2, mut signs) = (0, 0, 0, 0);
    for (k, chunk) in block.chunks(8).enumerate() {
        // Bytes past the block's end are zeros, which are marked nothing.
        let mut eight = [0u8; 8];
        eight[..chunk.len()].copy_from_slice(chunk);
        let x = u64::from_le_bytes(eight);
        let at = 8 * k;
        word |= (mark8(x, apostrophe) & (0xFF >> (8 - chunk.len()))) << at;
        high |= gather(x) << at;
        stops |= gather(equal(x, b':') | equal(x, b'@') | equal(x, b'.')) << at;
        newlines |= gather(equal(x, b'\n')) << at;
        let leads = equal(x, 0xC2) | equal(x, 0xE1) | equal(x, 0xE2) | equal(x, 0xE3);
        spaces |= gather(within(x, b'\t', b'\r') | equal(x, b' ') | leads) << at;
        lead |= gather(equal(x & (ONES * 0xFC), 0xD0)) << at;
        continuation |= gather(equal(x & (ONES * 0xC0), 0x80)) << at;
        d2 |= gather(equal(x, 0xD2)) << at;
        // 82..=89 with the top bit flipped is 02..=09.
        signs |= gather(within(x ^ HIGH, 0x02, 0x09)) << at;
    }
    let [cyrillic, next] = cyrillic_letters(lead, continuation, d2, signs, *carry);
    *carry = next;
    Block {
        word,
        suspect: high,
        stops,
        newlines,
        spaces,
        cyrillic,
    }
}

/// The bytes of the Cyrillic letters of a block, from its lead bytes D0..=D3, its continuation
/// bytes, its D2 bytes and its bytes 82..=89, and the carry of the block before: a lead byte and
/// the one after it, but a D2 followed by a sign (`mark_all` takes back a D2 that ended the block
/// before). With the carry for the next block (its D2 and Cyrillic-lead bits).
#[inline]
fn cyrillic_letters(lead: u64, continuation: u64, d2: u64, signs: u64, carry: u64) -> [u64; 2] {
    let after_d2 = d2 << 1 | u64::from(carry & CARRY_D2 != 0);
    let after_lead = lead << 1 | u64::from(carry & CARRY_CYRILLIC != 0);
    let sign = after_d2 & signs;
    let cyrillic = (lead | (after_lead & continuation)) & !sign & !(sign >> 1);
    [cyrillic, ((d2 >> 63) * CARRY_D2) | ((lead >> 63) * CARRY_CYRILLIC)]
}

/// Whether every character of a run beyond ASCII is surely a letter: Latin-1 letters, Latin
/// Extended-A and -B, IPA and the modifier letters to U+02BF (U+00C0 to U+02BF but × and ÷:
/// the 2017 alphabet's ʼ is U+02BC), and Cyrillic (U+0400 to U+04FF but the signs U+0482 to
/// U+0489). `false` says only that the caller must look closer.
#[inline]
pub(crate) fn all_letters(run: &[u8]) -> bool {
    // One table lookup a byte: 1 for a lead byte of anything else, 2 for a byte that needs its
    // neighbour looked at (continuation bytes that end ×, ÷ or a sign).
    const CLASS: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut b = 0xC0;
        while b < 256 {
            t[b] = match b {
                0xC3..=0xCA | 0xD0..=0xD3 => 0,
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
            _ => true,
        }),
        _ => false,
    }
}

/// The same tests, sixteen bytes at a time, with SSE2 (part of every x86-64 processor).
#[cfg(all(target_arch = "x86_64", feature = "simd"))]
#[allow(unsafe_code)]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x, _mm_xor_si128,
    };

    /// Sixteen bytes as one vector.
    #[inline]
    fn load(b: &[u8; 16]) -> __m128i {
        let mut half = [0u8; 8];
        half.copy_from_slice(&b[..8]);
        let low = i64::from_le_bytes(half);
        half.copy_from_slice(&b[8..]);
        let high = i64::from_le_bytes(half);
        // SAFETY: SSE2 is part of the x86-64 baseline, so every x86-64 processor has it.
        unsafe { _mm_set_epi64x(high, low) }
    }

    /// Byte `x` in `lo..=hi`, in each byte of a vector.
    #[inline]
    fn within(x: __m128i, lo: u8, hi: u8) -> __m128i {
        // SAFETY: as in `load`.
        unsafe {
            // Unsigned order, as signed order once the top bit is flipped.
            let flip = |v: u8| _mm_set1_epi8((v ^ 0x80) as i8);
            let y = _mm_xor_si128(x, _mm_set1_epi8(-128));
            _mm_andnot_si128(
                _mm_or_si128(_mm_cmplt_epi8(y, flip(lo)), _mm_cmpgt_epi8(y, flip(hi))),
                _mm_set1_epi8(-1),
            )
        }
    }

    /// The bits of a vector's bytes that are set (all ones), byte `j` to bit `j`.
    #[inline]
    fn bits(x: __m128i) -> u64 {
        // SAFETY: as in `load`.
        u64::from(unsafe { _mm_movemask_epi8(x) } as u16)
    }

    /// The marks of sixteen bytes: bytes of a word, lead bytes that start no sure letter, the
    /// lead bytes D2, the bytes that follow a D2 in no sure letter, the lead bytes C3, and the
    /// bytes that follow a C3 in no sure letter.
    #[inline]
    fn marks16(b: &[u8; 16], apostrophe: u8) -> [u64; 11] {
        let x = load(b);
        // SAFETY: as in `load`.
        unsafe {
            let eq = |v: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(v as i8));
            // `a`..=`z` once folded to lower case, shifted to the bottom of the signed range.
            let shifted = _mm_add_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)), _mm_set1_epi8(0x1F));
            let letter = _mm_cmplt_epi8(shifted, _mm_set1_epi8(-128 + 26));
            // The top bit of `x` is set for every byte beyond ASCII.
            let word = _mm_or_si128(_mm_or_si128(letter, eq(apostrophe)), x);
            // Lead bytes of letters for sure: C3..=C9 (Latin) and D0..=D3 (Cyrillic); every
            // other lead byte is suspect.
            let lead = within(x, 0xC0, 0xFF);
            let sure_lead = _mm_or_si128(within(x, 0xC3, 0xC9), within(x, 0xD0, 0xD3));
            let odd_lead = _mm_andnot_si128(sure_lead, lead);
            // After D2, 82..=89 are signs; after C3, 97 and B7 are × and ÷.
            let signs = within(x, 0x82, 0x89);
            let times = _mm_or_si128(eq(0x97), eq(0xB7));
            let stops = _mm_or_si128(_mm_or_si128(eq(b':'), eq(b'@')), eq(b'.'));
            [
                bits(word),
                bits(odd_lead),
                bits(eq(0xD2)),
                bits(signs),
                bits(eq(0xC3)),
                bits(times),
                bits(stops),
                bits(eq(b'\n')),
                bits(_mm_or_si128(
                    _mm_or_si128(within(x, b'\t', b'\r'), eq(b' ')),
                    _mm_or_si128(eq(0xC2), within(x, 0xE1, 0xE3)),
                )),
                bits(within(x, 0xD0, 0xD3)),
                bits(within(x, 0x80, 0xBF)),
            ]
        }
    }

    /// [`super::marks`] of a whole block; `carry` holds bit 0 for a D2 and bit 1 for a C3 as
    /// the last byte of the block before.
    #[inline]
    pub(super) fn marks(block: &[u8; 64], apostrophe: u8, carry: &mut u64) -> super::Block {
        let mut m = [0u64; 11];
        for (k, sixteen) in block.chunks_exact(16).enumerate() {
            let mut b = [0u8; 16];
            b.copy_from_slice(sixteen);
            for (all, part) in m.iter_mut().zip(marks16(&b, apostrophe)) {
                *all |= part << (16 * k);
            }
        }
        super::block_of(m, carry)
    }
}

/// The marks of a block from the masks its vector tests give, in the order of `sse2::marks16`
/// (bytes of a word, lead bytes that start no sure letter, D2, 82..=89, C3, 97 and B7, stops,
/// line feeds, whitespace starts, Cyrillic lead bytes, continuation bytes), and the carry of the
/// block before, which it updates.
#[cfg(all(target_arch = "x86_64", feature = "simd"))]
#[inline(always)]
fn block_of(masks: [u64; 11], carry: &mut u64) -> Block {
    let [word, odd, d2, signs, c3, times, stops, newlines, spaces, cyrillic_lead, continuation] = masks;
    let after_d2 = d2 << 1 | u64::from(*carry & CARRY_D2 != 0);
    let after_c3 = c3 << 1 | u64::from(*carry & CARRY_C3 != 0);
    let [cyrillic, next] = cyrillic_letters(cyrillic_lead, continuation, d2, signs, *carry);
    *carry = next | ((c3 >> 63) * CARRY_C3);
    Block {
        word,
        suspect: odd | (after_d2 & signs) | (after_c3 & times),
        stops,
        newlines,
        spaces,
        cyrillic,
    }
}

/// The same tests 32 bytes at a time with AVX-512BW and AVX-512VL, whose comparisons give the
/// bit masks themselves, on processors that have them. Vectors of 256 bits do not slow the
/// processor's clock down for the scalar work that follows, as 512-bit ones may.
#[cfg(all(target_arch = "x86_64", feature = "simd"))]
#[allow(unsafe_code)]
mod avx512 {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8_mask, _mm256_cmple_epu8_mask, _mm256_cmplt_epu8_mask, _mm256_maskz_loadu_epi8,
        _mm256_movepi8_mask, _mm256_or_si256, _mm256_set1_epi8, _mm256_sub_epi8,
    };

    use super::{push_marked, Block, BLOCK};

    /// [`super::mark_all`].
    #[target_feature(enable = "avx512f,avx512bw,avx512vl")]
    pub(super) fn mark_all(text: &[u8], apostrophe: bool, blocks: &mut Vec<Block>) {
        let apostrophe = if apostrophe { b'\'' } else { 0xFF };
        blocks.clear();
        blocks.reserve(text.len().div_ceil(BLOCK));
        let mut carry = 0;
        for block in text.chunks(BLOCK) {
            // The last block is read padded with zeros, which are marked nothing.
            let keep = if block.len() == BLOCK {
                !0
            } else {
                (1u64 << block.len()) - 1
            };
            // SAFETY: each load reads only the bytes of `block` that its half of `keep` selects.
            let halves = unsafe {
                [
                    _mm256_maskz_loadu_epi8(keep as u32, block.as_ptr().cast()),
                    _mm256_maskz_loadu_epi8((keep >> 32) as u32, block.as_ptr().wrapping_add(32).cast()),
                ]
            };
            let before = carry;
            let marked = marks(halves, apostrophe, &mut carry);
            push_marked(blocks, marked, before);
        }
    }

    /// The marks of 64 bytes, as two halves, as [`super::sse2::marks`] makes them.
    #[inline]
    #[target_feature(enable = "avx512f,avx512bw,avx512vl")]
    fn marks(x: [__m256i; 2], apostrophe: u8, carry: &mut u64) -> Block {
        let both = |f: &dyn Fn(__m256i) -> u32| u64::from(f(x[0])) | u64::from(f(x[1])) << 32;
        let eq = |v: u8| both(&|x| _mm256_cmpeq_epi8_mask(x, _mm256_set1_epi8(v as i8)));
        // Bytes in `lo..=hi`: below `hi - lo + 1` once `lo` is taken away.
        let within = |lo: u8, hi: u8| {
            both(&|x| {
                _mm256_cmple_epu8_mask(
                    _mm256_sub_epi8(x, _mm256_set1_epi8(lo as i8)),
                    _mm256_set1_epi8((hi - lo) as i8),
                )
            })
        };
        // `a`..=`z` once folded to lower case.
        let letter = both(&|x| {
            let folded = _mm256_sub_epi8(_mm256_or_si256(x, _mm256_set1_epi8(0x20)), _mm256_set1_epi8(b'a' as i8));
            _mm256_cmplt_epu8_mask(folded, _mm256_set1_epi8(26))
        });
        let high = both(&|x| _mm256_movepi8_mask(x));
        let word = letter | eq(apostrophe) | high;
        // Lead bytes of letters for sure: C3..=C9 (Latin) and D0..=D3 (Cyrillic); every other
        // lead byte is suspect.
        let lead = within(0xC0, 0xFF);
        let cyrillic_lead = within(0xD0, 0xD3);
        let odd = lead & !(within(0xC3, 0xC9) | cyrillic_lead);
        // After D2, 82..=89 are signs; after C3, 97 and B7 are × and ÷.
        let d2 = eq(0xD2);
        let c3 = eq(0xC3);
        let signs = within(0x82, 0x89);
        let times = eq(0x97) | eq(0xB7);
        let stops = eq(b':') | eq(b'@') | eq(b'.');
        let spaces = within(b'\t', b'\r') | eq(b' ') | eq(0xC2) | within(0xE1, 0xE3);
        let continuation = within(0x80, 0xBF);
        let newlines = eq(b'\n');
        super::block_of(
            [
                word,
                odd,
                d2,
                signs,
                c3,
                times,
                stops,
                newlines,
                spaces,
                cyrillic_lead,
                continuation,
            ],
            carry,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text of `n` pieces of `pool`, picked by `seed` (`spread` varies the picking).
    fn sample<T: AsRef<str>>(pool: &[T], seed: u64, n: usize, spread: u32) -> String {
        (0..n)
            .map(|i| {
                let k = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(i as u32 * spread) % pool.len() as u64;
                pool[k as usize].as_ref()
            })
            .collect()
    }

    fn runs(text: &str, apostrophe: bool) -> Vec<&str> {
        let mut bits = Vec::new();
        Runs::new(text.as_bytes(), apostrophe, &mut bits)
            .map(|(s, e, _)| &text[s..e])
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
    fn sure_runs_are_letters_and_marks_are_the_bytewise_marks() {
        let pool = [
            'a', 'Z', ' ', '\'', 'ş', 'ñ', '×', '÷', 'қ', 'ғ', '҂', '«', '»', '—', 'ʰ', 'ǵ', 'Ӛ', 'ª', '€', '😀', '-',
            '.',
        ];
        for seed in 0u64..4000 {
            let len = (seed % 90) as usize;
            let text = sample(&pool.map(String::from), seed, len, 7);
            let b = text.as_bytes();
            for apostrophe in [false, true] {
                let mut blocks = Vec::new();
                let runs: Vec<_> = Runs::new(b, apostrophe, &mut blocks).collect();
                let apostrophe = if apostrophe { b'\'' } else { 0xFF };
                for (k, block) in blocks.iter().enumerate() {
                    let bytes = &b[k * BLOCK..b.len().min((k + 1) * BLOCK)];
                    let one = bytes.iter().enumerate().fold(0, |m, (j, &x)| {
                        m | u64::from(x.is_ascii_alphabetic() || x >= 0x80 || x == apostrophe) << j
                    });
                    assert_eq!(block.word, one, "{text:?}");
                }
                for (s, e, sure) in runs {
                    if sure {
                        assert!(all_letters(&b[s..e]), "{:?} in {text:?}", &text[s..e]);
                    }
                }
            }
        }
        // Runs of sure letters are found as such.
        let text = "Qazaqstan Respublikasy şañyraq Қазақстан".repeat(3);
        let mut blocks = Vec::new();
        assert!(Runs::new(text.as_bytes(), false, &mut blocks)
            .all(|(_, _, sure)| sure || !cfg!(all(target_arch = "x86_64", feature = "simd"))));
    }

    #[test]
    fn runs_within_a_range_are_the_bytewise_runs() {
        let pool = ["a", "bc", " ", "\n", "ş", "қ", "«", "҂", "x".repeat(70).as_str()].map(str::to_string);
        for seed in 0u64..3000 {
            let n = (seed % 40) as usize;
            let text = sample(&pool, seed, n, 5);
            let b = text.as_bytes();
            let mut blocks = Vec::new();
            mark_all(b, false, &mut blocks);
            // Ranges start after a byte of no word, as lines do.
            let starts: Vec<usize> = (0..=b.len()).filter(|&i| i == 0 || b[i - 1] == b'\n').collect();
            for &start in &starts {
                for end in (start..=b.len()).step_by(7).chain([b.len()]) {
                    let mut expected = Vec::new();
                    let mut i = start;
                    while i < end {
                        if b[i].is_ascii_alphabetic() || b[i] >= 0x80 {
                            let s = i;
                            while i < end && (b[i].is_ascii_alphabetic() || b[i] >= 0x80) {
                                i += 1;
                            }
                            expected.push((s, i));
                        } else {
                            i += 1;
                        }
                    }
                    let found: Vec<(usize, usize, bool)> = Runs::within(&blocks, start, end).collect();
                    let pairs: Vec<(usize, usize)> = found.iter().map(|&(s, e, _)| (s, e)).collect();
                    assert_eq!(pairs, expected, "{text:?} {start}..{end}");
                    let mut each = Vec::new();
                    assert!(each_run(&blocks, start, end, |s, e, sure| {
                        each.push((s, e, sure));
                        true
                    }));
                    let each_pairs: Vec<(usize, usize)> = each.iter().map(|&(s, e, _)| (s, e)).collect();
                    assert_eq!(each_pairs, expected, "each_run: {text:?} {start}..{end}");
                    // Both are sure of a run of letters alone (`Runs` may also look at the
                    // bytes after a range's end).
                    for (&(s, e, sure), &(.., runs_sure)) in each.iter().zip(&found) {
                        assert!(!sure || all_letters(&b[s..e]), "{text:?} {s}..{e}");
                        assert!(sure || !runs_sure, "{text:?} {s}..{e}");
                    }
                }
            }
        }
    }

    #[test]
    fn sse2_and_portable_marks_agree_and_cyrillic_is_bytewise() {
        let pool = [
            "a",
            " ",
            "\n",
            "қ",
            "ж",
            "҂",
            "Ӛ",
            "ş",
            "«",
            "\u{a0}",
            "\u{2003}",
            "—",
            ":",
            "@",
            ".",
            "\t",
            "-",
            "😀",
            "×",
            "é",
            "'",
            "x".repeat(61).as_str(),
        ]
        .map(str::to_string);
        for seed in 0u64..3000 {
            let n = (seed % 60) as usize;
            let text = sample(&pool, seed, n, 5);
            let b = text.as_bytes();
            let (mut fast, mut sixteen, mut portable) = (Vec::new(), Vec::new(), Vec::new());
            // The fastest marking the processor runs, and the one with SSE2 or without it.
            let apostrophe = seed % 2 == 0;
            mark_all(b, apostrophe, &mut fast);
            mark_all_with(b, apostrophe, &mut sixteen, marks);
            mark_all_with(b, apostrophe, &mut portable, marks_portable);
            assert_eq!(fast, sixteen, "{text:?}");
            for (k, (f, p)) in fast.iter().zip(&portable).enumerate() {
                assert_eq!(
                    (f.word, f.stops, f.newlines, f.spaces, f.cyrillic),
                    (p.word, p.stops, p.newlines, p.spaces, p.cyrillic),
                    "{text:?} block {k}"
                );
                assert_eq!(f.suspect & !p.suspect, 0, "{text:?} block {k}");
            }
            // Both bytes of each Cyrillic letter but the signs, and nothing else.
            let mut expected = vec![false; b.len()];
            let mut i = 0;
            while i < b.len() {
                let letter = matches!(b[i], 0xD0 | 0xD1 | 0xD3) || (b[i] == 0xD2 && !(0x82..=0x89).contains(&b[i + 1]));
                if letter {
                    expected[i] = true;
                    expected[i + 1] = true;
                    i += 2;
                } else {
                    i += 1;
                }
            }
            for (i, &e) in expected.iter().enumerate() {
                assert_eq!(fast[i / BLOCK].cyrillic >> (i % BLOCK) & 1 == 1, e, "{text:?} byte {i}");
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
        // IPA and modifier letters to U+02BF (the 2017 ʼ), not the modifier symbols after.
        assert!(all_letters("qazaqʼ ɵ".replace(' ', "").as_bytes()));
        assert!(!all_letters("a˂".as_bytes()));
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
