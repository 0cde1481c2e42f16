// Deterministic P-256 keys for the simulated TEE's PKI, derived from a seed and a label, so that the
// same seed always yields the same root, CAs, PCK and attestation keys (and so the same root
// certificate to pin in a development genesis).
//
// Signatures are NOT deterministic: node:crypto signs ECDSA with OpenSSL's random nonce, so
// certificate, CRL, collateral and quote signatures differ from run to run while every key, name,
// serial and signed byte string stays the same. Nothing in Phalanx compares signatures byte-wise.
import { createECDH, createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { utf8 } from '../../codec/bytes.js';
import { taggedHash } from '../../codec/hash.js';

/** Order of the P-256 group (SEC 2, section 2.4.2). */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

export interface SimKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Uncompressed point without the 0x04 prefix: x || y, 64 bytes (the quote's attestation key form). */
  readonly publicRaw: Uint8Array;
  /** SubjectPublicKeyInfo DER, for certificates. */
  readonly spkiDer: Uint8Array;
}

function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function bigintTo32(value: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(value.toString(16).padStart(64, '0'), 'hex'));
}

function u32be(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

/** 32 pseudo-random bytes bound to (seed, label); the seed is length-prefixed so no two pairs collide. */
export function deriveSimBytes(seed: Uint8Array, label: string): Uint8Array {
  return taggedHash('phalanx-sim-insecure/v1', u32be(seed.length), seed, utf8(label));
}

/** The private scalar is the derived 256-bit value reduced into [1, n-1]. */
export function deriveSimKey(seed: Uint8Array, label: string): SimKey {
  const x = BigInt(`0x${Buffer.from(deriveSimBytes(seed, `key:${label}`)).toString('hex')}`);
  const d = bigintTo32((x % (P256_N - 1n)) + 1n);
  // ECDH computes the public point for a given scalar; the JWK import then gives a signing key.
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const point = new Uint8Array(ecdh.getPublicKey());
  const publicRaw = point.subarray(1);
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    d: toBase64Url(d),
    x: toBase64Url(publicRaw.subarray(0, 32)),
    y: toBase64Url(publicRaw.subarray(32, 64)),
  };
  const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  const publicKey = createPublicKey(privateKey);
  const spkiDer = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  return { privateKey, publicKey, publicRaw: Uint8Array.from(publicRaw), spkiDer };
}

/** ECDSA-SHA256 as raw r || s (64 bytes), the form inside quotes and the collateral JSON signatures. */
export function signRaw(key: SimKey, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' }));
}

/** ECDSA-SHA256 as a DER ECDSA-Sig-Value, the form inside X.509 certificates and CRLs. */
export function signDer(key: SimKey, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign('sha256', data, { key: key.privateKey, dsaEncoding: 'der' }));
}
