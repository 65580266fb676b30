//! Conformance against test vectors from outside the project (`tests/data/vectors/`, provenance in
//! `tests/data/vectors/PROVENANCE.md`).
//!
//! Each vector file has the columns `source_id`, `direction_standard`, `input`, `expected`.
//! `direction_standard` names the standard as that source implements it, so rows are grouped by
//! it and a group is tested only against the jazu scheme that implements the same standard;
//! every other group is skipped for a stated reason. A group this file does not know fails the
//! test, so new data cannot go untested by accident.
//!
//! Skipped groups and rows:
//!
//! - `interscript_bgnpcgn_odni.tsv`: the ODNI ICS-630-01 (2015) row is a different, lossy
//!   personal-name system (ә → a, ү → u, ъ ь dropped), not BGN/PCGN.
//! - `mediawiki_kk.tsv`: the kk-arab and kk-cn rows are the Arabic script, out of scope.
//! - `apertium_kaz.tsv`: the Arabic-script → Cyrillic rows are out of scope.
//! - `latynize_swift.tsv`: that app's "2021" swaps Ы/І against the published 2021 table
//!   (Ы → I ı, І → İ) and uses its own choices for the letters the 2021 alphabet lacks (Ц → TS,
//!   Щ → ŞŞ, Ю → İU, …), so only its rows with none of ы і Ё Ц Ч Щ Ъ Ь Э Ю Я (either case) are
//!   tested against latn-2021. Skipped, by line of the file: 3 `Қазақстан Республикасы` (ы),
//!   12 `Ы`, 13 `І`, 19 `ы`, 20 `Ц`, 21 `ц`, 22 `Ч`, 23 `ч`, 24 `Щ`, 25 `Ю`, 26 `Я`, 27 `ъ`,
//!   28 `ь`, 31 `2024 жыл` (ы), 32 `Сәлем! Қалың қалай?` (ы); and 29, the Latin → Cyrillic row
//!   (a later feature). Its three "2018" rows (`Сәлем` → `Sálem`, `Ш` → `Sh`, `ш` → `sh`) are
//!   the 2018 decree's letters and are tested against latn-2018.
//! - `other_peers.tsv`: only the PHP QazaqTransliterator rows implement a standard jazu has (the
//!   2018 decree); the others are each tool's own scheme (turkic-translit, the Python
//!   qazaq-transliterator 2.0, yupana's ASCII search keys, turkicnlp, romanizeCyrillic, Hapin).
//! - `apertium_kaz.tsv`: `Назарбаев` → `Nazarbaiʼev` rests on a spelling rule of Apertium's own
//!   (an inserted iʼ before е after a vowel); the row is compared with the letter-by-letter
//!   `Nazarbaev` instead (see `DIVERGENCES`).
//! - `mediawiki_derived.tsv`: two rows where jazu deliberately differs from MediaWiki (documented
//!   in the header of `tables/cyrl-wiki-latn.tsv`) hold jazu's expectation, with the reason in
//!   their `note` column; the Latin → Cyrillic vectors of the same source are not included (a
//!   later feature).
//!
//! `icu72_bgn_generated_on_ud.tsv` is a peer's output, not ground truth: it is compared with
//! bgn-pcgn after mapping ICU's documented deviations from the standard back to the standard.

mod common;

use std::borrow::Cow;

use common::{from_cyrl, load_tsv, Failures};
use jazu::{Scheme, Transliterator};
use unicode_normalization::UnicodeNormalization;

