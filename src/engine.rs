//! The conversion loop.
//!
//! Text is cut into *tokens*: runs of characters between whitespace, and no longer than
//! [`MAX_TOKEN`] bytes (a longer run is cut before the first safe character after that length).
//! Most tokens are plain Kazakh words: they go through the fast loop, one Cyrillic letter per
//! step, with a dense array indexed by the two UTF-8 bytes of the letter. A token that holds a
//! Latin letter, `@`, a character that is not in NFC, or another script's letter takes the token
//! path instead: protected tokens (URLs, e-mails, handles) are copied, the token is normalized to
//! NFC, look-alike letters from the other script are repaired, and then it is converted letter by
//! letter. Rules look at one character on each side, so a token boundary is also a safe point for
//! streaming: see [`last_boundary`].

use std::borrow::Cow;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::rules::{is_rules_tag, Rule, RuleSet, When, LOOKALIKE_TO_CYRL, LOOKALIKE_TO_LATN};
use crate::table::{DENSE_LEN, DENSE_PASS};

/// Longest token, in bytes, before a run without whitespace is cut.
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
}

/// Whether a token may be cut before byte `i` (a character that starts a new NFC segment and
/// is not a combining mark): ASCII or a Cyrillic-block letter.
#[inline]
fn is_safe_start(b: &[u8], i: usize) -> bool {
    match b.get(i) {
        Some(&c) if c < 0x80 => true,
        Some(&c @ 0xD0..=0xD3) => !(c == 0xD2 && matches!(b.get(i + 1), Some(0x83..=0x89))),
        _ => false,
    }
}

/// The end of the token that starts at `tok`, scanning from `from` (which lies inside it).
fn token_end(text: &str, tok: usize, from: usize) -> usize {
    let b = text.as_bytes();
    let limit = tok + MAX_TOKEN;
    let mut j = from;
    let mut first = true;
    for c in text[from..].chars() {
        if !first && ((j >= limit && is_safe_start(b, j)) || c.is_whitespace()) {
            return j;
        }
        first = false;
        j += c.len_utf8();
    }
    text.len()
}

/// The last position of `text` after its start where a token starts when
/// `text` itself starts a token; `None` if there is none. Converting `text[..p]` and `text[p..]`
/// separately (with each other's edge characters as context) gives the same output as
/// converting `text` at once.
pub(crate) fn last_boundary(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    if let Some(p) = b.iter().rposition(|&c| c < 0x80 && ASCII_CLASS[c as usize] == SPACE) {
        // Cutting right after whitespace is safe even at the very end: no rule of a letter
        // looks past the whitespace that follows it.
        return Some(p + 1);
    }
    // No usable ASCII whitespace: follow the token cuts from the start.
    let mut last = None;
    let mut tok = 0;
    let mut j = 0;
    for c in text.chars() {
        if j > tok && ((j >= tok + MAX_TOKEN && is_safe_start(b, j)) || c.is_whitespace()) {
            tok = j;
            last = Some(j);
        }
        if c.is_whitespace() {
            tok = j + c.len_utf8();
            if tok < b.len() {
                last = Some(tok);
            }
        }
        j += c.len_utf8();
    }
    last.filter(|&p| p > 0 && p < b.len())
}

#[inline]
fn is_nfc_char(c: char) -> bool {
    is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
}

#[inline]
fn is_letter(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphabetic)
}

#[inline]
fn is_upper_letter(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphabetic() && c.is_uppercase())
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

/// The first rule of `rules` that applies.
#[inline]
fn pick(rules: &[Rule], before: Option<char>, after: Option<char>) -> Option<&str> {
    rules.iter().find(|r| applies(&r.when, before, after)).map(|r| &*r.to)
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
    matches!(c as u32, 0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F) && c.is_alphabetic()
}

/// Is this a Latin letter?
#[inline]
pub(crate) fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (matches!(c as u32, 0x00C0..=0x024F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF)
            && c.is_alphabetic()
            && c != '×'
            && c != '÷')
}

