//! Compiled rule tables: the data generated from `tables/` at build time, user overlays loaded
//! at run time, and the lookup both share.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::engine::wide_tables;
use crate::table::{self, Row, DENSE_LEN, DENSE_RULES};
use crate::wide::WideTables;

/// Tag of a dense entry whose rules live in the user overlay.
pub(crate) const DENSE_OVERLAY: u8 = 0x81;

/// When a rule applies (compiled form of [`table::Condition`]).
#[derive(Clone, Debug)]
pub(crate) struct When {
    /// Bit 0: `caps`, bit 1: `start`, bit 2: `end`.
    pub(crate) flags: u8,
    /// The `after:` class, empty for none.
    pub(crate) after: &'static Class,
    /// The `before:` class, empty for none.
    pub(crate) before: &'static Class,
}

/// Characters below this code point (Latin and Cyrillic) are looked up in a [`Class`]'s bits.
const CLASS_BITS: usize = 0x500;

/// A character class of `tables/classes.tsv`: its members, and a bit set of those below
/// U+0500 so that a membership test is one load.
#[derive(Debug)]
pub(crate) struct Class {
    members: &'static str,
    bits: [u64; CLASS_BITS / 64],
}

impl Class {
    /// The class of no character (a rule without that condition).
    pub(crate) const EMPTY: Class = Class::new("");

    /// The class of the characters of `members`.
    pub(crate) const fn new(members: &'static str) -> Class {
        let b = members.as_bytes();
        let mut bits = [0u64; CLASS_BITS / 64];
        let mut i = 0;
        while i < b.len() {
            // UTF-8 decoding by hand: `chars()` is not available in a const fn.
            let (c, len) = match b[i] {
                x if x < 0x80 => (x as usize, 1),
                x if x < 0xE0 => ((((x & 0x1F) as usize) << 6) | (b[i + 1] & 0x3F) as usize, 2),
                x if x < 0xF0 => (CLASS_BITS, 3),
                _ => (CLASS_BITS, 4),
            };
            if c < CLASS_BITS {
                bits[c / 64] |= 1 << (c % 64);
            }
            i += len;
        }
        Class { members, bits }
    }

    /// Whether the class has no member.
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Whether `c` is a member.
    #[inline]
    pub(crate) fn contains(&self, c: char) -> bool {
        let i = c as usize;
        if i < CLASS_BITS {
            self.bits[i / 64] >> (i % 64) & 1 != 0
        } else {
            self.members.contains(c)
        }
    }
}

/// One rule: its replacement and when it applies.
#[derive(Clone, Debug)]
pub(crate) struct Rule {
    pub(crate) to: Cow<'static, str>,
    pub(crate) when: When,
}

/// A table compiled into the binary by `build.rs`.
pub(crate) struct StaticTable {
    pub(crate) rules: &'static [Rule],
    pub(crate) index: &'static phf::Map<&'static str, (u32, u32)>,
    pub(crate) dense: &'static [u64; DENSE_LEN],
    pub(crate) max_key_chars: usize,
}

/// Static data about one scheme, from `tables/schemes.tsv`.
pub(crate) struct SchemeInfo {
    pub(crate) scheme: Scheme,
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    pub(crate) description: &'static str,
    pub(crate) example: &'static str,
    pub(crate) table: Option<&'static StaticTable>,
    pub(crate) reverse: Option<&'static StaticTable>,
    pub(crate) lexicon: Option<(
        &'static phf::Map<&'static str, &'static str>,
        &'static phf::Set<&'static str>,
    )>,
}

/// One form of a case or plural suffix, from `tables/suffixes.tsv`.
pub(crate) struct Suffix {
    /// The suffix as written.
    pub(crate) text: &'static str,
    /// Suffixes of one group are forms of each other.
    pub(crate) group: &'static str,
    /// `Some(true)` after a back-vowel stem, `Some(false)` after a front one, `None` after both.
    pub(crate) back: Option<bool>,
    /// The letters a stem may end in for this form.
    pub(crate) after: &'static str,
}

