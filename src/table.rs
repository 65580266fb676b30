//! Parser and checker for jazu's TSV rule tables (format: `tables/README.md`).
//!
//! This file has no dependency on the rest of the crate: `build.rs` includes it to compile the
//! bundled tables, and the library uses it to read user tables at run time, so both follow
//! exactly the same rules.

use std::fmt;

/// One condition list of a rule; every condition must hold for the rule to apply.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Condition {
    /// The letter stands in an all-caps run.
    pub caps: bool,
    /// The previous character is not a letter.
    pub start: bool,
    /// The next character is not a letter.
    pub end: bool,
    /// The previous character belongs to this class.
    pub after: Option<String>,
    /// The next character belongs to this class.
    pub before: Option<String>,
}

impl Condition {
    /// Whether the rule has no condition at all (the default row of its key).
    pub fn is_empty(&self) -> bool {
        *self == Condition::default()
    }
}

/// One row of a rule table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The text matched.
    pub from: String,
    /// The replacement.
    pub to: String,
    /// When the row applies.
    pub condition: Condition,
    /// 1-based line number in the file.
    pub line: usize,
}

/// A problem found in a table, with its 1-based line number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableError {
    /// 1-based line number (0 when the whole file is at fault).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

fn err(line: usize, message: impl Into<String>) -> TableError {
    TableError {
        line,
        message: message.into(),
    }
}

/// Splits a TSV file into records after checking its header; comments (`#`) and blank lines are
/// skipped. Every field must be NFC. Returns `(line, fields)` pairs.
pub fn records<'a>(text: &'a str, header: &[&str]) -> Result<Vec<(usize, Vec<&'a str>)>, TableError> {
    let mut out = Vec::new();
    let mut seen_header = false;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.starts_with('#') || raw.trim().is_empty() {
            continue;
        }
        let mut fields: Vec<&str> = raw.split('\t').collect();
        if !seen_header {
            if fields != header {
                return Err(err(
                    line,
                    format!("expected the header {:?}, found {:?}", header.join("\t"), raw),
                ));
            }
            seen_header = true;
            continue;
        }
        // The last column, `note`, may be left out.
        if seen_header && fields.len() + 1 == header.len() && header.last() == Some(&"note") {
            fields.push("");
        }
        if fields.len() != header.len() {
            return Err(err(
                line,
                format!("expected {} tab-separated fields, found {}", header.len(), fields.len()),
            ));
        }
        for field in &fields {
            if !unicode_normalization::is_nfc(field) {
                return Err(err(line, format!("{field:?} is not in Unicode NFC")));
            }
        }
        out.push((line, fields));
    }
    if !seen_header {
        return Err(err(0, format!("no header line {:?}", header.join("\t"))));
    }
    Ok(out)
}

/// The header of a rule table.
pub const RULE_HEADER: [&str; 4] = ["from", "to", "context", "note"];

/// Parses a context field such as `after:wiki-ye-after caps`. `is_class` says whether a class
/// name exists.
pub fn parse_condition(field: &str, is_class: &dyn Fn(&str) -> bool) -> Result<Condition, String> {
    let mut condition = Condition::default();
    for word in field.split(' ').filter(|w| !w.is_empty()) {
        let class = |name: &str| -> Result<Option<String>, String> {
            if is_class(name) {
                Ok(Some(name.to_string()))
            } else {
                Err(format!("unknown character class {name:?} in context {field:?}"))
            }
        };
        match word.split_once(':') {
            None if word == "caps" => condition.caps = true,
            None if word == "start" => condition.start = true,
            None if word == "end" => condition.end = true,
            Some(("after", name)) => condition.after = class(name)?,
            Some(("before", name)) => condition.before = class(name)?,
            _ => {
                return Err(format!(
                    "unknown context condition {word:?} (known: caps, start, end, after:CLASS, before:CLASS)"
                ))
            }
        }
    }
    Ok(condition)
}

/// Parses and checks a rule table: header, field count, NFC, known contexts, no duplicate
/// `from` + context pair, no empty `from`.
pub fn parse_rules(text: &str, is_class: &dyn Fn(&str) -> bool) -> Result<Vec<Row>, TableError> {
    let mut rows: Vec<Row> = Vec::new();
    for (line, fields) in records(text, &RULE_HEADER)? {
        let (from, to, context) = (fields[0], fields[1], fields[2]);
        if from.is_empty() {
            return Err(err(line, "empty `from` field"));
        }
        if from.chars().any(char::is_whitespace) {
            return Err(err(
                line,
                format!("{from:?}: a key may not hold whitespace (text is cut at whitespace)"),
            ));
        }
        let condition = parse_condition(context, is_class).map_err(|m| err(line, m))?;
        if let Some(first) = rows.iter().find(|r| r.from == from && r.condition == condition) {
            return Err(err(
                line,
                format!(
                    "duplicate rule for {from:?} with context {context:?} (first on line {})",
                    first.line
                ),
            ));
        }
        rows.push(Row {
            from: from.to_string(),
            to: to.to_string(),
            condition,
            line,
        });
    }
    Ok(rows)
}

