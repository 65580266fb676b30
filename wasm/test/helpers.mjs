// Shared by the tests: install the built package the way users get it (npm pack → a
// project's node_modules), and read the repository's TSV test data.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const wasmDir = dirname(dirname(fileURLToPath(import.meta.url)));
export const rootDir = dirname(wasmDir);
export const pkgDir = join(wasmDir, 'pkg');
export const siteDir = join(wasmDir, 'site');

/** Packs wasm/pkg with `npm pack` and unpacks it into `<tmp>/node_modules/jazu` of a new
 *  project directory, which it returns with the list of packed files. */
export function installPackage() {
  if (!existsSync(join(pkgDir, 'package.json'))) {
    throw new Error('wasm/pkg is missing: run `bash wasm/build.sh` first');
  }
  const project = mkdtempSync(join(tmpdir(), 'jazu-npm-'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', project], { cwd: pkgDir, encoding: 'utf8' }),
  )[0];
  const into = join(project, 'node_modules', 'jazu');
  mkdirSync(into, { recursive: true });
  execFileSync('tar', ['-xzf', join(project, packed.filename), '-C', into, '--strip-components=1']);
  return { project, files: packed.files.map((f) => f.path) };
}

/** Reads a TSV file of tests/data: `#` lines are comments, the first other line is the header.
 *  Returns rows as objects keyed by the header, with `line` (1-based) and `file`. */
export function readTsv(rel) {
  const file = `tests/data/${rel}`;
  const text = readFileSync(join(rootDir, file), 'utf8');
  const lines = text.replace(/\n$/, '').split('\n');
  let header = null;
  const rows = [];
  lines.forEach((line, i) => {
    if (line.startsWith('#')) return;
    const fields = line.split('\t');
    if (!header) {
      header = fields;
      return;
    }
    if (fields.length !== header.length) {
      throw new Error(`${file}:${i + 1}: ${fields.length} fields, the header has ${header.length}`);
    }
    const row = { file, line: i + 1 };
    header.forEach((h, k) => (row[h] = fields[k]));
    rows.push(row);
  });
  return rows;
}

export const sampleNews = () => readFileSync(join(rootDir, 'tests/data/news-2025-11-07.txt'), 'utf8');

/** The `text` column of the KazNERD test corpus. */
export function corpusText() {
  return readTsv('corpus/kaznerd-test.tsv')
    .map((r) => r.text)
    .join('\n');
}
