//! [`Transliterator`] and its [`Builder`].

use std::borrow::Cow;
use std::fmt;

use std::cell::RefCell;

use std::collections::HashMap;
use std::sync::Arc;

use crate::detect::{detect_latin, find_latin};
use crate::engine::{ChangeLog, Engine, Flags};
use crate::html;
use crate::memo::MemoPool;
use crate::normalize::{Change, Repair};
use crate::orthography::{Edit, WordRepairs};
use crate::parallel;
use crate::reverse::{Alignment, Reverse};
use crate::rules::{RuleSet, CLASSES};
use crate::scheme::{Scheme, Source};
use crate::spelling::{Spelling, Variants};
use crate::table::{self, Row, TableError};

/// A converter from one script to another.
///
/// Cheap to make (the bundled tables are static) and cheap to clone; share one across threads
/// freely. Conversion never fails and never loses text: anything that is not a Kazakh Cyrillic
/// letter passes through byte for byte, except that the input is put in Unicode NFC and
/// look-alike letters from the wrong script inside a word are repaired.
///
/// ```
/// use jazu::{Scheme, Transliterator};
///
/// let t = Transliterator::new(Scheme::Cyrl, Scheme::Latn2021)?;
/// assert_eq!(t.convert("Шымкент, 2025 ж."), "Şymkent, 2025 j.");
/// // Text with nothing to convert comes back borrowed.
/// assert!(matches!(t.convert("iPhone 15"), std::borrow::Cow::Borrowed(_)));
/// # Ok::<(), jazu::BuildError>(())
/// ```
#[derive(Clone)]
pub struct Transliterator {
    from: Source,
    to: Scheme,
    rules: Option<RuleSet>,
    flags: Flags,
    html: bool,
    /// Latin → Cyrillic first: the source scheme's converter, or (for `auto`) one per Latin
    /// writing system, chosen line by line.
    reverse: Vec<Reverse>,
    /// Word repairs on the Cyrillic text (Russian-keyboard stand-ins, spelling variants).
    words: WordRepairs,
    /// The most threads a long text is read back on (0: as many as the machine runs at once).
    threads: usize,
}

impl fmt::Debug for Transliterator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transliterator")
            .field("from", &self.from)
            .field("to", &self.to)
            .field("html", &self.html)
            .finish_non_exhaustive()
    }
}

/// Why a [`Builder`] could not make a [`Transliterator`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    kind: BuildErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum BuildErrorKind {
    Unsupported { from: Source, to: Scheme },
    Exceptions(String),
    Table { name: String, error: TableError },
    Map(String),
    Variants { name: String, error: TableError },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            BuildErrorKind::Unsupported { from, to } => write!(
                f,
                "conversion from {from} to {to} is not available: {from} is a romanization, not a writing \
                 system, so it is not read back (Latin sources: latn-2021, latn-2018, latn-2017, wiki-latn)"
            ),
            BuildErrorKind::Exceptions(m) => f.write_str(m),
            BuildErrorKind::Table { name, error } => write!(f, "{name}: {error}"),
            BuildErrorKind::Map(m) => f.write_str(m),
            BuildErrorKind::Variants { name, error } => write!(f, "{name}: {error}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Options for a [`Transliterator`].
///
/// ```
/// use jazu::{Scheme, Transliterator};
///
/// // Write Ц as "ts" instead of the default "s" of the 2021 table.
/// let t = Transliterator::builder(Scheme::Cyrl, Scheme::Latn2021)
///     .map("ц", "ts")
///     .map("Ц", "Ts")
///     .build()?;
/// assert_eq!(t.convert("Цирк"), "Tsirk");
/// # Ok::<(), jazu::BuildError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Builder {
    from: Source,
    to: Scheme,
    rows: Vec<Row>,
    error: Option<BuildError>,
    flags: Flags,
    html: bool,
    lexicon: bool,
    exceptions: HashMap<String, String>,
    keyboard: Option<bool>,
    spelling: Option<Spelling>,
    variants: Vec<(String, String)>,
    threads: usize,
}

impl Builder {
    /// Replaces the bundled rules for `from` with one rule that writes `to`.
    pub fn map(mut self, from: &str, to: &str) -> Builder {
        self.push_row(from, to, "", "map");
        self
    }

