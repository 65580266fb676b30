//! The orthography normalizer on real text: published substitutions, spelling variants, errors
//! put into corpus sentences the lexicon was not built from, and the changes it makes to clean
//! text. Run with `--nocapture` to see the figures.

use jazu::{Change, Repair, Scheme, Spelling, Transliterator};

mod common;

const KAZNERD: &str = include_str!("data/corpus/kaznerd-test.tsv");
const UD: &str = include_str!("data/corpus/ud-kazakh-ktb.tsv");
const NEWS: &str = include_str!("data/news-2025-11-07.txt");

/// The KazNERD sentences the lexicons were not built from (every tenth, as in
/// `tables/lexicon/generate.py` and `keyboard.py`).
fn held_out() -> Vec<&'static str> {
    common::sentences(KAZNERD)
        .filter(|(i, _)| i % 10 == 0)
        .map(|(_, s)| s)
        .collect()
}

fn normalizer(scheme: Scheme) -> Transliterator {
    Transliterator::new(scheme, scheme).unwrap()
}

/// Tokens of `real_world_substitutions.tsv` that are not repaired yet.
const KNOWN_GAPS: [&str; 0] = [];

/// Every token of `real_world_substitutions.tsv` (KazNERD, GEOnet, Latin news sites, a
/// handbook, Duolingo) comes out as its evident fix, except the known gaps; Latin tokens are
/// normalized as 2018 Latin, the alphabet of the sites they come from.
#[test]
fn published_substitutions_are_repaired() {
    let cyrl = normalizer(Scheme::Cyrl);
    let latn = normalizer(Scheme::Latn2018);
    let tsv = common::load_tsv("variants/real_world_substitutions.tsv");
    let mut failures = Vec::new();
    let mut right = 0;
    for row in &tsv.rows {
        let (input, expected) = (row.get(&tsv.header, "as_published"), row.get(&tsv.header, "normalized"));
        let latin = input.chars().any(|c| c.is_ascii_alphabetic()) && expected.is_ascii()
            || expected.chars().any(|c| "áóúýıǵńÁÓÚÝǴŃ".contains(c));
        let got = if latin {
            latn.convert(input)
        } else {
            cyrl.convert(input)
        };
        if got == expected {
            right += 1;
            if KNOWN_GAPS.contains(&input) {
                failures.push(format!(
                    "{}: {input:?} is repaired now: take it off KNOWN_GAPS",
                    row.at()
                ));
            }
        } else if !KNOWN_GAPS.contains(&input) {
            failures.push(format!("{}: {input:?} -> {got:?}, expected {expected:?}", row.at()));
        }
    }
    eprintln!("published substitutions: {right}/{} repaired", tsv.rows.len());
    assert!(failures.is_empty(), "{failures:#?}");
}

/// A word of 2018 Latin text with letters of the 2021 alphabet (`Grebenşıkov`, published) is
/// written in 2018 letters, and 2018 letters in 2021 text in 2021 letters (the tables' own
/// spellings: 2021 ş ä ñ = 2018 sh á ń); words without a letter of the alphabet's own are left.
#[test]
fn letters_of_another_latin_alphabet() {
    let latn2018 = normalizer(Scheme::Latn2018);
    assert_eq!(
        latn2018.convert("Grebenşıkov Élysée Şymkent"),
        "Grebenshıkov Élysée Şymkent"
    );
    let latn2021 = normalizer(Scheme::Latn2021);
    assert_eq!(latn2021.convert("áñgime Ózbekstan"), "äñgime Ózbekstan");
}

/// Latin text with look-alike letters of Cyrillic (the issue's `Аxios` with a Cyrillic А,
/// `TÚRKІSTAN` with a Cyrillic І) is repaired before it is read back, as `-f latn… -t latn…`
/// repairs it, and each repair is told at its place in the input. Expected readings by hand from
/// the letter tables: 2021 `Almaty` is Алматы; 2018 `TÚRKISTAN` is ТҮРКІСТАН; `Axios` has an x,
/// no letter of either alphabet, and stays.
#[test]
fn lookalikes_in_latin_text_are_repaired_before_reading_back() {
    let text = "Qazaqstan jäne \u{410}lmaty, \u{410}xios";
    let t = Transliterator::new(Scheme::Latn2021, Scheme::Cyrl).unwrap();
    let (out, changes) = t.convert_with_changes(text);
    assert_eq!(out, "Қазақстан және Алматы, Axios");
    let told: Vec<(usize, &str, &str)> = changes.iter().map(|c| (c.offset(), c.before(), c.after())).collect();
    assert_eq!(
        told,
        [(16, "\u{410}lmaty", "Almaty"), (25, "\u{410}xios", "Axios")],
        "{changes:?}"
    );
    let t = Transliterator::new(Scheme::Latn2018, Scheme::Cyrl).unwrap();
    assert_eq!(t.convert("T\u{da}RK\u{406}STAN"), "ТҮРКІСТАН");
}

