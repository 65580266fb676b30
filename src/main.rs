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
    pub mod run;
}

/// Exit status of every error.
const FAILURE: u8 = 2;

fn main() -> ExitCode {
    let args = cli::args::Args::parse_checked();
    if cli::run::run(args) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(FAILURE)
    }
}