impl Suffix {
    /// Whether this form follows a stem ending in `last` whose harmony is back (`Some(true)`),
    /// front, or either (`None`).
    pub(crate) fn fits(&self, back: Option<bool>, last: char) -> bool {
        self.after.contains(last) && (self.back.is_none() || back.is_none() || self.back == back)
    }
}

/// A table of words compiled by `build.rs` without pointers (so the loader has nothing to
/// relocate): records `key<TAB>value<LF>` in one text, found through a hash table of offsets
/// and tags ([`crate::table::layout_word_table`]).
pub(crate) struct WordTable {
    text: &'static str,
    /// Offset + 1 of a record in `text` (the low [`crate::table::offset_bits`] bits) and the tag
    /// of its key, or 0; a power of two long.
    slots: &'static [u32],
}

impl WordTable {
    /// The value of `key` (the rest of its record), if the table holds it.
    pub(crate) fn get(&self, key: &str) -> Option<&'static str> {
        self.get_bytes(key.as_bytes())
    }

    /// Like [`WordTable::get`], for a key given as UTF-8 bytes (a key that is not UTF-8 is in
    /// no table).
    pub(crate) fn get_bytes(&self, key: &[u8]) -> Option<&'static str> {
        let mask = self.slots.len() - 1;
        let hash = crate::table::word_hash(key);
        let bits = crate::table::offset_bits(self.text.len());
        let tag = crate::table::word_tag(hash, bits);
        let offsets = !crate::table::word_tag(u64::MAX, bits);
        let mut i = hash as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return None;
            }
            if slot & !offsets == tag {
                let at = (slot & offsets) as usize;
                let record = &self.text.as_bytes()[at - 1..];
                if record.starts_with(key) && record.get(key.len()) == Some(&b'\t') {
                    let value = &self.text[at + key.len()..];
                    // Values are short: a plain loop beats a searcher.
                    let end = value.bytes().position(|b| b == b'\n').unwrap_or(value.len());
                    return Some(&value[..end]);
                }
            }
            i = (i + 1) & mask;
        }
    }
}

/// A table of tab-separated records compiled by `build.rs`, found by any of `N` key fields (the
/// fields after the first, which is the value): one text of the records, and for each key field
/// the slots of a hash table of line offsets ([`crate::table::layout_field_slots`]) and a
/// filter of the keys ([`crate::table::filter_bits`]).
pub(crate) struct FieldTable<const N: usize> {
    text: &'static str,
    columns: [(&'static [u32], &'static [u64]); N],
}

impl<const N: usize> FieldTable<N> {
    /// Whether the table has no record.
    pub(crate) fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Whether key field `column` (0-based among the keys) may hold a key whose
    /// [`crate::table::word_hash`] is `hash`.
    #[inline]
    pub(crate) fn may_hold_hash(&self, column: usize, hash: u64) -> bool {
        let Some(&(_, filter)) = self.columns.get(column).filter(|c| !c.1.is_empty()) else {
            return false;
        };
        let bit = hash as usize & (filter.len() * 64 - 1);
        filter[bit / 64] & (1 << (bit % 64)) != 0
    }

