import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { open, type RootDatabase } from 'lmdb';
import { bytesToHex, utf8 } from '../../codec/bytes.js';
import {
  createMemoryNodeStore,
  EMPTY_ROOT,
  proveKey,
  readTrieValue,
  type TrieChange,
  type TrieUpdate,
  updateTrie,
  verifyProof,
} from '../../codec/trie/index.js';
import { StoreError } from '../errors.js';
import { createTrieNodeStore, type TrieNodeStore } from './createTrieNodeStore.js';

const keyArb = fc.integer({ min: 0, max: 30 }).map((i) => utf8(`key-${i}`));
const valueArb = fc.option(fc.uint8Array({ minLength: 0, maxLength: 24 }), { nil: null, freq: 4 });
const batchesArb = fc.array(fc.array(fc.record({ key: keyArb, value: valueArb }), { maxLength: 20 }), {
  minLength: 1,
  maxLength: 6,
});

function commit(root: RootDatabase, store: TrieNodeStore, version: number, update: TrieUpdate): void {
  store.remember(root.transactionSync(() => store.write(version, update)));
}

describe('createTrieNodeStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'phalanx-trie-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the roots of the plain in-memory trie, and proves every past root after reopening', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(batchesArb, async (batches) => {
        const path = join(dir, `run-${run++}`);
        let env = open({ path });
        const store = createTrieNodeStore(env);
        const memory = createMemoryNodeStore();
        const model = new Map<string, Uint8Array>();
        const history: { root: Uint8Array; model: Map<string, Uint8Array> }[] = [];
        let root = EMPTY_ROOT;
        let plainRoot = EMPTY_ROOT;
        for (const [version, batch] of batches.entries()) {
          const update = updateTrie(store, root, batch);
          commit(env, store, version, update);
          root = update.root;
          const plain = updateTrie(memory, plainRoot, batch);
          for (const node of plain.nodes) memory.put(node.hash, node.bytes);
          plainRoot = plain.root;
          assert.deepEqual(root, plainRoot);
          for (const { key, value } of batch) {
            if (value === null) model.delete(bytesToHex(key));
            else model.set(bytesToHex(key), value);
          }
          history.push({ root, model: new Map(model) });
        }
        await env.close();
        // Reopened: nothing in memory, every read goes through the stored versions.
        env = open({ path });
        const reopened = createTrieNodeStore(env);
        for (const past of history) {
          for (let i = 0; i <= 30; i++) {
            const key = utf8(`key-${i}`);
            const { value, proof } = proveKey(reopened, past.root, key);
            assert.deepEqual(value, past.model.get(bytesToHex(key)));
            assert.equal(verifyProof(past.root, key, value, proof), true);
          }
        }
        await env.close();
      }),
      { numRuns: 25 },
    );
  });

  it('finds a root that a delete moved up from below, written by an earlier block', async () => {
    const env = open({ path: dir });
    const store = createTrieNodeStore(env, { cachedBlocks: 0 });
    const a = utf8('a');
    const b = utf8('b');
    const first = updateTrie(store, EMPTY_ROOT, [
      { key: a, value: utf8('1') },
      { key: b, value: utf8('2') },
    ]);
    commit(env, store, 0, first);
    const second = updateTrie(store, first.root, [{ key: b, value: null }]);
    assert.equal(second.nodes.length, 0);
    assert.equal(second.rootVersion, 0);
    commit(env, store, 1, second);
    assert.deepEqual(readTrieValue(store, second.root, a), utf8('1'));
    assert.deepEqual(readTrieValue(store, first.root, b), utf8('2'));
    await env.close();
  });

  it("writes a block's nodes next to each other, under its version, and keeps them after later blocks", async () => {
    const env = open({ path: dir });
    const store = createTrieNodeStore(env);
    const changes = (round: number): TrieChange[] =>
      Array.from({ length: 200 }, (_, i) => ({ key: utf8(`k${i * 3 + round}`), value: utf8(`${round}`) }));
    let root = EMPTY_ROOT;
    const written: number[] = [];
    for (let version = 0; version < 3; version++) {
      const update = updateTrie(store, root, changes(version));
      commit(env, store, version, update);
      written.push(update.nodes.length);
      root = update.root;
    }
    const raw = env.openDB<Buffer, Buffer>({ name: 'trieNodes', encoding: 'binary', keyEncoding: 'binary' });
    const perVersion = [0, 0, 0];
    let previous: Buffer | undefined;
    for (const key of raw.getKeys()) {
      // Keys sort by version first: a block's nodes form one contiguous run.
      if (previous !== undefined) assert.ok(Buffer.compare(previous, key) < 0);
      previous = Buffer.from(key);
      perVersion[key.readUInt32BE(0)]! += 1;
    }
    assert.deepEqual(perVersion, written);
    await env.close();
  });

  it('does not serve from memory the nodes of a transaction that rolled back', async () => {
    const env = open({ path: dir });
    const store = createTrieNodeStore(env);
    const update = updateTrie(store, EMPTY_ROOT, [
      { key: utf8('x'), value: utf8('1') },
      { key: utf8('y'), value: utf8('2') },
    ]);
    assert.throws(() =>
      env.transactionSync(() => {
        store.write(0, update);
        throw new Error('the block failed after its nodes were written');
      }),
    );
    for (const node of update.nodes) assert.equal(store.get(node.hash), undefined);
    await env.close();
  });

  it('refuses a state root that is neither written by the block nor stored', async () => {
    const env = open({ path: dir });
    const store = createTrieNodeStore(env);
    const stray = { root: new Uint8Array(32).fill(3), rootVersion: undefined, nodes: [] };
    assert.throws(
      () => env.transactionSync(() => store.write(0, stray)),
      (error: unknown) => error instanceof StoreError && error.code === 'TrieRootNotStored',
    );
    await env.close();
  });
});
