// The TypeScript declarations (types/) are true: tsc (strict, --noEmit) accepts a typed use of the
// package and refuses its misuses (test/types/usage.ts), and finds every export of src/ declared
// and each implementation assignable to its declaration (test/types/conformance.ts). TypeScript
// is a devDependency: `npm ci` at the repo root installs it; its absence fails this test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const project = fileURLToPath(new URL('./types/tsconfig.json', import.meta.url));

test('tsc --noEmit: the typed usage and the declarations against src/', (t) => {
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc');
  } catch {
    assert.fail('typescript is not installed: run `npm ci` at the repo root');
  }
  const r = spawnSync(process.execPath, [tsc, '-p', project, '--pretty', 'false'], { encoding: 'utf8' });
  t.diagnostic(`typescript ${require('typescript/package.json').version}`);
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
});