    /// The first field of the record whose key field `column` (0-based among the keys) is
    /// `key`.
    pub(crate) fn get(&self, column: usize, key: &str) -> Option<&'static str> {
        let hash = crate::table::word_hash(key.as_bytes());
        if !self.may_hold_hash(column, hash) {
            return None;
        }
        let slots = self.columns[column].0;
        let mask = slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let slot = slots[i] as usize;
            if slot == 0 {
                return None;
            }
            // The value is the record's first field; the key, field `column + 1`.
            let record = &self.text.as_bytes()[slot - 1..];
            let tabs = record.iter().enumerate().filter(|&(_, &b)| b == b'\t').map(|(k, _)| k);
            let mut tabs = tabs.take(column + 1);
            let first_tab = tabs.next()?;
            let at = tabs.last().unwrap_or(first_tab) + 1;
            let field = &record[at..];
            if field.starts_with(key.as_bytes()) && matches!(field.get(key.len()), Some(b'\t' | b'\n') | None) {
                return Some(&self.text[slot - 1..slot - 1 + first_tab]);
            }
            i = (i + 1) & mask;
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/tables.rs"));

/// Rules given at run time that replace the bundled rules of the same keys.
#[derive(Debug)]
pub(crate) struct Overlay {
    rules: Vec<Rule>,
    index: HashMap<String, (u32, u32)>,
}

/// The rule set of one conversion: a bundled table, optionally with a user overlay.
#[derive(Clone)]
pub(crate) struct RuleSet {
    base: &'static StaticTable,
    overlay: Option<Arc<Overlay>>,
    dense: Cow<'static, [u64; DENSE_LEN]>,
    max_key_chars: usize,
    /// Output bytes per input byte of the fast loop, to size its buffer.
    expansion: usize,
    /// For tables with longer keys: per character below [`SMALL_LEN`], the keys of two
    /// characters or more that start with it, so the longest match needs no hashing.
    longer: Option<Arc<LongerKeys>>,
    /// For Latin tables: per character below [`SMALL_LEN`], the rule range of that one-letter
    /// key (length 0: none), so the common lookup needs no hashing.
    small: Option<Arc<[(u32, u32); SMALL_LEN]>>,
    /// For Latin tables: per character below [`SMALL_LEN`], the index + 1 of its rule when that
    /// is its only rule, has no condition and writes something, and no longer key starts with
    /// the character (0: otherwise), so the common letter needs no rule matching at all.
    plain: Option<Arc<[u32; SMALL_LEN]>>,
    /// The dense array unpacked for the fast loop's wide steps, made on first use.
    wide: Arc<OnceLock<WideTables>>,
}

/// Characters covered by [`RuleSet::longer`]: Basic Latin to Latin Extended-B, and the
/// modifier letters used as apostrophes.
pub(crate) const SMALL_LEN: usize = 0x300;

impl RuleSet {
    /// The bundled rules of a table.
    pub(crate) fn new(base: &'static StaticTable) -> RuleSet {
        let longer = (base.max_key_chars > 1).then(|| Arc::new(LongerKeys::new(base.index)));
        let small = (base.max_key_chars > 1).then(|| {
            let mut small = [(0u32, 0u32); SMALL_LEN];
            for (key, range) in base.index.entries() {
                let mut chars = key.chars();
                if let (Some(c), None) = (chars.next(), chars.next()) {
                    if let Some(slot) = small.get_mut(c as usize) {
                        *slot = *range;
                    }
                }
            }
            Arc::new(small)
        });
        let plain = match (&small, &longer) {
            (Some(small), Some(longer)) => {
                let mut plain = [0u32; SMALL_LEN];
                for (c, &(start, len)) in small.iter().enumerate() {
                    let rule = &base.rules[start as usize];
                    let alone = char::from_u32(c as u32).and_then(|c| longer.starting_with(c)) == Some(&[]);
                    let when = &rule.when;
                    if len == 1
                        && alone
                        && when.flags == 0
                        && when.after.is_empty()
                        && when.before.is_empty()
                        && !rule.to.is_empty()
                    {
                        plain[c] = start + 1;
                    }
                }
                Some(Arc::new(plain))
            }
            _ => None,
        };
        RuleSet {
            base,
            overlay: None,
            dense: Cow::Borrowed(base.dense),
            max_key_chars: base.max_key_chars,
            expansion: expansion_of(base.dense),
            wide: Arc::default(),
            plain,
            longer,
            small,
        }
    }

    /// The longest key that can start with `c`, in characters.
    #[inline]
    pub(crate) fn max_key_chars_from(&self, c: char) -> usize {
        match self.longer_keys(c) {
            Some([]) => 1,
            _ => self.max_key_chars,
        }
    }

    /// The keys of two characters or more starting with `c`, longest first, with their rules,
    /// when they are known without hashing (bundled rules, `c` below [`SMALL_LEN`]).
    #[inline]
    pub(crate) fn longer_keys(&self, c: char) -> Option<&[(Box<str>, u32, u32)]> {
        match (&self.longer, &self.overlay) {
            (Some(longer), None) => longer.starting_with(c),
            _ => None,
        }
    }

