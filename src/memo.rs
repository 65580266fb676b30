//! A bounded memo of converted words, for reading Latin back to Cyrillic.
//!
//! Converting a Latin word looks it up in the lexicon, tries its stems and reads it by the
//! letter rules; a word of real text is seen again and again (news text of 82,000 words has
//! 21,000 different ones), so its result is kept. What a word turns into depends on the word and
//! the characters on each side of it, and only on whether those are letters (and which ones):
//! the key is the word and its two neighbours reduced by [`neighbour`].
//!
//! The memo is a hash table of fixed-size slots (open addressing, linear probing) over one
//! buffer of bytes holding each word and its result. It holds at most [`MAX_WORDS`] words and
//! starts again empty when full, so memory stays bounded however long the input.

use std::sync::{Arc, Mutex};

use crate::engine::is_alpha;

/// The most words a memo holds before it starts again.
const MAX_WORDS: usize = 1 << 15;
/// Longest word kept, in bytes.
const MAX_WORD: usize = 64;
/// Slots of a new memo (a power of two); the table doubles while at most half full.
const FIRST_SLOTS: usize = 1 << 10;
/// A neighbour that plays no part in a conversion: no character, or one that is not a letter.
const NO_NEIGHBOUR: u32 = 0x11_0000;

/// What a word's conversion depends on of a neighbouring character: the character itself when
/// it is a letter or a carriage return, [`NO_NEIGHBOUR`] otherwise. The rules' context classes
/// (`tables/classes.tsv`) hold letters only, and a rule that drops its letter looks for a
/// carriage return before it.
#[inline]
pub(crate) fn neighbour(c: Option<char>) -> u32 {
    match c {
        Some(c) if c == '\r' || is_alpha(c) => c as u32,
        _ => NO_NEIGHBOUR,
    }
}

/// One remembered word: where its entry starts in [`WordMemo::bytes`]. An entry is a header
/// ([`HEADER`] bytes: the neighbours, the word's length, the note, where its result is in
/// [`WordMemo::results`] and how long) followed by the word, so that a lookup reads one place
/// besides the slot and the result.
#[derive(Clone, Copy, Default)]
struct Slot {
    /// The high half of the word's hash, with the lowest bit set; 0 for an empty slot.
    tag: u32,
    /// Where the entry starts.
    at: u32,
}

/// Bytes of an entry's header: the neighbours (8), the word's length (1), the note (1), the
/// result's length (2) and place (4).
const HEADER: usize = 16;

/// Converted words and their results.
pub(crate) struct WordMemo {
    slots: Vec<Slot>,
    /// The entries.
    bytes: Vec<u8>,
    /// The results.
    results: String,
    words: usize,
    /// The most words held ([`MAX_WORDS`], or 0 for a memo that keeps nothing).
    max_words: usize,
}

impl Default for WordMemo {
    fn default() -> WordMemo {
        WordMemo {
            slots: vec![Slot::default(); FIRST_SLOTS],
            bytes: Vec::new(),
            results: String::new(),
            words: 0,
            max_words: MAX_WORDS,
        }
    }
}

/// Reads eight bytes as a number.
#[inline]
fn read8(b: &[u8], at: usize) -> u64 {
    let mut eight = [0u8; 8];
    eight.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(eight)
}

/// Reads four bytes as a number.
#[inline]
fn read4(b: &[u8], at: usize) -> u64 {
    let mut four = [0u8; 4];
    four.copy_from_slice(&b[at..at + 4]);
    u64::from(u32::from_le_bytes(four))
}

/// The hash of a word and its neighbours. The word is read as whole numbers (the last eight or
/// four bytes overlapping the ones before), so that a short word costs one multiplication.
#[inline]
pub(crate) fn hash(word: &[u8], context: u64) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let n = word.len();
    let mut h = (context ^ n as u64).wrapping_mul(K);
    let mut mix = |x: u64| h = (h.rotate_left(23) ^ x).wrapping_mul(K);
    if n >= 8 {
        let mut at = 0;
        while at + 8 < n {
            mix(read8(word, at));
            at += 8;
        }
        mix(read8(word, n - 8));
    } else if n >= 4 {
        mix(read4(word, 0) | read4(word, n - 4) << 32);
    } else if n > 0 {
        mix(u64::from(word[0]) | u64::from(word[n / 2]) << 8 | u64::from(word[n - 1]) << 16);
    }
    h ^ (h >> 32)
}

/// Whether two words of the same length are equal, compared as numbers (words are short, and a
/// call to `memcmp` costs more than the comparison).
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n >= 8 {
        let mut at = 0;
        while at + 8 < n {
            if read8(a, at) != read8(b, at) {
                return false;
            }
            at += 8;
        }
        read8(a, n - 8) == read8(b, n - 8)
    } else if n >= 4 {
        read4(a, 0) == read4(b, 0) && read4(a, n - 4) == read4(b, n - 4)
    } else {
        a == b
    }
}

/// The pair of neighbours as one key part.
#[inline]
pub(crate) fn context(before: u32, after: u32) -> u64 {
    u64::from(before) << 32 | u64::from(after)
}

impl WordMemo {
    #[inline]
    fn tag(hash: u64) -> u32 {
        (hash >> 32) as u32 | 1
    }

