import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hexToBytes, toHex } from './bytes.js';
import {
  assertX25519PublicKey,
  ed25519FromSeed,
  ed25519Sign,
  ed25519Verify,
  generateEd25519,
  generateX25519,
  isValidX25519PublicKey,
  x25519FromSecret,
  x25519SharedSecret,
} from './keys.js';

describe('ed25519', () => {
  // RFC 8032 section 7.1, TEST 2 (one-byte message 0x72).
  const seed = hexToBytes('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb');
  const publicKey = '0x3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c';
  const signature =
    '0x92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00';

  it('derives the RFC 8032 public key and signature from the test seed', () => {
    const pair = ed25519FromSeed(seed);
    assert.equal(toHex(pair.publicKey), publicKey);
    assert.equal(toHex(ed25519Sign(seed, hexToBytes('72'))), signature);
  });

  it('verifies a good signature and refuses a changed message, key or signature', () => {
    const pair = generateEd25519();
    const message = new TextEncoder().encode('heartbeat');
    const sig = ed25519Sign(pair.secretSeed, message);
    assert.equal(ed25519Verify(pair.publicKey, message, sig), true);
    assert.equal(ed25519Verify(pair.publicKey, new TextEncoder().encode('heartbeaT'), sig), false);
    assert.equal(ed25519Verify(generateEd25519().publicKey, message, sig), false);
    const bad = sig.slice();
    bad[10]! ^= 1;
    assert.equal(ed25519Verify(pair.publicKey, message, bad), false);
  });

  it('returns false rather than throwing for malformed keys and signatures', () => {
    assert.equal(ed25519Verify(new Uint8Array(31), new Uint8Array(1), new Uint8Array(64)), false);
    assert.equal(ed25519Verify(new Uint8Array(32), new Uint8Array(1), new Uint8Array(63)), false);
    assert.equal(ed25519Verify(new Uint8Array(32).fill(0xff), new Uint8Array(1), new Uint8Array(64)), false);
  });

  it('accepts the RFC 8032 TEST 2 signature and refuses it under a key one bit away', () => {
    const key = hexToBytes(publicKey);
    assert.equal(ed25519Verify(key, hexToBytes('72'), hexToBytes(signature)), true);
    key[0]! ^= 1;
    assert.equal(ed25519Verify(key, hexToBytes('72'), hexToBytes(signature)), false);
  });

  it('gives the same verdict as a key imported through DER (RFC 8410), for any key bytes', () => {
    // Verification keys are imported from JWK (base64url of the raw key): every byte value must
    // survive that encoding, and keys that are no curve point must be refused as the DER path does.
    const spki = hexToBytes('302a300506032b6570032100');
    const viaDer = (key: Uint8Array, message: Uint8Array, sig: Uint8Array): boolean => {
      try {
        const object = createPublicKey({ key: Buffer.concat([spki, key]), format: 'der', type: 'spki' });
        return verify(null, message, object, sig);
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.boolean(),
        (seed, message, tamperKey) => {
          const pair = ed25519FromSeed(seed);
          const sig = ed25519Sign(seed, message);
          const key = pair.publicKey.slice();
          if (tamperKey) key[seed[0]! % 32]! ^= 1 << (seed[1]! % 8);
          assert.equal(ed25519Verify(key, message, sig), viaDer(key, message, sig));
          assert.equal(ed25519Verify(key, message, sig), !tamperKey);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('x25519', () => {
  // RFC 7748 section 6.1.
  const alice = hexToBytes('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
  const bob = hexToBytes('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');

  it('agrees on the RFC 7748 shared secret', () => {
    const shared = x25519SharedSecret(alice, x25519FromSecret(bob).publicKey);
    assert.equal(toHex(shared), '0x4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
    assert.deepEqual(shared, x25519SharedSecret(bob, x25519FromSecret(alice).publicKey));
  });

  it('gives both sides of a fresh pair the same secret', () => {
    const a = generateX25519();
    const b = generateX25519();
    assert.deepEqual(
      x25519SharedSecret(a.secretSeed, b.publicKey),
      x25519SharedSecret(b.secretSeed, a.publicKey),
    );
  });
});

describe('x25519 public key validation', () => {
  const p = (1n << 255n) - 19n;
  const order8a = 325606250916557431795983626356110631294008115727848805560023387167927233504n;
  const order8b = 39382357235489614581723060781553021112529911719440698176882885853963445705823n;
  // The twelve weak encodings of cr.yp.to/ecdh.html, "Which Curve25519 public keys are weak?".
  const weak = [
    0n,
    1n,
    order8a,
    order8b,
    p - 1n,
    p,
    p + 1n,
    p + order8a,
    p + order8b,
    2n * p - 1n,
    2n * p,
    2n * p + 1n,
  ];
  const encode = (u: bigint): Uint8Array => {
    const bytes = new Uint8Array(32);
    for (let i = 0; i < 32; i++) bytes[i] = Number((u >> BigInt(8 * i)) & 0xffn);
    return bytes;
  };
  const fixed = x25519FromSecret(
    hexToBytes('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'),
  );

  it('refuses every one of the twelve weak encodings, including the all-zero key', () => {
    for (const u of weak) {
      assert.equal(isValidX25519PublicKey(encode(u)), false, `u = ${u}`);
      assert.throws(() => assertX25519PublicKey(encode(u)), { name: 'CodecError', code: 'InvalidKey' });
    }
  });

  it('refuses the top bit set and other non-canonical or wrongly sized encodings', () => {
    const high = generateX25519().publicKey.slice();
    high[31]! |= 0x80;
    assert.equal(isValidX25519PublicKey(high), false);
    assert.equal(isValidX25519PublicKey(encode(p + 5n)), false);
    assert.equal(isValidX25519PublicKey(new Uint8Array(31).fill(9)), false);
    assert.equal(isValidX25519PublicKey(encode(p - 2n)), true);
    assert.equal(isValidX25519PublicKey(encode(9n)), true);
  });

  it('the small-order keys below 2^255 really give an all-zero secret, refused with a typed error', () => {
    // OpenSSL (RFC 7748 section 6.1) refuses an all-zero shared secret; we surface it as InvalidKey.
    for (const u of weak.filter((u) => u < 1n << 255n)) {
      assert.throws(() => x25519SharedSecret(fixed.secretSeed, encode(u)), {
        name: 'CodecError',
        code: 'InvalidKey',
      });
    }
  });

  it('accepts every generated key, and a key it accepts always gives a usable shared secret', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (secret) => {
        assert.equal(isValidX25519PublicKey(x25519FromSecret(secret).publicKey), true);
      }),
      { numRuns: 50 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        if (!isValidX25519PublicKey(bytes)) return;
        assert.equal(x25519SharedSecret(fixed.secretSeed, bytes).length, 32);
      }),
      { numRuns: 200 },
    );
  });
});
