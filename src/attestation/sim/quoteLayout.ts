// Byte layouts of Intel DCAP ECDSA quotes, for writing them. Sources: Intel SGX ECDSA Quote Library
// API, appendix A.4 "Quote Format" (v3: header, 384-byte ISV enclave report, signature data with
// the QE report and certification data type 5), and Intel TDX DCAP Quoting Library API, appendix A.3
// (v4: header, 584-byte TD report body, signature data whose certification data is type 6, "QE
// Report Certification Data", wrapping the QE report, its signature, the QE authentication data and
// an inner type-5 PCK certificate chain). All integers are little-endian.
import { concatBytes } from '../../codec/bytes.js';

export const HEADER_SIZE = 48;
export const SGX_REPORT_BODY_SIZE = 384;
export const TDX_REPORT_BODY_SIZE = 584;
export const ATTESTATION_KEY_TYPE_ECDSA_P256 = 2;
export const TEE_TYPE_SGX = 0x00000000;
export const TEE_TYPE_TDX = 0x00000081;
export const CERT_DATA_PCK_CHAIN = 5;
export const CERT_DATA_QE_REPORT = 6;
/** Intel's QE vendor ID (939A7233-F79C-4CA9-940A-0DB3957F0607), as real quotes carry it. */
export const INTEL_QE_VENDOR_ID = Uint8Array.from(Buffer.from('939a7233f79c4ca9940a0db3957f0607', 'hex'));

function u16(n: number): Uint8Array {
  const out = new Uint8Array(2);
  new DataView(out.buffer).setUint16(0, n, true);
  return out;
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, true);
  return out;
}

function fixed(bytes: Uint8Array | undefined, size: number, what: string): Uint8Array {
  if (bytes === undefined) return new Uint8Array(size);
  if (bytes.length !== size) throw new RangeError(`${what} must be ${size} bytes, got ${bytes.length}`);
  return bytes;
}

export interface QuoteHeaderFields {
  readonly version: 3 | 4;
  readonly teeType: number;
  /** v3: the QE's ISVSVN and the platform's PCESVN; v4 reserves these bytes (zero). */
  readonly qeSvn: number;
  readonly pceSvn: number;
  readonly userData: Uint8Array; // 20
}

export function encodeQuoteHeader(h: QuoteHeaderFields): Uint8Array {
  return concatBytes(
    u16(h.version),
    u16(ATTESTATION_KEY_TYPE_ECDSA_P256),
    u32(h.teeType),
    u16(h.version === 3 ? h.qeSvn : 0),
    u16(h.version === 3 ? h.pceSvn : 0),
    INTEL_QE_VENDOR_ID,
    fixed(h.userData, 20, 'user data'),
  );
}

/** SGX REPORT body (SDM vol. 3D, "REPORT"), used for the ISV enclave report and the QE report. */
export interface SgxReportFields {
  readonly cpuSvn: Uint8Array; // 16
  readonly miscSelect: number;
  readonly attributes: Uint8Array; // 16: flags (u64) || xfrm (u64)
  readonly mrEnclave: Uint8Array; // 32
  readonly mrSigner: Uint8Array; // 32
  readonly isvProdId: number;
  readonly isvSvn: number;
  readonly reportData: Uint8Array; // 64
}

export function encodeSgxReportBody(r: SgxReportFields): Uint8Array {
  const out = concatBytes(
    fixed(r.cpuSvn, 16, 'CPUSVN'),
    u32(r.miscSelect),
    new Uint8Array(12), // reserved
    new Uint8Array(16), // ISVEXTPRODID
    fixed(r.attributes, 16, 'attributes'),
    fixed(r.mrEnclave, 32, 'MRENCLAVE'),
    new Uint8Array(32), // reserved
    fixed(r.mrSigner, 32, 'MRSIGNER'),
    new Uint8Array(32), // reserved
    new Uint8Array(64), // CONFIGID
    u16(r.isvProdId),
    u16(r.isvSvn),
    u16(0), // CONFIGSVN
    new Uint8Array(42), // reserved
    new Uint8Array(16), // ISVFAMILYID
    fixed(r.reportData, 64, 'report data'),
  );
  if (out.length !== SGX_REPORT_BODY_SIZE) throw new Error('SGX report body layout is wrong');
  return out;
}

