import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytesToHex, utf8 } from '../bytes.js';
import { blake2b256 as reference } from '../hash.js';
import { blake2b256 } from './blake2b256.js';

describe('trie blake2b256', () => {
  it('gives the known BLAKE2b-256 digest of "abc"', () => {
    // BLAKE2b with a 32-byte digest of "abc" (same as `b2sum -l 256`); the RFC 7693 appendix vector is the 64-byte one.
    assert.equal(
      bytesToHex(blake2b256(utf8('abc'))),
      'bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319',
    );
  });

  it('computes exactly what src/codec/hash.ts computes, at every length around block boundaries', () => {
    for (let length = 0; length <= 400; length++) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff);
      assert.deepEqual(blake2b256(data), reference(data), `length ${length}`);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (data) => {
        assert.deepEqual(blake2b256(data), reference(data));
      }),
    );
  });
});
