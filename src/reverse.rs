//! Latin Kazakh to Cyrillic.
//!
//! The Latin alphabets merge letters that Cyrillic keeps apart, so a word is resolved in this
//! order:
//!
//! 1. the user's exceptions (`Builder::exceptions`);
//! 2. the lexicon of the scheme (`tables/lexicon/`): real word forms whose letter-by-letter
//!    reading is wrong, keyed by their Latin spelling;
//! 3. a lexicon stem plus a suffix read by the rules (`Izraildıñ` → `Израиль` + `дің`);
//! 4. the letter rules of `tables/<scheme>-cyrl.tsv` (й after a vowel, Russian-loan endings).
//!
//! Foreign text stays foreign: URLs, e-mail addresses and handles; a word that keeps a letter no
//! rule converts (w, x, c in the 2021 alphabet); a word of `tables/foreign.tsv`; and a whole
//! line whose foreign words outnumber its Kazakh ones (an English quotation). The decision is
//! made per line, so the converter works line by line.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::engine::{is_alpha, is_cyrillic, is_latin, is_protected, may_be_protected, repair_word, Engine, Flags};
use crate::memo::{self, MemoPool, WordMemo};
use crate::orthography::case_like;
use crate::rules::{RuleSet, WordFilter, FOREIGN, LETTER_FORM_CHARS, RUSSIAN_LOANS};
use crate::scan;
use crate::scheme::Scheme;
use crate::spelling::Variants;
use crate::table::{word_hash_step, WORD_HASH_START};

/// Shortest stem tried for an inflected word, in characters.
const MIN_STEM: usize = 4;
/// Longest suffix read by the rules after a stem, in characters.
const MAX_SUFFIX: usize = 10;
/// A line is foreign when it has at least this many foreign words and more foreign than Kazakh.
const FOREIGN_LINE: usize = 3;

/// The Latin → Cyrillic conversion of one scheme.
#[derive(Clone)]
pub(crate) struct Reverse {
    pub(crate) scheme: Scheme,
    pub(crate) rules: RuleSet,
    pub(crate) lexicon: Option<Lexicon>,
    pub(crate) exceptions: Option<Arc<HashMap<String, String>>>,
    pub(crate) protect: bool,
    /// The spelling variants whose Kazakh spelling a reading takes when the Latin cannot tell
    /// them apart ([`Reverse::prefer_kazakh_spelling`]), with the scheme's Cyrillic → Latin
    /// rules; `None` without the lexicon.
    pub(crate) variants: Option<Arc<Variants>>,
    pub(crate) forward: Option<RuleSet>,
    /// Words already converted (the fields above never change once built).
    pub(crate) memo: MemoPool,
}

/// A scheme's lexicon (Latin key → Cyrillic), and its entries that may serve as stems.
pub(crate) type Lexicon = (
    &'static phf::Map<&'static str, &'static str>,
    &'static phf::Set<&'static str>,
);

/// A word of Latin letters with look-alikes of Cyrillic (`Аlmaty` with a Cyrillic А) as the
/// look-alike repair writes it, which is how it is read: as `-f latn… -t latn…` normalizes it.
/// `None` for any other word.
fn latin_form(word: &str) -> Option<String> {
    if word.is_ascii() {
        return None;
    }
    repair_word(word).filter(|w| !w.chars().any(is_cyrillic))
}

/// Where the words read back lie in the input and in the Cyrillic made of it, and the look-alike
/// repairs made on the way: kept for a change report, so that repairs are told at their place
/// in the input. Offsets are those of the whole input and of the whole output.
#[derive(Debug, Default)]
pub(crate) struct Alignment {
    /// Where the text given to [`Reverse::run`] starts in the input.
    pub(crate) input_base: usize,
    /// Each word read: its start and end in the input, then in the output, in order.
    words: Vec<[usize; 4]>,
    /// Each look-alike repair: where the word starts in the input, the word, and its repair.
    pub(crate) repairs: Vec<(usize, String, String)>,
}

impl Alignment {
    /// The input offset of the output offset `at`: inside a word read back, where the word
    /// starts, or for the `end` of a range where it ends; elsewhere the same character of the
    /// text copied between words.
    pub(crate) fn input_offset(&self, at: usize, end: bool) -> usize {
        let i = self.words.partition_point(|w| if end { w[2] < at } else { w[2] <= at });
        match i.checked_sub(1).map(|i| self.words[i]) {
            None => at,
            Some([_, input_end, _, out_end]) if at >= out_end => input_end + (at - out_end),
            Some([input_start, input_end, ..]) => {
                if end {
                    input_end
                } else {
                    input_start
                }
            }
        }
    }

    /// How much is recorded, to go back to with [`Alignment::truncate`].
    fn len(&self) -> (usize, usize) {
        (self.words.len(), self.repairs.len())
    }

    /// Forgets what was recorded after `len`.
    fn truncate(&mut self, (words, repairs): (usize, usize)) {
        self.words.truncate(words);
        self.repairs.truncate(repairs);
    }
}

/// How a word was classified.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Foreign,
    Kazakh,
    Plain,
}

