//! The conversion loop.
//!
//! Text is cut into *tokens*: runs of characters between whitespace. Most tokens are plain
//! Kazakh words: they go through the fast loop, up to four Cyrillic letters per step, with a
//! dense array indexed by the two UTF-8 bytes of a letter. A token that holds a Latin letter,
//! `@`, a character that is not in NFC, or another script's letter takes the token path instead:
//! it is put in NFC, protected tokens (URLs, e-mails, handles) are kept, look-alike letters from
//! the other script are repaired, and then it is converted letter by letter.
//!
//! A *long* token (more than [`MAX_TOKEN`] characters other than combining marks, a measure
//! that NFC does not change) gets no protection or repair, only NFC and letter conversion; so it
//! can be cut at any safe character and converted piece by piece. Rules look at one character on
//! each side. Together this makes the output of a stream independent of how it is cut: see
//! [`Cuts::boundary`].

use std::borrow::Cow;
use std::cell::RefCell;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::detect::may_have_latin;
use crate::normalize::{Change, Repair};
use crate::rules::{is_rules_tag, Rule, RuleSet, When, LOOKALIKE_TO_CYRL, LOOKALIKE_TO_LATN};
use crate::table::{DENSE_LEN, DENSE_PASS};
use crate::wide::WideTables;

/// Longest token, in characters other than combining marks, that gets protection and repair.
pub(crate) const MAX_TOKEN: usize = 1024;

/// Dense array used when there is no rule table (Cyrillic to Cyrillic).
static PASS_DENSE: [u64; DENSE_LEN] = [DENSE_PASS as u64; DENSE_LEN];

/// Byte classes of ASCII for the fast loop.
const PLAIN: u8 = 0;
const SPACE: u8 = 1;
const WORDY: u8 = 2;

static ASCII_CLASS: [u8; 128] = {
    let mut t = [PLAIN; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        if c.is_ascii_alphabetic() || c == b'@' {
            t[i] = WORDY;
        } else if matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C) {
            t[i] = SPACE;
        }
        i += 1;
    }
    t
};

/// The wide steps' tables of a dense array: they take the ASCII bytes the fast loop takes, and
/// the other characters that [`Engine::run`] copies without looking at their token.
/// `caps(slot)` is the output of a letter with rules that the steps take (see
/// [`WideTables::new`]).
pub(crate) fn wide_tables(dense: &[u64; DENSE_LEN], caps: impl Fn(usize) -> Option<[u8; 2]>) -> WideTables {
    let other = |c: char| {
        if c.is_ascii() {
            let class = ASCII_CLASS[c as usize];
            return (class != WORDY, class == SPACE);
        }
        let space = is_break(c) && is_nfc_char(c);
        (
            space || !(is_alpha(c) || is_combining_mark(c) || !is_nfc_char(c)),
            space,
        )
    };
    WideTables::new(dense, other, caps)
}

/// The wide steps' tables of [`PASS_DENSE`].
fn pass_wide() -> &'static WideTables {
    static WIDE: std::sync::OnceLock<WideTables> = std::sync::OnceLock::new();
    WIDE.get_or_init(|| wide_tables(&PASS_DENSE, |_| None))
}

/// What the engine does besides applying rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Flags {
    /// Repair look-alike letters from the other script inside a word.
    pub(crate) repair: bool,
    /// Copy URLs, e-mail addresses and @handles untouched.
    pub(crate) protect: bool,
}

/// The conversion of one (source, target) pair.
pub(crate) struct Engine<'a> {
    pub(crate) rules: Option<&'a RuleSet>,
    pub(crate) flags: Flags,
    /// Where to record repairs (NFC, look-alike letters), if anywhere.
    pub(crate) log: Option<&'a RefCell<ChangeLog>>,
}

/// Repairs recorded during a conversion, with offsets from the start of the whole input.
#[derive(Debug, Default)]
pub(crate) struct ChangeLog {
    /// Offset of the text being converted now within the whole input.
    pub(crate) base: usize,
    /// The repairs so far.
    pub(crate) changes: Vec<Change>,
}

/// Whether a long token may be cut before byte `i`: in the input the character there starts an
/// NFC segment, and in the output it gives a non-empty text that starts with a letter, so the
/// output of the two sides cannot compose either. ASCII passes through; a Cyrillic-block letter
/// qualifies when its table output is plain and not empty, or when no rule names it (combining
/// marks U+0483..U+0489 excepted).
#[inline]
fn is_safe_start(b: &[u8], i: usize, dense: &[u64; DENSE_LEN]) -> bool {
    match (b.get(i), b.get(i + 1)) {
        (Some(&c), _) if c < 0x80 => true,
        (Some(&c @ 0xD0..=0xD3), Some(&t)) => {
            let entry = dense[(((c & 3) as usize) << 6) | (t & 0x3F) as usize];
            let tag = entry as u8;
            let is_mark = c == 0xD2 && (0x83..=0x89).contains(&t);
            !is_mark && ((1..=7).contains(&tag) || tag == DENSE_PASS)
        }
        // Any other character that NFC leaves alone and that is not a combining mark (a CJK
        // ideograph, a Greek letter): it passes through unchanged, so it is safe too.
        (Some(&c), _) if c >= 0xC0 => {
            let len = if c < 0xE0 {
                2
            } else if c < 0xF0 {
                3
            } else {
                4
            };
            b.get(i..i + len)
                .and_then(|s| std::str::from_utf8(s).ok())
                .and_then(|s| s.chars().next())
                .is_some_and(|ch| !is_cyrillic(ch) && !is_combining_mark(ch) && is_nfc_char(ch))
        }
        _ => false,
    }
}

