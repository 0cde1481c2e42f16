// Expiry that bites (DESIGN.md section 4, item 7): a registration lapses at `expiresAt` (block time,
// ms), and each block moves the workers that lapsed since to `Expired` without visiting the others.
// Every (re-)registration files its worker under the time slot its expiry falls due in (the
// `Expiries` deadline queue); a block takes only the slots its timestamp has passed, at most
// EXPIRY_BUDGET units of work, the rest carried to the next block. `isActiveWorker` does not wait for
// this: it compares `expiresAt` with the block time itself, so a lapsed worker is inactive at the very
// block it lapses, and the `Expired` state and its event follow within one slot.
import type { RuntimeContext } from '../support/dispatch.js';
import { Expiries, WorkerStates, Workers } from './storage.js';
import { hasLapsed, setWorkerState } from './workers.js';

/**
 * Length of an expiry slot, in ms of block time. Consensus: it decides which block marks a worker
 * `Expired`. Six seconds keeps the empty slots a block opens few (one per six seconds of block time,
 * a unit of budget each) while the `Expired` event trails the lapse by at most that.
 */
export const EXPIRY_SLOT_MS = 6000n;

/** Most queue work (one unit per slot opened and per entry taken) one block spends on expiries. */
export const EXPIRY_BUDGET = 256;

/**
 * The slot an expiry at `expiresAt` is filed under: the first slot boundary at or after it, so that
 * an entry is never taken before its worker has lapsed.
 */
export function expirySlot(expiresAt: bigint): bigint {
  return (expiresAt + EXPIRY_SLOT_MS - 1n) / EXPIRY_SLOT_MS;
}

/** Files `worker` for expiry at `expiresAt`; called by every (re-)registration. */
export function scheduleExpiry(ctx: RuntimeContext, worker: Uint8Array, expiresAt: bigint): void {
  Expiries.schedule(ctx.state, expirySlot(expiresAt), worker);
}

/** What one block's expiry pass did (for tests and logs). */
export interface ExpiryPass {
  /** Queue entries taken, stale ones included. */
  readonly taken: number;
  /** Workers moved to `Expired`. */
  readonly expired: number;
}

/**
 * The block hook's expiry pass: takes the entries of every slot whose boundary the block's timestamp
 * has reached (within `budget`) and moves each worker that is still lapsed to `Expired`, with
 * `registry.WorkerStateChanged`. An entry whose worker re-attested since (a later `expiresAt`), was
 * already expired (by `expire` or an earlier entry) or is unknown is stale and skipped: cancelling is
 * never needed, and a re-attestation files a new entry of its own.
 */
export function expireLapsedWorkers(ctx: RuntimeContext, budget: number = EXPIRY_BUDGET): ExpiryPass {
  const now = ctx.block.timestamp;
  const due = Expiries.takeDue(ctx.state, now / EXPIRY_SLOT_MS, budget);
  let expired = 0;
  for (const worker of due) {
    const state = WorkerStates.get(ctx.state, worker);
    if (state !== 'Registered' && state !== 'Provisioned') continue;
    const record = Workers.get(ctx.state, worker);
    if (record === undefined || !hasLapsed(record, now)) continue;
    setWorkerState(ctx, worker, 'Expired');
    expired += 1;
  }
  return { taken: due.length, expired };
}