impl Kind {
    /// The kind, whether the word changed and whether its result is settled ([`is_settled`]),
    /// as a memo's note.
    fn note(self, changed: bool, settled: bool) -> u8 {
        self as u8 | u8::from(changed) << 2 | u8::from(settled) << 3
    }

    /// The kind, whether the word changed and whether its result is settled, from a memo's
    /// note.
    fn from_note(note: u8) -> (Kind, bool, bool) {
        let kind = match note & 3 {
            0 => Kind::Foreign,
            1 => Kind::Kazakh,
            _ => Kind::Plain,
        };
        (kind, note & 4 != 0, note & 8 != 0)
    }
}

/// Whether the normalization that follows reading back (Cyrillic to Cyrillic: NFC, look-alike
/// letters, letter forms) surely leaves a word's result as it is: Cyrillic letters only, none of
/// them a letter form of `tables/letter-forms.tsv`. A line of such words between characters of
/// [`is_settled_between`] is not normalized again.
fn is_settled(result: &str) -> bool {
    result
        .chars()
        .all(|c| is_cyrillic(c) && is_alpha(c) && !LETTER_FORM_CHARS.contains(c))
}

/// Whether the characters between two words leave the words around them settled: ASCII
/// other than letters, and [`PLAIN_PUNCTUATION`] (no token then mixes scripts; protected
/// tokens, which hold letters, are not).
#[inline]
fn is_settled_between(between: &[u8]) -> bool {
    let plain = |c: char| (c.is_ascii() && !c.is_ascii_alphabetic()) || PLAIN_PUNCTUATION.contains(&c);
    between.iter().all(|&b| plain(char::from(b))) || std::str::from_utf8(between).is_ok_and(|s| s.chars().all(plain))
}