/// The end of the token that holds `from`: the next whitespace.
fn token_end(text: &str, from: usize) -> usize {
    text[from..]
        .char_indices()
        .find(|&(_, c)| is_break(c))
        .map_or(text.len(), |(j, _)| from + j)
}

/// Whether a token is long: more than [`MAX_TOKEN`] characters other than combining marks.
pub(crate) fn is_long(token: &str) -> bool {
    letters(token, MAX_TOKEN + 1) > MAX_TOKEN
}

/// Whether cutting `text` before byte `p` falls inside a long token, where `text` continues a
/// long token if `in_long` is set: the token around `p`, as far as `text` goes, is long.
pub(crate) fn is_long_at(text: &str, p: usize, in_long: bool) -> bool {
    let start = text[..p]
        .char_indices()
        .rev()
        .find(|&(_, c)| is_break(c))
        .map(|(i, c)| i + c.len_utf8());
    match start {
        Some(start) => start < p && is_long(&text[start..]),
        None => in_long || is_long(text),
    }
}

/// The number of characters of `text` other than combining marks, counted up to `limit`.
fn letters(text: &str, limit: usize) -> usize {
    text.chars().filter(|&c| !is_combining_mark(c)).take(limit).count()
}

/// What a stream knows of the text it holds back, kept between writes so that each part of the
/// text is scanned once (see [`Engine::scan`]). Positions are byte offsets into that text.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Cuts {
    /// How much of the text has been scanned.
    scanned: usize,
    /// The end of the last whitespace, where the last token starts.
    ws: Option<usize>,
    /// The characters of the last token other than combining marks, counted up to
    /// `MAX_TOKEN + 1`.
    letters: usize,
    /// The last position inside the last token (not at its start) where a long token may be cut.
    safe: Option<usize>,
}

impl Cuts {
    /// Whether the last token is long, given whether the text continues a long token.
    pub(crate) fn is_long(&self, in_long: bool) -> bool {
        (in_long && self.ws.is_none()) || self.letters > MAX_TOKEN
    }

    /// Where a stream may cut the text scanned, which starts a token (or continues a long token
    /// when `in_long` is set): inside a long token before its last safe character, else after
    /// the last whitespace. Returns the cut and whether it falls inside a long token.
    /// Converting the two sides separately, each with the other's edge character as context,
    /// gives the same output as converting the text whole.
    pub(crate) fn boundary(&self, in_long: bool) -> Option<(usize, bool)> {
        match self.safe {
            Some(p) if self.is_long(in_long) => Some((p, true)),
            _ => self.ws.map(|p| (p, false)),
        }
    }

    /// Follows the removal of the first `at` bytes of the text: a cut that [`Cuts::boundary`]
    /// gave (`long` as it said) keeps what is known; any other cut starts the scan over.
    pub(crate) fn cut(&mut self, at: usize, long: bool) {
        if !long && self.ws == Some(at) {
            // The last token is now the whole text; its letters and safe positions stay.
            self.ws = None;
            self.safe = self.safe.map(|p| p - at);
        } else if long && self.safe == Some(at) {
            // The rest continues a long token, which needs no letter count, and holds no other
            // safe position.
            self.ws = None;
            self.safe = None;
        } else {
            *self = Cuts::default();
            return;
        }
        self.scanned -= at;
    }
}

impl Engine<'_> {
    /// Scans the part of `text` added since the last call (`text` only grows at its end between
    /// calls, except through [`Cuts::cut`]). It looks back from the end for the last
    /// whitespace, and then at the token after it, so each part is scanned about once.
    pub(crate) fn scan(&self, text: &str, cuts: &mut Cuts) {
        let from = cuts.scanned;
        if from >= text.len() {
            return;
        }
        let new_ws = text[from..]
            .char_indices()
            .rev()
            .find(|&(_, c)| is_break(c))
            .map(|(p, c)| from + p + c.len_utf8());
        let token_from = match new_ws {
            Some(p) => {
                *cuts = Cuts {
                    scanned: from,
                    ws: Some(p),
                    letters: 0,
                    safe: None,
                };
                p
            }
            None => from,
        };
        if cuts.letters <= MAX_TOKEN {
            cuts.letters += letters(&text[token_from..], MAX_TOKEN + 1 - cuts.letters);
        }
        // Safe positions depend only on the characters around them, so the last one of the new
        // part, if any, is the last one of the token.
        let lowest = token_from.max(cuts.ws.unwrap_or(0) + 1);
        let dense = self.dense();
        let b = text.as_bytes();
        if let Some(p) = (lowest..b.len())
            .rev()
            .find(|&p| is_safe_start(b, p, dense) && !self.splits_key(text, p))
        {
            cuts.safe = Some(p);
        }
        cuts.scanned = text.len();
    }

    /// Whether cutting `text` before byte `p` could fall inside a key of several letters.
    pub(crate) fn splits_key(&self, text: &str, p: usize) -> bool {
        match self.rules {
            Some(rules) if rules.max_key_chars() > 1 => text[..p]
                .chars()
                .rev()
                .take(rules.max_key_chars() - 1)
                .any(|c| rules.max_key_chars_from(c) > 1),
            _ => false,
        }
    }
}

/// Whether `c` ends a token: whitespace. (The few whitespace characters that NFC changes, such
/// as U+2000 EN QUAD, become other whitespace characters.)
#[inline]
fn is_break(c: char) -> bool {
    c.is_whitespace()
}

