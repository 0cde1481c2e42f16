// Every way the enclave core can refuse, as one typed error (STYLE.md, "Errors"). `code` is stable;
// `message` names the file, value or provider that was wrong. Nothing here is retried silently: a
// sealed file that does not open is reported, never replaced.
import { PhalanxError } from '../../codec/errors.js';

export type EnclaveErrorCode =
  // sealing and the identity file
  | 'SealedFileCorrupt'
  | 'SealedByOtherProvider'
  | 'UnsealFailed'
  | 'SealingKeyUnavailable'
  | 'SealingKeyInsecure'
  | 'IdentityStoreFailed'
  | 'InvalidConfig'
  // evidence providers
  | 'InvalidReportData'
  | 'EvidenceUnavailable'
  | 'EvidenceProviderMismatch'
  | 'ConcurrentReportWriter'
  | 'MalformedQuote'
  | 'QuoteTeeMismatch'
  | 'ReportDataMismatch'
  // the core
  | 'ProviderMismatch'
  | 'InvalidWorkerInfo'
  | 'WorkerInfoMismatch'
  | 'DecryptionFailed'
  // heartbeats (createHeartbeatSigner.ts)
  | 'InvalidChallenge'
  | 'ChallengeBlockUnknown';

export class EnclaveError extends PhalanxError {
  declare readonly code: EnclaveErrorCode;

  constructor(
    code: EnclaveErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(code, message, details, options);
  }
}

export function isEnclaveError(error: unknown): error is EnclaveError {
  return error instanceof EnclaveError;
}