/// The header of `classes.tsv`.
pub const CLASS_HEADER: [&str; 3] = ["name", "members", "note"];

/// Parses `classes.tsv` into `(name, members)` pairs.
pub fn parse_classes(text: &str) -> Result<Vec<(String, String)>, TableError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (line, fields) in records(text, &CLASS_HEADER)? {
        let (name, members) = (fields[0], fields[1]);
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(err(
                line,
                format!("class name {name:?} must be ASCII letters, digits and '-'"),
            ));
        }
        if out.iter().any(|(n, _)| n == name) {
            return Err(err(line, format!("duplicate class {name:?}")));
        }
        // A word's conversion depends on its neighbours only through their letters (the
        // reverse converter's word memo relies on it).
        if let Some(c) = members.chars().find(|c| !c.is_alphabetic()) {
            return Err(err(line, format!("class {name:?} holds {c:?}, which is not a letter")));
        }
        out.push((name.to_string(), members.to_string()));
    }
    Ok(out)
}

/// The header of `lookalikes.tsv`.
pub const LOOKALIKE_HEADER: [&str; 4] = ["cyrl", "latn", "direction", "note"];

/// One pair of look-alike letters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lookalike {
    /// The Cyrillic letter.
    pub cyrl: char,
    /// The Latin letter that looks the same.
    pub latn: char,
    /// Whether a Cyrillic letter inside a Latin word is also repaired to `latn`.
    pub both: bool,
}

/// Parses `lookalikes.tsv`.
pub fn parse_lookalikes(text: &str) -> Result<Vec<Lookalike>, TableError> {
    let mut out = Vec::new();
    for (line, fields) in records(text, &LOOKALIKE_HEADER)? {
        let one = |s: &str| -> Result<char, TableError> {
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Ok(c),
                _ => Err(err(line, format!("{s:?} must be exactly one character"))),
            }
        };
        let both = match fields[2] {
            "both" => true,
            "to-cyrl" => false,
            other => return Err(err(line, format!("direction {other:?} must be `both` or `to-cyrl`"))),
        };
        out.push(Lookalike {
            cyrl: one(fields[0])?,
            latn: one(fields[1])?,
            both,
        });
    }
    Ok(out)
}

/// The header of `schemes.tsv`.
pub const SCHEME_HEADER: [&str; 7] = ["id", "name", "table", "reverse", "lexicon", "example", "description"];

/// The header of a lexicon (`tables/lexicon/*.tsv`).
pub const LEXICON_HEADER: [&str; 3] = ["latin", "cyrillic", "count"];

/// The header of `keyboard.tsv`.
pub const KEYBOARD_HEADER: [&str; 3] = ["kazakh", "typed", "note"];

/// The header of `lexicon/keyboard-words.tsv`.
pub const KEYBOARD_WORDS_HEADER: [&str; 5] = ["typed", "kazakh", "count", "sure", "others"];

/// The header of `lexicon/russian-loans.tsv`.
pub const RUSSIAN_LOANS_HEADER: [&str; 4] = ["cyrillic", "latn-2021", "latn-2018", "latn-2017"];

/// The header of `lexicon/keyboard-suffixes.tsv`.
pub const KEYBOARD_SUFFIXES_HEADER: [&str; 6] = ["harmony", "after", "typed", "kazakh", "count", "share"];

/// The header of `lexicon/keyboard-letters.tsv`.
pub const KEYBOARD_LETTERS_HEADER: [&str; 6] = ["before", "typed", "after", "kazakh", "count", "share"];

/// The header of a word list (`foreign.tsv`, `russian.tsv`).
pub const WORD_HEADER: [&str; 2] = ["word", "note"];

/// The header of a spelling-variant table (`variants.tsv`, `--variants FILE`).
pub const VARIANTS_HEADER: [&str; 3] = ["kazakh", "variants", "source"];

/// The header of `letter-forms.tsv`.
pub const LETTER_FORMS_HEADER: [&str; 3] = ["form", "kazakh", "note"];