#[inline]
fn is_nfc_char(c: char) -> bool {
    is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
}

/// The first character of `c`'s lower case, answered without a table lookup for ASCII,
/// Latin-1, Latin Extended-A and Cyrillic, where the Kazakh letters are.
#[inline]
pub(crate) fn lower_letter(c: char) -> char {
    let n = c as u32;
    let lower = match n {
        0..=0x7F => return c.to_ascii_lowercase(),
        // À..Þ but ×: the lower case is 0x20 on.
        0xC0..=0xDE if n != 0xD7 => n + 0x20,
        0xDF..=0xFF => n,
        // Pairs of capital (even) and small (odd) letters; İ is left to the table.
        0x100..=0x12F | 0x132..=0x137 | 0x14A..=0x177 => n | 1,
        // Pairs of capital (odd) and small (even) letters.
        0x139..=0x148 | 0x179..=0x17E | 0x4C1..=0x4CE => n + (n & 1),
        // Ѐ..Џ, А..Я, and the small letters after them.
        0x400..=0x40F => n + 0x50,
        0x410..=0x42F => n + 0x20,
        0x430..=0x45F | 0x4CF => n,
        0x460..=0x481 | 0x48A..=0x4BF | 0x4D0..=0x52F => n | 1,
        _ => return c.to_lowercase().next().unwrap_or(c),
    };
    char::from_u32(lower).unwrap_or(c)
}

/// `c.is_alphabetic()`, answered without a table lookup for the Latin and Cyrillic letters of
/// Kazakh text.
#[inline]
pub(crate) fn is_alpha(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphabetic(),
        // Latin-1 signs and General Punctuation: only ª µ º are letters.
        0x80..=0xBF => matches!(c, 'ª' | 'µ' | 'º'),
        0x2000..=0x206F => false,
        0xC0..=0x24F => c != '×' && c != '÷',
        0x400..=0x481 | 0x48A..=0x52F => true,
        _ => c.is_alphabetic(),
    }
}

#[inline]
fn is_letter(c: Option<char>) -> bool {
    c.is_some_and(is_alpha)
}

#[inline]
fn is_upper_letter(c: Option<char>) -> bool {
    c.is_some_and(|c| is_alpha(c) && c.is_uppercase())
}

/// Whether a rule's conditions hold, given the characters before and after the matched key.
#[inline]
pub(crate) fn applies(when: &When, before: Option<char>, after: Option<char>) -> bool {
    if when.flags & 1 != 0 {
        let caps = if is_letter(after) {
            is_upper_letter(after)
        } else {
            is_upper_letter(before)
        };
        if !caps {
            return false;
        }
    }
    if when.flags & 2 != 0 && is_letter(before) {
        return false;
    }
    if when.flags & 4 != 0 && is_letter(after) {
        return false;
    }
    if !when.after.is_empty() && !before.is_some_and(|c| when.after.contains(c)) {
        return false;
    }
    if !when.before.is_empty() && !after.is_some_and(|c| when.before.contains(c)) {
        return false;
    }
    true
}

/// The first rule of `rules` that applies. A rule that drops its letter (empty output) does not
/// apply right after a CR: the letter is kept, so that a lone CR never joins a following LF into
/// one CRLF line ending (`"\rЬ\n"` in latn-2021).
#[inline]
pub(crate) fn pick(rules: &[Rule], before: Option<char>, after: Option<char>) -> Option<&str> {
    let to = rules.iter().find(|r| applies(&r.when, before, after)).map(|r| &*r.to)?;
    (!to.is_empty() || before != Some('\r')).then_some(to)
}

#[inline]
fn char_before(text: &str, i: usize, prev: Option<char>) -> Option<char> {
    text[..i].chars().next_back().or(prev)
}

#[inline]
fn char_at(text: &str, j: usize, next: Option<char>) -> Option<char> {
    text[j..].chars().next().or(next)
}

/// Is this a Cyrillic letter (any Cyrillic block)?
#[inline]
pub(crate) fn is_cyrillic(c: char) -> bool {
    // The combining Cyrillic letters (U+2DE0..U+2DFF, U+A66F..U+A67D, U+A69E..) are marks.
    match c as u32 {
        0x0400..=0x052F | 0x1C80..=0x1C8F => is_alpha(c),
        0xA640..=0xA69F => is_alpha(c) && !is_combining_mark(c),
        _ => false,
    }
}

/// Is this a Latin letter?
#[inline]
pub(crate) fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (matches!(c as u32, 0x00C0..=0x02AF | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF)
            && is_alpha(c)
            && c != '×'
            && c != '÷')
}

/// Whether a token has what every protected token ([`is_protected`]) has: the `:` of `://`, an
/// `@`, or the `.` of `www.` (in any case).
#[inline]
pub(crate) fn may_be_protected(token: &[u8]) -> bool {
    token
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b':' || b == b'@' || (b == b'.' && i >= 3 && token[i - 3..i].eq_ignore_ascii_case(b"www")))
}

