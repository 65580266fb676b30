//! Hostile input: huge inputs, pathological Unicode (a million combining marks, every scalar
//! value), invalid UTF-8 at awkward places, control characters, and faults around the command
//! line tool (unreadable, missing and directory inputs, a full disk, a closed pipe).
//!
//! Run in release mode: a debug build (as in `cargo test`) uses smaller sizes and fewer schemes
//! for the library tests, and 4 MB for the tool, to stay within a minute or so:
//!
//! ```sh
//! cargo test --release --all-features --test hostile
//! ```
//!
//! The big streaming tests push 100 MB through the tool. 1 GB takes too long for a test run; to
//! try it by hand, set the size in MB:
//!
//! ```sh
//! JAZU_HOSTILE_MB=1024 cargo test --release --all-features --test hostile -- big_input --nocapture
//! ```
//!
//! Tests that need the binary are compiled with the `cli` feature only. Tests that a privileged
//! user cannot run (permission bits do not stop root) check whether the permission holds first
//! and skip with a message when it does not.

use std::io::Write;
use std::time::{Duration, Instant};

use jazu::{Scheme, Source, Transliterator};
use unicode_normalization::{is_nfc, UnicodeNormalization};

/// The 42 letters of the Kazakh Cyrillic alphabet, upper and lower case.
const KAZAKH: &str = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯаәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя";

/// Time allowed for one conversion of a few MB; a quadratic algorithm takes far longer.
fn time_limit() -> Duration {
    if cfg!(debug_assertions) {
        Duration::from_secs(60)
    } else {
        Duration::from_secs(10)
    }
}

/// `release` in an optimized build, `debug` in a debug build.
fn size(release: usize, debug: usize) -> usize {
    if cfg!(debug_assertions) {
        debug
    } else {
        release
    }
}

/// Every target, from Cyrillic, with default options.
fn all_targets() -> Vec<Transliterator> {
    Scheme::all()
        .map(|to| Transliterator::new(Scheme::Cyrl, to).expect("cyrl to every scheme"))
        .collect()
}

/// Every target in an optimized build; in a debug build, the first `debug` of them.
fn targets(debug: usize) -> Vec<Transliterator> {
    let mut all = all_targets();
    all.truncate(size(all.len(), debug));
    all
}

/// `bytes` through the converting writer in pieces of `size` bytes.
fn stream(t: &Transliterator, bytes: &[u8], size: usize) -> String {
    let mut w = t.writer(Vec::new());
    for piece in bytes.chunks(size) {
        w.write_all(piece).expect("writing to a Vec");
    }
    String::from_utf8(w.finish().expect("valid UTF-8 input")).expect("UTF-8 output")
}

/// Runs `f`, failing when it takes longer than [`time_limit`].
fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let result = f();
    let took = start.elapsed();
    assert!(took < time_limit(), "{what} took {took:?}");
    result
}

/// One letter and `n` combining acute accents: one token that can be cut nowhere.
fn marks(n: usize) -> String {
    format!("а{}", "\u{301}".repeat(n))
}

/// One letter and a million combining acute accents (2 MB; 200 000 in a debug build).
fn million_marks() -> (String, usize) {
    let n = size(1_000_000, 200_000);
    (marks(n), n)
}

#[test]
fn million_combining_marks_after_one_letter() {
    let (s, n) = million_marks();
    for t in targets(3) {
        let name = t.to().id();
        let one = timed(&format!("{name}: convert"), || t.convert(&s));
        assert!(is_nfc(&one), "{name}: output not NFC");
        let marks = one.chars().filter(|&c| c == '\u{301}').count();
        // At most one mark composes with the letter.
        assert!(marks >= n - 1, "{name}: {marks} marks left");
        // In pieces of the tool's read size.
        let streamed = timed(&format!("{name}: writer"), || stream(&t, s.as_bytes(), 64 * 1024));
        assert!(streamed == one, "{name}: writer differs");
    }
    let t = Transliterator::new(Scheme::Cyrl, Scheme::Latn2021).unwrap();
    assert_eq!(t.convert(&s), format!("á{}", "\u{301}".repeat(n - 1)));
}

#[test]
fn million_combining_marks_in_small_writes() {
    // Each write scans only the bytes it adds: the time grows with the input, not its square.
    let t = Transliterator::new(Scheme::Cyrl, Scheme::Latn2021).unwrap();
    let mut took = Vec::new();
    let sizes = [size(250_000, 50_000), size(1_000_000, 200_000)];
    for n in sizes {
        let s = marks(n);
        let one = t.convert(&s);
        // The best of three runs: other jobs on the machine only ever add time.
        let mut best = None;
        for _ in 0..3 {
            let start = Instant::now();
            let streamed = stream(&t, s.as_bytes(), 1024);
            let elapsed = start.elapsed();
            assert!(streamed == one, "writer differs for {n} marks");
            best = Some(best.map_or(elapsed, |b: std::time::Duration| b.min(elapsed)));
        }
        took.push(best.expect("three runs"));
    }
    eprintln!(
        "pieces of 1 KiB: {} marks {:?}, {} marks {:?}",
        sizes[0], took[0], sizes[1], took[1]
    );
    // Linear time gives a ratio near 4, quadratic time near 16.
    assert!(
        took[1] < took[0] * 10,
        "4 times the input took {:?} instead of {:?}",
        took[1],
        took[0]
    );
    assert!(
        took[1] < time_limit(),
        "{} marks in pieces of 1 KiB took {:?}",
        sizes[1],
        took[1]
    );
}

