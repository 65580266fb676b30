// Turns the two wasm-bindgen outputs in wasm/pkg/{web,node} into one npm package:
// package.json (from wasm/pkg-package.json, version from wasm/Cargo.toml), README.md (from
// wasm/pkg-README.md), and an ES-module entry for Node (node/jazu.mjs) over the CommonJS build,
// with the same `init`/`initSync` as the web build so that one program runs in both.
import { readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';

const wasmDir = dirname(dirname(fileURLToPath(import.meta.url)));
const pkg = join(wasmDir, 'pkg');

const cargo = readFileSync(join(wasmDir, 'Cargo.toml'), 'utf8');
const version = /^version\s*=\s*"([^"]+)"/m.exec(cargo)?.[1];
if (!version) throw new Error('no version in wasm/Cargo.toml');

const manifest = JSON.parse(readFileSync(join(wasmDir, 'pkg-package.json'), 'utf8'));
manifest.version = version;
writeFileSync(join(pkg, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
copyFileSync(join(wasmDir, 'pkg-README.md'), join(pkg, 'README.md'));

// The Node build is CommonJS inside a "type": "module" package.
writeFileSync(join(pkg, 'node', 'package.json'), '{ "type": "commonjs" }\n');

const names = Object.keys(createRequire(import.meta.url)(join(pkg, 'node', 'jazu.js')))
  .filter((n) => /^[A-Za-z]\w*$/.test(n) && n !== 'default' && n !== 'init' && n !== 'initSync')
  .sort();
for (const wanted of ['convert', 'convertWithChanges', 'normalize', 'detect', 'schemes']) {
  if (!names.includes(wanted)) throw new Error(`the Node build does not export ${wanted}`);
}

writeFileSync(
  join(pkg, 'node', 'jazu.mjs'),
  `// ES-module entry of the Node build. The module is ready when imported; init() and
// initSync() do nothing and exist so that code written for the web build runs unchanged.
import jazu from './jazu.js';

export const { ${names.join(', ')} } = jazu;

export default async function init() {}

export function initSync() {}
`,
);

writeFileSync(
  join(pkg, 'node', 'jazu.d.mts'),
  `export * from './jazu.js';

/** Does nothing in Node, where the module is ready when imported; here so that code written
 *  for browsers (\`await init()\`) runs unchanged. */
export default function init(options?: unknown): Promise<void>;

/** Does nothing in Node, where the module is ready when imported. */
export function initSync(options?: unknown): void;
`,
);

console.log(`assemble.mjs: jazu ${version}, exports ${names.join(', ')}`);
