// Checks submitted evidence with the one evidence check that gatekeepers also run
// (src/attestation/checkEvidence.ts) at the block's time, turning every AttestationError into the
// registry's dispatch error for it. The check caches its verifiers per set of trusted roots across
// blocks without affecting determinism: a cache hit returns what a cold verification would.

import { type CheckedEvidence, checkEvidence } from '../../attestation/checkEvidence.js';
import { AttestationError, type AttestationErrorCode } from '../../attestation/errors.js';
import { type PolicyRefusalCode, policyRefusalOf } from '../../attestation/policy.js';
import { fail } from '../support/errors.js';
import { type RegistryErrorName, RegistryErrors } from './errors.js';
import type { ActivePolicy } from './policy.js';
import { type Evidence, type WorkerInfo, workerInfoReportData } from './types.js';

/** Each library error code maps to one registry error; the Record makes the mapping exhaustive. */
export const ATTESTATION_ERROR_MAP: Readonly<Record<AttestationErrorCode, RegistryErrorName>> = {
  MalformedQuote: 'MalformedEvidence',
  UnsupportedQuoteVersion: 'MalformedEvidence',
  UnsupportedTeeType: 'MalformedEvidence',
  UnsupportedAttestationKeyType: 'MalformedEvidence',
  UnsupportedCertificationDataType: 'MalformedEvidence',
  MalformedCollateral: 'MalformedEvidence',
  MalformedCertificate: 'MalformedEvidence',
  MalformedCrl: 'MalformedEvidence',
  IasReportInvalid: 'MalformedEvidence',
  MalformedPolicy: 'MalformedEvidence',
  UntrustedRoot: 'UntrustedRoot',
  CertificateChainInvalid: 'InvalidEvidence',
  TcbSigningCertificateInvalid: 'InvalidEvidence',
  CrlInvalid: 'InvalidEvidence',
  PckExtensionInvalid: 'InvalidEvidence',
  TcbInfoInvalid: 'InvalidEvidence',
  TcbInfoMismatch: 'InvalidEvidence',
  QeIdentityInvalid: 'InvalidEvidence',
  QeIdentityMismatch: 'InvalidEvidence',
  QeReportSignatureInvalid: 'InvalidEvidence',
  QeReportDataMismatch: 'InvalidEvidence',
  QuoteSignatureInvalid: 'InvalidEvidence',
  TdxModuleMismatch: 'InvalidEvidence',
  IasSignatureInvalid: 'InvalidEvidence',
  TeeMismatch: 'TeeMismatch',
  ReportDataMismatch: 'ReportDataMismatch',
  // Never used as such: a policy refusal maps by its reason (POLICY_REFUSAL_MAP below).
  PolicyRejected: 'InvalidEvidence',
  CertificateRevoked: 'CertificateRevoked',
  CertificateExpired: 'CollateralExpired',
  CrlExpired: 'CollateralExpired',
  TcbInfoExpired: 'CollateralExpired',
  QeIdentityExpired: 'CollateralExpired',
  CollateralExpired: 'CollateralExpired',
  TcbNotSupported: 'TcbNotSupported',
  // A revoked TCB is a status no policy may accept.
  TcbRevoked: 'TcbStatusRefused',
  // A bug in the verifier: refused, but never passed off as bad evidence (the node counts it).
  InternalError: 'InternalError',
};

/** Each policy refusal maps to the registry error of the same name; the Record keeps it exhaustive. */
export const POLICY_REFUSAL_MAP: Readonly<Record<PolicyRefusalCode, RegistryErrorName>> = {
  TcbStatusRefused: 'TcbStatusRefused',
  AdvisoryRefused: 'AdvisoryRefused',
  DebugRefused: 'DebugRefused',
  SeptVeDisableRequired: 'SeptVeDisableRequired',
  MeasurementNotAllowed: 'MeasurementNotAllowed',
  EvidenceTooOld: 'EvidenceTooOld',
};

/**
 * Checks that `evidence` attests `info` under the policy in force at `at` (Unix seconds): it verifies
 * to a trusted root, comes from `info.features.tee`, passes the policy and commits to `info`. Fails
 * the call with the mapped registry error. The check turns anything it throws into an
 * AttestationError (a bug of the verifier's own into 'InternalError'), so any other exception here
 * is a bug of the runtime and stops the node loudly.
 */
export function verifyEvidence(
  evidence: Evidence,
  info: WorkerInfo,
  active: ActivePolicy,
  at: number,
): CheckedEvidence {
  try {
    return checkEvidence({
      evidence,
      trustedRoots: active.policy.trustedRoots,
      policy: active.attestation,
      at,
      tee: info.features.tee,
      reportData: workerInfoReportData(info),
    });
  } catch (error) {
    if (!(error instanceof AttestationError)) throw error;
    const refusal = policyRefusalOf(error);
    return fail(
      RegistryErrors[refusal ? POLICY_REFUSAL_MAP[refusal.code] : ATTESTATION_ERROR_MAP[error.code]],
    );
  }
}