impl Reverse {
    /// The letter rules of this reading, without repairs.
    fn letters(&self) -> Engine<'_> {
        letters_of(&self.rules)
    }

    /// Writes the lexicon key of a word into `key` ([`fold_into`]).
    fn fold_into(&self, word: &str, key: &mut String) {
        fold_into(self.scheme, word, key);
    }

    /// A word of the user's exceptions or the lexicon; with `stem`, only lexicon entries seen
    /// often enough to serve as the stem of another form.
    fn lookup(&self, key: &str, stem: bool) -> Option<Cow<'static, str>> {
        if let Some(found) = self.exceptions.as_ref().and_then(|e| e.get(key)) {
            return Some(Cow::Owned(found.clone()));
        }
        let (words, stems) = self.lexicon?;
        if stem && !stems.contains(key) {
            return None;
        }
        words.get(key).map(|s| Cow::Borrowed(*s))
    }

    /// A known stem of `key` plus a suffix read by the rules.
    fn stem_and_suffix(&self, key: &str) -> Option<String> {
        // Any prefix may be a stem of the user's exceptions.
        let filter = match (&self.exceptions, self.lexicon) {
            (None, None) => return None,
            (None, lexicon) => filters(self.scheme, lexicon).map(|f| &f.1),
            (Some(_), _) => None,
        };
        let may_hold = filter.map(|f| move |h| f.may_hold_hash(h));
        let may_hold = may_hold.as_ref().map(|f| f as &dyn Fn(u64) -> bool);
        self.stem_by(key, MIN_STEM, may_hold, |stem| self.lookup(stem, true))
    }

    /// A stem of `key` of at least `min_stem` letters that `lookup` knows, plus a suffix read by
    /// the rules. One pass over `key` hashes its prefixes, and only those `filter` may hold are
    /// looked up, longest first.
    fn stem_by<'a>(
        &self,
        key: &str,
        min_stem: usize,
        may_hold: Option<&dyn Fn(u64) -> bool>,
        lookup: impl Fn(&str) -> Option<Cow<'a, str>>,
    ) -> Option<String> {
        let n = key.chars().count();
        if n <= min_stem {
            return None;
        }
        let shortest = min_stem.max(n.saturating_sub(MAX_SUFFIX));
        let mut cuts = [0usize; MAX_SUFFIX];
        let mut count = 0;
        let (mut h, mut chars) = (WORD_HASH_START, 0);
        for (i, &b) in key.as_bytes().iter().enumerate() {
            if b & 0xC0 != 0x80 {
                if chars >= shortest && may_hold.is_none_or(|f| f(h)) && count < cuts.len() {
                    cuts[count] = i;
                    count += 1;
                }
                chars += 1;
            }
            h = word_hash_step(h, b);
        }
        for &cut in cuts[..count].iter().rev() {
            if let Some(stem) = lookup(&key[..cut]) {
                let suffix = self
                    .letters()
                    .convert_letters(&key[cut..], key[..cut].chars().next_back(), None);
                if !suffix.chars().any(is_latin) {
                    return Some(format!("{stem}{suffix}"));
                }
            }
        }
        None
    }

    /// The Cyrillic of a word known to the user's exceptions or the lexicon, or made of a known
    /// stem and a suffix. In the 2018 alphabet a capital I may stand for і or и, so both
    /// readings are tried.
    fn known(&self, word: &str, key: &mut String) -> Option<String> {
        self.fold_into(word, key);
        let other = (self.scheme == Scheme::Latn2018 && word.contains('I')).then(|| key.replace('i', "ı"));
        let keys = std::iter::once(key.as_str()).chain(other.as_deref());
        let words_filter = filters(self.scheme, self.lexicon).map(|f| &f.0);
        let full = |k: &str| {
            if self.exceptions.is_none() && words_filter.is_some_and(|f| !f.may_hold(k)) {
                return None;
            }
            self.lookup(k, false)
        };
        if let Some(found) = keys.clone().find_map(full) {
            return Some(found.into_owned());
        }
        // Then a Russian loanword, whole (with the lexicon only: `--no-lexicon` reads by the
        // rules alone); then a lexicon stem; then a Russian stem.
        let loans = self.lexicon.and_then(|_| loans(self.scheme));
        let long = |k: &&str| k.len() >= LOAN_STEM && k.chars().count() >= LOAN_STEM;
        if let Some(found) = loans.and_then(|l| keys.clone().filter(long).find_map(|k| l.get(k))) {
            return Some(found.to_string());
        }
        if let Some(found) = keys.clone().find_map(|k| self.stem_and_suffix(k)) {
            return Some(found);
        }
        let loans = loans?;
        keys.into_iter().find_map(|k| {
            self.stem_by(k, LOAN_STEM, Some(&|h| loans.may_hold_hash(h)), |stem| {
                loans.get(stem).map(Cow::Borrowed)
            })
        })
    }

    /// Converts one word (a run of letters), appending its Cyrillic to `out`, or the word
    /// itself when it stays, and says how Kazakh it looks ([`Reverse::read_word`], then
    /// [`Reverse::prefer_kazakh_spelling`]).
    fn word(
        &self,
        word: &str,
        prev: Option<char>,
        next: Option<char>,
        scratch: &mut Scratch,
        out: &mut String,
    ) -> Kind {
        let repaired = latin_form(word);
        let word = repaired.as_deref().unwrap_or(word);
        let mark = out.len();
        let kind = self.read_word(word, prev, next, scratch, out);
        if kind != Kind::Foreign {
            self.prefer_kazakh_spelling(word, mark, out);
        }
        kind
    }

    /// Rewrites the reading of `latin` (at `mark` in `out`) in the Kazakh spelling that
    /// `tables/variants.tsv` gives for it, when the scheme writes that spelling as the same Latin:
    /// `İbrahim` reads Ибрахим by the letters (h is х and һ), and Ибраһим is the Kazakh spelling
    /// of that name. A name is rewritten only when written as one (capital first letter).
    fn prefer_kazakh_spelling(&self, latin: &str, mark: usize, out: &mut String) {
        let (Some(variants), Some(forward)) = (&self.variants, &self.forward) else {
            return;
        };
        let read = &out[mark..];
        if read == latin {
            return;
        }
        let as_name = latin.starts_with(char::is_uppercase);
        // In the 2018 alphabet a capital I may be І or И (`Ibrahım`, read Ібрахим).
        let other = (self.scheme == Scheme::Latn2018 && read.contains('І')).then(|| read.replace('І', "И"));
        let engine = letters_of(forward);
        let candidate = std::iter::once(read).chain(other.as_deref()).find_map(|reading| {
            if !variants.may_start(reading) {
                return None;
            }
            let kazakh = variants
                .unify(&reading.to_lowercase())
                .filter(|f| as_name || !f.starts_with(char::is_uppercase))?;
            let candidate = case_like(reading, &kazakh);
            (engine.convert_letters(&candidate, None, None) == latin).then_some(candidate)
        });
        if let Some(candidate) = candidate {
            out.truncate(mark);
            out.push_str(&candidate);
        }
    }

    /// Converts one word (a run of letters) by the lexicon or the rules, appending its Cyrillic
    /// to `out`, or the word itself when it stays, and says how Kazakh it looks.
    fn read_word(
        &self,
        word: &str,
        prev: Option<char>,
        next: Option<char>,
        scratch: &mut Scratch,
        out: &mut String,
    ) -> Kind {
        let mut kind = Kind::Plain;
        let plain = word.is_ascii() && !word.contains('\'');
        for c in word.chars().filter(|c| !plain && !c.is_ascii_alphabetic()) {
            if is_cyrillic(c) {
                out.push_str(word);
                return Kind::Kazakh;
            }
            if (!c.is_ascii() && is_alpha(c)) || matches!(c, 'ʼ' | '\'' | '’') {
                kind = Kind::Kazakh;
            }
        }
        if let Some(found) = self.known(word, &mut scratch.key) {
            out.push_str(&apply_case(word, &found));
            return kind;
        }
        if starts_small_then_capital(word) || self.is_listed(word, &mut scratch.key) {
            out.push_str(word);
            return Kind::Foreign;
        }
        let mark = out.len();
        let (changed, kept_latin) = self.letters().convert_letters_counting(word, prev, next, out);
        if kept_latin {
            out.truncate(mark);
        }
        if kept_latin || !changed {
            out.push_str(word);
        }
        if kept_latin {
            Kind::Foreign
        } else {
            kind
        }
    }

    /// Whether `tables/foreign.tsv` lists the word (its words are ASCII, compared in lower case).
    fn is_listed(&self, word: &str, lower: &mut String) -> bool {
        if !word.is_ascii() {
            return false;
        }
        lower.clear();
        lower.push_str(word);
        lower.make_ascii_lowercase();
        foreign_filter().may_hold(lower) && FOREIGN.contains(lower.as_str())
    }

    /// Converts `text`, line by line, appending to `out`. Returns `false` (with `out` untouched)
    /// when nothing changes. The byte ranges of `out` (from where it ended) that hold settled
    /// lines ([`is_settled`]), which need no normalization after, go into `settled`, adjacent
    /// ones joined.
    /// With `align`, where the words lie in `text` and `out`, and the look-alike repairs, are
    /// recorded too.
    pub(crate) fn run(
        &self,
        text: &str,
        out: &mut String,
        settled: &mut Vec<(usize, usize)>,
        mut align: Option<&mut Alignment>,
    ) -> bool {
        let base = out.len();
        // Cyrillic takes two bytes for most Latin letters of one: room for the whole text at
        // once, rather than growing (and copying) as lines are added.
        out.reserve(2 * text.len());
        let mut changed = false;
        let mut scratch = Scratch::default();
        let recorded = align.as_ref().map_or((0, 0), |a| a.len());
        scratch.align = align.as_deref_mut().map(std::mem::take);
        let apostrophe = self.scheme == Scheme::Latn2017;
        let mut blocks = Vec::new();
        scan::mark_all(text.as_bytes(), apostrophe, &mut blocks);
        self.memo.with(|memo| {
            let mut at = 0;
            let ends = scan::positions(&blocks, 0, text.len(), scan::Block::newlines).map(|i| i + 1);
            for end in ends.chain((!text.is_empty() && !text.ends_with('\n')).then_some(text.len())) {
                let runs = scan::Runs::within(&blocks, at, end);
                let start = out.len() - base;
                let (line_changed, line_settled) = self.line(text, &blocks, at, end, runs, &mut scratch, memo, out);
                changed |= line_changed;
                let stop = out.len() - base;
                match settled.last_mut() {
                    _ if !line_settled => {}
                    Some(last) if last.1 == start => last.1 = stop,
                    _ => settled.push((start, stop)),
                }
                at = end;
            }
        });
        if let (Some(a), Some(kept)) = (align, scratch.align.take()) {
            *a = kept;
            if !changed {
                a.truncate(recorded);
            }
        }
        if !changed {
            out.truncate(base);
            settled.clear();
        }
        changed
    }

    /// Whether `c`, beyond ASCII, goes on a word: a letter or a combining mark, or in the 2017
    /// alphabet an apostrophe.
    fn is_word_char(&self, c: char) -> bool {
        is_alpha(c)
            || unicode_normalization::char::is_combining_mark(c)
            || (self.scheme == Scheme::Latn2017 && matches!(c, 'ʼ' | '’'))
    }

    /// The words of a line, into `words`: `(start, end)` byte ranges of runs of letters (with
    /// the combining marks and 2017 apostrophes that follow a letter), outside protected tokens
    /// ([`protected_tokens`], into `protected`). The bytes that may belong to a word were marked
    /// in one branch-free pass over the whole text: `runs` are the line's ([`scan::Runs`]), as
    /// positions in the text, where the line starts at `at`. Only runs that may hold a
    /// character other than a letter are read character by character.
    fn words(
        &self,
        line: &str,
        at: usize,
        runs: scan::Runs,
        blocks: &[scan::Block],
        scratch: &mut Scratch,
        words: &mut Vec<(usize, usize)>,
    ) {
        words.clear();
        let protected = &mut scratch.protected;
        protected.clear();
        if self.protect {
            let stops = scan::positions(blocks, at, at + line.len(), scan::Block::stops).map(|i| i - at);
            protected_tokens(line, stops, protected);
        }
        let mut skip = protected.iter().copied().peekable();
        let mut push = |start: usize, end: usize| {
            if skip.peek().is_some() {
                while skip.next_if(|&(_, e)| e <= start).is_some() {}
                if skip.peek().is_some_and(|&(s, _)| s <= start) {
                    return;
                }
            }
            words.push((start, end));
        };
        for (s, e, sure) in runs {
            self.words_of_run(line, s - at, e - at, sure, &mut push);
        }
    }

    /// The words of the run `text[s..e]` of bytes that may belong to words (`sure` when it is
    /// letters alone, [`scan::Runs`]), in order, to `f`: each a letter and the letters, combining
    /// marks and 2017 apostrophes that follow it. Runs of letters alone, and ASCII runs (letters
    /// and 2017 apostrophes, which start no word), are one word or none without reading them
    /// character by character.
    fn words_of_run(&self, text: &str, s: usize, e: usize, sure: bool, mut f: impl FnMut(usize, usize)) {
        let run = &text.as_bytes()[s..e];
        if sure && run[0] != b'\'' {
            return f(s, e);
        }
        if run.is_ascii() {
            if let Some(first) = run.iter().position(u8::is_ascii_alphabetic) {
                f(s + first, e);
            }
            return;
        }
        if run[0] != b'\'' && scan::all_letters(run) {
            return f(s, e);
        }
        let apostrophe = self.scheme == Scheme::Latn2017;
        let mut i = s;
        while i < e {
            let c = char_at(text, i);
            if !is_alpha(c) {
                i += c.len_utf8();
                continue;
            }
            let start = i;
            i += c.len_utf8();
            while i < e {
                let c = char_at(text, i);
                if !(c.is_ascii_alphabetic() || (apostrophe && c == '\'') || self.is_word_char(c)) {
                    break;
                }
                i += c.len_utf8();
            }
            f(start, i);
        }
    }

    /// Converts one line (at `at` in `text`, with its `runs`) into `out`; a line whose foreign
    /// words outnumber its Kazakh ones is copied as it is. Says whether the line changed, and
    /// whether what it became is settled ([`is_settled`]).
    #[allow(clippy::too_many_arguments)]
    fn line(
        &self,
        text: &str,
        blocks: &[scan::Block],
        at: usize,
        end: usize,
        runs: scan::Runs,
        scratch: &mut Scratch,
        memo: &mut WordMemo,
        out: &mut String,
    ) -> (bool, bool) {
        // After a line with words new to the memo, the next lines (1, 2, 4 … up to 16 of them,
        // doubling while the lines tried keep failing) go to the general reading at once: text
        // seen the first time has new words in most lines.
        if scratch.align.is_none() && scratch.skip == 0 {
            if let Some(done) = self.remembered_line(text, blocks, at, end, scratch, memo, out) {
                scratch.backoff = 0;
                return done;
            }
            scratch.backoff = (scratch.backoff * 2).clamp(1, 16);
            scratch.skip = scratch.backoff;
        } else {
            scratch.skip = scratch.skip.saturating_sub(1);
        }
        let base = out.len();
        let line = &text[at..end];
        let mut words = std::mem::take(&mut scratch.words);
        self.words(line, at, runs, blocks, scratch, &mut words);
        // Cyrillic takes two bytes for most Latin letters of one.
        out.reserve(2 * line.len());
        let (mut foreign, mut kazakh) = (0, 0);
        let mut changed = false;
        let mut settled = true;
        let mut last = 0;
        let b = line.as_bytes();
        let recorded = scratch.align.as_ref().map(Alignment::len);
        for &(s, e) in &words {
            settled &= push_between(out, line, last, s);
            last = e;
            let out_start = out.len();
            let (before, after) = (char_before(line, s), char_at_or_end(line, e));
            let key = memo::context(before, after).map(|c| (c, memo::key_in(text.as_bytes(), at + s, at + e, c)));
            let note = match key.and_then(|(c, key)| memo.get_into(&key, &b[s..e], c, out)) {
                Some(note) => note,
                None => {
                    let word = &line[s..e];
                    let mark = out.len();
                    let kind = self.word(word, before, after, scratch, out);
                    let note = kind.note(out[mark..] != *word, is_settled(&out[mark..]));
                    if let Some((c, key)) = key {
                        memo.insert(key.hash, word, c, &out[mark..], note);
                    }
                    note
                }
            };
            if let Some(align) = scratch.align.as_mut() {
                let input = align.input_base + at;
                align.words.push([input + s, input + e, out_start, out.len()]);
                if let Some(repaired) = latin_form(&line[s..e]) {
                    align.repairs.push((input + s, line[s..e].to_string(), repaired));
                }
            }
            let (kind, word_changed, word_settled) = Kind::from_note(note);
            foreign += usize::from(kind == Kind::Foreign);
            kazakh += usize::from(kind == Kind::Kazakh);
            changed |= word_changed;
            settled &= word_settled;
        }
        scratch.words = words;
        if foreign >= FOREIGN_LINE && foreign > kazakh {
            if let (Some(align), Some(recorded)) = (scratch.align.as_mut(), recorded) {
                align.truncate(recorded);
            }
            out.truncate(base);
            out.push_str(line);
            return (false, false);
        }
        settled &= is_settled_between(&b[last..]);
        out.push_str(&line[last..]);
        (changed, settled)
    }
}

