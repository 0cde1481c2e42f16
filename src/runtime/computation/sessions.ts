// Session states and what each move does (DESIGN.md section 7): a session in Idle, Serving or
// Unresponsive is in the challenge index; in Idle or Serving it is also in the draw pool with its
// weight (and accrues rewards). Every move goes through `moveSession`, which keeps both structures
// in step with the state and emits `SessionStateChanged`. Contracts learn of workers to move away
// from through the Displaced queue (the contracts module drains it at the end of the block).
import type { StateReader } from '../api.js';
import { readStakingConfig, setStakeLocked } from '../staking/stake.js';
import type { RuntimeContext } from '../support/dispatch.js';
import { ComputationEvents } from './events.js';
import { indexInsert, indexRemove } from './keyIndex.js';
import { readRewardIndex } from './rewards.js';
import { Cooldowns, DisplacedQueue, Sessions } from './storage.js';
import type { Session, SessionState } from './types.js';
import { poolInsert, poolRemove } from './weightPool.js';

const IN_INDEX: ReadonlySet<SessionState> = new Set(['Idle', 'Serving', 'Unresponsive']);
const IN_POOL: ReadonlySet<SessionState> = new Set(['Idle', 'Serving']);

export function isInSession(state: SessionState): boolean {
  return IN_INDEX.has(state);
}

/** Stake units: 16 per minStake of active stake, at most 1024 (so 64 minStakes weigh the most). */
export function weightOf(score: number, stake: bigint, minStake: bigint): bigint {
  const units = (stake * 16n) / minStake;
  const capped = units > 1024n ? 1024n : units;
  const weight = BigInt(score) * capped;
  return weight > 0n ? weight : 1n;
}

export function readSession(state: StateReader, worker: Uint8Array): Session | undefined {
  return Sessions.get(state, worker);
}

/**
 * Moves `session` to `to` (writing it), entering or leaving the index and the pool as the states
 * require. `weight` is the weight to enter the pool with (the session's own if omitted).
 */
export function moveSession(
  ctx: RuntimeContext,
  worker: Uint8Array,
  session: Session,
  to: SessionState,
  weight: bigint = session.weight,
): Session {
  const from = session.state;
  const next: Session = { ...session, state: to };
  if (IN_POOL.has(from) && !IN_POOL.has(to)) {
    poolRemove(ctx.state, session.poolSlot, session.weight);
    next.poolSlot = 0;
  } else if (!IN_POOL.has(from) && IN_POOL.has(to)) {
    next.weight = weight;
    next.poolSlot = poolInsert(ctx.state, worker, weight);
    next.rewardIndex = readRewardIndex(ctx);
  }
  if (IN_INDEX.has(from) && !IN_INDEX.has(to)) indexRemove(ctx.state, worker);
  else if (!IN_INDEX.has(from) && IN_INDEX.has(to)) indexInsert(ctx.state, worker);
  Sessions.set(ctx.state, worker, next);
  if (from !== to) ComputationEvents.SessionStateChanged.emit(ctx, { worker, session: next.id, from, to });
  return next;
}

/** Idle or Serving, as its contract count says. */
export function workingState(session: Session): SessionState {
  return session.contracts > 0 ? 'Serving' : 'Idle';
}

/** Files `worker` for its contracts to move at the end of this block (`missBlock`: see Displaced). */
export function displace(ctx: RuntimeContext, worker: Uint8Array, missBlock: number): void {
  DisplacedQueue.schedule(ctx.state, BigInt(ctx.block.number), { worker, missBlock });
}

/**
 * Stops a session: → CoolingDown until `cooldownBlocks` from now, out of the index and pool, its
 * contracts displaced. The stake stays locked until the cool-down ends (`finishCooldown`).
 */
export function stopSession(
  ctx: RuntimeContext,
  worker: Uint8Array,
  session: Session,
  cooldownBlocks: number,
): Session {
  if (session.contracts > 0) displace(ctx, worker, 0);
  const cooldownEnds = ctx.block.number + cooldownBlocks;
  const stopped = moveSession(ctx, worker, { ...session, pending: undefined, cooldownEnds }, 'CoolingDown');
  Cooldowns.schedule(ctx.state, BigInt(cooldownEnds), { worker, session: session.id, since: cooldownEnds });
  return stopped;
}

/** The end of a cool-down: → Ready, the stake free to unbond. */
export function finishCooldown(ctx: RuntimeContext, worker: Uint8Array, session: Session): void {
  moveSession(ctx, worker, session, 'Ready');
  setStakeLocked(ctx, worker, false);
}

/**
 * The contracts module's one write: `worker` holds `delta` more (or fewer) contracts. An Idle worker
 * that gains one becomes Serving, a Serving one that holds none becomes Idle; an Unresponsive or
 * stopped one keeps its state.
 */
export function noteContracts(ctx: RuntimeContext, worker: Uint8Array, delta: number): void {
  const session = Sessions.get(ctx.state, worker);
  if (session === undefined) throw new Error('noteContracts: worker has no session');
  const contracts = Math.max(0, session.contracts + delta);
  const updated = { ...session, contracts };
  if (session.state === 'Idle' || session.state === 'Serving')
    moveSession(ctx, worker, updated, workingState(updated));
  else Sessions.set(ctx.state, worker, updated);
}

/** The weight a worker would enter the pool with now. */
export function currentWeight(state: StateReader, score: number, stake: bigint): bigint {
  return weightOf(score, stake, readStakingConfig(state).minStake);
}
