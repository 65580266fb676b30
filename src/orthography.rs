//! The word-level repairs of the normalizer, which need more than one token to decide: Kazakh
//! typed on a Russian keyboard ([`crate::keyboard`]) and spelling variants
//! ([`crate::spelling`]). They run sentence by sentence on Cyrillic text before the conversion,
//! and replace whole words.

use std::sync::Arc;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use std::borrow::Cow;

use crate::engine::{is_alpha as is_letter, is_cyrillic, is_latin, is_long, is_protected, repair_mixed, MAX_TOKEN};
use crate::keyboard::{self, Evidence, Mode, Seen};
use crate::memo::{self, MemoPool, WordMemo};
use crate::normalize::Repair;
use crate::rules::{
    LETTER_FORMS, LETTER_FORM_CHARS, LOOKALIKE_TO_CYRL, LOOKALIKE_TO_LATN, OTHER_ALPHABETS, OWN_LETTERS,
};
use crate::scan;
use crate::scheme::Scheme;
use crate::spelling::Variants;

/// Which word repairs run.
#[derive(Clone, Debug, Default)]
pub(crate) struct WordRepairs {
    /// Read back Kazakh typed on a Russian keyboard.
    pub(crate) keyboard: bool,
    /// Unify spelling variants with this table.
    pub(crate) variants: Option<Arc<Variants>>,
    /// Write a word whose letters all have look-alikes in the other script (`су` with a Latin
    /// c) in the script of the rest of its sentence (only along with the other repairs).
    pub(crate) lookalikes: bool,
    /// Normalizing this Latin writing system: a word that shows its own letters and letters of
    /// another Kazakh Latin alphabet (`Grebenşıkov` in 2018 text) is written in it.
    pub(crate) alphabet: Option<Scheme>,
    /// Words already looked at (the fields above never change once built).
    pub(crate) memo: MemoPool,
}

/// One replaced word: the byte range in the input and what it became.
#[derive(Clone, Debug)]
pub(crate) struct Edit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) text: String,
    pub(crate) repair: Repair,
}

/// The script of a word's letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Script {
    Cyrillic,
    Latin,
    /// Both, and every letter has a look-alike in the other script (`су` with a Latin c):
    /// only the rest of the sentence can tell which script the word is in.
    Ambiguous,
    /// Cyrillic letters with Latin letters that only ever stand in for Cyrillic ones (ə for
    /// ә), and no letter of Latin's own: Cyrillic.
    StandIn,
    /// Both, with a letter of its own in one of them (the engine repairs these), or neither.
    Other,
}

/// A word of a sentence: its byte range, its script, and whether it may be repaired.
struct Word {
    start: usize,
    end: usize,
    script: Script,
    /// Not part of a link, nor glued to digits or symbols.
    candidate: bool,
    /// Only letters of the Cyrillic block U+0400..U+04FF (no combining mark) and hyphens: in
    /// NFC, with no look-alike to repair, Cyrillic.
    cyrillic_only: bool,
}

impl WordRepairs {
    /// Whether any repair runs.
    pub(crate) fn is_active(&self) -> bool {
        self.keyboard || self.variants.is_some() || self.alphabet.is_some()
    }

    /// The edits of [`WordRepairs::edits_and_plain_lines`] alone.
    #[cfg(test)]
    pub(crate) fn edits(&self, text: &str, long: (bool, bool)) -> Vec<Edit> {
        self.edits_and_plain_lines(text, long, &mut Vec::new())
    }

    /// The edits for `text`, in order, and in `plain` the byte ranges of the runs of plain
    /// lines that get none ([`WordRepairs::is_plain_line_left_alone`]), in order: characters
    /// that the engine's normalizing leaves as they are too. `long` tells whether the text
    /// starts and ends inside a long token (a stream cut one there): long tokens are not words
    /// to repair, and they end a sentence, so that a stream cut inside them decides as the
    /// whole text would.
    pub(crate) fn edits_and_plain_lines(
        &self,
        text: &str,
        long: (bool, bool),
        plain: &mut Vec<(usize, usize)>,
    ) -> Vec<Edit> {
        self.memo.with(|memo| self.edits_with(text, long, memo, plain))
    }

    fn edits_with(
        &self,
        text: &str,
        long: (bool, bool),
        memo: &mut WordMemo,
        plain: &mut Vec<(usize, usize)>,
    ) -> Vec<Edit> {
        let mut edits = Vec::new();
        let mut words = Vec::new();
        let mut blocks = Vec::new();
        scan::mark_all(text.as_bytes(), false, &mut blocks);
        // Line by line: a line feed always ends a sentence.
        let mut at = 0;
        while at < text.len() {
            let end = (scan::first_set(&blocks, at, text.len(), scan::Block::newlines) + 1).min(text.len());
            let cut = (at == 0 && long.0) || (end == text.len() && long.1);
            if cut || !self.is_plain_line_left_alone(text, at, end, &blocks, memo) {
                self.line_edits(text, (at, end), long, &blocks, memo, &mut words, &mut edits);
            } else {
                match plain.last_mut() {
                    Some(run) if run.1 == at => run.1 = end,
                    _ => plain.push((at, end)),
                }
            }
            at = end;
        }
        self.sentence_edits(text, &words, memo, &mut edits);
        edits
    }

    /// The edits for the tokens of `text[line.0..line.1]` (a line and its line feed, or the
    /// text's last line), with `words` the words of the sentence so far (see
    /// [`WordRepairs::edits_and_plain_lines`] for `long`).
    #[allow(clippy::too_many_arguments)]
    fn line_edits(
        &self,
        text: &str,
        line: (usize, usize),
        long: (bool, bool),
        blocks: &[scan::Block],
        memo: &mut WordMemo,
        words: &mut Vec<Word>,
        edits: &mut Vec<Edit>,
    ) {
        let mut tokens = tokens(text, blocks, line.0, line.1).peekable();
        while let Some((start, token)) = tokens.next() {
            let end = start + token.len();
            let next = tokens.peek().map_or(line.1, |&(n, _)| n);
            let cut_long = (start == 0 && long.0) || (end == text.len() && long.1);
            if cut_long || (token.len() > MAX_TOKEN && is_long(token)) {
                self.sentence_edits(text, words, memo, edits);
                words.clear();
                continue;
            }
            if let Some(word) = lone_cyrillic_word(token.as_bytes(), start, blocks) {
                words.push(word);
            } else {
                // Only a token with a `:`, `@` or `.` may be a link, an address or a handle.
                let may_be_link = scan::any_in(blocks, start, end, scan::Block::stops);
                collect_words(token, start, may_be_link, blocks, words);
            }
            let ends_in_letter = scan::any_in(blocks, end - 1, end, scan::Block::cyrillic);
            let newline = match &text.as_bytes()[end..next] {
                [b' '] => false,
                between => between.contains(&b'\n'),
            };
            if (!ends_in_letter && ends_sentence(token)) || newline {
                self.sentence_edits(text, words, memo, edits);
                words.clear();
            }
        }
    }