/// Whether `c` lies in a Cyrillic block.
fn in_cyrillic_block(c: char) -> bool {
    matches!(c as u32, 0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F)
}

/// Whether NFC leaves `c` alone when it stands between spaces.
fn nfc_keeps(c: char) -> bool {
    std::iter::once(c).nfc().eq(std::iter::once(c))
}

#[test]
fn every_scalar_value() {
    // Every char but the space, each followed by a space.
    let chars: Vec<char> = (0..=char::MAX as u32)
        .filter_map(char::from_u32)
        .filter(|&c| c != ' ')
        .collect();
    let mut s = String::with_capacity(chars.len() * 5);
    for &c in &chars {
        s.push(c);
        s.push(' ');
    }
    for t in targets(2) {
        let name = t.to().id();
        let out = timed(&format!("{name}: convert"), || t.convert(&s));
        assert!(is_nfc(&out), "{name}: output not NFC");
        assert!(stream(&t, s.as_bytes(), 64 * 1024) == out, "{name}: writer differs");
        // No scheme writes a space for a letter, so the pieces line up with the input chars.
        let pieces: Vec<&str> = out.split(' ').collect();
        assert_eq!(pieces.len(), chars.len() + 1, "{name}: spaces added or lost");
        let mut changed = Vec::new();
        for (&c, &piece) in chars.iter().zip(&pieces) {
            if in_cyrillic_block(c) || !nfc_keeps(c) {
                continue;
            }
            // Everything outside the Cyrillic blocks survives: non-letters (the property
            // documented for every input) and letters of other scripts alike.
            let mut buf = [0; 4];
            if piece != c.encode_utf8(&mut buf) {
                changed.push(format!("U+{:04X} -> {piece:?}", c as u32));
            }
        }
        assert!(
            changed.is_empty(),
            "{name}: {} chars outside Cyrillic changed, first: {:?}",
            changed.len(),
            &changed[..changed.len().min(20)]
        );
    }
    // HTML mode: nothing panics, and the writer agrees.
    for to in Scheme::all().take(size(8, 1)) {
        let t = Transliterator::builder(Source::Auto, to).html(true).build().unwrap();
        let out = t.convert(&s);
        assert!(stream(&t, s.as_bytes(), 64 * 1024) == out, "{to} html: writer differs");
    }
}

/// A lone CR, then letters a scheme drops (Ь Ъ in the Latin alphabets of 2017–2021), then an LF:
/// two line endings, which must not become one CRLF (a case proptest found).
#[test]
fn dropped_letters_never_join_a_lone_cr_with_a_line_feed() {
    for s in ["\rЬ\n", "\rЬЬ\n", "x\rъЬ\nы", "\r\rь\r\n", "\rЪ\u{301}\n"] {
        for t in all_targets() {
            let name = t.to().id();
            let out = t.convert(s);
            assert_eq!(
                out.matches("\r\n").count(),
                s.matches("\r\n").count(),
                "{name}: {s:?} became {out:?}"
            );
            assert_eq!(
                out.matches('\r').count(),
                s.matches('\r').count(),
                "{name}: {s:?} became {out:?}"
            );
            for size in [1, 2, 3] {
                assert_eq!(stream(&t, s.as_bytes(), size), out, "{name}: {s:?} in pieces of {size}");
            }
        }
    }
    // Inside a word the letter is still dropped, as the table says.
    let t = Transliterator::new(Scheme::Cyrl, Scheme::Latn2021).unwrap();
    assert_eq!(t.convert("\rпьеса\n"), "\rpesa\n");
}

#[test]
fn control_characters_bom_and_bidi_are_kept() {
    let s = "\u{FEFF}Алма\0Тараз\rШымкент\r\r\u{200F}Қазақ\u{202E}Ақтау\u{2066}Астана\u{2069}\0";
    let t = Transliterator::new(Scheme::Cyrl, Scheme::Latn2021).unwrap();
    assert_eq!(
        t.convert(s),
        "\u{FEFF}Alma\0Taraz\rŞymkent\r\r\u{200F}Qazaq\u{202E}Aqtau\u{2066}Astana\u{2069}\0"
    );
    for t in all_targets() {
        let name = t.to().id();
        let out = t.convert(s);
        assert!(out.starts_with('\u{FEFF}'), "{name}: BOM lost: {out:?}");
        for c in ['\0', '\r', '\u{200F}', '\u{202E}', '\u{2066}', '\u{2069}'] {
            assert_eq!(
                out.matches(c).count(),
                s.matches(c).count(),
                "{name}: U+{:04X} in {out:?}",
                c as u32
            );
        }
        assert!(!out.contains('\n'), "{name}: a line feed appeared in {out:?}");
        if t.to().is_latin() {
            assert!(!out.chars().any(|c| KAZAKH.contains(c)), "{name}: {out:?}");
        }
        for size in [1, 2, 3, 5] {
            assert_eq!(stream(&t, s.as_bytes(), size), out, "{name}: pieces of {size}");
        }
    }
}

