//! `--threads N`: one input converted on several threads, with the same output, byte for byte,
//! as the one-thread path of [`super`].
//!
//! The calling thread reads the input in blocks of [`BLOCK`] bytes and cuts each after its last
//! line end; the rest of the block starts the next one. The blocks of whole lines go to N worker
//! threads, each taking the next block when it is free (so a thread whose core is busy with
//! other work takes fewer blocks rather than holding the others up), and their results are
//! written in order, with at most [`PER_WORKER`] × N blocks under way, so memory stays bounded
//! whatever the input size.
//!
//! Why the output is the same:
//!
//! - Whole lines convert alike alone and in context. The streaming [`jazu::Writer`] gives the
//!   one-shot conversion of its input, short of a forced cut, which it makes only when it holds
//!   back more than 4 MiB; and rules look one character across a line end, which is no letter.
//!   The lines of a block are shorter than two blocks (three times that once `--lossy` has put
//!   U+FFFD in for invalid bytes), so the one-thread path makes no forced cut in them.
//! - After a read of a whole block without a line end, and from a block that is not UTF-8 on,
//!   the rest of the input goes through one [`Sequential`] writer. It starts at the block whose
//!   output is held back, a line start, and its writes end where the one-thread path's reads end
//!   (at multiples of [`CHUNK`]), so after its first write it holds back the same text as that
//!   path: forced cuts, and the output written before an invalid byte, are the same. A block is
//!   cut inside its last read, so the one-thread path meets an invalid byte of a block only after
//!   it has converted up to the start of the block before: nothing written needs taking back.
//!
//! The second point assumes that reads return whole [`CHUNK`]s, as they do from regular files.
//! From a pipe, reads return what has arrived, and how much the one-thread path writes before an
//! invalid byte depends on timing.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::mem;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, Scope};

use jazu::{InvalidUtf8, Transliterator};

use super::CHUNK;
use crate::cli::fail::Problem;

/// Size of the reads: a multiple of [`CHUNK`].
const BLOCK: usize = 512 * 1024;

/// Blocks under way per worker thread: one being converted, one waiting.
const PER_WORKER: usize = 2;

/// How inputs are converted on several threads.
#[derive(Clone, Copy, Debug)]
pub struct Parallel<'t> {
    /// The conversion.
    pub t: &'t Transliterator,
    /// Worker threads; more than one.
    pub threads: usize,
    /// Replace invalid UTF-8 with U+FFFD.
    pub lossy: bool,
}

impl Parallel<'_> {
    /// Converts everything `reader` yields into `out`, calling `counted` with the number of
    /// bytes of each read. `name` names the input in messages.
    pub fn convert(
        self,
        name: &str,
        reader: &mut dyn Read,
        out: &mut dyn Write,
        counted: &mut dyn FnMut(u64),
    ) -> Result<(), Problem> {
        let input = Input {
            reader,
            name,
            counted,
            eof: false,
        };
        let mut run = Run {
            par: self,
            input,
            out,
            pending: Vec::with_capacity(BLOCK),
            pending_start: 0,
            held: None,
            spare: Vec::new(),
        };
        match run.next()? {
            Next::End => Ok(()),
            // A single block: no threads needed.
            Next::Block(block) if run.input.eof => run.convert_alone(block),
            Next::LongLine => run.finish_sequentially(None, None),
            first => thread::scope(|scope| run.convert_with(Pool::start(scope, self), first)),
        }
    }
}

/// A piece of the input and where it starts.
#[derive(Debug)]
struct Block {
    start: u64,
    bytes: Vec<u8>,
}

/// A block to convert, with a buffer for its output.
#[derive(Debug)]
struct Job {
    block: Block,
    out: Vec<u8>,
}

/// A converted block: its input back, and its output, or `None` when the block is not UTF-8
/// (and `--lossy` is off).
#[derive(Debug)]
struct Done {
    block: Block,
    output: Option<Vec<u8>>,
}

