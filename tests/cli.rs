//! Tests of the `jazu` command-line tool, run as a separate process.
//!
//! Expected strings are worked out by hand from the letter tables: in the 2021 alphabet
//! А→A, Б→B, Е→E, З→Z, К→K, Қ→Q, Л→L, М→M, Н→N, П→P, Р→R, С→S, Т→T, У→U, Ы→Y, Ш→Ş, і→ı, и→i;
//! in BGN/PCGN Ш→Sh.
//!
//! The binary needs the `cli` feature: `cargo test --all-features --test cli`.

#![cfg(feature = "cli")]

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The binary under test.
fn jazu() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jazu"))
}

/// Runs `jazu` with `args`, feeding `stdin` from another thread.
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
    let feeder = std::thread::spawn(move || {
        // jazu may stop reading early (usage errors); a closed pipe is fine here.
        let _ = pipe.write_all(&input);
    });
    let output = child.wait_with_output().expect("jazu runs");
    feeder.join().unwrap();
    output
}

/// An empty directory of its own for one test.
fn temp_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli").join(test);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, content).unwrap();
    path
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("output is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts exit status 2 and exactly one line `jazu: error: ...` on stderr; returns the line.
fn one_error_line(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "one line expected: {err:?}");
    assert!(err.starts_with("jazu: error: "), "{err:?}");
    assert!(err.ends_with('\n'));
    err
}

fn success(o: &Output) {
    assert!(o.status.success(), "status {:?}, stderr: {}", o.status, stderr(o));
    assert_eq!(stderr(o), "");
}

#[test]
fn stdin_to_stdout_with_the_default_target() {
    let o = run(&[], "Қазақстан\n".as_bytes());
    success(&o);
    assert_eq!(stdout(&o), "Qazaqstan\n");
}

#[test]
fn scheme_options() {
    let o = run(&["-f", "cyrl", "-t", "bgn-pcgn"], "Шымкент\n".as_bytes());
    success(&o);
    assert_eq!(stdout(&o), "Shymkent\n");
    let o = run(&["--to", "latn-2021"], "Шымкент\n".as_bytes());
    success(&o);
    assert_eq!(stdout(&o), "Şymkent\n");
}

#[test]
fn files_in_order() {
    let dir = temp_dir("files_in_order");
    let a = write(&dir, "a.txt", "Алма\n");
    let b = write(&dir, "b.txt", "Шымкент\n");
    let o = run(&[arg(&b), arg(&a)], b"");
    success(&o);
    assert_eq!(stdout(&o), "Şymkent\nAlma\n");
}

#[test]
fn dash_reads_stdin_among_files() {
    let dir = temp_dir("dash_reads_stdin_among_files");
    let a = write(&dir, "a.txt", "Алма\n");
    let b = write(&dir, "b.txt", "Шымкент\n");
    let o = run(&[arg(&a), "-", arg(&b)], "Тараз\n".as_bytes());
    success(&o);
    assert_eq!(stdout(&o), "Alma\nTaraz\nŞymkent\n");
}

#[test]
fn output_file() {
    let dir = temp_dir("output_file");
    let out = dir.join("out.txt");
    let o = run(&["-o", arg(&out)], "Қазақстан\n".as_bytes());
    success(&o);
    assert_eq!(o.stdout, b"");
    assert_eq!(fs::read_to_string(&out).unwrap(), "Qazaqstan\n");
}

#[test]
fn output_file_that_is_an_input_is_refused() {
    let dir = temp_dir("output_file_that_is_an_input_is_refused");
    let a = write(&dir, "a.txt", "Алма\n");
    let o = run(&[arg(&a), "-o", arg(&a)], b"");
    one_error_line(&o);
    assert_eq!(fs::read_to_string(&a).unwrap(), "Алма\n");
}

#[test]
fn in_place_replaces_the_content() {
    let dir = temp_dir("in_place_replaces_the_content");
    let a = write(&dir, "a.txt", "Қазақстан\nАлма\n");
    let b = write(&dir, "b.txt", "Шымкент\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&a, fs::Permissions::from_mode(0o640)).unwrap();
    }
    let o = run(&["-i", arg(&a), arg(&b)], b"");
    success(&o);
    assert_eq!(o.stdout, b"");
    assert_eq!(fs::read_to_string(&a).unwrap(), "Qazaqstan\nAlma\n");
    assert_eq!(fs::read_to_string(&b).unwrap(), "Şymkent\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&a).unwrap().permissions().mode() & 0o777, 0o640);
    }
    let mut names: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["a.txt", "b.txt"]);
}