#[test]
fn a_word_of_a_million_bytes() {
    // 1 MB of Cyrillic letters with no space: a long token, cut into pieces by the writer.
    let word = "қазақстанреспубликасы";
    let n = size(1_000_000, 200_000) / word.len() + 1;
    let s = word.repeat(n);
    let t = Transliterator::new(Scheme::Cyrl, Scheme::Latn2021).unwrap();
    let one = timed("convert", || t.convert(&s));
    assert!(one == "qazaqstanrespublikasy".repeat(n), "latn-2021: long word");
    for size in [64 * 1024, 1000, 7] {
        assert!(stream(&t, s.as_bytes(), size) == one, "latn-2021: pieces of {size}");
    }
    // Every letter, upper and lower case, in one word of about a million bytes.
    let s = KAZAKH.repeat(size(1_000_000, 200_000) / KAZAKH.len() + 1);
    for t in targets(3) {
        let name = t.to().id();
        let one = timed(&format!("{name}: convert"), || t.convert(&s));
        if t.to().is_latin() {
            assert!(!one.chars().any(|c| KAZAKH.contains(c)), "{name}: a letter was left");
        } else {
            assert_eq!(one, s, "{name}");
        }
        for size in [64 * 1024, 1000, 7] {
            let streamed = timed(&format!("{name}: writer, pieces of {size}"), || {
                stream(&t, s.as_bytes(), size)
            });
            assert!(streamed == one, "{name}: pieces of {size}");
        }
    }
}

/// `pieces` through the converting writer, one write each.
fn stream_pieces(t: &Transliterator, pieces: &[&[u8]]) -> String {
    let mut w = t.writer(Vec::new());
    for piece in pieces {
        w.write_all(piece).expect("writing to a Vec");
    }
    String::from_utf8(w.finish().expect("valid UTF-8 input")).expect("UTF-8 output")
}

/// Held-back text over this size is cut wherever it is (`MAX_PENDING` in `src/stream.rs`).
const FORCED_CUT: usize = 4 << 20;

#[test]
fn html_text_without_whitespace() {
    // Text of 5.4 MB without whitespace: held back up to the limit, then cut; the letters on
    // both sides of a cut convert the same.
    let t = Transliterator::builder(Scheme::Cyrl, Scheme::Latn2021)
        .html(true)
        .build()
        .unwrap();
    let n = size(300_000, 20_000);
    let s = format!("<p>{}</p>", "Қазақстан".repeat(n));
    let one = t.convert(&s);
    assert!(one == format!("<p>{}</p>", "Qazaqstan".repeat(n)));
    for size in [64 * 1024, 1 << 20] {
        assert!(stream(&t, s.as_bytes(), size) == one, "pieces of {size}");
    }
}

#[test]
fn html_delimiters_and_marks_split_by_a_write() {
    let t = Transliterator::builder(Scheme::Cyrl, Scheme::Latn2021)
        .html(true)
        .build()
        .unwrap();
    // A comment of 1 MiB without whitespace, the write ending between the dashes of `-->`.
    let s = format!("<!--{}-->Қазақ", "x".repeat(1 << 20));
    let split = s.find("-->").unwrap() + 2;
    let one = t.convert(&s);
    assert!(one.ends_with("-->Qazaq"));
    let streamed = stream_pieces(&t, &[&s.as_bytes()[..split], &s.as_bytes()[split..]]);
    assert!(
        streamed == one,
        "comment end split by a write: ends {:?}",
        &streamed[streamed.len() - 12..]
    );
    // A letter with two marks (ё + acute) after 1 MiB of letters, the write ending after the
    // first mark.
    let s = format!("{}е\u{308}\u{301}x", "е".repeat(1 << 19));
    let split = s.len() - 3;
    let one = t.convert(&s);
    let streamed = stream_pieces(&t, &[&s.as_bytes()[..split], &s.as_bytes()[split..]]);
    assert!(
        is_nfc(&streamed),
        "output not NFC: ends {:?}",
        &streamed[streamed.len() - 8..]
    );
    assert!(streamed == one, "mark cut off its letter");
}

/// `s` through the converting writer in two writes, split at byte `split`; asserts that the
/// output is the one-shot output.
fn assert_split_streams_like_one_shot(t: &Transliterator, s: &str, split: usize, what: &str) {
    let one = t.convert(s);
    let streamed = stream_pieces(t, &[&s.as_bytes()[..split], &s.as_bytes()[split..]]);
    assert!(
        streamed == one,
        "{what}: ends {:?} instead of {:?}",
        streamed.chars().rev().take(12).collect::<String>(),
        one.chars().rev().take(12).collect::<String>()
    );
}

