// The first 432 bytes of an EPID quote (`sgx_quote_t` without signature_len and signature), which
// IAS returns base64-encoded as `isvEnclaveQuoteBody`. Layout from Intel's SGX SDK `sgx_quote.h`
// and `sgx_report.h`, and the IAS API specification (rev. 6, section 4.2.1 "Attestation
// Verification Report", field isvEnclaveQuoteBody): a 48-byte quote header followed by the
// 384-byte enclave REPORT body.
import { AttestationError } from '../errors.js';
import type { SgxMeasurements } from '../types.js';

export const EPID_QUOTE_BODY_LENGTH = 432;
const HEADER_LENGTH = 48;

export interface EpidQuoteHeader {
  readonly version: number;
  /** 0 = unlinkable, 1 = linkable (`sgx_quote_sign_type_t`). */
  readonly signType: number;
  readonly epidGroupId: Uint8Array; // 4
  readonly qeSvn: number;
  readonly pceSvn: number;
  readonly xeid: number;
  readonly basename: Uint8Array; // 32
}

export interface SgxReportBody {
  readonly cpuSvn: Uint8Array; // 16
  readonly miscSelect: number;
  readonly attributes: Uint8Array; // 16
  readonly mrEnclave: Uint8Array; // 32
  readonly mrSigner: Uint8Array; // 32
  readonly configId: Uint8Array; // 64
  readonly isvProdId: number;
  readonly isvSvn: number;
  readonly configSvn: number;
  readonly isvFamilyId: Uint8Array; // 16
  readonly isvExtProdId: Uint8Array; // 16
  readonly reportData: Uint8Array; // 64
}

export interface EpidQuoteBody {
  readonly header: EpidQuoteHeader;
  readonly report: SgxReportBody;
}

/** Parses exactly 432 bytes; anything else is `IasReportInvalid`. */
export function parseEpidQuoteBody(bytes: Uint8Array): EpidQuoteBody {
  if (bytes.length !== EPID_QUOTE_BODY_LENGTH) {
    throw new AttestationError(
      'IasReportInvalid',
      `isvEnclaveQuoteBody is ${bytes.length} bytes, expected ${EPID_QUOTE_BODY_LENGTH}`,
      { field: 'isvEnclaveQuoteBody', length: bytes.length },
    );
  }
  // Copies, so that the result does not alias the caller's buffer.
  const b = Uint8Array.from(bytes);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);
  const r = HEADER_LENGTH; // the report body starts after the quote header
  return {
    header: {
      version: u16(0),
      signType: u16(2),
      epidGroupId: b.slice(4, 8),
      qeSvn: u16(8),
      pceSvn: u16(10),
      xeid: u32(12),
      basename: b.slice(16, 48),
    },
    report: {
      cpuSvn: b.slice(r, r + 16),
      miscSelect: u32(r + 16),
      // r+20..r+32 reserved
      isvExtProdId: b.slice(r + 32, r + 48),
      attributes: b.slice(r + 48, r + 64),
      mrEnclave: b.slice(r + 64, r + 96),
      // r+96..r+128 reserved
      mrSigner: b.slice(r + 128, r + 160),
      // r+160..r+192 reserved
      configId: b.slice(r + 192, r + 256),
      isvProdId: u16(r + 256),
      isvSvn: u16(r + 258),
      configSvn: u16(r + 260),
      // r+262..r+304 reserved
      isvFamilyId: b.slice(r + 304, r + 320),
      reportData: b.slice(r + 320, r + 384),
    },
  };
}

/** SGX_FLAGS_DEBUG is bit 1 of the attributes' flags (`sgx_attributes.h`). */
export function isSgxDebug(attributes: Uint8Array): boolean {
  return ((attributes[0] ?? 0) & 0x02) !== 0;
}

export function toSgxMeasurements(report: SgxReportBody): SgxMeasurements {
  return {
    tee: 'sgx',
    mrEnclave: report.mrEnclave,
    mrSigner: report.mrSigner,
    isvProdId: report.isvProdId,
    isvSvn: report.isvSvn,
    attributes: report.attributes,
    miscSelect: report.miscSelect,
  };
}
