//! A progress bar on stderr for large inputs, drawn by hand: `\r`, a bar, the percentage and
//! the speed in MB/s, redrawn at most ten times a second and erased at the end.

use std::fs::File;
use std::io::{self, Write};
use std::time::{Duration, Instant};

/// Inputs smaller than this (in total) get no progress bar.
pub const THRESHOLD: u64 = 8 << 20;

/// Width of the bar itself, in cells.
const BAR: usize = 30;

/// Time between redraws.
const TICK: Duration = Duration::from_millis(100);

/// Progress through a known number of input bytes.
#[derive(Debug)]
pub struct Progress {
    total: u64,
    done: u64,
    start: Instant,
    last_draw: Option<Instant>,
    drawn: usize,
}

impl Progress {
    /// A bar for `total` bytes; nothing is drawn until the first [`Progress::add`].
    pub fn new(total: u64) -> Progress {
        Progress {
            total,
            done: 0,
            start: Instant::now(),
            last_draw: None,
            drawn: 0,
        }
    }

    /// Counts `n` more bytes read, and redraws if it is time to.
    pub fn add(&mut self, n: u64) {
        self.done += n;
        let now = Instant::now();
        if self.last_draw.is_none_or(|last| now.duration_since(last) >= TICK) {
            self.last_draw = Some(now);
            let line = render(self.done, self.total, now.duration_since(self.start));
            self.draw(&line);
        }
    }

    /// Erases the bar, before an error line or at the end.
    pub fn clear(&mut self) {
        if self.drawn > 0 {
            let blank = " ".repeat(self.drawn);
            let _ = write!(io::stderr().lock(), "\r{blank}\r");
            self.drawn = 0;
        }
    }

    fn draw(&mut self, line: &str) {
        // Pad with spaces over a longer previous line.
        let width = line.chars().count();
        let pad = " ".repeat(self.drawn.saturating_sub(width));
        let _ = write!(io::stderr().lock(), "\r{line}{pad}");
        self.drawn = width;
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}

/// One frame: `[#######.......]  42%  118.3 MB/s`.
fn render(done: u64, total: u64, elapsed: Duration) -> String {
    let fraction = if total == 0 {
        1.0
    } else {
        (done as f64 / total as f64).min(1.0)
    };
    let filled = (fraction * BAR as f64).round() as usize;
    let secs = elapsed.as_secs_f64();
    let speed = if secs > 0.0 { done as f64 / 1e6 / secs } else { 0.0 };
    format!(
        "[{}{}] {:3.0}%  {speed:.1} MB/s",
        "#".repeat(filled),
        ".".repeat(BAR - filled),
        fraction * 100.0
    )
}

/// The size of standard input when it is a regular file (`jazu < big.txt`), else `None`.
pub fn stdin_file_size() -> Option<u64> {
    let file = stdin_as_file()?;
    let meta = file.metadata().ok()?;
    meta.is_file().then_some(meta.len())
}

#[cfg(unix)]
fn stdin_as_file() -> Option<File> {
    use std::os::fd::AsFd;
    io::stdin().as_fd().try_clone_to_owned().ok().map(File::from)
}

#[cfg(windows)]
fn stdin_as_file() -> Option<File> {
    use std::os::windows::io::AsHandle;
    io::stdin().as_handle().try_clone_to_owned().ok().map(File::from)
}

#[cfg(not(any(unix, windows)))]
fn stdin_as_file() -> Option<File> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames() {
        let second = Duration::from_secs(1);
        assert_eq!(render(0, 100, second), format!("[{}]   0%  0.0 MB/s", ".".repeat(BAR)));
        assert_eq!(
            render(5_000_000, 10_000_000, second),
            format!("[{}{}]  50%  5.0 MB/s", "#".repeat(BAR / 2), ".".repeat(BAR / 2))
        );
        // A file that grew while it was read does not overflow the bar.
        assert_eq!(render(30, 10, second), format!("[{}] 100%  0.0 MB/s", "#".repeat(BAR)));
    }
}
