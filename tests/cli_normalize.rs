//! The normalizer through the command line: `-f cyrl -t cyrl`, `--spelling`, `--keyboard`,
//! `--variants`, `--report json` and `--check`.
//!
//! Expected Latin is worked out by hand from the 2021 table (И→İ, б→b, р→r, а→a, һ→h, и→i,
//! м→m, н→n, і→ı, ң→ñ); the repairs are those of the normalizer's specification and of
//! `tables/variants.tsv`.

#![cfg(feature = "cli")]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jazu"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("jazu starts");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().expect("jazu runs")
}

fn out(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn temp_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli_normalize").join(test);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

const TEXT: &str = "Бұл жаhан.\nКазакстан улкен ел.\nАвраамның ұлы\n";

#[test]
fn cyrl_to_cyrl_normalizes_every_kind() {
    let o = run(&["-f", "cyrl", "-t", "cyrl"], TEXT);
    assert!(o.status.success());
    assert_eq!(out(&o), "Бұл жаһан.\nҚазақстан үлкен ел.\nИбраһимнің ұлы\n");
    let o = run(&["-f", "cyrl", "-t", "cyrl", "--no-spelling", "--no-keyboard"], TEXT);
    assert_eq!(out(&o), "Бұл жаһан.\nКазакстан улкен ел.\nАвраамның ұлы\n");
}

#[test]
fn a_russian_sentence_is_not_kazakh() {
    let text = "Казахстан присоединится к соглашениям.\n";
    assert_eq!(out(&run(&["-f", "cyrl", "-t", "cyrl"], text)), text);
}

#[test]
fn conversions_repair_words_on_request() {
    let o = run(&["-f", "cyrl", "-t", "latn-2021"], "Авраамның\n");
    assert_eq!(out(&o), "Avraamnyñ\n");
    let o = run(&["-f", "cyrl", "-t", "latn-2021", "--spelling"], "Авраамның\n");
    assert_eq!(out(&o), "İbrahimnıñ\n");
    let o = run(&["-f", "cyrl", "-t", "cyrl", "--spelling=variant"], "Ибраһимнің\n");
    assert_eq!(out(&o), "Авраамның\n");
    let o = run(
        &["-f", "cyrl", "-t", "latn-2021", "--keyboard"],
        "Казакстан улкен ел.\n",
    );
    assert_eq!(out(&o), "Qazaqstan ülken el.\n");
}

#[test]
fn user_variants_are_loaded_and_checked() {
    let dir = temp_dir("variants");
    let good = dir.join("good.tsv");
    fs::write(&good, "kazakh\tvariants\tsource\nЖұмабек\tДжумабек\tfamily\n").unwrap();
    let o = run(
        &["-f", "cyrl", "-t", "cyrl", "--variants", good.to_str().unwrap()],
        "Джумабекке\n",
    );
    assert_eq!(out(&o), "Жұмабекке\n");
    let bad = dir.join("bad.tsv");
    fs::write(&bad, "kazakh\tvariants\tsource\nЖұмабек\tДжума бек\tfamily\n").unwrap();
    let o = run(
        &["-f", "cyrl", "-t", "cyrl", "--variants", bad.to_str().unwrap()],
        "x\n",
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.tsv") && err.contains("line 2"), "{err}");
}

#[test]
fn check_lists_repairs_and_exits_1() {
    let o = run(&["-f", "cyrl", "-t", "cyrl", "--check"], TEXT);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        out(&o),
        "<stdin>:1:8: lookalike: жаhан. -> жаһан.\n\
         <stdin>:2:1: keyboard: Казакстан -> Қазақстан\n\
         <stdin>:2:20: keyboard: улкен -> үлкен\n\
         <stdin>:3:1: spelling: Авраамның -> Ибраһимнің\n"
    );
    let o = run(&["-f", "cyrl", "-t", "cyrl", "--check"], "Бұл жақсы.\n");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(out(&o), "");
}

#[test]
fn report_json_goes_to_a_file_with_offsets_into_the_input() {
    let dir = temp_dir("report");
    let report = dir.join("changes.jsonl");
    let o = run(
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
        TEXT,
    );
    assert!(o.status.success());
    assert_eq!(out(&o), "Būl jahan.\nKazakstan ulken el.\nİbrahimnıñ ūly\n");
    let lines: Vec<String> = fs::read_to_string(&report).unwrap().lines().map(String::from).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with(
        r#"{"file":"<stdin>","offset":7,"line":1,"column":8,"before":"жаhан.","after":"жаһан.","repair":"lookalike""#
    ));
    let offset = TEXT.find("Авраам").unwrap();
    assert!(lines[1].contains(&format!(
        r#""offset":{offset},"line":3,"column":1,"before":"Авраамның","after":"Ибраһимнің","repair":"spelling""#
    )));
}
