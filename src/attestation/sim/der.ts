// The handful of DER encoders the SGX PCK certificate extension needs (X.690 section 8 and 10).
// Certificates and CRLs themselves are built with @peculiar/asn1-x509; Intel's extension is a
// private structure that no library models, so we encode its few primitive types here.
import { concatBytes } from '../../codec/bytes.js';

function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function derTlv(tag: number, value: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(tag), encodeLength(value.length), value);
}

export function derSequence(...items: Uint8Array[]): Uint8Array {
  return derTlv(0x30, concatBytes(...items));
}

export function derOctetString(value: Uint8Array): Uint8Array {
  return derTlv(0x04, value);
}

/** Non-negative INTEGER in minimal two's complement form (a leading 0x00 when the top bit is set). */
export function derInteger(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a non-negative integer: ${value}`);
  const bytes: number[] = [];
  for (let n = value; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  if (bytes.length === 0 || (bytes[0]! & 0x80) !== 0) bytes.unshift(0);
  return derTlv(0x02, Uint8Array.from(bytes));
}

export function derEnumerated(value: number): Uint8Array {
  const integer = derInteger(value);
  integer[0] = 0x0a;
  return integer;
}

export function derBoolean(value: boolean): Uint8Array {
  return derTlv(0x01, Uint8Array.of(value ? 0xff : 0x00));
}

/** OBJECT IDENTIFIER from dotted form (X.690 section 8.19). */
export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined || arcs.some((a) => !Number.isSafeInteger(a) || a < 0)) {
    throw new RangeError(`not an OID: ${dotted}`);
  }
  const out: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const chunk: number[] = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift((n & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return derTlv(0x06, Uint8Array.from(out));
}
