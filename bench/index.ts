// `npm run bench`: runs every bench/*.bench.ts in one process, one after another. Each benchmark
// measures its subject next to a baseline in the same run (ratios, not absolute times: these
// machines are noisy) and returns a markdown section and its figures.
//
//   npm run bench                      markdown for docs/BENCHMARKS.md
//   npm run bench -- --json            one JSON object per line per figure:
//                                      {"name","unit","value","baseline":{"name","value"}}, lower is better
//   npm run bench -- [--json] node     only the files whose name, or one of whose figures' names,
//                                      contains a given word (`attestation`, `node.bench`, `dcap`)
//   npm run bench -- --quick           small sizes and short runs: checks that everything runs
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchOptions, BenchResult } from './figure.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const options: BenchOptions = { quick: args.includes('--quick') };
const words = args.filter((arg) => !arg.startsWith('--'));

interface BenchModule {
  readonly file: string;
  readonly figureNames: readonly string[];
  readonly run: (options: BenchOptions) => Promise<BenchResult>;
}

const modules: BenchModule[] = [];
for (const file of readdirSync(here)
  .filter((name) => name.endsWith('.bench.ts'))
  .sort()) {
  const module = (await import(pathToFileURL(`${here}/${file}`).href)) as Record<string, unknown>;
  const run = Object.entries(module).find(
    ([name, value]) => /^run\w*Bench$/.test(name) && typeof value === 'function',
  );
  if (!run) throw new Error(`${file} exports no run…Bench function`);
  const figureNames = Array.isArray(module.FIGURE_NAMES) ? (module.FIGURE_NAMES as string[]) : [];
  modules.push({ file, figureNames, run: run[1] as BenchModule['run'] });
}
const selected = modules.filter(
  ({ file, figureNames }) =>
    words.length === 0 ||
    words.some((word) => file.includes(word) || figureNames.some((name) => name.includes(word))),
);
if (selected.length === 0) {
  process.stderr.write(`no benchmark matches ${words.join(' ')}\n`);
  process.exit(2);
}

if (!json) console.log(`# Phalanx benchmarks\n\nNode ${process.version}, ${new Date().toISOString()}\n`);
for (const { file, run } of selected) {
  if (json) process.stderr.write(`${file}…\n`);
  const result = await run(options);
  if (json) {
    for (const figure of result.figures) console.log(JSON.stringify(figure));
  } else {
    console.log(`## ${file}\n`);
    console.log(result.markdown);
    console.log('');
  }
}
