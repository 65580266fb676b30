//! Spelling variants: names and words with competing spellings (Авраам / Ибраһим, Токаев /
//! Тоқаев), unified to one of them, inflected forms included, with the suffix re-harmonised to
//! the new stem (Авраамның → Ибраһимнің). The bundled table is `tables/variants.tsv`; the
//! suffixes and harmony rules are `tables/suffixes.tsv` and `tables/harmony.tsv`.

use std::sync::{Arc, OnceLock};

use crate::rules::{BACK_VOWELS, FRONT_VOWELS, HARMONY_ENDINGS, HARMONY_PAIRS, SUFFIXES, VARIANTS};
use crate::table::{self, TableError};

/// Which spelling of a variant pair is kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Spelling {
    /// Leave spelling variants alone.
    #[default]
    Off,
    /// Write the Kazakh form (the first column of the table): Авраам → Ибраһим.
    Kazakh,
    /// Write the first other spelling of each row instead: Ибраһим → Авраам.
    Variant,
}

/// A variant table compiled for lookups: lower-case variants with the form to write, sorted.
#[derive(Debug)]
pub(crate) struct Variants {
    entries: Vec<(String, String)>,
    /// A bit set of the variants' first two letters ([`two_letters`]): most words start with
    /// none of them and need no search.
    starts: [u64; 64],
}

impl Default for Variants {
    fn default() -> Self {
        Variants {
            entries: Vec::new(),
            starts: [0; 64],
        }
    }
}

/// The bit of [`Variants::starts`] for a word starting with `a` and `b`.
fn two_letters(a: char, b: char) -> usize {
    (a as usize).wrapping_mul(31).wrapping_add(b as usize) % 4096
}

/// The [`two_letters`] bit of `word`, if it has two letters.
fn start_bit(word: &str) -> Option<usize> {
    let mut chars = word.chars();
    Some(two_letters(chars.next()?, chars.next()?))
}

impl Variants {
    /// The bundled table, for the given side.
    pub(crate) fn bundled(side: Spelling) -> Option<Arc<Variants>> {
        static KAZAKH: OnceLock<Arc<Variants>> = OnceLock::new();
        static VARIANT: OnceLock<Arc<Variants>> = OnceLock::new();
        let make = |side| Arc::new(Variants::bundled_rows(side));
        match side {
            Spelling::Off => None,
            Spelling::Kazakh => Some(KAZAKH.get_or_init(|| make(side)).clone()),
            Spelling::Variant => Some(VARIANT.get_or_init(|| make(side)).clone()),
        }
    }

    /// A new table holding the bundled rows, for the given side.
    pub(crate) fn bundled_rows(side: Spelling) -> Variants {
        let mut v = Variants::default();
        for (kazakh, others) in VARIANTS {
            v.add(kazakh, others.iter().copied(), side);
        }
        v
    }

    /// Adds the rows of a user table (`tables/variants.tsv` format).
    pub(crate) fn add_table(&mut self, tsv: &str, side: Spelling) -> Result<(), TableError> {
        for (line, f) in table::records(tsv, &table::VARIANTS_HEADER)? {
            let others: Vec<&str> = f[1].split('|').map(str::trim).collect();
            if let Some(bad) = std::iter::once(f[0])
                .chain(others.iter().copied())
                .find(|w| !table::is_variant_word(w))
            {
                return Err(TableError {
                    line,
                    message: format!("{bad:?} must be letters joined by single hyphens"),
                });
            }
            self.add(f[0], others.into_iter(), side);
        }
        Ok(())
    }

