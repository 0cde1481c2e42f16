// The narrow interface other modules (and the executive, for fees) use to move money. Every function
// keeps total issuance constant: money only moves between accounts, the treasury included. Functions
// that may fail do so with a DispatchError before writing anything.
import { equalBytes } from '../../codec/bytes.js';
import type { StateReader } from '../api.js';
import type { RuntimeContext } from '../support/dispatch.js';
import { ensure } from '../support/errors.js';
import type { StateWriter } from '../support/overlay.js';
import { U128_MAX } from '../support/types.js';
import { readParameters } from '../system/parameters.js';
import { BalancesErrors } from './errors.js';
import { BalancesEvents } from './events.js';
import { Accounts, TotalIssuance } from './storage.js';
import { type AccountData, TREASURY_ACCOUNT } from './types.js';

const EMPTY: AccountData = Object.freeze({ free: 0n, reserved: 0n });

export type Existence = 'keepAlive' | 'allowDeath';

export function isTreasury(who: Uint8Array): boolean {
  return equalBytes(who, TREASURY_ACCOUNT);
}

export function readAccountData(state: StateReader, who: Uint8Array): AccountData {
  return Accounts.get(state, who) ?? EMPTY;
}

/** Adds to an account's free balance (creating it); the caller has checked ED and overflow. */
function credit(state: StateWriter, who: Uint8Array, amount: bigint): void {
  const account = readAccountData(state, who);
  Accounts.set(state, who, { free: account.free + amount, reserved: account.reserved });
}

/**
 * Writes an account, reaping it if its total falls below the existential deposit: the entry is
 * deleted and whatever is left goes to the treasury, so issuance is unchanged.
 */
function settle(ctx: RuntimeContext, who: Uint8Array, account: AccountData): void {
  const total = account.free + account.reserved;
  if (isTreasury(who) || total >= readParameters(ctx.state).existentialDeposit) {
    Accounts.set(ctx.state, who, account);
    return;
  }
  // An account that never existed (a zero transfer from an unfunded key) has nothing to reap.
  if (total === 0n && !Accounts.has(ctx.state, who)) return;
  Accounts.delete(ctx.state, who);
  if (total > 0n) credit(ctx.state, TREASURY_ACCOUNT, total);
  BalancesEvents.Reaped.emit(ctx, { who, dust: total });
}

/** Moves `amount` of free balance from `from` to `to`. */
export function transferFunds(
  ctx: RuntimeContext,
  from: Uint8Array,
  to: Uint8Array,
  amount: bigint,
  existence: Existence,
): void {
  const source = readAccountData(ctx.state, from);
  ensure(source.free >= amount, BalancesErrors.InsufficientBalance);
  // A transfer to oneself changes nothing; computing it as debit-then-credit on two stale copies
  // would mint `amount`, so it is handled apart.
  if (equalBytes(from, to)) {
    BalancesEvents.Transferred.emit(ctx, { from, to, amount });
    return;
  }
  const { existentialDeposit } = readParameters(ctx.state);
  const remaining: AccountData = { free: source.free - amount, reserved: source.reserved };
  if (existence === 'keepAlive') {
    ensure(
      isTreasury(from) || remaining.free + remaining.reserved >= existentialDeposit,
      BalancesErrors.KeepAlive,
    );
  }
  const dest = Accounts.get(ctx.state, to);
  if (dest === undefined) {
    ensure(isTreasury(to) || amount >= existentialDeposit, BalancesErrors.BelowExistentialDeposit);
  } else {
    ensure(dest.free + amount <= U128_MAX, BalancesErrors.Overflow);
  }
  Accounts.set(ctx.state, to, { free: (dest?.free ?? 0n) + amount, reserved: dest?.reserved ?? 0n });
  if (dest === undefined) BalancesEvents.Endowed.emit(ctx, { who: to, amount });
  BalancesEvents.Transferred.emit(ctx, { from, to, amount });
  settle(ctx, from, remaining);
}

/**
 * The most `who` can pay in fees from its free balance and stay alive (fees never reap: the account
 * must keep the ED, which its reserved balance counts towards). The pool holds a sender's queued
 * fees to it, so that what waits in the pool could all be paid for.
 */