#[test]
fn forced_cut_keeps_html_delimiters_whole() {
    // Over 4 MiB without whitespace, the first write ending inside a delimiter: the forced cut
    // holds the delimiter back whole.
    let html = Transliterator::builder(Scheme::Cyrl, Scheme::Latn2021)
        .html(true)
        .build()
        .unwrap();
    let body = "x".repeat(FORCED_CUT + (1 << 20));
    let text = "Қазақстан".repeat(FORCED_CUT / "Қазақстан".len() + 1000);
    for (s, delimiter, into) in [
        (format!("<!--{body}-->Қазақ"), "-->", 2),
        (format!("<script>{body}</script>Қазақ"), "</script>", 2),
        (format!("<script>{body}</script>Қазақ"), "</script>", 6),
        (format!("<p>{text}<!--Қазақ-->Қазақ"), "<!--", 2),
    ] {
        let split = s.find(delimiter).unwrap() + into;
        assert!(split > FORCED_CUT, "the test data is too short");
        assert!(html.convert(&s).ends_with("Qazaq"));
        let what = format!("{delimiter} split after {into} bytes");
        assert_split_streams_like_one_shot(&html, &s, split, &what);
    }
}

#[test]
fn forced_cut_keeps_nfc_sequences_whole() {
    // A token of 4.5 MB where no cut is safe for the engine (Ꙋ is a Cyrillic letter outside
    // the tables, Ч has rules), then Ч and two marks, the first of which NFC composes with it
    // (Ч + U+0308 is U+04F4), the first write ending after that mark: the forced cut keeps the
    // letter and its marks together.
    let t = Transliterator::new(Scheme::Cyrl, Scheme::Latn2021).unwrap();
    let html = Transliterator::builder(Scheme::Cyrl, Scheme::Latn2021)
        .html(true)
        .build()
        .unwrap();
    let token = "Ꙋ".repeat(FORCED_CUT / "Ꙋ".len() + 100_000);
    // HTML mode converts the text after the cut as a token of its own, not as the end of a long
    // token, so a Latin letter there would be repaired as a look-alike: its case has none.
    for (t, mode, tail) in [(&t, "text", "Ч\u{308}\u{301}x"), (&html, "html", "Ч\u{308}\u{301}ӘӘ")] {
        let s = format!("{token}{tail}");
        let split = token.len() + "Ч\u{308}".len();
        assert_split_streams_like_one_shot(t, &s, split, &format!("{mode}, {tail:?}"));
    }
    // A letter and 2.2M acute accents (4.4 MB), then a mark below (U+0316) in a write of its
    // own. NFC puts it before the accents, which were written out already: in bounded memory
    // the output can only be canonically equivalent to the one-shot output. (Normalizing
    // millions of marks takes about 20 s in a debug build.)
    if cfg!(debug_assertions) {
        return;
    }
    let s = format!("{}\u{316}", marks(FORCED_CUT / 2 + 100_000));
    let split = s.len() - 2;
    let streamed = stream_pieces(&t, &[&s.as_bytes()[..split], &s.as_bytes()[split..]]);
    assert!(
        streamed.nfc().eq(t.convert(&s).chars()),
        "a mark below after 4 MiB of accents"
    );
}

/// Writes `unit` repeated to about 8 MB (2 MB in a debug build) into a writer for `t`, in 64 KiB
/// pieces, and returns how many bytes it holds back unconverted at the end (before `finish`): the
/// memory it needs.
fn held_back(t: &Transliterator, unit: &str) -> u64 {
    let block = unit.repeat(64 * 1024 / unit.len());
    let mut w = t.writer(std::io::sink());
    let mut written = 0u64;
    while written < size(8_000_000, 2_000_000) as u64 {
        w.write_all(block.as_bytes()).unwrap();
        written += block.len() as u64;
    }
    let held = written - w.bytes_in();
    eprintln!("{} {unit:?}: {held} of {written} bytes held back", t.to());
    held
}

/// The most a writer may hold back: a long token is cut near its end; an HTML or line-by-line
/// writer holds up to 4 MiB, plus one write.
const MAX_HELD: u64 = (4 << 20) + 64 * 1024;

#[test]
fn long_words_are_converted_as_they_stream() {
    let t = Transliterator::new(Scheme::Cyrl, Scheme::Latn2021).unwrap();
    for unit in ["Қазақстанреспубликасы", "Aqtau", "2025", "ШЫМКЕНТ"] {
        let held = held_back(&t, unit);
        assert!(held < 64 * 1024, "{unit:?}: {held} bytes held back");
    }
    let html = Transliterator::builder(Scheme::Cyrl, Scheme::Latn2021)
        .html(true)
        .build()
        .unwrap();
    let held = held_back(&html, "Қазақстанреспубликасы");
    assert!(held <= MAX_HELD, "html: {held} bytes held back");
}

