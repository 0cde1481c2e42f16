// staking: SCALE codecs of its calls, events and storage values, and builders of its calls. Imports
// only src/codec and other types.ts files (clients build calls with it).
import type { Call } from '../../codec/chain.js';
import { bool, type CodecType, PublicKey32, Struct, u32, Vector } from '../../codec/scale.js';
import { AccountId, Balance } from '../support/types.js';

export const STAKING = 'staking' as const;

/** Most unbonding chunks a stake may have waiting at once: `unbond` past it fails until a `withdraw`. */
export const MAX_UNBONDING_CHUNKS = 16;

/** Governance-set parameters of staking. */
export const StakingConfigCodec = Struct({
  /** The least active stake a worker needs to start and keep a session. */
  minStake: Balance,
  /** Blocks an unbonded amount waits before `withdraw` returns it. */
  unbondingBlocks: u32,
});
export type StakingConfig = CodecType<typeof StakingConfigCodec>;

export const UnbondingChunkCodec = Struct({ amount: Balance, unlockAt: u32 });
export type UnbondingChunk = CodecType<typeof UnbondingChunkCodec>;

/**
 * A worker's stake. The funds sit in the owner's reserved balance (balances.reserve), so an account's
 * total, the treasury and the issuance count them without a pot account of their own.
 */
export const StakeLedgerCodec = Struct({
  /** The operator that bonded: only it may unbond and withdraw. */
  owner: AccountId,
  /** Stake at work: counts towards `minStake`, weights draws and rewards, and is what slashes take. */
  active: Balance,
  /** Unbonded amounts waiting for their block; still slashable (no escaping a slash by unbonding). */
  unbonding: Vector(UnbondingChunkCodec),
  /** Set while the worker is in a session: `unbond` may then not take `active` below `minStake`. */
  locked: bool,
  /** Stake promised to slashes not yet decided (computation defers them): `withdraw` waits for it. */
  held: Balance,
});
export type StakeLedger = CodecType<typeof StakeLedgerCodec>;

export const BondArgs = Struct({ worker: PublicKey32, amount: Balance });
export const UnbondArgs = Struct({ worker: PublicKey32, amount: Balance });
export const WithdrawArgs = Struct({ worker: PublicKey32 });
export const SetStakingConfigArgs = Struct({ config: StakingConfigCodec });

export const stakingEventCodecs = {
  Bonded: Struct({ worker: PublicKey32, owner: AccountId, amount: Balance }),
  Unbonded: Struct({ worker: PublicKey32, owner: AccountId, amount: Balance, unlockAt: u32 }),
  Withdrawn: Struct({ worker: PublicKey32, owner: AccountId, amount: Balance }),
  /** Stake taken by a penalty (to the treasury, which passes the owners' share on). */
  StakeSlashed: Struct({ worker: PublicKey32, owner: AccountId, amount: Balance }),
  ConfigChanged: Struct({ config: StakingConfigCodec }),
};

export type StakingEventData = {
  [K in keyof typeof stakingEventCodecs]: CodecType<(typeof stakingEventCodecs)[K]>;
};

export const stakingCalls = {
  /** Signed by the worker's operator: reserves `amount` and adds it to the worker's active stake. */
  bond: (worker: Uint8Array, amount: bigint): Call => ({
    module: STAKING,
    call: 'bond',
    args: BondArgs.enc({ worker, amount }),
  }),
  /** Signed by the stake's owner: moves `amount` of active stake into the unbonding cool-down. */
  unbond: (worker: Uint8Array, amount: bigint): Call => ({
    module: STAKING,
    call: 'unbond',
    args: UnbondArgs.enc({ worker, amount }),
  }),
  /** Signed by the stake's owner: returns every unbonded chunk whose block has come. */
  withdraw: (worker: Uint8Array): Call => ({
    module: STAKING,
    call: 'withdraw',
    args: WithdrawArgs.enc({ worker }),
  }),
  /** Governance origin: replaces the staking parameters. */
  setConfig: (config: StakingConfig): Call => ({
    module: STAKING,
    call: 'setConfig',
    args: SetStakingConfigArgs.enc({ config }),
  }),
};