    /// The output of `c` when it has one rule, without conditions, and starts no longer key.
    #[inline]
    pub(crate) fn plain(&self, c: char) -> Option<&str> {
        let (Some(plain), None) = (&self.plain, &self.overlay) else {
            return None;
        };
        let index = *plain.get(c as usize)?;
        (index > 0).then(|| &*self.base.rules[index as usize - 1].to)
    }

    /// The bundled rules `start..start + len`.
    #[inline]
    pub(crate) fn base_rules(&self, start: u32, len: u32) -> &[Rule] {
        self.base
            .rules
            .get(start as usize..(start + len) as usize)
            .unwrap_or(&[])
    }

    /// The bundled rules with `rows` replacing the rules of the keys they name. Class names in
    /// the rows must exist in [`CLASSES`] (the parser checks this).
    pub(crate) fn with_overlay(base: &'static StaticTable, rows: &[Row]) -> RuleSet {
        let compiled = table::compile(rows);
        let class = |c: &Option<String>| -> &'static Class {
            c.as_deref()
                .and_then(|n| CLASSES.get(n).copied())
                .unwrap_or(&Class::EMPTY)
        };
        let rules: Vec<Rule> = compiled
            .rules
            .iter()
            .map(|(to, cond)| Rule {
                to: Cow::Owned(to.clone()),
                when: When {
                    flags: u8::from(cond.caps) | u8::from(cond.start) << 1 | u8::from(cond.end) << 2,
                    after: class(&cond.after),
                    before: class(&cond.before),
                },
            })
            .collect();
        let index: HashMap<String, (u32, u32)> = compiled.index.iter().map(|(k, s, l)| (k.clone(), (*s, *l))).collect();
        let mut dense = *base.dense;
        for (slot, entry) in compiled.dense.iter().enumerate() {
            if *entry as u8 == table::DENSE_PASS {
                continue;
            }
            // Every overlay key in the Cyrillic block goes through the overlay's rule list.
            let ch = char::from_u32(table::DENSE_FIRST + slot as u32).unwrap_or('\0');
            let mut buf = [0u8; 4];
            let (start, len) = index.get(&*ch.encode_utf8(&mut buf)).copied().unwrap_or((0, 0));
            dense[slot] = (table::pack_range(start, len) & !0xFF) | u64::from(DENSE_OVERLAY);
        }
        RuleSet {
            base,
            max_key_chars: base.max_key_chars.max(compiled.max_key_chars),
            overlay: Some(Arc::new(Overlay { rules, index })),
            expansion: expansion_of(&dense),
            wide: Arc::default(),
            dense: Cow::Owned(dense),
            longer: None,
            small: None,
            plain: None,
        }
    }

    /// The dense array of the Cyrillic block.
    #[inline]
    pub(crate) fn dense(&self) -> &[u64; DENSE_LEN] {
        &self.dense
    }

    /// The dense array unpacked for the fast loop's wide steps.
    #[inline]
    pub(crate) fn wide(&self) -> &WideTables {
        self.wide.get_or_init(|| {
            // Letters with rules are taken only where every key is one letter long.
            let one_letter_keys = self.max_key_chars == 1;
            wide_tables(&self.dense, |slot| {
                let entry = self.dense[slot];
                let rules = is_rules_tag(entry as u8).then(|| self.dense_rules(entry));
                rules.filter(|_| one_letter_keys).and_then(caps_output)
            })
        })
    }

    /// The rules of a dense entry tagged [`DENSE_RULES`] or [`DENSE_OVERLAY`].
    #[inline]
    pub(crate) fn dense_rules(&self, entry: u64) -> &[Rule] {
        let (start, len) = table::unpack_range(entry);
        let rules: &[Rule] = match (entry as u8, &self.overlay) {
            (DENSE_OVERLAY, Some(o)) => &o.rules,
            _ => self.base.rules,
        };
        rules.get(start..start + len).unwrap_or(&[])
    }

    /// The rules of a one-letter key, if any.
    #[inline]
    pub(crate) fn lookup_char(&self, c: char) -> Option<&[Rule]> {
        if let (Some(small), None) = (&self.small, &self.overlay) {
            if let Some(&(start, len)) = small.get(c as usize) {
                return (len > 0)
                    .then(|| self.base.rules.get(start as usize..(start + len) as usize))
                    .flatten();
            }
        }
        let mut buf = [0u8; 4];
        self.lookup(c.encode_utf8(&mut buf))
    }