    /// Whether `text[start..end]` is a plain line that the memo shows gets no edit: Cyrillic words
    /// (single inner hyphens allowed) between whitespace and plain punctuation, with tokens of
    /// punctuation, dashes and digits alone between them ([`plain_gap`]), each word one that a
    /// sentence with nothing to repair leaves alone ([`NONE_ALONE`]), and all their evidence
    /// together showing no sure word, nor two read ones, nor a Russian word. The words are those
    /// [`lone_cyrillic_word`] takes from such tokens, and what each sentence of the line gets is
    /// then no edit ([`WordRepairs::is_left_alone`]), however the line is cut into sentences. Found
    /// from the marks and one memo lookup a word: the common case of clean text that has been seen.
    fn is_plain_line_left_alone(
        &self,
        text: &str,
        start: usize,
        end: usize,
        blocks: &[scan::Block],
        memo: &WordMemo,
    ) -> bool {
        let b = text.as_bytes();
        let cyrillic = |at: usize| at < end && scan::any_in(blocks, at, at + 1, scan::Block::cyrillic);
        let mut evidence = Evidence::default();
        let mut at = start;
        loop {
            let word = scan::first_set(blocks, at, end, scan::Block::cyrillic);
            if !plain_gap(&b[at..word], at == start, word == end) {
                return false;
            }
            if word == end {
                break;
            }
            let mut word_end = word;
            loop {
                word_end = scan::first_unset(blocks, word_end, end, scan::Block::cyrillic);
                if b.get(word_end) == Some(&b'-') && cyrillic(word_end + 1) {
                    word_end += 1;
                } else {
                    break;
                }
            }
            let key = memo::key_in(b, word, word_end, LOOKED);
            match memo.get_bytes(&key, &b[word..word_end], LOOKED) {
                Some((counts, note)) if note & 1 << NONE_ALONE != 0 => evidence.add_counts(counts),
                _ => return false,
            }
            at = word_end;
        }
        // No sentence of the line can then show a sure word, two read ones, or be Russian.
        !self.keyboard || (evidence.sure == 0 && evidence.read < 2 && evidence.russian == 0)
    }

    /// The edits for the words of one sentence.
    fn sentence_edits(&self, text: &str, words: &[Word], memo: &mut WordMemo, edits: &mut Vec<Edit>) {
        if words.is_empty() || self.is_left_alone(text, words, memo) {
            return;
        }
        // Each word as the engine would leave it (NFC, look-alikes of mixed words repaired),
        // and the script that gives it.
        let plain: Vec<Cow<str>> = words
            .iter()
            .map(|w| match &text[w.start..w.end] {
                word if w.cyrillic_only => Cow::Borrowed(word),
                word => engine_form(word),
            })
            .collect();
        let scripts: Vec<Script> = words
            .iter()
            .zip(&plain)
            .map(|(w, p)| match w.cyrillic_only {
                true => Script::Cyrillic,
                false => resolved(w.script, &text[w.start..w.end], p),
            })
            .collect();
        let cyrillic = scripts.iter().filter(|&&s| s == Script::Cyrillic).count();
        let latin = scripts.iter().filter(|&&s| s == Script::Latin).count();
        // Then words of look-alikes only take the script of their sentence.
        let mut current: Vec<Cow<str>> = Vec::with_capacity(words.len());
        // Lower case takes as many bytes as the words in the Cyrillic and Latin letters of
        // Kazakh; more is allocated if needed.
        let span = words.last().map_or(0, |w| w.end) - words.first().map_or(0, |w| w.start);
        let mut lower = String::with_capacity(span);
        let mut ends = Vec::with_capacity(words.len());
        let mut evidence = Evidence::default();
        for ((w, p), &script) in words.iter().zip(&plain).zip(&scripts) {
            // A word of Cyrillic letters only, the common case, is looked up in the memo, by
            // itself: what it brings to the evidence and its repairs depend on nothing else.
            // One the memo lacks is looked at below, and remembered.
            let remember = w.candidate && w.cyrillic_only;
            let looked_key = remember.then(|| memo::key_in(text.as_bytes(), w.start, w.end, LOOKED));
            if let Some(looked_key) = &looked_key {
                let word = &text[w.start..w.end];
                if let Some((counts, note)) = memo.get(looked_key, word.as_bytes(), LOOKED) {
                    evidence.add_counts(counts.as_bytes());
                    ends.push(Looked::Remembered(note));
                    current.push(Cow::Borrowed(word));
                    continue;
                }
            }
            let form: Cow<str> = match script {
                Script::Ambiguous if w.candidate && self.lookalikes && cyrillic != latin => {
                    Cow::Owned(in_script(p, cyrillic > latin))
                }
                Script::Cyrillic if w.candidate && self.lookalikes => kazakh_letters(p),
                Script::Latin if w.candidate => match self.alphabet {
                    Some(scheme) => match in_alphabet(p, scheme) {
                        Cow::Borrowed(word) => digraph_case(word, scheme),
                        owned => owned,
                    },
                    None => Cow::Borrowed(p),
                },
                _ => Cow::Borrowed(p),
            };
            let is_cyrillic = (w.cyrillic_only && matches!(form, Cow::Borrowed(_)))
                || (form.chars().any(is_cyrillic) && !form.chars().any(is_latin));
            let start = lower.len();
            let mut seen = None;
            let mut none_edit = None;
            if w.candidate && is_cyrillic {
                lowercase_into(&form, &mut lower);
                let lower = &lower[start..];
                let mut own = Evidence::default();
                seen = Some(keyboard::look_and_count(lower, &mut own));
                evidence.merge(&own);
                if let (Some(counts), Some(looked_key)) = (own.counts(), &looked_key) {
                    // With the counts, whether a sentence with nothing to repair leaves the word
                    // alone: most words are, and the lookup of their repair is then saved. The
                    // edit is kept for such a sentence below.
                    let edit = self.edit(form.clone(), p, lower, seen, Mode::None, false);
                    let note = u8::from(edit.is_none()) << NONE_ALONE;
                    let word = &text[w.start..w.end];
                    memo.insert(looked_key.hash, word, LOOKED, &counts, note);
                    none_edit = Some(edit);
                }
            }
            ends.push(Looked::Here {
                lower: (start, lower.len()),
                is_cyrillic,
                seen,
                remember,
                none_edit,
            });
            current.push(form);
        }
        let mode = if self.keyboard { evidence.mode() } else { Mode::None };
        let russian = evidence.is_russian();
        let state = if russian { RUSSIAN } else { mode as u8 };
        for (((w, p), form), looked) in words.iter().zip(&plain).zip(current).zip(&ends) {
            if !w.candidate {
                continue;
            }
            let word = &text[w.start..w.end];
            let plain_sentence = state == Mode::None as u8;
            if plain_sentence && matches!(*looked, Looked::Remembered(note) if note & 1 << NONE_ALONE != 0) {
                continue;
            }
            let key = memo::key_in(text.as_bytes(), w.start, w.end, state);
            let h = key.hash;
            let (edit, remember) = match looked {
                Looked::Remembered(_) => match memo.get(&key, word.as_bytes(), state) {
                    Some((_, 0)) => (None, false),
                    Some((text, repair)) => (Some((text.to_string(), repair_of(repair))), false),
                    None => {
                        let (form, lower) = self.cyrillic_form(word);
                        let seen = keyboard::look(&lower);
                        (self.edit(form, p, &lower, Some(seen), mode, russian), true)
                    }
                },
                Looked::Here {
                    none_edit: Some(edit),
                    remember,
                    ..
                // The note of its counts says when it is left alone.
                } if plain_sentence => (edit.clone(), *remember && edit.is_some()),
                &Looked::Here {
                    lower: (a, b),
                    is_cyrillic,
                    seen,
                    remember,
                    ..
                } => {
                    let seen = seen.filter(|_| is_cyrillic);
                    (self.edit(form, p, &lower[a..b], seen, mode, russian), remember)
                }
            };
            if remember {
                match &edit {
                    Some((t, repair)) => memo.insert(h, word, state, t, code_of(*repair)),
                    None => memo.insert(h, word, state, "", 0),
                }
            }
            if let Some((text, repair)) = edit {
                edits.push(Edit {
                    start: w.start,
                    end: w.end,
                    text,
                    repair,
                });
            }
        }
    }

