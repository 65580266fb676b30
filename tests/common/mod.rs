//! Shared helpers for the data-driven tests: a TSV loader that keeps line numbers, and a failure
//! collector that reports every failure with its `file:line` before failing once.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::PathBuf;

use jazu::{Scheme, Transliterator};

/// One data row of a TSV file.
pub struct Row {
    /// The file, relative to the crate root (for messages).
    pub file: String,
    /// 1-based line number in the file.
    pub line: usize,
    /// The fields, split on TAB and not trimmed (leading and trailing spaces are test data).
    pub fields: Vec<String>,
}

impl Row {
    /// The field under `name` in the file's header.
    pub fn get<'a>(&'a self, header: &[String], name: &str) -> &'a str {
        let i = header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{}: no column {name:?} in header {header:?}", self.file));
        self.fields.get(i).map(String::as_str).unwrap_or("")
    }

    /// `file:line`, for messages.
    pub fn at(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// A TSV file: its header and its data rows. Lines starting with `#` are comments; the first
/// other line is the header. Every row must have as many fields as the header.
pub struct Tsv {
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

/// Reads `tests/data/<rel>` (UTF-8, LF line ends).
pub fn load_tsv(rel: &str) -> Tsv {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "data", rel].iter().collect();
    let file = format!("tests/data/{rel}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let body = text.strip_suffix('\n').unwrap_or(&text);
    for (i, line) in body.split('\n').enumerate() {
        let line_no = i + 1;
        assert!(!line.ends_with('\r'), "{file}:{line_no}: CR line end");
        if line.starts_with('#') {
            continue;
        }
        let fields: Vec<String> = line.split('\t').map(str::to_owned).collect();
        match &header {
            None => header = Some(fields),
            Some(h) => {
                assert_eq!(
                    fields.len(),
                    h.len(),
                    "{file}:{line_no}: {} fields, the header has {}",
                    fields.len(),
                    h.len()
                );
                rows.push(Row {
                    file: file.clone(),
                    line: line_no,
                    fields,
                });
            }
        }
    }
    Tsv {
        header: header.unwrap_or_else(|| panic!("{file}: no header")),
        rows,
    }
}

/// Collects failures; [`Failures::finish`] prints them all and panics once if there are any.
#[derive(Default)]
pub struct Failures {
    list: Vec<String>,
}

impl Failures {
    pub fn new() -> Failures {
        Failures::default()
    }

    /// Records a mismatch unless `actual == expected`; returns whether it matched.
    pub fn check(&mut self, at: &str, what: &str, input: &str, expected: &str, actual: &str) -> bool {
        if actual == expected {
            return true;
        }
        self.list.push(format!(
            "{at}: {what}\n    input:    {input:?}\n    expected: {expected:?}\n    actual:   {actual:?}"
        ));
        false
    }

    /// Records a failure message.
    pub fn push(&mut self, message: String) {
        self.list.push(message);
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Prints every failure and panics if there was one.
    pub fn finish(self, title: &str) {
        if self.list.is_empty() {
            return;
        }
        let mut msg = format!("{title}: {} failure(s)\n", self.list.len());
        for f in &self.list {
            let _ = writeln!(msg, "{f}");
        }
        panic!("{msg}");
    }
}

/// The transliterator from Cyrillic to the scheme with the id `to`.
pub fn from_cyrl(to: &str) -> Transliterator {
    let to: Scheme = to.parse().unwrap_or_else(|e| panic!("scheme {to:?}: {e}"));
    Transliterator::new(Scheme::Cyrl, to).unwrap_or_else(|e| panic!("cyrl -> {to}: {e}"))
}

/// Every Latin scheme id (every scheme but `cyrl`).
pub fn latin_schemes() -> Vec<Scheme> {
    Scheme::all().filter(|s| s.is_latin()).collect()
}

/// The `text` column of a corpus file (`tests/data/corpus/*.tsv`), with the sentence index.
pub fn sentences(tsv: &str) -> impl Iterator<Item = (usize, &str)> {
    tsv.lines()
        .skip(1)
        .filter_map(|l| l.split_once('\t').map(|(_, t)| t))
        .enumerate()
}
