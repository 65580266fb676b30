// Tests of the jazu npm package in Node, loaded the way users load it: the package is packed
// with `npm pack`, unpacked into a project's node_modules, and imported by its name — through
// `exports` as an ES module and with require() (the Node build), and as `jazu/web` with
// initSync() and the .wasm bytes (the browser build).
//
// Expected values come from outside the project: the vector files of tests/data/vectors (the
// same groups as tests/vectors.rs, which documents each skipped group), the hand-transcribed
// letter tables of tests/data/letters.tsv ("standard" rows only), and facts of the input itself.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { installPackage, readTsv, sampleNews, wasmDir } from './helpers.mjs';

const IDS = ['cyrl', 'latn-2021', 'latn-2018', 'latn-2017', 'bgn-pcgn', 'iso9', 'ala-lc', 'wiki-latn'];

/** The three ways to load the package: name → module. */
const builds = {};
let packedFiles = [];

before(async () => {
  const { project, files } = installPackage();
  packedFiles = files;
  writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(project, 'esm.mjs'), "export * from 'jazu';\nexport { default } from 'jazu';\n");
  writeFileSync(join(project, 'web.mjs'), "export * from 'jazu/web';\nexport { default } from 'jazu/web';\n");
  writeFileSync(join(project, 'cjs.cjs'), "module.exports = require('jazu');\n");
  const require = createRequire(join(project, 'cjs.cjs'));

  const esm = await import(pathToFileURL(join(project, 'esm.mjs')));
  await esm.default(); // init() exists in Node too and does nothing
  builds['node (import)'] = esm;

  builds['node (require)'] = require(join(project, 'cjs.cjs'));

  const web = await import(pathToFileURL(join(project, 'web.mjs')));
  web.initSync({ module: readFileSync(require.resolve('jazu/web/jazu_bg.wasm')) });
  builds['web (initSync)'] = web;
});

/** Runs `check(api)` for every build, as one subtest each. */
async function eachBuild(t, check) {
  for (const [name, api] of Object.entries(builds)) {
    await t.test(name, () => check(api));
  }
}

test('the package is complete and loads by name', async (t) => {
  for (const f of ['package.json', 'README.md', 'web/jazu.js', 'web/jazu.d.ts', 'web/jazu_bg.wasm',
    'node/jazu.js', 'node/jazu.mjs', 'node/jazu.d.ts', 'node/jazu.d.mts', 'node/jazu_bg.wasm', 'node/package.json']) {
    assert.ok(packedFiles.includes(f), `npm pack includes ${f}`);
  }
  assert.ok(!packedFiles.some((f) => f.startsWith('demo') || f.startsWith('site')), 'the demo is not in the package');
  const manifest = JSON.parse(readFileSync(join(wasmDir, 'pkg', 'package.json'), 'utf8'));
  const cargoVersion = /^version\s*=\s*"([^"]+)"/m.exec(readFileSync(join(wasmDir, 'Cargo.toml'), 'utf8'))[1];
  assert.equal(manifest.version, cargoVersion);
  assert.equal(manifest.name, 'jazu');
  await eachBuild(t, (api) => {
    for (const f of ['convert', 'convertWithChanges', 'normalize', 'detect', 'schemes']) {
      assert.equal(typeof api[f], 'function', f);
    }
  });
  // The Node ES-module entry is the CommonJS build, not a second instance of the module.
  assert.equal(builds['node (import)'].convert, builds['node (require)'].convert);
});

// ---------------------------------------------------------------------------------------------
// Outside vectors. Each entry: file, and a function from a row to a target id, 'identity', or
// null (skip; the reasons are in tests/vectors.rs).

const LATYNIZE_2021_EXCLUDED = /[ыіЫІЁёЦцЧчЩщЪъЬьЭэЮюЯя]/;

