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

/** What a shareable runtime file (one the client and the worker may import) may itself import. */
const shareableMayImport = ['codec', 'attestation', 'runtime-types'];

/** Pure layers: no clock, randomness (beyond key generation in codec), network or disk. */
const pure = ['attestation', 'runtime'];

/** Every source file under src/ (tests excluded), as path relative to src/ -> text. */
function readSources(dir: string, out = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) readSources(path, out);
    else if (path.endsWith('.ts') && !path.endsWith('.test.ts'))
      out.set(relative(src, path), readFileSync(path, 'utf8'));
  }
  return out;
}

/** Runtime files shareable by their name alone (besides every `types.ts`, `storage.ts` and `schemas.ts`). */
const shareableFiles = [
  'runtime/api.ts',
  // A deadline queue is a storage layout (three items) that module storage.ts files declare.
  'runtime/support/deadlineQueue.ts',
];

/**
 * Runtime files the client and the worker may import: the codecs of calls and events (`types.ts`)
 * and the storage items (`storage.ts`: each module's declarations, and `support/storage.ts` that
 * declares them), so that the worker reads an item through the very declaration the runtime writes,
 * and a module's JSON forms and RPC method specs (`schemas.ts`), so that the client calls a module's
 * methods through the very specs the node serves.
 * A file is shareable by its name, and it stays shareable only while everything it imports is too:
 * that second half is checked by `findViolations`, so a `types.ts` or `storage.ts` that reaches
 * into runtime internals is itself a violation rather than a way around the arrows.
 */
function isShareableByName(file: string): boolean {
  const parts = file.split('/');
  if (parts[0] !== 'runtime') return false;
  return (
    parts.at(-1) === 'types.ts' ||
    parts.at(-1) === 'storage.ts' ||
    parts.at(-1) === 'schemas.ts' ||
    shareableFiles.includes(file)
  );
}

function layerOf(file: string): string {
  return isShareableByName(file) ? 'runtime-types' : file.split('/')[0]!;
}

// Static imports and re-exports (with or without `from`, so a bare `import './x.js'` counts too)
// and dynamic `import('./x.js')`. Import lines inside comments count as well: a conservative reading.
const importPatterns = [
  /(?:^|[\n;])\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?'([^']+)'/g,
  /\bimport\(\s*'([^']+)'\s*\)/g,
];

/** The src/-relative files that `file` imports from inside src/. */
function importsOf(file: string, text: string): string[] {
  const targets: string[] = [];
  for (const pattern of importPatterns) {
    for (const match of text.matchAll(pattern)) {
      const spec = match[1]!;
      if (!spec.startsWith('.')) continue;
      const target = relative(src, resolve(src, dirname(file), spec)).replace(/\.js$/, '.ts');
      if (!target.startsWith('..')) targets.push(target);
    }
  }
  return targets;
}

/** Every import in `sources` that breaks an arrow, as one line each. */
function findViolations(sources: ReadonlyMap<string, string>): string[] {
  const violations: string[] = [];
  for (const [file, text] of sources) {
    const from = file.split('/')[0]!;
    for (const target of importsOf(file, text)) {
      const to = layerOf(target);
      const toFolder = target.split('/')[0]!;
      if (isShareableByName(file)) {
        if (!shareableMayImport.includes(to))
          violations.push(`${file} is shared with client and worker but imports ${target} (${to})`);
        continue;
      }
      if (toFolder === from) continue;
      const ok =
        allowed[from]?.includes(to) || (to === 'runtime-types' && allowed[from]?.includes('runtime'));
      if (!ok) violations.push(`${file} imports ${target} (${from} -> ${to})`);
    }
  }
  return violations;
}

/** Import cycles between files (type-only imports included: a cycle is a design smell either way). */
function findCycles(sources: ReadonlyMap<string, string>): string[] {
  const graph = new Map([...sources].map(([file, text]) => [file, importsOf(file, text)]));
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, path: readonly string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  return cycles;
}

