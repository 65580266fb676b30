//! Reading a long Latin text back on several threads at once.
//!
//! Latin is read back line by line: what a line becomes depends on that line alone (the memo
//! of words a converter keeps changes only how fast). So a long text is cut at line ends into
//! parts, the parts are read on several threads, each with a memo of its own from the
//! converter's pool, and the results are joined in order: the same text as reading the whole on
//! one thread. The calling thread reads the first part, straight into the caller's output; then
//! every thread takes the next part not yet taken, so that a thread slowed down (its core busy
//! with other work) reads fewer parts rather than holding the others up.
//!
//! A text shorter than two times [`MIN_PER_THREAD`] bytes is read on the calling thread alone,
//! and so is every text where threads cannot be started (WebAssembly).

use std::sync::atomic::{AtomicUsize, Ordering};

/// The fewest bytes for each thread: starting a thread costs some tens of microseconds, the
/// time it takes to read a few kilobytes, so a thread with this much to read loses under 5 % to
/// it.
const MIN_PER_THREAD: usize = 128 * 1024;

/// How many parts each thread takes, on average: more balance the work better between threads
/// that run at different speeds; each part costs the setting up of a reading.
const PARTS_PER_THREAD: usize = 4;

/// How many threads to read a text of `len` bytes on: at most `limit` (0 for as many as the
/// machine runs at once), and one for each [`MIN_PER_THREAD`] bytes.
pub(crate) fn threads_for(len: usize, limit: usize) -> usize {
    let most = len / MIN_PER_THREAD;
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

/// What a part became: whether it changed, the text, and its settled ranges.
type Read = (bool, String, Vec<(usize, usize)>);

/// Reads `parts` with `read` on `threads` threads (this one included), appending what they
/// become to `out`, in order. `read` appends the reading of a part to a string and says whether
/// it changed anything (appending nothing when not), and puts the byte ranges of what it
/// appended that need no normalizing after into a list, from where the string ended; so does
/// this, for the whole. `false`, with `out` untouched, when no part changes.
pub(crate) fn read_parts<F>(
    parts: &[&str],
    threads: usize,
    read: F,
    out: &mut String,
    settled: &mut Vec<(usize, usize)>,
) -> bool
where
    F: Fn(&str, &mut String, &mut Vec<(usize, usize)>) -> bool + Sync,
{
    let Some((first, rest)) = parts.split_first() else {
        return false;
    };
    let base = out.len();
    // The next part of `rest` not yet taken.
    let next = AtomicUsize::new(0);
    let take_parts = || {
        let mut done: Vec<(usize, Read)> = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(part) = rest.get(k) else {
                return done;
            };
            let (mut text, mut ranges) = (String::new(), Vec::new());
            let changed = read(part, &mut text, &mut ranges);
            done.push((k, (changed, text, ranges)));
        }
    };
    let (first_changed, mut others) = std::thread::scope(|scope| {
        // Threads that cannot be started leave their parts to the others.
        let running: Vec<_> = (1..threads.min(parts.len()))
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, take_parts).ok())
            .collect();
        let first_changed = read(first, out, settled);
        let mut others = take_parts();
        for thread in running {
            // A thread that panicked passes its panic on, as reading on this thread would.
            others.extend(thread.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        (first_changed, others)
    });
    if !first_changed && others.iter().all(|(_, (changed, ..))| !changed) {
        return false;
    }
    if !first_changed {
        settled.clear();
        out.push_str(first);
    }
    others.sort_unstable_by_key(|&(k, _)| k);
    for (k, (changed, text, ranges)) in others {
        if changed {
            let at = out.len() - base;
            settled.extend(ranges.into_iter().map(|(s, e)| (at + s, at + e)));
            out.push_str(&text);
        } else {
            out.push_str(rest[k]);
        }
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
        assert_eq!(threads_for(2 * MIN_PER_THREAD - 1, 0), 1);
        assert_eq!(threads_for(10 * MIN_PER_THREAD, 1), 1);
        assert_eq!(threads_for(10 * MIN_PER_THREAD, 3), 3);
        assert_eq!(threads_for(2 * MIN_PER_THREAD, 8), 2);
    }

    /// A reading that upper-cases the lines that hold an `x`, saying the others settled.
    fn shout(part: &str, out: &mut String, settled: &mut Vec<(usize, usize)>) -> bool {
        if !part.contains('x') {
            return false;
        }
        let base = out.len();
        for line in part.split_inclusive('\n') {
            let start = out.len() - base;
            if line.contains('x') {
                out.push_str(&line.to_uppercase());
            } else {
                out.push_str(line);
                settled.push((start, out.len() - base));
            }
        }
        true
    }

    #[test]
    fn parts_are_joined_in_order_with_their_settled_lines() {
        let text = "ab\nxy\ncd\nef\nxz\n";
        let mut whole = String::from("> ");
        let mut whole_settled = Vec::new();
        assert!(shout(text, &mut whole, &mut whole_settled));
        for n in 1..=5 {
            let mut out = String::from("> ");
            let mut settled = Vec::new();
            assert!(read_parts(
                &cut_at_lines(text, n),
                1 + n % 3,
                shout,
                &mut out,
                &mut settled
            ));
            assert_eq!(out, whole, "{n} parts");
            // Adjacent ranges may be joined in one reading and not in another.
            let lines = |ranges: &[(usize, usize)]| -> Vec<String> {
                ranges
                    .iter()
                    .map(|&(s, e)| whole[2 + s..2 + e].to_string())
                    .collect::<String>()
                    .lines()
                    .map(String::from)
                    .collect()
            };
            // A part that changes nothing says nothing of its lines (they are normalized after,
            // which leaves settled lines as they are); the others say what one reading says.
            let (some, all) = (lines(&settled), lines(&whole_settled));
            if n <= 2 {
                assert_eq!(some, all, "{n} parts, each with an x");
            } else {
                assert!(some.iter().all(|l| all.contains(l)), "{n} parts: {some:?}");
            }
        }
        let mut out = String::from("> ");
        let mut settled = vec![(0, 1)];
        assert!(!read_parts(
            &cut_at_lines("ab\ncd\n", 2),
            2,
            shout,
            &mut out,
            &mut settled
        ));
        assert_eq!(out, "> ");
    }
}