/// Letters of other Cyrillic alphabets written for ң (`tables/letter-forms.tsv`): normalization
/// writes ң, and every scheme reads them as ң (2021: ñ; BGN/PCGN: ng).
#[test]
fn letter_forms_of_other_alphabets() {
    assert_eq!(
        normalizer(Scheme::Cyrl).convert("Жаӊаөзен ЖАҤАӨЗЕН"),
        "Жаңаөзен ЖАҢАӨЗЕН"
    );
    let latn = Transliterator::new(Scheme::Cyrl, Scheme::Latn2021).unwrap();
    assert_eq!(latn.convert("Жаӊаөзен ЖАҤАӨЗЕН"), "Jañaözen JAÑAÖZEN");
    let bgn = Transliterator::new(Scheme::Cyrl, Scheme::BgnPcgn).unwrap();
    assert_eq!(bgn.convert("Жаҥаөзен"), "Zhangaözen");
}

/// The bundled news item spells Abraham both ways; with spelling unification both are Ибраһим.
#[test]
fn the_sample_spells_ibrahim_one_way() {
    assert!(NEWS.contains("Авраам") && NEWS.contains("Ибраһим"));
    let t = Transliterator::builder(Scheme::Cyrl, Scheme::Cyrl)
        .spelling(Spelling::Kazakh)
        .build()
        .unwrap();
    let (out, changes) = t.convert_with_changes(NEWS);
    assert!(!out.contains("Авраам"), "{out}");
    let spelling: Vec<&Change> = changes.iter().filter(|c| c.repair() == Repair::Spelling).collect();
    assert_eq!(spelling.len(), 1, "{spelling:?}");
    assert_eq!(
        &NEWS[spelling[0].offset()..][..spelling[0].before().len()],
        spelling[0].before()
    );
    assert!(spelling[0].after().starts_with("Ибраһим"));
    // Without it, a conversion leaves the spelling alone.
    let plain = Transliterator::new(Scheme::Cyrl, Scheme::Latn2021).unwrap();
    assert!(plain.convert(NEWS).contains("Avraam"));
}

/// The place-name examples of the orthography rules (Кзыл-Орда → Қызылорда) are in the
/// variant table, and their inflected forms follow.
#[test]
fn rule_examples_and_inflected_variants() {
    let t = normalizer(Scheme::Cyrl);
    let tsv = common::load_tsv("variants/orthography_rules_examples.tsv");
    let mut checked = 0;
    for row in &tsv.rows {
        let (variant, standard) = (
            row.get(&tsv.header, "variant_form"),
            row.get(&tsv.header, "standard_form"),
        );
        if row.get(&tsv.header, "script") != "Cyrillic rules text" || variant.contains("-на-") {
            continue;
        }
        assert_eq!(t.convert(variant), standard, "{}", row.at());
        checked += 1;
    }
    assert!(checked >= 5, "{checked} rows checked");
    // Suffixes re-harmonised to the new stem (examples of the normalizer's specification and of
    // the Kazakh case endings: Тоқаев has back harmony through -ев, 2018 rules §54).
    for (input, expected) in [
        ("Авраамның", "Ибраһимнің"),
        ("Авраамға", "Ибраһимге"),
        ("Авраамды", "Ибраһимді"),
        ("АВРААМДЫ", "ИБРАҺИМДІ"),
        ("Токаевқа", "Тоқаевқа"),
        ("Кзыл-Ордада", "Қызылордада"),
        ("Карагандыдан", "Қарағандыдан"),
    ] {
        assert_eq!(t.convert(input), expected);
    }
    // The other side, on request.
    let back = Transliterator::builder(Scheme::Cyrl, Scheme::Cyrl)
        .spelling(Spelling::Variant)
        .build()
        .unwrap();
    assert_eq!(back.convert("Ибраһимнің"), "Авраамның");
}

/// A small deterministic generator (xorshift), so that the measurements repeat.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// The words of a sentence, as the tests count them.
fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

fn is_cyrillic_word(w: &str) -> bool {
    w.chars().any(|c| ('\u{400}'..='\u{4FF}').contains(&c))
}

/// One class of injected errors: how to spoil a word (`None`: leave it).
struct Injection {
    name: &'static str,
    spoil: fn(&str, &mut Rng) -> Option<String>,
    /// Spoil every word of a sentence (a whole sentence typed one way), else about a third.
    whole_sentence: bool,
    /// The share of spoiled words that must come back, and of the other words that must be
    /// left alone, in percent (the figures measured when the test was written, rounded down).
    goals: (f64, f64),
}

