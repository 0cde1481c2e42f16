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
  // policy (valid evidence that policy refuses)
  | 'PolicyRejected'
  // a policy document (JSON) that does not parse
  | 'MalformedPolicy';

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