/// Whether a token is a URL, an e-mail address or an @handle, which pass through untouched.
pub(crate) fn is_protected(token: &str) -> bool {
    let t = token.trim_start_matches(['(', '[', '<', '"', '\'', '«', '“', '„']);
    if t.contains("://") || t.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("www.")) {
        return true;
    }
    if let Some(rest) = t.strip_prefix('@') {
        return rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
    }
    if let Some((local, domain)) = t.split_once('@') {
        let local_ok = local.ends_with(|c: char| c.is_alphanumeric() || "._-+".contains(c));
        let domain_ok = domain.starts_with(|c: char| c.is_alphanumeric())
            && domain.trim_end_matches(|c: char| !c.is_alphanumeric()).contains('.');
        return local_ok && domain_ok;
    }
    false
}

/// Repairs look-alike letters inside mixed-script words: a word is decided to be Cyrillic or
/// Latin by its letters that have no look-alike in the other script (then by its letter count);
/// the look-alikes from the other script are replaced. Words of one script are untouched.
pub(crate) fn repair_mixed(token: &str) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    let mut word_start = None;
    let mut iter = token.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let in_word = c.is_alphabetic() || is_combining_mark(c);
        if in_word && word_start.is_none() {
            word_start = Some(i);
        }
        let ends = !in_word
            || iter
                .peek()
                .is_none_or(|&(_, n)| !(n.is_alphabetic() || is_combining_mark(n)));
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
fn repair_word(word: &str) -> Option<String> {
    let (mut cyr, mut lat, mut cyr_own, mut lat_own) = (0usize, 0usize, 0usize, 0usize);
    for c in word.chars() {
        if is_cyrillic(c) {
            cyr += 1;
            cyr_own += usize::from(!LOOKALIKE_TO_LATN.contains_key(&c));
        } else if is_latin(c) {
            lat += 1;
            lat_own += usize::from(!LOOKALIKE_TO_CYRL.contains_key(&c));
        }
    }
    if cyr == 0 || lat == 0 {
        return None;
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

impl Engine<'_> {
    #[inline]
    fn dense(&self) -> &[u64; DENSE_LEN] {
        self.rules.map_or(&PASS_DENSE, |r| r.dense())
    }

    /// The output and byte length of the longest key matching at `i`, if a rule applies.
    fn match_at<'r>(
        &'r self,
        text: &str,
        i: usize,
        prev: Option<char>,
        next: Option<char>,
    ) -> Option<(&'r str, usize)> {
        let rules = self.rules?;
        let before = char_before(text, i, prev);
        let mut ends: [usize; 8] = [0; 8];
        let mut count = 0;
        let mut j = i;
        for c in text[i..].chars().take(rules.max_key_chars().min(8)) {
            j += c.len_utf8();
            ends[count] = j;
            count += 1;
        }
        for &end in ends[..count].iter().rev() {
            if let Some(candidates) = rules.lookup(&text[i..end]) {
                if let Some(to) = pick(candidates, before, char_at(text, end, next)) {
                    return Some((to, end - i));
                }
            }
        }
        None
    }

    /// Converts one token letter by letter (the reference semantics of the fast loop).
    fn convert_letters<'t>(&self, text: &'t str, prev: Option<char>, next: Option<char>) -> Cow<'t, str> {
        if self.rules.is_none() {
            return Cow::Borrowed(text);
        }
        let mut out: Option<String> = None;
        let mut run = 0;
        let mut i = 0;
        while i < text.len() {
            if let Some((to, len)) = self.match_at(text, i, prev, next) {
                let o = out.get_or_insert_with(|| String::with_capacity(text.len() + 8));
                o.push_str(&text[run..i]);
                o.push_str(to);
                i += len;
                run = i;
            } else {
                i += text[i..].chars().next().map_or(1, char::len_utf8);
            }
        }
        match out {
            Some(mut o) => {
                o.push_str(&text[run..]);
                Cow::Owned(o)
            }
            None => Cow::Borrowed(text),
        }
    }

    /// The token path: protection, NFC, look-alike repair, then letter-by-letter conversion.
    pub(crate) fn convert_token<'t>(&self, token: &'t str, prev: Option<char>, next: Option<char>) -> Cow<'t, str> {
        if self.flags.protect && is_protected(token) {
            return Cow::Borrowed(token);
        }
        let nfc: Cow<'t, str> = if is_nfc_quick(token.chars()) == IsNormalized::Yes {
            Cow::Borrowed(token)
        } else {
            Cow::Owned(token.nfc().collect())
        };
        let repaired: Cow<'t, str> = match (self.flags.repair, nfc) {
            (true, Cow::Borrowed(t)) => repair_mixed(t),
            (true, Cow::Owned(t)) => Cow::Owned(repair_mixed(&t).into_owned()),
            (false, n) => n,
        };
        let converted = match repaired {
            Cow::Borrowed(t) => self.convert_letters(t, prev, next),
            Cow::Owned(t) => Cow::Owned(self.convert_letters(&t, prev, next).into_owned()),
        };
        // An output letter can compose with a combining mark that followed the input letter.
        match converted {
            Cow::Owned(t) if t.chars().any(is_combining_mark) => Cow::Owned(t.nfc().collect()),
            c => c,
        }
    }

    /// Converts `text`, whose neighbours outside it are `prev` and `next`, appending to `out`.
    /// `text` must start at a token boundary. Returns `false`, with `out` untouched, when the
    /// conversion leaves the text as it is.
    pub(crate) fn run(&self, text: &str, prev: Option<char>, next: Option<char>, out: &mut String) -> bool {
        let base = out.len();
        let mut sink = Sink::new(std::mem::take(out), text.len(), self.expansion());
        let changed = self.run_into(text, prev, next, &mut sink);
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

    fn run_into(&self, text: &str, prev: Option<char>, next: Option<char>, sink: &mut Sink) -> bool {
        let b = text.as_bytes();
        let n = b.len();
        let dense = self.dense();
        let mut i = 0;
        let mut changed = false;
        let mut tok = 0; // start of the current token
        let mut tok_out = sink.len(); // output length when the token started
        let mut tok_changed = false; // `changed` when the token started
        let mut tok_limit = MAX_TOKEN;

        while i < n {
            // Two Cyrillic letters per step while both have a plain table output and the token
            // cannot reach its length limit.
            let fast_end = n.min(tok_limit);
            while i + 8 <= fast_end {
                let Some(quad) = b.get(i..i + 8) else { break };
                let w = u64::from_le_bytes(quad.try_into().unwrap_or([0; 8]));
                if w & 0x00FC_00FC_00FC_00FC != 0x00D0_00D0_00D0_00D0 {
                    break;
                }
                let slot = |k: u32| -> usize { ((((w >> k) & 3) << 6) | ((w >> (k + 8)) & 0x3F)) as usize };
                let e = [dense[slot(0)], dense[slot(16)], dense[slot(32)], dense[slot(48)]];
                if (e[0] as u8 | e[1] as u8 | e[2] as u8 | e[3] as u8) > 7 {
                    break;
                }
                sink.push_four_packed(e);
                changed = true;
                i += 8;
            }
            while i + 4 <= fast_end {
                let Some(&[l1, t1, l2, t2]) = b.get(i..i + 4) else {
                    break;
                };
                if (l1 & 0xFC) != 0xD0 || (l2 & 0xFC) != 0xD0 {
                    break;
                }
                let e1 = dense[(((l1 & 3) as usize) << 6) | (t1 & 0x3F) as usize];
                let e2 = dense[(((l2 & 3) as usize) << 6) | (t2 & 0x3F) as usize];
                if (e1 as u8 | e2 as u8) > 7 {
                    break;
                }
                sink.push_two_packed(e1, e2);
                changed = true;
                i += 4;
            }
            if i >= n {
                break;
            }
            let c0 = b[i];
            if (0xD0..=0xD3).contains(&c0) && i + 1 < n {
                if i >= tok_limit {
                    // A Cyrillic-block letter other than a combining mark is a safe start.
                    if is_safe_start(b, i) {
                        tok = i;
                        tok_out = sink.len();
                        tok_changed = changed;
                        tok_limit = i + MAX_TOKEN;
                    }
                }
                let entry = dense[(((c0 - 0xD0) as usize) << 6) | (b[i + 1] & 0x3F) as usize];
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
                        sink.push_bytes(&b[i..i + 2]);
                        i += 2;
                    }
                }
                continue;
            }
            if i >= tok_limit && is_safe_start(b, i) {
                tok = i;
                tok_out = sink.len();
                tok_changed = changed;
                tok_limit = i + MAX_TOKEN;
            }
            if c0 < 0x80 {
                match ASCII_CLASS[c0 as usize] {
                    PLAIN => {
                        sink.push_byte(c0);
                        i += 1;
                        continue;
                    }
                    SPACE => {
                        sink.push_byte(c0);
                        i += 1;
                        tok = i;
                        tok_out = sink.len();
                        tok_changed = changed;
                        tok_limit = i + MAX_TOKEN;
                        continue;
                    }
                    _ => {}
                }
            } else {
                let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
                let len = c.len_utf8();
                if c.is_whitespace() {
                    sink.push_bytes(&b[i..i + len]);
                    i += len;
                    tok = i;
                    tok_out = sink.len();
                    tok_changed = changed;
                    tok_limit = i + MAX_TOKEN;
                    continue;
                }
                if !(c.is_alphabetic() || is_combining_mark(c) || !is_nfc_char(c)) {
                    sink.push_bytes(&b[i..i + len]);
                    i += len;
                    continue;
                }
            }
            // The token path, for the whole token around `i`.
            let end = token_end(text, tok, i);
            let converted = self.convert_token(&text[tok..end], char_before(text, tok, prev), char_at(text, end, next));
            sink.truncate(tok_out);
            changed = tok_changed || matches!(converted, Cow::Owned(_));
            sink.push_str(&converted);
            i = end;
        }
        changed
    }
}

