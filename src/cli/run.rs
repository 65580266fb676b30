//! A run of `jazu`: builds the transliterator from the options, then streams every input
//! through it into standard output, the `-o` file, or (with `-i`) each file itself.
//!
//! Inputs are independent: an input that fails (missing, unreadable, a directory, not UTF-8)
//! is reported on stderr and the next one is converted, and the run ends with status 2, as
//! `cat` does. A failure to write the shared output stops the run at once, except a closed
//! pipe (`jazu big.txt | head -1`), which ends it quietly with success.
//!
//! With `--threads N`, and by default for a file of [`PARALLEL_SIZE`] or more, each input is
//! cut at line ends and converted on several threads, with the same output (see [`parallel`]).

use std::fs::{self, File};
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use jazu::{Spelling, Transliterator};

use super::args::{is_stdin, Args, MAX_THREADS};
use super::fail::{self, Problem};
use super::inplace;
use super::list;
use super::progress::{self, Progress};
use super::report::{Format, Reporter};

mod parallel;

use parallel::Parallel;

/// Size of the reads from each input and of the buffer in front of the output.
const CHUNK: usize = 64 * 1024;

/// The size from which a file (or standard input redirected from one) is converted on one
/// thread per core when `--threads` is not given: below it, starting the threads costs more
/// than they save.
const PARALLEL_SIZE: u64 = 1 << 20;

/// Name of standard input in messages.
const STDIN: &str = "<stdin>";

/// Name of standard output in messages.
const STDOUT: &str = "<stdout>";

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Everything succeeded.
    Success,
    /// `--check` found something to repair.
    Found,
    /// Something failed; the errors have been reported.
    Failure,
}

impl From<bool> for Status {
    fn from(ok: bool) -> Status {
        if ok {
            Status::Success
        } else {
            Status::Failure
        }
    }
}

/// Runs the command line. Errors have been reported.
pub fn run(args: Args) -> Status {
    if args.list {
        let mut out = BufWriter::new(io::stdout().lock());
        let result = list::write_list(&mut out).and_then(|()| out.flush());
        return finish_output(result, STDOUT).into();
    }
    if let Some(shell) = args.completions {
        // Generated into memory first: the generator panics when its writer fails.
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut Args::command(), "jazu", &mut script);
        return finish_output(io::stdout().lock().write_all(&script), STDOUT).into();
    }
    let t = match build(&args) {
        Ok(t) => t,
        Err(message) => {
            fail::report(&message);
            return Status::Failure;
        }
    };
    let reporter = match reporter(&args) {
        Ok(r) => r,
        Err(message) => {
            fail::report(&message);
            return Status::Failure;
        }
    };
    let inputs: Vec<Input> = if args.files.is_empty() {
        vec![Input::Stdin]
    } else {
        args.files.iter().map(|f| Input::new(f)).collect()
    };
    let output_is_terminal = args.output.is_none() && !args.in_place && io::stdout().is_terminal();
    let show_progress = !args.quiet && !output_is_terminal && io::stderr().is_terminal();
    let mut session = Session {
        t: &t,
        lossy: args.lossy,
        // Markup can span lines, so HTML is not cut at line ends; repairs are reported in order.
        threads: if args.html || reporter.is_some() {
            Some(1)
        } else {
            args.threads.map(threads)
        },
        reporter,
        buf: vec![0; CHUNK],
        progress: None,
        ok: true,
    };
    if show_progress {
        let total: u64 = inputs.iter().filter_map(Input::size).sum();
        if total >= progress::THRESHOLD {
            session.progress = Some(Progress::new(total));
        }
    }
    if args.check {
        session.write_all(&inputs, io::sink(), STDOUT);
    } else if args.in_place {
        session.rewrite_all(&inputs);
    } else if let Some(path) = &args.output {
        session.write_to_file(&inputs, path);
    } else {
        let sink = BufWriter::with_capacity(CHUNK, io::stdout().lock());
        session.write_all(&inputs, sink, STDOUT);
    }
    if let Some(r) = &mut session.reporter {
        if let Err(e) = r.flush() {
            session.ok &= fail::is_broken_pipe(&e);
        }
    }
    match (session.ok, session.reporter.as_ref().map(|r| r.found)) {
        (false, _) => Status::Failure,
        (true, Some(found)) if args.check && found > 0 => Status::Found,
        _ => Status::Success,
    }
}

/// The reporter of `--report` or `--check`, if either is given.
fn reporter(args: &Args) -> Result<Option<Reporter>, String> {
    let out: Box<dyn Write> = if args.check {
        Box::new(BufWriter::new(io::stdout()))
    } else if args.report.is_none() {
        return Ok(None);
    } else if let Some(path) = &args.report_file {
        let file = File::create(path).map_err(|e| format!("{}: {}", path.display(), fail::describe(&e)))?;
        Box::new(BufWriter::new(file))
    } else {
        Box::new(io::stderr())
    };
    let format = if args.check { Format::Check } else { Format::Json };
    Ok(Some(Reporter::new(format, out)))
}