const GROUPS = [
  ['vectors/interscript_bgnpcgn_odni.tsv', (r) => (r.direction_standard === 'cyrl>latn BGN/PCGN 1979' ? 'bgn-pcgn' : null)],
  ['vectors/mediawiki_kk.tsv', (r) => {
    if (/^cyrl>kk-(latn|tr) /.test(r.direction_standard)) return 'wiki-latn';
    if (/^cyrl>kk-(cyrl|kz) identity$/.test(r.direction_standard)) return 'identity';
    return null; // Arabic script
  }],
  ['vectors/mediawiki_derived.tsv', (r) => (r.direction_standard === 'cyrl>kk-latn (MediaWiki KkConverter)' ? 'wiki-latn' : null)],
  ['vectors/apertium_kaz.tsv', (r) => {
    // Назарбаев: Apertium's own iʼ-insertion rule, a documented divergence (tests/vectors.rs).
    if (r.input === 'Назарбаев') return null;
    return r.direction_standard.startsWith('cyrl>latn Oct-2017 ') ? 'latn-2017' : null;
  }],
  ['vectors/latynize_swift.tsv', (r) => {
    if (r.direction_standard === 'cyrl>latn "2021" as implemented by Latynize') {
      return LATYNIZE_2021_EXCLUDED.test(r.input) ? null : 'latn-2021';
    }
    if (r.direction_standard === 'cyrl>latn "2018" as implemented by Latynize') return 'latn-2018';
    return null;
  }],
  ['vectors/other_peers.tsv', (r) => (/PHP QazaqTransliterator/.test(r.direction_standard) &&
    r.direction_standard.startsWith('cyrl>latn 2018 decree') ? 'latn-2018' : null)],
  ['vectors/reference_sentences.tsv', (r) => (r.direction_standard === 'cyrl>latn 2021 official alphabet' ? 'latn-2021' : null)],
];

/** [{at, from, to, input, expected}] for every tested vector row and letter. */
function cases() {
  const out = [];
  for (const [file, choose] of GROUPS) {
    for (const row of readTsv(file)) {
      const to = choose(row);
      if (to === null) continue;
      const at = `${row.file}:${row.line}`;
      if (to === 'identity') out.push({ at, from: 'cyrl', to: 'cyrl', input: row.input, expected: row.input });
      else out.push({ at, from: 'cyrl', to, input: row.input, expected: row.expected });
    }
  }
  // The letter tables of the standards, transcribed by hand (tests/data/letters.md); rows the
  // project filled in where a standard has no letter ("default: ...") are not outside data.
  for (const row of readTsv('letters.tsv')) {
    if (!row.source.startsWith('standard: ')) continue;
    const at = `${row.file}:${row.line}`;
    const upper = row.cyrillic !== row.cyrillic.toLowerCase();
    out.push({ at, from: 'cyrl', to: row.scheme, input: row.cyrillic, expected: row.alone });
    if (upper) out.push({ at, from: 'cyrl', to: row.scheme, input: `А${row.cyrillic}А`, expected: `A${row.in_word}A` });
    else out.push({ at, from: 'cyrl', to: row.scheme, input: `а${row.cyrillic}а`, expected: `a${row.in_word}a` });
  }
  return out;
}

test('every scheme on outside vectors', async (t) => {
  const all = cases();
  const perScheme = {};
  for (const c of all) perScheme[c.to] = (perScheme[c.to] ?? 0) + 1;
  // Enough rows per scheme that a filter gone wrong cannot make this test empty.
  const minimum = { cyrl: 2, 'latn-2021': 80, 'latn-2018': 130, 'latn-2017': 130, 'bgn-pcgn': 200, iso9: 160, 'ala-lc': 160, 'wiki-latn': 180 };
  for (const id of IDS) {
    assert.ok((perScheme[id] ?? 0) >= minimum[id], `${id}: ${perScheme[id] ?? 0} cases, expected at least ${minimum[id]}`);
  }
  t.diagnostic(`cases per scheme: ${JSON.stringify(perScheme)}`);
  await eachBuild(t, (api) => {
    const failures = [];
    for (const c of all) {
      for (const from of [c.from, 'auto']) {
        const actual = api.convert(c.input, from, c.to);
        if (actual !== c.expected) failures.push(`${c.at}: ${from} -> ${c.to} ${JSON.stringify(c.input)}: expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(actual)}`);
      }
    }
    assert.deepEqual(failures, [], `${failures.length} failure(s)`);
  });
});

// ---------------------------------------------------------------------------------------------
// The sample news item.

