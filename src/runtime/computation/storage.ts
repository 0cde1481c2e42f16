// computation storage. Keys: `computation/<Item>/<SCALE key>`.
import { PublicKey32, Struct, u8, u32 } from '../../codec/scale.js';
import { createDeadlineQueue } from '../support/deadlineQueue.js';
import { storageMap, storageValue } from '../support/storage.js';
import { Balance } from '../support/types.js';
import {
  ChallengeEntryCodec,
  COMPUTATION,
  CompensationCodec,
  ComputationConfigCodec,
  DisplacedCodec,
  OutageCountsCodec,
  OutageTotalsCodec,
  PendingSlashCodec,
  SessionCodec,
  SessionEntryCodec,
} from './types.js';

/** The liveness parameters (genesis, then `setConfig`). */
export const Config = storageValue(COMPUTATION, 'LivenessConfig', ComputationConfigCodec);
/** Every worker that ever started a session, by identity pubkey. A worker's light client proves it. */
export const Sessions = storageMap(COMPUTATION, 'Sessions', PublicKey32, SessionCodec);

// The challenge index (keyIndex.ts): workers in a session (Idle, Serving, Unresponsive) ordered by
// their challenge key's top 16 bits, with counts per prefix so that a range is found without a scan.
/** Workers in the index under each prefix of `depth` bits (0..16) of the challenge key. */
export const IndexCounts = storageMap(COMPUTATION, 'IndexCounts', Struct({ depth: u8, prefix: u32 }), u32);
/** Bucket (top 16 bits of the key) → dense array of its workers. */
export const IndexBuckets = storageMap(
  COMPUTATION,
  'IndexBuckets',
  Struct({ bucket: u32, index: u32 }),
  PublicKey32,
);
export const IndexBucketLengths = storageMap(COMPUTATION, 'IndexBucketLengths', u32, u32);
/** A worker's position in its bucket's array (for O(1) removal). */
export const IndexPositions = storageMap(COMPUTATION, 'IndexPositions', PublicKey32, u32);

// The draw pool (weightPool.ts): Idle and Serving workers with their weights in a Fenwick tree, for
// stake-and-score-weighted draws and the rewards' total weight.
/** Fenwick tree over pool slots 1..POOL_CAPACITY: partial sums of weights. */
export const PoolTree = storageMap(COMPUTATION, 'PoolTree', u32, Balance);
export const PoolSlots = storageMap(COMPUTATION, 'PoolSlots', u32, PublicKey32);
/** Freed slots, reused first (a stack), and the highest slot ever used. */
export const PoolFree = storageMap(COMPUTATION, 'PoolFree', u32, u32);
export const PoolFreeLength = storageValue(COMPUTATION, 'PoolFreeLength', u32);
export const PoolHighSlot = storageValue(COMPUTATION, 'PoolHighSlot', u32);

/** Σ rewardPerBlock · 2^64 / total weight, over the blocks, modulo 2^128 (rewards.ts). */
export const RewardIndex = storageValue(COMPUTATION, 'RewardIndex', Balance);

/** Open challenges by the block at which they are checked (deadline + 1). */
export const ChallengeDeadlines = createDeadlineQueue(COMPUTATION, 'ChallengeDeadlines', ChallengeEntryCodec);
/** Sessions by the block at which their silence reaches `maxSilence` (forced challenges). */
export const SilenceDeadlines = createDeadlineQueue(COMPUTATION, 'SilenceDeadlines', SessionEntryCodec);
/** Cool-downs by the block they end at. */
export const Cooldowns = createDeadlineQueue(COMPUTATION, 'Cooldowns', SessionEntryCodec);
/** Sessions by the expiry slot (registry's) of their worker's attestation. */
export const LapseChecks = createDeadlineQueue(COMPUTATION, 'LapseChecks', SessionEntryCodec);
/** Workers whose contracts must move, by block: the contracts module takes them at block end. */
export const DisplacedQueue = createDeadlineQueue(COMPUTATION, 'Displaced', DisplacedCodec);
/** Slashes to decide, by the block `outageWindow` after their miss (detectMisses.ts). */
export const PendingSlashes = createDeadlineQueue(COMPUTATION, 'PendingSlashes', PendingSlashCodec);
/** Decided owners' shares for the contracts module to pay, by block (taken at that block's end). */
export const Compensations = createDeadlineQueue(COMPUTATION, 'Compensations', CompensationCodec);

// The outage guard's window (outageGuard.ts).
/** Challenges due and missed at each of the last `outageWindow` blocks. */
export const OutageBlocks = storageMap(COMPUTATION, 'OutageBlocks', u32, OutageCountsCodec);
/** Their sums over the window, and how many operators missed in it. */
export const OutageTotals = storageValue(COMPUTATION, 'OutageTotals', OutageTotalsCodec);
/** Each operator's last missed block, while inside the window. */
export const OperatorMisses = storageMap(COMPUTATION, 'OperatorMisses', PublicKey32, u32);
/** Operators by the block their last miss leaves the window. */
export const OperatorMissExpiries = createDeadlineQueue(COMPUTATION, 'OperatorMissExpiries', PublicKey32);
