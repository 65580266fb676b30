//! A bounded memo of what was made of words: their Cyrillic when reading Latin back, their
//! repairs when normalizing.
//!
//! Both look a word up in lexicons, try its stems and endings and read it by rules; a word of
//! real text is seen again and again (news text of 82,000 words has 21,000 different ones), so
//! what was made of it is kept, under the word and a small context (below 8) that says what
//! else the result depends on.
//!
//! Reading Latin back, a word's Cyrillic depends on the characters on each side of it only
//! through the rules' conditions, which ask whether a neighbour is a letter, which letter, and
//! whether it is a carriage return. A word's neighbours are never letters (a word is a whole
//! run of letters), so the context is whether each neighbour is a carriage return
//! ([`context`]); a word beside a letter is not kept.
//!
//! The memo is a hash table of slots (open addressing, linear probing) over one string holding
//! each word and its result, so that a lookup reads the slot and one place. It holds at most
//! [`MAX_WORDS`] words and starts again empty when full, so memory stays bounded however long
//! the input.

use std::sync::{Arc, Mutex};

use crate::engine::is_alpha;

/// The most words a memo holds before it starts again.
const MAX_WORDS: usize = 1 << 16;
/// Longest word kept, in bytes (its length is one byte of an entry's header).
const MAX_WORD: usize = 0x7F;
/// Longest result kept, in bytes (its length is two 7-bit bytes of an entry's header).
const MAX_RESULT: usize = 0x3FFF;
/// Slots of a new memo (a power of two); the table doubles while at most half full.
const FIRST_SLOTS: usize = 1 << 10;
/// Bytes of an entry's header: the context (3 bits) and note (4 bits), the word's length, the
/// result's length.
/// Every header byte is below 0x80, so that the entries stay one UTF-8 string.
const HEADER: usize = 4;

/// The memo key part of a word's neighbours: bit 0 for a carriage return before it, bit 1 for
/// one after it; `None` when a neighbour is a letter (such a word is not kept).
#[inline]
pub(crate) fn context(before: Option<char>, after: Option<char>) -> Option<u8> {
    let part = |c: Option<char>| match c {
        Some('\r') => Some(1),
        Some(c) if is_alpha(c) => None,
        _ => Some(0),
    };
    Some(part(before)? | part(after)? << 1)
}

/// One remembered word: the high half of its hash (lowest bit set; 0 for an empty slot), and
/// where its entry starts in [`WordMemo::entries`].
#[derive(Clone, Copy, Default)]
struct Slot {
    tag: u32,
    at: u32,
}

/// Converted words and their results.
pub(crate) struct WordMemo {
    slots: Vec<Slot>,
    /// The entries: a [`HEADER`], the word, the result.
    entries: String,
    words: usize,
    /// The most words held ([`MAX_WORDS`], or 0 for a memo that keeps nothing).
    max_words: usize,
}

