//! Streaming conversion: an [`io::Write`] adapter and [`Transliterator::convert_reader`].
//!
//! Input is converted up to the last token boundary seen (normally the last whitespace) and the
//! rest is kept for the next write, with one character of context on each side. The output is
//! therefore the same as [`Transliterator::convert`] on the whole text, for every way of cutting
//! the input into writes, including cuts inside a UTF-8 sequence.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::io::{self, Read, Write};

use unicode_normalization::char::{canonical_combining_class, is_combining_mark};
use unicode_normalization::{is_nfc_quick, IsNormalized};

use crate::engine::{is_long_at, ChangeLog, Cuts};
use crate::html;
use crate::normalize::Change;
use crate::translit::Transliterator;

/// Text held back beyond this size is cut anyway, to keep memory bounded (see
/// `Writer::forced_cut`).
const MAX_PENDING: usize = 4 << 20;

/// The forced cut looks for a good place within this many bytes of the end of the held-back
/// text, so that what stays held back after it is short.
const MAX_TAIL: usize = 64 * 1024;

/// Size of the reads of [`Transliterator::convert_reader`].
const READ_SIZE: usize = 64 * 1024;

/// Input that is not UTF-8, at a byte offset from the start of the stream. It reaches callers
/// as the payload of an [`io::Error`] of kind [`io::ErrorKind::InvalidData`].
///
/// ```
/// use jazu::{InvalidUtf8, Scheme, Transliterator};
/// let t = Transliterator::new(Scheme::Cyrl, Scheme::Latn2021).unwrap();
/// let err = t.convert_reader(&b"ok \xFF"[..], Vec::new()).unwrap_err();
/// let bad = err.get_ref().and_then(|e| e.downcast_ref::<InvalidUtf8>()).unwrap();
/// assert_eq!(bad.offset(), 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidUtf8 {
    offset: u64,
}

impl InvalidUtf8 {
    /// Byte offset of the first byte that is not part of valid UTF-8.
    pub fn offset(&self) -> u64 {
        self.offset
    }
}

impl fmt::Display for InvalidUtf8 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid UTF-8 at byte offset {}", self.offset)
    }
}

impl std::error::Error for InvalidUtf8 {}

/// An [`io::Write`] adapter that converts the text written to it and writes the result to an
/// inner writer. Call [`Writer::finish`] at the end: it converts what is still held back and
/// reports input that ended inside a UTF-8 sequence. The inner writer is not flushed.
///
/// Each write costs time in proportion to the bytes it adds (amortized): what is known of the
/// held-back text is kept, and only the new part is scanned.
///
/// ```
/// use std::io::Write;
/// use jazu::{Scheme, Transliterator};
///
/// let t = Transliterator::new(Scheme::Cyrl, Scheme::Latn2021)?;
/// let mut w = t.writer(Vec::new());
/// let bytes = "Қазақстан Республикасы".as_bytes();
/// w.write_all(&bytes[..3])?; // ends inside a letter
/// w.write_all(&bytes[3..])?;
/// assert_eq!(String::from_utf8(w.finish()?).unwrap(), "Qazaqstan Respublikasy");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Writer<'t, W: Write> {
    t: &'t Transliterator,
    inner: W,
    /// The text held back: complete UTF-8, invalid bytes already replaced.
    pending: String,
    /// Bytes after `pending` not decoded yet: an unfinished UTF-8 sequence, or invalid bytes
    /// reported as an error.
    undecoded: Vec<u8>,
    consumed: u64,
    prev: Option<char>,
    out: String,
    html: html::State,
    lossy: bool,
    /// The pending text continues a long token (see the engine).
    in_long: bool,
    /// Each U+FFFD put in for invalid bytes, as its offset in all the text that passed through
    /// `pending`, and how many bytes it added; in order.
    replaced: VecDeque<(u64, usize)>,
    /// Bytes of text removed from the front of `pending` so far.
    drained: u64,
    /// Where the pending text may be cut, as far as it was scanned (engine mode).
    cuts: Cuts,
    /// The last line end or whitespace in the pending text, as far as it was scanned (line by
    /// line and HTML modes).
    breaks: LastBreak,
    /// The repairs made so far, when they are recorded.
    changes: Option<RefCell<ChangeLog>>,
}

