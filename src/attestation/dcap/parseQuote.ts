// DCAP ECDSA quotes, versions 3, 4 and 5 (Intel SGX ECDSA Quote Library API, appendix A "Quote
// Format" for v3; Intel TDX DCAP Quoting Library API, appendix A for v4 and v5). Every length field
// is checked against the buffer before it is used; the quote's own lengths define its end, so bytes
// after the signature data (zero padding in some captures) are ignored. Anything this verifier does
// not fully support is a typed rejection, never a best effort.
import { equalBytes } from '../../codec/bytes.js';
import { AttestationError, type AttestationErrorCode } from '../errors.js';
import { parseSgxReportBody, SGX_REPORT_BODY_LENGTH, type SgxReportBody } from '../sgxReportBody.js';
import type { TeeType } from '../types.js';

export const HEADER_LENGTH = 48;
export const TD10_REPORT_LENGTH = 584;
export const TD15_REPORT_LENGTH = 648;
const TEE_SGX = 0x00000000;
const TEE_TDX = 0x00000081;
/** Attestation key type 2: ECDSA-256-with-P-256 curve. Type 3 (P-384) is reserved and unsupported. */
const ATTESTATION_KEY_ECDSA_P256 = 2;
/** Certification data types (Quote Library API, "Certification Data Type"). */
const CERT_PCK_CHAIN = 5;
const CERT_QE_REPORT = 6;
/** Intel's QE vendor ID 939A7233-F79C-4CA9-940A-0DB3957F0607. */
export const INTEL_QE_VENDOR_ID = Uint8Array.from([
  0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9, 0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07,
]);

export interface TdReportBody {
  readonly kind: 'tdx';
  readonly raw: Uint8Array;
  readonly tdReport: '1.0' | '1.5';
  readonly teeTcbSvn: Uint8Array; // 16
  readonly mrSeam: Uint8Array;
  readonly mrSignerSeam: Uint8Array;
  readonly seamAttributes: Uint8Array; // 8
  readonly tdAttributes: Uint8Array; // 8
  readonly xfam: Uint8Array; // 8
  readonly mrTd: Uint8Array;
  readonly mrConfigId: Uint8Array;
  readonly mrOwner: Uint8Array;
  readonly mrOwnerConfig: Uint8Array;
  readonly rtmr0: Uint8Array;
  readonly rtmr1: Uint8Array;
  readonly rtmr2: Uint8Array;
  readonly rtmr3: Uint8Array;
  readonly reportData: Uint8Array; // 64
  /** TDX 1.5 bodies only. */
  readonly teeTcbSvn2?: Uint8Array;
  readonly mrServiceTd?: Uint8Array;
}

export interface Quote {
  readonly version: 3 | 4 | 5;
  readonly tee: TeeType;
  readonly qeSvn: number;
  readonly pceSvn: number;
  readonly body: SgxReportBody | TdReportBody;
  /** Header and body (v5: including the body descriptor): what the attestation key signs. */
  readonly signedData: Uint8Array;
  readonly signature: Uint8Array; // 64, r||s
  readonly attestationKey: Uint8Array; // 64, x||y
  readonly qeReport: SgxReportBody;
  readonly qeReportSignature: Uint8Array; // 64, r||s
  readonly qeAuthData: Uint8Array;
  /** Certification data type 5: the PCK certificate chain, PEM. */
  readonly pckChainPem: string;
  /** Bytes of `bytes` that belong to the quote; the rest is padding. */
  readonly length: number;
}

class Reader {
  offset = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly end: number,
    readonly what: string,
  ) {}

  take(length: number, field: string): Uint8Array {
    if (length < 0 || this.offset + length > this.end) {
      fail(
        'MalformedQuote',
        `${this.what}: ${field} (${length} bytes at ${this.offset}) runs past ${this.end}`,
        {
          field,
          offset: this.offset,
        },
      );
    }
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  u16(field: string): number {
    const b = this.take(2, field);
    return b[0]! | (b[1]! << 8);
  }

  u32(field: string): number {
    const b = this.take(4, field);
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  }

  /** A child reader over the next `length` bytes, which must be consumed exactly. */
  sub(length: number, field: string): Reader {
    const start = this.offset;
    this.take(length, field);
    const child = new Reader(this.bytes, start + length, `${this.what}/${field}`);
    child.offset = start;
    return child;
  }

  finish(): void {
    if (this.offset !== this.end) {
      fail('MalformedQuote', `${this.what}: ${this.end - this.offset} unexpected bytes at ${this.offset}`, {
        offset: this.offset,
      });
    }
  }
}

function fail(code: AttestationErrorCode, message: string, details: Record<string, unknown> = {}): never {
  throw new AttestationError(code, message, details);
}

/** TD report body (TDX DCAP Quoting Library API, A.3.2 "TD Quote Body"; 1.5 adds two fields). */
export function parseTdReportBody(raw: Uint8Array): TdReportBody {
  if (raw.length !== TD10_REPORT_LENGTH && raw.length !== TD15_REPORT_LENGTH) {
    fail('MalformedQuote', `TD report is ${raw.length} bytes`);
  }
  const m = (at: number, length = 48) => raw.subarray(at, at + length);
  const base = {
    kind: 'tdx' as const,
    raw,
    teeTcbSvn: m(0, 16),
    mrSeam: m(16),
    mrSignerSeam: m(64),
    seamAttributes: m(112, 8),
    tdAttributes: m(120, 8),
    xfam: m(128, 8),
    mrTd: m(136),
    mrConfigId: m(184),
    mrOwner: m(232),
    mrOwnerConfig: m(280),
    rtmr0: m(328),
    rtmr1: m(376),
    rtmr2: m(424),
    rtmr3: m(472),
    reportData: m(520, 64),
  };
  if (raw.length === TD10_REPORT_LENGTH) return { ...base, tdReport: '1.0' };
  return { ...base, tdReport: '1.5', teeTcbSvn2: m(584, 16), mrServiceTd: m(600) };
}

