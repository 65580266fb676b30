//! Compiles `tables/*.tsv` into `$OUT_DIR/tables.rs`: the `Scheme` enum, perfect-hash maps and
//! dense arrays. Every check of `src/table.rs` runs here; a bad table stops the build with
//! `file:line: message`.

#[path = "src/table.rs"]
#[allow(dead_code)]
mod table;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn fail(file: &str, e: impl std::fmt::Display) -> ! {
    panic!("tables/{file}: {e}");
}

fn read(dir: &Path, file: &str) -> String {
    println!("cargo:rerun-if-changed=tables/{file}");
    fs::read_to_string(dir.join(file)).unwrap_or_else(|e| fail(file, e))
}

/// `latn-2021` -> `Latn2021`.
fn variant(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut cs = part.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `latn-2021` -> `LATN_2021`.
fn constant(id: &str) -> String {
    id.replace('-', "_").to_ascii_uppercase()
}

/// Emits the rules, key index and dense array of one compiled table as `TABLE_{k}`.
fn write_table(out: &mut String, k: &str, compiled: &table::Compiled) {
    let mut rules = String::new();
    for (to, cond) in &compiled.rules {
        let class = |c: &Option<String>| match c {
            Some(name) => format!("&CLASS_{}", constant(name)),
            None => "&Class::EMPTY".to_string(),
        };
        let flags = u8::from(cond.caps) | u8::from(cond.start) << 1 | u8::from(cond.end) << 2;
        writeln!(
            rules,
            "    Rule {{ to: Cow::Borrowed({to:?}), when: When {{ flags: {flags}, after: {}, before: {} }} }},",
            class(&cond.after),
            class(&cond.before)
        )
        .unwrap();
    }
    let mut index = phf_codegen::Map::new();
    for (key, start, len) in &compiled.index {
        index.entry(key.as_str(), format!("({start}, {len})"));
    }
    writeln!(
        out,
        "static RULES_{k}: [Rule; {}] = [\n{rules}];\n",
        compiled.rules.len()
    )
    .unwrap();
    writeln!(
        out,
        "static INDEX_{k}: phf::Map<&'static str, (u32, u32)> = {};\n",
        index.build()
    )
    .unwrap();
    let dense: Vec<String> = compiled.dense.iter().map(|e| format!("{e:#x}")).collect();
    writeln!(
        out,
        "static DENSE_{k}: [u64; {}] = [{}];\n",
        dense.len(),
        dense.join(", ")
    )
    .unwrap();
    writeln!(
        out,
        "static TABLE_{k}: StaticTable = StaticTable {{ rules: &RULES_{k}, index: &INDEX_{k}, dense: &DENSE_{k}, max_key_chars: {} }};\n",
        compiled.max_key_chars
    )
    .unwrap();
}

/// A single character, or the build fails.
fn one_char(file: &str, line: usize, s: &str) -> char {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => c,
        _ => fail(file, format!("line {line}: {s:?} must be exactly one character")),
    }
}

