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

use crate::engine::{is_cyrillic, is_latin, is_protected, Engine, Flags};
use crate::rules::{RuleSet, FOREIGN};
use crate::scheme::Scheme;

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
    pub(crate) lexicon: Option<(
        &'static phf::Map<&'static str, &'static str>,
        &'static phf::Set<&'static str>,
    )>,
    pub(crate) exceptions: Option<std::sync::Arc<HashMap<String, String>>>,
    pub(crate) protect: bool,
}

/// How a word was classified.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Foreign,
    Kazakh,
    Plain,
}

impl Reverse {
    fn letters(&self) -> Engine<'_> {
        Engine {
            rules: Some(&self.rules),
            flags: Flags {
                repair: false,
                protect: false,
            },
            log: None,
        }
    }

    /// The lexicon key of a word: lower case, with the scheme's dotted and dotless I.
    fn fold(&self, word: &str) -> String {
        let turkic = matches!(self.scheme, Scheme::Latn2021 | Scheme::WikiLatn);
        word.chars()
            .map(|c| match c {
                'İ' => 'i',
                'I' if turkic => 'ı',
                'I' => 'i',
                c => c.to_lowercase().next().unwrap_or(c),
            })
            .collect()
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

    /// The Cyrillic of a word known to the user's exceptions or the lexicon, or made of a known
    /// stem and a suffix. In the 2018 alphabet a capital I may stand for і or и, so both
    /// readings are tried.
    fn known(&self, word: &str) -> Option<String> {
        let mut keys = vec![self.fold(word)];
        if self.scheme == Scheme::Latn2018 && word.contains('I') {
            keys.push(keys[0].replace('i', "ı"));
        }
        for key in &keys {
            if let Some(found) = self.lookup(key, false) {
                return Some(found.into_owned());
            }
        }
        for key in &keys {
            let chars: Vec<(usize, char)> = key.char_indices().collect();
            let n = chars.len();
            for stem_len in (MIN_STEM.max(n.saturating_sub(MAX_SUFFIX))..n).rev() {
                let cut = chars[stem_len].0;
                if let Some(stem) = self.lookup(&key[..cut], true) {
                    let suffix = self
                        .letters()
                        .convert_letters(&key[cut..], key[..cut].chars().next_back(), None);
                    if !suffix.chars().any(is_latin) {
                        return Some(format!("{stem}{suffix}"));
                    }
                }
            }
        }
        None
    }

    /// Converts one word (a run of letters) by the lexicon or the rules, and says how Kazakh it
    /// looks; `None` if it is foreign.
    fn word(&self, word: &str, prev: Option<char>, next: Option<char>) -> (Kind, Option<String>) {
        if word.chars().any(is_cyrillic) {
            return (Kind::Kazakh, None);
        }
        let kind = if word.chars().any(|c| !c.is_ascii() && c.is_alphabetic()) || word.contains(['ʼ', '\'', '’']) {
            Kind::Kazakh
        } else {
            Kind::Plain
        };
        if let Some(found) = self.known(word) {
            return (kind, Some(apply_case(word, &found)));
        }
        if self.is_listed(word) {
            return (Kind::Foreign, None);
        }
        let converted = self.letters().convert_letters(word, prev, next);
        if converted.chars().any(is_latin) {
            return (Kind::Foreign, None);
        }
        (kind, Some(converted.into_owned()))
    }

    /// Whether `tables/foreign.tsv` lists the word (its words are ASCII, compared in lower case).
    fn is_listed(&self, word: &str) -> bool {
        word.is_ascii() && FOREIGN.contains(word.to_ascii_lowercase().as_str())
    }

    /// Converts `text`, line by line, appending to `out`. Returns `false` (with `out` untouched)
    /// when nothing changes.
    pub(crate) fn run(&self, text: &str, out: &mut String) -> bool {
        let base = out.len();
        let mut changed = false;
        for line in text.split_inclusive('\n') {
            changed |= self.line(line, out);
        }
        if !changed {
            out.truncate(base);
        }
        changed
    }

    fn is_word_char(&self, c: char) -> bool {
        c.is_alphabetic()
            || unicode_normalization::char::is_combining_mark(c)
            || (self.scheme == Scheme::Latn2017 && matches!(c, 'ʼ' | '\'' | '’'))
    }

    /// The words of a line: `(start, end)` byte ranges, outside protected tokens.
    fn words(&self, line: &str) -> Vec<(usize, usize)> {
        let mut words = Vec::new();
        for (tok_start, token) in tokens(line) {
            if self.protect && is_protected(token) {
                continue;
            }
            let mut start = None;
            for (i, c) in token.char_indices() {
                let inside = self.is_word_char(c);
                // An apostrophe only belongs to a 2017 word after a letter.
                let inside = inside && (start.is_some() || c.is_alphabetic());
                match (inside, start) {
                    (true, None) => start = Some(i),
                    (false, Some(s)) => {
                        words.push((tok_start + s, tok_start + i));
                        start = None;
                    }
                    _ => {}
                }
            }
            if let Some(s) = start {
                words.push((tok_start + s, tok_start + token.len()));
            }
        }
        words
    }

    fn line(&self, line: &str, out: &mut String) -> bool {
        let words = self.words(line);
        let (mut foreign, mut kazakh) = (0, 0);
        let mut converted = Vec::with_capacity(words.len());
        for &(s, e) in &words {
            let (kind, result) = self.word(&line[s..e], line[..s].chars().next_back(), line[e..].chars().next());
            match kind {
                Kind::Foreign => foreign += 1,
                Kind::Kazakh => kazakh += 1,
                Kind::Plain => {}
            }
            converted.push(result);
        }
        if foreign >= FOREIGN_LINE && foreign > kazakh {
            out.push_str(line);
            return false;
        }
        let mut changed = false;
        let mut last = 0;
        for (&(s, e), result) in words.iter().zip(converted) {
            out.push_str(&line[last..s]);
            match result {
                Some(c) if c != line[s..e] => {
                    out.push_str(&c);
                    changed = true;
                }
                _ => out.push_str(&line[s..e]),
            }
            last = e;
        }
        out.push_str(&line[last..]);
        changed
    }
}

/// The whitespace-separated tokens of a line, with their byte offsets.
fn tokens(line: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = 0;
    std::iter::from_fn(move || {
        let tail = &line[rest..];
        let start = rest + tail.find(|c: char| !c.is_whitespace())?;
        let len = line[start..].find(char::is_whitespace).unwrap_or(line.len() - start);
        rest = start + len;
        Some((start, &line[start..start + len]))
    })
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