/// Reports the result of writing a listing: a closed pipe is no failure.
fn finish_output(result: io::Result<()>, name: &str) -> bool {
    match result {
        Ok(()) => true,
        Err(e) if fail::is_broken_pipe(&e) => true,
        Err(e) => {
            fail::report(&format!("{name}: {}", fail::describe(&e)));
            false
        }
    }
}

/// The number of threads to convert on: `0` stands for one per available core.
fn threads(requested: usize) -> usize {
    match requested {
        0 => std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(MAX_THREADS),
        n => n,
    }
}

/// Makes the transliterator: the pair, the switches, then `--table` files and `--map` rules
/// (later ones win over earlier ones and over the bundled tables).
fn build(args: &Args) -> Result<Transliterator, String> {
    let mut builder = Transliterator::builder(args.from, args.to)
        .html(args.html)
        .repair_lookalikes(!args.no_repair)
        .protect_links(!args.no_protect)
        .lexicon(!args.no_lexicon)
        // The command's own threads (`--threads`) are the only ones.
        .threads(1);
    if args.keyboard || args.no_keyboard {
        builder = builder.repair_keyboard(args.keyboard);
    }
    match (args.no_spelling, args.spelling.as_deref()) {
        (true, _) => builder = builder.spelling(Spelling::Off),
        (false, Some("variant")) => builder = builder.spelling(Spelling::Variant),
        (false, Some(_)) => builder = builder.spelling(Spelling::Kazakh),
        (false, None) => {}
    }
    for path in &args.variants {
        let name = path.display().to_string();
        let text = fs::read_to_string(path).map_err(|e| format!("{name}: {}", fail::describe(&e)))?;
        builder = builder.variants(&name, &text);
    }
    for path in &args.exceptions {
        let name = path.display().to_string();
        let text = fs::read_to_string(path).map_err(|e| format!("{name}: {}", fail::describe(&e)))?;
        builder = builder.exceptions(&name, &text);
    }
    for path in &args.table {
        let name = path.display().to_string();
        let text = fs::read_to_string(path).map_err(|e| format!("{name}: {}", fail::describe(&e)))?;
        builder = builder.table(&name, &text);
    }
    for rule in &args.map {
        builder = match &rule.context {
            Some(context) => builder.map_when(&rule.from, &rule.to, context),
            None => builder.map(&rule.from, &rule.to),
        };
    }
    builder.build().map_err(|e| e.to_string())
}

/// One input: standard input or a file.
#[derive(Debug)]
enum Input<'a> {
    Stdin,
    File(&'a Path),
}

impl<'a> Input<'a> {
    fn new(path: &'a Path) -> Input<'a> {
        if is_stdin(path) {
            Input::Stdin
        } else {
            Input::File(path)
        }
    }

    /// The name used in messages.
    fn name(&self) -> String {
        match self {
            Input::Stdin => STDIN.to_string(),
            Input::File(path) => path.display().to_string(),
        }
    }

    /// The size in bytes when the input is a regular file, for the progress bar.
    fn size(&self) -> Option<u64> {
        match self {
            Input::Stdin => progress::stdin_file_size(),
            Input::File(path) => fs::metadata(path).ok().filter(|m| m.is_file()).map(|m| m.len()),
        }
    }
}

/// The state shared by the inputs of a run.
struct Session<'t> {
    t: &'t Transliterator,
    lossy: bool,
    /// Threads per input (`None`: by the input's size, [`Session::threads_for`]); with one, the
    /// input is streamed through one [`jazu::Writer`].
    threads: Option<usize>,
    buf: Vec<u8>,
    progress: Option<Progress>,
    /// Where repairs are reported (`--report`, `--check`).
    reporter: Option<Reporter>,
    ok: bool,
}