    /// The rules of a key, if any (overlay first).
    pub(crate) fn lookup(&self, key: &str) -> Option<&[Rule]> {
        if let Some(o) = &self.overlay {
            if let Some(&(s, l)) = o.index.get(key) {
                return o.rules.get(s as usize..(s + l) as usize);
            }
        }
        let &(s, l) = self.base.index.get(key)?;
        self.base.rules.get(s as usize..(s + l) as usize)
    }

    /// The longest key, in characters.
    #[inline]
    pub(crate) fn max_key_chars(&self) -> usize {
        self.max_key_chars
    }

    /// Output bytes per input byte of the fast loop's table entries (at least 1).
    #[inline]
    pub(crate) fn expansion(&self) -> usize {
        self.expansion
    }
}

/// The keys of two characters or more of a table, grouped by a first character below
/// [`SMALL_LEN`], longest first, with their rule ranges.
#[derive(Debug)]
pub(crate) struct LongerKeys {
    /// `keys[offsets[c]..offsets[c + 1]]` start with `c`.
    offsets: Box<[u16; SMALL_LEN + 1]>,
    keys: Vec<(Box<str>, u32, u32)>,
}

impl LongerKeys {
    fn new(index: &phf::Map<&'static str, (u32, u32)>) -> LongerKeys {
        let mut keys: Vec<(char, usize, &str, (u32, u32))> = index
            .entries()
            .filter_map(|(key, range)| {
                let mut chars = key.chars();
                let first = chars.next()?;
                let count = 1 + chars.count();
                ((first as usize) < SMALL_LEN && count > 1).then_some((first, count, *key, *range))
            })
            .collect();
        keys.sort_by(|a, b| (a.0, b.1, a.2).cmp(&(b.0, a.1, b.2)));
        let mut offsets = Box::new([0u16; SMALL_LEN + 1]);
        for (c, _, _, _) in &keys {
            offsets[*c as usize + 1] += 1;
        }
        for c in 0..SMALL_LEN {
            offsets[c + 1] += offsets[c];
        }
        LongerKeys {
            offsets,
            keys: keys.into_iter().map(|(_, _, k, (s, l))| (Box::from(k), s, l)).collect(),
        }
    }

    /// The keys starting with `c`, or `None` for a character not covered.
    #[inline]
    fn starting_with(&self, c: char) -> Option<&[(Box<str>, u32, u32)]> {
        let c = c as usize;
        (c < SMALL_LEN).then(|| &self.keys[self.offsets[c] as usize..self.offsets[c + 1] as usize])
    }
}

/// The parts of `text` between the ASCII byte `sep` (a tab, a line feed), found by bytes: on
/// the short fields of the bundled tables a plain loop beats a string searcher.
pub(crate) fn split_on(text: &str, sep: u8) -> impl Iterator<Item = &str> {
    text.as_bytes().split(move |&b| b == sep).map(move |part| {
        // An ASCII separator never cuts a character: the part is the same range as a `&str`.
        let start = part.as_ptr() as usize - text.as_ptr() as usize;
        &text[start..start + part.len()]
    })
}

/// A bit set of the hashes of a set of words (FNV-1a, [`table::word_hash`]): a word whose bit
/// is clear is not in the set. It spares the hash-map lookups of the many words a lexicon
/// lacks, and since FNV-1a is computed byte by byte, one pass over a word tests all its prefixes
/// (the stems it may have).
pub(crate) struct WordFilter {
    bits: Box<[u64]>,
    /// The number of bits, less one (a power of two, less one).
    mask: usize,
}

impl WordFilter {
    /// The filter of `words`, with about eight bits per word (at least 2^16): a word the set
    /// lacks passes one time in eight or fewer.
    pub(crate) fn new<'w>(words: impl IntoIterator<Item = &'w str> + Clone) -> WordFilter {
        let bits = table::filter_bits(words).into_boxed_slice();
        let mask = bits.len() * 64 - 1;
        WordFilter { bits, mask }
    }

    /// Whether `word` may be in the set.
    #[inline]
    pub(crate) fn may_hold(&self, word: &str) -> bool {
        self.may_hold_hash(table::word_hash(word.as_bytes()))
    }

    /// Whether a word whose [`table::word_hash`] is `hash` may be in the set.
    #[inline]
    pub(crate) fn may_hold_hash(&self, hash: u64) -> bool {
        let h = hash as usize & self.mask;
        self.bits[h / 64] & (1 << (h % 64)) != 0
    }
}

