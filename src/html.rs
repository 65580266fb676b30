//! HTML mode: only text content and the values of `alt` and `title` attributes are converted.
//! Tags, other attribute values, comments, and the contents of `<code>`, `<pre>`, `<script>` and
//! `<style>` are copied untouched. The scanner keeps its [`State`] between calls, so a stream can
//! feed it piece by piece.

use crate::engine::Engine;

/// What converts the text of a page: each span of text content or of a text attribute.
pub(crate) trait Spans {
    /// Converts `text`, which starts `at` bytes into the text given to [`convert`] and has `prev`
    /// and `next` around it, appending to `out`; `false` (with `out` untouched) if nothing
    /// changes. Changes are logged at their place in the whole input.
    fn convert(&self, text: &str, at: usize, prev: Option<char>, next: Option<char>, out: &mut String) -> bool;
}

impl Spans for Engine<'_> {
    fn convert(&self, text: &str, at: usize, prev: Option<char>, next: Option<char>, out: &mut String) -> bool {
        if let Some(log) = self.log {
            log.borrow_mut().base += at;
        }
        let converted = self.run(text, prev, next, (false, false), out);
        if let Some(log) = self.log {
            log.borrow_mut().base -= at;
        }
        converted
    }
}

/// Elements whose content is never converted.
const RAW_ELEMENTS: [&str; 4] = ["code", "pre", "script", "style"];
/// Attributes whose values are text for readers.
const TEXT_ATTRIBUTES: [&str; 2] = ["alt", "title"];

/// The longest delimiter that the scanner must see whole: `</` and the longest raw element name.
const LONGEST_DELIMITER: usize = {
    let mut longest = 0;
    let mut i = 0;
    while i < RAW_ELEMENTS.len() {
        if RAW_ELEMENTS[i].len() > longest {
            longest = RAW_ELEMENTS[i].len();
        }
        i += 1;
    }
    2 + longest
};

/// Whether cutting `b` before byte `p` could split a delimiter that the scanner must see whole,
/// whatever its state: `-->`, or a `<` and the bytes after it that say what it opens or closes
/// (`<!--`, `<p`, `</script`).
pub(crate) fn splits_delimiter(b: &[u8], p: usize) -> bool {
    let window = &b[p.saturating_sub(LONGEST_DELIMITER - 1)..p];
    window.last() == Some(&b'-') || window.contains(&b'<')
}

/// Where the scanner is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum State {
    /// In text content.
    #[default]
    Text,
    /// Inside a tag: its lower-case name (while it is read), whether it closes, the current
    /// attribute name, and the quote of the attribute value being read (if any).
    Tag {
        name: String,
        name_done: bool,
        closing: bool,
        attr: String,
        after_eq: bool,
        in_attr: bool,
        /// The last byte read in the tag was `/` (so `>` ends a self-closing tag).
        slash: bool,
        quote: Option<u8>,
    },
    /// Inside `<!-- … -->`.
    Comment,
    /// Inside a raw element, until `</name`.
    Raw(String),
}