    fn push_row(&mut self, from: &str, to: &str, context: &str, name: &str) {
        let is_class = |n: &str| CLASSES.contains_key(n);
        let line = self.rows.len() + 1;
        let mut text = table::RULE_HEADER.join("\t");
        text.push('\n');
        text.push_str(&[from, to, context, ""].join("\t"));
        match table::parse_rules(&text, &is_class) {
            Ok(mut rows) => self.add_rows(rows.drain(..).map(|r| Row { line, ..r }).collect(), name),
            Err(e) => {
                self.error.get_or_insert(BuildError {
                    kind: BuildErrorKind::Map(format!("{name} {from:?} -> {to:?}: {}", e.message)),
                });
            }
        }
    }

    fn add_rows(&mut self, rows: Vec<Row>, name: &str) {
        for row in rows {
            if let Some(i) = self
                .rows
                .iter()
                .position(|r| r.from == row.from && r.condition == row.condition)
            {
                self.rows[i] = row;
            } else if self.rows.len() > 100_000 {
                self.error.get_or_insert(BuildError {
                    kind: BuildErrorKind::Map(format!("{name}: more than 100000 rules")),
                });
            } else {
                self.rows.push(row);
            }
        }
    }

    /// Replaces the bundled rules of every key that `tsv` names with the rows of `tsv`, a table
    /// in the format of `tables/README.md` (header `from`, `to`, `context`, `note`, tab-separated). `name` is used in
    /// error messages.
    ///
    /// ```
    /// use jazu::{Scheme, Transliterator};
    /// let tsv = "from\tto\tcontext\tnote\nЧ\tCH\tcaps\t\nЧ\tÇ\t\t\nч\tç\t\t\n";
    /// let t = Transliterator::builder(Scheme::Cyrl, Scheme::Latn2021).table("my.tsv", tsv).build()?;
    /// assert_eq!(t.convert("Чай ЧАЙ"), "Çai CHAİ");
    /// # Ok::<(), jazu::BuildError>(())
    /// ```
    pub fn table(mut self, name: &str, tsv: &str) -> Builder {
        let is_class = |n: &str| CLASSES.contains_key(n);
        match table::parse_rules(tsv, &is_class) {
            Ok(rows) => self.add_rows(rows, name),
            Err(error) => {
                self.error.get_or_insert(BuildError {
                    kind: BuildErrorKind::Table {
                        name: name.to_string(),
                        error,
                    },
                });
            }
        }
        self
    }

    /// Adds a rule with a context (see `tables/README.md`), such as `caps` or `after:CLASS`.
    pub fn map_when(mut self, from: &str, to: &str, context: &str) -> Builder {
        self.push_row(from, to, context, "map");
        self
    }

    /// HTML mode: tags, attribute values (except `alt` and `title`), comments and the contents
    /// of `<code>`, `<pre>`, `<script>` and `<style>` are copied untouched. Off by default.
    pub fn html(mut self, yes: bool) -> Builder {
        self.html = yes;
        self
    }

    /// Repair look-alike letters of the other script inside a word (`Аxios` with a Cyrillic А
    /// becomes `Axios`; `мемлекеттiк` with a Latin i becomes `мемлекеттік`). On by default.
    pub fn repair_lookalikes(mut self, yes: bool) -> Builder {
        self.flags.repair = yes;
        self
    }

    /// Read back Kazakh typed on a Russian keyboard (`Казакстан` → `Қазақстан`, `оте жақсы` →
    /// `өте жақсы`) in Kazakh sentences of Cyrillic text; Russian sentences are left alone. On
    /// by default from Cyrillic to Cyrillic (normalization), off otherwise: it looks every word
    /// up in a lexicon, which makes a conversion many times slower.
    ///
    /// ```
    /// use jazu::{Scheme, Transliterator};
    /// let t = Transliterator::builder(Scheme::Cyrl, Scheme::Latn2021).repair_keyboard(true).build()?;
    /// assert_eq!(t.convert("Казакстан улкен ел."), "Qazaqstan ülken el.");
    /// assert_eq!(t.convert("Казахстан присоединится к соглашениям."), "Kazahstan prisoedinitsia k soglaşeniiam.");
    /// # Ok::<(), jazu::BuildError>(())
    /// ```
    ///
    /// The lexicon comes with the `keyboard-lexicon` feature (on by default); without it this
    /// repairs nothing (see [`Builder::has_keyboard_lexicon`]).
    pub fn repair_keyboard(mut self, yes: bool) -> Builder {
        self.keyboard = Some(yes);
        self
    }