#[test]
fn failed_in_place_leaves_the_original_and_no_temporary_file() {
    let dir = temp_dir("failed_in_place_leaves_the_original");
    // Enough text before the bad byte that some converted output reaches the temporary file.
    let mut content = "Қазақстан Республикасы\n".repeat(10_000).into_bytes();
    content.extend_from_slice(b"\xFF end\n");
    let bad = write(&dir, "bad.txt", &content);
    let good = write(&dir, "good.txt", "Алма\n");
    let o = run(&["--in-place", arg(&bad), arg(&good)], b"");
    let err = one_error_line(&o);
    assert!(err.contains("bad.txt"), "{err}");
    assert_eq!(fs::read(&bad).unwrap(), content);
    // The other file is still converted.
    assert_eq!(fs::read_to_string(&good).unwrap(), "Alma\n");
    let mut names: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["bad.txt", "good.txt"]);
}

#[test]
fn in_place_usage_errors() {
    let dir = temp_dir("in_place_usage_errors");
    let a = write(&dir, "a.txt", "Алма\n");
    for args in [
        vec!["--in-place"],
        vec!["--in-place", "-"],
        vec!["--in-place", arg(&a), "-o", "out.txt"],
    ] {
        let o = run(&args, b"");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(!o.stderr.is_empty(), "{args:?}");
        assert_eq!(o.stdout, b"", "{args:?}");
    }
    assert_eq!(fs::read_to_string(&a).unwrap(), "Алма\n");
}

#[test]
fn list_names_every_scheme_with_an_example() {
    let o = run(&["--list"], b"");
    success(&o);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), jazu::Scheme::all().count());
    for (scheme, line) in jazu::Scheme::all().zip(&lines) {
        assert!(line.starts_with(&format!("{} ", scheme.id())), "{line}");
        assert!(line.contains(scheme.description()), "{line}");
        assert!(line.contains(&format!("{} → ", scheme.example())), "{line}");
    }
    let line = |id: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap()
            .to_string()
    };
    assert!(line("latn-2021").contains("Шымкент → Şymkent"));
    assert!(line("bgn-pcgn").contains("Шымкент → Shymkent"));
    // Aligned: the examples start in the same column.
    let columns: Vec<usize> = lines
        .iter()
        .map(|l| l.chars().position(|c| c == '→').unwrap())
        .collect();
    assert!(columns.windows(2).all(|w| w[0] == w[1]), "{out}");
}

#[test]
fn unknown_scheme_lists_the_valid_ids() {
    for flag in ["--to", "--from"] {
        let o = run(&[flag, "klingon"], "Алма\n".as_bytes());
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(o.stdout, b"");
        let err = stderr(&o);
        assert!(err.contains("klingon"), "{err}");
        for scheme in jazu::Scheme::all() {
            assert!(err.contains(scheme.id()), "{} missing from {err}", scheme.id());
        }
    }
}

#[test]
fn unsupported_pair() {
    // A romanization is one-way: BGN/PCGN is not read back.
    let o = run(&["--from", "bgn-pcgn", "--to", "cyrl"], "Almaty\n".as_bytes());
    let err = one_error_line(&o);
    assert!(err.contains("bgn-pcgn") && err.contains("cyrl"), "{err}");
    assert_eq!(o.stdout, b"");
}

