// computation hooks, at the start of every block (DESIGN.md section 7). Each step opens only the
// deadline buckets that fall due at this block, capped at `maxProcessPerBlock` entries each with
// carry-over, so a block's liveness work does not grow with the number of workers:
// rewards' index, the outage window, missed deadlines, ended cool-downs, lapsed attestations, then
// this block's challenges (forced, then drawn).
import { EXPIRY_SLOT_MS, expirySlot } from '../registry/expireLapsedWorkers.js';
import { hasLapsed, readWorker, readWorkerState } from '../registry/workers.js';
import type { RuntimeContext } from '../support/dispatch.js';
import { type ChallengePass, issueChallenges } from './challenges.js';
import { readComputationConfig } from './config.js';
import { detectMisses, type MissPass } from './detectMisses.js';
import { slideOutageWindow } from './outageGuard.js';
import { advanceRewardIndex } from './rewards.js';
import { finishCooldown, isInSession, stopSession } from './sessions.js';
import { Cooldowns, LapseChecks, Sessions } from './storage.js';
import type { ComputationConfig } from './types.js';

function endCooldowns(ctx: RuntimeContext, config: ComputationConfig): void {
  for (const entry of Cooldowns.takeDue(ctx.state, BigInt(ctx.block.number), config.maxProcessPerBlock)) {
    const session = Sessions.get(ctx.state, entry.worker);
    if (session?.id !== entry.session || session.state !== 'CoolingDown') continue;
    finishCooldown(ctx, entry.worker, session);
  }
}

/** Files the session's attestation check at its worker's expiry slot (the registry's slots). */
export function scheduleLapseCheck(ctx: RuntimeContext, worker: Uint8Array, session: number): void {
  const record = readWorker(ctx.state, worker);
  if (record === undefined) return;
  LapseChecks.schedule(ctx.state, expirySlot(record.attestation.expiresAt), { worker, session, since: 0 });
}

/** Sessions whose worker's attestation lapsed (or that lost `Provisioned`) stop; re-attested ones are filed again. */
function stopLapsed(ctx: RuntimeContext, config: ComputationConfig): void {
  const now = ctx.block.timestamp;
  for (const entry of LapseChecks.takeDue(ctx.state, now / EXPIRY_SLOT_MS, config.maxProcessPerBlock)) {
    const session = Sessions.get(ctx.state, entry.worker);
    if (session?.id !== entry.session || !isInSession(session.state)) continue;
    const record = readWorker(ctx.state, entry.worker);
    const standing =
      record !== undefined &&
      !hasLapsed(record, now) &&
      readWorkerState(ctx.state, entry.worker) === 'Provisioned';
    if (standing) scheduleLapseCheck(ctx, entry.worker, session.id);
    else stopSession(ctx, entry.worker, session, config.cooldownBlocks);
  }
}

/** What one block's liveness processing did. */
export interface LivenessPass {
  readonly misses: MissPass;
  readonly challenges: ChallengePass;
}

export function processLiveness(ctx: RuntimeContext): LivenessPass {
  const config = readComputationConfig(ctx.state);
  advanceRewardIndex(ctx, config.rewardPerBlock);
  slideOutageWindow(ctx, config.outageWindow, config.maxProcessPerBlock);
  const misses = detectMisses(ctx, config);
  endCooldowns(ctx, config);
  stopLapsed(ctx, config);
  const challenges = issueChallenges(ctx, config);
  return { misses, challenges };
}

export function onInitializeComputation(ctx: RuntimeContext): void {
  processLiveness(ctx);
}
