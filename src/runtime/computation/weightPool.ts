// The draw pool: Idle and Serving workers with their weights (score × stake units) in a Fenwick tree
// kept in state, so that a stake-and-score-weighted draw, an insertion and a removal each cost
// O(log POOL_CAPACITY) reads and writes whatever the number of workers, and the total weight (what
// rewards are shared against) is one read.
import type { StateReader } from '../api.js';
import type { StateWriter } from '../support/storage.js';
import { PoolFree, PoolFreeLength, PoolHighSlot, PoolSlots, PoolTree } from './storage.js';

/** Slots in the pool: more Idle and Serving workers than this cannot start. */
export const POOL_CAPACITY = 1 << 20;

function addAt(state: StateWriter, slot: number, delta: bigint): void {
  for (let i = slot; i <= POOL_CAPACITY; i += i & -i) {
    const next = (PoolTree.get(state, i) ?? 0n) + delta;
    if (next === 0n) PoolTree.delete(state, i);
    else PoolTree.set(state, i, next);
  }
}

/** Whether a slot is free for one more worker. */
export function poolHasRoom(state: StateReader): boolean {
  return (PoolFreeLength.get(state) ?? 0) > 0 || (PoolHighSlot.get(state) ?? 0) < POOL_CAPACITY;
}

/** Puts `worker` in the pool with `weight` (> 0); returns its slot. The caller checked `poolHasRoom`. */
export function poolInsert(state: StateWriter, worker: Uint8Array, weight: bigint): number {
  const free = PoolFreeLength.get(state) ?? 0;
  let slot: number;
  if (free > 0) {
    slot = PoolFree.get(state, free - 1)!;
    PoolFree.delete(state, free - 1);
    PoolFreeLength.set(state, free - 1);
  } else {
    slot = (PoolHighSlot.get(state) ?? 0) + 1;
    PoolHighSlot.set(state, slot);
  }
  PoolSlots.set(state, slot, worker);
  addAt(state, slot, weight);
  return slot;
}

/** Takes the worker at `slot` (with its `weight`) out of the pool. */
export function poolRemove(state: StateWriter, slot: number, weight: bigint): void {
  addAt(state, slot, -weight);
  PoolSlots.delete(state, slot);
  const free = PoolFreeLength.get(state) ?? 0;
  PoolFree.set(state, free, slot);
  PoolFreeLength.set(state, free + 1);
}

/** The pool's total weight. */
export function poolTotal(state: StateReader): bigint {
  return PoolTree.get(state, POOL_CAPACITY) ?? 0n;
}

/**
 * The worker whose weight interval holds `point` (0 ≤ point < poolTotal): each worker is drawn with
 * probability weight / total when `point` is uniform. Undefined for an empty pool.
 */
export function poolFind(state: StateReader, point: bigint): Uint8Array | undefined {
  let position = 0;
  let rest = point;
  for (let step = POOL_CAPACITY; step > 0; step >>= 1) {
    const next = position + step;
    if (next > POOL_CAPACITY) continue;
    const sum = PoolTree.get(state, next) ?? 0n;
    if (sum <= rest) {
      position = next;
      rest -= sum;
    }
  }
  return PoolSlots.get(state, position + 1);
}
