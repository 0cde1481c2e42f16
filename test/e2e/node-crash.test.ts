// Crash safety of the node (issue 2): a real node process sealing blocks under a stream of
// transfers is killed with SIGKILL at an arbitrary moment; restarted on the same data dir, it must
// still have every block it had announced, with the same hash and state root.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { hexToBytes, toHex } from '../../src/codec/bytes.js';
import { signExtrinsic } from '../../src/codec/chain.js';
import { devKeypair } from '../../src/codec/devKeys.js';
import { balancesCalls } from '../../src/runtime/balances/types.js';

const ENTRY = join(import.meta.dirname, '../../src/node/main.ts');
const SENDERS = ['alice', 'bob', 'charlie', 'dave'];

interface Announced {
  number: number;
  hash: string;
  stateRoot: string;
}

interface NodeProcess {
  child: ChildProcess;
  rpcUrl: Promise<string>;
  announced: Announced[];
  /** Resolves once `count` blocks with extrinsics have been announced. */
  loadedBlocks(count: number): Promise<void>;
  exited: Promise<number | null>;
}

function startNode(dataDir: string): NodeProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ENTRY, '--data-dir', dataDir, '--block-interval', '100'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const announced: Announced[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let loaded = 0;
  let resolveUrl!: (url: string) => void;
  const rpcUrl = new Promise<string>((resolve) => {
    resolveUrl = resolve;
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line);
    } catch {
      return;
    }
    if (entry.msg === 'node running') resolveUrl(entry.rpcUrl as string);
    if (entry.msg === 'block committed') {
      announced.push({
        number: entry.number as number,
        hash: `0x${entry.hash}`,
        stateRoot: `0x${entry.stateRoot}`,
      });
      if ((entry.extrinsics as number) > 0) loaded++;
      for (const waiter of waiters) if (loaded >= waiter.count) waiter.resolve();
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    rpcUrl,
    announced,
    exited,
    loadedBlocks: (count) =>
      new Promise<void>((resolve) => {
        if (loaded >= count) resolve();
        else waiters.push({ count, resolve });
      }),
  };
}

async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** Keeps submitting transfers from every dev sender, in JSON-RPC batches, until stopped. */
function startLoad(url: string, genesisHash: Uint8Array): { stop(): Promise<number> } {
  let running = true;
  let accepted = 0;
  const nonces = new Map(SENDERS.map((name) => [name, 0]));
  const loop = (async () => {
    while (running) {
      const batch = [];
      for (let i = 0; i < 40; i++) {
        const from = SENDERS[i % SENDERS.length]!;
        const to = SENDERS[(i + 1) % SENDERS.length]!;
        const nonce = nonces.get(from)!;
        nonces.set(from, nonce + 1);
        const signer = devKeypair(from);
        const extrinsic = signExtrinsic({
          genesisHash,
          signerSeed: signer.secretSeed,
          signer: signer.publicKey,
          nonce,
          call: balancesCalls.transfer({
            dest: devKeypair(to).publicKey,
            amount: 1_000_000n + BigInt(nonce),
          }),
        });
        batch.push({
          jsonrpc: '2.0',
          id: batch.length,
          method: 'author_submitExtrinsic',
          params: [toHex(extrinsic)],
        });
      }
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(batch),
        });
        const results = (await response.json()) as { result?: unknown }[];
        accepted += results.filter((r) => r.result !== undefined).length;
      } catch {
        return; // the node was killed under us
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return accepted;
    },
  };
}

describe('node crash safety', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'phalanx-crash-'));
  const children: ChildProcess[] = [];
  after(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds every announced block with the same hash and state root after kill -9 and a restart', async () => {
    const first = startNode(dataDir);
    children.push(first.child);
    const url = await first.rpcUrl;
    const genesisHash = hexToBytes((await rpc(url, 'chain_getBlockHash', [0])) as string);
    const load = startLoad(url, genesisHash);
    await first.loadedBlocks(6);
    first.child.kill('SIGKILL');
    assert.equal(await first.exited, null);
    const accepted = await load.stop();
    const announced = [...first.announced];
    assert.ok(announced.length >= 6, `only ${announced.length} blocks announced`);
    assert.ok(accepted > 0);

    const second = startNode(dataDir);
    children.push(second.child);
    const url2 = await second.rpcUrl;
    for (const block of announced) {
      assert.equal(
        await rpc(url2, 'chain_getBlockHash', [block.number]),
        block.hash,
        `block ${block.number}`,
      );
      const header = (await rpc(url2, 'chain_getHeader', [block.hash])) as { header: { stateRoot: string } };
      assert.equal(header.header.stateRoot, block.stateRoot, `state root of block ${block.number}`);
    }
    // It keeps sealing on top of what it had.
    const last = announced.at(-1)!;
    const head = (await rpc(url2, 'chain_getHeader', [])) as { header: { number: number } };
    assert.ok(head.header.number >= last.number);
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
  });
});
