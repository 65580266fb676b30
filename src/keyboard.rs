//! Kazakh typed on a Russian keyboard: к for қ, у for ү, и for і (Казакстан → Қазақстан).
//!
//! The stand-ins are `tables/keyboard.tsv`; the words come from a lexicon of Kazakh word forms
//! keyed by how they look when typed that way (`tables/lexicon/keyboard-words.tsv`), the endings of
//! forms the lexicon never saw from `keyboard-suffixes.tsv`, and the letters of words no stem and
//! ending can read from the letters around them (`keyboard-letters.tsv`). A sentence is repaired
//! only when it is Kazakh: the sure words (entries, or words read surely without one: [`Evidence`])
//! and the words with Kazakh letters must outnumber the Russian words of `tables/russian.tsv`
//! (which keep their letters in any sentence). In a sentence that has Kazakh letters elsewhere only
//! sure words are repaired (`оте жақсы` → `өте жақсы`), typed forms the news never writes (`казир`
//! → `қазір`) once the sentence shows a sure word, and forms of a long sure stem or of a word
//! written as typed, or read letter by letter (names the lexicon lacks keep their letters); in one
//! typed without any Kazakh letter every word the lexicon, its endings or its letters can read is.
//! Hyphen-joined words are read part by part.

use std::borrow::Cow;

use crate::rules::{
    split_on, WordFilter, BACK_VOWELS, FRONT_VOWELS, HIATUS_VOWELS, KEYBOARD_LETTERS, KEYBOARD_SUFFIXES,
    KEYBOARD_WORDS, LOAN_VOWELS, RUSSIAN, STAND_INS,
};
use crate::spelling::{case_suffix_fits, is_back};

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