impl Reverse {
    /// [`Reverse::line`] for the common line of text seen before: every word the memo holds,
    /// and no protected token. The words are those [`Reverse::words`] finds in each run of bytes
    /// that may belong to words ([`scan::each_run`], [`Reverse::words_of_run`]); what lies
    /// between them leaves them settled: ASCII other than letters between runs, and inside a
    /// run only [`PLAIN_PUNCTUATION`] (`«Qazaqstan»,`, ` — `). `None`, with `out` as it was, for
    /// any other line.
    #[allow(clippy::too_many_arguments)]
    fn remembered_line(
        &self,
        text: &str,
        blocks: &[scan::Block],
        at: usize,
        end: usize,
        scratch: &mut Scratch,
        memo: &WordMemo,
        out: &mut String,
    ) -> Option<(bool, bool)> {
        use scan::Block;
        let b = text.as_bytes();
        if self.protect
            && scan::positions(blocks, at, end, Block::stops)
                .any(|i| may_be_protected(&b[i.saturating_sub(3).max(at)..=i]))
        {
            let stops = scan::positions(blocks, at, end, Block::stops).map(|i| i - at);
            scratch.protected.clear();
            protected_tokens(&text[at..end], stops, &mut scratch.protected);
            if !scratch.protected.is_empty() {
                return None;
            }
        }
        // The words and their memo keys first, with the memo's slots and then its entries for
        // them fetched ahead: the line's lookups then wait for memory together, not in turn.
        let mut words = std::mem::take(&mut scratch.keyed);
        words.clear();
        let found = scan::each_run(blocks, at, end, |s, e, sure| {
            if sure && b[s] != b'\'' {
                // One word of letters alone, between bytes that are no letters.
                let context = u8::from(s > 0 && b[s - 1] == b'\r') | u8::from(b.get(e) == Some(&b'\r')) << 1;
                let key = memo::key_in(b, s, e, context);
                memo.fetch_slot(&key);
                words.push((s, e, context, key, u32::MAX));
                return true;
            }
            // The words of the run, as [`Reverse::words`] finds them, with what lies between
            // them in the run leaving them settled.
            let mut ok = true;
            let mut last = s;
            self.words_of_run(text, s, e, false, |s, e| {
                ok &= is_settled_between(&b[last..s]);
                last = e;
                let Some(context) = memo::context(char_before(text, s), char_at_or_end(text, e)) else {
                    ok = false;
                    return;
                };
                let key = memo::key_in(b, s, e, context);
                memo.fetch_slot(&key);
                words.push((s, e, context, key, u32::MAX));
            });
            ok && is_settled_between(&b[last..e])
        });
        // A word new to the memo sends the line to the general reading at once (a text seen
        // the first time has one in most lines).
        let found = found
            && words
                .iter_mut()
                .all(|(.., key, at)| memo.fetch_entry(key).map(|entry| *at = entry).is_some());
        if !found {
            scratch.keyed = words;
            return None;
        }
        let base = out.len();
        // Room for the blocks that copy the last pieces (`memo::push_short`).
        out.reserve(2 * (end - at) + 64);
        let (mut foreign, mut kazakh) = (0usize, 0usize);
        // The words' notes or-ed (has any changed?) and and-ed (are all settled?).
        let (mut any, mut all) = (0u8, !0u8);
        let mut last = at;
        for &(s, e, context, key, entry) in words.iter() {
            memo::push_short::<8>(out, text, last, s);
            last = e;
            let Some(note) = memo.get_into_from(entry, &key, &b[s..e], context, out) else {
                out.truncate(base);
                scratch.keyed = words;
                return None;
            };
            foreign += usize::from(note & 3 == Kind::Foreign as u8);
            kazakh += usize::from(note & 3 == Kind::Kazakh as u8);
            any |= note;
            all &= note;
        }
        scratch.keyed = words;
        if foreign >= FOREIGN_LINE && foreign > kazakh {
            out.truncate(base);
            out.push_str(&text[at..end]);
            return Some((false, false));
        }
        out.push_str(&text[last..end]);
        let (_, changed, settled) = Kind::from_note(any & 4 | all & 8);
        Some((changed, settled))
    }
}

