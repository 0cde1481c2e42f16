// What the collateral fetcher needs from a quote before it can verify it: the TEE, the FMSPC in the
// PCK certificate's SGX extension, and which PCK CA issued that certificate (Intel publishes one PCK
// CRL per CA: PCS API v4 "Get PCK Cert CRL", ca=processor|platform). Nothing read here is trusted;
// it only chooses what to download, and verifyQuote checks the downloaded collateral.
import { AttestationError } from '../errors.js';
import type { TeeType } from '../types.js';
import { parseCertificate } from '../x509/parseCertificate.js';
import { parseSgxExtensions } from '../x509/parseSgxExtensions.js';
import { parsePemCertificates } from '../x509/pem.js';
import { parseQuote } from './parseQuote.js';

export interface PckInfo {
  readonly tee: TeeType;
  readonly fmspc: Uint8Array; // 6
  readonly ca: 'processor' | 'platform';
}

/** Throws AttestationError for a quote that does not parse or whose PCK certificate names no known CA. */
export function readPckInfo(quote: Uint8Array): PckInfo {
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
  // Intel's CAs are "Intel SGX PCK Processor CA" and "Intel SGX PCK Platform CA" (the sim PKI's names
  // contain the same words). Anything else is not a PCK certificate this verifier can fetch for.
  const issuerCn = /(?:^|\n)CN=([^\n]*)/.exec(leaf.x509.issuer)?.[1] ?? '';
  let ca: PckInfo['ca'];
  if (/\bProcessor CA\b/.test(issuerCn)) ca = 'processor';
  else if (/\bPlatform CA\b/.test(issuerCn)) ca = 'platform';
  else {
    throw new AttestationError(
      'PckExtensionInvalid',
      `PCK certificate issuer "${issuerCn}" is neither a Processor nor a Platform CA`,
      {
        issuer: issuerCn,
      },
    );
  }
  return { tee: parsed.tee, fmspc: fmspc.slice(), ca };
}
