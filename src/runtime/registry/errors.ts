// registry errors. APPEND ONLY: a code is the index in this list and is part of consensus.
import { defineErrors } from '../support/errors.js';

export const RegistryErrors = defineErrors('registry', [
  /** The extrinsic's signer is not `info.operator` (or, for a benchmark, not the worker's operator). */
  'NotOperator',
  /** `info.genesisHash` is not this chain's genesis hash. */
  'WrongGenesis',
  /** `info.recentBlock` is older than `maxEvidenceAgeBlocks`, not yet executed, or unknown. */
  'StaleRecentBlock',
  /** `info.recentBlock.hash` is not the hash of the block with that number. */
  'RecentBlockHashMismatch',
  /** The pubkey is registered by another operator. */
  'PubkeyBoundToOtherOperator',
  /** The evidence does not parse: malformed or unsupported quote, collateral, certificate, CRL or report. */
  'MalformedEvidence',
  /** A certificate chain of the evidence does not end in a root the policy trusts. */
  'UntrustedRoot',
  /** A chain, signature or collateral check of the evidence fails. */
  'InvalidEvidence',
  /** A certificate of the evidence is on a CRL. */
  'CertificateRevoked',
  /** A certificate, CRL, TCB info or QE identity is expired (or not yet valid) at the block's timestamp. */
  'CollateralExpired',
  /** No TCB level of the TCB info matches the platform. */
  'TcbNotSupported',
  /** The TCB (DCAP) or quote (IAS) status is not accepted by policy, or is revoked. */
  'TcbStatusRefused',
  /** An advisory of the evidence is not in the policy's advisory allowlist. */
  'AdvisoryRefused',
  /** A debug enclave or TD, and the policy refuses debug. */
  'DebugRefused',
  /** A TD without SEPT_VE_DISABLE, and the policy requires it. */
  'SeptVeDisableRequired',
  /** The measurement matches no rule of the allowlist. */
  'MeasurementNotAllowed',
  /** An IAS report older than `maxIasReportAgeMs`. */
  'EvidenceTooOld',
  /** `info.features.tee` is not the TEE the evidence comes from. */
  'TeeMismatch',
  /** The evidence's report data is not `workerInfoReportData(info)`. */
  'ReportDataMismatch',
  /** `setPolicy` got a policy that fails validation (README.md, "Policy"). */
  'InvalidPolicy',
  /** No worker with this pubkey. */
  'WorkerNotFound',
  /** `expire` on a worker that is already `Expired`. */
  'AlreadyExpired',
  /** `expire` before the registration's `expiresAt`. */
  'NotExpired',
  /** A benchmark for a worker that is expired (or past its expiry). */
  'WorkerNotActive',
  /** The benchmark's worker signature does not verify. */
  'BadWorkerSignature',
  /** The benchmark's block is not recent, not yet executed, or not above the last report's. */
  'StaleBenchmark',
  /** `info.ecdhPubkey` is not a canonical X25519 key outside the small-order points (codec/keys.ts). */
  'InvalidEcdhKey',
  /**
   * The evidence check threw something other than a typed AttestationError: a bug in the verifier,
   * refused (fail closed) under its own name so that nodes log and count it rather than pass it off
   * as bad evidence.
   */
  'InternalError',
] as const);

export type RegistryErrorName = keyof typeof RegistryErrors;