    /// Whether the Russian-keyboard lexicon is compiled in (feature `keyboard-lexicon`).
    pub fn has_keyboard_lexicon() -> bool {
        crate::rules::HAS_KEYBOARD_LEXICON
    }

    /// Unify spelling variants (`tables/variants.tsv`: Авраам → Ибраһим, Токаев → Тоқаев),
    /// inflected forms included (Авраамның → Ибраһимнің). Off by default, except from Cyrillic
    /// to Cyrillic (normalization), where it is [`Spelling::Kazakh`].
    ///
    /// ```
    /// use jazu::{Scheme, Spelling, Transliterator};
    /// let t = Transliterator::builder(Scheme::Cyrl, Scheme::Cyrl).spelling(Spelling::Kazakh).build()?;
    /// assert_eq!(t.convert("Авраамның ұлы"), "Ибраһимнің ұлы");
    /// # Ok::<(), jazu::BuildError>(())
    /// ```
    pub fn spelling(mut self, spelling: Spelling) -> Builder {
        self.spelling = Some(spelling);
        self
    }

    /// Adds rows to the spelling-variant table: a TSV text in the format of
    /// `tables/variants.tsv` (header `kazakh`, `variants`, `source`; variants separated by
    /// `|`). `name` is used in error messages. Takes effect with [`Builder::spelling`].
    ///
    /// ```
    /// use jazu::{Scheme, Spelling, Transliterator};
    /// let t = Transliterator::builder(Scheme::Cyrl, Scheme::Cyrl)
    ///     .variants("names.tsv", "kazakh\tvariants\tsource\nЖұмабек\tДжумабек\tfamily\n")
    ///     .build()?;
    /// assert_eq!(t.convert("Джумабекке"), "Жұмабекке");
    /// # Ok::<(), jazu::BuildError>(())
    /// ```
    pub fn variants(mut self, name: &str, tsv: &str) -> Builder {
        self.variants.push((name.to_string(), tsv.to_string()));
        self
    }

    /// Copy URLs, e-mail addresses and @handles untouched. On by default.
    pub fn protect_links(mut self, yes: bool) -> Builder {
        self.flags.protect = yes;
        self
    }

    /// Adds words to read from Latin to Cyrillic before the bundled lexicon and rules: a TSV
    /// text with the header `latin`, `cyrillic` (tab-separated, `#` comments), one word per row,
    /// matched without case (the output takes the case of the input word). `name` is used in
    /// error messages.
    ///
    /// ```
    /// use jazu::{Scheme, Transliterator};
    /// let t = Transliterator::builder(Scheme::Latn2021, Scheme::Cyrl)
    ///     .exceptions("names.tsv", "latin\tcyrillic\nnūrai\tнұрай\n")
    ///     .build()?;
    /// assert_eq!(t.convert("Nūrai keldı"), "Нұрай келді");
    /// # Ok::<(), jazu::BuildError>(())
    /// ```
    pub fn exceptions(mut self, name: &str, tsv: &str) -> Builder {
        match table::records(tsv, &["latin", "cyrillic"]) {
            Ok(rows) => {
                for (_, f) in rows {
                    self.exceptions.insert(f[0].to_lowercase(), f[1].to_lowercase());
                }
            }
            Err(e) => {
                self.error.get_or_insert(BuildError {
                    kind: BuildErrorKind::Exceptions(format!("{name}: {e}")),
                });
            }
        }
        self
    }

    /// Use the bundled lexicon when reading Latin back to Cyrillic (on by default; off leaves
    /// only the letter rules, which is how the lexicon itself is made).
    pub fn lexicon(mut self, yes: bool) -> Builder {
        self.lexicon = yes;
        self
    }

