// Reads the bodies and headers of Intel PCS v4 / PCCS responses into cacheable items. Pure: takes
// what the HTTP layer received. References: Intel SGX and TDX PCS API v4 ("Get PCK Cert CRL",
// "Get TCB Info", "Get Quoting Enclave Identity"), and Intel's PCCS, which serves the same paths.

import { parseCrl } from '../attestation/x509/parseCrl.js';
import { bytesToHex, fromUtf8 } from '../codec/bytes.js';
import { PcsError } from './errors.js';
import { extractJsonMember } from './extractJsonMember.js';

/** One cached piece of collateral, in the JSON form stored on disk. */
export interface CrlItem {
  /** Hex DER. */
  readonly crl: string;
  /** PEM issuer chain (empty for the root CA CRL, which the root itself signs). */
  readonly issuerChain: string;
  /** Unix seconds. */
  readonly nextUpdate: number;
}

export interface SignedJsonItem {
  /** The exact signed JSON text. */
  readonly body: string;
  /** Hex r||s. */
  readonly signature: string;
  readonly issuerChain: string;
  readonly nextUpdate: number;
}

function malformed(what: string, message: string, cause?: unknown): PcsError {
  return new PcsError(
    'MalformedResponse',
    `${what}: ${message}`,
    { what },
    cause === undefined ? undefined : { cause },
  );
}

/** Issuer chain headers are URL-encoded PEM (PCS API v4, response headers). */
export function decodeIssuerChainHeader(value: string | null, what: string): string {
  if (value === null || value.length === 0) throw malformed(what, 'issuer chain header is missing');
  let pem: string;
  try {
    pem = decodeURIComponent(value);
  } catch (cause) {
    throw malformed(what, 'issuer chain header is not valid URL encoding', cause);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw malformed(what, 'issuer chain header holds no PEM certificate');
  return pem;
}

const HEX_TEXT = /^\s*([0-9a-fA-F]{2})+\s*$/;
const PEM_CRL = /-----BEGIN X509 CRL-----([A-Za-z0-9+/=\s]+)-----END X509 CRL-----/;

/**
 * A CRL body: DER (Intel PCS with encoding=der), PEM (PCS default), or hex text (PCCS rootcacrl,
 * which hex-encodes the DER for backward compatibility).
 */
export function decodeCrlBody(body: Uint8Array, what: string): Uint8Array {
  if (body[0] === 0x30) return body;
  let text: string;
  try {
    text = fromUtf8(body);
  } catch (cause) {
    throw malformed(what, 'CRL is neither DER nor text', cause);
  }
  if (HEX_TEXT.test(text)) return new Uint8Array(Buffer.from(text.trim(), 'hex'));
  const pem = PEM_CRL.exec(text);
  if (pem) return new Uint8Array(Buffer.from(pem[1]!.replace(/\s+/g, ''), 'base64'));
  throw malformed(what, 'CRL is neither DER, PEM nor hex');
}

export function parseCrlResponse(body: Uint8Array, issuerChain: string, what: string): CrlItem {
  const der = decodeCrlBody(body, what);
  let nextUpdate: number;
  try {
    nextUpdate = parseCrl(der, what).nextUpdate;
  } catch (cause) {
    throw malformed(what, 'CRL does not parse', cause);
  }
  return { crl: bytesToHex(der), issuerChain, nextUpdate };
}

const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * `{"tcbInfo":{...},"signature":"hex"}` or `{"enclaveIdentity":{...},"signature":"hex"}`: the
 * signed member is cut out byte-exactly (see extractJsonMember).
 */
export function parseSignedJsonResponse(
  body: Uint8Array,
  member: 'tcbInfo' | 'enclaveIdentity',
  issuerChain: string,
  what: string,
): SignedJsonItem {
  let text: string;
  let raw: string | undefined;
  let signature: unknown;
  try {
    text = fromUtf8(body);
    raw = extractJsonMember(text, member);
    signature = (JSON.parse(text) as Record<string, unknown>).signature;
  } catch (cause) {
    throw malformed(what, 'body is not a JSON object', cause);
  }
  if (raw === undefined || !raw.startsWith('{'))
    throw malformed(what, `no single "${member}" object in the body`);
  if (typeof signature !== 'string' || !/^([0-9a-fA-F]{2}){64}$/.test(signature)) {
    throw malformed(what, 'signature is not 64 bytes of hex');
  }
  const nextUpdate = (JSON.parse(raw) as { nextUpdate?: unknown }).nextUpdate;
  if (typeof nextUpdate !== 'string' || !ISO_SECONDS.test(nextUpdate)) {
    throw malformed(what, `nextUpdate is not an ISO 8601 UTC time: ${String(nextUpdate).slice(0, 40)}`);
  }
  return {
    body: raw,
    signature: signature.toLowerCase(),
    issuerChain,
    nextUpdate: Math.floor(Date.parse(nextUpdate) / 1000),
  };
}
