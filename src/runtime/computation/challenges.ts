// Issuing challenges (DESIGN.md section 7). Each block h challenges the workers of the index with
// (key XOR seed_h) < threshold, the threshold set from the index size so that about
// `expectedHeartbeats` are challenged per block (at most `maxChallengesPerHour` each), and every
// worker whose silence reached `maxSilence` (the SilenceDeadlines bucket of h). A challenge is
// recorded in the session (a worker's light client proves it there) and in the bucket of its
// deadline. A worker with an open challenge is not challenged again until it is settled.
import type { RuntimeContext } from '../support/dispatch.js';
import { ComputationEvents } from './events.js';
import { forEachChallenged, indexSize } from './keyIndex.js';
import { ChallengeDeadlines, Sessions, SilenceDeadlines } from './storage.js';
import {
  type ComputationConfig,
  challengeKeyOf,
  challengeSeedOf,
  challengeThreshold,
  type Session,
} from './types.js';

const HOUR_MS = 3_600_000n;

/** Opens a challenge for `worker` at this block, unless one is open or the hourly cap says no. */
export function challenge(
  ctx: RuntimeContext,
  worker: Uint8Array,
  session: Session,
  config: ComputationConfig,
  forced: boolean,
): boolean {
  if (session.pending !== undefined) return false;
  const now = ctx.block.timestamp;
  const gap = HOUR_MS / BigInt(config.maxChallengesPerHour);
  if (!forced && session.lastChallengeMs !== 0n && now < session.lastChallengeMs + gap) return false;
  const block = ctx.block.number;
  const deadline = block + config.heartbeatWindow;
  Sessions.set(ctx.state, worker, {
    ...session,
    pending: { block, deadline },
    lastChallengeBlock: block,
    lastChallengeMs: now,
  });
  // Checked at the start of the block after the deadline: a heartbeat in the deadline block counts.
  ChallengeDeadlines.schedule(ctx.state, BigInt(deadline + 1), { worker, session: session.id, block });
  scheduleSilence(ctx, worker, session.id, config);
  ComputationEvents.Challenged.emit(ctx, { worker, session: session.id, block, deadline, forced });
  return true;
}

/** Files the session's forced challenge `maxSilence` blocks from now. */
export function scheduleSilence(
  ctx: RuntimeContext,
  worker: Uint8Array,
  session: number,
  config: ComputationConfig,
): void {
  const since = ctx.block.number;
  SilenceDeadlines.schedule(ctx.state, BigInt(since + config.maxSilence), { worker, session, since });
}

/**
 * Files a new session's first forced challenge at a point of its first `maxSilence` blocks set by
 * its challenge key. Sessions started together (a devnet, an operator's fleet) would otherwise fall
 * due together every `maxSilence` blocks, more than a block's budget takes at once, and carry-over
 * would stretch their silence past the bound; spread, they fall due about N / maxSilence per block.
 */
export function scheduleFirstSilence(
  ctx: RuntimeContext,
  worker: Uint8Array,
  session: number,
  config: ComputationConfig,
): void {
  const since = ctx.block.number;
  const offset = 1 + Number(challengeKeyOf(worker) % BigInt(config.maxSilence));
  SilenceDeadlines.schedule(ctx.state, BigInt(since + offset), { worker, session, since });
}

/** What one block's challenge pass did (for tests, benchmarks and the simulator). */
export interface ChallengePass {
  readonly random: number;
  readonly forced: number;
}

/** Issues this block's challenges: forced ones first (their bound is a promise), then the draw. */
export function issueChallenges(ctx: RuntimeContext, config: ComputationConfig): ChallengePass {
  const budget = config.maxProcessPerBlock;
  let forced = 0;
  for (const entry of SilenceDeadlines.takeDue(ctx.state, BigInt(ctx.block.number), budget)) {
    const session = Sessions.get(ctx.state, entry.worker);
    // Stale: another session, or challenged since (a newer entry stands for it).
    if (session === undefined || session.id !== entry.session || session.lastChallengeBlock !== entry.since)
      continue;
    if (session.state !== 'Idle' && session.state !== 'Serving' && session.state !== 'Unresponsive') continue;
    if (challenge(ctx, entry.worker, session, config, true)) forced += 1;
    // Still open (its deadline is behind in the queue): look again next block.
    else
      SilenceDeadlines.schedule(ctx.state, BigInt(ctx.block.number + 1), {
        worker: entry.worker,
        session: session.id,
        since: session.lastChallengeBlock,
      });
  }
  const threshold = challengeThreshold(indexSize(ctx.state), config.expectedHeartbeats);
  const seed = challengeSeedOf(ctx.block.parentHash);
  let random = 0;
  forEachChallenged(ctx.state, seed, threshold, budget, (worker) => {
    const session = Sessions.get(ctx.state, worker)!;
    if (challenge(ctx, worker, session, config, false)) random += 1;
  });
  return { random, forced };
}
