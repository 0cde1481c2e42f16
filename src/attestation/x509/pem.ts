// PEM certificate chains as they appear in DCAP certification data type 5 and in PCS issuer-chain
// headers (RFC 7468 textual encoding). Strict: only CERTIFICATE blocks, whitespace between them, and
// a trailing NUL that the quoting enclave appends (Intel DCAP Quote Library API, "PCK Cert Chain").
import { AttestationError, type AttestationErrorCode } from '../errors.js';

const BLOCK = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\r\n\t ]*)-----END CERTIFICATE-----/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** More certificates than any real chain has (Intel's are 2 or 3); bounds the work on hostile input. */
const MAX_CERTS = 8;

/** DER of each certificate in the PEM text, in order. */
export function parsePemCertificates(pem: string, code: AttestationErrorCode, what: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  let last = 0;
  for (const match of pem.matchAll(BLOCK)) {
    if (!isBlank(pem.slice(last, match.index))) {
      throw new AttestationError(code, `${what}: unexpected text between PEM blocks`, {});
    }
    last = match.index + match[0].length;
    const body = match[1]!.replace(/\s+/g, '');
    if (body.length === 0 || body.length % 4 !== 0 || !BASE64.test(body)) {
      throw new AttestationError(code, `${what}: invalid base64 in PEM block ${out.length}`, {});
    }
    out.push(new Uint8Array(Buffer.from(body, 'base64')));
    if (out.length > MAX_CERTS) {
      throw new AttestationError(code, `${what}: more than ${MAX_CERTS} certificates`, {});
    }
  }
  if (!isBlank(pem.slice(last))) {
    throw new AttestationError(code, `${what}: unexpected text after PEM blocks`, {});
  }
  if (out.length === 0) throw new AttestationError(code, `${what}: no PEM certificate`, {});
  return out;
}

function isBlank(text: string): boolean {
  return /^[\s\0]*$/.test(text);
}