/** TD report body of quote v4 (TDX 1.0, TD Quote Body, 584 bytes). */
export interface TdxReportFields {
  readonly teeTcbSvn: Uint8Array; // 16
  readonly mrSeam: Uint8Array; // 48
  readonly mrSignerSeam: Uint8Array; // 48
  readonly seamAttributes: Uint8Array; // 8
  readonly tdAttributes: Uint8Array; // 8
  readonly xfam: Uint8Array; // 8
  readonly mrTd: Uint8Array; // 48
  readonly mrConfigId: Uint8Array; // 48
  readonly mrOwner: Uint8Array; // 48
  readonly mrOwnerConfig: Uint8Array; // 48
  readonly rtmr: readonly Uint8Array[]; // 4 x 48
  readonly reportData: Uint8Array; // 64
}

export function encodeTdxReportBody(r: TdxReportFields): Uint8Array {
  if (r.rtmr.length !== 4) throw new RangeError(`expected 4 RTMRs, got ${r.rtmr.length}`);
  const out = concatBytes(
    fixed(r.teeTcbSvn, 16, 'TEE_TCB_SVN'),
    fixed(r.mrSeam, 48, 'MRSEAM'),
    fixed(r.mrSignerSeam, 48, 'MRSIGNERSEAM'),
    fixed(r.seamAttributes, 8, 'SEAMATTRIBUTES'),
    fixed(r.tdAttributes, 8, 'TDATTRIBUTES'),
    fixed(r.xfam, 8, 'XFAM'),
    fixed(r.mrTd, 48, 'MRTD'),
    fixed(r.mrConfigId, 48, 'MRCONFIGID'),
    fixed(r.mrOwner, 48, 'MROWNER'),
    fixed(r.mrOwnerConfig, 48, 'MROWNERCONFIG'),
    ...r.rtmr.map((m, i) => fixed(m, 48, `RTMR${i}`)),
    fixed(r.reportData, 64, 'report data'),
  );
  if (out.length !== TDX_REPORT_BODY_SIZE) throw new Error('TD report body layout is wrong');
  return out;
}

/** Certification data: type (u16), size (u32), data. */
export function encodeCertificationData(type: number, data: Uint8Array): Uint8Array {
  return concatBytes(u16(type), u32(data.length), data);
}

export interface QeReportParts {
  readonly qeReport: Uint8Array; // 384
  readonly qeReportSignature: Uint8Array; // 64
  readonly qeAuthData: Uint8Array;
  readonly pckChainPem: Uint8Array;
}

/**
 * Everything in the signature data after the attestation key; it depends on the machine only, not
 * on the quote, so the generator computes it once per machine.
 *   v3: QE report, QE report signature, QE auth data (u16 size), certification data type 5.
 *   v4: certification data type 6 containing exactly the v3 sequence.
 */
export function encodeQeTail(version: 3 | 4, parts: QeReportParts): Uint8Array {
  const inner = concatBytes(
    fixed(parts.qeReport, SGX_REPORT_BODY_SIZE, 'QE report'),
    fixed(parts.qeReportSignature, 64, 'QE report signature'),
    u16(parts.qeAuthData.length),
    parts.qeAuthData,
    encodeCertificationData(CERT_DATA_PCK_CHAIN, parts.pckChainPem),
  );
  return version === 3 ? inner : encodeCertificationData(CERT_DATA_QE_REPORT, inner);
}

/** Signature data: size (u32), ECDSA signature (r||s), attestation key (x||y), then the QE tail. */
export function encodeSignatureData(
  signature: Uint8Array,
  attestationKey: Uint8Array,
  tail: Uint8Array,
): Uint8Array {
  fixed(signature, 64, 'quote signature');
  fixed(attestationKey, 64, 'attestation key');
  return concatBytes(u32(64 + 64 + tail.length), signature, attestationKey, tail);
}