/// What to do with a group of rows.
enum Action {
    /// Convert `input` from Cyrillic to this scheme id and compare with `expected`.
    Test(&'static str),
    /// Convert from Cyrillic to Cyrillic: the input must come back unchanged.
    Identity,
    /// Not a standard jazu implements.
    Skip(&'static str),
}

/// Rows whose outside expectation rests on a rule that the standard does not have, found by
/// reviewing the row: (file, input, jazu's expectation, reason). The row is still converted and
/// compared with jazu's expectation, and the upstream value is printed.
const DIVERGENCES: &[(&str, &str, &str, &str)] = &[(
    "vectors/apertium_kaz.tsv",
    "Назарбаев",
    "Nazarbaev",
    "Apertium's cyr-lat1710.twol inserts iʼ (a Й) before е ё ю я after a vowel (its rule \"Insert iʼ \
     for yot letters\"), a spelling rule of its own; the 2017 decree maps letter to letter \
     (alphabets.md §3.2, §3.3) and jazu's latn-2017 table has no such rule",
)];

/// Per-scheme tally of a vector file: (label, tested, passed).
type Tally = Vec<(String, usize, usize)>;

/// Runs every row of `file` through `choose`, prints a summary and returns the tally per scheme.
/// Failures are collected in `failures`, not raised.
fn run(file: &str, choose: impl Fn(&str, &str) -> Option<Action>, failures: &mut Failures) -> Tally {
    let tsv = load_tsv(file);
    let mut tally: Tally = Vec::new();
    let mut skipped: Vec<(&'static str, usize)> = Vec::new();
    let mut diverged = 0;
    for row in &tsv.rows {
        let direction = row.get(&tsv.header, "direction_standard");
        let input = row.get(&tsv.header, "input");
        let mut expected = row.get(&tsv.header, "expected");
        let (label, actual) = match choose(direction, input) {
            None => {
                failures.push(format!("{}: unknown group {direction:?}", row.at()));
                continue;
            }
            Some(Action::Skip(reason)) => {
                match skipped.iter_mut().find(|(r, _)| *r == reason) {
                    Some(s) => s.1 += 1,
                    None => skipped.push((reason, 1)),
                }
                continue;
            }
            Some(Action::Test(to)) => (to.to_owned(), from_cyrl(to).convert(input).into_owned()),
            Some(Action::Identity) => {
                let t = Transliterator::new(Scheme::Cyrl, Scheme::Cyrl).expect("cyrl -> cyrl");
                ("cyrl (identity)".to_owned(), t.convert(input).into_owned())
            }
        };
        if let Some((_, _, ours, reason)) = DIVERGENCES.iter().find(|d| d.0 == file && d.1 == input) {
            eprintln!(
                "{}: documented divergence: upstream {expected:?}, jazu {ours:?}: {reason}",
                row.at()
            );
            expected = ours;
            diverged += 1;
        }
        let what = format!("{direction} -> jazu {label}");
        let ok = failures.check(&row.at(), &what, input, expected, &actual);
        match tally.iter_mut().find(|(l, _, _)| *l == label) {
            Some(t) => {
                t.1 += 1;
                t.2 += usize::from(ok);
            }
            None => tally.push((label, 1, usize::from(ok))),
        }
    }
    for (label, tested, passed) in &tally {
        eprintln!("{file}: {label}: {passed}/{tested} pass");
    }
    if diverged > 0 {
        eprintln!("{file}: {diverged} row(s) compared with jazu's documented expectation (see DIVERGENCES)");
    }
    for (reason, n) in &skipped {
        eprintln!("{file}: {n} row(s) skipped: {reason}");
    }
    tally
}

fn tested(tally: &Tally, label: &str) -> usize {
    tally.iter().find(|(l, _, _)| l == label).map_or(0, |t| t.1)
}

#[test]
fn bgn_pcgn_geonet_names() {
    let mut f = Failures::new();
    let tally = run(
        "vectors/interscript_bgnpcgn_odni.tsv",
        |dir, _| match dir {
            "cyrl>latn BGN/PCGN 1979" => Some(Action::Test("bgn-pcgn")),
            // ODNI ICS-630-01 (2015) is a different, lossy personal-name system, not BGN/PCGN.
            d if d.starts_with("cyrl>latn ODNI ") => Some(Action::Skip("ODNI, another system")),
            _ => None,
        },
        &mut f,
    );
    assert_eq!(tested(&tally, "bgn-pcgn"), 64, "the 64 GEOnet names");
    f.finish("BGN/PCGN GEOnet names (interscript/maps)");
}

#[test]
fn mediawiki_upstream() {
    let mut f = Failures::new();
    let tally = run(
        "vectors/mediawiki_kk.tsv",
        |dir, _| match dir {
            "cyrl>kk-latn (MediaWiki KkConverter)" | "cyrl>kk-tr (MediaWiki KkConverter)" => {
                Some(Action::Test("wiki-latn"))
            }
            "cyrl>kk-cyrl identity" | "cyrl>kk-kz identity" => Some(Action::Identity),
            // Arabic script: out of scope.
            "cyrl>kk-arab (MediaWiki KkConverter)" | "cyrl>kk-cn (MediaWiki KkConverter)" => {
                Some(Action::Skip("Arabic script"))
            }
            _ => None,
        },
        &mut f,
    );
    assert_eq!(tested(&tally, "wiki-latn"), 2);
    assert_eq!(tested(&tally, "cyrl (identity)"), 2);
    f.finish("MediaWiki LanguageKkTest");
}

#[test]
fn mediawiki_derived() {
    let mut f = Failures::new();
    let tally = run(
        "vectors/mediawiki_derived.tsv",
        |dir, _| (dir == "cyrl>kk-latn (MediaWiki KkConverter)").then_some(Action::Test("wiki-latn")),
        &mut f,
    );
    assert_eq!(tested(&tally, "wiki-latn"), 30);
    f.finish("MediaWiki-derived vectors (alphabets.md §6.8)");
}

#[test]
fn apertium_2017() {
    let mut f = Failures::new();
    let tally = run(
        "vectors/apertium_kaz.tsv",
        |dir, _| {
            if dir.starts_with("cyrl>latn Oct-2017 ") {
                Some(Action::Test("latn-2017"))
            } else if dir.starts_with("arab>cyrl ") {
                // Kazakh Arabic script: out of scope.
                Some(Action::Skip("Arabic script"))
            } else {
                None
            }
        },
        &mut f,
    );
    assert_eq!(tested(&tally, "latn-2017"), 5);
    f.finish("Apertium 2017 pairs");
}

/// Letters on which Latynize's own "2021" differs from the published 2021 table or from jazu's
/// documented defaults for the letters that table lacks.
const LATYNIZE_2021_EXCLUDED: &str = "ыіЫІЁёЦцЧчЩщЪъЬьЭэЮюЯя";

#[test]
fn latynize_edge_cases() {
    let mut f = Failures::new();
    let tally = run(
        "vectors/latynize_swift.tsv",
        |dir, input| match dir {
            "cyrl>latn \"2021\" as implemented by Latynize" => {
                if input.chars().any(|c| LATYNIZE_2021_EXCLUDED.contains(c)) {
                    Some(Action::Skip("Latynize's own reading of these letters"))
                } else {
                    Some(Action::Test("latn-2021"))
                }
            }
            "cyrl>latn \"2018\" as implemented by Latynize" => Some(Action::Test("latn-2018")),
            // Latin -> Cyrillic is a later feature.
            "latn>cyrl \"2021\" as implemented by Latynize" => Some(Action::Skip("latn>cyrl")),
            _ => None,
        },
        &mut f,
    );
    assert_eq!(tested(&tally, "latn-2021"), 19);
    assert_eq!(tested(&tally, "latn-2018"), 3);
    f.finish("Latynize edge cases");
}

#[test]
fn other_peers_2018() {
    let mut f = Failures::new();
    let tally = run(
        "vectors/other_peers.tsv",
        |dir, _| {
            if dir == "cyrl>latn 2018 decree (acute accents) as implemented by PHP QazaqTransliterator"
                || dir == "cyrl>latn 2018 decree (PHP QazaqTransliterator)"
            {
                Some(Action::Test("latn-2018"))
            } else if dir.starts_with("cyrl>") {
                // Each tool's own scheme, not a standard jazu implements.
                Some(Action::Skip("another scheme"))
            } else {
                None
            }
        },
        &mut f,
    );
    assert_eq!(tested(&tally, "latn-2018"), 2);
    f.finish("PHP QazaqTransliterator (2018 decree)");
}

#[test]
fn reference_sentence_2021() {
    let mut f = Failures::new();
    let tally = run(
        "vectors/reference_sentences.tsv",
        |dir, _| (dir == "cyrl>latn 2021 official alphabet").then_some(Action::Test("latn-2021")),
        &mut f,
    );
    assert_eq!(tested(&tally, "latn-2021"), 1);
    f.finish("2021 reference sentence");
}

/// Maps ICU 72's `Kazakh-Latin/BGN` output to the BGN/PCGN standard's form, undoing the
/// deviations documented in alphabets.md §4.2: Й → ī̆ (standard y), Ё → ë (standard yo),
/// Ъ Ь → ʺ ʹ (standard ” ’), and the middle dot ICU always inserts in гһ зһ кһ нг сһ цһ шч
/// (optional in the standard, not written in GEOnet names). The text is put in NFC first, so a
/// decomposed e + U+0308 is ë.
fn icu_to_standard(icu: &str) -> String {
    let chars: Vec<char> = icu.nfc().collect();
    let mut out = String::with_capacity(icu.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            'ī' | 'Ī' if next == Some('\u{306}') => {
                out.push(if c == 'ī' { 'y' } else { 'Y' });
                i += 1;
            }
            'ë' => out.push_str("yo"),
            'Ë' => {
                // All caps inside an all-caps run, as in tables/README.md: the next character is
                // a capital, or it is no letter and the previous one is a capital.
                let prev = i.checked_sub(1).map(|p| chars[p]);
                let caps = match next {
                    Some(n) if n.is_alphabetic() => n.is_uppercase(),
                    _ => prev.is_some_and(char::is_uppercase),
                };
                out.push_str(if caps { "YO" } else { "Yo" });
            }
            'ʺ' => out.push('”'),
            'ʹ' => out.push('’'),
            '·' => {}
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

#[test]
fn icu_mapping_helper() {
    assert_eq!(icu_to_standard("Aī̆dyn"), "Aydyn");
    assert_eq!(icu_to_standard("Ī̆OD"), "YOD");
    assert_eq!(icu_to_standard("E\u{308}lka"), "Yolka");
    assert_eq!(icu_to_standard("ËLKA"), "YOLKA");
    assert_eq!(icu_to_standard("sʺezd alʹbom"), "s”ezd al’bom");
    assert_eq!(icu_to_standard("An·gel S·ha"), "Angel Sha");
}

/// The sentences that must agree. Measured: 1,076 of 1,078. The two others are initials, where
/// ICU writes a capital digraph in all caps because the next character is not a lower-case
/// Cyrillic letter (alphabets.md §4.2, item 3): `Ш. Рафия` → ICU `SH. Rafīya`, jazu `Sh. Rafīya`;
/// `Ғ. Бөкейхан` → ICU `GH. Bökeykhan`, jazu `Gh. Bökeykhan`. The standard writes capitals "as
/// appropriate" with digraphs title-cased in names (§4.1), and an initial stands for a name
/// (Шәмші → Shämshi, Ғалым → Ghalym), so jazu's title case (tables/README.md: a capital with no
/// letter next to it takes the title-case row) is the standard's form.
const ICU_MIN_AGREEMENT: usize = 1076;

#[test]
fn icu_differential() {
    let tsv = load_tsv("vectors/icu72_bgn_generated_on_ud.tsv");
    let t = from_cyrl("bgn-pcgn");
    let mut agree = 0;
    let mut disagreements = Vec::new();
    for row in &tsv.rows {
        let dir = row.get(&tsv.header, "direction_standard");
        assert!(
            dir.starts_with("cyrl>latn BGN/PCGN 1979 as implemented by ICU 72.1"),
            "{}: {dir}",
            row.at()
        );
        let input: String = row.get(&tsv.header, "input").nfc().collect();
        let expected = icu_to_standard(row.get(&tsv.header, "expected"));
        let actual: String = match t.convert(&input) {
            Cow::Borrowed(s) => s.nfc().collect(),
            Cow::Owned(s) => s.nfc().collect(),
        };
        if actual == expected {
            agree += 1;
        } else {
            disagreements.push((row.at(), input, expected, actual));
        }
    }
    let total = tsv.rows.len();
    eprintln!(
        "ICU 72 Kazakh-Latin/BGN (mapped to the standard) vs jazu bgn-pcgn: {agree}/{total} sentences agree ({:.2}%)",
        100.0 * agree as f64 / total as f64
    );
    for (at, input, expected, actual) in disagreements.iter().take(30) {
        eprintln!("{at}\n    input: {input:?}\n    ICU→std: {expected:?}\n    jazu:    {actual:?}");
    }
    if disagreements.len() > 30 {
        eprintln!("… and {} more", disagreements.len() - 30);
    }
    assert_eq!(total, 1078);
    assert!(
        agree >= ICU_MIN_AGREEMENT,
        "agreement fell to {agree}/{total} (expected at least {ICU_MIN_AGREEMENT})"
    );
}

/// Latin → Cyrillic on outside pairs, read backwards: the Apertium 2017 pairs (Latin column in,
/// Cyrillic out) and Latynize's one Latin → Cyrillic case. `Nazarbaiʼev` is left out: Apertium
/// writes a yot of its own before е after a vowel (see `apertium_2017`), which the decree lacks.
#[test]
fn latin_to_cyrillic_outside_pairs() {
    let mut f = Failures::new();
    let mut tested = 0;
    for (file, direction, scheme) in [
        ("vectors/apertium_kaz.tsv", "cyrl>latn Oct-2017 ", Scheme::Latn2017),
        ("vectors/latynize_swift.tsv", "latn>cyrl ", Scheme::Latn2021),
    ] {
        let tsv = load_tsv(file);
        let t = Transliterator::new(scheme, Scheme::Cyrl).expect("read back");
        for row in &tsv.rows {
            let dir = row.get(&tsv.header, "direction_standard");
            if !dir.starts_with(direction) {
                continue;
            }
            let (cyrillic, latin) = if direction.starts_with("cyrl>") {
                (row.get(&tsv.header, "input"), row.get(&tsv.header, "expected"))
            } else {
                (row.get(&tsv.header, "expected"), row.get(&tsv.header, "input"))
            };
            if latin == "Nazarbaiʼev" {
                continue;
            }
            tested += 1;
            f.check(&row.at(), scheme.id(), latin, cyrillic, &t.convert(latin));
        }
    }
    eprintln!(
        "Latin → Cyrillic outside pairs: {tested} tested, {} failure(s)",
        f.len()
    );
    assert_eq!(tested, 5);
    f.finish("Latin → Cyrillic outside pairs");
}

/// kk-latn → Cyrillic, the pairs of the MediaWiki regex lists (alphabets reference §6.8, produced
/// by running `mLatn2Cyrl`), except where jazu keeps text as it is: `#` and `No.` (not letters),
/// and `bıyıl`, whose plain `y` MediaWiki leaves Latin inside a Cyrillic word (jazu keeps the
/// whole word, as a foreign one), and `Istanbul`/`İstanbul`, which MediaWiki converts letter by
/// letter; jazu converts them too, so they are tested.
#[test]
fn mediawiki_latin_to_cyrillic() {
    let pairs = [
        ("Yurïý", "Юрий"),
        ("YUrïý", "Юрий"),
        ("Şçwka", "Щука"),
        ("ŞÇWKA", "ЩУКА"),
        ("podʺyezd", "подъезд"),
        ("kïyek", "киек"),
        ("yoq", "ёқ"),
        ("Yaya", "Яя"),
        ("Istanbul", "Ыстанбұл"),
        ("İstanbul", "Істанбұл"),
    ];
    let t = Transliterator::new(Scheme::WikiLatn, Scheme::Cyrl).expect("read back");
    let mut f = Failures::new();
    for (latin, cyrillic) in pairs {
        f.check(
            "alphabets reference §6.8",
            "wiki-latn",
            latin,
            cyrillic,
            &t.convert(latin),
        );
    }
    f.finish("MediaWiki kk-latn → Cyrillic");
}

/// One Latin alphabet read into another goes through Cyrillic: the 2021 reference sentence (the
/// outside vector of `reference_sentence_2021`, read from its Latin) into the 2018 alphabet,
/// written by hand from the 2018 decree's letters (alphabets reference §2: ұ u, ы y, ң ń, ғ ǵ,
/// ө ó, і i, ш sh, ү ú, й and и ı, у ý), and a line with a brand kept.
#[test]
fn a_latin_alphabet_read_into_another() {
    let t = Transliterator::new(Scheme::Latn2021, Scheme::Latn2018).expect("supported");
    let mut f = Failures::new();
    for (latn2021, latn2018) in [
        (
            "Būryñğy ötken zamanda, bır danyşpan kısı, Bağdat şaharynyñ bır ülken qazysynyñ üiıne kelıp qonypty.",
            "Buryńǵy ótken zamanda, bir danyshpan kisi, Baǵdat shaharynyń bir úlken qazysynyń úıine kelip qonypty.",
        ),
        ("Qazaqstan respublikasy", "Qazaqstan respýblıkasy"),
        ("Men iPhone aldym", "Men iPhone aldym"),
    ] {
        f.check(
            "alphabets reference §1.5, §2",
            "latn-2018",
            latn2021,
            latn2018,
            &t.convert(latn2021),
        );
    }
    f.finish("latn-2021 → latn-2018");
}