    /// Whether the memo shows that a sentence gets no edit: each of its candidate words is a
    /// word of Cyrillic letters that a sentence with nothing to repair leaves alone
    /// ([`NONE_ALONE`]), and their evidence leaves the sentence so. The common case of clean
    /// text, decided without the work of [`WordRepairs::sentence_edits`].
    fn is_left_alone(&self, text: &str, words: &[Word], memo: &mut WordMemo) -> bool {
        let mut evidence = Evidence::default();
        for w in words.iter().filter(|w| w.candidate) {
            if !w.cyrillic_only {
                return false;
            }
            let key = memo::key_in(text.as_bytes(), w.start, w.end, LOOKED);
            match memo.get(&key, &text.as_bytes()[w.start..w.end], LOOKED) {
                Some((counts, note)) if note & 1 << NONE_ALONE != 0 => evidence.add_counts(counts.as_bytes()),
                _ => return false,
            }
        }
        !self.keyboard || (evidence.mode() == Mode::None && !evidence.is_russian())
    }

    /// The edit of a candidate word (`form`, as the look-alike repair left it; `plain`, as the
    /// engine leaves it; `lower`, the lower case of `form`; `seen`, what the keyboard lexicon
    /// says of a Cyrillic word): its repair, or else the look-alike repair. `None` when that is
    /// what the engine does anyway (it is left to it, and to its own change report).
    fn edit(
        &self,
        form: Cow<str>,
        plain: &str,
        lower: &str,
        seen: Option<Seen>,
        mode: Mode,
        russian: bool,
    ) -> Option<(String, Repair)> {
        let repaired = seen.and_then(|seen| self.repair(&form, lower, seen, mode, russian));
        let (text, repair) = match repaired {
            Some((text, repair)) => (Cow::Owned(text), repair),
            None => (form, Repair::Lookalike),
        };
        if *text != *plain {
            return Some((text.into_owned(), repair));
        }
        // Left as it is in a sentence typed on a Russian keyboard: told when it reads as other
        // Kazakh words too.
        let told = seen.is_some() && self.is_typed(mode, russian) && !keyboard::alternatives(&text, &text).is_empty();
        told.then(|| (text.into_owned(), Repair::Ambiguous))
    }

    /// Whether a sentence in `mode` is one typed on a Russian keyboard, whose words are repaired.
    fn is_typed(&self, mode: Mode, russian: bool) -> bool {
        self.keyboard && mode != Mode::None && !russian
    }