    fn add<'a>(&mut self, kazakh: &str, others: impl Iterator<Item = &'a str>, side: Spelling) {
        let others: Vec<&str> = others.collect();
        let (target, sources): (&str, Vec<&str>) = match side {
            Spelling::Variant => match others.split_first() {
                Some((first, rest)) => (first, std::iter::once(kazakh).chain(rest.iter().copied()).collect()),
                None => return,
            },
            _ => (kazakh, others),
        };
        for source in sources {
            let key = source.to_lowercase();
            if key == target.to_lowercase() {
                continue;
            }
            if let Some(bit) = start_bit(&key) {
                self.starts[bit / 64] |= 1 << (bit % 64);
            }
            match self.entries.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
                Ok(i) => self.entries[i].1 = target.to_string(),
                Err(i) => self.entries.insert(i, (key, target.to_string())),
            }
        }
    }

    /// Whether `word`, in any case, may start with a variant: the first test of
    /// [`Variants::unify`], made without lower-casing the whole word. `true` when the first
    /// two letters lower-case to more than one character each (that test cannot tell).
    pub(crate) fn may_start(&self, word: &str) -> bool {
        // The whole lower case of a letter: İ is the one letter whose lower case is two
        // characters (`i̇`).
        let lower = |c: char| (c != 'İ').then(|| crate::engine::lower_letter(c));
        let mut chars = word.chars();
        match (chars.next().map(lower), chars.next().map(lower)) {
            (Some(Some(a)), Some(Some(b))) => {
                let bit = two_letters(a, b);
                self.starts[bit / 64] & (1 << (bit % 64)) != 0
            }
            (Some(Some(_)), None) | (None, _) => false,
            _ => true,
        }
    }

    /// The unified spelling of `lower` (a lower-case word): the variant's form with the rest of
    /// the word re-harmonised, or `None` when the word has no variant.
    pub(crate) fn unify(&self, lower: &str) -> Option<String> {
        let bit = start_bit(lower)?;
        if self.starts[bit / 64] & (1 << (bit % 64)) == 0 {
            return None;
        }
        // Variants that start the word sort right after the word's first two letters and no
        // later than the word itself; the longest one wins.
        let mut two = lower.char_indices().map(|(i, c)| i + c.len_utf8());
        let cut = two.nth(1)?;
        let from = self.entries.partition_point(|(k, _)| k.as_str() < &lower[..cut]);
        let to = self.entries.partition_point(|(k, _)| k.as_str() <= lower);
        let (key, target) = self.entries[from..to]
            .iter()
            .filter(|(k, _)| lower.starts_with(k.as_str()))
            .max_by_key(|(k, _)| k.len())?;
        let rest = &lower[key.len()..];
        if rest.is_empty() {
            return Some(target.clone());
        }
        // Only a Kazakh suffix follows (not the -а of Russian Казахстана).
        let suffixed = SUFFIXES.iter().any(|s| rest.starts_with(s.text)) && rest.chars().all(char::is_alphabetic);
        suffixed.then(|| inflect(key, target, rest))
    }
}

/// The harmony of a stem: `Some(true)` when its last vowel is a back vowel, `Some(false)` for a
/// front vowel, `None` without either. Endings of `tables/harmony.tsv` (-ев, -ов) are looked
/// through.
pub(crate) fn is_back(stem: &str) -> Option<bool> {
    let lower = stem.to_lowercase();
    let mut word = lower.as_str();
    if let Some(ending) = HARMONY_ENDINGS
        .iter()
        .find(|e| word.len() > e.len() && word.ends_with(*e))
    {
        word = &word[..word.len() - ending.len()];
    }
    word.chars().rev().find_map(|c| {
        if BACK_VOWELS.contains(c) {
            Some(true)
        } else if FRONT_VOWELS.contains(c) {
            Some(false)
        } else {
            None
        }
    })
}