/// Whether a token is a URL, an e-mail address or an @handle, which pass through untouched.
pub(crate) fn is_protected(token: &str) -> bool {
    if !may_be_protected(token.as_bytes()) {
        return false;
    }
    let t = token.trim_start_matches(['(', '[', '<', '"', '\'', '«', '“', '„']);
    if t.contains("://") || t.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("www.")) {
        return true;
    }
    if let Some(rest) = t.strip_prefix('@') {
        // Judged in NFC: `X\u{308}` is `Ẍ`, which starts no handle.
        let handle = |s: &str| {
            let first = s
                .char_indices()
                .find(|&(i, c)| i > 0 && !is_combining_mark(c))
                .map_or(s.len(), |(i, _)| i);
            s[..first]
                .nfc()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        // Its first word as the engine repairs it: `@һd` with a Cyrillic һ is the handle `@hd`
        // (so that normalizing does not turn a converted word into a kept handle).
        let end = rest
            .find(|c: char| !(is_alpha(c) || is_combining_mark(c)))
            .unwrap_or(rest.len());
        // Both in NFC: `һX\u{308}` is `һẌ`, whose Ẍ has no Cyrillic look-alike.
        let first: String = rest[..end].nfc().collect();
        return handle(rest) || repair_word(&first).is_some_and(|w| handle(&w));
    }
    if let Some((local, domain)) = t.split_once('@') {
        // Combining marks are looked through, so that `e\u{301}@…` is an address like `é@…`.
        let local_ok = local
            .trim_end_matches(is_combining_mark)
            .ends_with(|c: char| c.is_alphanumeric() || "._-+".contains(c));
        // A domain starts with a letter or digit that is no combining mark: NFC may reorder the
        // marks after the `@`, never turn one into a letter.
        let domain_ok = domain.starts_with(|c: char| c.is_alphanumeric() && !is_combining_mark(c))
            && domain.trim_end_matches(|c: char| !c.is_alphanumeric()).contains('.');
        return local_ok && domain_ok;
    }
    false
}

/// Repairs look-alike letters inside mixed-script words: a word is decided to be Cyrillic or
/// Latin by its letters that have no look-alike in the other script (then by its letter count);
/// the look-alikes from the other script are replaced. Words of one script are untouched.
pub(crate) fn repair_mixed(token: &str) -> Cow<'_, str> {
    if !may_have_latin(token.as_bytes()) {
        return Cow::Borrowed(token);
    }
    let mut out: Option<String> = None;
    let mut word_start = None;
    let mut iter = token.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let in_word = is_alpha(c) || is_combining_mark(c);
        if in_word && word_start.is_none() {
            word_start = Some(i);
        }
        let ends = !in_word || iter.peek().is_none_or(|&(_, n)| !(is_alpha(n) || is_combining_mark(n)));
        if let (true, Some(start)) = (ends && in_word, word_start) {
            let end = i + c.len_utf8();
            let word = &token[start..end];
            if let Some(fixed) = repair_word(word) {
                let o = out.get_or_insert_with(|| token[..start].to_string());
                o.push_str(&fixed);
            } else if let Some(o) = out.as_mut() {
                o.push_str(word);
            }
            word_start = None;
        } else if !in_word {
            if let Some(o) = out.as_mut() {
                o.push(c);
            }
        }
    }
    match out {
        Some(s) if s.chars().any(is_combining_mark) => Cow::Owned(s.nfc().collect()),
        Some(s) => Cow::Owned(s),
        None => Cow::Borrowed(token),
    }
}

/// The repaired form of one word, or `None` if it needs no repair.
pub(crate) fn repair_word(word: &str) -> Option<String> {
    let mixed = may_have_latin(word.as_bytes()) && word.chars().any(is_cyrillic) && word.chars().any(is_latin);
    if !mixed {
        return None;
    }
    let (mut cyr, mut lat, mut cyr_own, mut lat_own) = (0usize, 0usize, 0usize, 0usize);
    for c in word.chars() {
        if is_cyrillic(c) {
            cyr += 1;
            cyr_own += usize::from(!LOOKALIKE_TO_LATN.contains_key(&c));
        } else if is_latin(c) {
            match LOOKALIKE_TO_CYRL.get(&c) {
                // A Latin letter that only ever stands in for a Cyrillic one (ə for ә): the
                // word is Cyrillic.
                Some(k) if !LOOKALIKE_TO_LATN.contains_key(k) => {
                    cyr += 1;
                    cyr_own += 1;
                }
                Some(_) => lat += 1,
                None => {
                    lat += 1;
                    lat_own += 1;
                }
            }
        }
    }
    let to_cyrillic = match cyr_own.cmp(&lat_own).then(cyr.cmp(&lat)) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => return None,
    };
    let map = if to_cyrillic {
        &LOOKALIKE_TO_CYRL
    } else {
        &LOOKALIKE_TO_LATN
    };
    let fixed: String = word.chars().map(|c| map.get(&c).copied().unwrap_or(c)).collect();
    (fixed != word).then_some(fixed)
}

/// Stores 8 bytes at `out[o..o + 8]`; the caller has checked that they fit.
#[inline(always)]
#[allow(unsafe_code)]
fn put8(out: &mut [u8], o: usize, v: u64) {
    debug_assert!(o + 8 <= out.len());
    // SAFETY: `fast_run` only calls this with `o + 32 <= out.len()` (quad loop) or
    // `o + 64 <= out.len()` (single letter), both checked just before.
    unsafe { out.as_mut_ptr().add(o).cast::<u64>().write_unaligned(v.to_le()) }
}

/// Loads 8 bytes from `b[i..i + 8]`; the caller has checked that they exist.
#[inline(always)]
#[allow(unsafe_code)]
fn get8(b: &[u8], i: usize) -> u64 {
    debug_assert!(i + 8 <= b.len());
    // SAFETY: `fast_run` only calls this with `i + 8 <= end <= b.len()`, checked just before.
    u64::from_le(unsafe { b.as_ptr().add(i).cast::<u64>().read_unaligned() })
}