    /// A word of Cyrillic letters only as the look-alike repair leaves it, and its lower case.
    fn cyrillic_form<'w>(&self, word: &'w str) -> (Cow<'w, str>, String) {
        let form = if self.lookalikes {
            kazakh_letters(word)
        } else {
            Cow::Borrowed(word)
        };
        let mut lower = String::with_capacity(form.len());
        lowercase_into(&form, &mut lower);
        (form, lower)
    }

    /// The repair of a Cyrillic word (`form`, as the look-alike repair left it; `lower`, its
    /// lower case; `seen`, what the keyboard lexicon says of it) in a sentence repaired in
    /// `mode`, or Russian: its Kazakh letters read back, or its chosen spelling.
    fn repair(&self, form: &str, lower: &str, seen: Seen, mode: Mode, russian: bool) -> Option<(String, Repair)> {
        if russian {
            return None;
        }
        let typed = if self.keyboard {
            keyboard::repair_parts(lower, mode, seen, form.starts_with(char::is_uppercase))
        } else {
            None
        };
        // A variant is known once its stand-ins are read, or as written (`Байрам-Али`); a name
        // is one only when written as a name (`Караганда`, not `караганда`).
        let as_name = form.chars().next().is_some_and(char::is_uppercase);
        let unified = self
            .variants
            .as_ref()
            .and_then(|v| match typed.as_deref() {
                // A word read back is unified as read. Unified as written only when that is
                // more than another reading of the same keys: `Токаевтын` is `Тоқаевтың`, not
                // `Тоқаевтын`.
                Some(t) => v.unify(t).or_else(|| {
                    v.unify(lower)
                        .filter(|f| !keyboard::same_keys(&f.to_lowercase(), lower))
                }),
                None => v.unify(lower),
            })
            .filter(|f| as_name || !f.starts_with(char::is_uppercase));
        match (unified, typed) {
            (Some(f), _) => Some((case_like(form, &f), Repair::Spelling)),
            (None, Some(f)) => Some((case_letter_by_letter(form, &f), Repair::Keyboard)),
            (None, None) => None,
        }
    }
}

/// How the first pass over a sentence left a word.
enum Looked {
    /// A word of the memo, with the note of its counts ([`NONE_ALONE`]): its repair is there
    /// too (or is worked out and remembered).
    Remembered(u8),
    /// A word looked at: the place of its lower case in the sentence's buffer, whether it is
    /// Cyrillic, what the keyboard lexicon says of it, whether its repair is to be remembered,
    /// and its edit in a sentence with nothing to repair if known.
    Here {
        lower: (usize, usize),
        is_cyrillic: bool,
        seen: Option<Seen>,
        remember: bool,
        /// Its edit in a sentence with nothing to repair, when worked out already.
        none_edit: Option<Option<(String, Repair)>>,
    },
}

/// The memo context of what a word brings to its sentence's evidence (the contexts below it are
/// the states of a sentence: its [`Mode`], or [`RUSSIAN`]).
const LOOKED: u8 = 4;
/// The bit of the note of a word's counts set when a sentence with nothing to repair
/// ([`Mode::None`]) leaves the word alone.
const NONE_ALONE: u8 = 0;
/// The memo context of a word's repair in a Russian sentence.
const RUSSIAN: u8 = 3;

/// A repair as a memo note (0: none).
fn code_of(repair: Repair) -> u8 {
    match repair {
        Repair::Nfc => 1,
        Repair::Lookalike => 2,
        Repair::Keyboard => 3,
        Repair::Spelling => 4,
        Repair::Ambiguous => 5,
    }
}

/// The repair of a memo note ([`code_of`]).
fn repair_of(code: u8) -> Repair {
    match code {
        1 => Repair::Nfc,
        2 => Repair::Lookalike,
        3 => Repair::Keyboard,
        5 => Repair::Ambiguous,
        _ => Repair::Spelling,
    }
}

/// A word as the engine leaves it: in NFC, and a mixed-script word with letters of its own in
/// one script written in that script.
fn engine_form(word: &str) -> Cow<'_, str> {
    // As the engine cuts words: a hyphen ends one (`хIH-А` is `хIH` and `А`).
    match nfc(word) {
        Cow::Borrowed(w) => repair_mixed(w),
        Cow::Owned(w) => Cow::Owned(repair_mixed(&w).into_owned()),
    }
}

/// `word` in NFC.
fn nfc(word: &str) -> Cow<'_, str> {
    if is_plain_text(word) || is_nfc_quick(word.chars()) == IsNormalized::Yes {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(word.nfc().collect())
    }
}

/// The script of a word after the engine's repair: a mixed word it repairs (by letters of one
/// script's own, else by letter count) has one script; an exact tie stays ambiguous.
fn resolved(script: Script, word: &str, plain: &str) -> Script {
    // Letters only, as `script` counts them: a combining Cyrillic letter (U+2DE0..) is a mark.
    let has = |s: &str, test: fn(char) -> bool| s.chars().any(|c| !is_mark(c) && test(c));
    let mixed = |s: &str| has(s, is_cyrillic) && has(s, is_latin);
    let decided = match script {
        Script::Ambiguous => mixed(&nfc(word)) && !mixed(plain),
        Script::Other | Script::StandIn => true,
        Script::Cyrillic | Script::Latin => false,
    };
    match (decided, has(plain, is_cyrillic), has(plain, is_latin)) {
        (true, true, false) => Script::Cyrillic,
        (true, false, true) => Script::Latin,
        _ => script,
    }
}

/// Whether a token ends a sentence: it ends in `.`, `!`, `?` or `…`, perhaps followed by
/// closing quotes or brackets.
fn ends_sentence(token: &str) -> bool {
    token
        .trim_end_matches(['"', '»', '”', '’', ')', ']'])
        .ends_with(['.', '!', '?', '…'])
}