export function parseQuote(bytes: Uint8Array): Quote {
  if (!(bytes instanceof Uint8Array)) fail('MalformedQuote', 'quote is not bytes');
  const r = new Reader(bytes, bytes.length, 'quote');
  // Header (48 bytes).
  const version = r.u16('version');
  if (version !== 3 && version !== 4 && version !== 5) {
    fail('UnsupportedQuoteVersion', `quote version ${version} is not supported`, { version });
  }
  const keyType = r.u16('attestation key type');
  if (keyType !== ATTESTATION_KEY_ECDSA_P256) {
    fail('UnsupportedAttestationKeyType', `attestation key type ${keyType} is not ECDSA-256-with-P-256`, {
      keyType,
    });
  }
  // v3 calls these 4 bytes reserved (SGX only, zero); v4 and v5 hold the TEE type.
  const teeType = r.u32('tee type');
  let tee: TeeType;
  if (teeType === TEE_SGX) tee = 'sgx';
  else if (teeType === TEE_TDX && version >= 4) tee = 'tdx';
  else
    fail('UnsupportedTeeType', `TEE type 0x${teeType.toString(16)} is not supported in a v${version} quote`);
  const qeSvn = r.u16('QE SVN');
  const pceSvn = r.u16('PCE SVN');
  const vendor = r.take(16, 'QE vendor ID');
  if (!equalBytes(vendor, INTEL_QE_VENDOR_ID)) fail('MalformedQuote', 'QE vendor ID is not Intel');
  r.take(20, 'user data');

  // Body: v3/v4 fixed by TEE type; v5 carries a descriptor (type u16, size u32).
  let body: SgxReportBody | TdReportBody;
  if (version === 5) {
    const bodyType = r.u16('body type');
    const bodySize = r.u32('body size');
    const expected =
      tee === 'sgx'
        ? bodyType === 1
          ? SGX_REPORT_BODY_LENGTH
          : undefined
        : bodyType === 2
          ? TD10_REPORT_LENGTH
          : bodyType === 3
            ? TD15_REPORT_LENGTH
            : undefined;
    if (expected === undefined)
      fail('MalformedQuote', `body type ${bodyType} does not fit TEE ${tee}`, { bodyType });
    if (bodySize !== expected)
      fail('MalformedQuote', `body type ${bodyType} has size ${bodySize}, expected ${expected}`);
    const raw = r.take(bodySize, 'body');
    body = tee === 'sgx' ? parseSgxReportBody(raw, 'MalformedQuote') : parseTdReportBody(raw);
  } else if (tee === 'sgx') {
    body = parseSgxReportBody(r.take(SGX_REPORT_BODY_LENGTH, 'body'), 'MalformedQuote');
  } else {
    body = parseTdReportBody(r.take(TD10_REPORT_LENGTH, 'body'));
  }
  const signedData = bytes.subarray(0, r.offset);

  const signatureLength = r.u32('signature data length');
  const s = r.sub(signatureLength, 'signature data');
  const signature = s.take(64, 'quote signature');
  const attestationKey = s.take(64, 'attestation key');
  let qe: QeReportData;
  if (version === 3) {
    // v3 has the QE report fields inline, followed by type-5 certification data.
    qe = readQeReportData(s);
  } else {
    const type = s.u16('certification data type');
    if (type !== CERT_QE_REPORT) {
      fail('UnsupportedCertificationDataType', `v${version} certification data type ${type}, expected 6`, {
        type,
      });
    }
    const inner = s.sub(s.u32('certification data size'), 'QE report certification data');
    qe = readQeReportData(inner);
    inner.finish();
  }
  s.finish();
  return {
    version,
    tee,
    qeSvn,
    pceSvn,
    body,
    signedData,
    signature,
    attestationKey,
    ...qe,
    length: r.offset,
  };
}

interface QeReportData {
  qeReport: SgxReportBody;
  qeReportSignature: Uint8Array;
  qeAuthData: Uint8Array;
  pckChainPem: string;
}

function readQeReportData(r: Reader): QeReportData {
  const qeReport = parseSgxReportBody(r.take(SGX_REPORT_BODY_LENGTH, 'QE report'), 'MalformedQuote');
  const qeReportSignature = r.take(64, 'QE report signature');
  const qeAuthData = r.take(r.u16('QE auth data size'), 'QE auth data');
  const type = r.u16('certification data type');
  if (type !== CERT_PCK_CHAIN) {
    fail(
      'UnsupportedCertificationDataType',
      `certification data type ${type} is not 5 (PCK certificate chain)`,
      {
        type,
      },
    );
  }
  const data = r.take(r.u32('certification data size'), 'certification data');
  return { qeReport, qeReportSignature, qeAuthData, pckChainPem: Buffer.from(data).toString('latin1') };
}