export function feeBudget(state: StateReader, who: Uint8Array): bigint {
  const account = Accounts.get(state, who);
  if (account === undefined) return 0n;
  const { existentialDeposit } = readParameters(state);
  // Reserved balance counts towards the deposit; the rest of it must stay in free balance.
  const keep = existentialDeposit > account.reserved ? existentialDeposit - account.reserved : 0n;
  return account.free > keep ? account.free - keep : 0n;
}

/** Whether `who` can pay `fee` and stay alive: `fee` is within its `feeBudget`. */
export function canPayFee(state: StateReader, who: Uint8Array, fee: bigint): boolean {
  return fee === 0n || fee <= feeBudget(state, who);
}

/** Takes the fee to the treasury; the caller checked `canPayFee`. */
export function chargeFee(ctx: RuntimeContext, who: Uint8Array, fee: bigint): void {
  if (fee === 0n) return;
  const account = readAccountData(ctx.state, who);
  // canPayFee ran against this same state; failing here would be a kernel bug, not a user error.
  if (account.free < fee) throw new Error('chargeFee without canPayFee');
  Accounts.set(ctx.state, who, { free: account.free - fee, reserved: account.reserved });
  credit(ctx.state, TREASURY_ACCOUNT, fee);
  BalancesEvents.FeePaid.emit(ctx, { who, fee });
}

/** Moves `amount` from free to reserved (e.g. a stake); the total, hence existence, is unchanged. */
export function reserve(ctx: RuntimeContext, who: Uint8Array, amount: bigint): void {
  const account = readAccountData(ctx.state, who);
  ensure(account.free >= amount, BalancesErrors.InsufficientBalance);
  Accounts.set(ctx.state, who, { free: account.free - amount, reserved: account.reserved + amount });
  BalancesEvents.Reserved.emit(ctx, { who, amount });
}

/** Moves up to `amount` from reserved back to free; returns how much was moved. */
export function unreserve(ctx: RuntimeContext, who: Uint8Array, amount: bigint): bigint {
  const account = Accounts.get(ctx.state, who);
  if (account === undefined) return 0n;
  const moved = amount < account.reserved ? amount : account.reserved;
  if (moved === 0n) return 0n;
  Accounts.set(ctx.state, who, { free: account.free + moved, reserved: account.reserved - moved });
  BalancesEvents.Unreserved.emit(ctx, { who, amount: moved });
  return moved;
}

/**
 * Takes up to `amount` of `who`'s reserved balance to the treasury (which may pass it on); returns
 * how much was taken. The account is reaped if what is left falls below the existential deposit.
 */
export function slashReserved(ctx: RuntimeContext, who: Uint8Array, amount: bigint): bigint {
  const account = Accounts.get(ctx.state, who);
  if (account === undefined) return 0n;
  const taken = amount < account.reserved ? amount : account.reserved;
  if (taken === 0n || isTreasury(who)) return 0n;
  credit(ctx.state, TREASURY_ACCOUNT, taken);
  BalancesEvents.Slashed.emit(ctx, { who, amount: taken });
  settle(ctx, who, { free: account.free, reserved: account.reserved - taken });
  return taken;
}

/**
 * Creates `amount` new money in `who`'s free balance and adds it to the total issuance: the one way
 * issuance grows (rewards, paid by the computation module). Returns what was minted: nothing for an
 * amount that could not open an account (below the existential deposit) or would overflow.
 */
export function mint(ctx: RuntimeContext, who: Uint8Array, amount: bigint): bigint {
  if (amount <= 0n) return 0n;
  const account = Accounts.get(ctx.state, who);
  if (account === undefined && amount < readParameters(ctx.state).existentialDeposit) return 0n;
  const issuance = TotalIssuance.get(ctx.state) ?? 0n;
  if (issuance + amount > U128_MAX || (account?.free ?? 0n) + amount > U128_MAX) return 0n;
  credit(ctx.state, who, amount);
  TotalIssuance.set(ctx.state, issuance + amount);
  BalancesEvents.Minted.emit(ctx, { who, amount });
  return amount;
}