/// Converts a block on its own, as the workers do.
fn convert_block(par: Parallel<'_>, job: Job) -> Done {
    let Job { block, mut out } = job;
    out.clear();
    let output = match simdutf8::basic::from_utf8(&block.bytes) {
        Ok(text) => {
            // `out` is empty, so this cannot fail; it keeps the allocation.
            let mut s = String::from_utf8(out).unwrap_or_default();
            par.t.convert_into(text, &mut s);
            Some(s.into_bytes())
        }
        Err(_) if par.lossy => {
            let mut w = par.t.writer(out).lossy(true);
            // Writing into memory fails only on invalid UTF-8, which is replaced here; anything
            // else sends the block to the sequential path, which reports it.
            w.write_all(&block.bytes).and_then(|()| w.finish()).ok()
        }
        Err(_) => None,
    };
    Done { block, output }
}

/// A block's result, or the panic of the worker that converted it.
type Outcome = thread::Result<Done>;

/// A worker thread: takes jobs from the queue shared by all workers and converts them, until
/// the queue closes. A panic is caught and passed on with the block's number, so that the
/// calling thread passes it on in turn rather than waiting for that block.
fn work(par: Parallel<'_>, jobs: &Mutex<Receiver<(usize, Job)>>, done: &Sender<(usize, Outcome)>) {
    loop {
        // The lock is held only while waiting for the next job.
        let next = jobs.lock().map(|queue| queue.recv());
        let Ok(Ok((number, job))) = next else { return };
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| convert_block(par, job)));
        if done.send((number, outcome)).is_err() {
            return;
        }
    }
}

/// The worker threads, with the queue of jobs they share and the channel of their results, each
/// with its block's number; results are given out in input order.
struct Pool {
    jobs: Sender<(usize, Job)>,
    done: Receiver<(usize, Outcome)>,
    /// The results that came back before those of blocks before them, by block number.
    early: BTreeMap<usize, Outcome>,
    workers: usize,
    sent: usize,
    received: usize,
}

impl Pool {
    fn start<'scope, 'env: 'scope>(scope: &'scope Scope<'scope, 'env>, par: Parallel<'env>) -> Pool {
        let (jobs, queue) = mpsc::channel();
        let (results, done) = mpsc::channel();
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..par.threads {
            let (queue, results) = (Arc::clone(&queue), results.clone());
            scope.spawn(move || work(par, &queue, &results));
        }
        Pool {
            jobs,
            done,
            early: BTreeMap::new(),
            workers: par.threads,
            sent: 0,
            received: 0,
        }
    }

    fn in_flight(&self) -> usize {
        self.sent - self.received
    }

    fn send(&mut self, job: Job) {
        self.jobs
            .send((self.sent, job))
            .expect("worker threads run until the run ends");
        self.sent += 1;
    }

    /// The next result in input order, or `None` when nothing is under way.
    fn recv(&mut self) -> Option<Done> {
        if self.in_flight() == 0 {
            return None;
        }
        let outcome = loop {
            if let Some(outcome) = self.early.remove(&self.received) {
                break outcome;
            }
            let (number, outcome) = self.done.recv().expect("worker threads run until the run ends");
            self.early.insert(number, outcome);
        };
        self.received += 1;
        Some(outcome.unwrap_or_else(|e| panic::resume_unwind(e)))
    }
}

/// The input, read a block at a time.
struct Input<'a> {
    reader: &'a mut dyn Read,
    name: &'a str,
    counted: &'a mut dyn FnMut(u64),
    eof: bool,
}