/// For each Latin writing system X (a scheme read back to Cyrillic), the letters of the other
/// writing systems that X lacks (ş ç ä ö ü ū ñ ğ of 2021 in 2018 text, á ó ú ý ǵ ń of 2018 in
/// 2021 text), each with X's spelling of the Cyrillic letter it stands for: derived from the
/// tables, so that a word mixing two Kazakh Latin alphabets can be written in one. Only
/// non-ASCII letters whose row has no context are taken, and a letter two alphabets read
/// differently is left out.
fn write_other_alphabets(
    out: &mut String,
    forward: &std::collections::BTreeMap<String, Vec<table::Row>>,
    reverse: &std::collections::BTreeMap<String, Vec<table::Row>>,
) {
    let (mut list, mut own_list) = (String::new(), String::new());
    for (x, x_reverse) in reverse {
        let Some(x_forward) = forward.get(x) else { continue };
        let alphabet: BTreeSet<char> = x_reverse.iter().flat_map(|r| r.from.chars()).collect();
        let spell = |cyrillic: &str| {
            x_forward
                .iter()
                .find(|r| r.from == cyrillic && r.condition.is_empty())
                .map(|r| r.to.clone())
        };
        let mut found: std::collections::BTreeMap<char, Option<String>> = std::collections::BTreeMap::new();
        for (y, y_reverse) in reverse.iter().filter(|(y, _)| *y != x) {
            let _ = y;
            for row in y_reverse.iter().filter(|r| r.condition.is_empty()) {
                let mut chars = row.from.chars();
                let (Some(letter), None) = (chars.next(), chars.next()) else {
                    continue;
                };
                if letter.is_ascii() || alphabet.contains(&letter) || !letter.is_alphabetic() {
                    continue;
                }
                let spelling = spell(&row.to).filter(|s| !s.is_empty());
                match found.get(&letter) {
                    Some(previous) if *previous != spelling => {
                        found.insert(letter, None);
                    }
                    Some(_) => {}
                    None => {
                        found.insert(letter, spelling);
                    }
                }
            }
        }
        for (letter, spelling) in found {
            if let Some(spelling) = spelling {
                writeln!(list, "    ({x:?}, {letter:?}, {spelling:?}),").unwrap();
            }
        }
        let own: String = alphabet.iter().filter(|c| !c.is_ascii() && c.is_alphabetic()).collect();
        writeln!(own_list, "    ({x:?}, {own:?}),").unwrap();
    }
    writeln!(
        out,
        "/// (Latin scheme, its letters outside ASCII).\npub(crate) static OWN_LETTERS: &[(&str, &str)] = &[\n{own_list}];\n"
    )
    .unwrap();
    writeln!(
        out,
        "/// (Latin scheme, a letter of another Kazakh Latin alphabet, the scheme's spelling of it).\npub(crate) static OTHER_ALPHABETS: &[(&str, char, &str)] = &[\n{list}];\n"
    )
    .unwrap();
}

/// Gives each letter form the rules of the Kazakh letter it stands for, unless the table has
/// rules of its own for it.
fn add_letter_forms(rows: &mut Vec<table::Row>, forms: &[(char, char)]) {
    for &(form, kazakh) in forms {
        let (form, kazakh) = (form.to_string(), kazakh.to_string());
        if rows.iter().any(|r| r.from == form) {
            continue;
        }
        let copies: Vec<table::Row> = rows
            .iter()
            .filter(|r| r.from == kazakh)
            .map(|r| table::Row {
                from: form.clone(),
                ..r.clone()
            })
            .collect();
        rows.extend(copies);
    }
}

/// Emits `name` as a `phf::Set` of the given words.
fn write_set(out: &mut String, doc: &str, name: &str, words: &BTreeSet<String>) {
    let mut set = phf_codegen::Set::new();
    for w in words {
        set.entry(w.as_str());
    }
    writeln!(
        out,
        "/// {doc}\npub(crate) static {name}: phf::Set<&'static str> = {};\n",
        set.build()
    )
    .unwrap();
}

/// Emits a word table (see `table::layout_word_table`) as the static `name`.
fn write_word_table<'a>(out: &mut String, name: &str, doc: &str, records: impl Iterator<Item = (&'a str, String)>) {
    let (text, slots) = table::layout_word_table(records);
    writeln!(
        out,
        "/// {doc}\npub(crate) static {name}: WordTable = WordTable {{ text: {text:?}, slots: &{slots:?} }};\n"
    )
    .unwrap();
}

/// A table of the keyboard lexicon, its rows keyed by some of their fields.
struct KeyedTable<'a> {
    /// The file, under `tables/`.
    file: &'a str,
    header: &'a [&'a str],
    /// The static it is written to.
    name: &'a str,
    doc: &'a str,
    /// What a row that is not `valid` breaks.
    problem: &'a str,
    valid: fn(&[&str]) -> bool,
    key: fn(&[&str]) -> String,
    value: fn(&[&str]) -> String,
}

/// Checks every row of `t` (valid, keys unique) and writes it as a word table of key -> value,
/// left empty without the `keyboard-lexicon` feature (`lexicon`).
fn write_keyed_table(dir: &Path, out: &mut String, lexicon: bool, t: KeyedTable) {
    let text = read(dir, t.file);
    let rows = table::records(&text, t.header).unwrap_or_else(|e| fail(t.file, e));
    let mut keys = BTreeSet::new();
    for (line, f) in &rows {
        if !(t.valid)(f) {
            fail(t.file, format!("line {line}: {}", t.problem));
        }
        if !keys.insert((t.key)(f)) {
            fail(t.file, format!("line {line}: duplicate key"));
        }
    }
    let keyed: Vec<(String, String)> = rows
        .iter()
        .filter(|_| lexicon)
        .map(|(_, f)| ((t.key)(f), (t.value)(f)))
        .collect();
    write_word_table(
        out,
        t.name,
        &format!("{} (`tables/{}`).", t.doc, t.file),
        keyed.iter().map(|(k, v)| (k.as_str(), v.clone())),
    );
}