/// The output buffer of the fast loop. `buf` is kept longer than the text written (`len`), so
/// that a table output is stored with one fixed-size copy; the spare tail is zero-filled once,
/// when first reached, and reused afterwards.
pub(crate) struct Sink {
    buf: Vec<u8>,
    len: usize,
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
        Sink { buf, len }
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

    #[cold]
    fn grow(&mut self, extra: usize) {
        let want = (self.len + extra + SPARE).max(self.buf.len() * 2);
        self.buf.resize(want, 0);
    }

    #[inline]
    fn push_byte(&mut self, b: u8) {
        self.ensure(1);
        self.buf[self.len] = b;
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
        self.ensure(8);
        if let Some(slot) = self.buf.get_mut(self.len..self.len + 8) {
            slot.copy_from_slice(&(entry >> 8).to_le_bytes());
        }
        self.len += ((entry as u8) as usize).min(7);
    }

    /// Appends four packed outputs.
    #[inline]
    fn push_four_packed(&mut self, e: [u64; 4]) {
        let at = self.len;
        match self.buf.get_mut(at..at + 32) {
            Some(slot) => {
                let mut o = 0;
                for entry in e {
                    slot[o..o + 8].copy_from_slice(&(entry >> 8).to_le_bytes());
                    o += ((entry as u8) as usize).min(7);
                }
                self.len = at + o;
            }
            None => e.into_iter().for_each(|entry| self.push_packed(entry)),
        }
    }

    /// Appends two packed outputs.
    #[inline]
    fn push_two_packed(&mut self, e1: u64, e2: u64) {
        let l1 = ((e1 as u8) as usize).min(7);
        let l2 = ((e2 as u8) as usize).min(7);
        let at = self.len;
        match self.buf.get_mut(at..at + 16) {
            Some(slot) => {
                slot[..8].copy_from_slice(&(e1 >> 8).to_le_bytes());
                slot[l1..l1 + 8].copy_from_slice(&(e2 >> 8).to_le_bytes());
                self.len = at + l1 + l2;
            }
            None => {
                self.push_packed(e1);
                self.push_packed(e2);
            }
        }
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