/// Where the fast loop stopped.
struct FastStop {
    /// Next input byte.
    i: usize,
    /// Output length.
    o: usize,
    /// Whether a letter was converted.
    converted: bool,
    /// Start of the current token and the output length there.
    tok: (usize, usize),
}

/// When the fast loop tries wide steps: a run of them that takes less than [`WIDE_MIN`] bytes
/// (a table or a text with many letters the steps leave, as latn-2017's `aʼ` or wiki-latn's
/// `e`/`ye`) doubles the stretch the portable loop then goes alone, and a run that takes a
/// whole step brings it back to the least.
#[derive(Clone, Copy, Debug)]
struct WideState {
    /// Input offset from which wide steps are tried again.
    from: usize,
    /// Bytes left to the portable loop after the next short run.
    skip: usize,
}

/// Input bytes a run of wide steps must take for the next one to be tried at once.
const WIDE_MIN: usize = 16;

/// Least and most bytes left to the portable loop after a short run of wide steps.
const WIDE_SKIP: std::ops::RangeInclusive<usize> = 16..=4096;

impl WideState {
    fn new() -> WideState {
        WideState {
            from: 0,
            skip: *WIDE_SKIP.start(),
        }
    }

    /// Records a run of wide steps at `i` that took `read` bytes.
    fn ran(&mut self, i: usize, read: usize) {
        if read < WIDE_MIN {
            self.from = i + read + self.skip;
            self.skip = (self.skip * 2).min(*WIDE_SKIP.end());
        } else if read >= 64 {
            self.skip = *WIDE_SKIP.start();
        }
    }
}

/// Dense slots of the Cyrillic combining marks U+0483..U+0489 (UTF-8 `D2 83`..`D2 89`).
const PASS_MARK_SLOTS: std::ops::RangeInclusive<usize> = 0x83..=0x89;

/// The fast loop. Converts `b[i..]` into `out[o..]` as long as it meets only Cyrillic letters
/// whose table output is plain (packed in the dense entry) and ASCII bytes that are neither
/// letters nor `@`, four letters per step where it can, keeping track of where tokens start
/// (after whitespace). Stops before anything else, or when fewer than 64 bytes of `out` are
/// left.
#[inline(never)]
fn fast_run(
    b: &[u8],
    mut i: usize,
    (dense, wide): (&[u64; DENSE_LEN], &WideTables),
    out: &mut [u8],
    mut o: usize,
    mut tok: (usize, usize),
    state: &mut WideState,
) -> FastStop {
    let end = b.len();
    let mut converted = false;
    while o + 64 <= out.len() {
        if i >= state.from {
            match wide.run(b, i, out, o) {
                Some(run) => {
                    if let Some((read, written)) = run.after_space {
                        tok = (i + read, o + written);
                    }
                    converted |= run.converted;
                    state.ran(i, run.read);
                    i += run.read;
                    o += run.written;
                }
                None => state.from = usize::MAX,
            }
            if o + 64 > out.len() {
                break;
            }
        }
        while i + 8 <= end && o + 32 <= out.len() {
            let w = get8(b, i);
            if w & 0x00FC_00FC_00FC_00FC != 0x00D0_00D0_00D0_00D0 {
                break;
            }
            let slot = |k: u32| -> usize { ((((w >> k) & 3) << 6) | ((w >> (k + 8)) & 0x3F)) as usize };
            let s = [slot(0), slot(16), slot(32), slot(48)];
            let e = [dense[s[0]], dense[s[1]], dense[s[2]], dense[s[3]]];
            if (e[0] as u8 | e[1] as u8 | e[2] as u8 | e[3] as u8) <= 7 {
                for entry in e {
                    put8(out, o, entry >> 8);
                    o += (entry as u8) as usize;
                }
                converted = true;
                i += 8;
                continue;
            }
            // Letters no rule names (every letter when normalizing) are copied, but not the
            // combining marks U+0483..U+0489, which the single steps below leave to the caller.
            let copied = |k: usize| e[k] as u8 == DENSE_PASS && !PASS_MARK_SLOTS.contains(&s[k]);
            if !(0..4).all(|k| e[k] as u8 <= 7 || copied(k)) {
                break;
            }
            for (k, entry) in e.into_iter().enumerate() {
                if entry as u8 <= 7 {
                    put8(out, o, entry >> 8);
                    o += (entry as u8) as usize;
                    converted = true;
                } else {
                    out[o] = (w >> (16 * k)) as u8;
                    out[o + 1] = (w >> (16 * k + 8)) as u8;
                    o += 2;
                }
            }
            i += 8;
        }
        if i + 2 > end {
            break;
        }
        let (c0, c1) = (b[i], b[i + 1]);
        if c0 & 0xFC == 0xD0 {
            let entry = dense[(((c0 & 3) as usize) << 6) | (c1 & 0x3F) as usize];
            if entry as u8 == DENSE_PASS && !(c0 == 0xD2 && (0x83..=0x89).contains(&c1)) {
                // A letter no rule names (every letter when normalizing): copied.
                out[o] = c0;
                out[o + 1] = c1;
                o += 2;
                i += 2;
                continue;
            }
            if entry as u8 > 7 {
                break;
            }
            put8(out, o, entry >> 8);
            o += (entry as u8) as usize;
            converted = true;
            i += 2;
        } else if c0 < 0x80 {
            match ASCII_CLASS[c0 as usize] {
                PLAIN => {
                    out[o] = c0;
                    o += 1;
                    i += 1;
                }
                SPACE => {
                    out[o] = c0;
                    o += 1;
                    i += 1;
                    tok = (i, o);
                }
                _ => break,
            }
        } else {
            break;
        }
    }
    FastStop { i, o, converted, tok }
}