/// The header of `suffixes.tsv`.
pub const SUFFIXES_HEADER: [&str; 5] = ["suffix", "group", "harmony", "after", "note"];

/// The header of `harmony.tsv`.
pub const HARMONY_HEADER: [&str; 4] = ["kind", "value", "pair", "note"];

/// The hash of a key of a word table (FNV-1a, 64 bits): the same in `build.rs`, which lays the
/// table out, and at run time.
pub fn word_hash(key: &[u8]) -> u64 {
    key.iter().fold(WORD_HASH_START, |h, &b| word_hash_step(h, b))
}

/// The hash of the empty key; [`word_hash`] is [`word_hash_step`] applied from it byte by byte.
pub const WORD_HASH_START: u64 = 0xcbf2_9ce4_8422_2325;

/// One byte of [`word_hash`].
#[inline]
pub fn word_hash_step(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
}

/// The bits of a filter of `keys` ([`word_hash`] of each key, modulo a power of two of about
/// eight bits a key and at least 2^16): a key the set lacks passes one time in eight or fewer.
pub fn filter_bits<'a>(keys: impl IntoIterator<Item = &'a str> + Clone) -> Vec<u64> {
    let len = (keys.clone().into_iter().count() * 8).next_power_of_two().max(1 << 16);
    let mut bits = vec![0u64; len / 64];
    for key in keys {
        let h = word_hash(key.as_bytes()) as usize & (len - 1);
        bits[h / 64] |= 1 << (h % 64);
    }
    bits
}

/// Lays out the slots of a table of records keyed by one of their tab-separated fields: a
/// power-of-two array (at most half full) of the offset + 1 of each record's line in the text,
/// placed by the [`word_hash`] of its key (open addressing, linear probing); 0 when empty.
/// `records` gives each record's offset and key.
pub fn layout_field_slots<'a>(records: impl Iterator<Item = (usize, &'a str)> + Clone) -> Vec<u32> {
    let size = (records.clone().count() * 2).next_power_of_two().max(2);
    let mut slots = vec![0u32; size];
    for (offset, key) in records {
        let mut i = word_hash(key.as_bytes()) as usize & (size - 1);
        while slots[i] != 0 {
            i = (i + 1) & (size - 1);
        }
        slots[i] = u32::try_from(offset + 1).expect("a table under 4 GB");
    }
    slots
}

/// Lays out a word table: one text of `key<TAB>value<LF>` records, and a power-of-two array of
/// slots (open addressing, linear probing, at most half full): each holds a record's
/// offset + 1 in its low [`offset_bits`] bits and a tag of its key's hash above them
/// ([`word_tag`]), so that a lookup reads the text only for a record whose tag matches; 0 when
/// empty. Keys must be unique and free of tabs and line feeds.
pub fn layout_word_table<'a>(records: impl Iterator<Item = (&'a str, String)>) -> (String, Vec<u32>) {
    let records: Vec<(&str, String)> = records.collect();
    let size = (records.len() * 2).next_power_of_two().max(2);
    let mut text = String::new();
    let mut placed = Vec::with_capacity(records.len());
    for (key, value) in records {
        placed.push((text.len() + 1, word_hash(key.as_bytes())));
        text.push_str(key);
        text.push('\t');
        text.push_str(&value);
        text.push('\n');
    }
    let bits = offset_bits(text.len());
    let mut slots = vec![0u32; size];
    for (offset, hash) in placed {
        let mut i = hash as usize & (size - 1);
        while slots[i] != 0 {
            i = (i + 1) & (size - 1);
        }
        slots[i] = word_tag(hash, bits) | u32::try_from(offset).expect("a word table under 4 GB");
    }
    (text, slots)
}

/// The low bits of a word table's slot that hold a record's offset + 1, for a text of
/// `text_len` bytes ([`layout_word_table`]).
pub fn offset_bits(text_len: usize) -> u32 {
    usize::BITS - text_len.leading_zeros()
}

/// The tag of a key whose [`word_hash`] is `hash` in a word table's slot: the bits of the
/// hash's high half above the low `offset_bits` ones (none when the offset takes them all).
#[inline]
pub fn word_tag(hash: u64, offset_bits: u32) -> u32 {
    let offsets = 1u64.checked_shl(offset_bits).map_or(u32::MAX, |b| (b - 1) as u32);
    (hash >> 32) as u32 & !offsets
}

/// Whether `w` can be a spelling variant: letters, joined by single hyphens.
pub fn is_variant_word(w: &str) -> bool {
    !w.is_empty()
        && w.split('-')
            .all(|part| !part.is_empty() && part.chars().all(char::is_alphabetic))
}

