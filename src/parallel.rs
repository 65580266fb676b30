//! Converting a long text on several threads at once.
//!
//! A conversion looks at most one character across a line end, which is no letter, and the
//! decisions taken line by line (reading Latin back, the normalizer's word repairs) look at
//! that line alone; the memos of words a converter keeps change only how fast. So a long text
//! is cut at line ends into parts, each part is converted with the characters around it as its
//! context (as a stream cut there would be), on several threads, each with memos of its own
//! from the converter's pools, and the results are joined in order: the same text as
//! converting the whole on one thread. The calling thread converts the first part, straight
//! into the caller's output; then every thread takes the next part not yet taken, so that a
//! thread slowed down (its core busy with other work) takes fewer parts rather than holding
//! the others up.
//!
//! A text shorter than two times [`MIN_PER_THREAD`] bytes is converted on the calling thread
//! alone, and so is every text where threads cannot be started (WebAssembly).

use std::sync::atomic::{AtomicUsize, Ordering};

/// The fewest bytes for each thread of a conversion that decides line by line (reading Latin
/// back, the normalizer's word repairs), at some hundred megabytes a second: starting a thread
/// costs some tens of microseconds, under 5 % of the time this much takes.
const MIN_PER_THREAD: usize = 128 * 1024;

/// The same for a conversion letter by letter, ten times faster and more.
const MIN_PER_THREAD_LETTERS: usize = 1 << 20;

/// How many parts each thread takes, on average: more balance the work better between threads
/// that run at different speeds; each part costs the setting up of a reading.
const PARTS_PER_THREAD: usize = 4;

/// How many threads to convert a text of `len` bytes on: at most `limit` (0 for as many as the
/// machine runs at once), and one for each [`MIN_PER_THREAD`] bytes of a conversion that
/// decides `linewise`, each [`MIN_PER_THREAD_LETTERS`] of another.
pub(crate) fn threads_for(len: usize, limit: usize, linewise: bool) -> usize {
    let most = len
        / if linewise {
            MIN_PER_THREAD
        } else {
            MIN_PER_THREAD_LETTERS
        };
    if most < 2 || limit == 1 || cfg!(target_family = "wasm") {
        return 1;
    }
    let limit = match limit {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    };
    most.min(limit)
}

/// How many parts to cut a text into for `threads` threads.
pub(crate) fn parts_for(threads: usize) -> usize {
    threads * PARTS_PER_THREAD
}

/// `text` cut at line ends into at most `n` parts of about equal size, in order; fewer when its
/// lines are too long to cut it so. Every part but the last ends with a line feed.
pub(crate) fn cut_at_lines(text: &str, n: usize) -> Vec<&str> {
    let b = text.as_bytes();
    let mut parts = Vec::with_capacity(n);
    let mut start = 0;
    for k in 1..n {
        let aim = (text.len() * k / n).max(start);
        let Some(end) = b[aim..].iter().position(|&c| c == b'\n').map(|p| aim + p + 1) else {
            break;
        };
        if end >= text.len() {
            break;
        }
        parts.push(&text[start..end]);
        start = end;
    }
    parts.push(&text[start..]);
    parts
}

/// What a part became: whether it changed, and if so the text.
type Converted = (bool, String);

/// Converts the `parts` of a text with `convert` on `threads` threads (this one included),
/// appending what they become to `out`, in order. `convert` is given a part's number and a
/// string, appends what the part becomes to it and says whether anything changed (appending
/// nothing when not): an unchanged part is copied as it is. `false`, with `out` untouched,
/// when no part changes.
pub(crate) fn convert_parts<F>(parts: &[&str], threads: usize, convert: F, out: &mut String) -> bool
where
    F: Fn(usize, &mut String) -> bool + Sync,
{
    let base = out.len();
    // The next part not yet taken; the first is this thread's.
    let next = AtomicUsize::new(1);
    let take_parts = || {
        let mut done: Vec<(usize, Converted)> = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            if k >= parts.len() {
                return done;
            }
            let mut text = String::new();
            let changed = convert(k, &mut text);
            done.push((k, (changed, text)));
        }
    };
    let (first_changed, mut others) = std::thread::scope(|scope| {
        // Threads that cannot be started leave their parts to the others.
        let running: Vec<_> = (1..threads.min(parts.len()))
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, take_parts).ok())
            .collect();
        // The first part straight into the caller's output.
        let first_changed = !parts.is_empty() && convert(0, out);
        let mut others = take_parts();
        for thread in running {
            // A thread that panicked passes its panic on, as converting on this thread would.
            others.extend(thread.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        (first_changed, others)
    });
    if !first_changed && others.iter().all(|(_, (changed, _))| !changed) {
        out.truncate(base);
        return false;
    }
    if !first_changed {
        out.push_str(parts[0]);
    }
    others.sort_unstable_by_key(|&(k, _)| k);
    for (k, (changed, text)) in others {
        out.push_str(if changed { &text } else { parts[k] });
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_cut_at_line_ends_into_parts_of_about_equal_size() {
        let text = "ab\ncd\nef\ngh\n";
        assert_eq!(cut_at_lines(text, 2), ["ab\ncd\nef\n", "gh\n"]);
        assert_eq!(cut_at_lines(text, 4), ["ab\ncd\n", "ef\n", "gh\n"]);
        assert_eq!(cut_at_lines("one long line", 3), ["one long line"]);
        assert_eq!(cut_at_lines("a\nb", 2), ["a\n", "b"]);
        assert_eq!(cut_at_lines("", 2), [""]);
        for n in 1..6 {
            assert_eq!(cut_at_lines(text, n).concat(), text);
        }
    }

    #[test]
    fn short_texts_are_read_on_one_thread() {
        assert_eq!(threads_for(2 * MIN_PER_THREAD - 1, 0, true), 1);
        assert_eq!(threads_for(10 * MIN_PER_THREAD, 1, true), 1);
        assert_eq!(threads_for(10 * MIN_PER_THREAD, 3, true), 3);
        assert_eq!(threads_for(2 * MIN_PER_THREAD, 8, true), 2);
        assert_eq!(threads_for(10 * MIN_PER_THREAD, 8, false), 1);
        assert_eq!(threads_for(2 * MIN_PER_THREAD_LETTERS, 8, false), 2);
    }

    /// A conversion that upper-cases the parts that hold an `x`.
    fn shout(part: &str, out: &mut String) -> bool {
        part.contains('x') && {
            out.push_str(&part.to_uppercase());
            true
        }
    }

    #[test]
    fn parts_are_joined_in_order() {
        let text = "ab\nxy\ncd\nef\nxz\n";
        for n in 1..=6 {
            for threads in 1..=3 {
                let parts = cut_at_lines(text, n);
                let mut out = String::from("> ");
                assert!(convert_parts(&parts, threads, |k, out| shout(parts[k], out), &mut out));
                let whole: String = parts
                    .iter()
                    .map(|p| {
                        if p.contains('x') {
                            p.to_uppercase()
                        } else {
                            p.to_string()
                        }
                    })
                    .collect();
                assert_eq!(out, format!("> {whole}"), "{n} parts, {threads} threads");
            }
        }
        let parts = cut_at_lines("ab\ncd\n", 2);
        let mut out = String::from("> ");
        assert!(!convert_parts(&parts, 2, |k, out| shout(parts[k], out), &mut out));
        assert_eq!(out, "> ");
    }
}