test('sample news item', async (t) => {
  const news = sampleNews();
  const tweet = news.split('\n').find((l) => l.startsWith('🇰🇿🇺🇸New:'));
  assert.ok(tweet, 'the English tweet line is in the sample');
  const lookalike = news.indexOf('\u0410xios'); // Cyrillic А, then Latin xios
  assert.ok(lookalike > 0, 'the sample has Аxios with a Cyrillic А');
  await eachBuild(t, (api) => {
    const out = api.convert(news, 'auto', 'latn-2021');
    assert.ok(out.includes('https://t.co/fkVtqI7B1Z'), 'URL kept');
    assert.ok(out.includes('@BarakRavid'), '@handle kept');
    assert.ok(out.includes('@axioshttps://t.co/fkVtqI7B1Z'), 'handle run into a URL kept');
    assert.ok(out.split('\n').includes(tweet), 'the English tweet is kept exactly');
    assert.ok(out.startsWith(' date 2025-11-07 Qazaqstan '), 'the headline starts with Qazaqstan');
    assert.ok(out.includes(' Axios '), 'Аxios with a Cyrillic А becomes Axios');
    assert.ok(!/[\u0400-\u04FF]/.test(out), 'no Cyrillic letter is left');
    assert.equal(out.split('\n').length, news.split('\n').length, 'line count kept');
    assert.equal(api.convert(news, 'cyrl', 'latn-2021'), out, 'cyrl and auto agree on this text');

    const { text, changes } = api.convertWithChanges(news, 'auto', 'latn-2021');
    assert.equal(text, out);
    const change = changes.find((c) => c.offset === lookalike);
    assert.ok(change, 'the Аxios repair is reported at its UTF-16 offset');
    assert.equal(change.before, '\u0410xios');
    assert.equal(change.after, 'Axios');
    assert.equal(change.length, 5);
    assert.equal(change.repair, 'lookalike');
    assert.equal(typeof change.description, 'string');
    assert.deepEqual(change.alternatives, [], 'a look-alike reads one way');
    assert.equal(text.slice(change.outputOffset, change.outputOffset + change.outputLength), 'Axios');
    for (const c of changes) assert.equal(news.slice(c.offset, c.offset + c.length), c.before, `${c.before} at ${c.offset}`);
  });
});

// ---------------------------------------------------------------------------------------------
// Changes and their UTF-16 offsets.

test('UTF-16 offsets of changes after emoji', async (t) => {
  // Astral characters (two UTF-16 units, four UTF-8 bytes) and a combining mark before the
  // changes, so byte, code point and UTF-16 offsets all differ.
  const input = '🇰🇿 😀 Ж\u0306 \u0410xios, 👨\u200D👩\u200D👧 мемлекеттiк жи\u0306ын';
  await eachBuild(t, (api) => {
    const { text, changes } = api.convertWithChanges(input, 'auto', 'latn-2021');
    const words = ['\u0410xios', 'мемлекеттiк', 'жи\u0306ын'];
    for (const word of words) {
      // A change covers a whole token, with the punctuation attached to the word.
      const c = changes.find((ch) => ch.before.startsWith(word));
      assert.ok(c, `a change for ${JSON.stringify(word)}`);
      assert.equal(c.offset, input.indexOf(word), `offset of ${word}`);
      assert.equal(c.length, c.before.length, `length of ${word}`);
      assert.notEqual(c.outputOffset, null);
      assert.equal(text.slice(c.outputOffset, c.outputOffset + c.outputLength), api.convert(c.after, 'cyrl', 'latn-2021'));
    }
    const nfc = changes.find((ch) => ch.before === 'жи\u0306ын');
    assert.equal(nfc.repair, 'nfc');
    assert.equal(nfc.after, 'ж\u0439ын'); // composed й
    const look = changes.find((ch) => ch.before === 'мемлекеттiк');
    assert.equal(look.repair, 'lookalike');
    assert.equal(look.after, 'мемлекеттік'); // Cyrillic і
    // Offsets increase, and every change's before is the input at its offset.
    for (let i = 1; i < changes.length; i++) assert.ok(changes[i].offset > changes[i - 1].offset);
    for (const c of changes) assert.equal(input.slice(c.offset, c.offset + c.length), c.before);
  });
});