/// Converts `text` in HTML mode from `state`, appending to `out`; returns `false` (with `out`
/// untouched) if nothing changed.
pub(crate) fn convert(
    spans: &dyn Spans,
    state: &mut State,
    text: &str,
    prev: Option<char>,
    next: Option<char>,
    out: &mut String,
) -> bool {
    let b = text.as_bytes();
    let mut run = 0;
    let mut changed = false;
    let mut scratch = String::new();
    let mut i = 0;
    let mut convert_span = |s: usize, e: usize, out: &mut String, run: &mut usize, changed: &mut bool| {
        if s >= e {
            return;
        }
        scratch.clear();
        let p = if s == 0 { prev } else { text[..s].chars().next_back() };
        let nx = if e == text.len() {
            next
        } else {
            text[e..].chars().next()
        };
        if spans.convert(&text[s..e], s, p, nx, &mut scratch) {
            out.push_str(&text[*run..s]);
            out.push_str(&scratch);
            *run = e;
            *changed = true;
        }
    };
    while i < b.len() {
        match state {
            State::Text => {
                let end = b[i..].iter().position(|&c| c == b'<').map_or(b.len(), |p| i + p);
                convert_span(i, end, out, &mut run, &mut changed);
                i = end;
                if i < b.len() {
                    let rest = &b[i + 1..];
                    if rest.starts_with(b"!--") {
                        *state = State::Comment;
                        i += 4;
                    } else if rest
                        .first()
                        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, b'/' | b'!' | b'?'))
                    {
                        let closing = rest.first() == Some(&b'/');
                        *state = State::Tag {
                            name: String::new(),
                            name_done: false,
                            closing,
                            attr: String::new(),
                            after_eq: false,
                            in_attr: false,
                            slash: false,
                            quote: None,
                        };
                        i += 1 + usize::from(closing);
                    } else {
                        // A lone '<' in text: convert what follows as text.
                        let stop = b[i + 1..]
                            .iter()
                            .position(|&c| c == b'<')
                            .map_or(b.len(), |p| i + 1 + p);
                        convert_span(i, stop, out, &mut run, &mut changed);
                        i = stop;
                    }
                }
            }
            State::Comment => match text[i..].find("-->") {
                Some(p) => {
                    i += p + 3;
                    *state = State::Text;
                }
                None => i = b.len(),
            },
            State::Raw(name) => {
                let mut found = None;
                let mut j = i;
                while let Some(p) = b[j..].iter().position(|&c| c == b'<') {
                    let at = j + p;
                    let tail = &b[at + 1..];
                    if tail.first() == Some(&b'/')
                        && tail.len() > name.len()
                        && tail[1..=name.len()].eq_ignore_ascii_case(name.as_bytes())
                    {
                        found = Some(at);
                        break;
                    }
                    j = at + 1;
                }
                match found {
                    Some(at) => {
                        i = at;
                        *state = State::Text;
                    }
                    None => i = b.len(),
                }
            }
            State::Tag {
                name,
                name_done,
                closing,
                attr,
                after_eq,
                in_attr,
                slash,
                quote,
            } => {
                if let Some(q) = *quote {
                    let end = b[i..].iter().position(|&c| c == q).map_or(b.len(), |p| i + p);
                    if TEXT_ATTRIBUTES.contains(&attr.as_str()) {
                        convert_span(i, end, out, &mut run, &mut changed);
                    }
                    i = end;
                    if i < b.len() {
                        *quote = None;
                        attr.clear();
                        *after_eq = false;
                        i += 1;
                    }
                    continue;
                }
                let c = b[i];
                i += 1;
                let after_slash = std::mem::replace(slash, c == b'/');
                match c {
                    b'>' => {
                        let raw = !*closing && RAW_ELEMENTS.contains(&name.as_str()) && !after_slash;
                        *state = if raw {
                            State::Raw(std::mem::take(name))
                        } else {
                            State::Text
                        };
                    }
                    b'"' | b'\'' if *after_eq => *quote = Some(c),
                    b'=' => {
                        *after_eq = true;
                        *in_attr = false;
                    }
                    c if c.is_ascii_whitespace() => {
                        *name_done = true;
                        *in_attr = false;
                    }
                    c if !*name_done => name.push(c.to_ascii_lowercase() as char),
                    c if *after_eq => {
                        // An unquoted value: skip to whitespace or '>'.
                        let end = b[i..]
                            .iter()
                            .position(|&c| c.is_ascii_whitespace() || c == b'>')
                            .map_or(b.len(), |p| i + p);
                        let _ = c;
                        i = end;
                        attr.clear();
                        *after_eq = false;
                    }
                    c => {
                        if !*in_attr {
                            attr.clear();
                            *in_attr = true;
                        }
                        attr.push(c.to_ascii_lowercase() as char);
                    }
                }
            }
        }
    }
    if changed {
        out.push_str(&text[run..]);
    }
    changed
}
