// The three parts of an X.509 certificate or CRL (RFC 5280 4.1 and 5.1: SEQUENCE { tbs, algorithm,
// BIT STRING signature }), read with a DER walker of its own rather than the verifier's, so that the
// fuzz oracle does not share the verifier's parsing mistakes. The signature covers exactly `tbs`
// (its tag and length included).

export interface SignedDer {
  /** The to-be-signed structure, tag and length included: the bytes the signature covers. */
  readonly tbs: Uint8Array;
  /** The outer AlgorithmIdentifier; RFC 5280 requires it to equal the one inside `tbs`. */
  readonly algorithm: Uint8Array;
  /** The BIT STRING's content after its unused-bits byte: a DER ECDSA-Sig-Value for Intel's PKI. */
  readonly signature: Uint8Array;
}

interface Tlv {
  readonly tag: number;
  /** Offset of the tag. */
  readonly start: number;
  /** Offset of the content. */
  readonly body: number;
  /** Offset just past the content. */
  readonly end: number;
}

function readTlv(der: Uint8Array, at: number, limit: number): Tlv | undefined {
  if (at + 2 > limit) return undefined;
  const tag = der[at]!;
  let length = der[at + 1]!;
  let body = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // Definite lengths of at most 4 bytes: nothing in a DCAP collateral comes near 4 GiB.
    if (count === 0 || count > 4 || body + count > limit) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[body + i]!;
    body += count;
  }
  const end = body + length;
  if (end > limit) return undefined;
  return { tag, start: at, body, end };
}

const SEQUENCE = 0x30;
const BIT_STRING = 0x03;

/** The signed parts of a certificate or CRL, or undefined when `der` is not shaped like one. */
export function readSignedDer(der: Uint8Array): SignedDer | undefined {
  const outer = readTlv(der, 0, der.length);
  if (outer?.tag !== SEQUENCE) return undefined;
  const tbs = readTlv(der, outer.body, outer.end);
  if (tbs?.tag !== SEQUENCE) return undefined;
  const algorithm = readTlv(der, tbs.end, outer.end);
  if (algorithm?.tag !== SEQUENCE) return undefined;
  const signature = readTlv(der, algorithm.end, outer.end);
  if (signature?.tag !== BIT_STRING || signature.end !== outer.end || signature.body >= signature.end) {
    return undefined;
  }
  return {
    tbs: der.subarray(tbs.start, tbs.end),
    algorithm: der.subarray(algorithm.start, algorithm.end),
    signature: der.subarray(signature.body + 1, signature.end),
  };
}

/** The SubjectPublicKeyInfo inside a certificate's TBS (RFC 5280 4.1: its seventh field, counting the optional version). */
export function readSubjectPublicKeyInfo(tbs: Uint8Array): Uint8Array | undefined {
  const outer = readTlv(tbs, 0, tbs.length);
  if (outer?.tag !== SEQUENCE) return undefined;
  let at = outer.body;
  let field = readTlv(tbs, at, outer.end);
  // [0] EXPLICIT version, absent in v1 certificates.
  if (field?.tag === 0xa0) field = readTlv(tbs, field.end, outer.end);
  // serialNumber, signature, issuer, validity, subject, then subjectPublicKeyInfo.
  for (let i = 0; i < 5 && field !== undefined; i++) field = readTlv(tbs, field.end, outer.end);
  if (field?.tag !== SEQUENCE) return undefined;
  at = field.start;
  return tbs.subarray(at, field.end);
}
