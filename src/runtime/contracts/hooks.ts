// contracts hooks, at the end of every block: move the contracts of the workers the computation
// module displaced in this block (a miss, a stop, a lapse), keeping, for a miss whose slash is still
// to be decided, which contracts the worker held; pay each such contract's owner its share once the
// slash is decided; then top up understaffed contracts. Each queue is taken within a budget, with
// carry-over.
import { transferFunds } from '../balances/currency.js';
import { TREASURY_ACCOUNT } from '../balances/types.js';
import { Compensations, DisplacedQueue } from '../computation/index.js';
import type { RuntimeContext } from '../support/dispatch.js';
import { DispatchError } from '../support/errors.js';
import { fillReplicas, UNDERSTAFFED_BUDGET, unassign } from './assign.js';
import { ContractsEvents } from './events.js';
import { Contracts, HeldAtMiss, ShortContracts, Understaffed, WorkerContracts } from './storage.js';

/** Most displaced workers and compensations handled per block (each). */
export const DISPLACED_BUDGET = 256;

/** Splits `share` evenly between the owners of `ids` (one part per contract), from the treasury. */
function compensate(ctx: RuntimeContext, ids: readonly number[], share: bigint): void {
  if (share === 0n || ids.length === 0) return;
  const each = share / BigInt(ids.length);
  if (each === 0n) return;
  for (const id of ids) {
    const contract = Contracts.get(ctx.state, id);
    if (contract === undefined) continue;
    try {
      transferFunds(ctx, TREASURY_ACCOUNT, contract.owner, each, 'allowDeath');
      ContractsEvents.Compensated.emit(ctx, { contract: id, owner: contract.owner, amount: each });
    } catch (error) {
      // An owner that cannot receive (below the existential deposit): the treasury keeps the share.
      if (!(error instanceof DispatchError)) throw error;
    }
  }
}

export function onFinalizeContracts(ctx: RuntimeContext): void {
  const now = BigInt(ctx.block.number);
  for (const { worker, missBlock } of DisplacedQueue.takeDue(ctx.state, now, DISPLACED_BUDGET)) {
    const ids = WorkerContracts.get(ctx.state, worker) ?? [];
    if (missBlock !== 0 && ids.length > 0) HeldAtMiss.set(ctx.state, { worker, block: missBlock }, ids);
    for (const id of ids) {
      unassign(ctx, id, worker);
      const contract = Contracts.get(ctx.state, id);
      if (contract !== undefined) fillReplicas(ctx, id, contract);
    }
  }
  for (const { worker, missBlock, ownersShare } of Compensations.takeDue(ctx.state, now, DISPLACED_BUDGET)) {
    const key = { worker, block: missBlock };
    compensate(ctx, HeldAtMiss.get(ctx.state, key) ?? [], ownersShare);
    HeldAtMiss.delete(ctx.state, key);
  }
  for (const id of Understaffed.takeDue(ctx.state, now, UNDERSTAFFED_BUDGET)) {
    ShortContracts.delete(ctx.state, id);
    const contract = Contracts.get(ctx.state, id);
    if (contract !== undefined) fillReplicas(ctx, id, contract);
  }
}