/// A Cyrillic letter of the word replaced by its Latin look-alike (Unicode confusables).
fn lookalike(word: &str, rng: &mut Rng) -> Option<String> {
    const PAIRS: [(char, char); 14] = [
        ('а', 'a'),
        ('е', 'e'),
        ('о', 'o'),
        ('р', 'p'),
        ('с', 'c'),
        ('х', 'x'),
        ('у', 'y'),
        ('і', 'i'),
        ('һ', 'h'),
        ('А', 'A'),
        ('К', 'K'),
        ('М', 'M'),
        ('Т', 'T'),
        ('С', 'C'),
    ];
    let spots: Vec<usize> = word
        .char_indices()
        .filter(|(_, c)| PAIRS.iter().any(|p| p.0 == *c))
        .map(|(i, _)| i)
        .collect();
    let at = *spots.get(rng.next() as usize % spots.len().max(1))?;
    let c = word[at..].chars().next()?;
    let latin = PAIRS.iter().find(|p| p.0 == c)?.1;
    Some(format!("{}{latin}{}", &word[..at], &word[at + c.len_utf8()..]))
}

/// Letters written decomposed (й as и + U+0306, ё as е + U+0308) or with the Latin schwa.
fn decomposed(word: &str, _: &mut Rng) -> Option<String> {
    let out: String = word
        .chars()
        .flat_map(|c| match c {
            'й' => vec!['и', '\u{306}'],
            'Й' => vec!['И', '\u{306}'],
            'ё' => vec!['е', '\u{308}'],
            'ә' => vec!['ə'],
            'Ә' => vec!['Ə'],
            'ө' => vec!['ɵ'],
            _ => vec![c],
        })
        .collect();
    (out != word).then_some(out)
}

/// The Kazakh letters replaced as on a Russian keyboard (`tables/keyboard.tsv`).
fn keyboard(word: &str, _: &mut Rng) -> Option<String> {
    let from = "әғқңөұүһіӘҒҚҢӨҰҮҺІ";
    let to = "агкноуухиАГКНОУУХИ";
    let out: String = word
        .chars()
        .map(|c| {
            from.chars()
                .position(|k| k == c)
                .map_or(c, |i| to.chars().nth(i).unwrap())
        })
        .collect();
    (out != word).then_some(out)
}

struct Rate {
    spoiled: usize,
    repaired: usize,
    clean: usize,
    clean_changed: usize,
    misses: Vec<String>,
}

fn measure(injection: &Injection, text: &[&str]) -> Rate {
    let t = normalizer(Scheme::Cyrl);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut rate = Rate {
        spoiled: 0,
        repaired: 0,
        clean: 0,
        clean_changed: 0,
        misses: Vec::new(),
    };
    // The reference: the sentence with only its Unicode forms and look-alikes repaired (KazNERD
    // has a few mixed-script tokens as published), so that every other change counts.
    let reference = Transliterator::builder(Scheme::Cyrl, Scheme::Cyrl)
        .repair_keyboard(false)
        .spelling(Spelling::Off)
        .build()
        .unwrap();
    for sentence in text {
        let original = reference.convert(sentence);
        let originals = words(&original);
        let mut spoiled = Vec::new();
        let mut which = Vec::new();
        for w in &originals {
            let bad = (injection.whole_sentence || rng.chance(33))
                .then(|| (injection.spoil)(w, &mut rng))
                .flatten();
            which.push(bad.is_some());
            spoiled.push(bad.unwrap_or_else(|| w.to_string()));
        }
        let repaired = t.convert(&spoiled.join(" ")).into_owned();
        let got = words(&repaired);
        assert_eq!(got.len(), originals.len(), "{}: {repaired}", injection.name);
        for ((o, g), bad) in originals.iter().zip(&got).zip(&which) {
            if !is_cyrillic_word(o) {
                continue;
            }
            if *bad {
                rate.spoiled += 1;
                rate.repaired += usize::from(o == g);
            } else {
                rate.clean += 1;
                rate.clean_changed += usize::from(o != g);
            }
            if o != g {
                rate.misses
                    .push(format!("{}{o} -> {g}", if *bad { "" } else { "(clean)" }));
            }
        }
    }
    rate
}

