//! In-process throughput of one conversion, for setting the WebAssembly package's speed beside
//! the native library's on the same input in the same run (`wasm/budget.mjs` does this):
//!
//! ```sh
//! cargo run --release --example throughput -- FROM TO RUNS < input.txt
//! ```
//!
//! Prints the median MB/s (1 MB = 10^6 bytes of input) of `RUNS` conversions after one warm-up.
//! The Russian-keyboard repair is off, as in the WebAssembly package, which ships without its
//! lexicon.

use std::io::Read;
use std::time::Instant;

use jazu::{Source, Transliterator};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [from, to, runs] = args.as_slice() else {
        return Err("usage: throughput FROM TO RUNS < input".into());
    };
    let from: Source = from.parse()?;
    let to = to.parse()?;
    let runs: usize = runs.parse()?;
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let t = Transliterator::builder(from, to).repair_keyboard(false).build()?;
    let mut out = String::with_capacity(text.len() * 2);
    t.convert_into(&text, &mut out);
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            out.clear();
            let start = Instant::now();
            t.convert_into(&text, &mut out);
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!("{:.1}", text.len() as f64 / 1e6 / times[times.len() / 2]);
    Ok(())
}
