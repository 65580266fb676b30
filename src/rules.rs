//! Compiled rule tables: the data generated from `tables/` at build time, user overlays loaded
//! at run time, and the lookup both share.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use crate::table::{self, Row, DENSE_LEN, DENSE_RULES};

/// Tag of a dense entry whose rules live in the user overlay.
pub(crate) const DENSE_OVERLAY: u8 = 0x81;

/// When a rule applies (compiled form of [`table::Condition`]).
#[derive(Clone, Debug)]
pub(crate) struct When {
    /// Bit 0: `caps`, bit 1: `start`, bit 2: `end`.
    pub(crate) flags: u8,
    /// Members of the `after:` class, empty for none.
    pub(crate) after: &'static str,
    /// Members of the `before:` class, empty for none.
    pub(crate) before: &'static str,
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

/// A table of words compiled by `build.rs` without pointers (so the loader has nothing to
/// relocate): records `key<TAB>value<LF>` in one text, found through a hash table of offsets.
pub(crate) struct WordTable {
    text: &'static str,
    /// Offset + 1 of a record in `text`, or 0; a power of two long.
    slots: &'static [u32],
}

impl WordTable {
    /// The value of `key` (the rest of its record), if the table holds it.
    pub(crate) fn get(&self, key: &str) -> Option<&'static str> {
        let mask = self.slots.len() - 1;
        let mut i = crate::table::word_hash(key.as_bytes()) as usize & mask;
        loop {
            let slot = self.slots[i] as usize;
            if slot == 0 {
                return None;
            }
            let record = &self.text.as_bytes()[slot - 1..];
            if record.starts_with(key.as_bytes()) && record.get(key.len()) == Some(&b'\t') {
                let value = &self.text[slot + key.len()..];
                return Some(&value[..value.find('\n').unwrap_or(value.len())]);
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
    /// For tables with longer keys: per character below [`SMALL_LEN`], whether a longer key
    /// starts with it, so the longest match tries only the lengths that can match.
    starts_longer: Option<Arc<[bool; SMALL_LEN]>>,
    /// For Latin tables: per character below [`SMALL_LEN`], the rule range of that one-letter
    /// key (length 0: none), so the common lookup needs no hashing.
    small: Option<Arc<[(u32, u32); SMALL_LEN]>>,
}

/// Characters covered by [`RuleSet::starts_longer`]: Basic Latin to Latin Extended-B, and the
/// modifier letters used as apostrophes.
pub(crate) const SMALL_LEN: usize = 0x300;

impl RuleSet {
    /// The bundled rules of a table.
    pub(crate) fn new(base: &'static StaticTable) -> RuleSet {
        let starts_longer = (base.max_key_chars > 1).then(|| {
            let mut longer = [false; SMALL_LEN];
            for key in base.index.keys() {
                let mut chars = key.chars();
                if let (Some(first), Some(_)) = (chars.next(), chars.next()) {
                    if let Some(slot) = longer.get_mut(first as usize) {
                        *slot = true;
                    }
                }
            }
            Arc::new(longer)
        });
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
        RuleSet {
            base,
            overlay: None,
            dense: Cow::Borrowed(base.dense),
            max_key_chars: base.max_key_chars,
            expansion: expansion_of(base.dense),
            starts_longer,
            small,
        }
    }

    /// The longest key that can start with `c`, in characters.
    #[inline]
    pub(crate) fn max_key_chars_from(&self, c: char) -> usize {
        match (&self.starts_longer, &self.overlay) {
            (Some(longer), None) if (c as usize) < SMALL_LEN && !longer[c as usize] => 1,
            _ => self.max_key_chars,
        }
    }

    /// The bundled rules with `rows` replacing the rules of the keys they name. Class names in
    /// the rows must exist in [`CLASSES`] (the parser checks this).
    pub(crate) fn with_overlay(base: &'static StaticTable, rows: &[Row]) -> RuleSet {
        let compiled = table::compile(rows);
        let class =
            |c: &Option<String>| -> &'static str { c.as_deref().and_then(|n| CLASSES.get(n).copied()).unwrap_or("") };
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
            dense: Cow::Owned(dense),
            starts_longer: None,
            small: None,
        }
    }

    /// The dense array of the Cyrillic block.
    #[inline]
    pub(crate) fn dense(&self) -> &[u64; DENSE_LEN] {
        &self.dense
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