impl Default for WordMemo {
    fn default() -> WordMemo {
        WordMemo {
            slots: vec![Slot::default(); FIRST_SLOTS],
            entries: ZEROS.to_string(),
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

/// A word as the memo reads it: its hash (with its [`context`]), and its first sixteen bytes
/// as two numbers, zeros after its end, so that a short word is hashed and compared without a
/// branch on its length.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Key {
    /// The hash of the word and its context.
    pub(crate) hash: u64,
    low: u64,
    high: u64,
}

/// The low `n` bytes of a number (all of them from eight on).
const fn low_bytes(n: usize) -> u64 {
    if n >= 8 {
        !0
    } else {
        (1u64 << (8 * n)) - 1
    }
}

/// For a word of `n` bytes up to sixteen, the masks of its bytes among the first and the
/// second eight bytes read from where it starts: one load, where computing them takes branches.
const MASKS: [(u64, u64); 17] = {
    let mut masks = [(0, 0); 17];
    let mut n = 0;
    while n <= 16 {
        masks[n] = (low_bytes(n), low_bytes(n.saturating_sub(8)));
        n += 1;
    }
    masks
};

/// The multiplier of the memo hash.
const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// The hash state of a word of `n` bytes in `context`, before its bytes.
#[inline(always)]
fn hash_start(n: usize, context: u8) -> u64 {
    (u64::from(context) << 32 ^ n as u64).wrapping_mul(K)
}

/// The hash state `h` after eight more bytes of a word, `x`.
#[inline(always)]
fn hash_step(h: u64, x: u64) -> u64 {
    (h.rotate_left(23) ^ x).wrapping_mul(K)
}

/// The hash of a finished state.
#[inline(always)]
fn hash_finish(h: u64) -> u64 {
    h ^ (h >> 32)
}

/// The hash of a word of `n` bytes in `context`, whose first sixteen bytes are `low` and
/// `high` and the rest `tail` (from byte 16 on; words of sixteen bytes or fewer have none).
#[inline]
fn mix(low: u64, high: u64, tail: &[u8], n: usize, context: u8) -> u64 {
    let mut h = hash_step(hash_step(hash_start(n, context), low), high);
    let mut chunks = tail.chunks_exact(8);
    for chunk in chunks.by_ref() {
        h = hash_step(h, read8(chunk, 0));
    }
    if let rest @ [_, ..] = chunks.remainder() {
        let mut eight = [0u8; 8];
        eight[..rest.len()].copy_from_slice(rest);
        h = hash_step(h, u64::from_le_bytes(eight));
    }
    hash_finish(h)
}

/// The memo key of `word` in `context`.
#[inline]
pub(crate) fn key(word: &[u8], context: u8) -> Key {
    let (low, high) = if word.len() >= 16 {
        (read8(word, 0), read8(word, 8))
    } else {
        let mut sixteen = [0u8; 16];
        sixteen[..word.len()].copy_from_slice(word);
        (read8(&sixteen, 0), read8(&sixteen, 8))
    };
    let n = word.len().min(16);
    Key {
        hash: mix(low, high, &word[n..], word.len(), context),
        low,
        high,
    }
}

/// The memo key of the word `text[start..end]` in `context`, the same as [`key`]'s: a word of
/// up to 32 bytes is read from the text around it eight bytes at a time, masked to its length,
/// without copying it.
#[inline(always)]
pub(crate) fn key_in(text: &[u8], start: usize, end: usize, context: u8) -> Key {
    let n = end - start;
    let sixteen = text.get(start..start + 16).and_then(|b| <&[u8; 16]>::try_from(b).ok());
    if let (true, Some(sixteen)) = (n <= 16, sixteen) {
        let (low_mask, high_mask) = MASKS[n.min(16)];
        let low = read8(sixteen, 0) & low_mask;
        let high = read8(sixteen, 8) & high_mask;
        Key {
            hash: mix(low, high, &[], n, context),
            low,
            high,
        }
    } else if n <= 32 && start + 32 <= text.len() {
        // Bytes 16 to 32 as [`mix`] takes them: eight at a time, zeros after the word's end.
        let (low, high) = (read8(text, start), read8(text, start + 8));
        let (third_mask, fourth_mask) = MASKS[n - 16];
        let mut h = hash_step(hash_step(hash_start(n, context), low), high);
        h = hash_step(h, read8(text, start + 16) & third_mask);
        if n > 24 {
            h = hash_step(h, read8(text, start + 24) & fourth_mask);
        }
        Key {
            hash: hash_finish(h),
            low,
            high,
        }
    } else {
        key(&text[start..end], context)
    }
}

/// The hash of a word and its [`context`] ([`Key::hash`]).
#[inline]
pub(crate) fn hash(word: &[u8], context: u8) -> u64 {
    key(word, context).hash
}

/// Whether two words are equal, compared eight bytes at a time (words are short, and a call to
/// `memcmp` costs more than the comparison).
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a == b;
    }
    let mut at = 0;
    while at + 8 < n {
        if read8(a, at) != read8(b, at) {
            return false;
        }
        at += 8;
    }
    read8(a, n - 8) == read8(b, n - 8)
}