    /// The most threads [`Transliterator::convert`] and [`Transliterator::convert_into`] take
    /// for a long text: from 256 KiB when reading Latin back or normalizing, which decide line
    /// by line, from 2 MiB when converting letter by letter. The text is cut at line ends into
    /// parts that the threads convert, and the result is the same as on one thread. 0, the
    /// default, is as many as the machine runs at once; 1 converts on the calling thread only.
    /// HTML is converted on one thread (markup may span lines), and so is everything where
    /// threads cannot be started (WebAssembly).
    ///
    /// ```
    /// use jazu::{Scheme, Transliterator};
    /// let t = Transliterator::builder(Scheme::Latn2021, Scheme::Cyrl).threads(1).build()?;
    /// assert_eq!(t.convert("Qazaqstan"), "Қазақстан");
    /// # Ok::<(), jazu::BuildError>(())
    /// ```
    pub fn threads(mut self, most: usize) -> Builder {
        self.threads = most;
        self
    }

    /// Makes the transliterator.
    ///
    /// # Errors
    /// When the pair of schemes is not supported, or a user table or rule is malformed.
    pub fn build(self) -> Result<Transliterator, BuildError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let same = self.from == Source::Scheme(self.to);
        let spelling = self.spelling.unwrap_or(if same && self.to == Scheme::Cyrl {
            Spelling::Kazakh
        } else {
            Spelling::Off
        });
        let variants = if self.variants.is_empty() || spelling == Spelling::Off {
            Variants::bundled(spelling)
        } else {
            let mut v = Variants::bundled_rows(spelling);
            for (name, tsv) in &self.variants {
                v.add_table(tsv, spelling).map_err(|error| BuildError {
                    kind: BuildErrorKind::Variants {
                        name: name.clone(),
                        error,
                    },
                })?;
            }
            Some(Arc::new(v))
        };
        // Word repairs read Cyrillic text: the input, or what Latin was read back into. With
        // them, a word whose letters all have look-alikes in the other script takes the script
        // of its sentence.
        let normalizing = same && self.to == Scheme::Cyrl;
        let latin_source = matches!(self.from, Source::Scheme(s) if s != Scheme::Cyrl);
        let keyboard = self.keyboard.unwrap_or(normalizing) && self.flags.repair && !latin_source && !self.html;
        let latin_text = same && self.to != Scheme::Cyrl;
        let variants = variants.filter(|_| !self.html && !latin_text);
        let alphabet =
            (latin_text && self.flags.repair && !self.html && self.to.reverse().is_some()).then_some(self.to);
        let words = WordRepairs {
            keyboard,
            lookalikes: self.flags.repair && (keyboard || variants.is_some()),
            variants,
            alphabet,
            memo: MemoPool::default(),
        };
        let exceptions = (!self.exceptions.is_empty()).then(|| Arc::new(self.exceptions));
        let reverse_of = |scheme: Scheme| -> Option<Reverse> {
            Some(Reverse {
                scheme,
                rules: RuleSet::new(scheme.reverse()?),
                lexicon: if self.lexicon { scheme.lexicon() } else { None },
                exceptions: exceptions.clone(),
                protect: self.flags.protect,
                variants: if self.lexicon {
                    Variants::bundled(Spelling::Kazakh)
                } else {
                    None
                },
                forward: scheme.table().map(RuleSet::new),
                memo: MemoPool::default(),
            })
        };
        let reverse: Vec<Reverse> = match self.from {
            Source::Auto => Scheme::all().filter_map(reverse_of).collect(),
            Source::Scheme(Scheme::Cyrl) => Vec::new(),
            Source::Scheme(s) if s == self.to => Vec::new(),
            Source::Scheme(s) => match reverse_of(s) {
                Some(r) => vec![r],
                None => {
                    return Err(BuildError {
                        kind: BuildErrorKind::Unsupported {
                            from: self.from,
                            to: self.to,
                        },
                    })
                }
            },
        };
        let rules = match (same, self.to.table()) {
            (false, Some(base)) if self.rows.is_empty() => Some(RuleSet::new(base)),
            (false, Some(base)) => Some(RuleSet::with_overlay(base, &self.rows)),
            _ => None,
        };
        Ok(Transliterator {
            from: self.from,
            to: self.to,
            rules,
            flags: self.flags,
            html: self.html,
            reverse,
            words,
            threads: self.threads,
        })
    }
}

impl Transliterator {
    /// A transliterator with the default options.
    ///
    /// # Errors
    /// When the pair is not supported: the source must be [`Scheme::Cyrl`] or [`Source::Auto`],
    /// or the same scheme as the target (normalization only).
    pub fn new(from: impl Into<Source>, to: Scheme) -> Result<Transliterator, BuildError> {
        Transliterator::builder(from, to).build()
    }

