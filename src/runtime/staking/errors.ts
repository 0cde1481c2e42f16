// staking errors. APPEND ONLY: a code is the index in this list and is part of consensus.
import { defineErrors } from '../support/errors.js';

export const StakingErrors = defineErrors('staking', [
  /** `bond` for a key that is not a registered worker. */
  'WorkerNotFound',
  /** `bond` by an account that is not the worker's operator. */
  'NotOperator',
  /** `unbond` or `withdraw` by an account that does not own the stake, or of a worker never staked. */
  'NotStakeOwner',
  /** A zero amount. */
  'ZeroAmount',
  /** `unbond` of more than the active stake. */
  'InsufficientStake',
  /** `unbond` would take a worker in a session below `minStake`: stop the session first. */
  'StakeLocked',
  /** MAX_UNBONDING_CHUNKS chunks are waiting: `withdraw` first. */
  'TooManyUnbondingChunks',
  /** `withdraw` with no chunk whose block has come. */
  'NothingToWithdraw',
  /** `setConfig` with a zero `minStake`. */
  'InvalidConfig',
  /** `withdraw` while a slash of the worker is pending: the funds must stay slashable until it is decided. */
  'SlashPending',
] as const);
