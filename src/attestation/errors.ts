// Every way evidence can fail, as one typed error. `code` is stable (tests, CLI `--json`, and the
// registry's dispatch errors map from it); `message` names the thing that was wrong and its value.
import { PhalanxError } from '../codec/errors.js';

export type AttestationErrorCode =
  // parsing
  | 'MalformedQuote'
  | 'UnsupportedQuoteVersion'
  | 'UnsupportedTeeType'
  | 'UnsupportedAttestationKeyType'
  | 'UnsupportedCertificationDataType'
  | 'MalformedCollateral'
  | 'MalformedCertificate'
  | 'MalformedCrl'
  // certificate chains and CRLs
  | 'UntrustedRoot'
  | 'CertificateChainInvalid'
  | 'CertificateExpired'
  | 'CertificateRevoked'
  // TCB info or QE identity signed by a certificate other than the TCB Signing certificate that the
  // root issued directly (a PCK certificate or a CA also chains to the root, but may not sign these)
  | 'TcbSigningCertificateInvalid'
  | 'CrlInvalid'
  | 'CrlExpired'
  | 'PckExtensionInvalid'
  // collateral
  | 'TcbInfoInvalid'
  | 'TcbInfoExpired'
  | 'TcbInfoMismatch'
  | 'QeIdentityInvalid'
  | 'QeIdentityExpired'
  | 'QeIdentityMismatch'
  | 'CollateralExpired'
  // quote signatures
  | 'QeReportSignatureInvalid'
  | 'QeReportDataMismatch'
  | 'QuoteSignatureInvalid'
  // TCB evaluation
  | 'TcbNotSupported'
  | 'TcbRevoked'
  | 'TdxModuleMismatch'
  // IAS
  | 'IasSignatureInvalid'
  | 'IasReportInvalid'
  // valid evidence that attests something other than what it is claimed to (checkEvidence.ts)
  | 'TeeMismatch'
  | 'ReportDataMismatch'
  // policy (valid evidence that policy refuses)
  | 'PolicyRejected'
  // a policy document (JSON) that does not parse
  | 'MalformedPolicy'
  // Anything else thrown while checking evidence: a bug in the verifier, not a verdict on the input.
  // Still a rejection (fail closed), but named apart so that it is logged and counted as a bug rather
  // than mistaken for bad evidence (checkEvidence.ts, verifyQuote.ts).
  | 'InternalError';

export class AttestationError extends PhalanxError {
  declare readonly code: AttestationErrorCode;

  constructor(
    code: AttestationErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(code, message, details, options);
  }
}

export function isAttestationError(error: unknown): error is AttestationError {
  return error instanceof AttestationError;
}