/// Punctuation beyond ASCII that the normalizing after reading back leaves as it is, whatever
/// its neighbours: between words it leaves them settled ([`is_settled_between`]).
const PLAIN_PUNCTUATION: [char; 5] = ['«', '»', '…', '–', '—'];

/// Whether a word starts with a small letter and has a capital after it (`iPhone`, `eBay`,
/// `mySQL`): a brand's or a program's spelling. Kazakh words and names start with a capital or
/// have none (`ҚазАвтоЖол`, `Qazaqstan`).
fn starts_small_then_capital(word: &str) -> bool {
    let mut letters = word.chars();
    letters.next().is_some_and(char::is_lowercase) && letters.any(char::is_uppercase)
}

/// Appends `text[from..to]`, the characters between two words: most often one space, appended
/// without a call to copy memory. Says whether they leave the words settled
/// ([`is_settled_between`]).
#[inline]
fn push_between(out: &mut String, text: &str, from: usize, to: usize) -> bool {
    match text.as_bytes()[from..to] {
        [x] if x.is_ascii() => {
            out.push(char::from(x));
            !x.is_ascii_alphabetic()
        }
        ref between => {
            out.push_str(&text[from..to]);
            is_settled_between(between)
        }
    }
}

/// An engine of `rules` letter by letter, without repairs or protected tokens.
fn letters_of(rules: &RuleSet) -> Engine<'_> {
    Engine {
        rules: Some(rules),
        flags: Flags {
            repair: false,
            protect: false,
        },
        log: None,
    }
}

