// How the chain store grows on an idle network, measured from outside as an operator would: runs
// the real `phalanx devnet` (a node, a gatekeeper and sim workers; no transfers) with short blocks,
// and prints the size of the node's LMDB file at checkpoints. With state pruning the file stops
// growing with the trie once the window is full; blocks themselves are always kept.
//
//   npx tsx scripts/store-growth.ts [--blocks 2000] [--block-time 100] [--workers 3]
//                                   [--state-pruning 256|archive] [--every 250]
//
// `--workers 0` runs the node alone. Each checkpoint line: block, file bytes, bytes per block since
// the previous checkpoint, and the pages (4 KiB) each part of the store uses, read through a
// read-only LMDB handle (LMDB lets other processes read while the node writes): blocks (blocks,
// numbers, events, outcomes), the flat state, the trie's nodes, and pruning's bookkeeping (death
// rows, roots, meta). The last line compares the size at the end with the size at half way.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
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
  blocks: ['blocks', 'numbers', 'events', 'outcomes'],
  state: ['state'],
  trie: ['trieNodes'],
  pruning: ['trieDeathRows', 'trieRoots', 'trieMeta'],
} as const;

/** Pages used per part of the store, and the trie's node count. */
async function storePages(path: string): Promise<{ pages: Record<string, number>; trieNodes: number }> {
  const env = open({ path, maxDbs: 12, readOnly: true });
  try {
    const pages: Record<string, number> = {};
    let trieNodes = 0;
    for (const [part, names] of Object.entries(PARTS)) {
      pages[part] = 0;
      for (const name of names) {
        const stats = env.openDB({ name, encoding: 'binary', keyEncoding: 'binary' }).getStats() as {
          treeBranchPageCount: number;
          treeLeafPageCount: number;
          overflowPages: number;
          entryCount: number;
        };
        pages[part] += stats.treeBranchPageCount + stats.treeLeafPageCount + stats.overflowPages;
        if (name === 'trieNodes') trieNodes = stats.entryCount;
      }
    }
    return { pages, trieNodes };
  } finally {
    await env.close();
  }
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
    '| block | store file (bytes) | bytes per block since previous | pages: blocks / state / trie / pruning | trie nodes |',
  );
  console.log('|---:|---:|---:|---|---:|');
  const sizes = new Map<number, number>();
  let previous: { block: number; size: number } | undefined;
  for (let checkpoint = every; checkpoint <= blocks; checkpoint += every) {
    let number = await headNumber(rpcUrl);
    while (number < checkpoint) {
      await delay(Math.max(20, (checkpoint - number) * Number(values['block-time']) * 0.5));
      number = await headNumber(rpcUrl);
    }
    const size = statSync(storeFile).size;
    const { pages, trieNodes } = await storePages(join(dataDir, 'node', 'chain'));
    sizes.set(checkpoint, size);
    const rate = previous ? Math.round((size - previous.size) / (number - previous.block)) : '';
    const parts = Object.keys(PARTS)
      .map((part) => pages[part])
      .join(' / ');
    console.log(`| ${number} | ${size} | ${rate} | ${parts} | ${trieNodes} |`);
    previous = { block: number, size };
  }
  const atHalf = sizes.get(half) ?? [...sizes].find(([block]) => block >= half)?.[1];
  const atEnd = sizes.get(blocks) ?? previous?.size;
  if (atHalf !== undefined && atEnd !== undefined) {
    console.log(
      `size at ${blocks} / size at ${half}: ${(atEnd / atHalf).toFixed(3)} (${(((atEnd - atHalf) / atHalf) * 100).toFixed(1)}% growth)`,
    );
  }
} finally {
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  await exited;
  rmSync(home, { recursive: true, force: true });
}
