// A minimal, bounds-checked DER reader (ITU-T X.690, section 8.1: tag, length, contents). It exists to
// read the *exact* bytes a signature covers (tbsCertificate, tbsCertList, raw issuer names) and the
// few small structures Intel defines (the SGX PCK extension), which generic ASN.1 libraries re-encode
// rather than expose. Only definite, minimally encoded lengths are accepted (DER forbids the rest).
import { AttestationError, type AttestationErrorCode } from '../errors.js';

export interface Tlv {
  readonly tag: number;
  /** Offset of the tag byte. */
  readonly start: number;
  /** Offset of the first content byte. */
  readonly contentStart: number;
  /** Offset just after the last content byte. */
  readonly end: number;
}

export const TAG_BOOLEAN = 0x01;
export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_OCTET_STRING = 0x04;
export const TAG_OID = 0x06;
export const TAG_ENUMERATED = 0x0a;
export const TAG_UTC_TIME = 0x17;
export const TAG_GENERALIZED_TIME = 0x18;
export const TAG_SEQUENCE = 0x30;
export const TAG_SET = 0x31;

export class DerReader {
  constructor(
    readonly bytes: Uint8Array,
    private readonly code: AttestationErrorCode,
    private readonly what: string,
  ) {}

  fail(message: string): never {
    throw new AttestationError(this.code, `${this.what}: ${message}`);
  }

  /** Reads the TLV at `offset`, which must end at or before `limit`. */
  read(offset: number, limit: number = this.bytes.length): Tlv {
    const b = this.bytes;
    if (offset + 2 > limit) this.fail(`truncated TLV at offset ${offset}`);
    const tag = b[offset]!;
    // Multi-byte tags (low 5 bits all set) never occur in the structures we read.
    if ((tag & 0x1f) === 0x1f) this.fail(`unsupported multi-byte tag at offset ${offset}`);
    let length = b[offset + 1]!;
    let contentStart = offset + 2;
    if (length & 0x80) {
      const n = length & 0x7f;
      if (n === 0 || n > 4) this.fail(`unsupported length form at offset ${offset}`);
      if (contentStart + n > limit) this.fail(`truncated length at offset ${offset}`);
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + b[contentStart + i]!;
      // DER: the shortest form, no leading zero octets.
      if (length < 0x80 || b[contentStart] === 0) this.fail(`non-minimal length at offset ${offset}`);
      contentStart += n;
    }
    const end = contentStart + length;
    if (end > limit) this.fail(`length ${length} at offset ${offset} runs past its container`);
    return { tag, start: offset, contentStart, end };
  }

  /** Reads a TLV and requires its tag. */
  expect(offset: number, tag: number, limit?: number): Tlv {
    const tlv = this.read(offset, limit);
    if (tlv.tag !== tag)
      this.fail(`expected tag 0x${tag.toString(16)} at offset ${offset}, got 0x${tlv.tag.toString(16)}`);
    return tlv;
  }

  /** The TLVs directly inside a constructed value. */
  children(parent: Tlv): Tlv[] {
    const out: Tlv[] = [];
    let at = parent.contentStart;
    while (at < parent.end) {
      const child = this.read(at, parent.end);
      out.push(child);
      at = child.end;
    }
    return out;
  }

  /** A whole TLV, tag and length included. */
  raw(tlv: Tlv): Uint8Array {
    return this.bytes.subarray(tlv.start, tlv.end);
  }

  content(tlv: Tlv): Uint8Array {
    return this.bytes.subarray(tlv.contentStart, tlv.end);
  }

  /** A non-negative INTEGER that fits a JS number (SVNs, versions). */
  smallUint(tlv: Tlv): number {
    if (tlv.tag !== TAG_INTEGER && tlv.tag !== TAG_ENUMERATED) this.fail('expected an INTEGER');
    const c = this.content(tlv);
    if (c.length === 0 || c.length > 6 || (c[0]! & 0x80) !== 0) this.fail('INTEGER out of range');
    let v = 0;
    for (const byte of c) v = v * 256 + byte;
    return v;
  }

  /** Dotted OID text of an OBJECT IDENTIFIER TLV. */
  oid(tlv: Tlv): string {
    if (tlv.tag !== TAG_OID) this.fail('expected an OBJECT IDENTIFIER');
    return decodeOid(this.content(tlv), this);
  }

  /** UTCTime or GeneralizedTime in DER form (RFC 5280 4.1.2.5), as unix seconds. */
  time(tlv: Tlv): number {
    const text = Buffer.from(this.content(tlv)).toString('latin1');
    let m: RegExpExecArray | null;
    let year: number;
    if (tlv.tag === TAG_UTC_TIME) {
      m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
      if (!m) this.fail(`bad UTCTime ${JSON.stringify(text)}`);
      const yy = Number(m[1]);
      year = yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280 4.1.2.5.1
    } else if (tlv.tag === TAG_GENERALIZED_TIME) {
      m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
      if (!m) this.fail(`bad GeneralizedTime ${JSON.stringify(text)}`);
      year = Number(m[1]);
    } else {
      return this.fail('expected a time');
    }
    const [mo, d, h, mi, s] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [
      number,
      number,
      number,
      number,
      number,
    ];
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) this.fail(`bad time ${text}`);
    return Date.UTC(year, mo - 1, d, h, mi, s) / 1000;
  }
}

function decodeOid(c: Uint8Array, r: DerReader): string {
  if (c.length === 0) r.fail('empty OID');
  const parts: number[] = [];
  let v = 0;
  for (let i = 0; i < c.length; i++) {
    const byte = c[i]!;
    if (v === 0 && byte === 0x80) r.fail('non-minimal OID arc');
    v = v * 128 + (byte & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 256) r.fail('OID arc too large');
    if ((byte & 0x80) === 0) {
      parts.push(v);
      v = 0;
    } else if (i === c.length - 1) {
      r.fail('truncated OID');
    }
  }
  const first = parts[0]!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...parts.slice(1)].join('.');
}
