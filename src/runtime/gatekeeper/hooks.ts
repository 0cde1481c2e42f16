// gatekeeper hooks: forget used sequence numbers whose window has passed. The chain refuses such a
// number as outside its window whether or not it is still in the set (calls.ts), so dropping it
// changes no verdict; it only keeps the set as large as one window's worth of messages, however
// long the chain runs. Each block opens only the bucket that falls due (support/deadlineQueue.ts).
import type { RuntimeContext } from '../support/dispatch.js';
import { SequenceExpiries, UsedSequences } from './storage.js';

/**
 * Most entries pruned per block. More than any block accepts in practice (each is a master-signed
 * provision or share); the rest carries over to the next block, which is safe since a late prune
 * changes nothing but the size of the set.
 */
export const SEQUENCE_PRUNE_BUDGET = 1024;

export function onInitializeGatekeeper(ctx: RuntimeContext): void {
  const due = SequenceExpiries.takeDue(ctx.state, BigInt(ctx.block.number), SEQUENCE_PRUNE_BUDGET);
  for (const seq of due) UsedSequences.delete(ctx.state, seq);
}
