// The first 432 bytes of an EPID quote (`sgx_quote_t` without signature_len and signature), which
// IAS returns base64-encoded as `isvEnclaveQuoteBody`. Layout from Intel's SGX SDK `sgx_quote.h`
// and `sgx_report.h`, and the IAS API specification (rev. 6, section 4.2.1 "Attestation
// Verification Report", field isvEnclaveQuoteBody): a 48-byte quote header followed by the
// 384-byte enclave REPORT body (../sgxReportBody.ts).
import { AttestationError } from '../errors.js';
import { parseSgxReportBody, type SgxReportBody } from '../sgxReportBody.js';

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
    report: parseSgxReportBody(b.subarray(HEADER_LENGTH), 'IasReportInvalid'),
  };
}
