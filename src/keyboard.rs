//! Kazakh typed on a Russian keyboard: к for қ, у for ү, и for і (Казакстан → Қазақстан).
//!
//! The stand-ins are `tables/keyboard.tsv`; the words come from a lexicon of Kazakh word forms
//! keyed by how they look when typed that way (`tables/lexicon/keyboard-words.tsv`), and the
//! endings of forms the lexicon never saw from `keyboard-suffixes.tsv`. A sentence is repaired
//! only when it is Kazakh: the lexicon's sure words and the words with Kazakh letters must
//! outnumber the Russian words of `tables/russian.tsv`. In a sentence that has Kazakh letters
//! elsewhere only sure words are repaired (`оте жақсы` → `өте жақсы`), typed forms the news
//! never writes that were seen often (`казир` → `қазір`) once the sentence shows a sure word,
//! and unseen forms of a long sure stem; in one typed without any Kazakh letter every word the
//! lexicon or its endings can read is. Hyphen-joined words are read part by part.

use std::borrow::Cow;

use crate::rules::{split_on, WordFilter, KEYBOARD_SUFFIXES, KEYBOARD_WORDS, RUSSIAN, STAND_INS};
use crate::spelling::is_back;

/// The typed form of an entry is no word of the news text (`sure` column, see
/// `tables/lexicon/keyboard.py`).
const UNSEEN: u8 = 1;
/// Besides, its Kazakh form has most of the uses: the word shows how its sentence was typed.
const SURE: u8 = 2;
/// Besides, no other Kazakh form shares the key: a word with some Kazakh letters is completed.
const ALONE: u8 = 3;

/// An entry of the keyboard lexicon: the Kazakh form (empty: the typed word itself), how often
/// it was seen, and how sure it is (0 to [`ALONE`]: see `tables/lexicon/keyboard.py`).
fn word(typed: &str) -> Option<(&'static str, u32, u8)> {
    word_bytes(typed.as_bytes())
}

/// Like [`word`], for the UTF-8 bytes of the typed form.
fn word_bytes(typed: &[u8]) -> Option<(&'static str, u32, u8)> {
    let mut fields = split_on(KEYBOARD_WORDS.get_bytes(typed)?, b'\t');
    let form = fields.next()?;
    let count = fields.next()?.parse().ok()?;
    let sure = fields.next()?.parse().ok()?;
    Some((form, count, sure))
}

/// An ending of the keyboard lexicon, keyed by harmony and typed form.
#[derive(Clone, Copy, Debug)]
struct Ending {
    /// As written.
    written: &'static str,
    /// How often the typed ending was seen.
    count: u32,
    /// The percentage of those uses written as `written`.
    share: u32,
}

impl Ending {
    /// How often the ending was seen written as `written`.
    fn uses(self) -> u64 {
        u64::from(self.count) * u64::from(self.share) / 100
    }
}

/// Looks up an ending of the keyboard lexicon (`key`: harmony `b`/`f`, the stem's last letter
/// or `*` for any, and the ending, as typed).
fn written_ending(key: &str) -> Option<Ending> {
    let mut fields = split_on(KEYBOARD_SUFFIXES.get(key)?, b'\t');
    Some(Ending {
        written: fields.next()?,
        count: fields.next()?.parse().ok()?,
        share: fields.next()?.parse().ok()?,
    })
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

/// Looks `lower` up and adds it to `evidence`; a word of hyphen-joined parts (`іс-шара`,
/// `Қасым-Жомарт`) counts as its parts, which the lexicon holds one by one.
pub(crate) fn look_and_count(lower: &str, evidence: &mut Evidence) -> Seen {
    let seen = look(lower);
    if lower.as_bytes().contains(&b'-') {
        for part in lower.split('-') {
            evidence.add(part, look(part));
        }
    } else {
        evidence.add(lower, seen);
    }
    seen
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
        } else if seen.entry.is_some_and(|e| e.2 >= SURE) {
            self.sure += 1;
        }
    }

    /// The three counts, as three characters below U+0080 (a memo keeps them as text); `None`
    /// when a count is 128 or more.
    pub(crate) fn counts(&self) -> Option<String> {
        let counts = [self.kazakh_letters, self.sure, self.russian];
        counts
            .iter()
            .map(|&n| u8::try_from(n).ok().filter(|&n| n < 0x80).map(char::from))
            .collect()
    }

    /// Adds the counts of `other`.
    pub(crate) fn merge(&mut self, other: &Evidence) {
        self.kazakh_letters += other.kazakh_letters;
        self.sure += other.sure;
        self.russian += other.russian;
    }

    /// Adds counts given as [`Evidence::counts`] does.
    pub(crate) fn add_counts(&mut self, counts: &[u8]) {
        if let [kazakh_letters, sure, russian] = *counts {
            self.kazakh_letters += usize::from(kazakh_letters);
            self.sure += usize::from(sure);
            self.russian += usize::from(russian);
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
        (Some((form, _, sure)), _) if sure >= UNSEEN || mode == Mode::All => form.to_string(),
        (Some(_), _) => return None,
        (None, mode) => derive(lower, mode == Mode::Sure)?,
    };
    (!form.is_empty() && form != lower).then_some(form)
}

