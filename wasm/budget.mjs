// Size and speed budget of the built package (run `bash wasm/build.sh` first):
//
//   node wasm/budget.mjs            (or: cd wasm && npm run budget)
//
// Prints the .wasm size raw, gzip -9 and brotli; Node throughput (MB/s of UTF-8 input) of
// convert() on the text column of tests/data/corpus/kaznerd-test.tsv, beside the native
// library's on the same input; and, in Chromium, the
// time from navigation start to the demo page's first conversion. Environment: BUDGET_MB (size
// of the throughput input, default 16), RUNS (timed runs, default 5), LOADS (page loads,
// default 5), NO_BROWSER=1 to skip Chromium, NO_NATIVE=1 to skip the native figures beside Node's.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

import { corpusText, pkgDir, rootDir, siteDir } from './test/helpers.mjs';

const mb = Number(process.env.BUDGET_MB ?? 16);
const runs = Number(process.env.RUNS ?? 5);
const loads = Number(process.env.LOADS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${n.toLocaleString('en')} B (${(n / 1024).toFixed(1)} KiB)`;

// Size.
const wasm = readFileSync(join(pkgDir, 'web', 'jazu_bg.wasm'));
const glue = readFileSync(join(pkgDir, 'web', 'jazu.js'));
console.log('size');
console.log(`  jazu_bg.wasm raw     ${kb(wasm.length)}`);
console.log(`  jazu_bg.wasm gzip -9 ${kb(gzipSync(wasm, { level: 9 }).length)}`);
console.log(`  jazu_bg.wasm brotli  ${kb(brotliCompressSync(wasm, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length)}`);
console.log(`  jazu.js (web) gzip   ${kb(gzipSync(glue, { level: 9 }).length)}`);

// Node throughput.
const jazu = createRequire(import.meta.url)(join(pkgDir, 'node', 'jazu.js'));
const corpus = corpusText() + '\n';
const input = corpus.repeat(Math.max(1, Math.ceil((mb * 1e6) / Buffer.byteLength(corpus))));
const bytes = Buffer.byteLength(input);
console.log(`node ${process.version}, input ${(bytes / 1e6).toFixed(1)} MB (kaznerd-test.tsv text, repeated), median of ${runs}`);
// The native library on the same input, in process (examples/throughput.rs), built unless
// NO_NATIVE=1 or cargo is missing: as a crate depends on it by default (with the AVX-512 steps
// where the processor has them), and portable (without the `simd` feature: the loop the
// WebAssembly build runs).
const nativeBuild = (dir, features) => {
  if (process.env.NO_NATIVE === '1') return null;
  const args = ['build', '--release', '--example', 'throughput', '--target-dir', join(rootDir, 'target', dir), ...features];
  const built = spawnSync('cargo', args, { cwd: rootDir, stdio: 'inherit' });
  if (built.status !== 0) return null;
  const bin = join(rootDir, 'target', dir, 'release', 'examples', 'throughput');
  return (from, to) => {
    const run = spawnSync(bin, [from, to, String(runs)], { input, maxBuffer: 1 << 20 });
    return run.status === 0 ? Number(run.stdout.toString().trim()) : NaN;
  };
};
const native = nativeBuild('.', []);
const portable = nativeBuild('portable', ['--no-default-features', '--features', 'std']);
if (native) console.log('  (native: the Rust library in process on the same input, examples/throughput.rs; portable: without the `simd` feature)');
for (const [label, fn, pair] of [
  ['convert cyrl → latn-2021', () => jazu.convert(input, 'cyrl', 'latn-2021'), ['cyrl', 'latn-2021']],
  ['convert auto → bgn-pcgn', () => jazu.convert(input, 'auto', 'bgn-pcgn'), ['auto', 'bgn-pcgn']],
  ['convertWithChanges cyrl → latn-2021', () => jazu.convertWithChanges(input, 'cyrl', 'latn-2021')],
  ['normalize', () => jazu.normalize(input), ['cyrl', 'cyrl']],
]) {
  fn(); // warm up
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  const node = bytes / 1e6 / median(times);
  const against = (name, build) => {
    if (!build || !pair) return '';
    const rate = build(...pair);
    return `, ${name} ${rate.toFixed(1)} MB/s, Node/${name} ${(node / rate).toFixed(2)}`;
  };
  const versus = against('native', native) + against('portable', portable);
  console.log(`  ${label.padEnd(38)} ${node.toFixed(1)} MB/s${versus}`);
}

// Page load to first conversion, in Chromium.
if (process.env.NO_BROWSER !== '1') {
  const { serve } = await import('./test/server.mjs');
  const { launch } = await import('./test/chromium.mjs');
  const server = await serve(siteDir);
  const browser = await launch();
  try {
    const results = [];
    for (let i = 0; i < loads; i++) {
      // A new page each time; the first load is cold, later ones may use the HTTP and code caches.
      const page = await browser.context.newPage();
      await page.goto(`${server.url}/index.html`);
      await page.waitForSelector('html[data-ready="true"]', { timeout: 20_000 });
      results.push(await page.evaluate(() => ({ ...window.jazuTiming, domContentLoaded: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd })));
      await page.close();
    }
    const fmt = (r) => `DOMContentLoaded ${r.domContentLoaded.toFixed(0)} ms, wasm ready ${r.wasmReady.toFixed(0)} ms, first conversion (sample news item) ${r.firstConversion.toFixed(0)} ms`;
    console.log('chromium: navigation start → …');
    console.log(`  first load   ${fmt(results[0])}`);
    if (results.length > 1) {
      const rest = results.slice(1);
      console.log(`  later loads  median first conversion ${median(rest.map((r) => r.firstConversion)).toFixed(0)} ms (${rest.length} loads)`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