/// The end of the last break byte (a line feed, or ASCII whitespace) in a growing text, found
/// by scanning each part once.
#[derive(Clone, Copy, Debug, Default)]
struct LastBreak {
    /// How much of the text has been scanned.
    scanned: usize,
    /// The end of the last break byte.
    end: Option<usize>,
}

impl LastBreak {
    /// The end of the last byte of `b` that `is_break` accepts, scanning what was added since
    /// the last call.
    fn find(&mut self, b: &[u8], is_break: impl Fn(u8) -> bool) -> Option<usize> {
        let from = self.scanned.min(b.len());
        if let Some(p) = b[from..].iter().rposition(|&c| is_break(c)) {
            self.end = Some(from + p + 1);
        }
        self.scanned = b.len();
        self.end
    }

    /// Follows the removal of the first `at` bytes of the text.
    fn cut(&mut self, at: usize) {
        if self.end == Some(at) {
            *self = LastBreak {
                scanned: self.scanned - at,
                end: None,
            };
        } else {
            *self = LastBreak::default();
        }
    }
}

impl<W: Write> fmt::Debug for Writer<'_, W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Writer")
            .field("pending", &self.pending.len())
            .finish_non_exhaustive()
    }
}

impl<'t, W: Write> Writer<'t, W> {
    /// Replace invalid UTF-8 with U+FFFD instead of failing.
    pub fn lossy(mut self, yes: bool) -> Self {
        self.lossy = yes;
        self
    }