#[test]
fn long_words_of_other_scripts_are_converted_as_they_stream() {
    let t = Transliterator::new(Scheme::Cyrl, Scheme::Latn2021).unwrap();
    let wiki = Transliterator::new(Scheme::Cyrl, Scheme::WikiLatn).unwrap();
    let mut failures = Vec::new();
    for (t, unit) in [(&t, "中文"), (&t, "ελληνικά"), (&t, "éàü"), (&t, "Ꙋꙋ"), (&wiki, "ЕЕе")] {
        let held = held_back(t, unit);
        if held > MAX_HELD {
            failures.push(format!("{} {unit:?}: {held} bytes held back", t.to()));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn long_words_from_auto_are_converted_as_they_stream() {
    let t = Transliterator::new(Source::Auto, Scheme::Latn2021).unwrap();
    let held = held_back(&t, "Қазақстанреспубликасы");
    assert!(held <= MAX_HELD, "{held} bytes held back");
}

#[test]
fn long_words_with_a_user_key_of_two_letters_are_converted_as_they_stream() {
    let t = Transliterator::builder(Scheme::Cyrl, Scheme::Latn2021)
        .map("аб", "X")
        .build()
        .unwrap();
    let held = held_back(&t, "Қазақстанреспубликасы");
    assert!(held <= MAX_HELD, "{held} bytes held back");
}

#[test]
fn long_line_from_auto_streams_like_one_shot() {
    // A line of about 1.2 MB of Cyrillic, then 0.5 MB of Latin (fewer letters than the
    // Cyrillic): as a whole a Cyrillic line, its Latin kept; its last part alone would be read
    // as Latin. Under the limit of held-back text, the line is converted whole.
    let cyrillic = "Қазақ ".repeat(1_200_000 / "Қазақ ".len());
    let latin = "Qazaqstan Respublikasy ğ ş ".repeat(500_000 / 27);
    let s = format!("{cyrillic}{latin}\n");
    let t = Transliterator::new(Source::Auto, Scheme::Cyrl).unwrap();
    let one = t.convert(&s);
    assert!(one.ends_with("Respublikasy ğ ş \n"));
    let streamed = stream(&t, s.as_bytes(), 64 * 1024);
    assert!(
        streamed == one,
        "stream ends {:?}",
        streamed.chars().rev().take(20).collect::<String>()
    );
}

/// The command line tool.
#[cfg(feature = "cli")]
mod cli {
    use std::fs::{self, File};
    use std::io::{self, Read, Write};
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, ExitStatus, Output, Stdio};
    use std::thread;
    use std::time::Duration;

    /// Largest peak resident set of the tool while it streams, in KiB.
    const PEAK_KIB: u64 = 32 * 1024;

    /// Size of the tool's reads.
    const READ: usize = 64 * 1024;

    fn jazu() -> Command {
        Command::new(env!("CARGO_BIN_EXE_jazu"))
    }

    /// An empty directory of its own for one test.
    fn temp_dir(test: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile").join(test);
        if dir.exists() {
            // A read-only directory left by an interrupted run.
            let _ = make_writable(&dir);
            let _ = fs::remove_dir_all(&dir);
        }
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn make_writable(dir: &Path) -> io::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755))
    }

    fn arg(path: &Path) -> &str {
        path.to_str().expect("temp paths are UTF-8")
    }

    fn stderr(o: &Output) -> String {
        String::from_utf8_lossy(&o.stderr).into_owned()
    }

    /// Runs `jazu args` with `stdin` as input (fed from a thread).
    fn run(args: &[&str], stdin: &[u8]) -> Output {
        let mut child = jazu()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("jazu starts");
        let mut pipe = child.stdin.take().unwrap();
        let input = stdin.to_vec();
        let feeder = thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
        let output = child.wait_with_output().expect("jazu runs");
        feeder.join().unwrap();
        output
    }

    /// Asserts exit status 2 and `lines` lines on stderr, each `jazu: error: ...`; returns them.
    fn error_lines(o: &Output, lines: usize) -> Vec<String> {
        let err = stderr(o);
        assert_eq!(o.status.code(), Some(2), "stderr: {err}");
        assert!(err.ends_with('\n'), "{err:?}");
        let found: Vec<String> = err.lines().map(str::to_string).collect();
        assert_eq!(found.len(), lines, "{err:?}");
        for line in &found {
            assert!(line.starts_with("jazu: error: "), "{line:?}");
        }
        found
    }

    fn one_error_line(o: &Output) -> String {
        error_lines(o, 1).remove(0)
    }

    /// The size in MB of the big streaming inputs: `JAZU_HOSTILE_MB`, else 100 (4 in a debug
    /// build).
    fn big_mb() -> usize {
        std::env::var("JAZU_HOSTILE_MB")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(super::size(100, 4))
    }

    /// The peak resident set (VmHWM, KiB) of a running process, if it can be read.
    fn peak_kib(pid: u32) -> Option<u64> {
        let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// Waits for `child`, reading its peak resident set every few milliseconds; returns the exit
    /// status and the largest peak seen.
    fn wait_measuring(child: &mut Child) -> (ExitStatus, u64) {
        let mut peak = 0;
        loop {
            if let Some(kib) = peak_kib(child.id()) {
                peak = peak.max(kib);
            }
            if let Some(status) = child.try_wait().expect("waiting for jazu") {
                return (status, peak);
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// What came out of a big streaming run.
    struct Streamed {
        status: ExitStatus,
        peak_kib: u64,
        out_len: u64,
        /// Offset of the first output byte that differs from the expected pattern.
        mismatch: Option<u64>,
        stderr: String,
    }

    /// Streams `unit` repeated `count` times (no line feed in it) into `jazu args` and checks
    /// the output, as it arrives, against `expected` repeated.
    fn stream_big(args: &[&str], unit: &str, count: usize, expected: &str) -> Streamed {
        let mut child = jazu()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("jazu starts");
        let mut input = child.stdin.take().unwrap();
        let mut output = child.stdout.take().unwrap();
        let mut errors = child.stderr.take().unwrap();
        let unit_len = unit.len();
        let block = unit.repeat((READ / unit_len).max(1));
        let units_per_block = block.len() / unit_len;
        let feeder = thread::spawn(move || {
            let mut left = count;
            while left > 0 {
                let n = left.min(units_per_block);
                if input.write_all(&block.as_bytes()[..n * unit_len]).is_err() {
                    return;
                }
                left -= n;
            }
        });
        let expected = expected.as_bytes().to_vec();
        let checker = thread::spawn(move || {
            let mut buf = vec![0u8; 1 << 16];
            let mut at = 0u64;
            let mut mismatch = None;
            loop {
                let n = match output.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                if mismatch.is_none() {
                    for (k, &b) in buf[..n].iter().enumerate() {
                        let pos = at + k as u64;
                        if b != expected[(pos % expected.len() as u64) as usize] {
                            mismatch = Some(pos);
                            break;
                        }
                    }
                }
                at += n as u64;
            }
            (at, mismatch)
        });
        let stderr_reader = thread::spawn(move || {
            let mut s = String::new();
            let _ = errors.read_to_string(&mut s);
            s
        });
        let (status, peak_kib) = wait_measuring(&mut child);
        feeder.join().unwrap();
        let (out_len, mismatch) = checker.join().unwrap();
        Streamed {
            status,
            peak_kib,
            out_len,
            mismatch,
            stderr: stderr_reader.join().unwrap(),
        }
    }

    /// Streams about `mb` MB of `unit` through `jazu args` and asserts the output and a flat
    /// memory profile.
    fn assert_streams_flat(args: &[&str], mb: usize, unit: &str, expected: &str) {
        let count = mb * 1_000_000 / unit.len();
        let r = stream_big(args, unit, count, expected);
        eprintln!(
            "jazu {args:?}, {mb} MB of {unit:?}: {} bytes out, peak RSS {} KiB",
            r.out_len, r.peak_kib
        );
        assert!(r.status.success(), "{:?}: {}", r.status, r.stderr);
        assert_eq!(r.stderr, "");
        assert_eq!(r.mismatch, None, "output differs from the expected pattern");
        assert_eq!(r.out_len, (count * expected.len()) as u64, "output length");
        assert!(r.peak_kib > 0, "the peak resident set could not be read");
        assert!(
            r.peak_kib < PEAK_KIB,
            "peak RSS {} KiB for {mb} MB of input (limit {PEAK_KIB} KiB)",
            r.peak_kib
        );
    }

    #[test]
    fn big_input_without_line_feeds() {
        // The default source (`auto`) and Cyrillic.
        let (unit, expected) = ("Қазақстан Республикасы ", "Qazaqstan Respublikasy ");
        assert_streams_flat(&[], big_mb(), unit, expected);
        assert_streams_flat(&["-f", "cyrl"], big_mb(), unit, expected);
    }

    #[test]
    fn big_input_without_any_whitespace() {
        // One word of 100 MB: the long-token path, cut inside the word.
        assert_streams_flat(
            &["-f", "cyrl"],
            big_mb(),
            "Қазақстанреспубликасы",
            "Qazaqstanrespublikasy",
        );
    }

    #[test]
    fn big_input_without_any_whitespace_from_auto() {
        assert_streams_flat(&[], big_mb(), "Қазақстанреспубликасы", "Qazaqstanrespublikasy");
    }

    #[test]
    fn big_input_of_other_scripts_without_whitespace() {
        assert_streams_flat(&["-f", "cyrl"], big_mb(), "中文", "中文");
    }

    #[test]
    fn big_run_of_combining_marks() {
        let count = super::size(4_000_000, 1_000_000);
        let r = stream_big(&["-f", "cyrl"], "\u{301}", count, "\u{301}");
        eprintln!("{count} marks: peak RSS {} KiB", r.peak_kib);
        assert!(r.status.success(), "{}", r.stderr);
        assert!(r.peak_kib < PEAK_KIB, "peak RSS {} KiB", r.peak_kib);
    }

    /// The message for invalid UTF-8 at `offset` of the input `name`.
    fn invalid_at(name: &str, offset: usize) -> String {
        format!("jazu: error: {name}: invalid UTF-8 at byte offset {offset} (use --lossy to replace it)")
    }

    /// Inputs with invalid UTF-8 and the offset of the first bad byte.
    fn bad_inputs() -> Vec<(&'static str, Vec<u8>, usize)> {
        let text = "Қазақстан Республикасы\n".as_bytes();
        let filler = |n: usize| -> Vec<u8> { text.iter().copied().cycle().take(n).collect() };
        let mut cases: Vec<(&'static str, Vec<u8>, usize)> = vec![
            ("start", [b"\xFF".as_slice(), text].concat(), 0),
            ("middle", [text, b"\xC0\xAF", text].concat(), text.len()),
            ("end, truncated", [text, b"\xD2"].concat(), text.len()),
            ("end, lone continuation", [text, b"\x80"].concat(), text.len()),
            ("surrogate", [text, b"\xED\xA0\x80"].concat(), text.len()),
        ];
        // Around the 64 KiB read boundary. `filler` is cut at a character boundary where needed:
        // the text is 2-byte letters, spaces and line feeds.
        let mut before = filler(READ - 1);
        while std::str::from_utf8(&before).is_err() {
            before.pop();
        }
        let pad = READ - 1 - before.len();
        before.extend(std::iter::repeat_n(b'.', pad));
        // A lead byte as the last byte of the first read, a bad continuation after it.
        cases.push((
            "lead byte at the end of a read",
            [&before[..], b"\xD0A"].concat(),
            READ - 1,
        ));
        // A four-byte sequence cut by the boundary, missing its last byte.
        let mut b = before.clone();
        b.truncate(READ - 2);
        cases.push(("sequence across reads", [&b[..], b"\xF0\x9F\x98 ok"].concat(), READ - 2));
        // The first byte of the second read.
        let mut b = before.clone();
        b.push(b'.');
        cases.push(("first byte of a read", [&b[..], b"\xFE"].concat(), READ));
        cases
    }

    #[test]
    fn invalid_utf8_offsets() {
        let dir = temp_dir("invalid_utf8_offsets");
        for (what, bytes, offset) in bad_inputs() {
            assert_eq!(
                std::str::from_utf8(&bytes).unwrap_err().valid_up_to(),
                offset,
                "{what}: test data"
            );
            let file = dir.join("bad.txt");
            fs::write(&file, &bytes).unwrap();
            let o = run(&[arg(&file)], b"");
            assert_eq!(one_error_line(&o), invalid_at(arg(&file), offset), "{what}");
            let o = run(&[], &bytes);
            assert_eq!(one_error_line(&o), invalid_at("<stdin>", offset), "{what}");
        }
        // A valid two-byte letter cut by the read boundary is no error.
        let mut ok = vec![b'.'; READ - 1];
        ok.extend_from_slice("Қ\n".as_bytes());
        let o = run(&[], &ok);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(o.stdout.ends_with(b"Q\n"));
    }

    #[test]
    fn control_characters_bom_and_bidi_through_the_tool() {
        let input = "\u{FEFF}Алма\0Тараз\rШымкент\r\r\u{200F}Қазақ\u{202E}Ақтау\u{2066}Астана\u{2069}\0";
        let o = run(&[], input.as_bytes());
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(
            String::from_utf8(o.stdout).unwrap(),
            "\u{FEFF}Alma\0Taraz\rŞymkent\r\r\u{200F}Qazaq\u{202E}Aqtau\u{2066}Astana\u{2069}\0"
        );
    }

    /// Whether this process can still read a file whose permissions are 000 (root can).
    fn permissions_bind(path: &Path) -> bool {
        File::open(path).is_err()
    }

    #[test]
    fn unreadable_file_among_others() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("unreadable_file_among_others");
        let a = dir.join("a.txt");
        fs::write(&a, "Алма\n").unwrap();
        let secret = dir.join("secret.txt");
        fs::write(&secret, "Құпия\n").unwrap();
        fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
        if !permissions_bind(&secret) {
            eprintln!("skipped: this user reads files with mode 000 (root)");
            return;
        }
        let o = run(&[arg(&secret), arg(&a)], b"");
        let line = one_error_line(&o);
        assert!(
            line.contains("secret.txt") && line.contains("ermission denied"),
            "{line}"
        );
        assert_eq!(o.stdout, b"Alma\n");
    }

    #[test]
    fn read_error_in_the_middle_of_an_input() {
        // /proc/self/mem opens fine but its first read fails (EIO): a read error that no
        // permission bit can bypass, so it also runs as root.
        let o = run(&["/proc/self/mem", "-"], "Алма\n".as_bytes());
        let line = one_error_line(&o);
        assert_eq!(line, "jazu: error: /proc/self/mem: Input/output error");
        assert_eq!(o.stdout, b"Alma\n");
    }

    #[test]
    fn directory_as_input() {
        let dir = temp_dir("directory_as_input");
        let o = run(&[arg(&dir)], b"");
        let line = one_error_line(&o);
        assert!(line.contains(arg(&dir)) && line.contains("directory"), "{line}");
        assert_eq!(o.stdout, b"");
        // Standard input that is a directory.
        let o = jazu().stdin(File::open(&dir).unwrap()).output().expect("jazu runs");
        let line = one_error_line(&o);
        assert!(line.contains("<stdin>") && line.contains("directory"), "{line}");
    }

    #[test]
    fn missing_files_among_several() {
        let dir = temp_dir("missing_files_among_several");
        let mut args = Vec::new();
        for (name, text) in [("a.txt", Some("Алма\n")), ("x.txt", None), ("b.txt", Some("Тараз\n"))] {
            let path = dir.join(name);
            if let Some(text) = text {
                fs::write(&path, text).unwrap();
            }
            args.push(path);
        }
        args.push(dir.join("y.txt"));
        let c = dir.join("c.txt");
        fs::write(&c, "Ақтау").unwrap();
        args.push(c);
        let args: Vec<&str> = args.iter().map(|p| arg(p)).collect();
        let o = run(&args, b"");
        let lines = error_lines(&o, 2);
        assert!(lines[0].contains("x.txt") && lines[1].contains("y.txt"), "{lines:?}");
        assert_eq!(String::from_utf8(o.stdout).unwrap(), "Alma\nTaraz\nAqtau");
    }

    #[test]
    fn full_disk() {
        let small = "Алма\n".as_bytes().to_vec();
        let big = "Қазақстан Республикасы\n".repeat(100_000).into_bytes();
        for input in [&small, &big] {
            let o = run(&["-o", "/dev/full"], input);
            assert_eq!(
                one_error_line(&o),
                "jazu: error: /dev/full: No space left on device",
                "{} bytes",
                input.len()
            );
            // Standard output on a full disk.
            let mut child = jazu()
                .stdin(Stdio::piped())
                .stdout(File::create("/dev/full").unwrap())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let mut pipe = child.stdin.take().unwrap();
            let data = input.clone();
            let feeder = thread::spawn(move || {
                let _ = pipe.write_all(&data);
            });
            let o = child.wait_with_output().unwrap();
            feeder.join().unwrap();
            assert_eq!(
                one_error_line(&o),
                "jazu: error: <stdout>: No space left on device",
                "{} bytes",
                input.len()
            );
        }
    }

    /// The names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn failed_in_place_keeps_the_original() {
        let dir = temp_dir("failed_in_place_keeps_the_original");
        // Invalid UTF-8 after several reads, when converted text has reached the temporary file.
        let mut content = "Қазақстан Республикасы\n".repeat(20_000).into_bytes();
        content.extend_from_slice(b"\xC3\x28 end\n");
        let bad = dir.join("bad.txt");
        fs::write(&bad, &content).unwrap();
        let o = run(&["--in-place", arg(&bad)], b"");
        let line = one_error_line(&o);
        assert!(line.contains("bad.txt") && line.contains("invalid UTF-8"), "{line}");
        assert!(fs::read(&bad).unwrap() == content, "the original changed");
        assert_eq!(names(&dir), ["bad.txt"]);
    }

    #[test]
    fn in_place_in_a_read_only_directory() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("in_place_in_a_read_only_directory");
        let file = dir.join("a.txt");
        fs::write(&file, "Алма\n").unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o555)).unwrap();
        let probe = File::create(dir.join("probe"));
        if probe.is_ok() {
            let _ = fs::remove_file(dir.join("probe"));
            make_writable(&dir).unwrap();
            eprintln!("skipped: this user writes into read-only directories (root)");
            return;
        }
        let o = run(&["--in-place", arg(&file)], b"");
        make_writable(&dir).unwrap();
        let line = one_error_line(&o);
        assert!(line.contains("a.txt") && line.contains("temporary file"), "{line}");
        assert_eq!(fs::read_to_string(&file).unwrap(), "Алма\n");
        assert_eq!(names(&dir), ["a.txt"]);
    }

    #[test]
    fn closed_pipe_ends_quietly() {
        // The reader goes away after a few bytes, while input still streams in.
        let mut child = jazu()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        let feeder = thread::spawn(move || {
            let block = "Қазақстан Республикасы ".repeat(4000);
            for _ in 0..2000 {
                if input.write_all(block.as_bytes()).is_err() {
                    return;
                }
            }
        });
        let mut out = child.stdout.take().unwrap();
        let mut head = [0u8; 9];
        out.read_exact(&mut head).unwrap();
        assert_eq!(&head, b"Qazaqstan");
        drop(out);
        let o = child.wait_with_output().unwrap();
        feeder.join().unwrap();
        assert_eq!(stderr(&o), "");
        assert_eq!(o.status.code(), Some(0));

        // The reader is gone before anything is written.
        let mut child = jazu()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let mut input = child.stdin.take().unwrap();
        let _ = input.write_all("Алма\n".repeat(50_000).as_bytes());
        drop(input);
        let o = child.wait_with_output().unwrap();
        assert_eq!(stderr(&o), "");
        assert_eq!(o.status.code(), Some(0));
    }
}