    /// The result and note of `word` between neighbours `context`, whose [`hash`] is `hash`.
    #[inline]
    pub(crate) fn get(&self, hash: u64, word: &[u8], context: u64) -> Option<(&str, u8)> {
        let mask = self.slots.len() - 1;
        let tag = Self::tag(hash);
        let mut i = hash as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot.tag == 0 {
                return None;
            }
            if slot.tag == tag {
                let at = slot.at as usize;
                let header = &self.bytes[at..at + HEADER];
                let word_len = usize::from(header[8]);
                if read8(header, 0) == context && word_len == word.len() {
                    let start = at + HEADER;
                    let end = start + word_len;
                    if same(&self.bytes[start..end], word) {
                        let out_len = usize::from(u16::from_le_bytes([header[10], header[11]]));
                        let out_at = read4(header, 12) as usize;
                        return Some((&self.results[out_at..out_at + out_len], header[9]));
                    }
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Remembers the result `out` and `note` of a word that [`WordMemo::get`] does not hold.
    /// Words longer than [`MAX_WORD`] bytes, or results longer than a header can say, are not
    /// kept.
    pub(crate) fn insert(&mut self, hash: u64, word: &str, context: u64, out: &str, note: u8) {
        let Ok(out_len) = u16::try_from(out.len()) else {
            return;
        };
        if word.len() > MAX_WORD || self.max_words == 0 {
            return;
        }
        if self.words >= self.max_words
            || (self.bytes.len() + HEADER + word.len()).max(self.results.len() + out.len()) > u32::MAX as usize
        {
            self.clear();
        }
        if (self.words + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let at = self.bytes.len() as u32;
        self.bytes.extend_from_slice(&context.to_le_bytes());
        self.bytes.push(word.len() as u8);
        self.bytes.push(note);
        self.bytes.extend_from_slice(&out_len.to_le_bytes());
        self.bytes.extend_from_slice(&(self.results.len() as u32).to_le_bytes());
        self.bytes.extend_from_slice(word.as_bytes());
        self.results.push_str(out);
        self.place(
            hash,
            Slot {
                tag: Self::tag(hash),
                at,
            },
        );
        self.words += 1;
    }

    fn place(&mut self, hash: u64, slot: Slot) {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        while self.slots[i].tag != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot;
    }

    /// Doubles the table, placing every word again.
    fn grow(&mut self) {
        let doubled = vec![Slot::default(); self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        for slot in old.into_iter().filter(|s| s.tag != 0) {
            let at = slot.at as usize;
            let context = read8(&self.bytes, at);
            let start = at + HEADER;
            let word = &self.bytes[start..start + usize::from(self.bytes[at + 8])];
            let h = hash(word, context);
            self.place(h, slot);
        }
    }

    /// Forgets every word, keeping the memory.
    fn clear(&mut self) {
        self.slots.fill(Slot::default());
        self.bytes.clear();
        self.results.clear();
        self.words = 0;
    }
}

/// Memos shared by the clones of one converter: a conversion takes one for its duration, so
/// threads converting at once each have their own.
#[derive(Clone)]
pub(crate) struct MemoPool {
    memos: Arc<Mutex<Vec<WordMemo>>>,
    /// The most words a memo holds (0: memos keep nothing).
    max_words: usize,
}

impl Default for MemoPool {
    fn default() -> MemoPool {
        MemoPool {
            memos: Arc::default(),
            max_words: MAX_WORDS,
        }
    }
}

impl MemoPool {
    /// A pool whose memos keep nothing: every word is converted afresh.
    #[cfg(test)]
    pub(crate) fn off() -> MemoPool {
        MemoPool {
            memos: Arc::default(),
            max_words: 0,
        }
    }

    /// Runs `f` with a memo of the pool.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut WordMemo) -> R) -> R {
        let taken = self.memos.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut memo = taken.unwrap_or_else(|| WordMemo {
            max_words: self.max_words,
            ..WordMemo::default()
        });
        let result = f(&mut memo);
        self.memos.lock().unwrap_or_else(|e| e.into_inner()).push(memo);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_words_by_neighbours() {
        let mut memo = WordMemo::default();
        let plain = context(NO_NEIGHBOUR, NO_NEIGHBOUR);
        let caps = context(NO_NEIGHBOUR, 'A' as u32);
        memo.insert(hash(b"sh", plain), "sh", plain, "ш", 1);
        assert_eq!(memo.get(hash(b"sh", plain), b"sh", plain), Some(("ш", 1)));
        assert_eq!(memo.get(hash(b"sh", caps), b"sh", caps), None);
        assert_eq!(memo.get(hash(b"s", plain), b"s", plain), None);
    }

    #[test]
    fn grows_and_starts_again_when_full() {
        let mut memo = WordMemo::default();
        let c = context(NO_NEIGHBOUR, NO_NEIGHBOUR);
        let words: Vec<String> = (0..MAX_WORDS + 10).map(|i| format!("w{i}")).collect();
        for w in &words {
            memo.insert(hash(w.as_bytes(), c), w, c, &w.to_uppercase(), 0);
        }
        assert_eq!(memo.words, 10);
        let last = words.last().expect("words");
        let found = memo.get(hash(last.as_bytes(), c), last.as_bytes(), c);
        assert_eq!(found, Some((last.to_uppercase().as_str(), 0)));
        assert_eq!(memo.get(hash(b"w0", c), b"w0", c), None);
        for w in &words[words.len() - 10..] {
            assert!(memo.get(hash(w.as_bytes(), c), w.as_bytes(), c).is_some(), "{w}");
        }
    }

    #[test]
    fn same_compares_every_byte() {
        for n in 0..40 {
            let a: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(same(&a, &a.clone()));
            for k in 0..n {
                let mut b = a.clone();
                b[k] ^= 1;
                assert!(!same(&a, &b), "{n} {k}");
            }
        }
        assert!(!same(b"ab", b"abc"));
    }

    #[test]
    fn neighbours_that_are_not_letters_are_alike() {
        assert_eq!(neighbour(None), neighbour(Some(',')));
        assert_eq!(neighbour(Some(' ')), neighbour(Some('«')));
        assert_ne!(neighbour(Some('\r')), neighbour(None));
        assert_ne!(neighbour(Some('a')), neighbour(Some('A')));
    }
}