impl Engine<'_> {
    #[inline]
    fn dense(&self) -> &[u64; DENSE_LEN] {
        self.rules.map_or(&PASS_DENSE, |r| r.dense())
    }

    #[inline]
    fn wide(&self) -> &WideTables {
        match self.rules {
            Some(r) => r.wide(),
            None => pass_wide(),
        }
    }

    /// The output and byte length of the longest key matching at `i`, if a rule applies.
    #[inline(never)]
    fn match_at<'r>(
        &'r self,
        text: &str,
        i: usize,
        prev: Option<char>,
        next: Option<char>,
    ) -> Option<(&'r str, usize)> {
        let rules = self.rules?;
        let before = char_before(text, i, prev);
        let first = text[i..].chars().next()?;
        if let Some(keys) = rules.longer_keys(first) {
            for (key, start, len) in keys {
                if text[i..].starts_with(&**key) {
                    let end = i + key.len();
                    if let Some(to) = pick(rules.base_rules(*start, *len), before, char_at(text, end, next)) {
                        return Some((to, key.len()));
                    }
                }
            }
            let end = i + first.len_utf8();
            let to = pick(rules.lookup_char(first)?, before, char_at(text, end, next))?;
            return Some((to, end - i));
        }
        let mut ends: [usize; 8] = [0; 8];
        let mut count = 0;
        let mut j = i;
        let longest = text[i..].chars().next().map_or(1, |c| rules.max_key_chars_from(c));
        for c in text[i..].chars().take(longest.min(8)) {
            j += c.len_utf8();
            ends[count] = j;
            count += 1;
        }
        for (k, &end) in ends[..count].iter().enumerate().rev() {
            let candidates = if k == 0 {
                text[i..end].chars().next().and_then(|c| rules.lookup_char(c))
            } else {
                rules.lookup(&text[i..end])
            };
            if let Some(candidates) = candidates {
                if let Some(to) = pick(candidates, before, char_at(text, end, next)) {
                    return Some((to, end - i));
                }
            }
        }
        None
    }

    /// Converts one token letter by letter (the reference semantics of the fast loop).
    pub(crate) fn convert_letters<'t>(&self, text: &'t str, prev: Option<char>, next: Option<char>) -> Cow<'t, str> {
        let mut out = String::new();
        if self.convert_letters_into(text, prev, next, &mut out) {
            Cow::Owned(out)
        } else {
            Cow::Borrowed(text)
        }
    }

    /// Converts one token letter by letter, appending the result to `out`. Returns `false`,
    /// with `out` untouched, when no rule applies.
    pub(crate) fn convert_letters_into(
        &self,
        text: &str,
        prev: Option<char>,
        next: Option<char>,
        out: &mut String,
    ) -> bool {
        self.convert_letters_counting(text, prev, next, out).0
    }

    /// [`Engine::convert_letters_into`], also saying whether a Latin letter was left as it was.
    pub(crate) fn convert_letters_counting(
        &self,
        text: &str,
        prev: Option<char>,
        next: Option<char>,
        out: &mut String,
    ) -> (bool, bool) {
        let Some(rules) = self.rules else {
            return (false, text.chars().any(is_latin));
        };
        let mut kept_latin = false;
        let mut changed = false;
        let mut run = 0;
        let mut i = 0;
        while i < text.len() {
            let plain = text[i..]
                .chars()
                .next()
                .and_then(|c| Some((rules.plain(c)?, c.len_utf8())));
            if let Some((to, len)) = plain.or_else(|| self.match_at(text, i, prev, next)) {
                if !changed {
                    out.reserve(text.len() + 8);
                    changed = true;
                }
                out.push_str(&text[run..i]);
                out.push_str(to);
                i += len;
                run = i;
            } else {
                let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
                kept_latin |= is_latin(c);
                i += c.len_utf8();
            }
        }
        if changed {
            out.push_str(&text[run..]);
        }
        (changed, kept_latin)
    }

    /// The token path: protection, NFC, look-alike repair, then letter-by-letter conversion.
    #[inline(never)]
    pub(crate) fn convert_token<'t>(
        &self,
        token: &'t str,
        at: usize,
        prev: Option<char>,
        next: Option<char>,
    ) -> Cow<'t, str> {
        let nfc: Cow<'t, str> = if is_nfc_quick(token.chars()) == IsNormalized::Yes {
            Cow::Borrowed(token)
        } else {
            let normalized: String = token.nfc().collect();
            if normalized == token {
                Cow::Borrowed(token)
            } else {
                Cow::Owned(normalized)
            }
        };
        // URLs, e-mail addresses and handles are only put in NFC.
        if self.flags.protect && is_protected(&nfc) {
            return nfc;
        }
        let nfc_changed = matches!(nfc, Cow::Owned(_));
        let repaired: Cow<'t, str> = match (self.flags.repair, nfc) {
            (true, Cow::Borrowed(t)) => repair_mixed(t),
            (true, Cow::Owned(t)) => Cow::Owned(repair_mixed(&t).into_owned()),
            (false, n) => n,
        };
        if let (Some(log), Cow::Owned(after)) = (self.log, &repaired) {
            let mut log = log.borrow_mut();
            let repair = if nfc_changed && after.nfc().eq(token.nfc()) {
                Repair::Nfc
            } else {
                Repair::Lookalike
            };
            let offset = log.base + at;
            log.changes.push(Change::new(offset, token, after, repair));
        }
        let converted = match repaired {
            Cow::Borrowed(t) => self.convert_letters(t, prev, next),
            Cow::Owned(t) => Cow::Owned(self.convert_letters(&t, prev, next).into_owned()),
        };
        recompose(converted)
    }

    /// Converts `text`, whose neighbours outside it are `prev` and `next`, appending to `out`.
    /// `text` must start a token, or continue a long token if `long.0` is set; `long.1` says that
    /// its last token goes on, inside a long token, after `text`. Returns `false`, with `out`
    /// untouched, when the conversion leaves the text as it is.
    pub(crate) fn run(
        &self,
        text: &str,
        prev: Option<char>,
        next: Option<char>,
        long: (bool, bool),
        out: &mut String,
    ) -> bool {
        let base = out.len();
        let mut sink = Sink::new(std::mem::take(out), text.len(), self.expansion());
        let changed = self.run_into(text, prev, next, long, &mut sink);
        *out = sink.finish();
        if !changed {
            out.truncate(base);
        }
        changed
    }

    /// Upper bound of output bytes per input byte of the fast loop's table entries.
    fn expansion(&self) -> usize {
        self.rules.map_or(1, RuleSet::expansion)
    }

    fn run_into(
        &self,
        text: &str,
        prev: Option<char>,
        next: Option<char>,
        long: (bool, bool),
        sink: &mut Sink,
    ) -> bool {
        let b = text.as_bytes();
        let n = b.len();
        let dense = self.dense();
        let wide = self.wide();
        let mut state = WideState::new();
        let mut i = 0;
        let mut changed = false;
        let mut tok = 0; // start of the current token
        let mut tok_out = sink.len(); // output length when the token started
        let mut tok_changed = false; // `changed` when the token started

        while i < n {
            // The fast loop: Cyrillic letters with a plain table output and ASCII spaces and
            // punctuation, until anything else.
            loop {
                sink.ensure(64);
                let stop = fast_run(b, i, (dense, wide), &mut sink.buf, sink.len, (tok, tok_out), &mut state);
                changed |= stop.converted;
                if stop.tok.0 != tok {
                    (tok, tok_out) = stop.tok;
                    tok_changed = changed;
                }
                let progressed = stop.i != i;
                i = stop.i;
                sink.len = stop.o;
                if !progressed || sink.buf.len() - sink.len >= 64 {
                    break;
                }
            }
            if i >= n {
                break;
            }
            let c0 = b[i];
            if c0 & 0xFC == 0xD0 && i + 1 < n {
                let entry = dense[(((c0 & 3) as usize) << 6) | (b[i + 1] & 0x3F) as usize];
                let tag = entry as u8;
                if tag <= 7 {
                    sink.push_packed(entry);
                    changed = true;
                    i += 2;
                    continue;
                }
                if tag == DENSE_PASS {
                    sink.push_pair([c0, b[i + 1]]);
                    i += 2;
                    continue;
                }
                debug_assert!(is_rules_tag(tag));
                let found = match self.rules {
                    Some(rules) if rules.max_key_chars() == 1 => pick(
                        rules.dense_rules(entry),
                        char_before(text, i, prev),
                        char_at(text, i + 2, next),
                    )
                    .map(|to| (to, 2)),
                    _ => self.match_at(text, i, prev, next),
                };
                match found {
                    Some((to, len)) => {
                        sink.push_str(to);
                        changed = true;
                        i += len;
                    }
                    None => {
                        sink.push_pair([c0, b[i + 1]]);
                        i += 2;
                    }
                }
                continue;
            }
            if c0 < 0x80 && ASCII_CLASS[c0 as usize] != WORDY {
                sink.push_byte(c0);
                i += 1;
                if ASCII_CLASS[c0 as usize] == SPACE {
                    tok = i;
                    tok_out = sink.len();
                    tok_changed = changed;
                }
                continue;
            }
            if c0 >= 0x80 {
                let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
                let len = c.len_utf8();
                if is_break(c) {
                    if is_nfc_char(c) {
                        sink.push_bytes(&b[i..i + len]);
                    } else {
                        let nfc: String = std::iter::once(c).nfc().collect();
                        sink.push_str(&nfc);
                        changed = true;
                    }
                    i += len;
                    tok = i;
                    tok_out = sink.len();
                    tok_changed = changed;
                    continue;
                }
                if !(is_alpha(c) || is_combining_mark(c) || !is_nfc_char(c)) {
                    sink.push_bytes(&b[i..i + len]);
                    i += len;
                    continue;
                }
            }
            // The token path, for the whole token around `i` (an ASCII letter or `@`, a letter
            // of another script, a combining mark, a character not in NFC).
            let end = token_end(text, i);
            let token = &text[tok..end];
            let (before, after) = (char_before(text, tok, prev), char_at(text, end, next));
            let converted = if (long.0 && tok == 0) || (long.1 && end == n) || is_long(token) {
                self.convert_long(token, before, after)
            } else {
                self.convert_token(token, tok, before, after)
            };
            sink.truncate(tok_out);
            changed = tok_changed || matches!(converted, Cow::Owned(_));
            sink.push_str(&converted);
            i = end;
        }
        changed
    }

    /// A long token: NFC and letter conversion, nothing that looks at the token as a whole.
    #[inline(never)]
    fn convert_long<'t>(&self, token: &'t str, prev: Option<char>, next: Option<char>) -> Cow<'t, str> {
        let converted = if is_nfc_quick(token.chars()) == IsNormalized::Yes {
            self.convert_letters(token, prev, next)
        } else {
            let normalized: String = token.nfc().collect();
            Cow::Owned(self.convert_letters(&normalized, prev, next).into_owned())
        };
        match recompose(converted) {
            Cow::Owned(t) if t == token => Cow::Borrowed(token),
            c => c,
        }
    }
}

