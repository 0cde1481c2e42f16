// computation: SCALE codecs of its calls, events and storage values, builders of its calls, and the
// challenge rule (DESIGN.md section 7) that the chain and a worker's enclave core both apply. Imports
// only src/codec and other types.ts files (clients and the worker import it).
import { concatBytes, utf8 } from '../../codec/bytes.js';
import type { Call } from '../../codec/chain.js';
import { blake2b256, taggedHash } from '../../codec/hash.js';
import {
  bool,
  type Codec,
  type CodecType,
  Hash32,
  Option,
  PublicKey32,
  Signature64,
  Struct,
  u32,
  u64,
} from '../../codec/scale.js';
import { AccountId, Balance, nameEnum } from '../support/types.js';

export const COMPUTATION = 'computation' as const;

/**
 * A worker's session. `Ready`: staked but not working (or back from a cool-down); `Idle`: working,
 * challenged, no contracts; `Serving`: holds contracts; `Unresponsive`: missed its last challenge;
 * `CoolingDown`: stopped, waiting `cooldownBlocks` before its stake is free. APPEND ONLY.
 */
export const SESSION_STATES = ['Ready', 'Idle', 'Serving', 'Unresponsive', 'CoolingDown'] as const;
export type SessionState = (typeof SESSION_STATES)[number];
export const SessionStateCodec = nameEnum('session state', SESSION_STATES);

/** Governance-set liveness parameters (README.md, "Parameters"). */
export const ComputationConfigCodec = Struct({
  /** Mean number of workers challenged per block, when there are that many. */
  expectedHeartbeats: u32,
  /** Most random challenges per worker per hour of block time (forced ones come regardless). */
  maxChallengesPerHour: u32,
  /** A worker not challenged for this many blocks is challenged regardless. */
  maxSilence: u32,
  /** A challenge at block h must be answered in a block up to h + heartbeatWindow. */
  heartbeatWindow: u32,
  /** Parts per million of a Serving worker's stake one miss slashes (of what is left: compounding). */
  slashPpm: u32,
  /** Parts per million of a slash paid to the owners of the worker's contracts (the rest: treasury). */
  ownerSharePpm: u32,
  /** Misses in a row after which the session is stopped. */
  maxStrikes: u32,
  /** Outage guard: more than this share (ppm) of the challenges due over `outageWindow` missed... */
  outageSharePpm: u32,
  outageWindow: u32,
  /** ...by workers of at least this many operators: misses are recorded, nobody is slashed. */
  outageMinOperators: u32,
  /** Blocks between `stop` and `Ready` (the stake stays locked until then). */
  cooldownBlocks: u32,
  /** New money per block for the workers that answer their challenges (paid lazily). */
  rewardPerBlock: Balance,
  /** Most deadline work (queue entries and buckets) one block's liveness processing does. */
  maxProcessPerBlock: u32,
});
export type ComputationConfig = CodecType<typeof ComputationConfigCodec>;

/** An open challenge: issued at `block`, answerable in blocks up to `deadline`. */
export const PendingChallengeCodec = Struct({ block: u32, deadline: u32 });
export type PendingChallenge = CodecType<typeof PendingChallengeCodec>;

export const SessionCodec = Struct({
  state: SessionStateCodec,
  /** Counts the worker's sessions: a heartbeat names the one it belongs to. */
  id: u32,
  operator: AccountId,
  startedAt: u32,
  pending: Option(PendingChallengeCodec),
  /** Block of the last challenge (random or forced); silence is counted from it. */
  lastChallengeBlock: u32,
  /** Block time (ms) of the last random challenge, for `maxChallengesPerHour`. */
  lastChallengeMs: u64,
  /** Block of the last accepted heartbeat (0: none yet). */
  lastHeartbeatBlock: u32,
  /** Challenge block of the last accepted heartbeat, and of the last missed one (0: none). */
  lastAnswered: u32,
  lastMissed: u32,
  /** Misses in a row (reset by an answered challenge) and in total. */
  strikes: u32,
  misses: u32,
  /** Contracts it holds now (the contracts module keeps this count). */
  contracts: u32,
  /** Its weight in draws and rewards while Idle or Serving: score × stake units (weightOf). */
  weight: u64,
  /** The reward index when its accrual last started (rewards.ts). */
  rewardIndex: Balance,
  /** Rewards paid in this session. */
  rewards: Balance,
  /** Its slot in the draw pool while Idle or Serving (0: none). */
  poolSlot: u32,
  /** Block at which a cool-down ends. */
  cooldownEnds: u32,
});
export type Session = CodecType<typeof SessionCodec>;