/// Like [`repair`], part by part for a word of hyphen-joined parts (`ис-шарага` →
/// `іс-шараға`); `seen` is what [`look`] says of the whole word.
pub(crate) fn repair_parts(lower: &str, mode: Mode, seen: Seen) -> Option<String> {
    if !lower.as_bytes().contains(&b'-') {
        return repair(lower, mode, seen);
    }
    let mut out = String::with_capacity(lower.len() + 8);
    let mut changed = false;
    for (i, part) in lower.split('-').enumerate() {
        if i > 0 {
            out.push('-');
        }
        match repair(part, mode, look(part)) {
            Some(form) => {
                out.push_str(&form);
                changed = true;
            }
            None => out.push_str(part),
        }
    }
    changed.then_some(out)
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
    let (form, _, sure) = word_bytes(&buf[..len])?;
    let keeps = |form: &str| {
        form.chars().count() == lower.chars().count()
            && form
                .chars()
                .zip(lower.chars())
                .all(|(f, w)| f == w || !is_kazakh_letter(w))
    };
    (sure == ALONE && form != lower && keeps(form)).then(|| form.to_string())
}

/// How `ending` is written after `stem` (both as typed) of the given harmony (`b`/`f`): as
/// after the stem's last letter where the lexicon tells that apart, else as after any letter.
/// `key` is a buffer.
fn ending_after(key: &mut String, harmony: char, stem: &str, ending: &str) -> Option<Ending> {
    let mut look = |after: char| {
        key.clear();
        key.push(harmony);
        key.push(after);
        key.push_str(ending);
        written_ending(key)
    };
    stem.chars().next_back().and_then(&mut look).or_else(|| look('*'))
}

/// A word the lexicon never saw, read as a known stem plus a known ending: of all the ways to
/// cut it, the reading whose stems and written endings are seen most often (the cuts that give
/// one reading add up: `салатын` is `сал` + `атын` and `салат` + `ын`, against `сала` + `тың`). In a sentence repaired
/// only where sure (`sure_only`), the stem must be a sure entry and the ending written one way
/// [`SURE_SHARE`] of the time. Failing a stem, the ending alone is read ([`ending_only`]).
fn derive(lower: &str, sure_only: bool) -> Option<String> {
    // Known stems first; failing those, stems read the same way (`белгиле` + `нбеген`).
    let best = best_reading(lower, sure_only, false).or_else(|| best_reading(lower, sure_only, true));
    match best {
        Some((form, _)) => Some(form),
        None => ending_only(lower, if sure_only { SURE_ENDING } else { 3 }),
    }
}