#[test]
fn latin_to_cyrillic() {
    // 2021 letters read back by hand: Q қ, a а, z з, s с, t т, n н; ä ә, i after a vowel й,
    // e е, l л; ş ш, y ы, m м, k к.
    let o = run(
        &["--from", "latn-2021", "--to", "cyrl"],
        "Qazaqstan äiel Şymkent\n".as_bytes(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "Қазақстан әйел Шымкент\n");
}

#[test]
fn invalid_utf8_names_the_file_and_the_offset() {
    let dir = temp_dir("invalid_utf8_names_the_file_and_the_offset");
    // "Ал" is 4 bytes, the space one more: the bad byte is at offset 5.
    let x = write(&dir, "x.txt", b"\xD0\x90\xD0\xBB \xFF\n");
    let o = run(&[arg(&x)], b"");
    let err = one_error_line(&o);
    assert_eq!(
        err,
        format!(
            "jazu: error: {}: invalid UTF-8 at byte offset 5 (use --lossy to replace it)\n",
            arg(&x)
        )
    );
    let o = run(&[], b"ok\n\xC3");
    let err = one_error_line(&o);
    assert_eq!(
        err,
        "jazu: error: <stdin>: invalid UTF-8 at byte offset 3 (use --lossy to replace it)\n"
    );
}

#[test]
fn invalid_utf8_offset_counts_from_the_start_of_a_large_file() {
    let dir = temp_dir("invalid_utf8_offset_counts_from_the_start_of_a_large_file");
    // Past several 64 KiB reads; each line is 4 + 1 = 5 bytes.
    let mut content = "Ал\n".repeat(100_000).into_bytes();
    let offset = content.len();
    content.extend_from_slice(b"\xFE\n");
    let x = write(&dir, "x.txt", &content);
    let o = run(&[arg(&x)], b"");
    let err = one_error_line(&o);
    assert!(
        err.contains(&format!("x.txt: invalid UTF-8 at byte offset {offset} ")),
        "{err}"
    );
}

#[test]
fn lossy_replaces_invalid_utf8() {
    let o = run(&["--lossy"], b"\xD0\x90\xD0\xBB \xFF\n");
    success(&o);
    assert_eq!(stdout(&o), "Al \u{FFFD}\n");
}

#[test]
fn missing_file_among_two() {
    let dir = temp_dir("missing_file_among_two");
    let b = write(&dir, "b.txt", "Шымкент\n");
    let missing = dir.join("missing.txt");
    let o = run(&[arg(&missing), arg(&b)], b"");
    let err = one_error_line(&o);
    assert!(err.contains("missing.txt"), "{err}");
    assert_eq!(stdout(&o), "Şymkent\n");
}

#[test]
fn directory_among_files() {
    let dir = temp_dir("directory_among_files");
    let a = write(&dir, "a.txt", "Алма\n");
    let sub = dir.join("sub");
    fs::create_dir(&sub).unwrap();
    let o = run(&[arg(&sub), arg(&a)], b"");
    let err = one_error_line(&o);
    assert!(err.contains("sub"), "{err}");
    assert_eq!(stdout(&o), "Alma\n");
}

#[test]
fn crlf_is_kept() {
    let o = run(&[], "Алма\r\nТараз\r\n\r\n".as_bytes());
    success(&o);
    assert_eq!(stdout(&o), "Alma\r\nTaraz\r\n\r\n");
}

#[test]
fn closed_stdout_ends_quietly() {
    let dir = temp_dir("closed_stdout_ends_quietly");
    let line = "Қазақстан Республикасы\n";
    let big = write(&dir, "big.txt", line.repeat(20_000_000 / line.len()));
    let mut child = jazu()
        .arg(arg(&big))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdout.take().unwrap();
    let mut head = [0u8; 22];
    pipe.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"Qazaqstan Respublikasy");
    drop(pipe);
    let o = child.wait_with_output().unwrap();
    assert_eq!(stderr(&o), "");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn completions() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = run(&["--completions", shell], b"");
        success(&o);
        assert!(stdout(&o).contains("jazu"), "{shell}");
    }
    let o = run(&["--completions", "bash"], b"");
    // The scheme ids are offered for --to.
    assert!(stdout(&o).contains("latn-2018"));
}

#[test]
fn html_mode_leaves_attributes_alone() {
    let page = "<a href=\"Алматы\">Алматы</a>\n";
    let o = run(&["--html"], page.as_bytes());
    success(&o);
    assert_eq!(stdout(&o), "<a href=\"Алматы\">Almaty</a>\n");
}