/// Buffers reused from word to word and line to line.
#[derive(Default)]
struct Scratch {
    /// A word's lexicon key, or its lower case.
    key: String,
    /// The words of the current line.
    words: Vec<(usize, usize)>,
    /// The protected tokens of the current line.
    protected: Vec<(usize, usize)>,
    /// The words of the current line, with their memo contexts and keys, and where their
    /// entries may start ([`WordMemo::fetch_entry`]).
    keyed: Vec<(usize, usize, u8, memo::Key, u32)>,
    /// Lines still to read without trying [`Reverse::remembered_line`] first.
    skip: u8,
    /// How many lines were skipped after the last failed try (0 after a success).
    backoff: u8,
    /// Where the words lie, when recorded ([`Reverse::run`]).
    align: Option<Alignment>,
}

/// The filters of the words and of the stems of a scheme's lexicon (built on first use).
fn filters(scheme: Scheme, lexicon: Option<Lexicon>) -> Option<&'static (WordFilter, WordFilter)> {
    static FILTERS: [OnceLock<(WordFilter, WordFilter)>; 16] = [const { OnceLock::new() }; 16];
    let (words, stems) = lexicon?;
    let filters = FILTERS.get(scheme as usize)?;
    Some(filters.get_or_init(|| {
        (
            WordFilter::new(words.keys().copied()),
            WordFilter::new(stems.iter().copied()),
        )
    }))
}

