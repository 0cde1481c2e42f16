import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeNode, encodeInternal, encodeVersionedInternal } from './trieNode.js';

describe('trie node encodings', () => {
  const left = new Uint8Array(32).fill(0xaa);
  const right = new Uint8Array(32).fill(0xbb);

  it('decodes the plain internal encoding with no child versions', () => {
    assert.deepEqual(decodeNode(encodeInternal(left, right)), {
      kind: 'internal',
      left,
      right,
      leftVersion: undefined,
      rightVersion: undefined,
    });
  });

  it('decodes the versioned internal encoding to the same children plus their versions', () => {
    const bytes = encodeVersionedInternal(left, right, 7, 0xffffffff);
    assert.equal(bytes.length, 73);
    assert.deepEqual(bytes.subarray(0, 65), encodeInternal(left, right));
    assert.deepEqual(decodeNode(bytes), {
      kind: 'internal',
      left,
      right,
      leftVersion: 7,
      rightVersion: 0xffffffff,
    });
  });

  it('rejects an internal node of any other length', () => {
    assert.equal(decodeNode(encodeInternal(left, right).subarray(0, 64)), undefined);
    assert.equal(decodeNode(new Uint8Array(69).fill(1)), undefined);
  });
});