#[test]
fn map_overrides_a_rule() {
    // The 2021 table writes Ц as S and Ш as Ş.
    let o = run(&["--map", "Ц=Ts"], "Цирк\n".as_bytes());
    success(&o);
    assert_eq!(stdout(&o), "Tsirk\n");
    // A context rule and a default for the same key: all caps, and otherwise.
    let o = run(&["--map", "Ш=SH;caps", "--map", "Ш=Sh"], "ШЫМКЕНТ Шымкент\n".as_bytes());
    success(&o);
    assert_eq!(stdout(&o), "SHYMKENT Shymkent\n");
    let o = run(&["--map", "Ш=SH;nonsense"], "Шымкент\n".as_bytes());
    one_error_line(&o);
    let o = run(&["--map", "Ш"], "Шымкент\n".as_bytes());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn table_file() {
    let dir = temp_dir("table_file");
    let table = write(&dir, "my.tsv", "from\tto\tcontext\tnote\nЦ\tC\t\t\nц\tc\t\t\n");
    let o = run(&["--table", arg(&table)], "Цирк\n".as_bytes());
    success(&o);
    assert_eq!(stdout(&o), "Cirk\n");
    let broken = write(&dir, "broken.tsv", "Ц\tC\n");
    let o = run(&["--table", arg(&broken)], "Цирк\n".as_bytes());
    let err = one_error_line(&o);
    assert!(err.contains("broken.tsv"), "{err}");
    let o = run(&["--table", arg(&dir.join("missing.tsv"))], "Цирк\n".as_bytes());
    one_error_line(&o);
}

#[test]
fn no_repair() {
    // A Latin i inside a Cyrillic word: repaired to і (2021: ı), or kept as it is.
    let word = "мемлекеттiк\n";
    let o = run(&[], word.as_bytes());
    success(&o);
    assert_eq!(stdout(&o), "memlekettık\n");
    let o = run(&["--no-repair"], word.as_bytes());
    success(&o);
    assert_eq!(stdout(&o), "memlekettik\n");
}

#[test]
fn no_protect() {
    let text = "https://kk.wikipedia.org/wiki/Алматы\n";
    let o = run(&[], text.as_bytes());
    success(&o);
    assert_eq!(stdout(&o), text);
    let o = run(&["--no-protect"], text.as_bytes());
    success(&o);
    assert_eq!(stdout(&o), "https://kk.wikipedia.org/wiki/Almaty\n");
}

#[test]
fn help_documents_several_files_and_exit_status() {
    let o = run(&["--help"], b"");
    success(&o);
    let help = stdout(&o);
    assert!(help.contains("Exit status"), "{help}");
    assert!(help.contains("goes on with the others"), "{help}");
    let o = run(&["--version"], b"");
    success(&o);
    assert!(stdout(&o).starts_with("jazu "));
}

#[test]
fn stdin_lines_come_out_as_they_arrive() {
    let mut child = jazu()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let mut output = child.stdout.take().unwrap();
    input.write_all("Алма\n".as_bytes()).unwrap();
    input.flush().unwrap();
    // stdin stays open: the line must come out before the end of the input.
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut line = [0u8; 5];
        let got = output.read_exact(&mut line).map(|()| line);
        let _ = tx.send(got);
    });
    let got = rx.recv_timeout(std::time::Duration::from_secs(20));
    if got.is_err() {
        let _ = child.kill();
    }
    drop(input);
    reader.join().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(&got.expect("no output before the end of the input").unwrap(), b"Alma\n");
    assert!(status.success());
}

/// Size of the blocks `--threads` reads (512 KiB).
const BLOCK: usize = 512 * 1024;

/// Size of the one-thread path's reads (64 KiB).
const CHUNK: usize = 64 * 1024;

/// `release` in an optimized build, `debug` in a debug build (slower by ten times and more).
fn size(release: usize, debug: usize) -> usize {
    if cfg!(debug_assertions) {
        debug
    } else {
        release
    }
}

/// The Kazakh sentences of the KazNERD test set (its `text` column).
fn corpus_sentences() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/corpus/kaznerd-test.tsv");
    let tsv = fs::read_to_string(path).expect("the corpus is in the repository");
    tsv.lines()
        .skip(1)
        .filter_map(|line| line.split('\t').nth(1))
        .map(str::to_string)
        .collect()
}

/// A deterministic text of at least `bytes` bytes: corpus sentences mixed with Latin lines,
/// links, emoji, a combining mark starting a line, blank lines, lines of up to 300 KB, a third
/// of the line ends CRLF, and a last line without a line end.
fn mixed_text(bytes: usize) -> Vec<u8> {
    let corpus = corpus_sentences();
    let extras = [
        "Qazaqstan Respublikasy men Şymkent, Jañaözen",
        "Аxios: https://example.com/жол?q=қала @handle_1 e-mail: a@b.kz",
        "\u{301}Алма мен \u{430}\u{306} өрік",
        "",
        " \t ",
        "ЖАҢАӨЗЕН — ШЫМКЕНТ 2025 ж. 😀 №5",
        "Nūrai keldı, äke-şeşesı üide.",
    ];
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    let mut random = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut text = Vec::new();
    while text.len() < bytes {
        let r = random();
        let pick = (r >> 16) as usize;
        if r % 211 == 0 {
            // A long line: sentences joined with spaces.
            let target = text.len() + 1 + pick % 300_000;
            while text.len() < target {
                text.extend_from_slice(corpus[random() as usize % corpus.len()].as_bytes());
                text.push(b' ');
            }
        } else if r % 5 == 0 {
            text.extend_from_slice(extras[pick % extras.len()].as_bytes());
        } else {
            text.extend_from_slice(corpus[pick % corpus.len()].as_bytes());
        }
        text.extend_from_slice(if r % 3 == 0 { b"\r\n" } else { b"\n" });
    }
    text.extend_from_slice("Соңғы жол, жол соңы жоқ".as_bytes());
    text
}

