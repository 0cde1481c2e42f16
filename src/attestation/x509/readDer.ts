// A minimal DER slicer: it finds the exact bytes of a TLV so that signatures are checked over what the
// signer signed (tbsCertificate, tbsCertList, issuer Name), never over a re-encoding. Values are
// parsed by @peculiar/asn1-schema; this only walks lengths, each checked against its container
// (X.690 section 8.1; definite lengths only, as DER requires).
import { AttestationError, type AttestationErrorCode } from '../errors.js';

export interface DerElement {
  readonly tag: number;
  /** The whole TLV. */
  readonly raw: Uint8Array;
  /** The value only. */
  readonly value: Uint8Array;
}

export function readDerElement(
  bytes: Uint8Array,
  offset: number,
  code: AttestationErrorCode,
  what: string,
): DerElement {
  const fail = (why: string): never => {
    throw new AttestationError(code, `${what}: ${why} at offset ${offset}`, { offset });
  };
  if (offset + 2 > bytes.length) fail('truncated DER header');
  const tag = bytes[offset]!;
  // High-tag-number form never occurs in X.509; refusing it keeps this small.
  if ((tag & 0x1f) === 0x1f) fail('unsupported high tag number');
  let length = bytes[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // 0x80 is BER's indefinite length, forbidden in DER; more than 4 length bytes cannot fit a buffer.
    if (count === 0 || count > 4) fail('unsupported DER length form');
    if (offset + 2 + count > bytes.length) fail('truncated DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i]!;
    header += count;
  }
  const end = offset + header + length;
  if (end > bytes.length) fail('DER length beyond the buffer');
  return { tag, raw: bytes.subarray(offset, end), value: bytes.subarray(offset + header, end) };
}

/** The children of a constructed element, in order, each within its parent. */
export function readDerChildren(element: DerElement, code: AttestationErrorCode, what: string): DerElement[] {
  const out: DerElement[] = [];
  let offset = 0;
  while (offset < element.value.length) {
    const child = readDerElement(element.value, offset, code, what);
    out.push(child);
    offset += child.raw.length;
  }
  return out;
}

/** Exactly one top-level element that fills the buffer. */
export function readDerTop(bytes: Uint8Array, code: AttestationErrorCode, what: string): DerElement {
  const top = readDerElement(bytes, 0, code, what);
  if (top.raw.length !== bytes.length) {
    throw new AttestationError(
      code,
      `${what}: ${bytes.length - top.raw.length} trailing bytes after DER`,
      {},
    );
  }
  return top;
}

export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_OCTET_STRING = 0x04;
export const TAG_OID = 0x06;
export const TAG_UTC_TIME = 0x17;
export const TAG_GENERALIZED_TIME = 0x18;
export const TAG_SEQUENCE = 0x30;

/** X.690 section 8.19: base-128 arcs, the first byte holding the first two. */
export function decodeOid(bytes: Uint8Array, code: AttestationErrorCode, what: string): string {
  const fail = (why: string): never => {
    throw new AttestationError(code, `${what}: ${why}`, {});
  };
  if (bytes.length === 0 || bytes.length > 64) fail('bad OID length');
  const arcs: number[] = [];
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    n = n * 128 + (b & 0x7f);
    if (n > Number.MAX_SAFE_INTEGER / 256) fail('OID arc too large');
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(n < 80 ? Math.floor(n / 40) : 2, n < 80 ? n % 40 : n - 80);
      else arcs.push(n);
      n = 0;
    } else if (i === bytes.length - 1) {
      fail('truncated OID');
    }
  }
  return arcs.join('.');
}

/** UTCTime or GeneralizedTime in the forms RFC 5280 section 4.1.2.5 allows, as unix seconds. */
export function decodeDerTime(element: DerElement, code: AttestationErrorCode, what: string): number {
  const text = Buffer.from(element.value).toString('latin1');
  const match =
    element.tag === TAG_UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : element.tag === TAG_GENERALIZED_TIME
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null;
  if (match === null)
    throw new AttestationError(code, `${what}: bad time ${JSON.stringify(text.slice(0, 20))}`, {});
  const [, y, mo, d, h, mi, s] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // RFC 5280 4.1.2.5.1: two-digit years 50-99 are 19xx, 00-49 are 20xx.
  const year = element.tag === TAG_UTC_TIME ? (y >= 50 ? 1900 + y : 2000 + y) : y;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) {
    throw new AttestationError(code, `${what}: bad time ${text}`, {});
  }
  return Date.UTC(year, mo - 1, d, h, mi, s) / 1000;
}
