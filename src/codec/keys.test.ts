import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hexToBytes, toHex } from './bytes.js';
import {
  ed25519FromSeed,
  ed25519Sign,
  ed25519Verify,
  generateEd25519,
  generateX25519,
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
