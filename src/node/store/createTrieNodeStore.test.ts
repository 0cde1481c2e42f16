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
import { decodeNode } from '../../codec/trie/trieNode.js';
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

const binary = { encoding: 'binary', keyEncoding: 'binary' } as const;

function entryKey(version: number, hash: Uint8Array): string {
  return `${version.toString(16).padStart(8, '0')}${bytesToHex(hash)}`;
}

/**
 * Every stored entry (version, hash) of the tree whose root entry is given, read from LMDB exactly
 * (no cache, no fallback to another copy): throws if the tree is not whole.
 */
function treeEntries(
  raw: ReturnType<RootDatabase['openDB']>,
  version: number,
  hash: Uint8Array,
): Set<string> {
  const out = new Set<string>();
  const visit = (at: number, node: Uint8Array): void => {
    if (node.every((byte) => byte === 0)) return;
    const key = Buffer.alloc(36);
    key.writeUInt32BE(at, 0);
    key.set(node, 4);
    const bytes = raw.get(key) as Buffer | undefined;
    assert.ok(bytes, `entry ${entryKey(at, node)} is missing`);
    out.add(entryKey(at, node));
    const decoded = decodeNode(new Uint8Array(bytes));
    if (decoded?.kind === 'internal') {
      visit(decoded.leftVersion!, decoded.left);
      visit(decoded.rightVersion!, decoded.right);
    }
  };
  visit(version, hash);
  return out;
}

