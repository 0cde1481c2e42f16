// staking calls: check origin, validate, write, emit (README.md).
import { equalBytes } from '../../codec/bytes.js';
import { reserve, unreserve } from '../balances/currency.js';
import { readWorker } from '../registry/workers.js';
import { governanceCall, signedCall } from '../support/dispatch.js';
import { ensure } from '../support/errors.js';
import { StakingErrors } from './errors.js';
import { StakingEvents } from './events.js';
import { readStakingConfig } from './stake.js';
import { Config, Stakes } from './storage.js';
import {
  BondArgs,
  MAX_UNBONDING_CHUNKS,
  SetStakingConfigArgs,
  type StakeLedger,
  UnbondArgs,
  WithdrawArgs,
} from './types.js';

export const stakingCallDefinitions = {
  bond: signedCall(BondArgs, (ctx, who, { worker, amount }) => {
    ensure(amount > 0n, StakingErrors.ZeroAmount);
    const record = readWorker(ctx.state, worker);
    ensure(record !== undefined, StakingErrors.WorkerNotFound);
    ensure(equalBytes(record.info.operator, who), StakingErrors.NotOperator);
    const ledger = Stakes.get(ctx.state, worker);
    // A worker's operator is fixed at registration, so an existing ledger is this operator's.
    reserve(ctx, who, amount);
    Stakes.set(ctx.state, worker, {
      owner: who,
      active: (ledger?.active ?? 0n) + amount,
      unbonding: ledger?.unbonding ?? [],
      locked: ledger?.locked ?? false,
      held: ledger?.held ?? 0n,
    });
    StakingEvents.Bonded.emit(ctx, { worker, owner: who, amount });
  }),

  unbond: signedCall(UnbondArgs, (ctx, who, { worker, amount }) => {
    ensure(amount > 0n, StakingErrors.ZeroAmount);
    const ledger = Stakes.get(ctx.state, worker);
    ensure(ledger !== undefined && equalBytes(ledger.owner, who), StakingErrors.NotStakeOwner);
    ensure(amount <= ledger.active, StakingErrors.InsufficientStake);
    const { minStake, unbondingBlocks } = readStakingConfig(ctx.state);
    ensure(!ledger.locked || ledger.active - amount >= minStake, StakingErrors.StakeLocked);
    ensure(ledger.unbonding.length < MAX_UNBONDING_CHUNKS, StakingErrors.TooManyUnbondingChunks);
    const unlockAt = ctx.block.number + unbondingBlocks;
    const next: StakeLedger = {
      ...ledger,
      active: ledger.active - amount,
      unbonding: [...ledger.unbonding, { amount, unlockAt }],
    };
    Stakes.set(ctx.state, worker, next);
    StakingEvents.Unbonded.emit(ctx, { worker, owner: who, amount, unlockAt });
  }),

  withdraw: signedCall(WithdrawArgs, (ctx, who, { worker }) => {
    const ledger = Stakes.get(ctx.state, worker);
    ensure(ledger !== undefined && equalBytes(ledger.owner, who), StakingErrors.NotStakeOwner);
    ensure(ledger.held === 0n, StakingErrors.SlashPending);
    const now = ctx.block.number;
    const due = ledger.unbonding.filter((chunk) => chunk.unlockAt <= now);
    ensure(due.length > 0, StakingErrors.NothingToWithdraw);
    const amount = due.reduce((sum, chunk) => sum + chunk.amount, 0n);
    unreserve(ctx, who, amount);
    const rest = ledger.unbonding.filter((chunk) => chunk.unlockAt > now);
    if (ledger.active === 0n && rest.length === 0 && !ledger.locked && ledger.held === 0n)
      Stakes.delete(ctx.state, worker);
    else Stakes.set(ctx.state, worker, { ...ledger, unbonding: rest });
    StakingEvents.Withdrawn.emit(ctx, { worker, owner: who, amount });
  }),

  setConfig: governanceCall(SetStakingConfigArgs, (ctx, { config }) => {
    ensure(config.minStake > 0n, StakingErrors.InvalidConfig);
    Config.set(ctx.state, config);
    StakingEvents.ConfigChanged.emit(ctx, { config });
  }),
};
