import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytesToHex, utf8 } from '../bytes.js';
import { blake2b256 } from '../hash.js';
import { createMemoryNodeStore, type MemoryNodeStore } from './memoryNodeStore.js';
import { proveKey, readTrieValue } from './proveKey.js';
import { EMPTY_ROOT, hashInternal, hashLeaf, keyPath, pathBit } from './trieNode.js';
import { type TrieChange, updateTrie } from './updateTrie.js';
import { verifyProof } from './verifyProof.js';

// A small key space so that random batches overwrite and delete keys that exist.
const keyArb = fc.integer({ min: 0, max: 40 }).map((i) => utf8(`key-${i}`));
const valueArb = fc.option(fc.uint8Array({ minLength: 0, maxLength: 40 }), { nil: null, freq: 4 });
const batchArb = fc.array(fc.record({ key: keyArb, value: valueArb }), { maxLength: 25 });
const batchesArb = fc.array(batchArb, { minLength: 1, maxLength: 8 });

function apply(store: MemoryNodeStore, root: Uint8Array, changes: TrieChange[]): Uint8Array {
  const update = updateTrie(store, root, changes);
  for (const node of update.nodes) store.put(node.hash, node.bytes);
  return update.root;
}

function applyToModel(model: Map<string, Uint8Array>, changes: TrieChange[]): void {
  for (const { key, value } of changes) {
    if (value === null) model.delete(bytesToHex(key));
    else model.set(bytesToHex(key), value);
  }
}

function rootOf(model: Map<string, Uint8Array>): Uint8Array {
  const changes = [...model].map(([hex, value]) => ({ key: Buffer.from(hex, 'hex'), value }));
  return apply(createMemoryNodeStore(), EMPTY_ROOT, changes);
}

describe('updateTrie', () => {
  it('gives the empty root for an empty tree and a leaf hash for a single key', () => {
    const store = createMemoryNodeStore();
    assert.deepEqual(apply(store, EMPTY_ROOT, []), EMPTY_ROOT);
    const key = utf8('alice');
    const value = utf8('100');
    const root = apply(store, EMPTY_ROOT, [{ key, value }]);
    assert.deepEqual(root, hashLeaf(keyPath(key), blake2b256(value)));
  });

  it('hashes two keys as an internal node ordered by the first differing path bit', () => {
    const a = utf8('a');
    const b = utf8('b');
    const root = apply(createMemoryNodeStore(), EMPTY_ROOT, [
      { key: a, value: utf8('1') },
      { key: b, value: utf8('2') },
    ]);
    let depth = 0;
    while (pathBit(keyPath(a), depth) === pathBit(keyPath(b), depth)) depth++;
    const [left, right] = pathBit(keyPath(a), depth) === 0 ? [a, b] : [b, a];
    let hash = hashInternal(
      hashLeaf(keyPath(left), blake2b256(left === a ? utf8('1') : utf8('2'))),
      hashLeaf(keyPath(right), blake2b256(right === a ? utf8('1') : utf8('2'))),
    );
    // Above the split the other side of every level is empty.
    for (let d = depth - 1; d >= 0; d--) {
      hash = pathBit(keyPath(a), d) === 0 ? hashInternal(hash, EMPTY_ROOT) : hashInternal(EMPTY_ROOT, hash);
    }
    assert.deepEqual(root, hash);
  });

  it('reaches a root that depends only on the final contents, not on order or batching', () => {
    fc.assert(
      fc.property(batchesArb, (batches) => {
        const store = createMemoryNodeStore();
        const model = new Map<string, Uint8Array>();
        let root = EMPTY_ROOT;
        for (const batch of batches) {
          root = apply(store, root, batch);
          applyToModel(model, batch);
        }
        assert.deepEqual(root, rootOf(model));
        // One change at a time, in reverse insertion order of the final contents.
        const single = createMemoryNodeStore();
        let oneByOne = EMPTY_ROOT;
        for (const [hex, value] of [...model].reverse()) {
          oneByOne = apply(single, oneByOne, [{ key: Buffer.from(hex, 'hex'), value }]);
        }
        assert.deepEqual(oneByOne, root);
      }),
      { numRuns: 150 },
    );
  });

  it('returns the empty root after deleting every key', () => {
    fc.assert(
      fc.property(batchesArb, (batches) => {
        const store = createMemoryNodeStore();
        const model = new Map<string, Uint8Array>();
        let root = EMPTY_ROOT;
        for (const batch of batches) {
          root = apply(store, root, batch);
          applyToModel(model, batch);
        }
        const deletes = [...model.keys()].map((hex) => ({ key: Buffer.from(hex, 'hex'), value: null }));
        assert.deepEqual(apply(store, root, deletes), EMPTY_ROOT);
      }),
      { numRuns: 100 },
    );
  });

  it('lets the last change to a key in one batch win', () => {
    const store = createMemoryNodeStore();
    const key = utf8('k');
    const root = apply(store, EMPTY_ROOT, [
      { key, value: utf8('1') },
      { key, value: null },
      { key, value: utf8('3') },
    ]);
    assert.deepEqual(readTrieValue(store, root, key), utf8('3'));
  });

  it('keeps every past root readable and provable after later updates', () => {
    fc.assert(
      fc.property(batchesArb, (batches) => {
        const store = createMemoryNodeStore();
        const model = new Map<string, Uint8Array>();
        const history: { root: Uint8Array; model: Map<string, Uint8Array> }[] = [];
        let root = EMPTY_ROOT;
        for (const batch of batches) {
          root = apply(store, root, batch);
          applyToModel(model, batch);
          history.push({ root, model: new Map(model) });
        }
        for (const past of history) {
          for (let i = 0; i <= 40; i++) {
            const key = utf8(`key-${i}`);
            const { value, proof } = proveKey(store, past.root, key);
            assert.deepEqual(value, past.model.get(bytesToHex(key)));
            assert.equal(verifyProof(past.root, key, value, proof), true);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
