// The outage guard (DESIGN.md section 7): when more than `outageSharePpm` of the challenges that fell
// due over the last `outageWindow` blocks were missed, by workers of at least `outageMinOperators`
// operators, misses are recorded but nobody is slashed. It looks at a window of blocks, never at one
// block's due set: the workers challenged together are neighbours in key order and keys can be
// ground, so a cluster of one operator's workers, absent together, must not pass for an outage; the
// operator count is what tells a network-wide failure from one party's coordinated absence.
// State is O(window): per-block counts with running sums, and each missing operator's last miss.
import type { RuntimeContext } from '../support/dispatch.js';
import { ppmOf } from './config.js';
import { OperatorMissExpiries, OperatorMisses, OutageBlocks, OutageTotals } from './storage.js';
import type { ComputationConfig, OutageTotals as Totals } from './types.js';

const EMPTY: Totals = { due: 0, missed: 0, operators: 0 };

function readTotals(ctx: RuntimeContext): Totals {
  return OutageTotals.get(ctx.state) ?? EMPTY;
}

function writeTotals(ctx: RuntimeContext, totals: Totals): void {
  if (totals.due === 0 && totals.missed === 0 && totals.operators === 0) OutageTotals.delete(ctx.state);
  else OutageTotals.set(ctx.state, totals);
}

/** At the start of block `h`: the block that left the window, and operators whose last miss did. */
export function slideOutageWindow(ctx: RuntimeContext, window: number, budget: number): void {
  const h = ctx.block.number;
  let totals = readTotals(ctx);
  const leaving = h - window;
  if (leaving >= 0) {
    const counts = OutageBlocks.get(ctx.state, leaving);
    if (counts !== undefined) {
      OutageBlocks.delete(ctx.state, leaving);
      totals = { ...totals, due: totals.due - counts.due, missed: totals.missed - counts.missed };
    }
  }
  for (const operator of OperatorMissExpiries.takeDue(ctx.state, BigInt(h), budget)) {
    const last = OperatorMisses.get(ctx.state, operator);
    // A later miss moved its expiry on: this entry is stale.
    if (last === undefined || last + window > h) continue;
    OperatorMisses.delete(ctx.state, operator);
    totals = { ...totals, operators: totals.operators - 1 };
  }
  writeTotals(ctx, totals);
}

/** Counts a challenge that fell due at this block, answered or missed (by `operator`). */
export function countDue(ctx: RuntimeContext, window: number, missedBy: Uint8Array | undefined): void {
  const h = ctx.block.number;
  const counts = OutageBlocks.get(ctx.state, h) ?? { due: 0, missed: 0 };
  const missed = missedBy === undefined ? 0 : 1;
  OutageBlocks.set(ctx.state, h, { due: counts.due + 1, missed: counts.missed + missed });
  const totals = readTotals(ctx);
  let operators = totals.operators;
  if (missedBy !== undefined) {
    const last = OperatorMisses.get(ctx.state, missedBy);
    if (last === undefined) operators += 1;
    OperatorMisses.set(ctx.state, missedBy, h);
    OperatorMissExpiries.schedule(ctx.state, BigInt(h + window), missedBy);
  }
  writeTotals(ctx, { due: totals.due + 1, missed: totals.missed + missed, operators });
}

/** Whether the window shows a network-wide outage now (so a miss is not slashed). */
export function isOutage(ctx: RuntimeContext, config: ComputationConfig): boolean {
  const { due, missed, operators } = readTotals(ctx);
  if (due === 0 || operators < config.outageMinOperators) return false;
  return BigInt(missed) > ppmOf(BigInt(due), config.outageSharePpm);
}
