//! `--report json` and `--check`: every repair the conversion makes (and each word left that
//! reads as other words too), with its place in the input (byte offset, line, and column in
//! bytes, both from 1).

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io::{self, Write};

use jazu::Change;

/// How repairs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line.
    Json,
    /// `FILE:LINE:COLUMN: repair: before -> after`, the form editors and CI annotate.
    Check,
}

/// Writes the repairs of the inputs of a run, following line ends as the input is read.
pub struct Reporter {
    format: Format,
    out: Box<dyn Write>,
    /// How many changes were written (words told as ambiguous but left are not counted).
    pub found: usize,
    /// Line ends read but not passed yet, as input offsets.
    newlines: VecDeque<u64>,
    /// Bytes read of the current input.
    read: u64,
    /// The line (from 1) and the offset of its start, of the last place passed.
    line: u64,
    line_start: u64,
}

impl Reporter {
    /// A reporter writing to `out`.
    pub fn new(format: Format, out: Box<dyn Write>) -> Reporter {
        Reporter {
            format,
            out,
            found: 0,
            newlines: VecDeque::new(),
            read: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// Starts a new input.
    pub fn start(&mut self) {
        self.newlines.clear();
        self.read = 0;
        self.line = 1;
        self.line_start = 0;
    }

    /// Notes the line ends of the next bytes read.
    pub fn read(&mut self, bytes: &[u8]) {
        let base = self.read;
        self.newlines.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == b'\n')
                .map(|(i, _)| base + i as u64),
        );
        self.read += bytes.len() as u64;
    }

    /// Writes `changes` of the input `name` (in input order), then forgets the line ends before
    /// `converted`, the input bytes converted so far.
    ///
    /// # Errors
    /// When the report cannot be written.
    pub fn report(&mut self, name: &str, changes: Vec<Change>, converted: u64) -> io::Result<()> {
        let mut text = String::new();
        for change in changes {
            let offset = change.offset() as u64;
            self.pass(offset);
            let column = offset - self.line_start + 1;
            match self.format {
                Format::Json => {
                    text.push('{');
                    field(&mut text, "file", name);
                    write!(text, ",\"offset\":{offset},\"line\":{},\"column\":{column},", self.line).unwrap();
                    field(&mut text, "before", change.before());
                    text.push(',');
                    field(&mut text, "after", change.after());
                    text.push(',');
                    field(&mut text, "repair", change.repair().id());
                    text.push(',');
                    field(&mut text, "description", change.repair().description());
                    if let [first, rest @ ..] = change.alternatives() {
                        text.push_str(",\"alternatives\":[");
                        string(&mut text, first);
                        for other in rest {
                            text.push(',');
                            string(&mut text, other);
                        }
                        text.push(']');
                    }
                    text.push_str("}\n");
                }
                Format::Check => {
                    write!(
                        text,
                        "{name}:{}:{column}: {}: {}",
                        self.line,
                        change.repair(),
                        change.before()
                    )
                    .unwrap();
                    if change.is_change() {
                        write!(text, " -> {}", change.after()).unwrap();
                    }
                    if !change.alternatives().is_empty() {
                        write!(text, " (or {})", change.alternatives().join(", ")).unwrap();
                    }
                    text.push('\n');
                }
            }
            self.found += usize::from(change.is_change());
        }
        self.pass(converted);
        self.out.write_all(text.as_bytes())
    }

    /// Counts the line ends before `offset`.
    fn pass(&mut self, offset: u64) {
        while let Some(&n) = self.newlines.front() {
            if n >= offset {
                break;
            }
            self.line += 1;
            self.line_start = n + 1;
            self.newlines.pop_front();
        }
    }

    /// Flushes what was written.
    ///
    /// # Errors
    /// When the report cannot be written.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Appends `"key":"value"` with `value` escaped for JSON.
fn field(out: &mut String, key: &str, value: &str) {
    write!(out, "\"{key}\":").unwrap();
    string(out, value);
}

/// Appends `value` as a JSON string.
fn string(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => write!(out, "\\u{:04x}", c as u32).unwrap(),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped() {
        let mut s = String::new();
        field(&mut s, "k", "a\"b\\c\nd\u{1}");
        assert_eq!(s, r#""k":"a\"b\\c\nd\u0001""#);
    }
}
