//! Streaming conversion: an [`io::Write`] adapter and [`Transliterator::convert_reader`].
//!
//! Input is converted up to the last token boundary seen (normally the last whitespace) and the
//! rest is kept for the next write, with one character of context on each side. The output is
//! therefore the same as [`Transliterator::convert`] on the whole text, for every way of cutting
//! the input into writes, including cuts inside a UTF-8 sequence.

use std::fmt;
use std::io::{self, Read, Write};

use crate::html;
use crate::translit::Transliterator;

/// Text held back beyond this size is cut anyway, to keep memory bounded (see
/// `Writer::boundary`).
const MAX_PENDING: usize = 4 << 20;

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
    pending: Vec<u8>,
    consumed: u64,
    prev: Option<char>,
    out: String,
    html: html::State,
    lossy: bool,
    /// The pending text continues a long token (see the engine).
    in_long: bool,
    /// Where `pending` holds a U+FFFD put in for invalid bytes, and how many bytes it added.
    replaced: Vec<(usize, usize)>,
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

    /// Number of input bytes converted and written so far.
    pub fn bytes_in(&self) -> u64 {
        self.consumed
    }

    /// The length of the valid UTF-8 prefix of `pending`, repairing or reporting invalid bytes.
    fn valid_prefix(&mut self, last: bool) -> io::Result<usize> {
        let mut from = 0;
        loop {
            match simdutf8::compat::from_utf8(&self.pending[from..]) {
                Ok(_) => return Ok(self.pending.len()),
                Err(e) => {
                    let at = from + e.valid_up_to();
                    let bad = match e.error_len() {
                        Some(n) => n,
                        None if last => self.pending.len() - at,
                        None => return Ok(at),
                    };
                    if !self.lossy {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            InvalidUtf8 {
                                offset: self.consumed + at as u64,
                            },
                        ));
                    }
                    self.pending.splice(at..at + bad, "\u{FFFD}".bytes());
                    self.replaced.push((at, 3 - bad));
                    from = at + 3;
                }
            }
        }
    }

    fn process(&mut self, last: bool) -> io::Result<()> {
        let valid = self.valid_prefix(last)?;
        // The check above guarantees this succeeds; a second SIMD pass costs little.
        let text = simdutf8::basic::from_utf8(&self.pending[..valid])
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "invalid UTF-8"))?;
        let (cut, long) = if last {
            (text.len(), false)
        } else {
            match self.boundary(text) {
                Some(c) => c,
                None => return Ok(()),
            }
        };
        let (head, tail) = text.split_at(cut);
        let next = tail.chars().next();
        self.out.clear();
        let changed = self.t.convert_chunk(
            head,
            self.prev,
            next,
            (self.in_long, long),
            &mut self.html,
            None,
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
        // Input bytes: the pending bytes converted, less what replacing invalid bytes added.
        let added: usize = self.replaced.iter().filter(|(at, _)| *at < cut).map(|(_, n)| n).sum();
        self.replaced.retain_mut(|(at, _)| {
            let keep = *at >= cut;
            *at = at.wrapping_sub(cut);
            keep
        });
        self.consumed += (cut - added) as u64;
        self.pending.drain(..cut);
        Ok(())
    }

    /// Where the pending text may be cut, and whether the cut falls inside a long token.
    fn boundary(&self, text: &str) -> Option<(usize, bool)> {
        let b = text.as_bytes();
        let found = if self.t.is_linewise() {
            // Latin is read back to Cyrillic line by line: cut after the last line end.
            b.iter().rposition(|&c| c == b'\n').map(|p| (p + 1, false))
        } else if self.t.is_html() {
            // In HTML mode only whitespace is a safe cut: no markup delimiter (`-->`, `</pre`,
            // a closing quote) contains it.
            b.iter().rposition(|c| c.is_ascii_whitespace()).map(|p| (p + 1, false))
        } else {
            self.t.engine().last_boundary(text, self.in_long)
        };
        if found.is_some() || b.len() < MAX_PENDING {
            return found;
        }
        // Held-back text beyond the limit (a line of more than 4 MiB in Latin → Cyrillic mode,
        // markup without whitespace, a letter with millions of combining marks) is cut anyway,
        // to keep memory bounded: after its last whitespace, else at its last character
        // boundary. Only there can the output differ from a one-shot conversion.
        b.iter()
            .rposition(|c| c.is_ascii_whitespace())
            .map(|p| p + 1)
            .or_else(|| (1..b.len()).rev().find(|&p| text.is_char_boundary(p)))
            .map(|p| (p, false))
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

impl<W: Write> Write for Writer<'_, W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(data);
        self.process(false)?;
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
            pending: Vec::new(),
            consumed: 0,
            prev: None,
            out: String::new(),
            html: html::State::default(),
            lossy: false,
            in_long: false,
            replaced: Vec::new(),
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