    /// A builder for a transliterator with options.
    pub fn builder(from: impl Into<Source>, to: Scheme) -> Builder {
        Builder {
            from: from.into(),
            to,
            rows: Vec::new(),
            error: None,
            flags: Flags {
                repair: true,
                protect: true,
            },
            html: false,
            lexicon: true,
            exceptions: HashMap::new(),
            keyboard: None,
            spelling: None,
            variants: Vec::new(),
            threads: 0,
        }
    }

    /// The source of this conversion.
    pub fn from(&self) -> Source {
        self.from
    }

    /// The target of this conversion.
    pub fn to(&self) -> Scheme {
        self.to
    }

    pub(crate) fn engine(&self) -> Engine<'_> {
        Engine {
            rules: self.rules.as_ref(),
            flags: self.flags,
            log: None,
        }
    }

    /// Converts `text` into `out` (cleared first), recording repairs in `log`.
    pub(crate) fn convert_logged(&self, text: &str, log: &RefCell<ChangeLog>, out: &mut String) -> bool {
        out.clear();
        let mut html_state = html::State::default();
        self.convert_chunk(text, None, None, (false, false), &mut html_state, Some(log), out)
    }

    pub(crate) fn is_html(&self) -> bool {
        self.html
    }

    /// Converts `text`; borrowed when nothing changes.
    ///
    /// ```
    /// use jazu::{Scheme, Transliterator};
    /// let t = Transliterator::new(Scheme::Cyrl, Scheme::BgnPcgn)?;
    /// assert_eq!(t.convert("ШЫМКЕНТ"), "SHYMKENT");
    /// assert_eq!(t.convert("Шымкент"), "Shymkent");
    /// # Ok::<(), jazu::BuildError>(())
    /// ```
    #[must_use]
    pub fn convert<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = String::new();
        if self.convert_part(text, None, None, &mut out) {
            Cow::Owned(out)
        } else {
            Cow::Borrowed(text)
        }
    }

    /// Converts `text`, appending the result to `out` (whose allocation is reused).
    ///
    /// ```
    /// use jazu::{Scheme, Transliterator};
    /// let t = Transliterator::new(Scheme::Cyrl, Scheme::Latn2018)?;
    /// let mut out = String::from("> ");
    /// t.convert_into("Қазақстан", &mut out);
    /// assert_eq!(out, "> Qazaqstan");
    /// # Ok::<(), jazu::BuildError>(())
    /// ```
    pub fn convert_into(&self, text: &str, out: &mut String) {
        if !self.convert_part(text, None, None, out) {
            out.push_str(text);
        }
    }

    /// Converts a part of a longer text that starts at a token boundary (at a line start when
    /// [`Transliterator::is_linewise`]); `prev` and `next` are the characters around it.
    /// Returns `false` (and leaves `out` alone) if nothing changes.
    pub(crate) fn convert_part(&self, text: &str, prev: Option<char>, next: Option<char>, out: &mut String) -> bool {
        // HTML is converted on one thread: markup may span lines.
        let threads = if self.html {
            1
        } else {
            parallel::threads_for(text.len(), self.threads, self.is_linewise())
        };
        if threads > 1 {
            let parts = parallel::cut_at_lines(text, parallel::parts_for(threads));
            // Each part with the characters around it, as a stream cut there would be.
            let convert = |k: usize, out: &mut String| {
                let before = match k {
                    0 => prev,
                    _ => parts[k - 1].chars().next_back(),
                };
                let after = parts.get(k + 1).map_or(next, |p| p.chars().next());
                let mut html_state = html::State::default();
                self.convert_chunk(parts[k], before, after, (false, false), &mut html_state, None, out)
            };
            return parallel::convert_parts(&parts, threads, convert, out);
        }
        let mut html_state = html::State::default();
        self.convert_chunk(text, prev, next, (false, false), &mut html_state, None, out)
    }

    /// Whether the conversion decides line by line (reading Latin back to Cyrillic, word
    /// repairs that look at the whole sentence), so a stream is cut only at line ends.
    pub(crate) fn is_linewise(&self) -> bool {
        !self.reverse.is_empty() || self.words.is_active()
    }

    /// The conversion of one piece: Latin to Cyrillic first where that applies, then the
    /// conversion from Cyrillic (or normalization).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn convert_chunk(
        &self,
        text: &str,
        prev: Option<char>,
        next: Option<char>,
        long: (bool, bool),
        html_state: &mut html::State,
        log: Option<&RefCell<ChangeLog>>,
        out: &mut String,
    ) -> bool {
        let mut settled = Vec::new();
        // For a change report, where the words read back lie, to tell repairs at their place in
        // the input.
        let mut align = log.map(|_| Alignment::default());
        let engine = Engine { log, ..self.engine() };
        let unsettled = Unsettled {
            engine: &engine,
            prev,
            next,
            long,
        };
        // Latin is read back into `out` itself: when every line read back is settled and
        // nothing else is to be done, that is the result, not copied again.
        let base = out.len();
        let reversed =
            !(self.reverse.is_empty() || self.html) && self.reverse_into(text, out, &mut settled, align.as_mut());
        if reversed && log.is_none() && !self.words.is_active() && self.only_normalizes() && !settled.is_empty() {
            // Lines read back whose words are settled stay; the rest is normalized.
            unsettled.in_place(out, base, &settled);
            return true;
        }
        let cyrillic = if reversed { out.split_off(base) } else { String::new() };
        let source: &str = if reversed { &cyrillic } else { text };
        let mut repaired = String::new();
        let mut plain = Vec::new();
        let mut edits = if self.words.is_active() {
            self.words.edits_and_plain_lines(source, long, &mut plain)
        } else {
            Vec::new()
        };
        if log.is_none() {
            // Words left as they are, told only in a change report.
            edits.retain(|e| e.repair != Repair::Ambiguous);
        }
        let logged_before = log.map_or(0, |l| l.borrow().changes.len());
        let unrepaired = source;
        let source: &str = if edits.is_empty() {
            source
        } else {
            apply_edits(source, &edits, log, &mut repaired);
            if edits.iter().all(|e| e.repair == Repair::Ambiguous) {
                source
            } else {
                &repaired
            }
        };
        let logged_words = log.map_or(0, |l| l.borrow().changes.len());
        let changed = if self.html && !self.reverse.is_empty() {
            let read_back = ReadBack { t: self, engine };
            html::convert(&read_back, html_state, source, prev, next, out)
        } else if self.html {
            html::convert(&engine, html_state, source, prev, next, out)
        } else if edits.is_empty() && log.is_none() && !settled.is_empty() && self.only_normalizes() {
            // As above, for spelling repairs that found nothing to change.
            unsettled.append(source, &settled, out);
            true
        } else if log.is_none() && settled.is_empty() && !plain.is_empty() && self.only_normalizes() {
            // Plain lines that the word repairs leave alone hold only characters that the
            // normalizing leaves as they are: they are copied, the rest is normalized.
            let plain = after_edits(&plain, &edits);
            let at = out.len();
            // As `engine.run`: nothing written when nothing changed.
            let changed = unsettled.append(source, &plain, out);
            if !changed {
                out.truncate(at);
            }
            changed
        } else {
            engine.run(source, prev, next, long, out)
        };
        if let (Some(log), false) = (log, edits.is_empty()) {
            let mut log = log.borrow_mut();
            let base = log.base;
            // The engine's repairs are of the text after the word edits: they are told as changes
            // of the text before them (a token that holds an edited word included).
            for change in &mut log.changes[logged_words..] {
                let at = change.offset - base;
                let start = offset_before_edits(at, &edits, false);
                let end = offset_before_edits(at + change.before.len(), &edits, true);
                change.offset = base + start;
                change.before = unrepaired[start..end].to_string();
            }
            let mut changes = log.changes.split_off(logged_before);
            changes.retain(|c| c.is_change() || c.repair() == Repair::Ambiguous);
            changes.sort_by_key(|c| c.offset);
            log.changes.extend(changes);
        }
        if let (Some(log), Some(align), true) = (log, align, reversed) {
            tell_in_input(&mut log.borrow_mut(), logged_before, align, text);
        }
        if !changed && !std::ptr::eq(source, text) {
            out.push_str(source);
            return true;
        }
        changed
    }

    /// Whether the engine's pass only normalizes Cyrillic text (NFC, look-alikes), converting
    /// nothing.
    fn only_normalizes(&self) -> bool {
        self.rules.is_none() && self.to == Scheme::Cyrl && !self.html
    }

    /// Reads Latin back to Cyrillic, line by line: the source scheme's converter, or for `auto`
    /// the converter of the Latin alphabet each line shows (lines with no sign of one are left).
    /// The byte ranges of `out` that hold lines read back that need no normalization after go
    /// into `settled` (with `auto`, none).
    fn reverse_into(
        &self,
        text: &str,
        out: &mut String,
        settled: &mut Vec<(usize, usize)>,
        mut align: Option<&mut Alignment>,
    ) -> bool {
        if let [only] = self.reverse.as_slice() {
            if self.from != Source::Auto {
                return only.run(text, out, settled, align);
            }
        }
        // Only the lines with a byte that may start a Latin letter are looked at, found in one
        // pass over the text; the others are copied only once a line before or after them
        // changes, and not at all when none does.
        let b = text.as_bytes();
        let mut copied = 0;
        let mut from = 0;
        while let Some(hit) = find_latin(&b[from..]).map(|k| from + k) {
            let start = b[from..hit]
                .iter()
                .rposition(|&c| c == b'\n')
                .map_or(from, |p| from + p + 1);
            let at = b[hit..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |p| hit + p + 1);
            from = at;
            let line = &text[start..at];
            let reverse = detect_latin(line).and_then(|s| self.reverse.iter().find(|r| r.scheme == s));
            if let Some(r) = reverse.filter(|r| r.scheme != self.to) {
                let mark = out.len();
                out.push_str(&text[copied..start]);
                // `run` leaves `out` alone when nothing changed.
                if let Some(align) = align.as_deref_mut() {
                    align.input_base = start;
                }
                if r.run(line, out, &mut Vec::new(), align.as_deref_mut()) {
                    copied = at;
                } else {
                    out.truncate(mark);
                }
            }
        }
        if copied == 0 {
            return false;
        }
        out.push_str(&text[copied..]);
        true
    }
}