/// Puts converted text back in NFC when it holds combining marks: an output letter can compose
/// or reorder with a mark that followed the input letter (ә + U+0316 → a + U+030B + U+0316 in
/// ISO 9, which NFC orders as a + U+0316 + U+030B).
fn recompose(converted: Cow<'_, str>) -> Cow<'_, str> {
    match converted {
        Cow::Owned(t) if t.chars().any(is_combining_mark) => Cow::Owned(t.nfc().collect()),
        c => c,
    }
}

/// The output buffer of the fast loop. `buf` is kept longer than the text written (`len`), so
/// that a table output is stored with one fixed-size copy; the spare tail is zero-filled once,
/// when first reached, and reused afterwards.
pub(crate) struct Sink {
    buf: Vec<u8>,
    len: usize,
    /// Where this sink started writing (what `out` held before).
    start: usize,
}

/// Spare bytes kept after the written text: room for one packed output (8 bytes) and a
/// two-byte character.
const SPARE: usize = 32;

impl Sink {
    /// A sink that appends to `out`, sized for `input_len` bytes of input at `expansion` output
    /// bytes per input byte (more is allocated on demand).
    fn new(out: String, input_len: usize, expansion: usize) -> Sink {
        let mut buf = out.into_bytes();
        let len = buf.len();
        buf.reserve(input_len.saturating_mul(expansion.max(1)) + SPARE);
        buf.resize(len + SPARE, 0);
        Sink { buf, len, start: len }
    }

    #[inline]
    fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    /// Makes sure that `extra` more bytes plus the spare fit.
    #[inline]
    fn ensure(&mut self, extra: usize) {
        if self.buf.len() < self.len + extra + SPARE {
            self.grow(extra);
        }
    }

    /// Makes room by doubling what this sink wrote (not what `out` held before it: a sink that
    /// appends a little to a long text would otherwise fill as much again with zeros).
    #[cold]
    fn grow(&mut self, extra: usize) {
        let written = self.len - self.start;
        let want = (self.len + extra + SPARE).max(self.len + written.max(SPARE) + SPARE);
        self.buf.resize(want, 0);
    }

    #[inline]
    fn push_byte(&mut self, b: u8) {
        match self.buf.get_mut(self.len) {
            Some(slot) => *slot = b,
            None => {
                self.grow(1);
                self.buf[self.len] = b;
            }
        }
        self.len += 1;
    }

    #[inline]
    fn push_bytes(&mut self, b: &[u8]) {
        self.ensure(b.len());
        self.buf[self.len..self.len + b.len()].copy_from_slice(b);
        self.len += b.len();
    }

    #[inline]
    fn push_str(&mut self, s: &str) {
        self.push_bytes(s.as_bytes());
    }

    /// Appends the output packed in a dense entry (length in the low byte, UTF-8 after it).
    #[inline]
    fn push_packed(&mut self, entry: u64) {
        let at = self.len;
        if self.buf.len() < at + 8 {
            self.grow(8);
        }
        if let Some(slot) = self.buf.get_mut(at..at + 8) {
            slot.copy_from_slice(&(entry >> 8).to_le_bytes());
        }
        self.len = at + ((entry as u8) as usize).min(7);
    }

    /// Appends a two-byte UTF-8 character.
    #[inline]
    fn push_pair(&mut self, pair: [u8; 2]) {
        self.push_bytes(&pair);
    }

    /// The text written. Every piece appended is complete UTF-8 (slices of the input at
    /// character boundaries, table outputs, converted tokens), so the buffer is UTF-8.
    #[allow(unsafe_code)]
    fn finish(mut self) -> String {
        self.buf.truncate(self.len);
        debug_assert!(std::str::from_utf8(&self.buf).is_ok());
        // SAFETY: every method that appends takes a `&str`, a slice of the input `&str` cut at
        // character boundaries, a two-byte character of the input, or a packed table output,
        // which `table::compile` builds from a `String`'s bytes; bytes past `len` are never
        // kept. So the buffer holds a sequence of complete UTF-8 sequences, which is UTF-8.
        // Skipping the check is worth about a fifth of the conversion time.
        unsafe { String::from_utf8_unchecked(self.buf) }
    }
}

#[cfg(test)]
mod tests {
    use super::{is_alpha, lower_letter};

    proptest::proptest! {
        /// The quick test lets every protected token through.
        #[test]
        fn protected_tokens_may_be_protected(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "http", "://", "www", "WwW", ".", "@", "(", "«", "kz", "e\u{301}", "һ", "_", "-", ":",
            ]), 0..8)
        ) {
            let token = parts.concat();
            proptest::prop_assert!(!super::is_protected(&token) || super::may_be_protected(token.as_bytes()), "{:?}", token);
        }
    }

    /// The quick ranges of `is_alpha` agree with the Unicode property they stand for.
    #[test]
    fn lower_letter_is_the_first_character_of_the_lower_case() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(
                lower_letter(c),
                c.to_lowercase().next().unwrap_or(c),
                "U+{:04X}",
                c as u32
            );
            assert_eq!(c.to_lowercase().count() > 1, c == 'İ', "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn is_alpha_is_is_alphabetic() {
        for c in (0..0x3000).filter_map(char::from_u32) {
            assert_eq!(is_alpha(c), c.is_alphabetic(), "U+{:04X}", c as u32);
        }
    }
}