/// Tag of a dense entry whose key has context rules or longer keys: use the rule index.
pub const DENSE_RULES: u8 = 0x80;
/// Tag of a dense entry for a character no rule mentions: it passes through.
pub const DENSE_PASS: u8 = 0xFF;
/// First code point covered by the dense array (the Cyrillic block).
pub const DENSE_FIRST: u32 = 0x400;
/// Number of entries of the dense array (U+0400..U+04FF).
pub const DENSE_LEN: usize = 256;

/// A table compiled for lookup: rules grouped by key (context rows first, in file order, then the
/// default row), the index of each key, and a dense array for the Cyrillic block.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// `(to, condition)` of every rule, grouped by key.
    pub rules: Vec<(String, Condition)>,
    /// `(key, first rule, number of rules)` for every key.
    pub index: Vec<(String, u32, u32)>,
    /// One entry per code point U+0400..U+04FF: the packed output (tag = byte length 1..=7,
    /// bytes 1..=7 = UTF-8), [`DENSE_RULES`] with the rule range (also for a letter that is
    /// dropped, which depends on its neighbour), or [`DENSE_PASS`].
    pub dense: Vec<u64>,
    /// The longest key, in characters.
    pub max_key_chars: usize,
}

/// Packs a rule range into a dense entry.
pub fn pack_range(start: u32, len: u32) -> u64 {
    u64::from(DENSE_RULES) | (u64::from(start) << 8) | (u64::from(len) << 40)
}

/// Unpacks the rule range of a [`DENSE_RULES`] entry.
pub fn unpack_range(entry: u64) -> (usize, usize) {
    (((entry >> 8) & 0xFFFF_FFFF) as usize, (entry >> 40) as usize)
}

/// Groups rows by key and builds the dense array. Rows of the same key keep their file order
/// except that the row without conditions goes last.
pub fn compile(rows: &[Row]) -> Compiled {
    let mut keys: Vec<&str> = Vec::new();
    for row in rows {
        if !keys.contains(&row.from.as_str()) {
            keys.push(&row.from);
        }
    }
    let mut rules = Vec::new();
    let mut index = Vec::new();
    for key in &keys {
        let start = rules.len() as u32;
        let group = rows.iter().filter(|r| r.from == *key);
        for row in group.clone().filter(|r| !r.condition.is_empty()) {
            rules.push((row.to.clone(), row.condition.clone()));
        }
        for row in group.filter(|r| r.condition.is_empty()) {
            rules.push((row.to.clone(), row.condition.clone()));
        }
        index.push((key.to_string(), start, rules.len() as u32 - start));
    }
    let mut dense = vec![u64::from(DENSE_PASS); DENSE_LEN];
    for (key, start, len) in &index {
        let mut chars = key.chars();
        let (Some(first), None) = (chars.next(), chars.next()) else {
            continue;
        };
        let slot = match (first as u32).checked_sub(DENSE_FIRST) {
            Some(s) if (s as usize) < DENSE_LEN => s as usize,
            _ => continue,
        };
        let longer = index
            .iter()
            .any(|(k, _, _)| k.len() > first.len_utf8() && k.starts_with(first));
        let (to, condition) = &rules[*start as usize];
        dense[slot] = if !longer && *len == 1 && condition.is_empty() && (1..=7).contains(&to.len()) {
            let mut packed = to.len() as u64;
            for (i, b) in to.bytes().enumerate() {
                packed |= u64::from(b) << (8 * (i + 1));
            }
            packed
        } else {
            pack_range(*start, *len)
        };
    }
    // A longer key starting with a character that is a key of its own was handled above; one
    // starting with a character that has no row gets an empty range.
    for (key, _, _) in &index {
        if let Some(first) = key.chars().next() {
            if key.chars().count() > 1 {
                if let Some(s) = (first as u32).checked_sub(DENSE_FIRST) {
                    if (s as usize) < DENSE_LEN && dense[s as usize] == u64::from(DENSE_PASS) {
                        dense[s as usize] = pack_range(0, 0);
                    }
                }
            }
        }
    }
    let max_key_chars = keys.iter().map(|k| k.chars().count()).max().unwrap_or(1);
    Compiled {
        rules,
        index,
        dense,
        max_key_chars,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_hold_letters_only() {
        let header = "name\tmembers\tnote\n";
        assert!(parse_classes(&format!("{header}vowel\taeAE\tvowels\n")).is_ok());
        let err = parse_classes(&format!("{header}odd\ta-\tnot letters\n")).expect_err("'-' is no letter");
        assert!(err.to_string().contains("'-'"), "{err}");
    }
}
