//! Scheme ids: parsing, display, and the metadata of `tables/schemes.tsv`.

use std::fmt;
use std::str::FromStr;

pub use crate::rules::Scheme;
use crate::rules::{SchemeInfo, StaticTable, SCHEMES};

impl Scheme {
    /// Every scheme, in the order of `tables/schemes.tsv`.
    ///
    /// ```
    /// assert_eq!(jazu::Scheme::all().next(), Some(jazu::Scheme::Cyrl));
    /// assert_eq!(jazu::Scheme::all().count(), 8);
    /// ```
    pub fn all() -> impl Iterator<Item = Scheme> + Clone {
        SCHEMES.iter().map(|s| s.scheme)
    }

    fn info(self) -> &'static SchemeInfo {
        // SCHEMES is generated in the same order as the enum's variants.
        &SCHEMES[self as usize]
    }

    /// The stable id, such as `latn-2021`.
    ///
    /// ```
    /// assert_eq!(jazu::Scheme::BgnPcgn.id(), "bgn-pcgn");
    /// ```
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// A human-readable name, such as `Kazakh Latin 2021`.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// A one-line description of the scheme.
    pub fn description(self) -> &'static str {
        self.info().description
    }

    /// A Cyrillic example word, for listings (`jazu --list`).
    pub fn example(self) -> &'static str {
        self.info().example
    }

    /// Whether this is a Latin scheme (everything but [`Scheme::Cyrl`]).
    pub fn is_latin(self) -> bool {
        self != Scheme::Cyrl
    }

    pub(crate) fn table(self) -> Option<&'static StaticTable> {
        self.info().table
    }

    /// The Latin → Cyrillic rules, for the Latin writing systems.
    pub(crate) fn reverse(self) -> Option<&'static StaticTable> {
        self.info().reverse
    }

    /// The Latin → Cyrillic lexicon, and its entries that may serve as stems.
    pub(crate) fn lexicon(
        self,
    ) -> Option<(
        &'static phf::Map<&'static str, &'static str>,
        &'static phf::Set<&'static str>,
    )> {
        self.info().lexicon
    }

    /// Whether text in this scheme can be read back to Cyrillic (the Latin writing systems;
    /// the romanizations are one-way).
    pub fn is_readable(self) -> bool {
        self.reverse().is_some()
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// An id that names no scheme. Its message lists the valid ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownScheme {
    given: String,
    source: bool,
}

impl UnknownScheme {
    /// The id that was given.
    pub fn given(&self) -> &str {
        &self.given
    }
}

impl fmt::Display for UnknownScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown scheme {:?}; valid ids: ", self.given)?;
        if self.source {
            f.write_str("auto, ")?;
        }
        let ids: Vec<&str> = Scheme::all().map(Scheme::id).collect();
        f.write_str(&ids.join(", "))
    }
}

impl std::error::Error for UnknownScheme {}

impl FromStr for Scheme {
    type Err = UnknownScheme;

    /// Parses an id (`latn-2021`); `latn` is accepted for `latn-2021`, and case is ignored.
    ///
    /// ```
    /// use jazu::Scheme;
    /// assert_eq!("latn-2018".parse::<Scheme>(), Ok(Scheme::Latn2018));
    /// assert_eq!("LATN".parse::<Scheme>(), Ok(Scheme::Latn2021));
    /// assert!("klingon".parse::<Scheme>().unwrap_err().to_string().contains("latn-2021"));
    /// ```
    fn from_str(s: &str) -> Result<Scheme, UnknownScheme> {
        let lower = s.trim().to_ascii_lowercase();
        let wanted = if lower == "latn" { "latn-2021" } else { lower.as_str() };
        Scheme::all().find(|sc| sc.id() == wanted).ok_or_else(|| UnknownScheme {
            given: s.to_string(),
            source: false,
        })
    }
}

/// The source of a conversion: a known scheme, or `auto` (detect from the text).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Source {
    /// Detect per word: Kazakh Cyrillic letters are converted, everything else is kept.
    #[default]
    Auto,
    /// Text in this scheme.
    Scheme(Scheme),
}

impl From<Scheme> for Source {
    fn from(s: Scheme) -> Source {
        Source::Scheme(s)
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Auto => f.write_str("auto"),
            Source::Scheme(s) => s.fmt(f),
        }
    }
}

impl FromStr for Source {
    type Err = UnknownScheme;

    /// Parses `auto` or a scheme id.
    ///
    /// ```
    /// use jazu::{Scheme, Source};
    /// assert_eq!("auto".parse::<Source>(), Ok(Source::Auto));
    /// assert_eq!("cyrl".parse::<Source>(), Ok(Source::Scheme(Scheme::Cyrl)));
    /// assert!("x".parse::<Source>().unwrap_err().to_string().contains("auto, cyrl"));
    /// ```
    fn from_str(s: &str) -> Result<Source, UnknownScheme> {
        if s.trim().eq_ignore_ascii_case("auto") {
            return Ok(Source::Auto);
        }
        s.parse::<Scheme>().map(Source::Scheme).map_err(|mut e| {
            e.source = true;
            e
        })
    }
}