/// Appends `text[start..end]` to `out`. When `text` holds `N` bytes from `start` on, the piece
/// is no longer, and `out` has room for `N` more bytes, they are written as a block of that
/// size past `out`'s end, of which the piece's length is kept: that saves a call to copy memory
/// of a length known only now, which costs more than the copy of a short piece.
#[inline(always)]
pub(crate) fn push_short<const N: usize>(out: &mut String, text: &str, start: usize, end: usize) {
    let bytes = text.as_bytes();
    let len = end.wrapping_sub(start);
    // A byte starts a character unless it is a continuation byte (0b10xx_xxxx).
    let starts_char = |i: usize| bytes.get(i).is_none_or(|&b| (b as i8) >= -0x40);
    let fits = len <= N && holds_block::<N>(bytes.len(), start) && out.capacity() - out.len() >= N;
    if fits && starts_char(start) && starts_char(end) {
        // SAFETY: `text` holds `N` bytes from `start` on and `out` has room for `N` more; the
        // ends of `text[start..end]` are character boundaries.
        #[allow(unsafe_code)]
        unsafe {
            push_block::<N>(out, bytes, start, len);
        }
    } else {
        out.push_str(&text[start..end]);
    }
}

/// Writes the `N` bytes of `bytes` from `start` on past the end of `out`, and keeps the first
/// `len` of them.
///
/// # Safety
/// `bytes` holds `N` bytes from `start` on, `out` has room for `N` more, and
/// `bytes[start..start + len]` is UTF-8 (a string, or a piece of one cut at character
/// boundaries), so that `out` stays UTF-8.
#[inline(always)]
#[allow(unsafe_code)]
unsafe fn push_block<const N: usize>(out: &mut String, bytes: &[u8], start: usize, len: usize) {
    debug_assert!(start + N <= bytes.len() && out.capacity() - out.len() >= N && len <= N);
    // SAFETY: as the caller promises, the copy reads and writes within both, and the length
    // kept leaves `out` UTF-8.
    unsafe {
        let v = out.as_mut_vec();
        let at = v.len();
        std::ptr::copy_nonoverlapping(bytes.as_ptr().add(start), v.as_mut_ptr().add(at), N);
        v.set_len(at + len);
    }
}

/// Whether a text of `len` bytes holds `N` bytes from `start` on.
#[inline(always)]
fn holds_block<const N: usize>(len: usize, start: usize) -> bool {
    len.checked_sub(N).is_some_and(|last| start <= last)
}

/// Bytes of zeros kept after the last entry, so that the first sixteen bytes of any word held,
/// and the first 32 of any result, can be read at once.
const PADDING: usize = 32;

/// [`PADDING`] zeros.
const ZEROS: &str = {
    const BYTES: [u8; PADDING] = [0; PADDING];
    match std::str::from_utf8(&BYTES) {
        Ok(zeros) => zeros,
        Err(_) => panic!("zeros are UTF-8"),
    }
};

impl WordMemo {
    #[inline]
    fn tag(hash: u64) -> u32 {
        (hash >> 32) as u32 | 1
    }

    /// The result and note of `word` in `context`, whose [`Key`] is `key`.
    #[inline]
    pub(crate) fn get(&self, key: &Key, word: &[u8], context: u8) -> Option<(&str, u8)> {
        self.find(key, word, context)
            .map(|(start, len, note)| (&self.entries[start..start + len], note))
    }

    /// Like [`WordMemo::get`], with the result as bytes (not checked for a string's bounds).
    #[inline]
    pub(crate) fn get_bytes(&self, key: &Key, word: &[u8], context: u8) -> Option<(&[u8], u8)> {
        self.find(key, word, context)
            .map(|(start, len, note)| (&self.entries.as_bytes()[start..start + len], note))
    }

    /// Appends the result of `word` in `context` (whose [`Key`] is `key`) to `out`, and gives its
    /// note; `None` (with `out` untouched) when the memo does not hold the word.
    #[inline(always)]
    pub(crate) fn get_into(&self, key: &Key, word: &[u8], context: u8, out: &mut String) -> Option<u8> {
        let (start, len, note) = self.find(key, word, context)?;
        self.push_result(out, start, len);
        Some(note)
    }

    /// Appends the result at `start`, of `len` bytes, that [`WordMemo::find`] gave, to `out`.
    /// A result is a whole string ([`WordMemo::insert`]) followed by at least [`PADDING`]
    /// bytes, so a short one is written as a block of that size, with no check of its ends.
    #[inline(always)]
    fn push_result(&self, out: &mut String, start: usize, len: usize) {
        let bytes = self.entries.as_bytes();
        let fits = len <= PADDING && start + PADDING <= bytes.len() && out.capacity() - out.len() >= PADDING;
        if fits {
            // SAFETY: the entries hold `PADDING` bytes from `start` on and `out` has room for
            // `PADDING` more; the bytes kept are a result, a whole string.
            #[allow(unsafe_code)]
            unsafe {
                push_block::<PADDING>(out, bytes, start, len);
            }
        } else {
            out.push_str(&self.entries[start..start + len]);
        }
    }

