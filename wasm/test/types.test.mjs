// The TypeScript types of the package, as a TypeScript user gets them: the packed package in a
// project's node_modules, compiled with `tsc --noEmit` under Node16 resolution (ES module and
// CommonJS files, and the web build). A file with type errors must fail, so the types are not
// `any`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { installPackage, wasmDir } from './helpers.mjs';

const tsc = join(wasmDir, 'node_modules', 'typescript', 'bin', 'tsc');

function compile(project, files) {
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'node16',
        moduleResolution: 'node16',
        target: 'es2022',
        lib: ['es2022', 'dom'],
        strict: true,
        noEmit: true,
        types: [],
      },
      files,
    }),
  );
  return spawnSync(process.execPath, [tsc, '-p', join(project, 'tsconfig.json')], { encoding: 'utf8' });
}

test('types compile for ES modules, CommonJS and the web build', () => {
  const { project } = installPackage();
  writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(project, 'esm.mts'),
    `import init, { convert, convertWithChanges, normalize, detect, schemes } from 'jazu';
import type { Change, ConvertOptions, Converted, Normalized, SchemeId, SchemeInfo } from 'jazu';
await init();
const options: ConvertOptions = { html: true, repair: false, protect: true, spelling: 'kazakh', keyboard: true, variants: '', map: { ц: 'ts' }, exceptions: '' };
const text: string = convert('Алматы', 'cyrl', 'latn-2021', options);
const result: Converted = convertWithChanges(text, 'auto', 'latn-2021');
const first: Change | undefined = result.changes[0];
const at: number = first ? first.offset + first.length : 0;
const place: number | null = first ? first.outputOffset : null;
const repair: 'nfc' | 'lookalike' | 'keyboard' | 'spelling' | 'ambiguous' | undefined = first?.repair;
const others: string[] | undefined = first?.alternatives;
const normalized: Normalized = normalize(text, { changes: true });
const changes: Change[] | undefined = normalized.changes;
const id: SchemeId | null = detect(text);
const list: SchemeInfo[] = schemes();
const latin: string | undefined = list[1].exampleLatin;
convert('x', 'cyrl', 'latn-2021');
convert('x', 'cyrl', 'latn-2021', null);
export { at, place, repair, others, changes, id, latin };
`,
  );
  writeFileSync(
    join(project, 'cjs.cts'),
    `import jazu = require('jazu');
const text: string = jazu.convert('Алматы', 'cyrl', 'bgn-pcgn');
const id: string | null = jazu.detect(text);
export = { text, id };
`,
  );
  writeFileSync(
    join(project, 'web.mts'),
    `import init, { initSync, convert } from 'jazu/web';
await init({ module_or_path: new URL('https://example.org/jazu_bg.wasm') });
initSync({ module: new Uint8Array() });
const text: string = convert('Алматы', 'cyrl', 'iso9');
export { text };
`,
  );
  const ok = compile(project, ['esm.mts', 'cjs.cts', 'web.mts']);
  assert.equal(ok.status, 0, `tsc:\n${ok.stdout}${ok.stderr}`);

  writeFileSync(
    join(project, 'bad.mts'),
    `import { convert, convertWithChanges, detect } from 'jazu';
const n: number = convert('x', 'cyrl', 'latn-2021');
convert('x', 'cyrl', 'latn-2021', { html: 'yes' });
const s: string = detect('x');
const o: string = convertWithChanges('x', 'cyrl', 'latn-2021').changes[0].offset;
export { n, s, o };
`,
  );
  const bad = compile(project, ['bad.mts']);
  assert.notEqual(bad.status, 0);
  for (const line of [2, 3, 4, 5]) {
    assert.match(bad.stdout, new RegExp(`bad\\.mts\\(${line},`), `a type error on line ${line}:\n${bad.stdout}`);
  }
});