/// The repairs logged from `from` on, made on the Cyrillic that `text` was read back into, told at
/// their place in `text` (the log's base is where `text` starts in the input), with the
/// look-alike repairs made while reading.
fn tell_in_input(log: &mut ChangeLog, from: usize, align: Alignment, text: &str) {
    let base = log.base;
    for change in &mut log.changes[from..] {
        let at = change.offset - base;
        let start = align.input_offset(at, false);
        let end = align.input_offset(at + change.before.len(), true);
        change.offset = base + start;
        change.before = text[start..end].to_string();
    }
    let read = align.repairs.into_iter();
    log.changes
        .extend(read.map(|(at, before, after)| Change::new(base + at, &before, &after, Repair::Lookalike)));
    log.changes[from..].sort_by_key(|c| c.offset);
}

/// HTML mode reading Latin back: each span of text is read back on its own, then normalized.
struct ReadBack<'a> {
    t: &'a Transliterator,
    engine: Engine<'a>,
}

impl html::Spans for ReadBack<'_> {
    fn convert(&self, text: &str, at: usize, prev: Option<char>, next: Option<char>, out: &mut String) -> bool {
        let log = self.engine.log;
        let mut cyrillic = String::new();
        let mut align = log.map(|_| Alignment::default());
        let reversed = self
            .t
            .reverse_into(text, &mut cyrillic, &mut Vec::new(), align.as_mut());
        let source = if reversed { cyrillic.as_str() } else { text };
        let logged = log.map_or(0, |l| l.borrow().changes.len());
        if let Some(log) = log {
            log.borrow_mut().base += at;
        }
        let changed = self.engine.run(source, prev, next, (false, false), out);
        if let (Some(log), Some(align), true) = (log, align, reversed) {
            tell_in_input(&mut log.borrow_mut(), logged, align, text);
        }
        if let Some(log) = log {
            log.borrow_mut().base -= at;
        }
        if !changed && reversed {
            out.push_str(source);
        }
        changed || reversed
    }
}

