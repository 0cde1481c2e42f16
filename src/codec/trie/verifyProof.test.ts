import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { utf8 } from '../bytes.js';
import { createMemoryNodeStore } from './memoryNodeStore.js';
import { proveKey } from './proveKey.js';
import { EMPTY_ROOT } from './trieNode.js';
import { updateTrie } from './updateTrie.js';
import { verifyProof } from './verifyProof.js';

const contentsArb = fc.uniqueArray(
  fc.record({ id: fc.integer({ min: 0, max: 200 }), value: fc.uint8Array({ maxLength: 24 }) }),
  { selector: (entry) => entry.id, maxLength: 60 },
);

function buildTree(contents: { id: number; value: Uint8Array }[]) {
  const store = createMemoryNodeStore();
  const update = updateTrie(
    store,
    EMPTY_ROOT,
    contents.map(({ id, value }) => ({ key: utf8(`key-${id}`), value })),
  );
  for (const node of update.nodes) store.put(node.hash, node.bytes);
  return { store, root: update.root };
}

describe('verifyProof', () => {
  it('accepts proofs of present keys with their value and of absent keys with undefined', () => {
    fc.assert(
      fc.property(contentsArb, fc.integer({ min: 0, max: 220 }), (contents, probe) => {
        const { store, root } = buildTree(contents);
        const key = utf8(`key-${probe}`);
        const expected = contents.find((entry) => entry.id === probe)?.value;
        const { value, proof } = proveKey(store, root, key);
        assert.deepEqual(value, expected);
        assert.equal(verifyProof(root, key, value, proof), true);
      }),
    );
  });

  it('rejects a wrong value, a claimed absence of a present key and a claimed presence of an absent key', () => {
    fc.assert(
      fc.property(
        contentsArb,
        fc.integer({ min: 0, max: 220 }),
        fc.uint8Array(),
        (contents, probe, other) => {
          const { store, root } = buildTree(contents);
          const key = utf8(`key-${probe}`);
          const { value, proof } = proveKey(store, root, key);
          if (value === undefined) {
            assert.equal(verifyProof(root, key, other, proof), false);
          } else {
            assert.equal(verifyProof(root, key, undefined, proof), false);
            const wrong = Buffer.compare(other, value) === 0 ? Uint8Array.of(...value, 1) : other;
            assert.equal(verifyProof(root, key, wrong, proof), false);
          }
        },
      ),
    );
  });

  it('rejects a proof with any bit flipped, a level added or a level removed', () => {
    fc.assert(
      fc.property(
        contentsArb,
        fc.integer({ min: 0, max: 220 }),
        fc.nat(),
        fc.nat(),
        (contents, probe, at, bit) => {
          const { store, root } = buildTree(contents);
          const key = utf8(`key-${probe}`);
          const { value, proof } = proveKey(store, root, key);
          const flippable = proof.flatMap((part, index) => (part.length > 0 ? [index] : []));
          if (flippable.length > 0) {
            const index = flippable[at % flippable.length]!;
            const tampered = proof.map((part) => part.slice());
            const part = tampered[index]!;
            const position = bit % (part.length * 8);
            part[position >> 3]! ^= 1 << (position & 7);
            assert.equal(verifyProof(root, key, value, tampered), false);
          }
          assert.equal(verifyProof(root, key, value, [...proof, new Uint8Array(32)]), false);
          if (proof.length > 1) assert.equal(verifyProof(root, key, value, proof.slice(0, -1)), false);
        },
      ),
    );
  });

  it('rejects a proof checked against another root or for another key', () => {
    const { store, root } = buildTree([
      { id: 1, value: utf8('one') },
      { id: 2, value: utf8('two') },
      { id: 3, value: utf8('three') },
    ]);
    const { value, proof } = proveKey(store, root, utf8('key-1'));
    assert.equal(verifyProof(root, utf8('key-1'), value, proof), true);
    assert.equal(verifyProof(EMPTY_ROOT, utf8('key-1'), value, proof), false);
    assert.equal(verifyProof(root, utf8('key-2'), value, proof), false);
  });

  it('answers false and never throws on garbage of any shape', () => {
    const anything = fc.oneof(
      fc.anything(),
      fc.uint8Array({ maxLength: 70 }),
      fc.array(fc.uint8Array({ maxLength: 70 }), { maxLength: 5 }),
    );
    fc.assert(
      fc.property(anything, anything, anything, anything, (root, key, value, proof) => {
        const result = verifyProof(
          root as Uint8Array,
          key as Uint8Array,
          value as Uint8Array | undefined,
          proof as Uint8Array[],
        );
        assert.equal(typeof result, 'boolean');
      }),
    );
    assert.equal(
      verifyProof(EMPTY_ROOT, utf8('k'), undefined, new Array(300).fill(new Uint8Array(32))),
      false,
    );
  });

  it('proves absence in the empty tree with an empty terminal and no siblings', () => {
    const { value, proof } = proveKey(createMemoryNodeStore(), EMPTY_ROOT, utf8('x'));
    assert.equal(value, undefined);
    assert.deepEqual(proof, [new Uint8Array(0)]);
    assert.equal(verifyProof(EMPTY_ROOT, utf8('x'), undefined, proof), true);
  });
});