/// The words of `token` (at offset `base` of the text): runs of letters and combining marks,
/// with single inner hyphens. Words of links, or glued to digits or other symbols, are not
/// candidates; `may_be_link` is `false` when the token has none of the bytes every link,
/// address or handle has. `blocks` are the marks of the text ([`scan::mark_all`]).
fn collect_words(token: &str, base: usize, may_be_link: bool, blocks: &[scan::Block], out: &mut Vec<Word>) {
    let protected = may_be_link && is_protected(token);
    let is_word_char = |c: char| is_letter(c) || is_mark(c);
    let b = token.as_bytes();
    let mut next = 0;
    while let Some(c) = token.get(next..).and_then(|t| t.chars().next()) {
        let i = next;
        next += c.len_utf8();
        if !is_word_char(c) {
            continue;
        }
        // Marks that NFC joins to the character before them (`>` and U+0338 are `≯`) belong to
        // it, not to the word after them: the word starts where it will once in NFC.
        if !is_letter(c) && joins_marks(token[..i].chars().next_back(), &token[i..]) {
            while let Some(d) = token[next..].chars().next().filter(|&d| is_mark(d) && !is_letter(d)) {
                next += d.len_utf8();
            }
            continue;
        }
        let mut end = next;
        loop {
            // The Cyrillic letters from here on, as marked.
            end = scan::first_unset(blocks, base + end, base + b.len(), scan::Block::cyrillic) - base;
            let Some(d) = token[end..].chars().next() else {
                break;
            };
            let joins = d == '-' && token[end + 1..].chars().next().is_some_and(is_letter);
            if !(is_word_char(d) || joins) {
                break;
            }
            end += d.len_utf8();
        }
        next = end;
        let word = &token[i..end];
        let before = token[..i].chars().next_back();
        let after = token[end..].chars().next();
        let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '@' | '/'));
        // As NFC writes it: U+037E is a `;`.
        let alone = |c: Option<char>| {
            let punctuation = |c: char| {
                matches!(
                    c,
                    '(' | ')' | '[' | ']' | '«' | '»' | '"' | '\'' | '.' | ',' | ';' | ':' | '!' | '?'
                )
            };
            c.is_none_or(|c| punctuation(c) || (!c.is_ascii() && std::iter::once(c).nfc().all(punctuation)))
        };
        let cyrillic_only = !protected && is_cyrillic_only(b, base, i, end, blocks);
        out.push(Word {
            start: base + i,
            end: base + end,
            script: if protected {
                Script::Other
            } else if cyrillic_only {
                Script::Cyrillic
            } else {
                script_nfc(word, alone(before) && alone(after))
            },
            candidate: !protected && !glued(before) && !glued(after),
            cyrillic_only,
        });
    }
}

/// The word of a token that is one word of Cyrillic letters (single inner hyphens joining
/// them) between plain punctuation (`«сөз»,`): what [`collect_words`] finds in it, found from
/// the marks of the text (`blocks`) without decoding the letters. `None` for any other token.
fn lone_cyrillic_word(token: &[u8], base: usize, blocks: &[scan::Block]) -> Option<Word> {
    let cyrillic =
        |at: usize| at < token.len() && scan::any_in(blocks, base + at, base + at + 1, scan::Block::cyrillic);
    let start = punctuation_run(token, 0);
    let mut end = start;
    loop {
        end = scan::first_unset(blocks, base + end, base + token.len(), scan::Block::cyrillic) - base;
        if end > start && token.get(end) == Some(&b'-') && cyrillic(end + 1) {
            end += 1;
        } else {
            break;
        }
    }
    (end > start && punctuation_run(token, end) == token.len()).then_some(Word {
        start: base + start,
        end: base + end,
        script: Script::Cyrillic,
        candidate: true,
        cyrillic_only: true,
    })
}

/// Whether `gap`, the bytes of a line between two Cyrillic words (or a line's edge, `first`
/// and `last`), is plain: whitespace parts, and between them runs of plain punctuation
/// ([`punctuation_run`]) glued to the words and tokens of punctuation, dashes, hyphens and
/// digits alone, which hold no word. Two words with no whitespace between them are not.
fn plain_gap(gap: &[u8], first: bool, last: bool) -> bool {
    if gap == b" " {
        return true;
    }
    let is_space = |c: &u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let glued = |part: &[u8]| punctuation_run(part, 0) == part.len();
    let alone = |part: &[u8]| {
        let mut at = 0;
        while at < part.len() {
            at = match part[at..] {
                [b'-' | b'0'..=b'9' | b'%', ..] => at + 1,
                // — and –
                [0xE2, 0x80, 0x93 | 0x94, ..] => at + 3,
                _ => match punctuation_run(part, at) {
                    next if next > at => next,
                    _ => return false,
                },
            }
        }
        true
    };
    let mut parts = gap.split(is_space);
    let (Some(head), Some(tail)) = (parts.next(), parts.next_back()) else {
        // No whitespace: a line that is one token, or two words glued.
        return match (first, last) {
            (true, true) => alone(gap),
            (true, false) | (false, true) => glued(gap),
            (false, false) => false,
        };
    };
    let head_ok = if first { alone(head) } else { glued(head) };
    let tail_ok = if last { alone(tail) } else { glued(tail) };
    head_ok && tail_ok && parts.all(alone)
}

/// Where the run of plain punctuation that starts at `at` of `token` ends: signs that are no
/// letters, no marks and nothing that glues a word to a link or a name (`@`, `/`, `_`).
fn punctuation_run(token: &[u8], mut at: usize) -> usize {
    loop {
        match token.get(at..) {
            Some([b'.' | b',' | b';' | b':' | b'!' | b'?' | b'(' | b')' | b'"', ..]) => at += 1,
            // « » and …
            Some([0xC2, 0xAB | 0xBB, ..]) => at += 2,
            Some([0xE2, 0x80, 0xA6, ..]) => at += 3,
            _ => return at,
        }
    }
}

/// Whether NFC joins `before` with some of the marks that `rest` starts with (it then starts
/// with another character).
fn joins_marks(before: Option<char>, rest: &str) -> bool {
    let Some(before) = before else {
        return false;
    };
    let marks = rest.chars().take_while(|&d| is_mark(d) && !is_letter(d));
    std::iter::once(before).chain(marks).nfc().next() != Some(before)
}

/// Whether the word `token[start..end]` (the token at offset `base` of a text marked into
/// `blocks`) has only letters of U+0400..U+04FF other than U+0482..U+0489 (a sign and combining
/// marks), and hyphens.
fn is_cyrillic_only(token: &[u8], base: usize, start: usize, end: usize, blocks: &[scan::Block]) -> bool {
    let mut at = start;
    loop {
        at = scan::first_unset(blocks, base + at, base + end, scan::Block::cyrillic) - base;
        match token.get(at) {
            _ if at >= end => return true,
            Some(b'-') => at += 1,
            _ => return false,
        }
    }
}

/// The script of a word as NFC writes it (`Å` may be U+212B, or A and a ring).
fn script_nfc(word: &str, alone: bool) -> Script {
    script(&nfc(word), alone)
}

