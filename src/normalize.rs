//! Normalization on its own: Unicode NFC and repair of look-alike letters, with a report of
//! every change.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;

use crate::engine::ChangeLog;
use crate::scheme::Scheme;
use crate::translit::Transliterator;

/// Which repair made a [`Change`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Repair {
    /// The text was not in Unicode NFC (a decomposed й, a letter with a combining mark).
    Nfc,
    /// A letter of the other script inside a word (a Latin i in `мемлекеттiк`, a Cyrillic А in
    /// `Аxios`), replaced with the letter it looks like.
    Lookalike,
    /// A Kazakh word typed on a Russian keyboard, with stand-ins for the Kazakh letters
    /// (`Казакстан`), written with them (`Қазақстан`).
    Keyboard,
    /// A spelling variant (`Авраамның`) replaced with the chosen spelling (`Ибраһимнің`).
    Spelling,
    /// Not a change: a word of a sentence typed on a Russian keyboard left as it is, though it
    /// reads as other Kazakh words too ([`Change::alternatives`]: `кан`, or `қан`).
    Ambiguous,
}

impl Repair {
    /// A stable id: `nfc`, `lookalike`, `keyboard`, `spelling` or `ambiguous`.
    pub fn id(self) -> &'static str {
        match self {
            Repair::Nfc => "nfc",
            Repair::Lookalike => "lookalike",
            Repair::Keyboard => "keyboard",
            Repair::Spelling => "spelling",
            Repair::Ambiguous => "ambiguous",
        }
    }

    /// A short explanation for people.
    pub fn description(self) -> &'static str {
        match self {
            Repair::Nfc => "put in Unicode NFC (composed letters)",
            Repair::Lookalike => "replaced a look-alike letter from the other script",
            Repair::Keyboard => "wrote the Kazakh letters of a word typed on a Russian keyboard",
            Repair::Spelling => "unified a spelling variant",
            Repair::Ambiguous => "left a word that reads as other Kazakh words too",
        }
    }
}

impl fmt::Display for Repair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One repair: the word at a byte offset of the input, before and after. A word left as it is
/// though it reads as other words too is told as well ([`Repair::Ambiguous`], where `before`
/// and `after` are the same).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub(crate) offset: usize,
    pub(crate) before: String,
    after: String,
    repair: Repair,
    alternatives: Vec<String>,
}

impl Change {
    pub(crate) fn new(offset: usize, before: &str, after: &str, repair: Repair) -> Change {
        let alternatives = match repair {
            Repair::Keyboard | Repair::Ambiguous => crate::keyboard::alternatives(before, after),
            _ => Vec::new(),
        };
        Change {
            offset,
            before: before.to_string(),
            after: after.to_string(),
            repair,
            alternatives,
        }
    }

    /// Whether the text was changed: false for [`Repair::Ambiguous`] alone.
    pub fn is_change(&self) -> bool {
        self.before != self.after
    }

    /// The other words the input reads as, most used first, written in the case of `after`:
    /// for a word typed on a Russian keyboard that is read as one of several Kazakh words
    /// (`кол` → `қол`, or `көл`), or left as it is ([`Repair::Ambiguous`]: `кан`, or `қан`).
    /// Empty for other repairs, and for words the lexicon holds one reading of.
    pub fn alternatives(&self) -> &[String] {
        &self.alternatives
    }

    /// Byte offset of the changed text in the input.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The text as it was in the input.
    pub fn before(&self) -> &str {
        &self.before
    }

    /// The text after the repair (before any conversion to another script).
    pub fn after(&self) -> &str {
        &self.after
    }

    /// Which repair it was.
    pub fn repair(&self) -> Repair {
        self.repair
    }
}

impl Transliterator {
    /// Converts `text` like [`Transliterator::convert`] and also returns the repairs made on the
    /// way, in input order, with byte offsets into `text`.
    ///
    /// ```
    /// use jazu::{Repair, Scheme, Transliterator};
    /// let t = Transliterator::new(Scheme::Cyrl, Scheme::Latn2021)?;
    /// let (out, changes) = t.convert_with_changes("мемлекеттiк Аxios");
    /// assert_eq!(out, "memlekettık Axios");
    /// assert_eq!(changes[0].offset(), 0);
    /// assert_eq!(changes[0].after(), "мемлекеттік");
    /// assert_eq!(changes[1].offset(), 22);
    /// assert_eq!(changes[1].repair(), Repair::Lookalike);
    /// # Ok::<(), jazu::BuildError>(())
    /// ```
    pub fn convert_with_changes<'a>(&self, text: &'a str) -> (Cow<'a, str>, Vec<Change>) {
        let log = RefCell::new(ChangeLog::default());
        let mut out = String::new();
        let changed = self.convert_logged(text, &log, &mut out);
        let changes = log.into_inner().changes;
        (if changed { Cow::Owned(out) } else { Cow::Borrowed(text) }, changes)
    }
}

/// Normalizes Cyrillic `text` as `--from cyrl --to cyrl` does: Unicode NFC, look-alike letters
/// from the other script inside a word, Kazakh typed on a Russian keyboard and spelling
/// variants (the defaults of [`Transliterator::new`] from `cyrl` to `cyrl`). Returns the text
/// and the list of changes.
///
/// ```
/// let (text, changes) = jazu::normalize("жаhан Aстана");
/// assert_eq!(text, "жаһан Астана");
/// assert_eq!(changes.len(), 2);
/// ```
pub fn normalize(text: &str) -> (Cow<'_, str>, Vec<Change>) {
    static T: std::sync::OnceLock<Transliterator> = std::sync::OnceLock::new();
    T.get_or_init(|| Transliterator::new(Scheme::Cyrl, Scheme::Cyrl).expect("cyrl to cyrl is supported"))
        .convert_with_changes(text)
}