test('convertWithChanges in HTML mode gives no output places it cannot know', async (t) => {
  const input = '<p title="Аxios">Аxios</p>';
  await eachBuild(t, (api) => {
    const { changes } = api.convertWithChanges(input, 'cyrl', 'latn-2021', { html: true });
    for (const c of changes) {
      assert.equal(input.slice(c.offset, c.offset + c.length), c.before);
      assert.ok(c.outputOffset === null || typeof c.outputOffset === 'number');
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Options.

test('options', async (t) => {
  await eachBuild(t, (api) => {
    // map: the user's own rule wins.
    assert.equal(api.convert('Цирк', 'cyrl', 'latn-2021', { map: { ц: 'ts', Ц: 'Ts' } }), 'Tsirk');
    // exceptions: a TSV table in the documented format.
    const tsv = 'from\tto\tcontext\tnote\nҚ\tKH\tcaps\t\nҚ\tKh\t\t\nқ\tkh\t\t\n';
    assert.equal(api.convert('Қала ҚАЛА', 'cyrl', 'latn-2021', { exceptions: tsv }), 'Khala KHALA');
    // protect: a URL is kept, or converted when protection is off (2021: қ→q а→a з→z с→s т→t н→n).
    const url = 'https://kk.wikipedia.org/wiki/Қазақстан';
    assert.equal(api.convert(url, 'cyrl', 'latn-2021'), url);
    assert.equal(api.convert(url, 'cyrl', 'latn-2021', { protect: false }), 'https://kk.wikipedia.org/wiki/Qazaqstan');
    // repair: a Latin i inside a Cyrillic word is repaired to і (→ ı in 2021), or kept.
    assert.equal(api.convert('мемлекеттiк', 'cyrl', 'latn-2021'), 'memlekettık');
    assert.equal(api.convert('мемлекеттiк', 'cyrl', 'latn-2021', { repair: false }), 'memlekettik');
    assert.deepEqual(api.convertWithChanges('мемлекеттiк', 'cyrl', 'latn-2021', { repair: false }).changes, []);
    // html: markup and <code> kept.
    assert.equal(api.convert('<code>Қала</code> Қала', 'cyrl', 'latn-2021', { html: true }), '<code>Қала</code> Qala');
    assert.equal(api.convert('<code>Қала</code> Қала', 'cyrl', 'latn-2021', { html: false }), '<code>Qala</code> Qala');
    // spelling: variants unified, the suffix re-harmonised (tables/variants.tsv, suffixes.tsv).
    assert.equal(api.convert('Авраамның', 'cyrl', 'latn-2021', { spelling: true }), 'İbrahimnıñ');
    assert.equal(api.convert('Авраамның', 'cyrl', 'latn-2021'), 'Avraamnyñ');
    assert.equal(api.convert('Ибраһим', 'cyrl', 'cyrl', { spelling: 'variant' }), 'Авраам');
    assert.throws(() => api.convert('x', 'cyrl', 'cyrl', { spelling: 'yes' }), /spelling/);
    // keyboard: the package has no Russian-keyboard lexicon (size budget), and says so.
    assert.throws(() => api.convert('Казакстан', 'cyrl', 'cyrl', { keyboard: true }), /keyboard.*lexicon/);
    assert.equal(api.convert('Казакстан улкен ел.', 'cyrl', 'cyrl', { keyboard: false }), 'Казакстан улкен ел.');
    // null and undefined mean no options.
    assert.equal(api.convert('Қала', 'cyrl', 'latn-2021', null), 'Qala');
    assert.equal(api.convert('Қала', 'cyrl', 'latn-2021', undefined), 'Qala');
    // `latn` is short for latn-2021, and case is ignored.
    assert.equal(api.convert('Қала', 'CYRL', 'latn'), 'Qala');
  });
});

// ---------------------------------------------------------------------------------------------
// Errors.

function throwsError(fn, includes) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof Error, `throws an Error (got ${String(error)})`);
  for (const part of includes) assert.ok(error.message.includes(part), `message ${JSON.stringify(error.message)} includes ${JSON.stringify(part)}`);
  return error;
}

test('errors', async (t) => {
  await eachBuild(t, (api) => {
    throwsError(() => api.convert('x', 'klingon', 'latn-2021'), ['klingon', 'auto', ...IDS]);
    throwsError(() => api.convert('x', 'cyrl', 'latn-2022'), ['latn-2022', ...IDS]);
    throwsError(() => api.convertWithChanges('x', 'cyrl', ''), IDS);
    // A romanization is not read back: the library's message, as an Error.
    throwsError(() => api.convert('Qazaqstan', 'bgn-pcgn', 'cyrl'), ['bgn-pcgn', 'cyrl']);
    throwsError(() => api.convert('x', 'cyrl', 'latn-2021', { colour: true }), ['colour', 'html', 'map', 'exceptions']);
    throwsError(() => api.convert('x', 'cyrl', 'latn-2021', { html: 'yes' }), ['html']);
    throwsError(() => api.convert('x', 'cyrl', 'latn-2021', { map: 'ц=ts' }), ['map']);
    throwsError(() => api.convert('x', 'cyrl', 'latn-2021', { map: { ц: 5 } }), ['map', 'ц']);
    throwsError(() => api.convert('x', 'cyrl', 'latn-2021', { exceptions: 'not a table' }), ['exceptions']);
    throwsError(() => api.convert('x', 'cyrl', 'latn-2021', []), ['options']);
    throwsError(() => api.normalize('x', { change: true }), ['change']);
    // After an error the module still works.
    assert.equal(api.convert('Қала', 'cyrl', 'latn-2021'), 'Qala');
  });
});

// ---------------------------------------------------------------------------------------------
// normalize, detect, schemes.

test('normalize', async (t) => {
  await eachBuild(t, (api) => {
    const input = '😀 жаhан Aстана';
    const plain = api.normalize(input);
    assert.equal(plain.text, '😀 жаһан Астана');
    assert.ok(!('changes' in plain));
    const { text, changes } = api.normalize(input, { changes: true });
    assert.equal(text, '😀 жаһан Астана');
    assert.deepEqual(changes.map((c) => [c.offset, c.length, c.before, c.after, c.repair]), [
      [3, 5, 'жаhан', 'жаһан', 'lookalike'],
      [9, 6, 'Aстана', 'Астана', 'lookalike'],
    ]);
    for (const c of changes) assert.equal(text.slice(c.outputOffset, c.outputOffset + c.outputLength), c.after);
    assert.equal(api.normalize('Қазақстан').text, 'Қазақстан');
  });
});

test('detect', async (t) => {
  await eachBuild(t, (api) => {
    assert.equal(api.detect('Қазақстан Республикасы'), 'cyrl');
    assert.equal(api.detect('Qazaqstan, Şymkent, Almaty'), 'latn-2021');
    assert.equal(api.detect('Qazaqstan, Shymkent, Almaty, Ońtústik'), 'latn-2018');
    assert.equal(api.detect('12345 🇰🇿'), null);
    assert.equal(api.detect(''), null);
  });
});

test('schemes', async (t) => {
  await eachBuild(t, (api) => {
    const list = api.schemes();
    assert.deepEqual(list.map((s) => s.id), IDS);
    for (const s of list) {
      for (const k of ['name', 'description', 'example']) assert.ok(typeof s[k] === 'string' && s[k].length > 0, `${s.id}.${k}`);
      if (s.id === 'cyrl') assert.ok(!('exampleLatin' in s));
      else assert.equal(s.exampleLatin, api.convert(s.example, 'cyrl', s.id));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// A large input.

test('5 MB input', async (t) => {
  const unit = sampleNews() + '\n';
  const copies = Math.ceil(5_000_000 / Buffer.byteLength(unit));
  const big = unit.repeat(copies);
  assert.ok(Buffer.byteLength(big) >= 5_000_000);
  await eachBuild(t, (api) => {
    const one = api.convert(unit, 'auto', 'latn-2021');
    const start = performance.now();
    const out = api.convert(big, 'auto', 'latn-2021');
    const ms = performance.now() - start;
    t.diagnostic(`${(Buffer.byteLength(big) / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms`);
    // Lines are converted on their own, so the whole is the copies of one.
    assert.equal(out.length, one.length * copies);
    assert.ok(out === one.repeat(copies), 'the big output is the copies of one converted copy');
    const { changes } = api.convertWithChanges(big, 'auto', 'latn-2021');
    const perCopy = api.convertWithChanges(unit, 'auto', 'latn-2021').changes.length;
    assert.equal(changes.length, perCopy * copies);
    const last = changes.at(-1);
    assert.equal(big.slice(last.offset, last.offset + last.length), last.before);
  });
});
