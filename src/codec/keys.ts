// ed25519 (accounts, worker identities) and X25519 (worker ECDH) through node:crypto, which wraps
// OpenSSL's constant-time implementations. Keys live as raw 32-byte seeds / public keys; KeyObjects
// are built from fixed DER prefixes (RFC 8410), except ed25519 verification keys, which are built
// from JWK (see verificationKey) and cached: they are what every extrinsic needs.
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
    // JWK, not DER: OpenSSL 3 takes a DER key through its generic decoder, which costs about half a
    // verification; the JWK path builds the key from the raw bytes directly (about a twentieth).
    // Senders first seen at admission pay this once each (bench/node.bench.ts, `pool.admit`).
    key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') },
      format: 'jwk',
    });
  } catch {
    return undefined; // refused by OpenSSL
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

// Which X25519 public keys a Phalanx chain accepts (a worker's ECDH key, a box's recipient). The
// rule: the 32 bytes are the canonical little-endian encoding of u (u < p = 2^255 - 19, so the top
// bit is clear too), and u is none of the five canonical u-coordinates of small order: 0, 1, the two
// of order 8, and p - 1. A key outside the rule either has a second encoding (u >= p, or the top bit
// that RFC 7748 section 5 masks off) or forces every shared secret to zero whatever the secret key
// (RFC 7748 section 6.1), so a box to it would be readable by anyone or could not be made at all.
// The encodings refused this way include all twelve that cr.yp.to/ecdh.html ("Which Curve25519
// public keys are weak?") lists, and libsodium's blacklist (crypto_scalarmult/curve25519/ref10).
const P25519 = (1n << 255n) - 19n;
const SMALL_ORDER_U: readonly bigint[] = [
  0n,
  1n,
  325606250916557431795983626356110631294008115727848805560023387167927233504n,
  39382357235489614581723060781553021112529911719440698176882885853963445705823n,
  P25519 - 1n,
];

function littleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

/** True iff `publicKey` is a canonical X25519 public key outside the small-order points (rule above). */
export function isValidX25519PublicKey(publicKey: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
  const u = littleEndian(publicKey);
  return u < P25519 && !SMALL_ORDER_U.includes(u);
}

/** Throws CodecError('InvalidKey') unless `publicKey` passes isValidX25519PublicKey. */
export function assertX25519PublicKey(publicKey: Uint8Array, what = 'x25519 public key'): void {
  checkLength(what, publicKey, 32);
  if (!isValidX25519PublicKey(publicKey)) {
    throw new CodecError(
      'InvalidKey',
      `${what} 0x${Buffer.from(publicKey).toString('hex')} is a non-canonical or small-order point`,
      { what },
    );
  }
}

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
  try {
    return new Uint8Array(diffieHellman({ privateKey, publicKey }));
  } catch (cause) {
    // OpenSSL refuses an all-zero result (a small-order peer key): a typed error, not OpenSSL's.
    throw new CodecError('InvalidKey', 'x25519 public key gives an all-zero shared secret', {}, { cause });
  }
}
