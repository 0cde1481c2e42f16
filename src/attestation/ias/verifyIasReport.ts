// Verifies an IAS (EPID) Attestation Verification Report (DESIGN.md section 4.3, `ias`: old evidence
// is verified, never made). Order matters: the RSA signature over the exact body bytes is checked
// before any field of the body is believed (IAS API specification rev. 6, section 4.2.1).
import { constants, verify as cryptoVerify, type X509Certificate } from 'node:crypto';
import { AttestationError } from '../errors.js';
import { isSgxDebug, toSgxMeasurements } from '../sgxReportBody.js';
import type { VerifiedEvidence } from '../types.js';
import { parseIasReport } from './parseIasReport.js';
import { parseDerCertificate, parseIasSigningChain } from './parseIasSigningChain.js';
import { verifyCertificatePath } from './verifyCertificatePath.js';

export interface IasEvidence {
  /** The exact response body bytes of POST /attestation/v4/report. */
  readonly report: Uint8Array;
  /** `X-IASReport-Signature`: base64 RSA-SHA256 PKCS#1 v1.5 signature over `report`. */
  readonly signature: string;
  /** DER of the signing certificate, or the URL-encoded PEM chain of `X-IASReport-Signing-Certificate`. */
  readonly signingCert: Uint8Array | string;
}

export interface IasVerifyOptions {
  /** DER of the Intel SGX Attestation Report Signing CA (and any other root to trust). */
  readonly trusted: { readonly roots: readonly Uint8Array[] };
  /** Unix seconds to verify at. */
  readonly at: number;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// IAS signs with RSA-2048; the bound refuses absurd keys that would make verification slow.
const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 8192;

function decodeSignature(signature: string): Buffer {
  const compact = typeof signature === 'string' ? signature.replace(/\s+/g, '') : '';
  if (compact.length === 0 || compact.length > 4096 || !BASE64.test(compact)) {
    throw new AttestationError('IasSignatureInvalid', 'report signature is not base64', {
      signature: String(signature).slice(0, 40),
    });
  }
  return Buffer.from(compact, 'base64');
}

function checkRsaSignature(report: Uint8Array, signature: Buffer, leaf: X509Certificate): void {
  const key = leaf.publicKey;
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== 'rsa' || bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
    throw new AttestationError(
      'CertificateChainInvalid',
      `signing certificate key is ${key.asymmetricKeyType ?? 'unknown'} ${bits} bits, expected RSA of at least ${MIN_RSA_BITS}`,
      { keyType: key.asymmetricKeyType, bits },
    );
  }
  let ok = false;
  try {
    ok = cryptoVerify('sha256', report, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch (cause) {
    throw new AttestationError('IasSignatureInvalid', 'report signature could not be checked', {}, { cause });
  }
  if (!ok) {
    throw new AttestationError(
      'IasSignatureInvalid',
      'report signature does not verify under the signing certificate',
      {
        signer: leaf.subject,
      },
    );
  }
}

/** Verifies signature, certificate path and report; throws AttestationError on any failure. */
export function verifyIasReport(evidence: IasEvidence, opts: IasVerifyOptions): VerifiedEvidence {
  const { report, signature, signingCert } = evidence;
  if (!(report instanceof Uint8Array)) {
    throw new AttestationError('IasReportInvalid', 'report must be the exact body bytes');
  }
  if (!Number.isFinite(opts.at)) {
    throw new AttestationError('IasReportInvalid', `verification time is not a number: ${String(opts.at)}`);
  }
  const roots = opts.trusted.roots.map((der, i) => parseDerCertificate(der, `trusted root ${i}`));
  const chain = parseIasSigningChain(signingCert);
  const path = verifyCertificatePath(chain, roots, opts.at);
  checkRsaSignature(report, decodeSignature(signature), chain[0]!);

  const parsed = parseIasReport(report);
  const body = parsed.quoteBody.report;
  return {
    kind: 'ias',
    tee: 'sgx',
    quoteVersion: parsed.version,
    quoteStatus: parsed.quoteStatus,
    advisoryIds: parsed.advisoryIds,
    debug: isSgxDebug(body.attributes),
    measurements: toSgxMeasurements(body),
    reportData: body.reportData,
    collateralExpiresAt: path.expiresAt,
    producedAt: parsed.producedAt,
  };
}