/** Small key space and a bias to undo earlier blocks, so that roots recur and trees shrink to one leaf. */
const PRUNE_KEYS = 8;
const pruneKeyArb = fc.integer({ min: 0, max: PRUNE_KEYS - 1 }).map((i) => utf8(`key-${i}`));
const pruneValueArb = fc.option(fc.constantFrom(utf8('a'), utf8('b'), utf8('c')), { nil: null, freq: 3 });
const stepArb = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.record({ key: pruneKeyArb, value: pruneValueArb }), { maxLength: 6 }) },
  // Back to the contents of an earlier block (possibly genesis): its root recurs under new entries.
  { weight: 1, arbitrary: fc.nat().map((back) => ({ back })) },
);

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

  it('keeps every root of the window whole and equal to an archive, and stores nothing else', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(stepArb, { minLength: 1, maxLength: 30 }),
        fc.nat(),
        async (window, steps, reopenAt) => {
          const path = join(dir, `prune-${run++}`);
          let env = open({ path });
          let pruned = createTrieNodeStore(env, { pruning: window });
          let raw = env.openDB({ name: 'trieNodes', ...binary });
          const archiveEnv = open({ path: join(path, 'archive') });
          const archive = createTrieNodeStore(archiveEnv);
          const history: { root: Uint8Array; entry: number; model: Map<string, Uint8Array> }[] = [];
          let model = new Map<string, Uint8Array>();
          let root = EMPTY_ROOT;
          for (const [version, step] of steps.entries()) {
            let batch: TrieChange[];
            if ('back' in step) {
              const target = history[step.back % Math.max(1, history.length)]?.model ?? new Map();
              batch = [...new Set([...model.keys(), ...target.keys()])].map((hex) => ({
                key: Buffer.from(hex, 'hex'),
                value: target.get(hex) ?? null,
              }));
            } else {
              batch = step;
            }
            const update = updateTrie(pruned, root, batch);
            commit(env, pruned, version, update);
            const archived = updateTrie(archive, root, batch);
            commit(archiveEnv, archive, version, archived);
            assert.deepEqual(update.root, archived.root);
            root = update.root;
            model = new Map(model);
            for (const { key, value } of batch) {
              if (value === null) model.delete(bytesToHex(key));
              else model.set(bytesToHex(key), value);
            }
            history.push({ root, entry: update.rootVersion ?? version, model });
            if (version === reopenAt % steps.length) {
              // Nothing in memory any more: the death rows and the head come from LMDB.
              await env.close();
              env = open({ path });
              pruned = createTrieNodeStore(env, { pruning: window });
              raw = env.openDB({ name: 'trieNodes', ...binary });
            }

            const kept = history.flatMap((_past, at) => (at === 0 || at > version - window ? [at] : []));
            const expected = new Set<string>();
            for (const at of kept) {
              const past = history[at]!;
              for (const entry of treeEntries(raw, past.entry, past.root)) expected.add(entry);
              assert.equal(pruned.keepsState(at), true);
              for (let i = 0; i < PRUNE_KEYS; i++) {
                const key = utf8(`key-${i}`);
                const value = readTrieValue(pruned, past.root, key);
                assert.deepEqual(value, past.model.get(bytesToHex(key)));
                assert.deepEqual(value, readTrieValue(archive, past.root, key));
              }
            }
            for (let at = 1; at <= version - window; at++) assert.equal(pruned.keepsState(at), false);
            const stored = new Set<string>();
            for (const key of raw.getKeys()) {
              const buffer = key as Buffer;
              stored.add(entryKey(buffer.readUInt32BE(0), buffer.subarray(4)));
            }
            assert.deepEqual(stored, expected);
            assert.equal(pruned.entryCount(), expected.size);
          }
          await env.close();
          await archiveEnv.close();
        },
      ),
      { numRuns: 40 },
    );
  });

  /** Blocks that each rewrite the same 20 keys: every block replaces the same number of nodes. */
  function churn(env: RootDatabase, store: TrieNodeStore, from: number, to: number, root: Uint8Array) {
    for (let version = from; version < to; version++) {
      const batch = Array.from({ length: 20 }, (_, i) => ({ key: utf8(`k${i}`), value: utf8(`${version}`) }));
      const update = updateTrie(store, root, batch);
      commit(env, store, version, update);
      root = update.root;
    }
    return root;
  }

  it('rolls back a block’s deletions and death row with its transaction', async () => {
    const env = open({ path: dir });
    const store = createTrieNodeStore(env, { pruning: 2 });
    const root = churn(env, store, 0, 6, EMPTY_ROOT);
    const count = store.entryCount();
    const update = updateTrie(store, root, [{ key: utf8('k1'), value: utf8('x') }]);
    assert.throws(() =>
      env.transactionSync(() => {
        store.write(6, update);
        throw new Error('the block failed after its trie write');
      }),
    );
    assert.equal(store.entryCount(), count);
    assert.equal(store.keepsState(4), true);
    // The same block commits afterwards as if nothing had happened.
    commit(env, store, 6, update);
    assert.deepEqual(readTrieValue(store, update.root, utf8('k1')), utf8('x'));
    assert.equal(store.keepsState(4), false);
    await env.close();
  });

  it('catches up a few blocks per commit when the window shrinks, down to the smaller window', async () => {
    const path = join(dir, 'shrink');
    let env = open({ path });
    let store = createTrieNodeStore(env, { pruning: 12 });
    let root = churn(env, store, 0, 30, EMPTY_ROOT);
    const wide = store.entryCount();
    await env.close();
    env = open({ path });
    store = createTrieNodeStore(env, { pruning: 2 });
    // Every block rewrites the whole tree: the store holds 12 trees of the window and genesis's.
    const tree = wide / 13;
    assert.ok(Number.isInteger(tree));
    root = churn(env, store, 30, 31, root);
    // One commit deletes four blocks' death rows, not all eleven that fell out at once.
    assert.equal(store.entryCount(), wide + tree - 4 * tree);
    root = churn(env, store, 31, 40, root);
    assert.equal(store.entryCount(), 3 * tree);
    assert.equal(store.keepsState(38), true);
    assert.equal(store.keepsState(37), false);
    assert.deepEqual(readTrieValue(store, root, utf8('k3')), utf8('39'));
    await env.close();
  });
});