impl Session<'_> {
    /// Reports a failure on stderr (erasing the progress bar first) and marks the run failed.
    fn report(&mut self, message: &str) {
        if let Some(p) = &mut self.progress {
            p.clear();
        }
        fail::report(message);
        self.ok = false;
    }

    /// Converts every input into `sink`, one after the other.
    fn write_all(&mut self, inputs: &[Input], mut sink: impl Write, sink_name: &str) {
        for input in inputs {
            match self.convert_input(input, &mut sink) {
                Ok(()) => {}
                Err(Problem::Input(message)) => self.report(&message),
                Err(Problem::Output(e)) => return self.output_failed(&e, sink_name),
            }
        }
        if let Err(e) = sink.flush() {
            self.output_failed(&e, sink_name);
        }
    }

    /// `-o FILE`: refuses to truncate one of the inputs, then converts into the file.
    fn write_to_file(&mut self, inputs: &[Input], path: &Path) {
        let name = path.display().to_string();
        if let Some(clash) = inputs
            .iter()
            .find(|i| matches!(i, Input::File(p) if same_file(p, path)))
        {
            let message = format!(
                "{}: the output file is also an input; use --in-place to rewrite a file",
                clash.name()
            );
            return self.report(&message);
        }
        match File::create(path) {
            Ok(file) => self.write_all(inputs, BufWriter::with_capacity(CHUNK, file), &name),
            Err(e) => self.report(&format!("{name}: {}", fail::describe(&e))),
        }
    }

    /// `--in-place`: rewrites every file, reporting the ones that fail.
    fn rewrite_all(&mut self, inputs: &[Input]) {
        for input in inputs {
            // `-` was refused when the arguments were checked.
            let Input::File(path) = input else { continue };
            let name = input.name();
            let threads = self.threads_for(input.size());
            let result = inplace::rewrite(path, |reader, out| self.convert(&name, reader, true, threads, out));
            if let Err(Problem::Input(message)) = result {
                self.report(&message);
            }
        }
    }

    fn output_failed(&mut self, e: &io::Error, sink_name: &str) {
        if fail::is_broken_pipe(e) {
            // The reader has gone: stop quietly, successfully.
            self.progress = None;
        } else {
            self.report(&format!("{sink_name}: {}", fail::describe(e)));
        }
    }

    /// Opens `input` and converts it into `out`.
    fn convert_input(&mut self, input: &Input, out: &mut dyn Write) -> Result<(), Problem> {
        let name = input.name();
        match input {
            Input::Stdin => {
                let size = progress::stdin_file_size();
                let counted = self.progress.is_some() && size.is_some();
                // Text arriving slowly (a terminal, `tail -f log | jazu`) is passed on as it comes.
                let mut flushing = Flushing(out);
                let threads = self.threads_for(size);
                self.convert(&name, &mut io::stdin().lock(), counted, threads, &mut flushing)
            }
            Input::File(path) => {
                let mut file = File::open(path).map_err(|e| Problem::input(&name, &e))?;
                let meta = file.metadata().map_err(|e| Problem::input(&name, &e))?;
                if meta.is_dir() {
                    return Err(Problem::Input(format!("{name}: is a directory")));
                }
                let threads = self.threads_for(meta.is_file().then_some(meta.len()));
                self.convert(&name, &mut file, meta.is_file(), threads, out)
            }
        }
    }

    /// The threads to convert an input on: those asked for, or without `--threads` one per
    /// core for a regular file (`size`) of [`PARALLEL_SIZE`] or more, and one for the rest.
    fn threads_for(&self, size: Option<u64>) -> usize {
        match (self.threads, size) {
            (Some(n), _) => n,
            (None, Some(size)) if size >= PARALLEL_SIZE => threads(0),
            (None, _) => 1,
        }
    }

    /// Converts `reader` into `out`, counting the bytes read on the progress bar when `counted`:
    /// on `threads` threads, or streamed in chunks of [`CHUNK`] bytes.
    fn convert(
        &mut self,
        name: &str,
        reader: &mut dyn Read,
        counted: bool,
        threads: usize,
        out: &mut dyn Write,
    ) -> Result<(), Problem> {
        if threads > 1 {
            let parallel = Parallel {
                t: self.t,
                threads,
                lossy: self.lossy,
            };
            let mut progress = self.progress.as_mut().filter(|_| counted);
            let mut count = |n| progress.iter_mut().for_each(|p| p.add(n));
            return parallel.convert(name, reader, out, &mut count);
        }
        let mut writer = self
            .t
            .writer(out)
            .lossy(self.lossy)
            .record_changes(self.reporter.is_some());
        if let Some(r) = &mut self.reporter {
            r.start();
        }
        loop {
            let n = match reader.read(&mut self.buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Problem::input(name, &e)),
            };
            writer
                .write_all(&self.buf[..n])
                .map_err(|e| Problem::from_writer(name, e))?;
            if let Some(r) = &mut self.reporter {
                r.read(&self.buf[..n]);
                r.report(name, writer.take_changes(), writer.bytes_in())
                    .map_err(Problem::Output)?;
            }
            if counted {
                if let Some(p) = &mut self.progress {
                    p.add(n as u64);
                }
            }
        }
        let (_, changes) = writer
            .finish_with_changes()
            .map_err(|e| Problem::from_writer(name, e))?;
        if let Some(r) = &mut self.reporter {
            r.report(name, changes, u64::MAX).map_err(Problem::Output)?;
        }
        Ok(())
    }
}

/// A writer that flushes after every write, so output follows input that comes in slowly.
/// The converting [`jazu::Writer`] writes once per chunk read, so this costs one flush per read.
struct Flushing<'a>(&'a mut dyn Write);

impl Write for Flushing<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.0.write_all(data)?;
        self.0.flush()?;
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Whether two paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    let canonical = |p: &Path| -> Option<PathBuf> { fs::canonicalize(p).ok() };
    match (canonical(a), canonical(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}