/** Deadline-queue entry: a challenge to check at its deadline. */
export const ChallengeEntryCodec = Struct({ worker: PublicKey32, session: u32, block: u32 });
export type ChallengeEntry = CodecType<typeof ChallengeEntryCodec>;

/** Deadline-queue entry for a session: its silence bound, cool-down end or attestation lapse. */
export const SessionEntryCodec = Struct({ worker: PublicKey32, session: u32, since: u32 });
export type SessionEntry = CodecType<typeof SessionEntryCodec>;

/**
 * A worker whose contracts must move (it missed, stopped or lapsed). `missBlock`: the block of the
 * miss whose slash is still to be decided (the contracts module keeps the contract ids under it for
 * the owners' share), or 0 when no slash can follow.
 */
export const DisplacedCodec = Struct({ worker: PublicKey32, missBlock: u32 });
export type Displaced = CodecType<typeof DisplacedCodec>;

/** A slash decided after the outage window (detectMisses.ts): the miss it punishes. */
export const PendingSlashCodec = Struct({
  worker: PublicKey32,
  session: u32,
  missBlock: u32,
  amount: Balance,
});
export type PendingSlash = CodecType<typeof PendingSlashCodec>;

/** The owners' share of a decided slash (0 if waived), for the contracts the worker held at the miss. */
export const CompensationCodec = Struct({ worker: PublicKey32, missBlock: u32, ownersShare: Balance });
export type Compensation = CodecType<typeof CompensationCodec>;

/** Challenges due and missed in one block, for the outage guard's window. */
export const OutageCountsCodec = Struct({ due: u32, missed: u32 });
export type OutageCounts = CodecType<typeof OutageCountsCodec>;
export const OutageTotalsCodec = Struct({ due: u32, missed: u32, operators: u32 });
export type OutageTotals = CodecType<typeof OutageTotalsCodec>;

export const WorkerArgs = Struct({ worker: PublicKey32 });
export const HeartbeatArgs = Struct({
  worker: PublicKey32,
  session: u32,
  challengeBlock: u32,
  challengeBlockHash: Hash32,
  iterations: u64,
  contracts: u32,
  signature: Signature64,
});
export type HeartbeatArgs = CodecType<typeof HeartbeatArgs>;
export type Heartbeat = Omit<HeartbeatArgs, 'signature'>;
export const SetComputationConfigArgs = Struct({ config: ComputationConfigCodec });

const HeartbeatBody: Codec<Heartbeat> = Struct({
  worker: PublicKey32,
  session: u32,
  challengeBlock: u32,
  challengeBlockHash: Hash32,
  iterations: u64,
  contracts: u32,
});

/**
 * The bytes a worker's identity key signs for a heartbeat: bound to the chain (genesis hash) and a
 * domain tag, so neither a heartbeat of another chain nor any other signature of the key passes.
 */
export function heartbeatPayload(genesisHash: Uint8Array, heartbeat: Heartbeat): Uint8Array {
  return taggedHash('phalanx/heartbeat', genesisHash, HeartbeatBody.enc(heartbeat));
}

// ---- The challenge rule (DESIGN.md section 7) ----

const TWO_64 = 1n << 64n;

function top64(hash: Uint8Array): bigint {
  let value = 0n;
  for (let i = 0; i < 8; i++) value = (value << 8n) | BigInt(hash[i]!);
  return value;
}

/** The top 64 bits of H(pubkey): a worker's place in the challenge index. */
export function challengeKeyOf(worker: Uint8Array): bigint {
  return top64(taggedHash('phalanx/challenge-key', worker));
}

