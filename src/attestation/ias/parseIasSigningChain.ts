// The IAS report signing certificate arrives either as DER (one certificate) or as the value of the
// `X-IASReport-Signing-Certificate` response header: the URL-encoded PEM of the signing certificate
// followed by the Attestation Report Signing CA (IAS API specification rev. 6, section 4.2.1,
// "Report Signing Certificate Chain").
import { X509Certificate } from 'node:crypto';
import { fromUtf8 } from '../../codec/bytes.js';
import { AttestationError } from '../errors.js';

// A real chain is two certificates of about 1.3 KB each; the bounds make hostile input cheap.
const MAX_CERTIFICATES = 8;
const MAX_INPUT = 64 * 1024;
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*?)-----END CERTIFICATE-----/g;

function malformed(message: string, cause?: unknown): AttestationError {
  return new AttestationError(
    'MalformedCertificate',
    message,
    {},
    cause === undefined ? undefined : { cause },
  );
}

/** Parses one DER certificate; garbage is `MalformedCertificate`. */
export function parseDerCertificate(der: Uint8Array, what = 'certificate'): X509Certificate {
  // OpenSSL would also accept PEM here; DER is what we were promised, so insist on a SEQUENCE.
  if (der.length === 0 || der[0] !== 0x30) throw malformed(`${what} is not DER`);
  try {
    return new X509Certificate(Buffer.from(der.buffer, der.byteOffset, der.byteLength));
  } catch (cause) {
    throw malformed(`${what} does not parse as an X.509 certificate`, cause);
  }
}

/** Parses PEM text, URL-encoded or not, into its certificates in order. */
export function parsePemCertificates(text: string): X509Certificate[] {
  if (text.length > MAX_INPUT) throw malformed(`certificate chain is ${text.length} characters, too long`);
  let pem = text;
  if (pem.includes('%')) {
    try {
      pem = decodeURIComponent(pem);
    } catch (cause) {
      throw malformed('certificate chain is not valid URL encoding', cause);
    }
  }
  const certificates: X509Certificate[] = [];
  for (const match of pem.matchAll(PEM_BLOCK)) {
    if (certificates.length === MAX_CERTIFICATES) {
      throw malformed(`certificate chain has more than ${MAX_CERTIFICATES} certificates`);
    }
    const der = new Uint8Array(Buffer.from((match[1] ?? '').replace(/\s+/g, ''), 'base64'));
    certificates.push(parseDerCertificate(der, `certificate ${certificates.length} of the chain`));
  }
  if (certificates.length === 0) throw malformed('no PEM certificate found in the certificate chain');
  return certificates;
}

/**
 * DER (a Uint8Array beginning with a SEQUENCE) gives one certificate; a string, or bytes holding
 * text, is read as the (URL-encoded) PEM chain of the X-IASReport-Signing-Certificate header.
 */
export function parseIasSigningChain(signingCert: Uint8Array | string): X509Certificate[] {
  if (typeof signingCert === 'string') return parsePemCertificates(signingCert);
  if (signingCert.length > MAX_INPUT) throw malformed(`certificate is ${signingCert.length} bytes, too long`);
  if (signingCert[0] === 0x30) return [parseDerCertificate(signingCert, 'signing certificate')];
  let text: string;
  try {
    text = fromUtf8(signingCert);
  } catch (cause) {
    throw malformed('signing certificate is neither DER nor PEM text', cause);
  }
  return parsePemCertificates(text);
}