    /// Starts bringing into the cache the slot where a lookup of `key` starts, so that the
    /// lookups of several words wait for memory together rather than in turn.
    #[inline(always)]
    pub(crate) fn fetch_slot(&self, key: &Key) {
        let i = key.hash as usize & (self.slots.len() - 1);
        prefetch(std::ptr::from_ref(&self.slots[i]).cast());
    }

    /// Starts bringing into the cache the entry that the slot where a lookup of `key` starts
    /// names, when that slot's tag is the key's (best after [`WordMemo::fetch_slot`]), and
    /// gives where that entry starts (`u32::MAX` for another tag), for
    /// [`WordMemo::get_into_from`]. `None` when that slot is empty: the memo then surely does
    /// not hold the word.
    #[inline(always)]
    pub(crate) fn fetch_entry(&self, key: &Key) -> Option<u32> {
        let slot = self.slots[key.hash as usize & (self.slots.len() - 1)];
        if slot.tag == Self::tag(key.hash) {
            let bytes = self.entries.as_bytes();
            let at = slot.at as usize;
            // An entry is short: its start, and the line of memory where its result may end.
            prefetch(bytes[at..].as_ptr());
            prefetch(bytes[(at + 48).min(bytes.len() - 1)..].as_ptr());
            return Some(slot.at);
        }
        (slot.tag != 0).then_some(u32::MAX)
    }

    /// [`WordMemo::get_into`], looking first at the entry at `at` that
    /// [`WordMemo::fetch_entry`] gave.
    #[inline(always)]
    pub(crate) fn get_into_from(&self, at: u32, key: &Key, word: &[u8], context: u8, out: &mut String) -> Option<u8> {
        let found = match self.entry(at as usize, key, word, context) {
            Some(found) => found,
            None => self.find(key, word, context)?,
        };
        let (start, len, note) = found;
        self.push_result(out, start, len);
        Some(note)
    }

