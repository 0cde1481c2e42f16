import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blake2b } from '@noble/hashes/blake2.js';
import fc from 'fast-check';
import { concatBytes, toHex, utf8 } from './bytes.js';
import { blake2b256, taggedHash } from './hash.js';

describe('blake2b256', () => {
  // Reference digests of BLAKE2b with a 32-byte output (RFC 7693 parameters; as printed by `b2sum -l 256`).
  it('matches the reference digests of "" and "abc"', () => {
    assert.equal(
      toHex(blake2b256(new Uint8Array())),
      '0x0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8',
    );
    assert.equal(
      toHex(blake2b256(utf8('abc'))),
      '0xbddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319',
    );
  });

  it('agrees with the independent @noble/hashes implementation on any input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        assert.deepEqual(blake2b256(data), blake2b(data, { dkLen: 32 }));
      }),
      { numRuns: 500 },
    );
  });

  it('hashes a tag and parts as their concatenation', () => {
    const parts = [utf8('a'), new Uint8Array([1, 2, 3]), new Uint8Array()];
    assert.deepEqual(
      taggedHash('phalanx/test', ...parts),
      blake2b256(concatBytes(utf8('phalanx/test'), ...parts)),
    );
  });
});