impl Input<'_> {
    /// Appends the next [`BLOCK`] bytes to `buf`, fewer only at the end of the input.
    fn fill(&mut self, buf: &mut Vec<u8>) -> Result<(), Problem> {
        buf.reserve(BLOCK);
        let n = (&mut *self.reader)
            .take(BLOCK as u64)
            .read_to_end(buf)
            .map_err(|e| Problem::input(self.name, &e))?;
        self.eof = n < BLOCK;
        (self.counted)(n as u64);
        Ok(())
    }

    /// Reads at most `buf.len()` bytes, as the one-thread path does.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Problem> {
        loop {
            match self.reader.read(buf) {
                Ok(n) => {
                    self.eof = n == 0;
                    (self.counted)(n as u64);
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Problem::input(self.name, &e)),
            }
        }
    }
}

/// What the reader has next.
enum Next {
    /// Whole lines to convert.
    Block(Block),
    /// A read of a whole block without a line end: the rest goes through [`Sequential`].
    LongLine,
    /// The end of the input.
    End,
}

/// The conversion of one input.
struct Run<'p, 'a> {
    par: Parallel<'p>,
    input: Input<'a>,
    out: &'a mut dyn Write,
    /// Bytes read and not yet given out: the end of the last line of the last read.
    pending: Vec<u8>,
    pending_start: u64,
    /// The last converted block, not written yet: should a later block fail, the sequential
    /// writer starts from it.
    held: Option<Done>,
    /// Buffers to reuse.
    spare: Vec<Vec<u8>>,
}

impl Run<'_, '_> {
    /// Converts `block`, the whole input, on this thread.
    fn convert_alone(&mut self, block: Block) -> Result<(), Problem> {
        let done = convert_block(self.par, Job { block, out: Vec::new() });
        match done.output {
            Some(output) => self.out.write_all(&output).map_err(Problem::Output),
            None => self.finish_sequentially(Some(done), None),
        }
    }

    /// Hands `first` and the next blocks to `pool`, and writes their results in order.
    fn convert_with(&mut self, mut pool: Pool, first: Next) -> Result<(), Problem> {
        let window = PER_WORKER * pool.workers;
        let (mut reading, mut long_line) = (true, false);
        let mut first = Some(first);
        loop {
            while reading && pool.in_flight() < window {
                let next = match first.take() {
                    Some(next) => next,
                    None => self.next()?,
                };
                match next {
                    Next::Block(block) => {
                        let out = self.spare.pop().unwrap_or_default();
                        pool.send(Job { block, out });
                    }
                    Next::LongLine => (reading, long_line) = (false, true),
                    Next::End => reading = false,
                }
            }
            let Some(done) = pool.recv() else { break };
            if done.output.is_none() {
                return self.finish_sequentially(Some(done), Some(&mut pool));
            }
            self.hold(done)?;
        }
        if long_line {
            return self.finish_sequentially(None, None);
        }
        self.write_held()
    }

    /// Reads the next block and cuts off the whole lines, which are returned; the part after
    /// the last line end stays pending.
    fn next(&mut self) -> Result<Next, Problem> {
        if !self.input.eof {
            let fresh = self.pending.len();
            self.input.fill(&mut self.pending)?;
            if !self.input.eof {
                return Ok(match self.pending[fresh..].iter().rposition(|&b| b == b'\n') {
                    Some(i) => Next::Block(self.take_pending(fresh + i + 1)),
                    None => Next::LongLine,
                });
            }
        }
        if self.pending.is_empty() {
            return Ok(Next::End);
        }
        Ok(Next::Block(self.take_pending(self.pending.len())))
    }

    /// Takes the first `n` pending bytes as a block.
    fn take_pending(&mut self, n: usize) -> Block {
        let mut rest = self.spare.pop().unwrap_or_default();
        rest.clear();
        rest.extend_from_slice(&self.pending[n..]);
        let mut bytes = mem::replace(&mut self.pending, rest);
        bytes.truncate(n);
        let start = self.pending_start;
        self.pending_start += n as u64;
        Block { start, bytes }
    }

    /// Holds back a converted block, writing the one held before.
    fn hold(&mut self, done: Done) -> Result<(), Problem> {
        match self.held.replace(done) {
            Some(before) => self.write(before),
            None => Ok(()),
        }
    }

