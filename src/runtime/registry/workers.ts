// The narrow interface other modules (gatekeeper, later staking and computation) use to read
// workers and move them between states. Only the registry writes its storage; others go through here.
import {
  evaluateRecordedEvidence,
  type RecordedEvidence,
  type RecordedRefusalCode,
} from '../../attestation/policy.js';
import type { StateReader } from '../api.js';
import type { RuntimeContext } from '../support/dispatch.js';
import { RegistryEvents } from './events.js';
import { readActivePolicy } from './policy.js';
import { Benchmarks, ChainGenesisHash, WorkerStates, Workers } from './storage.js';
import type { AttestationFacts, Benchmark, WorkerRecord, WorkerState } from './types.js';

export function readWorker(state: StateReader, pubkey: Uint8Array): WorkerRecord | undefined {
  return Workers.get(state, pubkey);
}

/** The worker's last benchmark report (score and block), if it made one. */
export function readBenchmark(state: StateReader, pubkey: Uint8Array): Benchmark | undefined {
  return Benchmarks.get(state, pubkey);
}

export function readWorkerState(state: StateReader, pubkey: Uint8Array): WorkerState | undefined {
  return WorkerStates.get(state, pubkey);
}

/**
 * Whether a registration has lapsed at block time `nowMs`: from the first block whose timestamp
 * reaches `expiresAt`, whether or not the expiry queue or anyone's `expire` has marked it `Expired`
 * yet. The one expiry rule: `isActiveWorker`, the `expire` call, the expiry hook, benchmarks and
 * `findStandingProblem` all ask it.
 */
export function hasLapsed(record: WorkerRecord, nowMs: bigint): boolean {
  return nowMs >= record.attestation.expiresAt;
}

/**
 * Registered or Provisioned, and not lapsed at block time `nowMs`. Exact at the very block a
 * registration lapses: the expiry queue (expireLapsedWorkers.ts) moves lapsed workers to `Expired`
 * within one slot after, but no caller has to wait for it.
 */
export function isActiveWorker(state: StateReader, pubkey: Uint8Array, nowMs: bigint): boolean {
  const workerState = WorkerStates.get(state, pubkey);
  if (workerState !== 'Registered' && workerState !== 'Provisioned') return false;
  const record = Workers.get(state, pubkey);
  return record !== undefined && !hasLapsed(record, nowMs);
}

/** Why a worker's registration no longer entitles it to keys: expired, or refused by today's policy. */
export type StandingProblem = 'RegistrationExpired' | RecordedRefusalCode;

/** What the registry recorded of a worker's evidence, in the attestation library's terms. */
function recordedEvidenceOf(facts: AttestationFacts): RecordedEvidence {
  const { measurement } = facts;
  return {
    kind: facts.provider,
    tcbStatus: facts.tcbStatus,
    quoteStatus: facts.quoteStatus,
    advisoryIds: facts.advisoryIds,
    measurements:
      measurement.tag === 'Sgx' ? { tee: 'sgx', ...measurement.value } : { tee: 'tdx', ...measurement.value },
  };
}

/**
 * Whether `record`'s registration still stands at `nowMs` (block time): not past `expiresAt`, and its
 * recorded TCB or quote status, advisories and measurement accepted by the policy in force now, not
 * only by the one it registered under. Undefined when it stands. Debug mode and TD attributes are not
 * recorded, so only a gatekeeper, which re-checks the evidence itself, applies those to a later policy.
 */
export function findStandingProblem(
  state: StateReader,
  record: WorkerRecord,
  nowMs: bigint,
): StandingProblem | undefined {
  if (hasLapsed(record, nowMs)) return 'RegistrationExpired';
  const verdict = evaluateRecordedEvidence(
    recordedEvidenceOf(record.attestation),
    readActivePolicy(state).attestation,
  );
  return verdict.accepted ? undefined : verdict.reason.code;
}

/** This chain's genesis hash (known from block 1 on), for messages signed outside extrinsics. */
export function readChainGenesisHash(state: StateReader): Uint8Array | undefined {
  return ChainGenesisHash.get(state);
}

/**
 * Moves an existing worker to `to`, emitting `registry.WorkerStateChanged`; nothing happens if it
 * is already there. The caller has checked that the transition is allowed.
 */
export function setWorkerState(ctx: RuntimeContext, worker: Uint8Array, to: WorkerState): void {
  const from = WorkerStates.get(ctx.state, worker);
  // Moving a worker that was never registered would be a bug in the calling module.
  if (from === undefined) throw new Error('setWorkerState: unknown worker');
  if (from === to) return;
  WorkerStates.set(ctx.state, worker, to);
  RegistryEvents.WorkerStateChanged.emit(ctx, { worker, from, to });
}