/// Runs `jazu --threads N` with `args` for N = 1, 2 and 3, and without `--threads` (one thread
/// per core for a file of 1 MiB or more), asserts that stdout, stderr and the exit status are
/// the same, byte for byte, and returns the output of one thread.
fn same_for_threads(args: &[&str], stdin: &[u8]) -> Output {
    let with = |n: &str| {
        let mut all = if n.is_empty() { vec![] } else { vec!["--threads", n] };
        all.extend_from_slice(args);
        run(&all, stdin)
    };
    let one = with("1");
    for n in ["2", "3", ""] {
        let many = with(n);
        assert_eq!(many.status, one.status, "--threads {n} {args:?}: {}", stderr(&many));
        assert_eq!(stderr(&many), stderr(&one), "--threads {n} {args:?}");
        assert!(many.stdout == one.stdout, "--threads {n} {args:?}: output differs");
    }
    one
}

#[test]
fn threads_give_the_same_output_byte_for_byte() {
    let dir = temp_dir("threads_give_the_same_output_byte_for_byte");
    let text = mixed_text(size(6_000_000, 2_500_000));
    let x = write(&dir, "x.txt", &text);
    let o = same_for_threads(&[arg(&x)], b"");
    success(&o);
    assert!(o.stdout.len() > text.len() / 2);
    assert!(o.stdout.ends_with("Soñğy jol, jol soñy joq".as_bytes()));
    success(&same_for_threads(&["--from", "cyrl", "-t", "bgn-pcgn", arg(&x)], b""));
    // Rewritten in place, by default on one thread per core.
    let y = write(&dir, "y.txt", &text);
    success(&run(&["-i", arg(&y)], b""));
    assert!(fs::read(&y).unwrap() == o.stdout, "-i: output differs");
    // Latin back to Cyrillic, which goes line by line.
    let latin = write(&dir, "latin.txt", &o.stdout);
    success(&same_for_threads(
        &["--from", "latn-2021", "-t", "cyrl", arg(&latin)],
        b"",
    ));
}

#[test]
fn threads_from_stdin_and_to_a_file() {
    let dir = temp_dir("threads_from_stdin_and_to_a_file");
    let text = mixed_text(size(3_000_000, 1_200_000));
    let one = same_for_threads(&["-t", "latn-2018"], &text);
    success(&one);
    let out = dir.join("out.txt");
    let x = write(&dir, "x.txt", &text);
    success(&run(
        &["--threads", "2", "-t", "latn-2018", "-o", arg(&out), arg(&x)],
        b"",
    ));
    assert!(fs::read(&out).unwrap() == one.stdout);
}

#[test]
fn threads_at_block_edges() {
    let dir = temp_dir("threads_at_block_edges");
    // 32 bytes, so that lines end at block ends; byte 22 is a space.
    let line = "Қазақстан 205 Алма\n";
    let exact = line.repeat(BLOCK / line.len() + 1).into_bytes();
    let block = &exact[..BLOCK];
    let unended = [&exact[..BLOCK - 10], b"0123456789"].concat();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("one line end", b"\n".to_vec()),
        ("no line end", "Алма".as_bytes().to_vec()),
        ("a block of lines", block.to_vec()),
        ("a block ending inside a line", unended.clone()),
        ("a block and a byte", [block, b"x"].concat()),
        ("a block and a line end", [block, b"\n"].concat()),
        ("two blocks of lines", block.repeat(2)),
        ("two blocks of lines and more", exact.repeat(2)),
        ("a line across a block end", [&unended, &exact[..]].concat()),
    ];
    for (name, content) in cases {
        let x = write(&dir, "x.txt", &content);
        let o = same_for_threads(&[arg(&x)], b"");
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        assert_eq!(o.stdout.is_empty(), content.is_empty(), "{name}");
    }
}