/// Writes the lexicon key of a word of `scheme` into `key`: lower case, with the scheme's
/// dotted and dotless I.
fn fold_into(scheme: Scheme, word: &str, key: &mut String) {
    let turkic = matches!(scheme, Scheme::Latn2021 | Scheme::WikiLatn);
    key.clear();
    if word.is_ascii() && !(turkic && word.as_bytes().contains(&b'I')) {
        key.push_str(word);
        key.make_ascii_lowercase();
        return;
    }
    for c in word.chars() {
        key.push(match c {
            'İ' => 'i',
            'I' if turkic => 'ı',
            'I' => 'i',
            c => crate::engine::lower_letter(c),
        });
    }
}

/// Shortest Latin key of a Russian loanword, whole or as a stem, in characters (as
/// `tables/lexicon/russian.py` checked them).
const LOAN_STEM: usize = 6;

/// The Russian loanwords of one scheme (`tables/lexicon/russian-loans.tsv`) by Latin key: one
/// key field of [`RUSSIAN_LOANS`]. They are read after the lexicon, which has the Kazakh word
/// forms.
#[derive(Clone, Copy)]
struct Loans {
    column: usize,
}

impl Loans {
    /// The Russian word of a Latin key.
    fn get(self, key: &str) -> Option<&'static str> {
        RUSSIAN_LOANS.get(self.column, key)
    }

    /// Whether a key whose [`crate::table::word_hash`] is `hash` may be one.
    fn may_hold_hash(self, hash: u64) -> bool {
        RUSSIAN_LOANS.may_hold_hash(self.column, hash)
    }
}

/// The Russian loanwords of `scheme`; `None` for a scheme without them or without the
/// `russian-loans` feature.
fn loans(scheme: Scheme) -> Option<Loans> {
    let column = match scheme {
        Scheme::Latn2021 => 0,
        Scheme::Latn2018 => 1,
        Scheme::Latn2017 => 2,
        _ => return None,
    };
    (!RUSSIAN_LOANS.is_empty()).then_some(Loans { column })
}

/// The filter of `tables/foreign.tsv`, built on first use.
fn foreign_filter() -> &'static WordFilter {
    static FILTER: OnceLock<WordFilter> = OnceLock::new();
    FILTER.get_or_init(|| WordFilter::new(FOREIGN.iter().copied()))
}

/// The character at byte `i` of `text` (a character boundary).
#[inline]
fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or('\u{FFFD}')
}

/// The character that ends at byte `i` of `text` (a character boundary), if any; an ASCII one,
/// the common case, read without decoding.
#[inline]
fn char_before(text: &str, i: usize) -> Option<char> {
    match i.checked_sub(1).map(|j| text.as_bytes()[j]) {
        Some(x) if x.is_ascii() => Some(char::from(x)),
        None => None,
        Some(_) => text[..i].chars().next_back(),
    }
}

/// The character that starts at byte `i` of `text` (a character boundary), if any; an ASCII
/// one read without decoding.
#[inline]
fn char_at_or_end(text: &str, i: usize) -> Option<char> {
    match text.as_bytes().get(i) {
        Some(&x) if x.is_ascii() => Some(char::from(x)),
        None => None,
        Some(_) => text[i..].chars().next(),
    }
}

