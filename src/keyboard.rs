//! Kazakh typed on a Russian keyboard: к for қ, у for ү, и for і (Казакстан → Қазақстан).
//!
//! The stand-ins are `tables/keyboard.tsv`; the words come from a lexicon of Kazakh word forms
//! keyed by how they look when typed that way (`tables/lexicon/keyboard-words.tsv`), and the
//! endings of forms the lexicon never saw from `keyboard-suffixes.tsv`. A sentence is repaired
//! only when it is Kazakh: the lexicon's sure words and the words with Kazakh letters must
//! outnumber the Russian words of `tables/russian.tsv`. In a sentence that has Kazakh letters
//! elsewhere only sure words are repaired (`оте жақсы` → `өте жақсы`); in one typed without any
//! Kazakh letter every word the lexicon or its endings can read is.

use crate::rules::{WordFilter, KEYBOARD_SUFFIXES, KEYBOARD_WORDS, RUSSIAN, STAND_INS};
use crate::spelling::is_back;

/// An entry of the keyboard lexicon: the Kazakh form (empty: the typed word itself), how often
/// it was seen, and how sure it is (0, 1 or 2: see `tables/lexicon/keyboard.py`).
fn word(typed: &str) -> Option<(&'static str, u32, u8)> {
    let mut fields = KEYBOARD_WORDS.get(typed)?.split('\t');
    let form = fields.next()?;
    let count = fields.next()?.parse().ok()?;
    let sure = fields.next()?.parse().ok()?;
    Some((form, count, sure))
}

/// An ending of the keyboard lexicon: as written, and how often it was seen.
fn written_ending(key: &str) -> Option<(&'static str, u32)> {
    let (written, count) = KEYBOARD_SUFFIXES.get(key)?.split_once('\t')?;
    Some((written, count.parse().ok()?))
}

/// Whether `c` is a Kazakh letter that a Russian keyboard lacks.
pub(crate) fn is_kazakh_letter(c: char) -> bool {
    stand_in(c).is_some()
}

/// The letter typed for `c` on a Russian keyboard, if `c` is a Kazakh letter it lacks.
fn stand_in(c: char) -> Option<char> {
    let i = (c as u32).wrapping_sub(0x400) as usize;
    STAND_INS.get(i).copied().filter(|&t| t != '\0')
}

/// What one sentence shows about its language.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Evidence {
    /// Words with a Kazakh letter.
    pub(crate) kazakh_letters: usize,
    /// Words the lexicon surely reads as a Kazakh word typed with stand-ins.
    pub(crate) sure: usize,
    /// Frequent Russian words.
    pub(crate) russian: usize,
}

/// How far a sentence is repaired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Not Kazakh, or nothing to repair.
    None,
    /// Only the words the lexicon is sure of.
    Sure,
    /// Every word the lexicon or its endings can read.
    All,
}

/// What the lexicon says of one lower-case word: looked up once, for the evidence of its
/// sentence and for its repair.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Seen {
    /// The word has a Kazakh letter (then it is not looked up).
    kazakh_letters: bool,
    /// Its entry in the keyboard lexicon.
    entry: Option<(&'static str, u32, u8)>,
}

/// Looks `lower` up.
pub(crate) fn look(lower: &str) -> Seen {
    let kazakh_letters = lower.chars().any(is_kazakh_letter);
    Seen {
        kazakh_letters,
        entry: if kazakh_letters { None } else { word(lower) },
    }
}

/// Whether `lower` is one of the frequent Russian words of `tables/russian.tsv`.
fn is_russian(lower: &str) -> bool {
    static FILTER: std::sync::OnceLock<WordFilter> = std::sync::OnceLock::new();
    FILTER
        .get_or_init(|| WordFilter::new(RUSSIAN.iter().copied()))
        .may_hold(lower)
        && RUSSIAN.contains(lower)
}

impl Evidence {
    /// Adds one word, given in lower case, with what the lexicon says of it.
    pub(crate) fn add(&mut self, lower: &str, seen: Seen) {
        if seen.kazakh_letters {
            self.kazakh_letters += 1;
        } else if is_russian(lower) {
            self.russian += 1;
        } else if seen.entry.is_some_and(|e| e.2 > 0) {
            self.sure += 1;
        }
    }

