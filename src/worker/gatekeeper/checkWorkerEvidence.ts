// A gatekeeper's own judgement of a worker before it hands over a key (DESIGN.md section 4 step 5,
// section 5): the network key to a Registered worker, or the master key to another gatekeeper. Inside
// its TEE it takes nothing on the chain's word. From the worker's record as proven at a verified
// header, the registration evidence seen in verified blocks and the chain's policy in force at that
// header (also proven), it refuses unless
// - the record names this chain;
// - the registration has not expired at the header's time;
// - the ECDH key is one a key can safely be boxed to (src/codec/keys.ts, isValidX25519PublicKey);
// - the evidence passes the one evidence check the chain also runs (src/attestation/checkEvidence.ts):
//   trusted root, TEE, the whole current policy (debug, measurement allowlist, TCB status and
//   advisories, IAS age) at the header's time, and report data committing to the recorded WorkerInfo.
// So a build or TCB level that governance revokes gets no key from the moment the gatekeeper sees the
// new policy, even from a worker that registered before.
import { type CheckedEvidence, checkEvidence } from '../../attestation/checkEvidence.js';
import { AttestationError } from '../../attestation/errors.js';
import type { AttestationPolicy } from '../../attestation/policy.js';
import { policyRefusalOf } from '../../attestation/policy.js';
import { bytesToHex, equalBytes } from '../../codec/bytes.js';
import { isValidX25519PublicKey } from '../../codec/keys.js';
import {
  type Evidence,
  type RegistryPolicy,
  toAttestationPolicy,
  type WorkerRecord,
  workerInfoReportData,
} from '../../runtime/registry/types.js';
import { WorkerError } from '../host/errors.js';

export interface WorkerEvidenceCheck {
  /** `registry.Workers` of the worker, as proven at the header the check is made at. */
  readonly record: WorkerRecord;
  /** The evidence of the registration that wrote `record.info`, from a verified block. */
  readonly evidence: Evidence;
  /** `registry.Policy` as proven at that header: the policy in force, not the one it registered under. */
  readonly policy: RegistryPolicy;
  readonly genesisHash: Uint8Array;
  /** Chain time (ms) of the verified header the check is made at. */
  readonly atMs: bigint;
}

/**
 * `reason` in the error's details: 'WrongGenesis', 'RegistrationExpired', 'InvalidEcdhKey', or the
 * AttestationError's code (for a policy refusal, the refusal's code, e.g. 'DebugRefused').
 */
function reject(reason: string, message: string, cause?: unknown): never {
  throw new WorkerError('EvidenceRejected', message, { reason }, cause === undefined ? undefined : { cause });
}

// The policy is decoded once per tick; translating it once per decoded object spares each worker.
const translated = new WeakMap<RegistryPolicy, AttestationPolicy>();

function attestationPolicyOf(policy: RegistryPolicy): AttestationPolicy {
  let known = translated.get(policy);
  if (known === undefined) {
    known = toAttestationPolicy(policy);
    translated.set(policy, known);
  }
  return known;
}

/** Throws WorkerError('EvidenceRejected', …, { reason }) unless the worker may be given a key now. */
export function checkWorkerEvidence(check: WorkerEvidenceCheck): CheckedEvidence {
  const { record, evidence, policy, atMs } = check;
  const { info } = record;
  if (!equalBytes(info.genesisHash, check.genesisHash))
    reject('WrongGenesis', 'WorkerInfo names another chain');
  if (atMs >= record.attestation.expiresAt) {
    reject(
      'RegistrationExpired',
      `the registration expired at ${record.attestation.expiresAt} ms, before the header's ${atMs} ms`,
    );
  }
  if (!isValidX25519PublicKey(info.ecdhPubkey)) {
    reject('InvalidEcdhKey', `ECDH key 0x${bytesToHex(info.ecdhPubkey)} is small-order or non-canonical`);
  }
  try {
    return checkEvidence({
      evidence,
      trustedRoots: policy.trustedRoots,
      policy: attestationPolicyOf(policy),
      at: Number(atMs / 1000n),
      tee: info.features.tee,
      reportData: workerInfoReportData(info),
    });
  } catch (error) {
    if (!(error instanceof AttestationError)) throw error;
    const reason = policyRefusalOf(error)?.code ?? error.code;
    return reject(reason, `evidence refused (${reason}): ${error.message}`, error);
  }
}
