import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hexToBytes, toHex, utf8 } from './bytes.js';
import { aesGcmDecrypt, aesGcmEncrypt, decryptFromX25519, deriveKey, encryptToX25519 } from './encryption.js';
import { CodecError } from './errors.js';
import { generateX25519 } from './keys.js';

describe('encryption', () => {
  it('derives the RFC 5869 test case 1 key prefix with HKDF-SHA256', () => {
    const ikm = hexToBytes('0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b');
    const salt = hexToBytes('000102030405060708090a0b0c');
    const info = hexToBytes('f0f1f2f3f4f5f6f7f8f9');
    assert.equal(
      toHex(deriveKey(ikm, salt, info)),
      '0x3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf',
    );
  });

  it('opens what it sealed and refuses a flipped bit, a wrong key or wrong associated data', () => {
    const key = new Uint8Array(32).fill(1);
    const sealed = aesGcmEncrypt(key, utf8('worker identity'), utf8('ctx'));
    assert.deepEqual(aesGcmDecrypt(key, sealed, utf8('ctx')), utf8('worker identity'));
    const flipped = sealed.slice();
    flipped[20]! ^= 1;
    assert.throws(() => aesGcmDecrypt(key, flipped, utf8('ctx')), CodecError);
    assert.throws(() => aesGcmDecrypt(new Uint8Array(32), sealed, utf8('ctx')), CodecError);
    assert.throws(() => aesGcmDecrypt(key, sealed, utf8('other')), CodecError);
    assert.throws(() => aesGcmDecrypt(key, sealed.subarray(0, 10)), CodecError);
  });

  it('delivers a secret to an X25519 key and to nobody else', () => {
    const worker = generateX25519();
    const box = encryptToX25519(worker.publicKey, utf8('master key'), 'phalanx/test');
    assert.deepEqual(
      decryptFromX25519(worker.secretSeed, worker.publicKey, box, 'phalanx/test'),
      utf8('master key'),
    );
    const other = generateX25519();
    assert.throws(
      () => decryptFromX25519(other.secretSeed, other.publicKey, box, 'phalanx/test'),
      CodecError,
    );
    assert.throws(
      () => decryptFromX25519(worker.secretSeed, worker.publicKey, box, 'phalanx/other'),
      CodecError,
    );
  });

  it('refuses to encrypt to an all-zero or other small-order key, with a typed error', () => {
    // Boxing to such a key used to throw OpenSSL's untyped error (or, for a key OpenSSL accepts but
    // that has a second encoding, succeed): either way not a CodecError a caller can handle.
    for (const key of [new Uint8Array(32), Uint8Array.of(1, ...new Array<number>(31).fill(0))]) {
      assert.throws(() => encryptToX25519(key, utf8('network key'), 'phalanx/test'), {
        name: 'CodecError',
        code: 'InvalidKey',
      });
    }
    const nonCanonical = generateX25519().publicKey.slice();
    nonCanonical[31]! |= 0x80;
    assert.throws(() => encryptToX25519(nonCanonical, utf8('network key'), 'phalanx/test'), {
      code: 'InvalidKey',
    });
  });
});