    /// Record the repairs made (see [`Transliterator::convert_with_changes`]); take them with
    /// [`Writer::take_changes`]. Their offsets count the bytes of the text from the start of the
    /// stream: input bytes, unless `lossy` replaced invalid ones.
    ///
    /// ```
    /// use std::io::Write;
    /// use jazu::{Repair, Scheme, Transliterator};
    ///
    /// let t = Transliterator::new(Scheme::Cyrl, Scheme::Cyrl)?;
    /// let mut w = t.writer(Vec::new()).record_changes(true);
    /// w.write_all("Бұл жаhан.\nКазакстан улкен ел.\n".as_bytes())?;
    /// let changes = w.take_changes();
    /// assert_eq!(changes[0].offset(), 7);
    /// assert_eq!(changes[0].repair(), Repair::Lookalike);
    /// assert_eq!(changes[1].after(), "Қазақстан");
    /// assert_eq!(String::from_utf8(w.finish()?).unwrap(), "Бұл жаһан.\nҚазақстан үлкен ел.\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record_changes(mut self, yes: bool) -> Self {
        self.changes = yes.then(RefCell::default);
        self
    }

    /// The repairs recorded since the last call, in input order: those of the text converted
    /// and written so far (text held back for context comes later, or at [`Writer::finish`]).
    pub fn take_changes(&mut self) -> Vec<Change> {
        self.changes
            .as_ref()
            .map(|log| std::mem::take(&mut log.borrow_mut().changes))
            .unwrap_or_default()
    }

    /// Converts what is still held back, like [`Writer::finish`], and returns the inner writer
    /// with the repairs not taken yet.
    ///
    /// # Errors
    /// As [`Writer::finish`].
    pub fn finish_with_changes(mut self) -> io::Result<(W, Vec<Change>)> {
        self.process(true)?;
        let changes = self.take_changes();
        Ok((self.inner, changes))
    }

    /// Number of input bytes converted and written so far.
    pub fn bytes_in(&self) -> u64 {
        self.consumed
    }

    /// Moves the complete UTF-8 of `undecoded` to `pending`, repairing or reporting invalid
    /// bytes. An unfinished sequence at the end stays, unless this is the `last` call.
    fn decode(&mut self, last: bool) -> io::Result<()> {
        let undecoded = std::mem::take(&mut self.undecoded);
        let (from, result) = self.decode_slice(&undecoded, last);
        self.undecoded = undecoded;
        self.undecoded.drain(..from);
        result
    }

    /// Moves the complete UTF-8 of `input` to `pending` as [`Writer::decode`] does, and tells
    /// how many bytes of `input` it took.
    fn decode_slice(&mut self, input: &[u8], last: bool) -> (usize, io::Result<()>) {
        let mut from = 0;
        let result = loop {
            let rest = &input[from..];
            let (valid, error) = match simdutf8::compat::from_utf8(rest) {
                Ok(_) => (rest.len(), None),
                Err(e) => (e.valid_up_to(), Some(e.error_len())),
            };
            // The check above guarantees this succeeds; a second SIMD pass costs little.
            let Ok(text) = simdutf8::basic::from_utf8(&rest[..valid]) else {
                break Err(io::Error::new(io::ErrorKind::InvalidData, "invalid UTF-8"));
            };
            self.pending.push_str(text);
            from += valid;
            let bad = match error {
                None => break Ok(()),
                Some(Some(n)) => n,
                Some(None) if last => input.len() - from,
                Some(None) => break Ok(()),
            };
            if !self.lossy {
                // Nothing was replaced, so the pending text is all input.
                let offset = self.consumed + self.pending.len() as u64;
                break Err(io::Error::new(io::ErrorKind::InvalidData, InvalidUtf8 { offset }));
            }
            let at = self.drained + self.pending.len() as u64;
            self.replaced.push_back((at, '\u{FFFD}'.len_utf8() - bad));
            self.pending.push('\u{FFFD}');
            from += bad;
        };
        (from, result)
    }

    /// Decodes what was written and converts the held-back text up to where it may be cut (all
    /// of it when this is the `last` call).
    fn process(&mut self, last: bool) -> io::Result<()> {
        self.decode(last)?;
        self.convert_pending(last)
    }

    /// Converts the held-back text up to where it may be cut (all of it when `last`).
    fn convert_pending(&mut self, last: bool) -> io::Result<()> {
        let (cut, long) = if last {
            (self.pending.len(), false)
        } else {
            match self.boundary() {
                Some(c) => c,
                None => return Ok(()),
            }
        };
        let (head, tail) = self.pending.split_at(cut);
        let next = tail.chars().next();
        self.out.clear();
        if let Some(log) = &self.changes {
            log.borrow_mut().base = self.drained as usize;
        }
        let changed = self.t.convert_chunk(
            head,
            self.prev,
            next,
            (self.in_long, long),
            &mut self.html,
            self.changes.as_ref(),
            &mut self.out,
        );
        let result = if changed {
            self.inner.write_all(self.out.as_bytes())
        } else {
            self.inner.write_all(head.as_bytes())
        };
        result?;
        self.prev = head.chars().next_back().or(self.prev);
        self.in_long = long;
        self.cuts.cut(cut, long);
        self.breaks.cut(cut);
        self.drain(cut);
        Ok(())
    }

    /// Removes the first `cut` bytes of the pending text, which were converted, and counts the
    /// input bytes they stand for: less what replacing invalid bytes added.
    fn drain(&mut self, cut: usize) {
        let end = self.drained + cut as u64;
        let mut added = 0;
        while let Some(&(at, n)) = self.replaced.front() {
            if at >= end {
                break;
            }
            added += n;
            self.replaced.pop_front();
        }
        self.consumed += (cut - added) as u64;
        self.drained = end;
        self.pending.drain(..cut);
    }

    /// Where the pending text may be cut, and whether the cut falls inside a long token.
    fn boundary(&mut self) -> Option<(usize, bool)> {
        let text = self.pending.as_str();
        let found = if self.t.is_linewise() {
            // Latin is read back to Cyrillic line by line: cut after the last line end.
            self.breaks.find(text.as_bytes(), |c| c == b'\n').map(|p| (p, false))
        } else if self.t.is_html() {
            // In HTML mode only whitespace is a safe cut: no markup delimiter (`-->`, `</pre`,
            // a closing quote) contains it.
            self.breaks
                .find(text.as_bytes(), |c| c.is_ascii_whitespace())
                .map(|p| (p, false))
        } else {
            self.t.engine().scan(text, &mut self.cuts);
            self.cuts.boundary(self.in_long)
        };
        if found.is_some() || text.len() < MAX_PENDING {
            return found;
        }
        Some(self.forced_cut())
    }

    /// Where held-back text beyond [`MAX_PENDING`] is cut anyway, to keep memory bounded (a
    /// line of more than 4 MiB in Latin → Cyrillic mode, markup without whitespace, a letter
    /// with millions of combining marks), and whether the cut falls inside a long token. Only
    /// there can the output differ from a one-shot conversion.
    ///
    /// The cut keeps a short tail: it falls before the last character, within [`MAX_TAIL`]
    /// bytes of the end, that starts an NFC-stable sequence (see [`starts_stable`]) and where
    /// the cut splits neither a key of several letters nor, in HTML mode, a markup delimiter;
    /// one right after whitespace is preferred. Failing that, before the last character.
    fn forced_cut(&self) -> (usize, bool) {
        let text = self.pending.as_str();
        let b = text.as_bytes();
        let engine = self.t.engine();
        let html = self.t.is_html();
        let fits =
            |p: usize| starts_stable(text, p) && !engine.splits_key(text, p) && !(html && html::splits_delimiter(b, p));
        let from = text.len().saturating_sub(MAX_TAIL).max(1);
        let mut fitting = (from..text.len())
            .rev()
            .filter(|&p| text.is_char_boundary(p) && fits(p));
        let after_space = |p: usize| b[p - 1].is_ascii_whitespace();
        let cut = match fitting.next() {
            Some(p) if !after_space(p) => fitting.find(|&q| after_space(q)).unwrap_or(p),
            Some(p) => p,
            None => text.char_indices().next_back().map_or(0, |(p, _)| p),
        };
        // HTML mode converts text between tags as it is, long or not.
        (cut, !html && is_long_at(text, cut, self.in_long))
    }

    /// Converts what is left, reports input that ended inside a UTF-8 sequence, and returns
    /// the inner writer (not flushed).
    ///
    /// # Errors
    /// Invalid UTF-8 (an [`InvalidUtf8`] payload) or an error of the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.process(true)?;
        Ok(self.inner)
    }
}

