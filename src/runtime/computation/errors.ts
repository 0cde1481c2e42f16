// computation errors. APPEND ONLY: a code is the index in this list and is part of consensus.
import { defineErrors } from '../support/errors.js';

export const ComputationErrors = defineErrors('computation', [
  /** The key is not a registered worker. */
  'WorkerNotFound',
  /** The signer is not the worker's operator. */
  'NotOperator',
  /** `start` of a worker that is not `Provisioned` (it must hold the network key). */
  'NotProvisioned',
  /** `start` of a worker whose attestation has lapsed. */
  'AttestationLapsed',
  /** `start` of a worker without a benchmark score. */
  'NoBenchmark',
  /** `start` of a worker whose active stake is below `minStake`. */
  'InsufficientStake',
  /** `start` of a worker already in a session. */
  'AlreadyStarted',
  /** `start` of a worker still cooling down. */
  'CoolingDown',
  /** `stop` of a worker not in a session, or a heartbeat of one that never started. */
  'NotInSession',
  /** The heartbeat names another session than the worker's current one. */
  'WrongSession',
  /** The heartbeat answers a challenge the chain did not issue to this worker at that block. */
  'NotChallenged',
  /** The heartbeat answers a challenge that was answered already (a replay). */
  'AlreadyAnswered',
  /** The heartbeat comes after its challenge's deadline (that challenge was counted as missed). */
  'HeartbeatTooLate',
  /** `challengeBlockHash` is not the hash of `challengeBlock`. */
  'ChallengeHashMismatch',
  /** The heartbeat is not signed by the worker's identity key. */
  'BadHeartbeatSignature',
  /** The draw pool is full (POOL_CAPACITY sessions Idle or Serving). */
  'PoolFull',
  /** `setConfig` with values out of range (README.md, "Parameters"). */
  'InvalidConfig',
] as const);