/// The Russian loanwords read back from Latin (`tables/lexicon/russian-loans.tsv`), checked and
/// written as one text. Empty without the `russian-loans` feature.
fn write_russian_loans(dir: &Path, out: &mut String) {
    let file = "lexicon/russian-loans.tsv";
    let text = read(dir, file);
    let rows = table::records(&text, &table::RUSSIAN_LOANS_HEADER).unwrap_or_else(|e| fail(file, e));
    let on = env::var_os("CARGO_FEATURE_RUSSIAN_LOANS").is_some();
    let mut seen = BTreeSet::new();
    for (line, f) in &rows {
        let word = f[0];
        let letters = word
            .split('-')
            .all(|part| !part.is_empty() && part.chars().all(|c| matches!(c, 'а'..='я' | 'ё')));
        if !letters || !seen.insert(word) {
            fail(
                file,
                format!("line {line}: {word:?} must be lower-case Russian letters, once"),
            );
        }
        if f[1..].iter().all(|k| k.is_empty()) {
            fail(file, format!("line {line}: {word:?} has no key"));
        }
    }
    for (column, scheme) in table::RUSSIAN_LOANS_HEADER.iter().enumerate().skip(1) {
        let mut keys = BTreeSet::new();
        for (line, f) in &rows {
            if !f[column].is_empty() && !keys.insert(f[column]) {
                fail(file, format!("line {line}: duplicate {scheme} key {:?}", f[column]));
            }
        }
    }
    // One text of the rows; for each writing system, slots that find a row by its key there,
    // and a filter of those keys.
    let mut records = String::new();
    let mut offsets = Vec::new();
    for (_, f) in rows.iter().filter(|_| on) {
        offsets.push((records.len(), f));
        records.push_str(&f.join("\t"));
        records.push('\n');
    }
    let mut columns = String::new();
    for column in 1..table::RUSSIAN_LOANS_HEADER.len() {
        let keyed = offsets
            .iter()
            .filter(|(_, f)| !f[column].is_empty())
            .map(|&(at, f)| (at, f[column]));
        let slots = if on {
            table::layout_field_slots(keyed.clone())
        } else {
            Vec::new()
        };
        let filter = if on {
            table::filter_bits(keyed.map(|(_, k)| k))
        } else {
            Vec::new()
        };
        write!(columns, "(&{slots:?}, &{filter:?}), ").unwrap();
    }
    writeln!(
        out,
        "/// Russian loanwords and their keys in latn-2021, latn-2018 and latn-2017, tab-separated, a line each (`tables/{file}`), found by key.\npub(crate) static RUSSIAN_LOANS: FieldTable<3> = FieldTable {{ text: {records:?}, columns: [{columns}] }};\n"
    )
    .unwrap();
}