/// Whether the character at byte `p` of `text` starts an NFC-stable sequence: a starter
/// (canonical combining class 0) that NFC keeps and that composes with nothing before it (quick
/// check Yes), followed by a character that is not a combining mark. NFC of the text before it
/// and of the text from it is NFC of the whole, whatever follows.
fn starts_stable(text: &str, p: usize) -> bool {
    let mut chars = text[p..].chars();
    match (chars.next(), chars.next()) {
        (Some(c), Some(after)) => {
            canonical_combining_class(c) == 0
                && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
                && !is_combining_mark(after)
        }
        _ => false,
    }
}

impl<W: Write> Write for Writer<'_, W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.undecoded.is_empty() {
            // Decoded straight from `data`; only an unfinished sequence at its end is kept.
            let (from, result) = self.decode_slice(data, false);
            self.undecoded.extend_from_slice(&data[from..]);
            result?;
            self.convert_pending(false)?;
        } else {
            self.undecoded.extend_from_slice(data);
            self.process(false)?;
        }
        Ok(data.len())
    }

    /// Flushes the inner writer; text held back for context stays held back.
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl Transliterator {
    /// An [`io::Write`] adapter that converts everything written to it into `inner`.
    pub fn writer<W: Write>(&self, inner: W) -> Writer<'_, W> {
        Writer {
            t: self,
            inner,
            pending: String::new(),
            undecoded: Vec::new(),
            consumed: 0,
            prev: None,
            out: String::new(),
            html: html::State::default(),
            lossy: false,
            in_long: false,
            replaced: VecDeque::new(),
            drained: 0,
            cuts: Cuts::default(),
            breaks: LastBreak::default(),
            changes: None,
        }
    }

    /// Converts everything `reader` yields into `writer`, in constant memory, and returns the
    /// number of bytes read. An internal buffer is used, so `reader` needs no `BufReader`; the
    /// writer is not flushed.
    ///
    /// # Errors
    /// I/O errors of either side, and invalid UTF-8 as [`io::ErrorKind::InvalidData`] with an
    /// [`InvalidUtf8`] payload that gives the byte offset.
    ///
    /// ```
    /// use jazu::{Scheme, Transliterator};
    /// let t = Transliterator::new(Scheme::Cyrl, Scheme::Latn2021)?;
    /// let mut out = Vec::new();
    /// let n = t.convert_reader("Алматы\r\nАстана\r\n".as_bytes(), &mut out)?;
    /// assert_eq!(n, 28);
    /// assert_eq!(out, b"Almaty\r\nAstana\r\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn convert_reader<R: Read, W: Write>(&self, mut reader: R, writer: W) -> io::Result<u64> {
        let mut w = self.writer(writer);
        let mut buf = vec![0u8; READ_SIZE];
        let mut total = 0u64;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            total += n as u64;
            w.write_all(&buf[..n])?;
        }
        w.finish()?;
        Ok(total)
    }
}
