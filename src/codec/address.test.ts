import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeAddress, encodeAddress, isAddress } from './address.js';
import { CodecError } from './errors.js';

describe('addresses', () => {
  it('round-trips any 32-byte public key', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (key) => {
        const address = encodeAddress(key);
        assert.ok(address.startsWith('phx1'));
        assert.deepEqual(decodeAddress(address), key);
      }),
    );
  });

  it('rejects any single-character typo through the checksum', () => {
    const address = encodeAddress(new Uint8Array(32).fill(7));
    const charset = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
    for (let i = 4; i < address.length; i++) {
      const replacement = charset[(charset.indexOf(address[i]!) + 1) % charset.length]!;
      const typo = address.slice(0, i) + replacement + address.slice(i + 1);
      assert.equal(isAddress(typo), false, `typo at ${i} accepted`);
    }
  });

  it('rejects another prefix and wrong lengths with a CodecError', () => {
    assert.throws(() => decodeAddress('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'), CodecError);
    assert.throws(() => decodeAddress('phx1'), CodecError);
    assert.throws(() => encodeAddress(new Uint8Array(31)), CodecError);
  });
});
