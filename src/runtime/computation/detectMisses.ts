// Detection and penalties (DESIGN.md section 7). Each block takes only the challenges whose deadline
// has passed (the ChallengeDeadlines bucket, capped per block with carry-over). A challenge still
// open is a miss: the worker becomes Unresponsive and leaves the pool (an idle miss costs its
// accrued rewards, never stake), and its contracts are displaced to move at the end of the block.
// After `maxStrikes` misses in a row the session stops.
//
// A miss while holding contracts is slashed, but not at once: the first misses of a network-wide
// outage look like anyone's, and only the window that follows shows the outage. So the slash is
// decided `outageWindow` blocks after the miss (as Substrate defers slashes): waived if the outage
// guard held at the miss or holds then, otherwise taken. The amount is fixed at the miss, `slashPpm`
// of the slashable stake not already promised to earlier misses (so misses compound), and held in
// the stake meanwhile so that unbonding and withdrawing cannot shrink it; a share of it is paid to
// the owners of the contracts the worker held.
import { activeStake, holdForSlash, readStakingConfig, releaseHold, slashStake } from '../staking/stake.js';
import type { RuntimeContext } from '../support/dispatch.js';
import { ppmOf } from './config.js';
import { ComputationEvents } from './events.js';
import { countDue, isOutage } from './outageGuard.js';
import { displace, isInSession, moveSession, stopSession } from './sessions.js';
import { ChallengeDeadlines, Compensations, PendingSlashes, Sessions } from './storage.js';
import type { ChallengeEntry, ComputationConfig, PendingSlash, Session } from './types.js';

export interface MissPass {
  /** Challenges that fell due (answered or not) and those missed. */
  readonly due: number;
  readonly missed: number;
  /** Stake slashed by the slashes decided at this block. */
  readonly slashed: bigint;
}

function recordMiss(
  ctx: RuntimeContext,
  entry: ChallengeEntry,
  session: Session,
  config: ComputationConfig,
): void {
  const { worker } = entry;
  const block = ctx.block.number;
  countDue(ctx, config.outageWindow, session.operator);
  const serving = session.contracts > 0;
  const slashPending = serving && !isOutage(ctx, config);
  if (serving) displace(ctx, worker, slashPending ? block : 0);
  if (slashPending) {
    PendingSlashes.schedule(ctx.state, BigInt(block + config.outageWindow), {
      worker,
      session: session.id,
      missBlock: block,
      amount: holdForSlash(ctx, worker, config.slashPpm),
    });
  } else if (serving) {
    ComputationEvents.SlashWaived.emit(ctx, { worker, missBlock: block });
  }
  const strikes = session.strikes + 1;
  const missed = moveSession(
    ctx,
    worker,
    { ...session, pending: undefined, strikes, misses: session.misses + 1, lastMissed: entry.block },
    'Unresponsive',
  );
  ComputationEvents.HeartbeatMissed.emit(ctx, {
    worker,
    session: session.id,
    challengeBlock: entry.block,
    strikes,
    slashPending,
  });
  if (strikes >= config.maxStrikes) stopSession(ctx, worker, missed, config.cooldownBlocks);
}

/** Decides a deferred slash: waived in an outage, otherwise taken (and the session stopped if under minStake). */
function decideSlash(ctx: RuntimeContext, pending: PendingSlash, config: ComputationConfig): bigint {
  const { worker, missBlock } = pending;
  let amount = 0n;
  let ownersShare = 0n;
  if (isOutage(ctx, config)) {
    releaseHold(ctx, worker, pending.amount);
    ComputationEvents.SlashWaived.emit(ctx, { worker, missBlock });
  } else {
    amount = slashStake(ctx, worker, pending.amount, { fromHold: true });
    ownersShare = ppmOf(amount, config.ownerSharePpm);
    ComputationEvents.Slashed.emit(ctx, { worker, missBlock, amount, ownersShare });
  }
  // Always filed, so the contracts module drops the contract ids it kept for this miss.
  Compensations.schedule(ctx.state, BigInt(ctx.block.number), { worker, missBlock, ownersShare });
  const session = Sessions.get(ctx.state, worker);
  if (
    session?.id === pending.session &&
    isInSession(session.state) &&
    activeStake(ctx.state, worker) < readStakingConfig(ctx.state).minStake
  ) {
    stopSession(ctx, worker, session, config.cooldownBlocks);
  }
  return amount;
}

/** Settles the challenges whose deadline has passed by this block, and decides the slashes due. */
export function detectMisses(ctx: RuntimeContext, config: ComputationConfig): MissPass {
  let due = 0;
  let missed = 0;
  const budget = config.maxProcessPerBlock;
  for (const entry of ChallengeDeadlines.takeDue(ctx.state, BigInt(ctx.block.number), budget)) {
    const session = Sessions.get(ctx.state, entry.worker);
    if (session === undefined || session.id !== entry.session) continue;
    if (session.pending?.block === entry.block) {
      due += 1;
      missed += 1;
      recordMiss(ctx, entry, session, config);
    } else if (session.lastAnswered === entry.block) {
      due += 1;
      countDue(ctx, config.outageWindow, undefined);
    }
  }
  let slashed = 0n;
  for (const pending of PendingSlashes.takeDue(ctx.state, BigInt(ctx.block.number), budget)) {
    slashed += decideSlash(ctx, pending, config);
  }
  return { due, missed, slashed };
}