/// The normalizing of a text outside its settled byte ranges (in order, at line starts and
/// ends), which stay as they are: lines read back from Latin whose words need none, plain
/// lines the word repairs leave alone.
struct Unsettled<'a> {
    engine: &'a Engine<'a>,
    /// The characters before and after the whole text.
    prev: Option<char>,
    next: Option<char>,
    /// Whether the text starts and ends inside a long token ([`Engine::run`]).
    long: (bool, bool),
}

impl Unsettled<'_> {
    /// Appends `text` to `out`, normalized outside the `settled` ranges. Whether the engine
    /// changed any of the rest.
    fn append(&self, text: &str, settled: &[(usize, usize)], out: &mut String) -> bool {
        let repairs = self.repairs(text, settled);
        push_repaired(text, 0, &repairs, out);
        !repairs.is_empty()
    }

    /// [`Unsettled::append`] of the text that `out` holds from `base` on, in place: nothing is
    /// copied when the engine changes nothing, and otherwise only from the first change on.
    fn in_place(&self, out: &mut String, base: usize, settled: &[(usize, usize)]) {
        let repairs = self.repairs(&out[base..], settled);
        if let Some(&(first, ..)) = repairs.first() {
            let tail = out.split_off(base + first);
            push_repaired(&tail, first, &repairs, out);
        }
    }

    /// The parts of `text` outside the `settled` ranges that the engine changes, with what it
    /// makes of them, in order.
    fn repairs(&self, text: &str, settled: &[(usize, usize)]) -> Vec<(usize, usize, String)> {
        let (prev, next, long) = (self.prev, self.next, self.long);
        let last = settled.last().map_or(0, |&(_, end)| end);
        let gaps = settled
            .iter()
            .scan(0, |at, &(start, end)| Some((std::mem::replace(at, end), start)))
            .chain(std::iter::once((last, text.len())));
        let mut repairs = Vec::new();
        for (from, to) in gaps.filter(|(from, to)| from < to) {
            let before = if from == 0 {
                prev
            } else {
                text[..from].chars().next_back()
            };
            let after = if to == text.len() {
                next
            } else {
                text[to..].chars().next()
            };
            let mut repaired = String::new();
            let long = (long.0 && from == 0, long.1 && to == text.len());
            if self.engine.run(&text[from..to], before, after, long, &mut repaired) {
                repairs.push((from, to, repaired));
            }
        }
        repairs
    }
}

