// Rewards (DESIGN.md section 7): a per-block budget shared by weight among the Idle and Serving
// workers, accrued lazily. The index grows each block by rewardPerBlock · 2^64 / total weight; a
// worker's accrual is weight · (index now − index when it joined or was last paid) / 2^64, paid
// (minted) when it answers a challenge. A miss or a stop takes it out of the pool and forfeits what
// it accrued. No block visits every worker, and the sum paid never exceeds the budgets minted for.
// The index is kept modulo 2^128: differences stay exact as long as one accrual spans less than that.

import type { StateReader } from '../api.js';
import { mint } from '../balances/currency.js';
import type { RuntimeContext } from '../support/dispatch.js';
import { RewardIndex } from './storage.js';
import type { Session } from './types.js';
import { poolTotal } from './weightPool.js';

const MOD = 1n << 128n;

export function readRewardIndex(ctx: { readonly state: StateReader }): bigint {
  return RewardIndex.get(ctx.state) ?? 0n;
}

/** Once per block: shares `rewardPerBlock` over the pool's weight (nothing when the pool is empty). */
export function advanceRewardIndex(ctx: RuntimeContext, rewardPerBlock: bigint): void {
  const total = poolTotal(ctx.state);
  if (total === 0n || rewardPerBlock === 0n) return;
  RewardIndex.set(ctx.state, (readRewardIndex(ctx) + (rewardPerBlock << 64n) / total) % MOD);
}

/** What `session` has accrued since its index snapshot. */
export function accruedReward(ctx: { readonly state: StateReader }, session: Session): bigint {
  const grown = (readRewardIndex(ctx) - session.rewardIndex + MOD) % MOD;
  return (session.weight * grown) >> 64n;
}

/** Pays the accrual to the operator (minted); returns what was paid. */
export function payReward(ctx: RuntimeContext, session: Session): bigint {
  return mint(ctx, session.operator, accruedReward(ctx, session));
}