/// The script of a word. A word of one lower-case Latin letter that looks like a Cyrillic one
/// and stands `alone` (only punctuation around it, as in `(i)`), or of Latin letters that only
/// ever stand in for Cyrillic ones (ə for ә), is ambiguous too.
fn script(word: &str, alone: bool) -> Script {
    let (mut cyrillic, mut latin) = (false, false);
    for c in word.chars().filter(|&c| c != '-' && !is_mark(c)) {
        if matches!(c as u32, 0x400..=0x481 | 0x48A..=0x52F) || is_cyrillic(c) {
            cyrillic = true;
        } else if is_latin(c) {
            latin = true;
        } else {
            return Script::Other;
        }
    }
    match (cyrillic, latin) {
        (true, false) => Script::Cyrillic,
        (false, false) => Script::Other,
        _ => mixed_script(word, alone),
    }
}

/// The script of a word with Latin letters, by its look-alikes.
fn mixed_script(word: &str, alone: bool) -> Script {
    let (mut cyrillic, mut own, mut stand_in) = (false, false, false);
    for c in word.chars().filter(|&c| c != '-' && !is_mark(c)) {
        if is_cyrillic(c) {
            cyrillic = true;
            own |= !LOOKALIKE_TO_LATN.contains_key(&c);
        } else {
            match LOOKALIKE_TO_CYRL.get(&c) {
                Some(k) => stand_in |= !LOOKALIKE_TO_LATN.contains_key(k),
                None => own = true,
            }
        }
    }
    let single = alone && word.chars().count() == 1 && word.chars().all(char::is_lowercase);
    match (cyrillic, own) {
        (true, false) if stand_in => Script::StandIn,
        (false, false) if stand_in || single => Script::Ambiguous,
        (false, _) => Script::Latin,
        (true, false) => Script::Ambiguous,
        (true, true) => Script::Other,
    }
}

/// A Latin word that shows letters of `scheme`'s own and letters of another Kazakh Latin
/// alphabet, with the latter written as `scheme` writes them (`Grebenşıkov` → `Grebenshıkov` in
/// 2018 text). Words without a letter of `scheme`'s own (`Élysée`) are left alone.
fn in_alphabet(word: &str, scheme: Scheme) -> Cow<'_, str> {
    let id = scheme.id();
    let own = OWN_LETTERS.iter().find(|(s, _)| *s == id).map_or("", |(_, l)| l);
    let other = |c: char| {
        OTHER_ALPHABETS
            .iter()
            .find(|&&(s, l, _)| s == id && l == c)
            .map(|&(_, _, t)| t)
    };
    if !word.chars().any(|c| own.contains(c)) || !word.chars().any(|c| other(c).is_some()) {
        return Cow::Borrowed(word);
    }
    let caps = word.chars().filter(|&c| is_letter(c)).count() > 1 && !word.chars().any(char::is_lowercase);
    let mut out = String::with_capacity(word.len() + 4);
    for c in word.chars() {
        match other(c) {
            Some(t) if caps => out.push_str(&t.to_uppercase()),
            Some(t) => out.push_str(t),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A Latin word whose two-letter spelling of one Cyrillic letter has its case slipped, as a
/// converter wrote it (`ıÝlııa` for `Iýlııa`, Юлия in 2018 text), with that spelling in title
/// case. Only a word whose first letter is lower case, second upper case and rest lower case,
/// and whose first two letters spell one Cyrillic letter in `scheme`'s table, changes: `iPhone`
/// and `eBay` stay.
fn digraph_case(word: &str, scheme: Scheme) -> Cow<'_, str> {
    let mut chars = word.chars();
    let (Some(a), Some(b)) = (chars.next(), chars.next()) else {
        return Cow::Borrowed(word);
    };
    let rest = &word[a.len_utf8() + b.len_utf8()..];
    if !(a.is_lowercase() && b.is_uppercase() && !rest.chars().any(char::is_uppercase)) {
        return Cow::Borrowed(word);
    }
    let Some(table) = scheme.table() else {
        return Cow::Borrowed(word);
    };
    // The output of a key's rule without conditions.
    let default = |key: &str| {
        let &(start, len) = table.index.get(key)?;
        let rules = table.rules.get(start as usize..(start + len) as usize)?;
        rules
            .iter()
            .find(|r| r.when.flags == 0 && r.when.after.is_empty() && r.when.before.is_empty())
            .map(|r| &*r.to)
    };
    let pair: String = [a, b].iter().flat_map(|c| c.to_lowercase()).collect();
    for key in table.index.keys() {
        let mut k = key.chars();
        let (Some(letter), None) = (k.next(), k.next()) else {
            continue;
        };
        if !letter.is_lowercase() || default(key) != Some(pair.as_str()) {
            continue;
        }
        let capital: String = letter.to_uppercase().collect();
        if let Some(title) = default(&capital).filter(|t| t.chars().count() == 2) {
            return Cow::Owned(format!("{title}{rest}"));
        }
    }
    Cow::Borrowed(word)
}

/// `word` with the letters of other alphabets of `tables/letter-forms.tsv` (ӊ, ҥ) written as
/// the Kazakh letters they stand for.
fn kazakh_letters(word: &str) -> Cow<'_, str> {
    let form = |c: char| LETTER_FORMS.iter().find(|&&(f, _)| f == c).map(|&(_, k)| k);
    if word.chars().any(|c| LETTER_FORM_CHARS.contains(c)) {
        Cow::Owned(word.chars().map(|c| form(c).unwrap_or(c)).collect())
    } else {
        Cow::Borrowed(word)
    }
}

/// An ambiguous word written in one script, by the look-alikes.
fn in_script(word: &str, cyrillic: bool) -> String {
    let map = if cyrillic {
        &LOOKALIKE_TO_CYRL
    } else {
        &LOOKALIKE_TO_LATN
    };
    word.chars().map(|c| map.get(&c).copied().unwrap_or(c)).collect()
}

