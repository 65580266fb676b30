//! `jazu`, the command-line tool: converts Kazakh Cyrillic files or standard input to a Latin
//! scheme with the `jazu` library, streaming in constant memory.
//!
//! Several inputs are converted in order, like `cat`; an input that fails (missing, unreadable,
//! a directory, not UTF-8) gets one error line on stderr, the others are still converted, and
//! the exit status is 2 at the end. Every error is one line `jazu: error: <message>` and exit
//! status 2; a closed output pipe ends the run quietly with status 0.

#![forbid(unsafe_code)]

use std::process::ExitCode;

/// The parts of the command-line tool.
mod cli {
    pub mod args;
    pub mod fail;
    pub mod inplace;
    pub mod list;
    pub mod progress;
    pub mod report;
    pub mod run;
}

/// Exit status of every error.
const FAILURE: u8 = 2;

/// Exit status of `--check` when something would be repaired.
const FOUND: u8 = 1;

fn main() -> ExitCode {
    let args = cli::args::Args::parse_checked();
    match cli::run::run(args) {
        cli::run::Status::Success => ExitCode::SUCCESS,
        cli::run::Status::Found => ExitCode::from(FOUND),
        cli::run::Status::Failure => ExitCode::from(FAILURE),
    }
}
