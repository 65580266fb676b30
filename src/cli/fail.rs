//! How failures are told apart and worded: one line `jazu: error: <message>` on stderr.

use std::io::{self, Write};

use jazu::InvalidUtf8;

/// A failure while converting one input.
#[derive(Debug)]
pub enum Problem {
    /// This input failed (missing, unreadable, not UTF-8, or its in-place rewrite failed); the
    /// message is reported and the next input is converted.
    Input(String),
    /// The shared output cannot be written; the run stops.
    Output(io::Error),
}

impl Problem {
    /// Classifies an error of the converting [`jazu::Writer`] of the input `name`: invalid UTF-8
    /// belongs to the input, anything else to the output it writes to.
    pub fn from_writer(name: &str, e: io::Error) -> Problem {
        match e.get_ref().and_then(|inner| inner.downcast_ref::<InvalidUtf8>()) {
            Some(bad) => Problem::Input(format!("{name}: {bad} (use --lossy to replace it)")),
            None => Problem::Output(e),
        }
    }

    /// An I/O error about the file `name`.
    pub fn input(name: &str, e: &io::Error) -> Problem {
        Problem::Input(format!("{name}: {}", describe(e)))
    }
}

/// The text of an I/O error without Rust's ` (os error N)` suffix.
pub fn describe(e: &io::Error) -> String {
    let text = e.to_string();
    match (e.raw_os_error(), text.rsplit_once(" (os error ")) {
        (Some(_), Some((message, _))) => message.to_string(),
        _ => text,
    }
}

/// Whether an output error means the reader went away (`jazu big.txt | head -1`), which ends
/// the run quietly and successfully.
pub fn is_broken_pipe(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::BrokenPipe
}

/// Prints `jazu: error: <message>` on stderr. A failure to write stderr is ignored: there is
/// nowhere left to report it.
pub fn report(message: &str) {
    let _ = writeln!(io::stderr().lock(), "jazu: error: {message}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_error_suffix_is_dropped() {
        let e = io::Error::from_raw_os_error(2);
        let text = describe(&e);
        assert!(!text.contains("os error"), "{text}");
        assert!(!text.is_empty());
        assert_eq!(describe(&io::Error::other("disk on fire")), "disk on fire");
    }

    #[test]
    fn invalid_utf8_belongs_to_the_input() {
        let t = jazu::Transliterator::new(jazu::Scheme::Cyrl, jazu::Scheme::Latn2021).unwrap();
        let e = t.convert_reader(&b"ok \xFF"[..], Vec::new()).unwrap_err();
        match Problem::from_writer("x.txt", e) {
            Problem::Input(m) => assert_eq!(m, "x.txt: invalid UTF-8 at byte offset 3 (use --lossy to replace it)"),
            Problem::Output(e) => panic!("{e}"),
        }
        let e = io::Error::from(io::ErrorKind::BrokenPipe);
        assert!(matches!(Problem::from_writer("x.txt", e), Problem::Output(ref e) if is_broken_pipe(e)));
    }
}