/// How many misses to print per class: `NORMALIZER_MISSES=N`, 30 by default.
fn shown_misses() -> usize {
    std::env::var("NORMALIZER_MISSES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(30)
}

/// The first misses of a list, as many as [`shown_misses`] says, joined.
fn first_misses(list: &[&String]) -> String {
    list.iter()
        .take(shown_misses())
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn percent(a: usize, b: usize) -> f64 {
    100.0 * a as f64 / b.max(1) as f64
}

/// Errors put into the held-out KazNERD sentences: the share of spoiled words that come back
/// exactly, per class, and the share of the other words of those sentences left alone.
#[test]
fn injected_errors_are_repaired() {
    let text = held_out();
    let classes = [
        Injection {
            name: "look-alike letter, a third of the words",
            spoil: lookalike,
            whole_sentence: false,
            goals: (99.9, 99.95),
        },
        Injection {
            name: "decomposed letter or Latin schwa, every word",
            spoil: decomposed,
            whole_sentence: true,
            goals: (99.9, 99.95),
        },
        Injection {
            name: "Russian keyboard, whole sentence",
            spoil: keyboard,
            whole_sentence: true,
            goals: (97.6, 99.3),
        },
        Injection {
            name: "Russian keyboard, a third of the words",
            spoil: keyboard,
            whole_sentence: false,
            goals: (96.3, 99.9),
        },
    ];
    let mut failures = Vec::new();
    for injection in &classes {
        let r = measure(injection, &text);
        let repaired = percent(r.repaired, r.spoiled);
        let kept = 100.0 - percent(r.clean_changed, r.clean);
        eprintln!(
            "{:<45} repaired {repaired:6.2} % of {:5}   other words kept {kept:6.3} % of {}",
            injection.name, r.spoiled, r.clean
        );
        let (clean, spoiled): (Vec<&String>, Vec<&String>) = r.misses.iter().partition(|m| m.starts_with("(clean)"));
        eprintln!("    misses: {}", first_misses(&spoiled));
        eprintln!("    clean words changed: {}", first_misses(&clean));
        if repaired < injection.goals.0 || kept < injection.goals.1 {
            failures.push(format!(
                "{}: {repaired:.2} % repaired, {kept:.3} % kept",
                injection.name
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Clean text: every change the normalizer makes to the KazNERD and UD Kazakh sentences is
/// listed (with `--nocapture`); the share of words it changes stays tiny.
#[test]
fn clean_text_is_left_alone() {
    let t = normalizer(Scheme::Cyrl);
    let mut words_seen = 0;
    // The words of the text the lexicons were not built from (held-out KazNERD, UD Kazakh) and
    // the keyboard and spelling changes there.
    let (mut unseen_words, mut unseen_changes) = (0, 0);
    let mut by_repair = std::collections::BTreeMap::<&str, Vec<String>>::new();
    for (name, tsv) in [("kaznerd", KAZNERD), ("ud", UD)] {
        for (i, sentence) in common::sentences(tsv) {
            let unseen = name == "ud" || i % 10 == 0;
            words_seen += words(sentence).len();
            unseen_words += if unseen { words(sentence).len() } else { 0 };
            let (_, changes) = t.convert_with_changes(sentence);
            for c in changes {
                unseen_changes += usize::from(unseen && !matches!(c.repair().id(), "lookalike" | "nfc"));
                by_repair.entry(c.repair().id()).or_default().push(format!(
                    "{name}#{i}: {} -> {}",
                    c.before(),
                    c.after()
                ));
            }
        }
    }
    let mut total = 0;
    for (repair, list) in &by_repair {
        total += list.len();
        eprintln!("{repair}: {} changes", list.len());
        for line in list {
            eprintln!("    {line}");
        }
    }
    eprintln!("{total} changes in {words_seen} words");
    eprintln!(
        "{unseen_changes} keyboard/spelling changes in the {unseen_words} words the lexicons were not built from"
    );
    // The look-alike repairs are real (KazNERD has mixed-script tokens as published); the
    // keyboard and spelling changes must stay rare.
    let other: usize = by_repair
        .iter()
        .filter(|(r, _)| !matches!(**r, "lookalike" | "nfc"))
        .map(|(_, l)| l.len())
        .sum();
    assert!(
        percent(other, words_seen) < 0.05,
        "{other} keyboard/spelling changes in {words_seen} words"
    );
    assert!(
        percent(unseen_changes, unseen_words) < 0.05,
        "{unseen_changes} keyboard/spelling changes in {unseen_words} unseen words"
    );
}

/// A slipped case inside a two-letter spelling of one Cyrillic letter is repaired
/// (`real_world_substitutions.tsv`: `ıÝlııa` for Юлия in 2018 text); names whose second letter
/// is a capital for other reasons are not.
#[test]
fn digraph_case_slips_only() {
    let t = normalizer(Scheme::Latn2018);
    assert_eq!(t.convert("ıÝlııa iPhone eBay mySQL"), "Iýlııa iPhone eBay mySQL");
    // 2021 writes Ю as `İu`: `iU` at the start of a word is that spelling with its case slipped.
    assert_eq!(normalizer(Scheme::Latn2021).convert("iUlia"), "İulia");
}
