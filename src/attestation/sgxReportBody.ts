// The 384-byte SGX REPORT body (Intel SDM vol. 3D, 38.15 "REPORT"; `sgx_report_body_t` in the SGX
// SDK's sgx_report.h). DCAP quotes carry it as the enclave body and as the QE report; EPID quotes
// (IAS `isvEnclaveQuoteBody`) carry it after their 48-byte header. One parser serves both.
import { AttestationError, type AttestationErrorCode } from './errors.js';
import type { SgxMeasurements } from './types.js';

export const SGX_REPORT_BODY_LENGTH = 384;

export interface SgxReportBody {
  readonly kind: 'sgx';
  /** The 384 bytes as signed (a DCAP QE report signature covers exactly these). */
  readonly raw: Uint8Array;
  readonly cpuSvn: Uint8Array; // 16
  readonly miscSelect: number;
  readonly isvExtProdId: Uint8Array; // 16
  readonly attributes: Uint8Array; // 16
  readonly mrEnclave: Uint8Array; // 32
  readonly mrSigner: Uint8Array; // 32
  readonly configId: Uint8Array; // 64
  readonly isvProdId: number;
  readonly isvSvn: number;
  readonly configSvn: number;
  readonly isvFamilyId: Uint8Array; // 16
  readonly reportData: Uint8Array; // 64
}

/**
 * Reads exactly 384 bytes; another length throws `code` (the caller's error for its container). The
 * fields are views into `raw`: a caller that must not alias its input passes a copy.
 */
export function parseSgxReportBody(raw: Uint8Array, code: AttestationErrorCode): SgxReportBody {
  if (raw.length !== SGX_REPORT_BODY_LENGTH) {
    throw new AttestationError(code, `SGX report is ${raw.length} bytes`, {});
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  return {
    kind: 'sgx',
    raw,
    cpuSvn: raw.subarray(0, 16),
    miscSelect: view.getUint32(16, true),
    // 20..32 reserved
    isvExtProdId: raw.subarray(32, 48),
    attributes: raw.subarray(48, 64),
    mrEnclave: raw.subarray(64, 96),
    // 96..128 reserved
    mrSigner: raw.subarray(128, 160),
    // 160..192 reserved
    configId: raw.subarray(192, 256),
    isvProdId: u16(256),
    isvSvn: u16(258),
    configSvn: u16(260),
    // 262..304 reserved
    isvFamilyId: raw.subarray(304, 320),
    reportData: raw.subarray(320, 384),
  };
}

/** SGX ATTRIBUTES.DEBUG is bit 1 of the attributes' flags (SDM 38.7.1; `sgx_attributes.h`). */
export function isSgxDebug(attributes: Uint8Array): boolean {
  return ((attributes[0] ?? 0) & 0x02) !== 0;
}

/** The measurements a policy checks, copied so that the verdict does not alias the evidence bytes. */
export function toSgxMeasurements(report: SgxReportBody): SgxMeasurements {
  return {
    tee: 'sgx',
    mrEnclave: report.mrEnclave.slice(),
    mrSigner: report.mrSigner.slice(),
    isvProdId: report.isvProdId,
    isvSvn: report.isvSvn,
    attributes: report.attributes.slice(),
    miscSelect: report.miscSelect,
  };
}