/// Whitespace-separated tokens with their offsets. Only the bytes that [`scan::mark_all`] marked
/// in `blocks` as ones that may start whitespace are decoded.
fn tokens<'t>(
    text: &'t str,
    blocks: &'t [scan::Block],
    from: usize,
    to: usize,
) -> impl Iterator<Item = (usize, &'t str)> + 't {
    let mut at = from;
    std::iter::from_fn(move || {
        while at < to {
            match space_at(text, at) {
                Some(len) => at += len,
                None => break,
            }
        }
        if at >= to {
            return None;
        }
        let start = at;
        at = start + 1;
        loop {
            at = scan::first_set(blocks, at, to, scan::Block::spaces);
            if at >= to || space_at(text, at).is_some() {
                break;
            }
            at += 1;
        }
        Some((start, &text[start..at]))
    })
}

/// The length of the whitespace character at byte `i` of `text`, if one starts there. A byte
/// inside a character is never the start of one.
#[inline]
fn space_at(text: &str, i: usize) -> Option<usize> {
    /// ASCII whitespace, and the lead bytes of the other whitespace characters (U+0085 and
    /// U+00A0: C2; U+1680: E1; U+2000..U+205F: E2; U+3000: E3).
    const MAY_START: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 256 {
            t[b] = matches!(
                b as u8,
                b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' | 0xC2 | 0xE1 | 0xE2 | 0xE3
            );
            b += 1;
        }
        t
    };
    let b = text.as_bytes()[i];
    if !MAY_START[usize::from(b)] {
        return None;
    }
    if b.is_ascii() {
        return Some(1);
    }
    let c = text.get(i..)?.chars().next()?;
    c.is_whitespace().then(|| c.len_utf8())
}

/// Appends `word` in lower case to `out` (a fast path for the basic Cyrillic letters).
fn lowercase_into(word: &str, out: &mut String) {
    for c in word.chars() {
        match c {
            'А'..='Я' => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
            'а'..='я' | '-' => out.push(c),
            _ => out.extend(c.to_lowercase()),
        }
    }
}

/// Whether NFC surely leaves every character of `text` alone whatever surrounds it: ASCII to
/// U+02FF and the Cyrillic letters (U+0400..U+04FF but the marks U+0483..U+0489), judged by
/// their UTF-8 bytes.
fn is_plain_text(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            0..=0x7F => i += 1,
            // U+0080..U+02FF, U+0400..U+047F, U+04C0..U+04FF.
            0xC2..=0xCB | 0xD0 | 0xD1 | 0xD3 => i += 2,
            // U+0480..U+04BF, but the combining marks U+0483..U+0489.
            0xD2 if !(0x83..=0x89).contains(&b[i + 1]) => i += 2,
            _ => return false,
        }
    }
    true
}

/// `is_combining_mark`, quicker for the letters that are surely not marks.
fn is_mark(c: char) -> bool {
    match c as u32 {
        0..=0x2FF | 0x400..=0x482 | 0x48A..=0x52F => false,
        _ => is_combining_mark(c),
    }
}