/// Appends `text`, which starts at byte `start` of the text that `repairs` (in order, none
/// before `start`) are of, to `out` with the repairs made.
fn push_repaired(text: &str, start: usize, repairs: &[(usize, usize, String)], out: &mut String) {
    let mut at = 0;
    for (from, to, repaired) in repairs {
        out.push_str(&text[at..from - start]);
        out.push_str(repaired);
        at = to - start;
    }
    out.push_str(&text[at..]);
}

/// The byte ranges `ranges` of a text (in order, none of them overlapping an edit), as they lie
/// in the text with `edits` (in order) applied.
fn after_edits(ranges: &[(usize, usize)], edits: &[Edit]) -> Vec<(usize, usize)> {
    let mut edits = edits.iter().peekable();
    let (mut added, mut removed) = (0, 0);
    ranges
        .iter()
        .map(|&(start, end)| {
            while let Some(e) = edits.next_if(|e| e.end <= start) {
                added += e.text.len();
                removed += e.end - e.start;
            }
            (start + added - removed, end + added - removed)
        })
        .collect()
}

/// Writes `text` with `edits` applied into `out`, recording each edit in `log`.
fn apply_edits(text: &str, edits: &[Edit], log: Option<&RefCell<ChangeLog>>, out: &mut String) {
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.start]);
        out.push_str(&e.text);
        at = e.end;
        if let Some(log) = log {
            let mut log = log.borrow_mut();
            let offset = log.base + e.start;
            log.changes
                .push(Change::new(offset, &text[e.start..e.end], &e.text, e.repair));
        }
    }
    out.push_str(&text[at..]);
}

/// The offset in the text before `edits` of offset `at` of the text after them. An offset
/// inside an edited word goes to the word's start, or to its end for the `end` of a range.
fn offset_before_edits(at: usize, edits: &[Edit], end: bool) -> usize {
    let mut shift: isize = 0;
    for e in edits {
        let new_start = (e.start as isize + shift) as usize;
        let new_end = new_start + e.text.len();
        if at < new_start || (at == new_start && end) {
            break;
        }
        if at < new_end || (at == new_end && end) {
            return if end { e.end } else { e.start };
        }
        shift += e.text.len() as isize - (e.end - e.start) as isize;
    }
    (at as isize - shift) as usize
}