/** seed_h = H("challenge" ‖ hash of block h − 1), top 64 bits: public once block h − 1 is known. */
export function challengeSeedOf(parentHash: Uint8Array): bigint {
  return top64(blake2b256(concatBytes(utf8('challenge'), parentHash)));
}

/** Significant bits kept of a threshold: at most this many prefix ranges per block. */
export const THRESHOLD_BITS = 8;

/**
 * The threshold that challenges about `expected` of `active` workers per block: challenge iff
 * `(key XOR seed) < threshold` over 64 bits, i.e. `target_h = threshold · 2^192 − 1` over 256. Rounded
 * down to its THRESHOLD_BITS top bits, so a block's challenged set is at most that many ranges of
 * the index; 0 when nobody is active, everyone when `expected ≥ active`.
 */
export function challengeThreshold(active: number, expected: number): bigint {
  if (active <= 0 || expected <= 0) return 0n;
  if (expected >= active) return TWO_64;
  const exact = (BigInt(expected) * TWO_64) / BigInt(active);
  const length = exact.toString(2).length;
  const drop = BigInt(Math.max(0, length - THRESHOLD_BITS));
  return (exact >> drop) << drop;
}

/** Whether the worker with challenge key `key` is challenged under (`seed`, `threshold`). */
export function isChallenged(key: bigint, seed: bigint, threshold: bigint): boolean {
  return (key ^ seed) < threshold;
}

export const computationEventCodecs = {
  SessionStarted: Struct({ worker: PublicKey32, session: u32, operator: AccountId, weight: u64 }),
  SessionStateChanged: Struct({
    worker: PublicKey32,
    session: u32,
    from: SessionStateCodec,
    to: SessionStateCodec,
  }),
  /** `forced`: by the `maxSilence` bound rather than the random draw. */
  Challenged: Struct({ worker: PublicKey32, session: u32, block: u32, deadline: u32, forced: bool }),
  HeartbeatAccepted: Struct({ worker: PublicKey32, session: u32, challengeBlock: u32, reward: Balance }),
  /**
   * A challenge not answered by its deadline. `slashPending`: the worker held contracts, so a slash is
   * decided `outageWindow` blocks later (`Slashed` or `SlashWaived`).
   */
  HeartbeatMissed: Struct({
    worker: PublicKey32,
    session: u32,
    challengeBlock: u32,
    strikes: u32,
    slashPending: bool,
  }),
  /** The slash of the miss at `missBlock`: `amount` taken from the stake, `ownersShare` of it to contract owners. */
  Slashed: Struct({ worker: PublicKey32, missBlock: u32, amount: Balance, ownersShare: Balance }),
  /** The outage guard held for the miss at `missBlock` (at the miss or when deciding): nothing slashed. */
  SlashWaived: Struct({ worker: PublicKey32, missBlock: u32 }),
  ConfigChanged: Struct({ config: ComputationConfigCodec }),
};

export type ComputationEventData = {
  [K in keyof typeof computationEventCodecs]: CodecType<(typeof computationEventCodecs)[K]>;
};

export const computationCalls = {
  /** Signed by the worker's operator: starts a session (Provisioned, attested, benchmarked, staked). */
  start: (worker: Uint8Array): Call => ({
    module: COMPUTATION,
    call: 'start',
    args: WorkerArgs.enc({ worker }),
  }),
  /** Signed by the session's operator: stops it (CoolingDown, then Ready). */
  stop: (worker: Uint8Array): Call => ({
    module: COMPUTATION,
    call: 'stop',
    args: WorkerArgs.enc({ worker }),
  }),
  /** Signed by the session's operator: a heartbeat the worker's identity key signed. */
  heartbeat: (args: HeartbeatArgs): Call => ({
    module: COMPUTATION,
    call: 'heartbeat',
    args: HeartbeatArgs.enc(args),
  }),
  /** Governance origin: replaces the liveness parameters. */
  setConfig: (config: ComputationConfig): Call => ({
    module: COMPUTATION,
    call: 'setConfig',
    args: SetComputationConfigArgs.enc({ config }),
  }),
};
