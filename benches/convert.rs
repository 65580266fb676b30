//! In-process throughput of every conversion on Kazakh news text (KazNERD, CC BY 4.0).
//!
//! `cargo bench --bench convert`. Figures are bytes of input per second.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use jazu::{Scheme, Spelling, Transliterator};

/// The corpus sentences, one per line.
fn corpus() -> String {
    let tsv = include_str!("../tests/data/corpus/kaznerd-test.tsv");
    let mut text = String::with_capacity(tsv.len());
    for line in tsv.lines().skip(1) {
        if let Some((_, sentence)) = line.split_once('\t') {
            text.push_str(sentence);
            text.push('\n');
        }
    }
    text
}

fn convert(c: &mut Criterion) {
    let text = corpus();
    let mut group = c.benchmark_group("cyrl-to");
    group.throughput(Throughput::Bytes(text.len() as u64));
    for to in Scheme::all().filter(|s| s.is_latin()) {
        let t = Transliterator::new(Scheme::Cyrl, to).expect("supported");
        let mut out = String::with_capacity(text.len() * 2);
        group.bench_function(to.id(), |b| {
            b.iter(|| {
                out.clear();
                t.convert_into(black_box(&text), &mut out);
                black_box(out.len())
            })
        });
    }
    group.finish();

    // The normalizer: everything (NFC, look-alikes, Russian-keyboard stand-ins, spelling), and
    // without the two repairs that look words up in a lexicon.
    let mut group = c.benchmark_group("normalize");
    group.throughput(Throughput::Bytes(text.len() as u64));
    let full = Transliterator::new(Scheme::Cyrl, Scheme::Cyrl).expect("supported");
    let letters = Transliterator::builder(Scheme::Cyrl, Scheme::Cyrl)
        .repair_keyboard(false)
        .spelling(Spelling::Off)
        .build()
        .expect("supported");
    // On the calling thread alone (the text is long enough to be converted on several).
    let one_thread = Transliterator::builder(Scheme::Cyrl, Scheme::Cyrl)
        .threads(1)
        .build()
        .expect("supported");
    for (name, t) in [
        ("all repairs", &full),
        ("all repairs one thread", &one_thread),
        ("nfc and look-alikes", &letters),
    ] {
        let mut out = String::with_capacity(text.len() * 2);
        group.bench_function(name, |b| {
            b.iter(|| {
                out.clear();
                t.convert_into(black_box(&text), &mut out);
                black_box(out.len())
            })
        });
    }
    group.finish();

    // Latin back to Cyrillic, on the corpus as each writing system writes it.
    let mut group = c.benchmark_group("to-cyrl");
    for from in Scheme::all().filter(|s| s.is_latin() && s.is_readable()) {
        let latin = Transliterator::new(Scheme::Cyrl, from)
            .expect("supported")
            .convert(&text)
            .into_owned();
        let t = Transliterator::new(from, Scheme::Cyrl).expect("supported");
        let mut out = String::with_capacity(latin.len() * 2);
        group.throughput(Throughput::Bytes(latin.len() as u64));
        group.bench_function(from.id(), |b| {
            b.iter(|| {
                out.clear();
                t.convert_into(black_box(&latin), &mut out);
                black_box(out.len())
            })
        });
        if from == Scheme::Latn2021 {
            // On the calling thread alone (the text is long enough to be read on several).
            let t = Transliterator::builder(from, Scheme::Cyrl)
                .threads(1)
                .build()
                .expect("supported");
            group.bench_function("latn-2021 one thread", |b| {
                b.iter(|| {
                    out.clear();
                    t.convert_into(black_box(&latin), &mut out);
                    black_box(out.len())
                })
            });
        }
    }
    group.finish();

    // The same with a new converter for every pass: every word is new to the converter's memo
    // (the figures above are of a converter that has seen the text before).
    let mut group = c.benchmark_group("first-pass");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("normalize all repairs", |b| {
        b.iter_batched(
            || Transliterator::new(Scheme::Cyrl, Scheme::Cyrl).expect("supported"),
            |t| black_box(t.convert(black_box(&text)).len()),
            BatchSize::PerIteration,
        )
    });
    let latin = Transliterator::new(Scheme::Cyrl, Scheme::Latn2021)
        .expect("supported")
        .convert(&text)
        .into_owned();
    group.throughput(Throughput::Bytes(latin.len() as u64));
    group.bench_function("to-cyrl latn-2021", |b| {
        b.iter_batched(
            || Transliterator::new(Scheme::Latn2021, Scheme::Cyrl).expect("supported"),
            |t| black_box(t.convert(black_box(&latin)).len()),
            BatchSize::PerIteration,
        )
    });
    group.finish();

    let mut group = c.benchmark_group("stream");
    group.throughput(Throughput::Bytes(text.len() as u64));
    let t = Transliterator::new(Scheme::Cyrl, Scheme::Latn2021).expect("supported");
    let mut out = Vec::with_capacity(text.len() * 2);
    group.bench_function("latn-2021", |b| {
        b.iter(|| {
            out.clear();
            t.convert_reader(black_box(text.as_bytes()), &mut out)
                .expect("in memory");
            black_box(out.len())
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = convert
}
criterion_main!(benches);
