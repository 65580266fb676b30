//! # jazu — Kazakh script conversion
//!
//! jazu converts Kazakh Cyrillic to every Latin standard people use — the 2021 official
//! alphabet, the 2018 (acute) and 2017 (apostrophe) decree alphabets, BGN/PCGN, ISO 9, ALA-LC and
//! Kazakh Wikipedia's Latin — from rules kept as data in `tables/`, compiled into perfect-hash
//! maps at build time.
//!
//! Mixed text survives: only Kazakh Cyrillic letters are converted; URLs, e-mail addresses,
//! @handles, English words, emoji, numbers, markup and line endings pass through byte for byte.
//! Input is put in Unicode NFC first, and a look-alike letter from the wrong script inside a word
//! (`Аxios` starting with a Cyrillic А) is repaired rather than converted.
//!
//! # Tour
//!
//! - [`Scheme`] names a script; its ids (`latn-2021`, `bgn-pcgn`, …) are stable. [`Source`] adds
//!   `auto` for input.
//! - [`Transliterator`] converts one pair: [`Transliterator::convert`] (borrowed when nothing
//!   changes), [`Transliterator::convert_into`] (reuses a buffer), and the streaming
//!   [`Transliterator::convert_reader`] and [`Transliterator::writer`], whose output equals the
//!   one-shot result however the input is cut.
//! - [`Builder`] sets options: user rules that override the tables ([`Builder::map`],
//!   [`Builder::table`]), HTML mode, look-alike repair, link protection.
//! - The `jazu` command line tool (feature `cli`) streams files or stdin through the same engine.
//!
//! # Example: one-shot
//!
//! ```
//! use jazu::{Scheme, Transliterator};
//!
//! let t = Transliterator::new(Scheme::Cyrl, Scheme::Latn2021)?;
//! assert_eq!(
//!     t.convert("Бұрыңғы өткен заманда, бір данышпан кісі"),
//!     "Būryñğy ötken zamanda, bır danyşpan kısı"
//! );
//! // Links, handles and English stay as they are.
//! assert_eq!(t.convert("Kazinform: https://t.co/x @axios"), "Kazinform: https://t.co/x @axios");
//! # Ok::<(), jazu::BuildError>(())
//! ```
//!
//! # Example: streaming
//!
//! ```
//! use jazu::{Scheme, Transliterator};
//!
//! let t = Transliterator::new(Scheme::Cyrl, Scheme::BgnPcgn)?;
//! let mut out = Vec::new();
//! t.convert_reader("ЖАҢАӨЗЕН\n".as_bytes(), &mut out)?;
//! assert_eq!(out, "ZHANGAÖZEN\n".as_bytes());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Lossiness
//!
//! The Latin alphabets of 2017–2021 merge letters that Cyrillic keeps apart (И and Й, Х and Һ)
//! and have no letters for Ё Ц Ч Щ Ъ Ь Э Ю Я, so converting back needs more than the tables.
//! ISO 9 is one letter per letter and reversible; the defaults chosen where a standard is
//! silent are listed in each table's header.
//!
//! # Crate features
//!
//! - `std` (default): streaming over `std::io`.
//! - `cli`: the `jazu` binary (clap); library users do not need it.

#![deny(missing_docs)]
#![deny(unsafe_code)]

mod detect;
mod engine;
mod html;
mod keyboard;
mod memo;
mod normalize;
mod orthography;
mod parallel;
mod reverse;
mod rules;
mod scan;
mod scheme;
mod spelling;
mod stream;
#[allow(dead_code)]
mod table;
mod translit;
mod wide;

pub use detect::detect;
pub use normalize::{normalize, Change, Repair};
pub use scheme::{Scheme, Source, UnknownScheme};
pub use spelling::Spelling;
pub use stream::{InvalidUtf8, Writer};
pub use translit::{BuildError, Builder, Transliterator};

/// Converts Kazakh Cyrillic in `text` to the 2021 Latin alphabet.
///
/// ```
/// assert_eq!(jazu::to_latin("Алматы"), "Almaty");
/// ```
pub fn to_latin(text: &str) -> std::borrow::Cow<'_, str> {
    static T: std::sync::OnceLock<Transliterator> = std::sync::OnceLock::new();
    T.get_or_init(|| Transliterator::new(Source::Auto, Scheme::Latn2021).expect("cyrl to latn-2021 is supported"))
        .convert(text)
}

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
