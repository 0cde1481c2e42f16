// `npm run bench`: runs every bench/*.bench.ts in one process, one after another, and prints their
// markdown tables. Each benchmark compares its subject with a baseline measured in the same run
// (ratios, not absolute times: these machines are noisy). `npm run bench -- runtime` runs a subset.
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv.slice(2);
const files = readdirSync(here)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filter.length === 0 || filter.some((word) => name.includes(word)))
  .sort();

console.log(`# Phalanx benchmarks\n\nNode ${process.version}, ${new Date().toISOString()}\n`);
for (const file of files) {
  const module = (await import(pathToFileURL(`${here}/${file}`).href)) as Record<string, unknown>;
  const run = Object.entries(module).find(
    ([name, value]) => /^run\w*Bench$/.test(name) && typeof value === 'function',
  );
  if (!run) throw new Error(`${file} exports no run…Bench function`);
  console.log(`## ${file}\n`);
  console.log(await (run[1] as () => Promise<string>)());
  console.log('');
}
