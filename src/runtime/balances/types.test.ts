import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CodecError } from '../../codec/errors.js';
import { decodeExact, Struct } from '../../codec/scale.js';
import { Balance, U128_MAX } from '../support/types.js';
import { AccountDataCodec } from './types.js';

const Reference = Struct({ free: Balance, reserved: Balance });

describe('AccountDataCodec', () => {
  it('encodes and decodes exactly like the generic SCALE struct of two u128', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: U128_MAX }),
        fc.bigInt({ min: 0n, max: U128_MAX }),
        (free, reserved) => {
          const bytes = AccountDataCodec.enc({ free, reserved });
          assert.deepEqual(bytes, Reference.enc({ free, reserved }));
          assert.deepEqual(decodeExact(AccountDataCodec, bytes), { free, reserved });
        },
      ),
    );
  });

  it('refuses to wrap a balance outside u128, and truncated bytes', () => {
    assert.throws(() => AccountDataCodec.enc({ free: U128_MAX + 1n, reserved: 0n }), CodecError);
    assert.throws(() => AccountDataCodec.enc({ free: -1n, reserved: 0n }), CodecError);
    assert.throws(() => Balance.enc(U128_MAX + 1n), CodecError);
    assert.throws(() => decodeExact(AccountDataCodec, new Uint8Array(31)), CodecError);
    assert.throws(() => decodeExact(AccountDataCodec, new Uint8Array(33)), CodecError);
  });
});