    /// Whether the sentence is Russian: its Russian words outnumber the signs of Kazakh.
    pub(crate) fn is_russian(&self) -> bool {
        self.russian > 0 && self.kazakh_letters + self.sure <= self.russian
    }

    /// The repair the sentence gets.
    pub(crate) fn mode(&self) -> Mode {
        if self.sure == 0 || self.is_russian() {
            Mode::None
        } else if self.kazakh_letters == 0 {
            Mode::All
        } else {
            Mode::Sure
        }
    }
}

/// The Kazakh form of `lower`, a lower-case word of Cyrillic letters, in a sentence repaired in
/// `mode`; `None` to leave it. A word that has some Kazakh letters already (`кұқықтары`) is
/// completed only from a sure entry that no other Kazakh form shares and that keeps every
/// Kazakh letter it has (`құқықтары`; `көл` never becomes `қол`, nor `есіне` `есіңе`). `seen` is
/// what [`look`] says of `lower`.
pub(crate) fn repair(lower: &str, mode: Mode, seen: Seen) -> Option<String> {
    if seen.kazakh_letters {
        return complete(lower);
    }
    let form = match (seen.entry, mode) {
        (_, Mode::None) => return None,
        (Some((form, _, sure)), _) if sure > 0 || mode == Mode::All => form.to_string(),
        (Some(_), _) | (None, Mode::Sure) => return None,
        (None, Mode::All) => derive(lower)?,
    };
    (!form.is_empty() && form != lower).then_some(form)
}

/// A word with some of its Kazakh letters typed as stand-ins, completed from a sure entry.
fn complete(lower: &str) -> Option<String> {
    // The word as typed, in a buffer on the stack (longer words are left alone).
    let mut buf = [0u8; 96];
    let mut len = 0;
    for c in lower.chars() {
        let t = stand_in(c).unwrap_or(c);
        let n = t.len_utf8();
        if len + n > buf.len() {
            return None;
        }
        t.encode_utf8(&mut buf[len..]);
        len += n;
    }
    let typed = std::str::from_utf8(&buf[..len]).ok()?;
    let (form, _, sure) = word(typed)?;
    let keeps = |form: &str| {
        form.chars().count() == lower.chars().count()
            && form
                .chars()
                .zip(lower.chars())
                .all(|(f, w)| f == w || !is_kazakh_letter(w))
    };
    (sure == 2 && form != lower && keeps(form)).then(|| form.to_string())
}

/// A word the lexicon never saw, read as a known stem plus a known ending: of all the ways to
/// cut it, the one whose stem and ending are seen most often.
fn derive(lower: &str) -> Option<String> {
    let mut key = String::new();
    let mut best: Option<(u64, String)> = None;
    let cuts: Vec<usize> = lower.char_indices().map(|(i, _)| i).skip(3).collect();
    for &cut in cuts.iter().rev() {
        let (stem, ending) = lower.split_at(cut);
        let Some((form, stem_count, _)) = word(stem) else {
            continue;
        };
        let stem_form = if form.is_empty() { stem } else { form };
        key.clear();
        key.push(if is_back(stem_form).unwrap_or(true) { 'b' } else { 'f' });
        key.push_str(ending);
        if let Some((written, count)) = written_ending(&key) {
            let score = u64::from(stem_count) * u64::from(count);
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, format!("{stem_form}{written}")));
            }
        }
    }
    best.map(|(_, form)| form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_russian_sentence_is_left_alone() {
        let mut e = Evidence::default();
        for w in ["казахстан", "присоединится", "к", "соглашениям"] {
            e.add(w, look(w));
        }
        assert_eq!(e.mode(), Mode::None);
    }

    #[test]
    fn the_examples_of_the_normalizer_specification() {
        assert_eq!(
            repair("казакстан", Mode::Sure, look("казакстан")).as_deref(),
            Some("қазақстан")
        );
        assert_eq!(repair("улкен", Mode::Sure, look("улкен")).as_deref(), Some("үлкен"));
        // tests/data/variants/real_world_substitutions.tsv (Duolingo).
        assert_eq!(
            repair("кұқықтары", Mode::Sure, look("кұқықтары")).as_deref(),
            Some("құқықтары")
        );
        assert_eq!(repair("көл", Mode::All, look("көл")), None);
    }
}
