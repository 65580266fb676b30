//! Exhaustive letter sweep: every Kazakh Cyrillic letter, upper and lower case, through every
//! Latin scheme, alone, at the start of a word, inside a lower-case word and inside an all-caps
//! word. The expected values are `tests/data/letters.tsv`, transcribed by hand from the letter
//! tables of the standards (see `tests/data/letters.md`), not produced by running jazu.
//!
//! Also: text without a Cyrillic letter comes back unchanged in every scheme.

mod common;

use common::{from_cyrl, latin_schemes, load_tsv, Failures};
use jazu::{Scheme, Transliterator};

/// The 42 letters of the Kazakh Cyrillic alphabet, in the order of CLDR, ICU and MediaWiki.
const ALPHABET: &str = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ";

fn lower(c: char) -> char {
    let mut l = c.to_lowercase();
    let first = l.next().expect("a lower-case form");
    assert!(l.next().is_none(), "{c} lower-cases to one letter");
    first
}

#[test]
fn letters_table_covers_every_letter_and_scheme() {
    let tsv = load_tsv("letters.tsv");
    assert_eq!(ALPHABET.chars().count(), 42);
    let mut f = Failures::new();
    for scheme in latin_schemes() {
        for upper in ALPHABET.chars() {
            for c in [upper, lower(upper)] {
                let n = tsv
                    .rows
                    .iter()
                    .filter(|r| {
                        r.get(&tsv.header, "scheme") == scheme.id() && r.get(&tsv.header, "cyrillic") == c.to_string()
                    })
                    .count();
                if n != 1 {
                    f.push(format!(
                        "tests/data/letters.tsv: {} rows for {} {c}, expected 1",
                        n,
                        scheme.id()
                    ));
                }
            }
        }
    }
    for row in &tsv.rows {
        let scheme = row.get(&tsv.header, "scheme");
        if scheme.parse::<Scheme>().map_or(true, |s| !s.is_latin()) {
            f.push(format!("{}: {scheme:?} is not a Latin scheme id", row.at()));
        }
        let source = row.get(&tsv.header, "source");
        if !(source.starts_with("standard: ") || source.starts_with("default: ")) {
            f.push(format!(
                "{}: source must start with \"standard: \" or \"default: \"",
                row.at()
            ));
        }
    }
    assert_eq!(tsv.rows.len(), 42 * 2 * latin_schemes().len());
    f.finish("letters.tsv coverage");
}

#[test]
fn every_letter_every_scheme() {
    let tsv = load_tsv("letters.tsv");
    let mut f = Failures::new();
    let mut checked = 0;
    let mut per_scheme: Vec<(String, usize, usize)> = Vec::new();
    for row in &tsv.rows {
        let scheme = row.get(&tsv.header, "scheme");
        let letter = row.get(&tsv.header, "cyrillic");
        let alone = row.get(&tsv.header, "alone");
        let in_word = row.get(&tsv.header, "in_word");
        let source = row.get(&tsv.header, "source");
        let t = from_cyrl(scheme);
        let c = letter.chars().next().expect("a letter");
        let is_upper = c.is_uppercase();

        let mut cases: Vec<(&str, String, String)> = vec![("alone", letter.to_owned(), alone.to_owned())];
        if is_upper {
            // An all-caps word: А + LETTER + А.
            cases.push(("in an all-caps word", format!("А{letter}А"), format!("A{in_word}A")));
            // The start of a capitalised word: LETTER + а takes the title-case form.
            cases.push(("at the start of a word", format!("{letter}а"), format!("{alone}a")));
        } else {
            // A lower-case word: а + letter + а.
            cases.push(("in a lower-case word", format!("а{letter}а"), format!("a{in_word}a")));
        }
        let mut ok_all = true;
        for (what, input, expected) in &cases {
            checked += 1;
            let actual = t.convert(input);
            let what = format!("{scheme} {letter} {what} ({source})");
            ok_all &= f.check(&row.at(), &what, input, expected, &actual);
        }
        match per_scheme.iter_mut().find(|(s, _, _)| s == scheme) {
            Some(e) => {
                e.1 += 1;
                e.2 += usize::from(ok_all);
            }
            None => per_scheme.push((scheme.to_owned(), 1, usize::from(ok_all))),
        }
    }
    for (scheme, rows, ok) in &per_scheme {
        eprintln!("letter sweep {scheme}: {ok}/{rows} letters pass in every position");
    }
    eprintln!("letter sweep: {checked} conversions, {} failure(s)", f.len());
    f.finish("letter sweep");
}

/// Text with no Cyrillic letter in it.
const NO_CYRILLIC: &[&str] = &[
    "",
    " ",
    "\t\n",
    "line one\r\nline two\r\n",
    "\r\n\r\n",
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    "0123456789 3.14 1,000,000 -42 +7 (727) 123-45-67",
    "The quick brown fox jumps over the lazy dog.",
    "THE QUICK BROWN FOX",
    "hello 123",
    "https://www.inform.kz/en/news?id=1&lang=kk#top mail@example.kz @axios",
    "Būryñğy ötken zamanda, bır danyşpan kısı",
    "Qazaqstan Respýblıkasy, Shymkent, Öskemen, İstanbul, ılık",
    "Iʼ aʼ Sʼ ” ’ ʺ ʹ « » — – … № §",
    "🇰🇿",
    "👨\u{200D}👩\u{200D}👧",
    "👍🏽 ❤️ 🙂 ✓",
    "αβγ Ελλάδα ქართული 中文 العربية",
    "\u{a0}\u{2009}\u{200b}",
];

#[test]
fn text_without_cyrillic_is_unchanged() {
    let mut f = Failures::new();
    let mut count = 0;
    for to in Scheme::all() {
        let t = Transliterator::new(Scheme::Cyrl, to).unwrap_or_else(|e| panic!("cyrl -> {to}: {e}"));
        for (i, text) in NO_CYRILLIC.iter().enumerate() {
            count += 1;
            let actual = t.convert(text);
            f.check(
                &format!("NO_CYRILLIC[{i}]"),
                &format!("cyrl -> {to}: unchanged"),
                text,
                text,
                &actual,
            );
        }
    }
    eprintln!("unchanged text: {count} conversions, {} failure(s)", f.len());
    f.finish("text without Cyrillic");
}
