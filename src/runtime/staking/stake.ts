// The narrow interface other modules (computation) use on stakes: read them, lock them for a
// session, and slash them. Only staking writes its storage.
import type { StateReader } from '../api.js';
import { slashReserved } from '../balances/currency.js';
import type { RuntimeContext } from '../support/dispatch.js';
import { StakingEvents } from './events.js';
import { Config, Stakes } from './storage.js';
import type { StakeLedger, StakingConfig } from './types.js';

export function readStakingConfig(state: StateReader): StakingConfig {
  const config = Config.get(state);
  // Genesis always writes it: a state without it is not a Phalanx state.
  if (config === undefined) throw new Error(`${Config.name} missing from state`);
  return config;
}

export function readStake(state: StateReader, worker: Uint8Array): StakeLedger | undefined {
  return Stakes.get(state, worker);
}

/** The worker's active stake (0 if it has none). */
export function activeStake(state: StateReader, worker: Uint8Array): bigint {
  return Stakes.get(state, worker)?.active ?? 0n;
}

/** Marks the stake as backing a session (`unbond` may not then take it below `minStake`), or frees it. */
export function setStakeLocked(ctx: RuntimeContext, worker: Uint8Array, locked: boolean): void {
  const ledger = Stakes.get(ctx.state, worker);
  if (ledger === undefined || ledger.locked === locked) return;
  Stakes.set(ctx.state, worker, { ...ledger, locked });
}

const smaller = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** Active plus unbonding stake: what a slash can take. */
function slashable(ledger: StakeLedger): bigint {
  return ledger.unbonding.reduce((sum, chunk) => sum + chunk.amount, ledger.active);
}

/**
 * Promises `ppm` parts per million of the worker's slashable stake not already promised (so
 * successive misses compound) to a slash decided later; `withdraw` waits until it is. Returns the
 * amount promised, which `slashStake` later takes (`fromHold`).
 */
export function holdForSlash(ctx: RuntimeContext, worker: Uint8Array, ppm: number): bigint {
  const ledger = Stakes.get(ctx.state, worker);
  if (ledger === undefined) return 0n;
  const free = slashable(ledger) - ledger.held;
  const amount = free > 0n ? (free * BigInt(ppm)) / 1_000_000n : 0n;
  if (amount > 0n) Stakes.set(ctx.state, worker, { ...ledger, held: ledger.held + amount });
  return amount;
}

/** Releases a promise made by `holdForSlash` without slashing (the slash was waived). */
export function releaseHold(ctx: RuntimeContext, worker: Uint8Array, amount: bigint): void {
  const ledger = Stakes.get(ctx.state, worker);
  if (ledger === undefined || amount === 0n) return;
  const held = ledger.held > amount ? ledger.held - amount : 0n;
  const next = { ...ledger, held };
  if (next.active === 0n && next.unbonding.length === 0 && !next.locked && held === 0n)
    Stakes.delete(ctx.state, worker);
  else Stakes.set(ctx.state, worker, next);
}

/**
 * Takes up to `amount` of the worker's stake to the treasury: active stake first, then unbonding
 * chunks from the newest (unbonding does not escape a penalty). Returns what was taken; the caller
 * passes shares of it on from the treasury. Emits `StakeSlashed`.
 */
export function slashStake(
  ctx: RuntimeContext,
  worker: Uint8Array,
  amount: bigint,
  options: { fromHold?: boolean } = {},
): bigint {
  const stored = Stakes.get(ctx.state, worker);
  // A held amount is released by its slash, whatever the slash finds left to take.
  const ledger =
    stored !== undefined && options.fromHold
      ? { ...stored, held: stored.held > amount ? stored.held - amount : 0n }
      : stored;
  if (ledger === undefined || amount <= 0n) return 0n;
  let left = amount;
  const fromActive = smaller(left, ledger.active);
  left -= fromActive;
  const unbonding = ledger.unbonding.map((chunk) => ({ ...chunk }));
  for (let i = unbonding.length - 1; i >= 0 && left > 0n; i--) {
    const chunk = unbonding[i]!;
    const taken = smaller(left, chunk.amount);
    chunk.amount -= taken;
    left -= taken;
  }
  const wanted = amount - left;
  if (wanted === 0n) return 0n;
  // The ledger is backed by the owner's reserve one for one, so this takes exactly `wanted`.
  const taken = slashReserved(ctx, ledger.owner, wanted);
  const next: StakeLedger = {
    ...ledger,
    active: ledger.active - fromActive,
    unbonding: unbonding.filter((chunk) => chunk.amount > 0n),
  };
  if (next.active === 0n && next.unbonding.length === 0 && !next.locked && next.held === 0n)
    Stakes.delete(ctx.state, worker);
  else Stakes.set(ctx.state, worker, next);
  StakingEvents.StakeSlashed.emit(ctx, { worker, owner: ledger.owner, amount: taken });
  return taken;
}