/// The output of a letter whose rules are a `caps` rule and a rule without conditions, both of
/// two bytes that differ only in the case of the second, an ASCII letter (`ZH`, `Zh`): the
/// rule without conditions' output. The fast loop's wide steps take such letters.
pub(crate) fn caps_output(rules: &[Rule]) -> Option<[u8; 2]> {
    let [caps, other] = rules else {
        return None;
    };
    let plain = |w: &When| w.after.is_empty() && w.before.is_empty();
    let conditions = caps.when.flags == 1 && plain(&caps.when) && other.when.flags == 0 && plain(&other.when);
    let (upper, lower) = (caps.to.as_bytes(), other.to.as_bytes());
    match (upper, lower) {
        (&[u0, u1], &[l0, l1])
            if conditions && u0 == l0 && l1.is_ascii_lowercase() && u1 == l1.to_ascii_uppercase() =>
        {
            Some([l0, l1])
        }
        _ => None,
    }
}

/// Whether a dense entry's tag means "look at the rules".
#[inline]
pub(crate) fn is_rules_tag(tag: u8) -> bool {
    tag == DENSE_RULES || tag == DENSE_OVERLAY
}

/// Output bytes per input byte of the plain entries of a dense array, rounded up (at least 1).
fn expansion_of(dense: &[u64; DENSE_LEN]) -> usize {
    let longest = dense
        .iter()
        .map(|e| if (*e as u8) <= 7 { (*e as u8) as usize } else { 2 })
        .max()
        .unwrap_or(2);
    longest.div_ceil(2).max(1)
}

#[cfg(all(test, feature = "russian-loans"))]
mod tests {
    use super::*;

    /// Every row of the loanword table is found by each of its keys, and only by them.
    #[test]
    fn every_loanword_is_found_by_its_keys() {
        let mut rows = 0;
        for line in RUSSIAN_LOANS.text.lines() {
            let mut fields = line.split('\t');
            let word = fields.next().expect("a word");
            for (column, key) in fields.enumerate().filter(|(_, k)| !k.is_empty()) {
                assert_eq!(RUSSIAN_LOANS.get(column, key), Some(word), "{key} in column {column}");
                assert_eq!(RUSSIAN_LOANS.get(column, &format!("{key}q")), None, "{key}q");
            }
            rows += 1;
        }
        assert!(rows > 30_000, "{rows} rows");
        assert_eq!(RUSSIAN_LOANS.get(0, ""), None);
        assert_eq!(RUSSIAN_LOANS.get(3, "gostinisa"), None);
    }
}

#[cfg(test)]
mod word_tables {
    use super::*;

    #[test]
    fn a_word_table_finds_its_keys_and_no_others() {
        let keys: Vec<String> = (0..3000).map(|i| format!("сөз{i}")).collect();
        let (text, slots) = crate::table::layout_word_table(keys.iter().map(|k| (k.as_str(), k.to_uppercase())));
        let table = WordTable {
            text: Box::leak(text.into_boxed_str()),
            slots: Box::leak(slots.into_boxed_slice()),
        };
        for k in &keys {
            assert_eq!(table.get(k), Some(k.to_uppercase().as_str()), "{k}");
        }
        for absent in ["сөз", "сөз3000", "сөз1\t", "", "өз1"] {
            assert_eq!(table.get(absent), None, "{absent:?}");
        }
    }

    #[test]
    fn a_tag_keeps_clear_of_the_offset() {
        assert_eq!(crate::table::word_tag(u64::MAX, 32), 0);
        assert_eq!(crate::table::word_tag(u64::MAX, 20), 0xFFF0_0000);
        assert_eq!(crate::table::offset_bits(0x8_0000), 20);
    }
}
