// The dependency arrows of STYLE.md and ARCHITECTURE.md, checked on every `npm test`: each folder of
// src/ may import only from the folders listed for it. A new arrow is a design change: change it here
// and in ARCHITECTURE.md together.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

/** Layer -> the layers it may import from (besides itself). */
const allowed: Record<string, readonly string[]> = {
  codec: [],
  attestation: ['codec'],
  runtime: ['codec', 'attestation'],
  node: ['codec', 'attestation', 'runtime'],
  pcs: ['codec', 'attestation'],
  client: ['codec', 'runtime-types'],
  worker: ['codec', 'attestation', 'client', 'pcs', 'runtime-types'],
  cli: ['codec', 'attestation', 'runtime', 'node', 'pcs', 'client', 'worker'],
};

/** Pure layers: no clock, randomness (beyond key generation in codec), network or disk. */
const pure = ['attestation', 'runtime'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

function layerOf(path: string): string {
  const rel = relative(src, path).split('/');
  // Runtime modules' types.ts (codecs of calls and events) may be used to build calls from outside.
  if (rel[0] === 'runtime' && (rel.at(-1) === 'types.ts' || rel[1] === 'api.ts')) return 'runtime-types';
  return rel[0]!;
}

const importPattern = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/g;

describe('architecture', () => {
  const files = sourceFiles(src);

  it('keeps every import inside the allowed dependency arrows', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = relative(src, file).split('/')[0]!;
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(importPattern)) {
        const spec = match[1]!;
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
        if (!target.startsWith(src)) continue;
        const to = layerOf(target);
        const toFolder = relative(src, target).split('/')[0]!;
        if (toFolder === from) continue;
        const ok =
          allowed[from]?.includes(to) || (to === 'runtime-types' && allowed[from]?.includes('runtime'));
        if (!ok)
          violations.push(`${relative(root, file)} imports ${relative(root, target)} (${from} -> ${to})`);
      }
    }
    assert.deepEqual(violations, []);
  });

  it('keeps clocks, randomness and I/O out of the pure layers', () => {
    const forbidden =
      /\b(Date\.now|new Date\(\)|Math\.random|performance\.now|process\.hrtime|randomBytes|setTimeout|setInterval)\b|from 'node:(fs|net|http|https|child_process|dgram)'/;
    const violations = files
      .filter((file) => pure.includes(relative(src, file).split('/')[0]!))
      .filter((file) => !relative(src, file).startsWith('attestation/sim/'))
      .filter((file) => forbidden.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    assert.deepEqual(violations, []);
  });
});