/// The tables of the orthography normalizer: Russian-keyboard stand-ins and their lexicon,
/// Russian words, spelling variants, suffixes and vowel harmony.
fn write_orthography(dir: &Path, out: &mut String, class_members: &dyn Fn(&str) -> Option<String>) {
    // Stand-ins.
    let text = read(dir, "keyboard.tsv");
    let rows = table::records(&text, &table::KEYBOARD_HEADER).unwrap_or_else(|e| fail("keyboard.tsv", e));
    let mut seen = BTreeSet::new();
    for (line, f) in &rows {
        let k = one_char("keyboard.tsv", *line, f[0]);
        if !seen.insert(k) {
            fail("keyboard.tsv", format!("line {line}: duplicate letter {k:?}"));
        }
    }
    let mut letters = ['\0'; 256];
    for (line, f) in &rows {
        let i = (one_char("keyboard.tsv", *line, f[0]) as u32).wrapping_sub(0x400);
        if i >= 256 {
            fail(
                "keyboard.tsv",
                format!("line {line}: a Kazakh letter must be in U+0400..U+04FF"),
            );
        }
        letters[i as usize] = one_char("keyboard.tsv", *line, f[1]);
    }
    writeln!(out, "/// The stand-in for the Kazakh letter U+0400 + i (`tables/keyboard.tsv`), or NUL.\npub(crate) static STAND_INS: [char; 256] = {letters:?};\n").unwrap();

    // Without the `keyboard-lexicon` feature the tables are checked but left empty.
    let lexicon = env::var_os("CARGO_FEATURE_KEYBOARD_LEXICON").is_some();
    writeln!(out, "/// Whether the Russian-keyboard lexicon is compiled in (feature `keyboard-lexicon`).\npub(crate) const HAS_KEYBOARD_LEXICON: bool = {lexicon};\n").unwrap();
    write_keyed_table(
        dir,
        out,
        lexicon,
        KeyedTable {
            file: "lexicon/keyboard-words.tsv",
            header: &table::KEYBOARD_WORDS_HEADER,
            name: "KEYBOARD_WORDS",
            doc: "Word typed on a Russian keyboard -> Kazakh form (empty: the word itself), count, sure, and the other readings if any",
            problem: "`count` must be a number, `sure` 0 to 3, `others` readings of the key's length joined by commas",
            valid: |f| {
                let letters = f[0].chars().count();
                f[2].parse::<u32>().is_ok()
                    && matches!(f[3], "0" | "1" | "2" | "3")
                    && (f[4].is_empty() || f[4].split(',').all(|o| o.chars().count() == letters))
            },
            key: |f| f[0].to_string(),
            value: |f| match f[4] {
                "" => format!("{}\t{}\t{}", f[1], f[2], f[3]),
                others => format!("{}\t{}\t{}\t{others}", f[1], f[2], f[3]),
            },
        },
    );
    write_keyed_table(
        dir,
        out,
        lexicon,
        KeyedTable {
            file: "lexicon/keyboard-suffixes.tsv",
            header: &table::KEYBOARD_SUFFIXES_HEADER,
            name: "KEYBOARD_SUFFIXES",
            doc: "Harmony (`b`/`f`) + the stem's last letter + ending, typed on a Russian keyboard -> written ending, count, share in percent",
            problem: "harmony must be b or f, after one letter, count a number and share a percentage",
            valid: |f| {
                matches!(f[0], "b" | "f")
                    && f[1].chars().count() == 1
                    && f[4].parse::<u32>().is_ok()
                    && f[5].parse::<u8>().is_ok_and(|p| p <= 100)
            },
            key: |f| format!("{}{}{}", f[0], f[1], f[2]),
            value: |f| format!("{}\t{}\t{}", f[3], f[4], f[5]),
        },
    );
    write_keyed_table(
        dir,
        out,
        lexicon,
        KeyedTable {
            file: "lexicon/keyboard-letters.tsv",
            header: &table::KEYBOARD_LETTERS_HEADER,
            name: "KEYBOARD_LETTERS",
            doc: "Letters before `|`, then a letter typed on a Russian keyboard and the letters after it -> the letter written, share in percent",
            problem: "one typed and one written letter, windows of letters, count a number and share a percentage",
            valid: |f| {
                let window = |w: &str| w.chars().count() <= 4 && !w.contains('|');
                window(f[0])
                    && window(f[2])
                    && f[1].chars().count() == 1
                    && f[3].chars().count() == 1
                    && f[4].parse::<u32>().is_ok()
                    && f[5].parse::<u8>().is_ok_and(|p| p <= 100)
            },
            key: |f| format!("{}|{}{}", f[0], f[1], f[2]),
            value: |f| format!("{}\t{}", f[3], f[5]),
        },
    );

    // Russian words.
    let text = read(dir, "russian.tsv");
    let rows = table::records(&text, &table::WORD_HEADER).unwrap_or_else(|e| fail("russian.tsv", e));
    let mut words = BTreeSet::new();
    for (line, f) in &rows {
        if f[0] != f[0].to_lowercase() || !words.insert(f[0].to_string()) {
            fail(
                "russian.tsv",
                format!("line {line}: {:?} is duplicate or not lower case", f[0]),
            );
        }
    }
    write_set(
        out,
        "Frequent Russian words that are not Kazakh (`tables/russian.tsv`).",
        "RUSSIAN",
        &words,
    );

    // Spelling variants.
    let text = read(dir, "variants.tsv");
    let rows = table::records(&text, &table::VARIANTS_HEADER).unwrap_or_else(|e| fail("variants.tsv", e));
    let mut list = String::new();
    let mut keys = BTreeSet::new();
    for (line, f) in &rows {
        let variants: Vec<&str> = f[1].split('|').map(str::trim).collect();
        for w in std::iter::once(f[0]).chain(variants.iter().copied()) {
            if !table::is_variant_word(w) {
                fail(
                    "variants.tsv",
                    format!("line {line}: {w:?} must be letters joined by single hyphens"),
                );
            }
        }
        for v in &variants {
            if !keys.insert(v.to_lowercase()) {
                fail("variants.tsv", format!("line {line}: {v:?} is listed twice"));
            }
        }
        writeln!(list, "    ({:?}, &{:?}),", f[0], variants).unwrap();
    }
    for (line, f) in &rows {
        if keys.contains(&f[0].to_lowercase()) {
            fail(
                "variants.tsv",
                format!("line {line}: {:?} is both a Kazakh form and a variant", f[0]),
            );
        }
    }
    writeln!(out, "/// (Kazakh form, other spellings) (`tables/variants.tsv`).\npub(crate) static VARIANTS: &[(&str, &[&str])] = &[\n{list}];\n").unwrap();

    // Suffixes.
    let text = read(dir, "suffixes.tsv");
    let rows = table::records(&text, &table::SUFFIXES_HEADER).unwrap_or_else(|e| fail("suffixes.tsv", e));
    let mut list = String::new();
    for (line, f) in &rows {
        let harmony = match f[2] {
            "back" => "Some(true)",
            "front" => "Some(false)",
            "" => "None",
            _ => fail(
                "suffixes.tsv",
                format!("line {line}: harmony must be back, front or empty"),
            ),
        };
        let mut after = String::new();
        for name in f[3].split_whitespace() {
            after += &class_members(name)
                .unwrap_or_else(|| fail("suffixes.tsv", format!("line {line}: unknown class {name:?}")));
        }
        writeln!(
            list,
            "    Suffix {{ text: {:?}, group: {:?}, back: {harmony}, after: {after:?} }},",
            f[0], f[1]
        )
        .unwrap();
    }
    writeln!(out, "/// Case and plural suffixes with their forms (`tables/suffixes.tsv`).\npub(crate) static SUFFIXES: &[Suffix] = &[\n{list}];\n").unwrap();

    // Harmony.
    let text = read(dir, "harmony.tsv");
    let rows = table::records(&text, &table::HARMONY_HEADER).unwrap_or_else(|e| fail("harmony.tsv", e));
    let (mut endings, mut pairs) = (Vec::new(), Vec::new());
    for (line, f) in &rows {
        match f[0] {
            "ending" => endings.push(f[1].to_string()),
            "pair" => pairs.push((
                one_char("harmony.tsv", *line, f[1]),
                one_char("harmony.tsv", *line, f[2]),
            )),
            other => fail(
                "harmony.tsv",
                format!("line {line}: kind {other:?} must be ending or pair"),
            ),
        }
    }
    for (name, members) in [
        ("BACK_VOWELS", "kk-back-vowel"),
        ("FRONT_VOWELS", "kk-front-vowel"),
        ("LOAN_VOWELS", "kk-loan-vowel"),
        ("HIATUS_VOWELS", "kk-hiatus-vowel"),
    ] {
        let m = class_members(members).unwrap_or_else(|| fail("classes.tsv", format!("class {members} is missing")));
        writeln!(
            out,
            "/// Class `{members}` of `tables/classes.tsv`.\npub(crate) static {name}: &str = {m:?};\n"
        )
        .unwrap();
    }
    writeln!(out, "/// Stem endings that harmony looks through (`tables/harmony.tsv`).\npub(crate) static HARMONY_ENDINGS: &[&str] = &{endings:?};\n").unwrap();
    writeln!(out, "/// Back and front letters of suffixes (`tables/harmony.tsv`).\npub(crate) static HARMONY_PAIRS: &[(char, char)] = &{pairs:?};\n").unwrap();
}

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let dir = root.join("tables");
    println!("cargo:rerun-if-changed=tables");
    println!("cargo:rerun-if-changed=src/table.rs");
    let mut out = String::from("// DO NOT EDIT: generated from tables/*.tsv by build.rs.\n\n");

    // Character classes.
    let classes = table::parse_classes(&read(&dir, "classes.tsv")).unwrap_or_else(|e| fail("classes.tsv", e));
    let class_members = |name: &str| classes.iter().find(|(n, _)| n == name).map(|(_, m)| m.clone());
    let mut map = phf_codegen::Map::new();
    for (name, members) in &classes {
        let k = constant(name);
        writeln!(
            out,
            "/// Class `{name}` of `tables/classes.tsv`.\nstatic CLASS_{k}: Class = Class::new({members:?});\n"
        )
        .unwrap();
        map.entry(name.as_str(), format!("&CLASS_{k}"));
    }
    writeln!(out, "/// Character classes of `tables/classes.tsv`: name -> class.").unwrap();
    writeln!(
        out,
        "pub(crate) static CLASSES: phf::Map<&'static str, &'static Class> = {};\n",
        map.build()
    )
    .unwrap();

    // Look-alikes.
    let lookalikes =
        table::parse_lookalikes(&read(&dir, "lookalikes.tsv")).unwrap_or_else(|e| fail("lookalikes.tsv", e));
    let (mut to_latn, mut to_cyrl) = (phf_codegen::Map::new(), phf_codegen::Map::new());
    let (mut seen_latn, mut seen_cyrl) = (BTreeSet::new(), BTreeSet::new());
    for pair in &lookalikes {
        if seen_latn.insert(pair.latn) {
            to_cyrl.entry(pair.latn, format!("{:?}", pair.cyrl));
        }
        if pair.both && seen_cyrl.insert(pair.cyrl) {
            to_latn.entry(pair.cyrl, format!("{:?}", pair.latn));
        }
    }
    writeln!(
        out,
        "/// Latin look-alike -> Cyrillic letter (`tables/lookalikes.tsv`)."
    )
    .unwrap();
    writeln!(
        out,
        "pub(crate) static LOOKALIKE_TO_CYRL: phf::Map<char, char> = {};\n",
        to_cyrl.build()
    )
    .unwrap();
    writeln!(
        out,
        "/// Cyrillic look-alike -> Latin letter (`tables/lookalikes.tsv`, direction `both`)."
    )
    .unwrap();
    writeln!(
        out,
        "pub(crate) static LOOKALIKE_TO_LATN: phf::Map<char, char> = {};\n",
        to_latn.build()
    )
    .unwrap();

    // Schemes and their rule tables.
    let schemes_text = read(&dir, "schemes.tsv");
    let schemes = table::records(&schemes_text, &table::SCHEME_HEADER).unwrap_or_else(|e| fail("schemes.tsv", e));
    let mut named_tables = BTreeSet::new();
    let mut enum_src = String::new();
    let mut info_src = String::new();
    // Foreign words kept by Latin -> Cyrillic conversion.
    let foreign_text = read(&dir, "foreign.tsv");
    let foreign = table::records(&foreign_text, &table::WORD_HEADER).unwrap_or_else(|e| fail("foreign.tsv", e));
    let mut set = phf_codegen::Set::new();
    let mut seen = BTreeSet::new();
    for (line, fields) in &foreign {
        let word = fields[0].to_lowercase();
        if !seen.insert(word.clone()) {
            fail("foreign.tsv", format!("line {line}: duplicate word {word:?}"));
        }
        set.entry(word);
    }
    writeln!(
        out,
        "/// Words kept as they are by Latin -> Cyrillic conversion (`tables/foreign.tsv`), lower case."
    )
    .unwrap();
    writeln!(
        out,
        "pub(crate) static FOREIGN: phf::Set<&'static str> = {};\n",
        set.build()
    )
    .unwrap();

    write_orthography(&dir, &mut out, &class_members);
    write_russian_loans(&dir, &mut out);

    // Letters of other alphabets read as the Kazakh letter they stand for.
    let forms_text = read(&dir, "letter-forms.tsv");
    let forms_rows =
        table::records(&forms_text, &table::LETTER_FORMS_HEADER).unwrap_or_else(|e| fail("letter-forms.tsv", e));
    let letter_forms: Vec<(char, char)> = forms_rows
        .iter()
        .map(|(line, f)| {
            (
                one_char("letter-forms.tsv", *line, f[0]),
                one_char("letter-forms.tsv", *line, f[1]),
            )
        })
        .collect();
    writeln!(out, "/// Letter of another alphabet -> the Kazakh letter it stands for (`tables/letter-forms.tsv`).\npub(crate) static LETTER_FORMS: &[(char, char)] = &{letter_forms:?};\n").unwrap();
    let form_chars: String = letter_forms.iter().map(|&(f, _)| f).collect();
    writeln!(out, "/// The letters of [`LETTER_FORMS`], as a class.\npub(crate) static LETTER_FORM_CHARS: Class = Class::new({form_chars:?});\n").unwrap();

    let mut forward_rows = std::collections::BTreeMap::new();
    let mut reverse_rows = std::collections::BTreeMap::new();
    for (line, fields) in &schemes {
        let (id, name, file, reverse, lexicon, example, description) = (
            fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6],
        );
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            fail("schemes.tsv", format!("line {line}: bad scheme id {id:?}"));
        }
        let var = variant(id);
        writeln!(
            enum_src,
            "    /// {name}: {description}.\n    ///\n    /// Id `{id}`.\n    {var},"
        )
        .unwrap();
        let table_ref = if file.is_empty() {
            "None".to_string()
        } else {
            named_tables.insert(file.to_string());
            let text = read(&dir, file);
            let is_class = |n: &str| class_members(n).is_some();
            let mut rows = table::parse_rules(&text, &is_class).unwrap_or_else(|e| fail(file, e));
            add_letter_forms(&mut rows, &letter_forms);
            forward_rows.insert(id.to_string(), rows.clone());
            let k = constant(id);
            write_table(&mut out, &k, &table::compile(&rows));
            format!("Some(&TABLE_{k})")
        };
        let reverse_ref = if reverse.is_empty() {
            "None".to_string()
        } else {
            named_tables.insert(reverse.to_string());
            let text = read(&dir, reverse);
            let is_class = |n: &str| class_members(n).is_some();
            let rows = table::parse_rules(&text, &is_class).unwrap_or_else(|e| fail(reverse, e));
            reverse_rows.insert(id.to_string(), rows.clone());
            let k = format!("REV_{}", constant(id));
            write_table(&mut out, &k, &table::compile(&rows));
            format!("Some(&TABLE_{k})")
        };
        let lexicon_ref = if lexicon.is_empty() {
            "None".to_string()
        } else {
            let text = read(&dir, lexicon);
            let rows = table::records(&text, &table::LEXICON_HEADER).unwrap_or_else(|e| fail(lexicon, e));
            let mut map = phf_codegen::Map::new();
            let mut keys = BTreeSet::new();
            for (line, f) in &rows {
                if !keys.insert(f[0].to_string()) {
                    fail(lexicon, format!("line {line}: duplicate word {:?}", f[0]));
                }
                map.entry(f[0], format!("{:?}", f[1]));
            }
            let k = format!("LEXICON_{}", constant(id));
            writeln!(
                out,
                "static {k}: phf::Map<&'static str, &'static str> = {};\n",
                map.build()
            )
            .unwrap();
            // Entries seen at least twice may also serve as the stem of an inflected form.
            let mut stems = phf_codegen::Set::new();
            for (line, f) in &rows {
                let count: u32 = f[2]
                    .parse()
                    .unwrap_or_else(|_| fail(lexicon, format!("line {line}: bad count")));
                if count >= 2 {
                    stems.entry(f[0]);
                }
            }
            writeln!(out, "static STEMS_{k}: phf::Set<&'static str> = {};\n", stems.build()).unwrap();
            format!("Some((&{k}, &STEMS_{k}))")
        };
        writeln!(
            info_src,
            "    SchemeInfo {{ scheme: Scheme::{var}, id: {id:?}, name: {name:?}, description: {description:?}, example: {example:?}, table: {table_ref}, reverse: {reverse_ref}, lexicon: {lexicon_ref} }},"
        )
        .unwrap();
    }
    write_other_alphabets(&mut out, &forward_rows, &reverse_rows);
    for entry in fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        let is_rules = file.starts_with("cyrl-") || file.ends_with("-cyrl.tsv");
        if is_rules && file.ends_with(".tsv") && !named_tables.contains(&file) {
            fail(&file, "no scheme in schemes.tsv names this table");
        }
    }
    writeln!(
        out,
        "/// A conversion scheme: Kazakh Cyrillic or one of the Latin alphabets and romanizations.\n\
         ///\n/// The ids (`Scheme::id`) are stable and shared by the library, the CLI and the WASM package.\n\
         #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]\n#[non_exhaustive]\npub enum Scheme {{\n{enum_src}}}\n"
    )
    .unwrap();
    writeln!(
        out,
        "pub(crate) static SCHEMES: [SchemeInfo; {}] = [\n{info_src}];",
        schemes.len()
    )
    .unwrap();

    let dest = PathBuf::from(env::var("OUT_DIR").unwrap()).join("tables.rs");
    fs::write(dest, out).unwrap();
}
