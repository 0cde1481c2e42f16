// What a collateral request needs from a quote: the TEE, the FMSPC from the PCK certificate's SGX
// extension, and which PCK CA issued it (its CRL is per CA: PCS API v4, "Get PCK Cert CRL", ca=).
// Composed from the DCAP parsers; nothing here is trusted, it only chooses what to download, and
// the verifier checks the downloaded collateral against the quote.
import { parseQuote } from '../attestation/dcap/parseQuote.js';
import { AttestationError } from '../attestation/errors.js';
import type { TeeType } from '../attestation/types.js';
import { parseCertificate } from '../attestation/x509/parseCertificate.js';
import { parseSgxExtensions } from '../attestation/x509/parseSgxExtensions.js';
import { parsePemCertificates } from '../attestation/x509/pem.js';

export interface QuotePckInfo {
  readonly tee: TeeType;
  readonly fmspc: Uint8Array; // 6
  readonly ca: 'processor' | 'platform';
}

/** Throws AttestationError for a quote that does not parse or carries no usable PCK certificate. */
export function readQuotePckInfo(quote: Uint8Array): QuotePckInfo {
  const parsed = parseQuote(quote);
  const [leafDer] = parsePemCertificates(
    parsed.pckChainPem,
    'CertificateChainInvalid',
    'PCK certificate chain',
  );
  if (leafDer === undefined)
    throw new AttestationError('CertificateChainInvalid', 'PCK certificate chain is empty');
  const leaf = parseCertificate(leafDer, 'PCK certificate');
  const { fmspc } = parseSgxExtensions(leaf);
  // Intel names its PCK CAs "Intel SGX PCK Processor CA" and "Intel SGX PCK Platform CA".
  const ca = /platform/i.test(leaf.x509.issuer) ? 'platform' : 'processor';
  return { tee: parsed.tee, fmspc, ca };
}
