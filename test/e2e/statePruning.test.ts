// State pruning across real processes: an authority keeping 20 blocks of state runs for 120 blocks;
// a follower started afterwards still re-executes every block from genesis (blocks are kept) and
// reaches the same head, keeps the same window itself, and both answer a read at a pruned block with
// a StatePruned error rather than an internal one, while genesis and the window stay provable.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hexToBytes } from '../../src/codec/bytes.js';
import { verifyProof } from '../../src/codec/trie/index.js';
import { storageKey } from '../../src/runtime/support/storage.js';
import { waitFor } from './devnetProcess.js';
import { headNumber, rpcCall, startNodeProcess, stopProcess } from './nodeProcess.js';

const WINDOW = 20;
const KEY = storageKey('system', 'BlockNumber');
const KEY_HEX = `0x${Buffer.from(KEY).toString('hex')}`;

async function blockHash(rpcUrl: string, number: number): Promise<string> {
  return (await rpcCall(rpcUrl, 'chain_getBlockHash', [number])).result as string;
}

async function stateRoot(rpcUrl: string, hash: string): Promise<string> {
  const { result } = await rpcCall(rpcUrl, 'chain_getHeader', [hash]);
  return (result as { header: { stateRoot: string } }).header.stateRoot;
}

describe('state pruning across processes', () => {
  let home: string;
  const children: ChildProcess[] = [];
  let authority: { child: ChildProcess; rpcUrl: string };
  let follower: { child: ChildProcess; rpcUrl: string };

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'phalanx-e2e-pruning-'));
    const pruning = ['--state-pruning', String(WINDOW), '--block-time', '50'];
    authority = await startNodeProcess(['--dev', '--data-dir', join(home, 'authority'), ...pruning]);
    children.push(authority.child);
    await waitFor(
      '120 blocks',
      async () => ((await headNumber(authority.rpcUrl)) >= 120 ? true : undefined),
      90_000,
    );
    follower = await startNodeProcess([
      '--dev',
      '--follow',
      authority.rpcUrl,
      '--data-dir',
      join(home, 'follower'),
      ...pruning,
    ]);
    children.push(follower.child);
  });
  after(async () => {
    for (const child of children) await stopProcess(child);
    rmSync(home, { recursive: true, force: true });
  });

  it('lets a follower re-execute every block from genesis and reach the authority’s head and state', async () => {
    const target = await headNumber(authority.rpcUrl);
    await waitFor('the follower to catch up', async () =>
      (await headNumber(follower.rpcUrl)) >= target ? true : undefined,
    );
    for (const number of [1, Math.floor(target / 2), target]) {
      const hash = await blockHash(authority.rpcUrl, number);
      assert.equal(await blockHash(follower.rpcUrl, number), hash, `block ${number}`);
      assert.equal(await stateRoot(follower.rpcUrl, hash), await stateRoot(authority.rpcUrl, hash));
    }
  });

  it('proves state at genesis and in the window, and refuses a pruned block as StatePruned', async () => {
    for (const rpcUrl of [authority.rpcUrl, follower.rpcUrl]) {
      const head = await headNumber(rpcUrl);
      for (const number of [0, head - WINDOW + 5]) {
        const hash = await blockHash(rpcUrl, number);
        const { result } = await rpcCall(rpcUrl, 'state_getStorage', [KEY_HEX, hash]);
        const storage = result as { value: string | null; proof: string[] };
        const value = storage.value === null ? undefined : hexToBytes(storage.value);
        const proof = storage.proof.map((part) => hexToBytes(part));
        assert.equal(verifyProof(hexToBytes(await stateRoot(rpcUrl, hash)), KEY, value, proof), true);
      }
      const pruned = await rpcCall(rpcUrl, 'state_getStorage', [KEY_HEX, await blockHash(rpcUrl, 10)]);
      assert.equal(pruned.error?.data?.code, 'StatePruned', JSON.stringify(pruned));
      assert.match(pruned.error!.message, /state of block 10 is pruned/);
      // The block itself is kept.
      assert.equal(
        (
          (await rpcCall(rpcUrl, 'chain_getHeader', [await blockHash(rpcUrl, 10)])).result as {
            header: { number: number };
          }
        ).header.number,
        10,
      );
    }
  });
});