/// Whether the case or plural suffix (`suffixes.tsv`) that `rest`, what follows `stem`, starts
/// with is in a form that fits `stem` (its harmony and last letter): `Some(true)` for `ливан` +
/// `дағы`, `Some(false)` for `механи` + `қасы` (after a vowel the dative is `-ға`), `None` when
/// `rest` starts with no such suffix (`корпорация` + `сының`).
pub(crate) fn case_suffix_fits(stem: &str, rest: &str) -> Option<bool> {
    let last = stem.chars().next_back().and_then(|c| c.to_lowercase().next())?;
    let back = is_back(stem);
    let mut starts = SUFFIXES.iter().filter(|s| rest.starts_with(s.text)).peekable();
    starts.peek()?;
    Some(starts.any(|s| s.fits(back, last)))
}

/// `text` with its back letters made front (or the other way), by the pairs of `harmony.tsv`.
fn harmonise(text: &str, back: bool) -> String {
    text.chars()
        .map(|c| {
            HARMONY_PAIRS
                .iter()
                .find_map(|&(b, f)| match (back, c) {
                    (true, _) if c == f => Some(b),
                    (false, _) if c == b => Some(f),
                    _ => None,
                })
                .unwrap_or(c)
        })
        .collect()
}

/// `new_stem` followed by `rest`, the suffixes that followed `old_stem`, written again for the
/// new stem: the first suffix takes the form of its group (`suffixes.tsv`) that fits the new
/// stem's harmony and last letter; the others follow the vowel change.
pub(crate) fn inflect(old_stem: &str, new_stem: &str, rest: &str) -> String {
    let mut out = new_stem.to_string();
    if rest.is_empty() {
        return out;
    }
    let old_back = is_back(old_stem);
    let new_back = is_back(new_stem);
    let changed = old_back.is_some() && new_back.is_some() && old_back != new_back;
    let last = new_stem
        .chars()
        .next_back()
        .map(|c| c.to_lowercase().next().unwrap_or(c));
    let first = SUFFIXES
        .iter()
        .filter(|s| rest.starts_with(s.text))
        .max_by_key(|s| s.text.len());
    let mut tail = rest;
    if let (Some(suffix), Some(last)) = (first, last) {
        let back = new_back.unwrap_or(true);
        let form = SUFFIXES
            .iter()
            .find(|s| s.group == suffix.group && s.fits(Some(back), last));
        if let Some(form) = form {
            out.push_str(form.text);
            tail = &rest[suffix.text.len()..];
        }
    }
    match (changed, new_back) {
        (true, Some(back)) => out.push_str(&harmonise(tail, back)),
        _ => out.push_str(tail),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Examples of the 2018 Latin orthography rules §53–54 (tests/data/variants/
    /// orthography_rules_examples.tsv), written in Cyrillic letter for letter.
    #[test]
    fn suffix_after_names_follows_the_rules_examples() {
        for (stem, suffix, expected) in [
            ("Әлихан", "ның", "Әлиханның"),
            ("Әлихан", "ға", "Әлиханға"),
            ("Ділшат", "ның", "Ділшаттың"),
            ("Ділшат", "ға", "Ділшатқа"),
            ("Күнсұлу", "ның", "Күнсұлудың"),
            ("Күнсұлу", "ға", "Күнсұлуға"),
            ("Нәбиев", "ға", "Нәбиевке"),
            ("Байғараев", "ның", "Байғараевтың"),
            ("Байғараев", "ға", "Байғараевқа"),
        ] {
            assert_eq!(inflect("адам", stem, suffix), expected, "{stem} + {suffix}");
        }
    }

    /// The examples of the normalizer's specification.
    #[test]
    fn a_replaced_stem_takes_the_suffix_that_fits_it() {
        let v = Variants::bundled(Spelling::Kazakh).unwrap();
        assert_eq!(v.unify("авраамның").as_deref(), Some("Ибраһимнің"));
        assert_eq!(v.unify("авраамға").as_deref(), Some("Ибраһимге"));
        assert_eq!(v.unify("авраамды").as_deref(), Some("Ибраһимді"));
        assert_eq!(v.unify("авраам").as_deref(), Some("Ибраһим"));
        assert_eq!(v.unify("ибраһим"), None);
    }
}
