// How the chain store grows on an idle network, measured from outside as an operator would: runs
// the real `phalanx devnet` (a node, a gatekeeper and sim workers; no transfers) with short blocks,
// and prints the size of the node's LMDB file and the disk usage of the whole data folder at
// checkpoints. With state pruning the file stops growing with the trie once the window is full;
// blocks themselves are always kept, so what remains is their few hundred bytes each.
//
//   npx tsx scripts/store-growth.ts [--blocks 2000] [--block-time 100] [--workers 3]
//                                   [--state-pruning 256|archive] [--every 250]
//
// `--workers 0` runs the node alone. Each checkpoint line: block; the store file's bytes; `du` of
// the devnet's data folder (allocated bytes: the store, the workers' sealed files, logs); file bytes
// per block since the previous checkpoint; the pages (4 KiB) the store's B-trees use against the
// file's pages (LMDB never shrinks its file: pages freed by deletes are reused, not returned); and
// the pages of each part, read through a read-only LMDB handle (LMDB lets other processes read while
// the node writes): blocks (blocks, numbers, hashes, events, outcomes, meta), the flat state, the
// trie's nodes, and pruning's bookkeeping (death rows, roots, meta). The last lines compare the end
// with half way, for each of the three measures.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { lstatSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { open } from 'lmdb';

const ROOT = new URL('../', import.meta.url).pathname;

const { values } = parseArgs({
  options: {
    blocks: { type: 'string', default: '2000' },
    'block-time': { type: 'string', default: '100' },
    workers: { type: 'string', default: '3' },
    'state-pruning': { type: 'string', default: '256' },
    every: { type: 'string', default: '250' },
  },
});
const blocks = Number(values.blocks);
const every = Number(values.every);
const half = Math.floor(blocks / 2);

async function headNumber(rpcUrl: string): Promise<number> {
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'chain_getHeader', params: [] }),
  });
  const body = (await response.json()) as { result: { header: { number: number } } };
  return body.result.header.number;
}

const PARTS = {
  blocks: ['blocks', 'numbers', 'hashes', 'events', 'outcomes', 'meta'],
  state: ['state'],
  trie: ['trieNodes'],
  pruning: ['trieDeathRows', 'trieRoots', 'trieMeta'],
} as const;

interface TreeStats {
  treeBranchPageCount: number;
  treeLeafPageCount: number;
  overflowPages: number;
  entryCount: number;
}

const treePages = (stats: TreeStats): number =>
  stats.treeBranchPageCount + stats.treeLeafPageCount + stats.overflowPages;

/**
 * Pages used per part of the store, all pages in use (every B-tree, LMDB's catalogue and free list,
 * its two meta pages), the file's pages, and the trie's node count.
 */
async function storePages(
  path: string,
): Promise<{ pages: Record<string, number>; used: number; inFile: number; trieNodes: number }> {
  const env = open({ path, maxDbs: 12, readOnly: true });
  try {
    const pages: Record<string, number> = {};
    let trieNodes = 0;
    const all = env.getStats() as TreeStats & { lastPageNumber: number; free: TreeStats };
    let used = 2 + treePages(all) + treePages(all.free);
    for (const [part, names] of Object.entries(PARTS)) {
      pages[part] = 0;
      for (const name of names) {
        const stats = env.openDB({ name, encoding: 'binary', keyEncoding: 'binary' }).getStats() as TreeStats;
        pages[part] += treePages(stats);
        if (name === 'trieNodes') trieNodes = stats.entryCount;
      }
      used += pages[part]!;
    }
    return { pages, used, inFile: all.lastPageNumber + 1, trieNodes };
  } finally {
    await env.close();
  }
}

/** What `du` reports for a folder: the blocks allocated to everything in it. */
function diskUsage(path: string): number {
  const stats = lstatSync(path);
  let bytes = stats.blocks * 512;
  if (stats.isDirectory()) {
    for (const name of readdirSync(path)) bytes += diskUsage(join(path, name));
  }
  return bytes;
}

function startDevnet(dataDir: string): ChildProcess {
  const workers = Number(values.workers);
  return spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'src/cli/main.ts'),
      'devnet',
      '--data-dir',
      dataDir,
      '--rpc-port',
      '0',
      '--json',
      '--block-time',
      values['block-time'],
      '--state-pruning',
      values['state-pruning'],
      ...(workers === 0 ? ['--no-workers'] : ['--workers', String(workers)]),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
}

async function firstLine(child: ChildProcess): Promise<string> {
  let text = '';
  for await (const chunk of child.stdout!) {
    text += chunk;
    const end = text.indexOf('\n');
    if (end >= 0) return text.slice(0, end);
  }
  throw new Error('the devnet exited before printing its addresses');
}

const home = mkdtempSync(join(tmpdir(), 'phalanx-store-growth-'));
const dataDir = join(home, 'devnet');
const storeFile = join(dataDir, 'node', 'chain', 'data.mdb');
const child = startDevnet(dataDir);
try {
  const { rpcUrl } = JSON.parse(await firstLine(child)) as { rpcUrl: string };
  console.log(
    `idle devnet: ${Number(values.workers) === 0 ? 'node alone' : `${values.workers} workers + gatekeeper`}, ${values['block-time']} ms blocks, --state-pruning ${values['state-pruning']}`,
  );
  console.log(
    '| block | store file (bytes) | du of data folder (bytes) | file bytes per block since previous | pages in use / in file | pages: blocks / state / trie / pruning | trie nodes |',
  );
  console.log('|---:|---:|---:|---:|---:|---|---:|');
  const sizes = new Map<number, { file: number; du: number; used: number }>();
  let previous: { block: number; size: number } | undefined;
  for (let checkpoint = every; checkpoint <= blocks; checkpoint += every) {
    let number = await headNumber(rpcUrl);
    while (number < checkpoint) {
      await delay(Math.max(20, (checkpoint - number) * Number(values['block-time']) * 0.5));
      number = await headNumber(rpcUrl);
    }
    const size = statSync(storeFile).size;
    const { pages, used, inFile, trieNodes } = await storePages(join(dataDir, 'node', 'chain'));
    const du = diskUsage(dataDir);
    sizes.set(checkpoint, { file: size, du, used });
    const rate = previous ? Math.round((size - previous.size) / (number - previous.block)) : '';
    const parts = Object.keys(PARTS)
      .map((part) => pages[part])
      .join(' / ');
    console.log(`| ${number} | ${size} | ${du} | ${rate} | ${used} / ${inFile} | ${parts} | ${trieNodes} |`);
    previous = { block: number, size };
  }
  const atHalf = sizes.get(half) ?? [...sizes].find(([block]) => block >= half)?.[1];
  const atEnd = sizes.get(blocks) ?? [...sizes.values()].at(-1);
  if (atHalf !== undefined && atEnd !== undefined) {
    for (const measure of ['file', 'du', 'used'] as const) {
      const [a, b] = [atHalf[measure], atEnd[measure]];
      const label = { file: 'store file', du: 'du of data folder', used: 'pages in use' }[measure];
      console.log(
        `${label} at ${blocks} / at ${half}: ${(b / a).toFixed(3)} (${(((b - a) / a) * 100).toFixed(1)}% growth)`,
      );
    }
  }
} finally {
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  await exited;
  rmSync(home, { recursive: true, force: true });
}