/// The most often seen reading of `lower` as a stem and an ending, with its score: the stems
/// are lexicon words, or with `derived` readings of a lexicon word and an ending themselves.
fn best_reading(lower: &str, sure_only: bool, derived: bool) -> Option<(String, u64)> {
    let mut key = String::new();
    // Each reading with its score; cuts that give the same reading add up.
    let mut readings: Vec<(String, u64)> = Vec::new();
    let cuts: Vec<usize> = lower.char_indices().map(|(i, _)| i).skip(3).collect();
    for &cut in cuts.iter().rev() {
        let (stem, ending) = lower.split_at(cut);
        let (stem_form, stem_count) = if derived {
            // A stem read as a stem and an ending is trusted only when it has seven letters or
            // more and the ending after it two or more (`брако` + `ньерлер` is no reading).
            if ending.chars().count() < 2 {
                continue;
            }
            match best_reading(stem, sure_only, false).filter(|_| stem.chars().count() >= SURE_STEM + 2) {
                Some(found) => (Cow::Owned(found.0), found.1),
                None => continue,
            }
        } else {
            let Some((form, count, sure)) = word(stem) else {
                continue;
            };
            if sure_only && (sure < SURE || stem.chars().count() < SURE_STEM) {
                continue;
            }
            (
                Cow::Borrowed(if form.is_empty() { stem } else { form }),
                u64::from(count),
            )
        };
        let harmony = if is_back(&stem_form).unwrap_or(true) { 'b' } else { 'f' };
        if let Some(e) = ending_after(&mut key, harmony, stem, ending) {
            if sure_only && e.share < SURE_SHARE {
                continue;
            }
            let score = stem_count.saturating_mul(e.uses().min(ENDING_USES_CAP));
            let reading = format!("{stem_form}{}", e.written);
            match readings.iter_mut().find(|(r, _)| *r == reading) {
                Some((_, total)) => *total = total.saturating_add(score),
                None => readings.push((reading, score)),
            }
        }
    }
    readings.into_iter().max_by_key(|&(_, score)| score)
}

/// The share (percent) of its uses an ending must be written one way to be written so without
/// a stem the lexicon knows, or after a sure stem in a sentence repaired only where sure.
const SURE_SHARE: u32 = 90;

/// The fewest letters of a stem read in a sentence repaired only where sure: shorter sure
/// entries are often the start of other words (`тан` for `таң`, in `таныту`).
const SURE_STEM: usize = 5;

/// The most uses of an ending that count in a reading's score: a one-letter ending seen tens of
/// thousands of times (`-н`) must not outweigh a better stem (`жарыс` + `тың`, not `жарысты` +
/// `н`).
const ENDING_USES_CAP: u64 = 1000;

/// The fewest letters of an ending read without a stem in a sentence repaired only where sure
/// (shorter ones turn loans such as `динамикасы` into `динамиқасы`).
const SURE_ENDING: usize = 5;

/// How often an ending must have been seen to be written after a stem the lexicon lacks.
const ENDING_ONLY_MIN: u32 = 30;

/// A word whose stem the lexicon lacks (`трассаларынын`): after [`SURE_STEM`] letters or more,
/// its longest ending of three letters or more that was seen at least [`ENDING_ONLY_MIN`] times and is written one way
/// [`SURE_SHARE`] of the time, written so (`трассаларының`); the stem stays as typed. The
/// harmony is the ending's own: of the two readings the one seen more often.
fn ending_only(lower: &str, shortest: usize) -> Option<String> {
    let mut key = String::new();
    for (cut, _) in lower.char_indices().skip(SURE_STEM) {
        let ending = &lower[cut..];
        if ending.chars().count() < shortest {
            break;
        }
        let best = ['b', 'f']
            .into_iter()
            .filter_map(|harmony| ending_after(&mut key, harmony, &lower[..cut], ending))
            .max_by_key(|e| e.count);
        if let Some(e) = best {
            if e.count >= ENDING_ONLY_MIN && e.share >= SURE_SHARE && e.written != ending {
                return Some(format!("{}{}", &lower[..cut], e.written));
            }
        }
    }
    None
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

    #[test]
    fn a_stem_may_itself_be_a_word_and_an_ending() {
        assert_eq!(best_reading("белгиленбеген", false, false), None);
        assert_eq!(derive("белгиленбеген", false).as_deref(), Some("белгіленбеген"));
    }

    #[test]
    fn an_unknown_stem_keeps_its_letters_and_gets_its_ending() {
        assert_eq!(ending_only("трассаларынын", 3).as_deref(), Some("трассаларының"));
        // -тын is -тың only about half the time: left as typed.
        assert_eq!(ending_only("трассатын", 3), None);
    }
}
