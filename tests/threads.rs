//! A long text converted on several threads comes out exactly as on one thread.
//!
//! The texts are the KazNERD sentences (CC BY 4.0, `tests/data/corpus`), in Cyrillic and
//! converted to each Latin alphabet: over 256 KiB, and over 2 MiB for the conversions letter by
//! letter, long enough to be cut into parts. What they should become is what the calling thread
//! alone makes of them (`threads(1)`), which the round-trip and vector tests check against
//! outside text.

use jazu::{Scheme, Source, Transliterator};

mod common;

const KAZNERD: &str = include_str!("data/corpus/kaznerd-test.tsv");

/// The shortest text cut into parts when reading Latin back or normalizing (two parts of
/// 128 KiB).
const LONG: usize = 256 * 1024;

/// The same when converting letter by letter (two parts of 1 MiB).
const LONG_LETTERS: usize = 2 << 20;

/// The KazNERD sentences, one per line, with `eol` after each.
fn corpus(eol: &str) -> String {
    common::sentences(KAZNERD).map(|(_, s)| format!("{s}{eol}")).collect()
}

fn reader(from: impl Into<Source>, to: Scheme, threads: usize) -> Transliterator {
    Transliterator::builder(from, to)
        .threads(threads)
        .build()
        .expect("supported")
}

/// Checks that `text`, read from `from` into `to` on 2, 3 and any number of threads, with
/// `convert` and with `convert_into` after text already in the output, comes back as on one.
fn same_on_threads(from: impl Into<Source> + Copy, to: Scheme, text: &str) {
    let letters = from.into() == Source::Scheme(Scheme::Cyrl) && to != Scheme::Cyrl;
    let long = if letters { LONG_LETTERS } else { LONG };
    assert!(text.len() >= long, "{} bytes: too short to be cut", text.len());
    let one = reader(from, to, 1).convert(text).into_owned();
    for threads in [2, 3, 0] {
        let t = reader(from, to, threads);
        let many = t.convert(text);
        assert!(many == one, "{threads} threads: {}", first_difference(&many, &one));
        let mut out = String::from("« ");
        t.convert_into(text, &mut out);
        assert!(
            out[3..] == one,
            "{threads} threads, into: {}",
            first_difference(&out[3..], &one)
        );
    }
}

/// Where two texts part, with some of each.
fn first_difference(a: &str, b: &str) -> String {
    let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    let show = |s: &str| {
        s.get(at.saturating_sub(20)..(at + 40).min(s.len()))
            .unwrap_or("?")
            .to_string()
    };
    format!("at byte {at}: {:?} against {:?}", show(a), show(b))
}

#[test]
fn every_latin_alphabet_reads_back_the_same_on_threads() {
    let text = corpus("\n");
    for scheme in [Scheme::Latn2021, Scheme::Latn2018, Scheme::Latn2017, Scheme::WikiLatn] {
        let latin = common::from_cyrl(scheme.id()).convert(&text).into_owned();
        same_on_threads(scheme, Scheme::Cyrl, &latin);
        same_on_threads(Source::Auto, Scheme::Cyrl, &latin);
    }
}

#[test]
fn into_another_latin_alphabet_the_same_on_threads() {
    let latin = common::from_cyrl("latn-2021").convert(&corpus("\n")).into_owned();
    same_on_threads(Scheme::Latn2021, Scheme::Latn2018, &latin);
}

#[test]
fn carriage_returns_and_a_last_line_without_its_end() {
    let latin = common::from_cyrl("latn-2021").convert(&corpus("\r\n")).into_owned();
    same_on_threads(Scheme::Latn2021, Scheme::Cyrl, latin.trim_end());
}

#[test]
fn parts_with_nothing_to_read_back() {
    let text = corpus("\n");
    let latin = common::from_cyrl("latn-2021").convert(&text).into_owned();
    // The first half of the lines of a text.
    let first_half = |s: &str| -> String {
        let lines: Vec<&str> = s.split_inclusive('\n').collect();
        lines[..lines.len() / 2].concat()
    };
    let (cyrillic, latin) = (first_half(&text), first_half(&latin));
    // Cyrillic and then Latin, and the other way round: one part changes nothing.
    same_on_threads(Scheme::Latn2021, Scheme::Cyrl, &format!("{cyrillic}{latin}"));
    same_on_threads(Scheme::Latn2021, Scheme::Cyrl, &format!("{latin}{cyrillic}"));
    // Nothing to read back anywhere.
    same_on_threads(Scheme::Latn2021, Scheme::Cyrl, &text);
}

#[test]
fn one_line_too_long_to_cut() {
    let latin = common::from_cyrl("latn-2021").convert(&corpus(" ")).into_owned();
    assert!(!latin.contains('\n'));
    same_on_threads(Scheme::Latn2021, Scheme::Cyrl, &latin);
}

#[test]
fn cyrillic_into_every_latin_alphabet_the_same_on_threads() {
    let text = corpus("\n").repeat(2);
    for scheme in common::latin_schemes() {
        same_on_threads(Scheme::Cyrl, scheme, &text);
    }
    same_on_threads(Source::Auto, Scheme::Latn2021, &text);
}

#[test]
fn normalizing_the_same_on_threads() {
    // The sentences typed on a Russian keyboard, with look-alike Latin letters, every fourth
    // line: the repairs that look at whole sentences.
    let typed: String = common::sentences(KAZNERD)
        .map(|(i, s)| match i % 4 {
            0 => {
                s.replace('қ', "к")
                    .replace('ү', "у")
                    .replace('і', "i")
                    .replace('о', "o")
                    + "\n"
            }
            _ => format!("{s}\n"),
        })
        .collect();
    same_on_threads(Scheme::Cyrl, Scheme::Cyrl, &typed);
}