/// `form` in the case of `word`: all capitals if `word` is (and has more than one letter), lower
/// case if `word` starts with a small letter, else `form` with a capital first letter.
pub(crate) fn case_like(word: &str, form: &str) -> String {
    let letters = word.chars().filter(|&c| is_letter(c)).count();
    if letters > 1 && word.chars().all(|c| !c.is_lowercase()) {
        return form.to_uppercase();
    }
    if word.chars().next().is_some_and(char::is_lowercase) {
        return form.to_lowercase();
    }
    let mut chars = form.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `form`, a lower-case repair of `word` letter for letter (a keyboard repair replaces letters
/// one for one), with each letter in the case of the letter it replaces (`Касым-Жомарт` →
/// `Қасым-Жомарт`); [`case_like`] when the letter counts differ.
pub(crate) fn case_letter_by_letter(word: &str, form: &str) -> String {
    if word.chars().count() != form.chars().count() {
        return case_like(word, form);
    }
    let mut out = String::with_capacity(form.len() + 4);
    for (w, f) in word.chars().zip(form.chars()) {
        if w.is_uppercase() {
            out.extend(f.to_uppercase());
        } else {
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repairs() -> WordRepairs {
        WordRepairs {
            keyboard: true,
            variants: Variants::bundled(crate::spelling::Spelling::Kazakh),
            lookalikes: true,
            alphabet: None,
            memo: MemoPool::default(),
        }
    }

    fn edits(repairs: &WordRepairs, text: &str) -> Vec<(usize, usize, String, Repair)> {
        let edits = repairs.edits(text, (false, false));
        edits.into_iter().map(|e| (e.start, e.end, e.text, e.repair)).collect()
    }

    /// Words of Kazakh typed with and without Kazakh letters, Russian, names with spelling
    /// variants, hyphen-joined words, letters of other Cyrillic alphabets, look-alikes.
    fn sentences() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop::sample::select(vec![
            "Казакстан",
            "казакстан",
            "Қазақстан",
            "кол",
            "қол",
            "көл",
            "улкен",
            "үлкен",
            "Токаев",
            "Тоқаев",
            "Авраамның",
            "Авраамға",
            "авраам",
            "ис-шарага",
            "іс-шара",
            "Казахстан",
            "присоединится",
            "к",
            "соглашениям",
            "и",
            "мен",
            "бул",
            "бұл",
            "жаңа",
            "жаӊа",
            "Aстана",
            "мемлекеттiк",
            "ҚАЗАҚСТАН",
            "КАЗАКСТАН",
            "сөзі",
            "тур",
            "тұр",
            "COVID-19",
            "www.kz",
            // Plain lines: punctuation glued to words, tokens of punctuation, dashes and
            // digits alone, and what makes a line not plain.
            "«сөз»,",
            "(қол)",
            "кол»",
            "—",
            "–",
            "2010",
            "10%",
            "...",
            "сөз-сөз",
            "-сөз",
            "сөз-",
            "сөз--сөз",
            "сөз.сөз",
            "сөз,кол",
            "5-ші",
            "\u{a0}",
            "ә\u{301}",
            "ә",
            "стана",
            "cу",
            "су",
            "(i)",
            "мемлекетт",
            "@сөз",
        ]);
        let sep = prop::sample::select(vec![" ", " ", " ", ". ", ", ", "\n", "! ", "\r\n", " — ", "  ", "\t"]);
        prop::collection::vec((piece, sep), 0..24).prop_map(|p| p.into_iter().map(|(w, s)| format!("{w}{s}")).collect())
    }

    /// Tokens of Cyrillic letters, hyphens, plain punctuation, and what may follow or glue a
    /// word: Latin letters, digits, combining marks, `@`, `/`, `_`.
    fn tokens_to_split() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop::sample::select(vec![
            "сөз", "Қ", "і", "ӊ", "\u{482}", "\u{483}", "-", "--", ".", ",", ":", "!", "?", "(", ")", "\"", "«", "»",
            "…", "a", "Z", "1", "@", "/", "_", "'", "\u{301}", "\u{306}", "—", "ʼ", "ё",
        ]);
        let plain = prop::sample::select(vec!["сөз", "Қ", "і", "-", ".", ",", "(", ")", "«", "»", "…"]);
        prop_oneof![
            prop::collection::vec(piece, 1..8).prop_map(|p| p.concat()),
            prop::collection::vec(plain, 1..6).prop_map(|p| p.concat()),
        ]
    }

    proptest::proptest! {
        /// A token that is one Cyrillic word between plain punctuation gives the word that
        /// reading it character by character gives.
        #[test]
        fn a_lone_cyrillic_word_is_the_word_collected(token in tokens_to_split(), pad in 0usize..70) {
            let text = format!("{}{token}", " ".repeat(pad));
            let mut blocks = Vec::new();
            scan::mark_all(text.as_bytes(), false, &mut blocks);
            if let Some(word) = lone_cyrillic_word(token.as_bytes(), pad, &blocks) {
                let mut words = Vec::new();
                let may_be_link = scan::any_in(&blocks, pad, text.len(), scan::Block::stops);
                collect_words(&token, pad, may_be_link, &blocks, &mut words);
                proptest::prop_assert_eq!(words.len(), 1, "{:?}", token);
                let w = &words[0];
                proptest::prop_assert_eq!(
                    (w.start, w.end, w.script, w.candidate, w.cyrillic_only),
                    (word.start, word.end, word.script, word.candidate, word.cyrillic_only),
                    "{:?}", token
                );
            }
        }

        /// The memo changes nothing: repairs that remember words, after they have seen other
        /// text and the same text, edit as repairs that look at every word afresh.
        #[test]
        fn the_memo_changes_nothing(first in sentences(), second in sentences(), keyboard: bool) {
            let memo = WordRepairs { keyboard, ..repairs() };
            let fresh = WordRepairs { memo: MemoPool::off(), ..memo.clone() };
            let memo = WordRepairs { memo: MemoPool::default(), ..memo };
            for text in [&first, &second, &first, &second] {
                proptest::prop_assert_eq!(edits(&memo, text), edits(&fresh, text), "{:?}", text);
            }
        }
    }

    fn apply(text: &str) -> String {
        let mut out = String::new();
        let mut at = 0;
        for e in repairs().edits(text, (false, false)) {
            out.push_str(&text[at..e.start]);
            out.push_str(&e.text);
            at = e.end;
        }
        out.push_str(&text[at..]);
        out
    }

    /// The normalizer copies plain lines that the word repairs leave alone without its
    /// normalizing pass: it must leave every character such a line may hold as it is.
    #[test]
    fn the_characters_of_plain_lines_need_no_normalizing() {
        use crate::{Scheme, Spelling, Transliterator};
        let t = Transliterator::builder(Scheme::Cyrl, Scheme::Cyrl)
            .repair_keyboard(false)
            .spelling(Spelling::Off)
            .build()
            .expect("supported");
        let letters = (0x400..0x500)
            .filter(|c| !(0x482..=0x489).contains(c))
            .filter_map(char::from_u32);
        let gaps = " \t\r\n.,;:!?()\"«»…-0123456789%–—".chars();
        for c in letters.chain(gaps) {
            for text in [
                format!("{c}"),
                format!("ала{c}ала"),
                format!("Ала {c} АЛА"),
                format!("{c}{c}"),
            ] {
                assert_eq!(t.convert(&text), text, "U+{:04X}", c as u32);
            }
        }
        // A line of such characters is plain once its words have been seen.
        let line = "Ақ-Орда «сөз», 2025 — 5% (бұл)…\r\n";
        let repairs = repairs();
        repairs.edits(line, (false, false));
        let mut plain = Vec::new();
        repairs.edits_and_plain_lines(line, (false, false), &mut plain);
        assert_eq!(plain, [(0, line.len())]);
    }

    #[test]
    fn case_follows_the_word() {
        assert_eq!(case_like("КАЗАКСТАН", "қазақстан"), "ҚАЗАҚСТАН");
        assert_eq!(case_like("Казакстан", "қазақстан"), "Қазақстан");
        assert_eq!(case_like("авраам", "Ибраһим"), "ибраһим");
        assert_eq!(case_letter_by_letter("Касым-Жомарт", "қасым-жомарт"), "Қасым-Жомарт");
        assert_eq!(case_letter_by_letter("КазАгро", "қазагро"), "ҚазАгро");
    }

    #[test]
    fn hyphen_joined_words_are_repaired_part_by_part() {
        assert_eq!(apply("Касым-Жомарт Токаев"), "Қасым-Жомарт Тоқаев");
        assert_eq!(apply("ис-шарага катысты"), "іс-шараға қатысты");
    }

    #[test]
    fn sentences_end_at_stops() {
        assert!(ends_sentence("бір.") && ends_sentence("«үш.»") && ends_sentence("қайда?)"));
        assert!(!ends_sentence("т.б") && !ends_sentence("«бес»"));
    }

    #[test]
    fn links_and_mixed_tokens_are_not_words_to_repair() {
        assert_eq!(apply("Казакстан улкен ел"), "Қазақстан үлкен ел");
        assert_eq!(
            apply("Казакстан2025 улкен@ел https://x.kz/Казакстан"),
            "Казакстан2025 улкен@ел https://x.kz/Казакстан"
        );
    }

    #[test]
    fn a_russian_sentence_next_to_a_kazakh_one() {
        assert_eq!(
            apply("Казахстан присоединится к соглашениям. Токаев улкен жиында сойледи."),
            "Казахстан присоединится к соглашениям. Тоқаев үлкен жиында сөйледі."
        );
    }
}