    /// Where the result of `word` in `context` starts in the entries, its length, and its note.
    #[inline(always)]
    fn find(&self, key: &Key, word: &[u8], context: u8) -> Option<(usize, usize, u8)> {
        let mask = self.slots.len() - 1;
        let tag = Self::tag(key.hash);
        let mut i = key.hash as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot.tag == tag {
                if let found @ Some(_) = self.entry(slot.at as usize, key, word, context) {
                    return found;
                }
            } else if slot.tag == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// [`WordMemo::find`]'s answer when the entry at `at` is that of `word` in `context`;
    /// `None` when it is another's, or when `at` is no entry's start within the entries.
    #[inline(always)]
    fn entry(&self, at: usize, key: &Key, word: &[u8], context: u8) -> Option<(usize, usize, u8)> {
        let bytes = self.entries.as_bytes();
        let n = word.len();
        // The header and the word's first sixteen bytes, read at once: every entry is followed
        // by at least sixteen bytes.
        let head: &[u8; HEADER + 16] = bytes.get(at..at.checked_add(HEADER + 16)?)?.try_into().ok()?;
        let header = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        // The header's context bits and word length, as the header read as a number has them.
        if header & 0xFF07 != u32::from(context) | (n as u32) << 8 {
            return None;
        }
        let start = at + HEADER;
        let equal = if n <= 16 {
            let (low_mask, high_mask) = MASKS[n.min(16)];
            read8(head, HEADER) & low_mask == key.low && read8(head, HEADER + 8) & high_mask == key.high
        } else {
            bytes.get(start..start + n).is_some_and(|held| same(held, word))
        };
        let len = (header >> 16 & 0x7F | header >> 24 << 7) as usize;
        equal.then_some((start + n, len, head[0] >> 3))
    }

    /// Remembers the result `out` and `note` (below 16) of a word in `context` (below 8) that
    /// [`WordMemo::get`] does not hold. Words longer than [`MAX_WORD`] bytes and results longer
    /// than [`MAX_RESULT`] are not kept.
    pub(crate) fn insert(&mut self, hash: u64, word: &str, context: u8, out: &str, note: u8) {
        if word.len() > MAX_WORD || out.len() > MAX_RESULT || note >= 16 || context >= 8 || self.max_words == 0 {
            return;
        }
        if self.words >= self.max_words || self.entries.len() + HEADER + word.len() + out.len() > u32::MAX as usize {
            self.clear();
        }
        if (self.words + 1) * 2 > self.slots.len() {
            self.grow();
        }
        self.entries.truncate(self.entries.len() - PADDING);
        let at = self.entries.len() as u32;
        let header = [
            context | note << 3,
            word.len() as u8,
            (out.len() & 0x7F) as u8,
            (out.len() >> 7) as u8,
        ];
        // Every byte of the header is below 0x80: one ASCII character each.
        self.entries.extend(header.map(char::from));
        self.entries.push_str(word);
        self.entries.push_str(out);
        self.entries.push_str(ZEROS);
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
        place(&mut self.slots, hash, slot);
    }

    /// Doubles the table, placing every word again.
    fn grow(&mut self) {
        let doubled = vec![Slot::default(); self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        let bytes = self.entries.as_bytes();
        for slot in old.into_iter().filter(|s| s.tag != 0) {
            let at = slot.at as usize;
            let start = at + HEADER;
            let word = &bytes[start..start + usize::from(bytes[at + 1])];
            place(&mut self.slots, hash(word, bytes[at] & 7), slot);
        }
    }

    /// Forgets every word, keeping the memory.
    fn clear(&mut self) {
        self.slots.fill(Slot::default());
        self.entries.clear();
        self.entries.push_str(ZEROS);
        self.words = 0;
    }
}

/// Asks the processor to bring the memory at `p` into its cache, without waiting for it.
#[inline(always)]
fn prefetch(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing that the program sees, and `p` points into memory the
    // caller holds.
    #[allow(unsafe_code)]
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// The most memos a pool keeps between conversions (more threads converting at once each get
/// one, dropped afterwards), so that a converter used from a large thread pool keeps at most
/// this many memos' memory.
const MAX_POOLED: usize = 8;

/// Puts `slot` in the first empty slot of `slots` from the one `hash` names.
fn place(slots: &mut [Slot], hash: u64, slot: Slot) {
    let mask = slots.len() - 1;
    let mut i = hash as usize & mask;
    while slots[i].tag != 0 {
        i = (i + 1) & mask;
    }
    slots[i] = slot;
}

/// Memos shared by the clones of one converter: a conversion takes one for its duration, so
/// threads converting at once each have their own.
#[derive(Clone)]
pub(crate) struct MemoPool {
    memos: Arc<Mutex<Vec<WordMemo>>>,
    /// The most words a memo holds (0: memos keep nothing).
    max_words: usize,
}

impl std::fmt::Debug for MemoPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoPool")
            .field("max_words", &self.max_words)
            .finish_non_exhaustive()
    }
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
        let mut memos = self.memos.lock().unwrap_or_else(|e| e.into_inner());
        if memos.len() < MAX_POOLED {
            memos.push(memo);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_words_by_neighbours() {
        let mut memo = WordMemo::default();
        let plain = context(None, Some(' ')).expect("no letter");
        let cr = context(Some('\r'), None).expect("no letter");
        memo.insert(hash(b"sh", plain), "sh", plain, "ш", 1);
        assert_eq!(memo.get(&key(b"sh", plain), b"sh", plain), Some(("ш", 1)));
        assert_eq!(memo.get(&key(b"sh", cr), b"sh", cr), None);
        assert_eq!(memo.get(&key(b"s", plain), b"s", plain), None);
    }

    #[test]
    fn grows_and_starts_again_when_full() {
        let mut memo = WordMemo::default();
        let c = 0;
        let words: Vec<String> = (0..MAX_WORDS + 10).map(|i| format!("w{i}")).collect();
        for w in &words {
            memo.insert(hash(w.as_bytes(), c), w, c, &w.to_uppercase(), 0);
        }
        assert_eq!(memo.words, 10);
        let last = words.last().expect("words");
        let found = memo.get(&key(last.as_bytes(), c), last.as_bytes(), c);
        assert_eq!(found, Some((last.to_uppercase().as_str(), 0)));
        assert_eq!(memo.get(&key(b"w0", c), b"w0", c), None);
        for w in &words[words.len() - 10..] {
            assert!(memo.get(&key(w.as_bytes(), c), w.as_bytes(), c).is_some(), "{w}");
        }
    }

    #[test]
    fn long_results_are_kept_whole() {
        let mut memo = WordMemo::default();
        let out = "ж".repeat(MAX_RESULT / 2);
        memo.insert(hash(b"zh", 7), "zh", 7, &out, 15);
        assert_eq!(memo.get(&key(b"zh", 7), b"zh", 7), Some((out.as_str(), 15)));
        memo.insert(hash(b"z", 0), "z", 0, &"ж".repeat(MAX_RESULT), 0);
        assert_eq!(memo.get(&key(b"z", 0), b"z", 0), None);
    }

    #[test]
    fn a_key_read_in_a_text_is_the_key_of_the_word() {
        let text = "a bc def ghij Qazaqstannyñ respublikasynyñ qalalarynyñ".as_bytes();
        for start in 0..text.len() {
            for end in start..=text.len() {
                for context in [0, 3] {
                    let (a, b) = (key_in(text, start, end, context), key(&text[start..end], context));
                    assert_eq!((a.hash, a.low, a.high), (b.hash, b.low, b.high), "{start}..{end}");
                }
            }
        }
        assert_ne!(key(b"ab", 0).hash, key(b"ab\0", 0).hash);
        assert_ne!(key(b"ab", 0).hash, key(b"ab", 1).hash);
    }

    #[test]
    fn results_of_every_length_are_appended_whole() {
        let mut memo = WordMemo::default();
        let results: Vec<String> = (0..40).map(|n| "жa".chars().cycle().take(n).collect()).collect();
        for (n, result) in results.iter().enumerate() {
            let word = format!("w{n}");
            memo.insert(hash(word.as_bytes(), 0), &word, 0, result, 0);
        }
        for (n, result) in results.iter().enumerate() {
            let word = format!("w{n}");
            let mut out = String::from("«");
            assert_eq!(
                memo.get_into(&key(word.as_bytes(), 0), word.as_bytes(), 0, &mut out),
                Some(0)
            );
            assert_eq!(out, format!("«{result}"));
        }
        let mut out = String::from("x");
        assert_eq!(memo.get_into(&key(b"w99", 0), b"w99", 0, &mut out), None);
        assert_eq!(out, "x");
    }

    #[test]
    fn a_block_is_copied_only_from_a_text_that_holds_it() {
        assert!(holds_block::<8>(8, 0) && holds_block::<8>(20, 12));
        assert!(!holds_block::<8>(3, 0) && !holds_block::<8>(20, 13) && !holds_block::<32>(31, 0));
        // Short texts, every piece: appended whole.
        for text in ["", "a", "Aʼ", "«a»", "abcdefg"] {
            for start in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                for end in (start..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                    let mut out = String::with_capacity(64);
                    push_short::<8>(&mut out, text, start, end);
                    assert_eq!(out, &text[start..end]);
                }
            }
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
    fn a_pool_keeps_a_memo_for_each_thread_up_to_its_limit() {
        let pool = MemoPool::default();
        pool.with(|m| m.insert(hash(b"a", 0), "a", 0, "а", 0));
        assert!(pool.with(|m| m.get(&key(b"a", 0), b"a", 0).is_some()));
        // Threads converting at once take memos of their own; no more than the limit are kept.
        let threads = MAX_POOLED + 3;
        let all_in = std::sync::Barrier::new(threads);
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| pool.with(|_| all_in.wait()));
            }
        });
        assert_eq!(pool.memos.lock().expect("pool").len(), MAX_POOLED);
    }

    #[test]
    fn neighbours_are_carriage_returns_or_not() {
        assert_eq!(context(None, Some(',')), Some(0));
        assert_eq!(context(Some(' '), Some('«')), Some(0));
        assert_eq!(context(Some('\r'), None), Some(1));
        assert_eq!(context(None, Some('\r')), Some(2));
        assert_eq!(context(Some('a'), None), None);
    }
}