/// The readings of `before`, a word typed on a Russian keyboard, other than `after`, each in
/// the case of `before`: those of its key in the lexicon (the form chosen, or the typed word
/// itself, and the `others` column), when `after` is one of them; else none.
pub(crate) fn alternatives(before: &str, after: &str) -> Vec<String> {
    let lower = before.to_lowercase();
    let Some(entry) = KEYBOARD_WORDS.get_bytes(lower.as_bytes()) else {
        return Vec::new();
    };
    let mut fields = split_on(entry, b'\t');
    let chosen = fields.next().filter(|f| !f.is_empty()).unwrap_or(&lower);
    let others = fields.nth(2).unwrap_or("");
    let readings: Vec<&str> = std::iter::once(chosen)
        .chain(split_on(others, b',').filter(|o| !o.is_empty()))
        .collect();
    let after = after.to_lowercase();
    if !readings.contains(&after.as_str()) {
        return Vec::new();
    }
    readings
        .into_iter()
        .filter(|&r| r != after)
        .map(|r| crate::orthography::case_letter_by_letter(before, r))
        .collect()
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

/// Whether `a` and `b` are typed with the same keys on a Russian keyboard (`тоқаевтың` and
/// `токаевтын`).
pub(crate) fn same_keys(a: &str, b: &str) -> bool {
    let key = |c: char| stand_in(c).unwrap_or(c);
    a.chars().map(key).eq(b.chars().map(key))
}

/// What one sentence shows about its language.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Evidence {
    /// Words with a Kazakh letter.
    pub(crate) kazakh_letters: usize,
    /// Words the lexicon surely reads as a Kazakh word typed with stand-ins: its entries, and
    /// words it lacks that read as a sure stem and an ending, or letter by letter as a repair
    /// reads them with [`SURE_READ`] letters or more changed (`олкемди` → `өлкемді`).
    pub(crate) sure: usize,
    /// Words the lexicon lacks that [`letter_by_letter`] reads with one letter changed, written
    /// so [`EVIDENCE_SHARE`] of the time, and entries whose typed form the news writes at most
    /// once for every ten uses of the Kazakh form ([`UNSEEN`]: `тур` for `тұр`): two of them
    /// count as a sure word (one may be a word of its own, `атпен`, that looks typed).
    pub(crate) read: usize,
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
        } else if seen.entry.is_some_and(|e| e.2 == UNSEEN) {
            self.read += 1;
        } else if seen.entry.is_none() && lower.len() <= LONGEST_WORD {
            if best_reading(lower, true, false).is_some_and(|(form, _)| form != lower) {
                self.sure += 1;
            } else if let Some(read) = read_letters(lower, LETTER_SHARE) {
                if read.changed >= SURE_READ {
                    self.sure += 1;
                } else if read.lowest_share >= EVIDENCE_SHARE {
                    self.read += 1;
                }
            }
        }
    }

    /// The counts, as characters below U+0080 (a memo keeps them as text); `None` when a count
    /// is 128 or more.
    pub(crate) fn counts(&self) -> Option<String> {
        let counts = [self.kazakh_letters, self.sure, self.read, self.russian];
        counts
            .iter()
            .map(|&n| u8::try_from(n).ok().filter(|&n| n < 0x80).map(char::from))
            .collect()
    }

    /// Adds the counts of `other`.
    pub(crate) fn merge(&mut self, other: &Evidence) {
        self.kazakh_letters += other.kazakh_letters;
        self.sure += other.sure;
        self.read += other.read;
        self.russian += other.russian;
    }

    /// Adds counts given as [`Evidence::counts`] does.
    pub(crate) fn add_counts(&mut self, counts: &[u8]) {
        if let [kazakh_letters, sure, read, russian] = *counts {
            self.kazakh_letters += usize::from(kazakh_letters);
            self.sure += usize::from(sure);
            self.read += usize::from(read);
            self.russian += usize::from(russian);
        }
    }

    /// Whether the sentence is Russian: its Russian words outnumber the signs of Kazakh.
    pub(crate) fn is_russian(&self) -> bool {
        self.russian > 0 && self.kazakh_letters + self.sure + self.read <= self.russian
    }

    /// The repair the sentence gets.
    pub(crate) fn mode(&self) -> Mode {
        if (self.sure == 0 && self.read < 2) || self.is_russian() {
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
/// what [`look`] says of `lower`; `name`, whether the word is capitalized ([`derive()`]).
pub(crate) fn repair(lower: &str, mode: Mode, seen: Seen, name: bool) -> Option<String> {
    if seen.kazakh_letters {
        return complete(lower);
    }
    let form = match (seen.entry, mode) {
        (_, Mode::None) => return None,
        // A frequent Russian word keeps its letters (`или`, not `ілі`).
        _ if is_russian(lower) => return None,
        (Some((form, _, sure)), _) if sure >= UNSEEN || mode == Mode::All => form.to_string(),
        (Some(_), _) => return None,
        (None, mode) => derive(lower, mode == Mode::Sure, name)?,
    };
    (!form.is_empty() && form != lower).then_some(form)
}

/// Like [`repair`], part by part for a word of hyphen-joined parts (`ис-шарага` →
/// `іс-шараға`); `seen` is what [`look`] says of the whole word, `name` as for [`repair`].
pub(crate) fn repair_parts(lower: &str, mode: Mode, seen: Seen, name: bool) -> Option<String> {
    if !lower.as_bytes().contains(&b'-') {
        return repair(lower, mode, seen, name);
    }
    let mut out = String::with_capacity(lower.len() + 8);
    let mut changed = false;
    for (i, part) in lower.split('-').enumerate() {
        if i > 0 {
            out.push('-');
        }
        match repair(part, mode, look(part), name) {
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
    let mut buf = [0u8; LONGEST_WORD];
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
/// one reading add up: `салатын` is `сал` + `атын` and `салат` + `ын`, against `сала` + `тың`),
/// unless the word's letters read as another of them ([`chosen_reading`]).
/// In a sentence repaired only where sure (`sure_only`), the stem must be a sure entry or a
/// word written as typed (`акционер` + `лік`), and the ending written one way [`SURE_SHARE`]
/// of the time. Failing a stem, the word is read letter by letter ([`letter_by_letter`]),
/// then, where sure only, by any stem and ending if letter by letter agrees
/// ([`agreed_reading`]), and failing that its ending alone ([`ending_only`]). A name (`name`:
/// the word is capitalized) in a sentence repaired only where sure is read letter by letter
/// only with [`SURE_READ`] letters or more changed (`Ракымгали`): names the lexicon lacks are
/// mostly foreign (`Каримов`, `Подарогын`).
fn derive(lower: &str, sure_only: bool, name: bool) -> Option<String> {
    if lower.len() > LONGEST_WORD {
        return None;
    }
    // Known stems first; failing those, stems read the same way (`жумылдырган` + `ымен`).
    let best = chosen_reading(lower, sure_only, false).or_else(|| chosen_reading(lower, sure_only, true));
    match best {
        Some((form, _)) => Some(form),
        // A name the lexicon lacks keeps its letters in a sentence repaired only where sure,
        // unless they read as surely as a word that shows its sentence typed.
        None if sure_only && name => read_letters(lower, LETTER_SHARE)
            .filter(|read| read.changed >= SURE_READ)
            .map(|read| read.word)
            .or_else(|| ending_only(lower, SURE_ENDING)),
        None => letter_by_letter(lower, LETTER_SHARE)
            .or_else(|| sure_only.then(|| agreed_reading(lower)).flatten())
            .or_else(|| ending_only(lower, if sure_only { SURE_ENDING } else { 3 })),
    }
}

/// A word the lexicon lacks read alike by any stem and ending and letter by letter, however
/// sure its letters (`кустай` → `құстай`, `коршисин` → `көршісін`): two readings that agree.
fn agreed_reading(lower: &str) -> Option<String> {
    let (form, _) = best_reading(lower, false, false)?;
    (letter_by_letter(lower, 0)? == form).then_some(form)
}

/// The longest word, in bytes, that is read as a stem and an ending or letter by letter (the
/// longest Kazakh words have about 30 letters; the cuts of a longer token would take time
/// that grows with the square of its length).
const LONGEST_WORD: usize = 96;

/// The fewest letters a word the lexicon lacks must change, read letter by letter, to show
/// that its sentence was typed on a Russian keyboard: a Kazakh word may look typed in one
/// letter (`атпен`, `грузиндер`), but no word of the clean test text looks so in two.
const SURE_READ: usize = 2;

/// The most letters on each side of a letter that [`letter_by_letter`] looks at.
const WINDOW: usize = 3;

/// The share (percent) of its uses a letter must be written so between the letters around it
/// for [`letter_by_letter`] to write it in a repair.
const LETTER_SHARE: u32 = 90;

/// The same, for a word the lexicon lacks to show that its sentence was typed on a Russian
/// keyboard ([`Evidence::read`]).
const EVIDENCE_SHARE: u32 = 98;

/// A word no stem and ending can read, letter by letter: each letter that stands in for a
/// Kazakh letter is read as it is most often written between the letters around it (up to
/// [`WINDOW`] on each side, as typed; `tables/lexicon/keyboard-letters.tsv`), the widest window
/// seen deciding. `None` when that leaves the word as typed, or when a letter changed is
/// written so less than `min_share` percent of the time.
fn letter_by_letter(lower: &str, min_share: u32) -> Option<String> {
    read_letters(lower, min_share).map(|read| read.word)
}

/// A reading of [`letter_by_letter`], with how many letters it changes and the lowest share
/// among them.
struct LetterReading {
    word: String,
    changed: usize,
    lowest_share: u32,
}

/// [`letter_by_letter`], with how sure the reading is.
fn read_letters(lower: &str, min_share: u32) -> Option<LetterReading> {
    // The word between its edge marks, as typed.
    let mut buf = ['\0'; LONGEST_WORD + 2];
    let mut len = 0;
    for c in std::iter::once('^').chain(lower.chars()).chain(std::iter::once('$')) {
        *buf.get_mut(len)? = c;
        len += 1;
    }
    let typed = &buf[..len];
    // The reading, from the first letter that changes.
    let mut out: Option<String> = None;
    let (mut changed, mut lowest_share) = (0, u32::MAX);
    for (i, &c) in typed.iter().enumerate().take(len - 1).skip(1) {
        match letter_read(typed, i) {
            Some((letter, share)) if letter != c => {
                if share < min_share {
                    return None;
                }
                changed += 1;
                lowest_share = lowest_share.min(share);
                out.get_or_insert_with(|| {
                    let mut s = String::with_capacity(lower.len() + 8);
                    s.extend(&typed[1..i]);
                    s
                })
                .push(letter);
            }
            _ => {
                if let Some(out) = &mut out {
                    out.push(c);
                }
            }
        }
    }
    out.filter(|out| keeps_harmony(lower, out)).map(|word| LetterReading {
        word,
        changed,
        lowest_share,
    })
}

/// How the letter at `i` of `typed` (a word between `^` and `$`) is most often written, and
/// the share of the uses written so: from the widest window of `keyboard-letters.tsv` around
/// it. `None` for a letter that stands in for no Kazakh letter.
fn letter_read(typed: &[char], i: usize) -> Option<(char, u32)> {
    // The widest window in UTF-8, with `|` before the letter: each narrower window's key is a
    // part of it.
    let mut key = [0u8; 4 * (2 * WINDOW + 1) + 1];
    let mut n = 0;
    let from = i.saturating_sub(WINDOW);
    // Where each letter before the letter starts.
    let mut starts = [0; WINDOW];
    for (j, c) in typed[from..i].iter().enumerate() {
        starts[j] = n;
        n += c.encode_utf8(&mut key[n..]).len();
    }
    let bar = n;
    key[n] = b'|';
    n += 1;
    // Where the letter and each letter after it end.
    let after = &typed[i..(i + 1 + WINDOW).min(typed.len())];
    let mut ends = [0; WINDOW + 1];
    for (j, c) in after.iter().enumerate() {
        n += c.encode_utf8(&mut key[n..]).len();
        ends[j] = n;
    }
    let look = |k: usize| {
        let first = i.saturating_sub(k);
        let start = if first == i { bar } else { starts[first - from] };
        let end = ends[k.min(after.len() - 1)];
        let mut fields = split_on(KEYBOARD_LETTERS.get_bytes(&key[start..end])?, b'\t');
        let letter = fields.next()?.chars().next()?;
        Some((letter, fields.next()?.parse::<u32>().ok()?))
    };
    // The window of the letter alone first: a letter without one stands in for nothing.
    let alone = look(0)?;
    (1..=WINDOW).rev().find_map(look).or(Some(alone))
}

/// Whether each vowel `read` has where `typed` has another agrees with the nearest vowels on
/// either side, back (`kk-back-vowel`) or front (`kk-front-vowel`): a stem's vowels agree, and
/// an ending follows the stem's last vowel (`акционерлік`, `корпоративті`, but not `тәтты`).
/// The vowels of `kk-loan-vowel` (и), which loans and names also put among back vowels, only
/// count before an ending.
fn keeps_harmony(typed: &str, read: &str) -> bool {
    // The vowels, each with whether it is back and whether it was read.
    let vowels: Vec<(char, bool, bool)> = typed
        .chars()
        .zip(read.chars())
        .filter(|&(_, r)| FRONT_VOWELS.contains(r) || BACK_VOWELS.contains(r))
        .map(|(t, r)| (r, BACK_VOWELS.contains(r), t != r))
        .collect();
    vowels.iter().enumerate().all(|(i, &(_, back, read))| {
        let before = i.checked_sub(1).map(|j| vowels[j]);
        let after = vowels.get(i + 1).filter(|v| !LOAN_VOWELS.contains(v.0));
        !read || [before, after.copied()].into_iter().flatten().all(|v| v.1 == back)
    })
}

/// The most often seen reading of `lower` as a stem and an ending, with its score: the stems
/// are lexicon words, or with `derived` readings of a lexicon word and an ending themselves.
fn best_reading(lower: &str, sure_only: bool, derived: bool) -> Option<(String, u64)> {
    readings(lower, sure_only, derived)
        .into_iter()
        .max_by_key(|&(_, score)| score)
}

/// Of the readings of `lower` as a stem and an ending, the one its letters read alike
/// ([`letter_by_letter`], however sure), else the one seen most often ([`best_reading`]):
/// `кәсіптің` is `кәсіп` + `тің`, not the more often seen `кәсіпті` + `н`.
fn chosen_reading(lower: &str, sure_only: bool, derived: bool) -> Option<(String, u64)> {
    let all = readings(lower, sure_only, derived);
    if all.len() > 1 {
        if let Some(letters) = letter_by_letter(lower, 0) {
            if let Some(agreed) = all.iter().find(|(r, _)| *r == letters) {
                return Some(agreed.clone());
            }
        }
    }
    all.into_iter().max_by_key(|&(_, score)| score)
}

/// Every reading of `lower` as a stem and an ending, with its score (see [`best_reading`]).
fn readings(lower: &str, sure_only: bool, derived: bool) -> Vec<(String, u64)> {
    let mut key = String::new();
    // Each reading with its score; cuts that give the same reading add up.
    let mut readings: Vec<(String, u64)> = Vec::new();
    let cuts: Vec<usize> = lower.char_indices().map(|(i, _)| i).skip(3).collect();
    for &cut in cuts.iter().rev() {
        let (stem, ending) = lower.split_at(cut);
        let (stem_form, stem_count) = if derived {
            // A stem read as a stem and an ending is trusted only when it has seven letters or
            // more and the ending after it two or more (`брако` + `ньерлер` is no reading).
            if ending.chars().count() < 2 || stem.chars().count() < SURE_STEM + 2 {
                continue;
            }
            match best_reading(stem, sure_only, false) {
                Some(found) => (Cow::Owned(found.0), found.1),
                None => continue,
            }
        } else {
            if sure_only && stem.chars().count() < SURE_STEM {
                continue;
            }
            let Some((form, count, sure)) = word(stem) else {
                continue;
            };
            if sure_only && sure < SURE && !form.is_empty() {
                continue;
            }
            (
                Cow::Borrowed(if form.is_empty() { stem } else { form }),
                u64::from(count),
            )
        };
        let harmony = if is_back(&stem_form).unwrap_or(true) { 'b' } else { 'f' };
        if let Some(e) = ending_after(&mut key, harmony, stem, ending) {
            if (sure_only && e.share < SURE_SHARE) || is_hiatus(&stem_form, e.written) {
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
    readings
}

/// Whether `stem` ends and `ending` starts with a vowel of `kk-hiatus-vowel`: no Kazakh word
/// joins them so (`ата` + `сы`, never `ата` + `ы`; `неге` + `і` is no reading of `негеи`).
fn is_hiatus(stem: &str, ending: &str) -> bool {
    let vowel = |c: Option<char>| c.is_some_and(|c| HIATUS_VOWELS.contains(c));
    vowel(stem.chars().next_back()) && vowel(ending.chars().next())
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
/// its longest ending of `shortest` letters or more that was seen at least [`ENDING_ONLY_MIN`]
/// times, is written one way [`SURE_SHARE`] of the time, starts with no case suffix in a form
/// the stem does not take ([`case_suffix_fits`]: not `механи` + `қасы`) and joins no two vowels
/// ([`is_hiatus`]), written so (`трассаларының`); the stem stays as typed. The harmony is the
/// ending's own: of the two readings the one seen more often.
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
            if e.count >= ENDING_ONLY_MIN
                && e.share >= SURE_SHARE
                && e.written != ending
                && !is_hiatus(&lower[..cut], e.written)
                && case_suffix_fits(&lower[..cut], e.written) != Some(false)
            {
                return Some(format!("{}{}", &lower[..cut], e.written));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kazakh homographs once typed on a Russian keyboard (қол "hand" and көл "lake" are both
    /// кол; оң "right" and он "ten" both он): the other reading is given, in the word's case.
    #[test]
    fn a_key_of_two_words_gives_the_other() {
        assert_eq!(alternatives("кол", "қол"), ["көл"]);
        assert_eq!(alternatives("Кол", "Қол"), ["Көл"]);
        assert_eq!(alternatives("он", "он"), ["оң"]);
        assert_eq!(alternatives("ОН", "ОН"), ["ОҢ"]);
        // `кол` itself is no reading of the key; `Қазақстан` is the only one of its own.
        assert!(alternatives("кол", "кол").is_empty());
        assert!(alternatives("казакстан", "қазақстан").is_empty());
    }

    #[test]
    fn a_russian_sentence_is_left_alone() {
        let mut e = Evidence::default();
        for w in ["казахстан", "присоединится", "к", "соглашениям"] {
            e.add(w, look(w));
        }
        assert_eq!(e.mode(), Mode::None);
    }

    #[test]
    fn frequent_russian_words_keep_their_letters() {
        // `tables/russian.tsv`: the Russian conjunction, which reads as `ілі` letter by letter.
        for w in ["или", "более", "они"] {
            assert_eq!(repair(w, Mode::All, look(w), false), None, "{w}");
        }
    }

    #[test]
    fn the_examples_of_the_normalizer_specification() {
        assert_eq!(
            repair("казакстан", Mode::Sure, look("казакстан"), false).as_deref(),
            Some("қазақстан")
        );
        assert_eq!(
            repair("улкен", Mode::Sure, look("улкен"), false).as_deref(),
            Some("үлкен")
        );
        // tests/data/variants/real_world_substitutions.tsv (Duolingo).
        assert_eq!(
            repair("кұқықтары", Mode::Sure, look("кұқықтары"), false).as_deref(),
            Some("құқықтары")
        );
        assert_eq!(repair("көл", Mode::All, look("көл"), false), None);
    }

    #[test]
    fn a_stem_may_itself_be_a_word_and_an_ending() {
        assert_eq!(best_reading("жумылдырганымен", false, false), None);
        assert_eq!(
            derive("жумылдырганымен", false, false).as_deref(),
            Some("жұмылдырғанымен")
        );
    }

    #[test]
    fn the_reading_the_letters_agree_with_wins() {
        // `кәсіпті` + `н` is seen more often, but the genitive after п is -тің (Kazakh grammar),
        // and the letters read `кәсіптің` too.
        assert_eq!(
            best_reading("касиптин", false, false).map(|r| r.0).as_deref(),
            Some("кәсіптін")
        );
        assert_eq!(derive("касиптин", false, false).as_deref(), Some("кәсіптің"));
    }

    #[test]
    fn letters_are_read_from_the_letters_around_them() {
        for (typed, kazakh) in [
            ("кенистик", "кеңістік"),
            ("корпоративти", "корпоративті"),
            ("кезекшиликте", "кезекшілікте"),
            ("билимдерин", "білімдерін"),
            ("жуздестик", "жүздестік"),
            ("сузилди", "сүзілді"),
        ] {
            assert_eq!(letter_by_letter(typed, 0).as_deref(), Some(kazakh), "{typed}");
        }
        // Russian loans keep their letters where a repair looks.
        for loan in ["скрининг", "коворкинг", "облигация"] {
            assert_eq!(letter_by_letter(loan, LETTER_SHARE), None, "{loan}");
        }
    }

    #[test]
    fn a_vowel_read_agrees_with_its_neighbours() {
        assert!(keeps_harmony("акционерлик", "акционерлік"));
        assert!(keeps_harmony("корпоративти", "корпоративті"));
        assert!(!keeps_harmony("татты", "тәтты"));
        assert!(!keeps_harmony("озды", "өзды"));
        assert!(!keeps_harmony("самани", "самані"));
    }

    #[test]
    fn words_typed_with_the_same_keys() {
        assert!(same_keys("тоқаевтың", "токаевтын"));
        assert!(!same_keys("тоқаевтың", "токаевтан"));
    }

    #[test]
    fn an_unknown_stem_keeps_its_letters_and_gets_its_ending() {
        assert_eq!(ending_only("трассаларынын", 3).as_deref(), Some("трассаларының"));
        // -тын is -тың only about half the time: left as typed.
        assert_eq!(ending_only("трассатын", 3), None);
        // After a vowel the dative is -ға: -қасы is no ending of `механи`.
        assert_eq!(ending_only("механикасы", 3), None);
    }

    #[test]
    fn no_reading_joins_two_vowels() {
        // `неге` + `і` would be the only reading of the typo `негеи`; Kazakh writes `негесі`.
        assert!(is_hiatus("неге", "і"));
        assert!(!is_hiatus("неге", "сі"));
        assert_eq!(derive("негеи", false, false), None);
    }
}