/** `module.Item` of every storage item a module's storage.ts declares, with that file. */
function declaredItems(sources: ReadonlyMap<string, string>): Map<string, string> {
  const items = new Map<string, string>();
  for (const [file, text] of sources) {
    const parts = file.split('/');
    if (parts[0] !== 'runtime' || parts.length !== 3 || parts[2] !== 'storage.ts') continue;
    for (const match of text.matchAll(
      /\b(?:storageValue|storageMap|createDeadlineQueue)\(\s*\w+,\s*'(\w+)'/g,
    ))
      items.set(`${parts[1]}.${match[1]}`, file);
  }
  return items;
}

/**
 * String literals outside comments that spell a declared item's name, whole (`'Workers'`) or
 * qualified by its module (`'registry.Workers'`, `` `registry/Workers/${key}` ``), in a file other
 * than the one declaring it: a key or name rebuilt by hand instead of taken from the declaration.
 * Comment lines may name items; so may interpolations (`${Workers.name}`).
 */
function findRespelledItems(sources: ReadonlyMap<string, string>): string[] {
  const items = declaredItems(sources);
  const found: string[] = [];
  for (const [file, text] of sources) {
    const code = text
      .split('\n')
      .filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line))
      .join('\n');
    const literals = [...code.matchAll(/(['"`])((?:\\.|(?!\1)[^\\\n])*)\1/g)].map((match) =>
      match[2]!.replace(/\$\{[^}]*\}/g, ''),
    );
    for (const [qualified, declaredIn] of items) {
      if (file === declaredIn) continue;
      const [module, item] = qualified.split('.') as [string, string];
      const spelled = new RegExp(`^${item}$|\\b${module}[./]${item}\\b`);
      if (literals.some((literal) => spelled.test(literal))) found.push(`${file} spells ${qualified}`);
    }
  }
  return found;
}

describe('architecture', () => {
  const sources = readSources(src);

  it('keeps every import inside the allowed dependency arrows', () => {
    assert.deepEqual(findViolations(sources), []);
  });

  it('refuses a types file that imports runtime internals, bare or named, static or dynamic', () => {
    for (const line of [
      "import '../support/overlay.js';",
      "import { registerWorker } from './calls.js';",
      "export { registerWorker } from './calls.js';",
      "const overlay = await import('../support/overlay.js');",
    ]) {
      const fed = new Map(sources);
      fed.set('runtime/registry/types.ts', `${sources.get('runtime/registry/types.ts')}\n${line}\n`);
      assert.equal(findViolations(fed).length, 1, line);
    }
  });

  it('refuses a storage file that imports runtime internals, even a type', () => {
    for (const [file, line] of [
      ['runtime/registry/storage.ts', "import { readActivePolicy } from './policy.js';"],
      ['runtime/support/storage.ts', "import type { Overlay } from './overlay.js';"],
    ] as const) {
      const fed = new Map(sources);
      fed.set(file, `${sources.get(file)}\n${line}\n`);
      assert.equal(findViolations(fed).length, 1, line);
    }
  });

  it('lets the worker import storage declarations, and refuses a runtime internal', () => {
    const direct = new Map(sources);
    direct.set(
      'worker/leak.ts',
      "import { Workers } from '../runtime/registry/storage.js';\nimport { readActivePolicy } from '../runtime/registry/policy.js';\n",
    );
    assert.deepEqual(findViolations(direct), [
      'worker/leak.ts imports runtime/registry/policy.ts (worker -> runtime)',
    ]);
  });

  it('keeps clocks, randomness and I/O out of the pure layers', () => {
    const forbidden =
      /\b(Date\.now|new Date\(\)|Math\.random|performance\.now|process\.hrtime|randomBytes|setTimeout|setInterval)\b|from 'node:(fs|net|http|https|child_process|dgram)'/;
    const violations = [...sources]
      .filter(([file]) => pure.includes(file.split('/')[0]!))
      .filter(([file]) => !file.startsWith('attestation/sim/'))
      .filter(([, text]) => forbidden.test(text))
      .map(([file]) => file);
    assert.deepEqual(violations, []);
  });

  it('spells each storage item in its declaration only, so every side uses that declaration', () => {
    assert.equal(declaredItems(sources).get('registry.WorkerStates'), 'runtime/registry/storage.ts');
    assert.deepEqual(findRespelledItems(sources), []);
  });

  it('finds an item name spelled outside its declaration', () => {
    const fed = new Map([...sources].filter(([file]) => file.endsWith('/storage.ts')));
    fed.set('worker/keys.ts', "const key = chainStorageKey('registry', 'WorkerStates');\n");
    fed.set(
      'node/policy.ts',
      "// registry.Policy in a comment is fine\nthrow new Error('registry.Policy missing');\n",
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal
    fed.set('cli/listing.ts', 'const prefix = `gatekeeper/EncryptedKeys/${hex}`;\n');
    assert.deepEqual(findRespelledItems(fed), [
      'worker/keys.ts spells registry.WorkerStates',
      'node/policy.ts spells registry.Policy',
      'cli/listing.ts spells gatekeeper.EncryptedKeys',
    ]);
  });

  it('has no import cycles between files', () => {
    assert.deepEqual(findCycles(sources), []);
  });

  it('finds a cycle fed to it', () => {
    const fed = new Map(sources);
    fed.set('cli/a.ts', "import { b } from './b.js';\n");
    fed.set('cli/b.ts', "import type { a } from './a.js';\n");
    assert.deepEqual(findCycles(fed), ['cli/a.ts -> cli/b.ts -> cli/a.ts']);
  });
});
