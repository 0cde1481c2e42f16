// Authenticated encryption for keys at rest and in transit (DESIGN.md section 2): AES-256-GCM with
// keys from HKDF-SHA256, all through node:crypto. Used to seal worker keys and to send the network
// master key to a worker's X25519 key.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { concatBytes, utf8 } from './bytes.js';
import { CodecError } from './errors.js';
import { assertX25519PublicKey, generateX25519, x25519SharedSecret } from './keys.js';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** HKDF-SHA256 (RFC 5869) to a 32-byte key; `info` names the purpose so keys never cross uses. */
export function deriveKey(secret: Uint8Array, salt: Uint8Array, info: string | Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, salt, typeof info === 'string' ? utf8(info) : info, 32));
}

/** nonce ‖ ciphertext ‖ tag. `aad` is authenticated but not encrypted (bind context, e.g. a pubkey). */
export function aesGcmEncrypt(
  key: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = new Uint8Array(),
): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  const body = concatBytes(cipher.update(plaintext), cipher.final());
  return concatBytes(nonce, body, cipher.getAuthTag());
}

export function aesGcmDecrypt(
  key: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array = new Uint8Array(),
): Uint8Array {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) {
    throw new CodecError('DecryptionFailed', `ciphertext too short: ${sealed.length} bytes`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES));
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return concatBytes(
      decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    );
  } catch (cause) {
    throw new CodecError(
      'DecryptionFailed',
      'ciphertext does not authenticate under this key',
      {},
      { cause },
    );
  }
}

/**
 * Encrypts to an X25519 public key (ECIES-style): a fresh ephemeral key, HKDF over the shared secret
 * salted with both public keys, AES-256-GCM. Output: ephemeral public key ‖ nonce ‖ ciphertext ‖ tag.
 * A recipient outside `isValidX25519PublicKey` is refused (CodecError 'InvalidKey'): a small-order key
 * would make the shared secret a constant anyone can compute.
 */
export function encryptToX25519(recipient: Uint8Array, plaintext: Uint8Array, info: string): Uint8Array {
  assertX25519PublicKey(recipient, 'recipient x25519 public key');
  const ephemeral = generateX25519();
  const key = deriveKey(
    x25519SharedSecret(ephemeral.secretSeed, recipient),
    concatBytes(ephemeral.publicKey, recipient),
    info,
  );
  return concatBytes(ephemeral.publicKey, aesGcmEncrypt(key, plaintext, recipient));
}

export function decryptFromX25519(
  secret: Uint8Array,
  ownPublicKey: Uint8Array,
  box: Uint8Array,
  info: string,
): Uint8Array {
  if (box.length < 32 + NONCE_BYTES + TAG_BYTES)
    throw new CodecError('DecryptionFailed', `box too short: ${box.length} bytes`);
  const ephemeral = box.subarray(0, 32);
  let shared: Uint8Array;
  try {
    shared = x25519SharedSecret(secret, ephemeral);
  } catch (cause) {
    throw new CodecError('DecryptionFailed', 'box carries an invalid ephemeral key', {}, { cause });
  }
  const key = deriveKey(shared, concatBytes(ephemeral, ownPublicKey), info);
  return aesGcmDecrypt(key, box.subarray(32), ownPublicKey);
}