#[test]
fn threads_with_lines_longer_than_a_block() {
    let dir = temp_dir("threads_with_lines_longer_than_a_block");
    let mut text = mixed_text(BLOCK + 1000);
    text.push(b'\n');
    // Longer than two blocks: the rest of the input is converted on one thread.
    let words = "Қазақстан Республикасы Ақорда ".repeat(3 * BLOCK / 50);
    text.extend_from_slice(words.as_bytes());
    text.push(b'\n');
    text.extend_from_slice(&mixed_text(BLOCK));
    let x = write(&dir, "x.txt", &text);
    success(&same_for_threads(&[arg(&x)], b""));
    // A token longer than a block, with no whitespace in it.
    let mut token = mixed_text(100_000);
    token.extend_from_slice("Ақорда".repeat(BLOCK / 4).as_bytes());
    token.extend_from_slice(b"\r\n");
    let y = write(&dir, "y.txt", &token);
    success(&same_for_threads(&["--from", "cyrl", arg(&y)], b""));
}

#[test]
fn threads_with_a_line_longer_than_the_streaming_limit() {
    // Latin is read back line by line, so a line of more than 4 MiB is cut where the one-thread
    // writer cuts it: the same place with several threads.
    let dir = temp_dir("threads_with_a_line_longer_than_the_streaming_limit");
    let mut text = "Qazaqstan Respublikasy\n".repeat(BLOCK / 20).into_bytes();
    text.extend_from_slice("Jañaözen äiel ".repeat((4 << 20) / 14 + 1000).as_bytes());
    text.extend_from_slice(b"\nQala\n");
    let x = write(&dir, "x.txt", &text);
    success(&same_for_threads(&["--from", "latn-2021", "-t", "cyrl", arg(&x)], b""));
}

