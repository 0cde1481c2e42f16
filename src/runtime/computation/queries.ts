// computation queries, for RPC handlers, tests and the simulator.
import type { StateReader } from '../api.js';
import { readComputationConfig } from './config.js';
import { indexSize } from './keyIndex.js';
import { accruedReward } from './rewards.js';
import { ChallengeDeadlines, Sessions } from './storage.js';
import type { ChallengeEntry, ComputationConfig, Session } from './types.js';
import { poolTotal } from './weightPool.js';

export function getSession(state: StateReader, worker: Uint8Array): Session | undefined {
  return Sessions.get(state, worker);
}

export function getComputationConfig(state: StateReader): ComputationConfig {
  return readComputationConfig(state);
}

/** Rewards `session` has accrued and not been paid yet. */
export function getAccruedReward(state: StateReader, session: Session): bigint {
  return accruedReward({ state }, session);
}

/** Workers in a session (Idle, Serving, Unresponsive), and the pool's total weight. */
export function getLivenessTotals(state: StateReader): { inSession: number; poolWeight: bigint } {
  return { inSession: indexSize(state), poolWeight: poolTotal(state) };
}

/** Challenges checked at the start of block `checkAt` (deadline + 1) and still pending there. */
export function listChallengesDue(state: StateReader, checkAt: number): ChallengeEntry[] {
  return ChallengeDeadlines.pending(state, BigInt(checkAt));
}