    fn write_held(&mut self) -> Result<(), Problem> {
        match self.held.take() {
            Some(done) => self.write(done),
            None => Ok(()),
        }
    }

    /// Writes a converted block and keeps its buffers for reuse.
    fn write(&mut self, done: Done) -> Result<(), Problem> {
        let output = done.output.unwrap_or_default();
        self.out.write_all(&output).map_err(Problem::Output)?;
        self.spare.extend([output, done.block.bytes]);
        Ok(())
    }

    /// Converts the rest of the input on this thread with one streaming writer, from the held
    /// block on: the held block, `failed` (a block that is not UTF-8), what `pool` still has
    /// under way, the pending bytes, then the unread input.
    fn finish_sequentially(&mut self, failed: Option<Done>, pool: Option<&mut Pool>) -> Result<(), Problem> {
        let held = self.held.take();
        let start = held
            .iter()
            .chain(&failed)
            .map(|d| d.block.start)
            .next()
            .unwrap_or(self.pending_start);
        let name = self.input.name;
        let problem = |e| writer_problem(name, start, e);
        let mut seq = Sequential::new(self.par, &mut *self.out, start);
        let under_way = pool.into_iter().flat_map(|p| std::iter::from_fn(move || p.recv()));
        for done in held.into_iter().chain(failed).chain(under_way) {
            seq.feed(&done.block.bytes).map_err(problem)?;
        }
        seq.feed(&self.pending).map_err(problem)?;
        let mut buf = vec![0; CHUNK];
        while !self.input.eof {
            let n = self.input.read(&mut buf)?;
            seq.feed(&buf[..n]).map_err(problem)?;
        }
        seq.finish().map_err(problem)
    }
}

/// One streaming writer for the rest of an input. Its writes end where the one-thread path's
/// reads end, at multiples of [`CHUNK`] from the start of the input, so it cuts the text, and
/// fails, as that path does.
struct Sequential<'t, 'o> {
    writer: jazu::Writer<'t, &'o mut dyn Write>,
    /// The bytes fed since the last multiple of [`CHUNK`].
    staged: Vec<u8>,
    /// Where the next byte fed is in the input.
    pos: u64,
}

impl<'t, 'o> Sequential<'t, 'o> {
    /// A writer for the input from byte `start` on.
    fn new(par: Parallel<'t>, out: &'o mut dyn Write, start: u64) -> Self {
        Sequential {
            writer: par.t.writer(out).lossy(par.lossy),
            staged: Vec::with_capacity(CHUNK),
            pos: start,
        }
    }

    /// Converts the next bytes of the input.
    fn feed(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            let room = CHUNK - (self.pos % CHUNK as u64) as usize;
            let (piece, rest) = bytes.split_at(room.min(bytes.len()));
            self.staged.extend_from_slice(piece);
            self.pos += piece.len() as u64;
            bytes = rest;
            if self.pos.is_multiple_of(CHUNK as u64) {
                self.writer.write_all(&self.staged)?;
                self.staged.clear();
            }
        }
        Ok(())
    }

    /// Converts what is left at the end of the input.
    fn finish(mut self) -> io::Result<()> {
        self.writer.write_all(&self.staged)?;
        self.writer.finish().map(drop)
    }
}

/// Classifies an error of a [`Sequential`] writer that started `start` bytes into the input
/// `name`, as [`Problem::from_writer`] does, with an invalid byte's offset counted from the
/// start of the input.
fn writer_problem(name: &str, start: u64, e: io::Error) -> Problem {
    match e.get_ref().and_then(|inner| inner.downcast_ref::<InvalidUtf8>()) {
        Some(bad) => Problem::Input(format!(
            "{name}: invalid UTF-8 at byte offset {} (use --lossy to replace it)",
            start + bad.offset()
        )),
        None => Problem::Output(e),
    }
}