/// The UTF-8 `text` with `bytes` written over it at `at`, and spaces over the rest of the
/// characters they overlap, so that `bytes` holds the first invalid byte.
fn spoiled(text: &[u8], at: usize, bytes: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(text).expect("the text is UTF-8");
    let end = at + bytes.len();
    let start = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap();
    let after = (end..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap();
    let mut spoiled = text.as_bytes()[..start].to_vec();
    spoiled.resize(at, b' ');
    spoiled.extend_from_slice(bytes);
    spoiled.resize(after, b' ');
    spoiled.extend_from_slice(&text.as_bytes()[after..]);
    spoiled
}

#[test]
fn threads_report_invalid_utf8_at_the_same_offset_after_the_same_output() {
    let dir = temp_dir("threads_report_invalid_utf8_at_the_same_offset_after_the_same_output");
    let text = mixed_text(3 * BLOCK);
    let cases = [
        ("in the first chunk", spoiled(&text, 100, b"\xFF")),
        (
            "in a later chunk of the first block",
            spoiled(&text, 3 * CHUNK + 5, b"\xFF"),
        ),
        ("just after a block end", spoiled(&text, BLOCK + 3, b"\xFE")),
        ("just before a block end", spoiled(&text, 2 * BLOCK - 2, b"\xFE")),
        // A sequence cut by the end of a chunk, found invalid in the next one.
        ("across a chunk end", spoiled(&text, 2 * BLOCK - 1, b"\xE0x")),
        ("at the end of the input", [&text[..], b"\n\xD0"].concat()),
    ];
    for (name, content) in cases {
        let x = write(&dir, &format!("{name}.txt"), &content);
        let o = same_for_threads(&[arg(&x)], b"");
        let err = one_error_line(&o);
        assert!(err.contains("invalid UTF-8 at byte offset"), "{name}: {err}");
        let o = same_for_threads(&["--lossy", arg(&x)], b"");
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        assert!(stdout(&o).contains('\u{FFFD}'), "{name}");
    }
    // After a line longer than two blocks, converted on one thread.
    let long = "Ақорда ".repeat(BLOCK / 3);
    let content = [&text[..BLOCK], b"\n", long.as_bytes(), b"\n\xC0\n", &text[..1000]].concat();
    let x = write(&dir, "x.txt", &content);
    let err = one_error_line(&same_for_threads(&[arg(&x)], b""));
    let offset = BLOCK + 1 + long.len() + 1;
    assert!(
        err.contains(&format!("invalid UTF-8 at byte offset {offset} ")),
        "{err}"
    );
}

#[test]
fn threads_with_several_files_and_in_place() {
    let dir = temp_dir("threads_with_several_files_and_in_place");
    let text = mixed_text(size(2 * BLOCK, BLOCK + 1000));
    let bad = spoiled(&text, BLOCK / 2, b"\xFF");
    for n in ["1", "2"] {
        let sub = dir.join(n);
        fs::create_dir_all(&sub).unwrap();
        for (name, content) in [("a.txt", &text), ("b.txt", &bad), ("c.txt", &text)] {
            write(&sub, name, content);
        }
    }
    let in_dir = |n: &str, args: &[&str]| {
        jazu()
            .current_dir(dir.join(n))
            .args(["--threads", n])
            .args(args)
            .output()
            .unwrap()
    };
    let (one, two) = (
        in_dir("1", &["a.txt", "b.txt", "c.txt"]),
        in_dir("2", &["a.txt", "b.txt", "c.txt"]),
    );
    assert_eq!(one.status.code(), Some(2));
    assert_eq!((two.status, stderr(&two)), (one.status, stderr(&one)));
    assert!(two.stdout == one.stdout);
    let (one, two) = (
        in_dir("1", &["-i", "a.txt", "b.txt", "c.txt"]),
        in_dir("2", &["-i", "a.txt", "b.txt", "c.txt"]),
    );
    assert_eq!(one.status.code(), Some(2));
    assert_eq!((two.status, stderr(&two)), (one.status, stderr(&one)));
    for name in ["a.txt", "b.txt", "c.txt"] {
        let (a, b) = (
            fs::read(dir.join("1").join(name)).unwrap(),
            fs::read(dir.join("2").join(name)).unwrap(),
        );
        assert!(a == b, "{name} differs");
    }
    assert!(
        fs::read(dir.join("2").join("b.txt")).unwrap() == bad,
        "a file that fails stays as it was"
    );
}

#[test]
fn threads_in_html_mode_and_zero_threads() {
    let page = "<p title=\"Алма\">Қала\n<pre>\nЖол</pre></p>\n".repeat(BLOCK / 40);
    success(&same_for_threads(&["--html"], page.as_bytes()));
    let text = mixed_text(BLOCK + 1000);
    let one = run(&["--threads", "1"], &text);
    let all = run(&["--threads", "0"], &text);
    success(&all);
    assert!(all.stdout == one.stdout);
    let help = stdout(&run(&["--help"], b""));
    assert!(help.contains("--threads <N>"), "{help}");
}

#[test]
fn threads_end_quietly_on_a_closed_pipe() {
    let dir = temp_dir("threads_end_quietly_on_a_closed_pipe");
    let x = write(&dir, "x.txt", mixed_text(size(8 * BLOCK, 4 * BLOCK)));
    let mut child = jazu()
        .args(["--threads", "2", arg(&x)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 10];
    out.read_exact(&mut first).unwrap();
    drop(out);
    let o = child.wait_with_output().unwrap();
    success(&o);
}

// The normalizer through the command line: `-f cyrl -t cyrl`, `--spelling`, `--keyboard`,
// `--variants`, `--report json` and `--check`. Expected Latin is worked out by hand from the
// 2021 table (И→İ, б→b, р→r, а→a, һ→h, и→i, м→m, н→n, і→ı, ң→ñ); the repairs are those of the
// normalizer's specification and of `tables/variants.tsv`.

/// Runs `jazu` on text.
fn run_text(args: &[&str], stdin: &str) -> Output {
    run(args, stdin.as_bytes())
}

const NORMALIZER_TEXT: &str = "Бұл жаhан.\nКазакстан улкен ел.\nАвраамның ұлы\n";

#[test]
fn cyrl_to_cyrl_normalizes_every_kind() {
    let o = run_text(&["-f", "cyrl", "-t", "cyrl"], NORMALIZER_TEXT);
    assert!(o.status.success());
    assert_eq!(stdout(&o), "Бұл жаһан.\nҚазақстан үлкен ел.\nИбраһимнің ұлы\n");
    let o = run_text(
        &["-f", "cyrl", "-t", "cyrl", "--no-spelling", "--no-keyboard"],
        NORMALIZER_TEXT,
    );
    assert_eq!(stdout(&o), "Бұл жаһан.\nКазакстан улкен ел.\nАвраамның ұлы\n");
}

#[test]
fn a_russian_sentence_is_not_kazakh() {
    let text = "Казахстан присоединится к соглашениям.\n";
    assert_eq!(stdout(&run_text(&["-f", "cyrl", "-t", "cyrl"], text)), text);
}

#[test]
fn conversions_repair_words_on_request() {
    let o = run_text(&["-f", "cyrl", "-t", "latn-2021"], "Авраамның\n");
    assert_eq!(stdout(&o), "Avraamnyñ\n");
    let o = run_text(&["-f", "cyrl", "-t", "latn-2021", "--spelling"], "Авраамның\n");
    assert_eq!(stdout(&o), "İbrahimnıñ\n");
    let o = run_text(&["-f", "cyrl", "-t", "cyrl", "--spelling=variant"], "Ибраһимнің\n");
    assert_eq!(stdout(&o), "Авраамның\n");
    let o = run_text(
        &["-f", "cyrl", "-t", "latn-2021", "--keyboard"],
        "Казакстан улкен ел.\n",
    );
    assert_eq!(stdout(&o), "Qazaqstan ülken el.\n");
}

#[test]
fn user_variants_are_loaded_and_checked() {
    let dir = temp_dir("normalizer-variants");
    let good = dir.join("good.tsv");
    fs::write(&good, "kazakh\tvariants\tsource\nЖұмабек\tДжумабек\tfamily\n").unwrap();
    let o = run_text(
        &["-f", "cyrl", "-t", "cyrl", "--variants", good.to_str().unwrap()],
        "Джумабекке\n",
    );
    assert_eq!(stdout(&o), "Жұмабекке\n");
    let bad = dir.join("bad.tsv");
    fs::write(&bad, "kazakh\tvariants\tsource\nЖұмабек\tДжума бек\tfamily\n").unwrap();
    let o = run_text(
        &["-f", "cyrl", "-t", "cyrl", "--variants", bad.to_str().unwrap()],
        "x\n",
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.tsv") && err.contains("line 2"), "{err}");
}

#[test]
fn check_lists_repairs_and_exits_1() {
    let o = run_text(&["-f", "cyrl", "-t", "cyrl", "--check"], NORMALIZER_TEXT);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "<stdin>:1:8: lookalike: жаhан. -> жаһан.\n\
         <stdin>:2:1: keyboard: Казакстан -> Қазақстан\n\
         <stdin>:2:20: keyboard: улкен -> үлкен\n\
         <stdin>:3:1: spelling: Авраамның -> Ибраһимнің\n"
    );
    let o = run_text(&["-f", "cyrl", "-t", "cyrl", "--check"], "Бұл жақсы.\n");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
}

/// Where two Kazakh words fit a word typed on a Russian keyboard (the issue's кол: қол "hand" or
/// көл "lake"; он "ten" or оң "right"), the reading taken or the word left is reported with the
/// other; a word left as it is does not count as a change for `--check`.
#[test]
fn ambiguous_words_are_reported_with_their_other_readings() {
    let text = "Кол жуып отырмын\nмен казир уйде отырмын он жак\n";
    let o = run_text(&["-f", "cyrl", "-t", "cyrl", "--check"], text);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("<stdin>:1:1: keyboard: Кол -> Қол (or Көл)\n"), "{out}");
    assert!(out.contains("<stdin>:2:43: ambiguous: он (or оң)\n"), "{out}");
    let o = run_text(&["-f", "cyrl", "-t", "cyrl", "--report", "json"], text);
    assert_eq!(stdout(&o), "Қол жуып отырмын\nмен қазір үйде отырмын он жақ\n");
    let report = String::from_utf8_lossy(&o.stderr);
    assert!(
        report.contains(r#""before":"он","after":"он","repair":"ambiguous","#)
            && report.contains(r#""alternatives":["оң"]}"#),
        "{report}"
    );
    // Nothing but a word left as it is: no change to find.
    let o = run_text(&["-f", "cyrl", "-t", "cyrl", "--check"], "он жақсы\n");
    assert_eq!((o.status.code(), stdout(&o)), (Some(0), String::new()));
}

#[test]
fn report_json_goes_to_a_file_with_offsets_into_the_input() {
    let dir = temp_dir("normalizer-report");
    let report = dir.join("changes.jsonl");
    let o = run_text(
        &[
            "-f",
            "cyrl",
            "-t",
            "latn-2021",
            "--spelling",
            "--report",
            "json",
            "--report-file",
            report.to_str().unwrap(),
        ],
        NORMALIZER_TEXT,
    );
    assert!(o.status.success());
    assert_eq!(stdout(&o), "Būl jahan.\nKazakstan ulken el.\nİbrahimnıñ ūly\n");
    let lines: Vec<String> = fs::read_to_string(&report).unwrap().lines().map(String::from).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with(
        r#"{"file":"<stdin>","offset":7,"line":1,"column":8,"before":"жаhан.","after":"жаһан.","repair":"lookalike""#
    ));
    let offset = NORMALIZER_TEXT.find("Авраам").unwrap();
    assert!(lines[1].contains(&format!(
        r#""offset":{offset},"line":3,"column":1,"before":"Авраамның","after":"Ибраһимнің","repair":"spelling""#
    )));
}
