// The attestation policy on chain: validation (genesis and `setPolicy`), and its translation to the
// attestation library's `AttestationPolicy`. Read many times per block, so the decoded form is
// memoised by the identity of the stored bytes (a new write is a new array), as system's parameters.
import { AttestationError } from '../../attestation/errors.js';
import {
  ACCEPTABLE_QUOTE_STATUSES,
  ACCEPTABLE_TCB_STATUSES,
  type AttestationPolicy,
} from '../../attestation/policy.js';
import { parseCertificate } from '../../attestation/x509/parseCertificate.js';
import type { StateReader } from '../api.js';
import { BLOCK_HASH_COUNT } from '../system/types.js';
import { Policy } from './storage.js';
import { type RegistryPolicy, toAttestationPolicy } from './types.js';

export const MAX_TRUSTED_ROOTS = 8;
export const MAX_ROOT_BYTES = 16 * 1024;
export const MAX_MEASUREMENT_RULES = 1024;
export const MAX_ADVISORIES = 1024;
/** A registration longer than a year without re-attestation would outlive any TCB recovery. */
export const MAX_ATTESTATION_VALIDITY_MS = 366n * 24n * 3600n * 1000n;

/** Why `policy` is unacceptable, or undefined if it is fine. */
export function findPolicyProblem(policy: RegistryPolicy): string | undefined {
  const roots = policy.trustedRoots;
  if (roots.length < 1 || roots.length > MAX_TRUSTED_ROOTS) {
    return `trustedRoots must hold 1..${MAX_TRUSTED_ROOTS} certificates, got ${roots.length}`;
  }
  for (const [index, der] of roots.entries()) {
    if (der.length > MAX_ROOT_BYTES)
      return `trustedRoots[${index}] is ${der.length} bytes, at most ${MAX_ROOT_BYTES}`;
    try {
      parseCertificate(der, `trustedRoots[${index}]`);
    } catch (error) {
      if (error instanceof AttestationError) return error.message;
      throw error;
    }
  }
  if (policy.measurementAllowlist.length > MAX_MEASUREMENT_RULES) {
    return `measurementAllowlist has more than ${MAX_MEASUREMENT_RULES} rules`;
  }
  for (const [index, rule] of policy.measurementAllowlist.entries()) {
    // A rule naming neither MRENCLAVE nor MRSIGNER would let any enclave in.
    if (rule.tag === 'Sgx' && rule.value.mrEnclave === undefined && rule.value.mrSigner === undefined) {
      return `measurementAllowlist[${index}]: an SGX rule needs mrEnclave or mrSigner`;
    }
  }
  // Statuses that have no confidence level (src/attestation/policy.ts) can never be accepted.
  const refusedTcb = policy.acceptedTcbStatuses.find((status) => !ACCEPTABLE_TCB_STATUSES.includes(status));
  if (refusedTcb !== undefined) return `acceptedTcbStatuses: ${refusedTcb} can never be accepted`;
  const refusedQuote = policy.acceptedQuoteStatuses.find(
    (status) => !ACCEPTABLE_QUOTE_STATUSES.includes(status),
  );
  if (refusedQuote !== undefined) return `acceptedQuoteStatuses: ${refusedQuote} can never be accepted`;
  if (policy.advisoryAllowlist !== undefined) {
    if (policy.advisoryAllowlist.length > MAX_ADVISORIES)
      return `advisoryAllowlist has more than ${MAX_ADVISORIES} entries`;
    if (policy.advisoryAllowlist.some((id) => id.length === 0 || id.length > 64)) {
      return 'advisoryAllowlist entries must be 1..64 characters';
    }
  }
  // recentBlock is checked against system.BlockHashes, which keeps BLOCK_HASH_COUNT hashes.
  if (policy.maxEvidenceAgeBlocks < 1 || policy.maxEvidenceAgeBlocks > BLOCK_HASH_COUNT) {
    return `maxEvidenceAgeBlocks must be within 1..${BLOCK_HASH_COUNT}`;
  }
  if (policy.attestationValidityMs < 1n || policy.attestationValidityMs > MAX_ATTESTATION_VALIDITY_MS) {
    return `attestationValidityMs must be within 1..${MAX_ATTESTATION_VALIDITY_MS}`;
  }
  if (policy.maxIasReportAgeMs < 1000n || policy.maxIasReportAgeMs > MAX_ATTESTATION_VALIDITY_MS) {
    return `maxIasReportAgeMs must be within 1000..${MAX_ATTESTATION_VALIDITY_MS}`;
  }
  return undefined;
}

export interface ActivePolicy {
  readonly policy: RegistryPolicy;
  readonly attestation: AttestationPolicy;
}

const decoded = new WeakMap<Uint8Array, ActivePolicy>();

/** The policy in force. Genesis always writes one: a state without it is not a Phalanx state. */
export function readActivePolicy(state: StateReader): ActivePolicy {
  const bytes = state.get(Policy.key);
  if (bytes === undefined) throw new Error(`${Policy.name} missing from state`);
  let active = decoded.get(bytes);
  if (!active) {
    const policy = Policy.get(state)!;
    active = Object.freeze({ policy, attestation: toAttestationPolicy(policy) });
    decoded.set(bytes, active);
  }
  return active;
}