/// The whitespace-separated tokens of `line` that [`is_protected`] names (URLs, e-mail
/// addresses, handles), into `out` as byte ranges in order. Only tokens that have what every
/// protected token has ([`may_be_protected`]) are looked at: `stops` are the positions of the
/// line's bytes `:`, `@` and `.`, in order.
fn protected_tokens(line: &str, stops: impl Iterator<Item = usize>, out: &mut Vec<(usize, usize)>) {
    let b = line.as_bytes();
    let mut from = 0;
    for at in stops {
        if at < from || !may_be_protected(&b[at.saturating_sub(3)..=at]) {
            continue;
        }
        let start = line[..at]
            .char_indices()
            .rev()
            .find(|&(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let end = line[at..].find(char::is_whitespace).map_or(line.len(), |k| at + k);
        if is_protected(&line[start..end]) {
            out.push((start, end));
        }
        from = end;
    }
}

/// Gives the Cyrillic `word` (lower case) the case pattern of the Latin `source`: all capitals
/// (two letters or more), a capital first letter, or lower case.
fn apply_case(source: &str, word: &str) -> String {
    let letters: Vec<char> = source.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = |c: &char| c.is_uppercase();
    if letters.len() > 1 && letters.iter().all(upper) {
        return word.to_uppercase();
    }
    if letters.first().is_some_and(upper) {
        let mut cs = word.chars();
        return cs
            .next()
            .map(|f| f.to_uppercase().chain(cs).collect())
            .unwrap_or_default();
    }
    word.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    fn reverse(scheme: Scheme, memo: MemoPool) -> Reverse {
        Reverse {
            scheme,
            rules: RuleSet::new(scheme.reverse().expect("readable")),
            lexicon: scheme.lexicon(),
            exceptions: None,
            protect: true,
            variants: Variants::bundled(crate::spelling::Spelling::Kazakh),
            forward: scheme.table().map(RuleSet::new),
            memo,
        }
    }

    fn convert(r: &Reverse, text: &str) -> String {
        let mut out = String::new();
        if !r.run(text, &mut out, &mut Vec::new(), None) {
            out.push_str(text);
        }
        out
    }

    /// Text of Latin words of every alphabet (both cases, apostrophes, combining marks), with
    /// neighbours that rules look at (letters, CR) and that they do not.
    fn text() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "bala",
            "Bala",
            "BALA",
            "ıi",
            "İI",
            "sh",
            "SH",
            "ts",
            "ia",
            "iu",
            "sʼ",
            "s'",
            "o'",
            "ä",
            "ş",
            "ğ",
            "ñ",
            "ū",
            "á",
            "ǵ",
            "ń",
            "ý",
            "w",
            "x",
            "c",
            "e\u{301}",
            "\u{308}",
            " ",
            " ",
            "\r",
            "\n",
            ",",
            "-",
            "«",
            "»",
            "—",
            "–",
            "…",
            "«bala»,",
            "2",
            "@a",
            "www.",
            "http://a.b",
            "қ",
            "\u{a0}",
            "’",
        ]);
        prop::collection::vec(piece, 0..40).prop_map(|p| p.concat())
    }

    /// Brands spelled with a small letter then a capital stay Latin; a Kazakh name written
    /// with capitals inside it (`ҚазАвтоЖол`, KazNERD) is read. Cyrillic written by hand from the
    /// 2021 table (alphabets reference §1).
    #[test]
    fn brands_spelled_small_then_capital_stay() {
        let r = reverse(Scheme::Latn2021, MemoPool::default());
        assert_eq!(
            convert(&r, "Men iPhone men eBay arqyly aldym, QazAvtoJol da."),
            "Мен iPhone мен eBay арқылы алдым, ҚазАвтоЖол да."
        );
        assert!(!starts_small_then_capital("Qazaqstan") && !starts_small_then_capital("QAZAQ"));
        assert!(starts_small_then_capital("mySQL") && !starts_small_then_capital("bala"));
    }

    /// Byte ranges worked out by hand from the characters' UTF-8 lengths (« » 2 bytes, — … 3,
    /// ä 2, ʼ 2).
    #[test]
    fn a_run_is_split_into_its_words() {
        let words = |scheme: Scheme, run: &str| {
            let mut found = Vec::new();
            reverse(scheme, MemoPool::off()).words_of_run(run, 0, run.len(), false, |s, e| found.push((s, e)));
            found
        };
        assert_eq!(words(Scheme::Latn2021, "«Qazaqstan»"), [(2, 11)]);
        assert_eq!(words(Scheme::Latn2021, "—jäne…"), [(3, 8)]);
        assert_eq!(words(Scheme::Latn2021, "—"), []);
        assert_eq!(words(Scheme::Latn2021, "a«b"), [(0, 1), (3, 4)]);
        assert_eq!(words(Scheme::Latn2017, "qazaqʼ"), [(0, 7)]);
        assert_eq!(words(Scheme::Latn2017, "'a'"), [(1, 3)]);
    }

    proptest! {
        /// The memo changes nothing: a converter that remembers words, after it has seen other
        /// text and the same text, converts as one that converts every word afresh.
        #[test]
        fn the_memo_changes_nothing(first in text(), second in text(), k in 0usize..4) {
            let scheme = [Scheme::Latn2021, Scheme::Latn2018, Scheme::Latn2017, Scheme::WikiLatn][k];
            let fresh = reverse(scheme, MemoPool::off());
            let memo = reverse(scheme, MemoPool::default());
            for text in [&first, &second, &first, &second] {
                prop_assert_eq!(convert(&memo, text), convert(&fresh, text), "{:?}", text);
            }
        }
    }
}
