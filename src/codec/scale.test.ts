import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CodecError } from './errors.js';
import { decodeExact, fixedBytes, Hash32, Struct, str, u64, Vector } from './scale.js';

const Sample = Struct({ amount: u64, memo: str, hashes: Vector(Hash32) });

describe('decodeExact', () => {
  it('decodes what was encoded, also from a view into a larger buffer', () => {
    const value = { amount: 42n, memo: 'hi', hashes: [new Uint8Array(32).fill(3)] };
    const encoded = Sample.enc(value);
    const padded = new Uint8Array(encoded.length + 8);
    padded.set(encoded, 4);
    assert.deepEqual(decodeExact(Sample, encoded), value);
    assert.deepEqual(decodeExact(Sample, padded.subarray(4, 4 + encoded.length)), value);
  });

  it('decodes a Buffer that is a view into a shared pool (as LMDB and node:fs return)', () => {
    const value = { amount: 7n, memo: 'pool', hashes: [] };
    const pooled = Buffer.concat([Buffer.from([9, 9, 9]), Buffer.from(Sample.enc(value))]).subarray(3);
    assert.deepEqual(decodeExact(Sample, pooled), value);
  });

  it('rejects trailing bytes and truncation with a CodecError', () => {
    const encoded = Sample.enc({ amount: 1n, memo: '', hashes: [new Uint8Array(32)] });
    assert.throws(() => decodeExact(Sample, new Uint8Array([...encoded, 0])), CodecError);
    for (let cut = 0; cut < encoded.length; cut++) {
      assert.throws(() => decodeExact(Sample, encoded.subarray(0, cut)), CodecError, `cut at ${cut}`);
    }
  });

  it('never throws anything but a CodecError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeExact(Sample, bytes);
        } catch (error) {
          assert.ok(error instanceof CodecError, String(error));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('names what it decoded and the byte where the input ran out, never a DataView error', () => {
    assert.throws(() => decodeExact(Sample, new Uint8Array(0), 'sample'), {
      name: 'CodecError',
      code: 'InvalidEncoding',
      message: 'malformed SCALE sample: unexpected end of input at byte 0',
    });
    const encoded = Sample.enc({ amount: 1n, memo: 'memo', hashes: [new Uint8Array(32)] });
    // Cut inside the hash: the 32-byte field starts after u64, the 5-byte memo and the vector length.
    assert.throws(() => decodeExact(Sample, encoded.subarray(0, 20), 'sample'), {
      message:
        'malformed SCALE sample: unexpected end of input: the 32-byte field at byte 14 runs past the end (byte 20)',
    });
    assert.throws(() => decodeExact(Sample, Uint8Array.of(...encoded, 7, 7), 'sample'), {
      message: `malformed SCALE sample: 2 trailing bytes after byte ${encoded.length}`,
    });
    // A memo whose length prefix (compact 100) claims more than there is.
    assert.throws(() => decodeExact(str, Uint8Array.of(100 << 2, 0x61), 'memo'), {
      message:
        'malformed SCALE memo: unexpected end of input: the field at byte 1 runs past the end (byte 2)',
    });
  });

  it('explains every failure on random bytes in its own words', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        try {
          decodeExact(Sample, bytes, 'sample');
        } catch (error) {
          assert.ok(error instanceof CodecError, String(error));
          assert.match(error.message, /^malformed SCALE sample: /);
          // scale-ts's own failures (DataView bounds, bigint arithmetic) must not reach the user.
          assert.doesNotMatch(error.message, /DataView|BigInt|Offset|bounds/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses to encode a fixed-size field of the wrong length', () => {
    assert.throws(() => fixedBytes(4).enc(new Uint8Array(3)), CodecError);
  });
});
