// ed25519 (accounts, worker identities) and X25519 (worker ECDH) through node:crypto, which wraps
// OpenSSL's constant-time implementations. Keys live as raw 32-byte seeds / public keys; KeyObjects
// are built from fixed DER prefixes (RFC 8410) and the public ones cached, because building one costs
// about as much as a verification.
import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { concatBytes, hexToBytes } from './bytes.js';
import { CodecError } from './errors.js';

const ED25519_PKCS8_PREFIX = hexToBytes('302e020100300506032b657004220420');
const ED25519_SPKI_PREFIX = hexToBytes('302a300506032b6570032100');
const X25519_PKCS8_PREFIX = hexToBytes('302e020100300506032b656e04220420');
const X25519_SPKI_PREFIX = hexToBytes('302a300506032b656e032100');

export interface Keypair {
  readonly secretSeed: Uint8Array; // 32 bytes
  readonly publicKey: Uint8Array; // 32 bytes
}

function checkLength(what: string, bytes: Uint8Array, length: number): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new CodecError('InvalidKey', `${what} must be ${length} bytes`, { what, length: bytes?.length });
  }
}

function privateKeyObject(prefix: Uint8Array, seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.from(concatBytes(prefix, seed)), format: 'der', type: 'pkcs8' });
}

function rawPublicKey(key: KeyObject): Uint8Array {
  const der = key.export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - 32));
}

// ---- ed25519 ----

export function ed25519FromSeed(secretSeed: Uint8Array): Keypair {
  checkLength('ed25519 seed', secretSeed, 32);
  const privateKey = privateKeyObject(ED25519_PKCS8_PREFIX, secretSeed);
  return { secretSeed, publicKey: rawPublicKey(createPublicKey(privateKey)) };
}

export function generateEd25519(): Keypair {
  return ed25519FromSeed(new Uint8Array(randomBytes(32)));
}

const signingKeys = new WeakMap<Uint8Array, KeyObject>();

export function ed25519Sign(secretSeed: Uint8Array, message: Uint8Array): Uint8Array {
  checkLength('ed25519 seed', secretSeed, 32);
  let key = signingKeys.get(secretSeed);
  if (!key) {
    key = privateKeyObject(ED25519_PKCS8_PREFIX, secretSeed);
    signingKeys.set(secretSeed, key);
  }
  return new Uint8Array(sign(null, message, key));
}

// A bounded cache of verification keys: senders repeat within and across blocks.
const VERIFY_CACHE_LIMIT = 4096;
const verifyKeys = new Map<string, KeyObject>();

function verificationKey(publicKey: Uint8Array): KeyObject | undefined {
  const id = Buffer.from(publicKey).toString('latin1');
  let key = verifyKeys.get(id);
  if (key) return key;
  try {
    key = createPublicKey({
      key: Buffer.from(concatBytes(ED25519_SPKI_PREFIX, publicKey)),
      format: 'der',
      type: 'spki',
    });
  } catch {
    return undefined; // not a point on the curve
  }
  if (verifyKeys.size >= VERIFY_CACHE_LIMIT) verifyKeys.delete(verifyKeys.keys().next().value as string);
  verifyKeys.set(id, key);
  return key;
}

/** False (never an exception) for a wrong signature, a malformed key or wrong lengths. */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const key = verificationKey(publicKey);
  if (!key) return false;
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

// ---- X25519 ----

export function x25519FromSecret(secret: Uint8Array): Keypair {
  checkLength('x25519 secret', secret, 32);
  const privateKey = privateKeyObject(X25519_PKCS8_PREFIX, secret);
  return { secretSeed: secret, publicKey: rawPublicKey(createPublicKey(privateKey)) };
}

export function generateX25519(): Keypair {
  return x25519FromSecret(new Uint8Array(randomBytes(32)));
}

/** The raw shared secret; callers derive keys from it with HKDF (see encryption.ts). */
export function x25519SharedSecret(secret: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  checkLength('x25519 secret', secret, 32);
  checkLength('x25519 public key', peerPublicKey, 32);
  const privateKey = privateKeyObject(X25519_PKCS8_PREFIX, secret);
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({
      key: Buffer.from(concatBytes(X25519_SPKI_PREFIX, peerPublicKey)),
      format: 'der',
      type: 'spki',
    });
  } catch (cause) {
    throw new CodecError('InvalidKey', 'x25519 public key is not valid', {}, { cause });
  }
  return new Uint8Array(diffieHellman({ privateKey, publicKey }));
}
