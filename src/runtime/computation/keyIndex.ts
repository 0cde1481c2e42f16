// The challenge index (DESIGN.md section 7, "Finding who is challenged without visiting every
// worker"): workers in a session, ordered by their challenge key. A threshold of THRESHOLD_BITS
// significant bits makes a block's challenged set a union of at most that many prefix ranges of the
// key; each range is found through counts kept per prefix of 0..BUCKET_BITS bits (descending only
// into prefixes that hold someone) and read from the buckets of the top BUCKET_BITS bits. A block
// thus visits O(challenged · BUCKET_BITS + ranges) entries, never all N.
import type { StateReader } from '../api.js';
import type { StateWriter } from '../support/storage.js';
import { IndexBucketLengths, IndexBuckets, IndexCounts, IndexPositions } from './storage.js';
import { challengeKeyOf } from './types.js';

export const BUCKET_BITS = 16;
const SHIFT = BigInt(64 - BUCKET_BITS);

function bucketOf(key: bigint): number {
  return Number(key >> SHIFT);
}

function addCounts(state: StateWriter, bucket: number, delta: 1 | -1): void {
  for (let depth = 0; depth <= BUCKET_BITS; depth++) {
    const at = { depth, prefix: bucket >>> (BUCKET_BITS - depth) };
    const next = (IndexCounts.get(state, at) ?? 0) + delta;
    if (next === 0) IndexCounts.delete(state, at);
    else IndexCounts.set(state, at, next);
  }
}

/** Adds `worker` (not already in); O(BUCKET_BITS) writes. */
export function indexInsert(state: StateWriter, worker: Uint8Array): void {
  const bucket = bucketOf(challengeKeyOf(worker));
  const length = IndexBucketLengths.get(state, bucket) ?? 0;
  IndexBuckets.set(state, { bucket, index: length }, worker);
  IndexBucketLengths.set(state, bucket, length + 1);
  IndexPositions.set(state, worker, length);
  addCounts(state, bucket, 1);
}

/** Removes `worker` if it is in: the bucket's last entry takes its place. */
export function indexRemove(state: StateWriter, worker: Uint8Array): void {
  const position = IndexPositions.get(state, worker);
  if (position === undefined) return;
  const bucket = bucketOf(challengeKeyOf(worker));
  const last = (IndexBucketLengths.get(state, bucket) ?? 1) - 1;
  if (position !== last) {
    const moved = IndexBuckets.get(state, { bucket, index: last })!;
    IndexBuckets.set(state, { bucket, index: position }, moved);
    IndexPositions.set(state, moved, position);
  }
  IndexBuckets.delete(state, { bucket, index: last });
  if (last === 0) IndexBucketLengths.delete(state, bucket);
  else IndexBucketLengths.set(state, bucket, last);
  IndexPositions.delete(state, worker);
  addCounts(state, bucket, -1);
}

/** How many workers the index holds. */
export function indexSize(state: StateReader): number {
  return IndexCounts.get(state, { depth: 0, prefix: 0 }) ?? 0;
}

export function isIndexed(state: StateReader, worker: Uint8Array): boolean {
  return IndexPositions.has(state, worker);
}

/**
 * Calls `visit` for every indexed worker with `(key XOR seed) < threshold`, until it has visited
 * `limit` workers. Walks the set bits of `threshold`: bit b contributes the workers whose key agrees
 * with `threshold XOR seed` above bit b and with `seed` at bit b, one prefix range of 64 − b bits.
 */
export function forEachChallenged(
  state: StateReader,
  seed: bigint,
  threshold: bigint,
  limit: number,
  visit: (worker: Uint8Array) => void,
): void {
  let visited = 0;
  const emit = (worker: Uint8Array): boolean => {
    visit(worker);
    visited += 1;
    return visited < limit;
  };
  const readBucket = (bucket: number, matches: (key: bigint) => boolean): boolean => {
    const length = IndexBucketLengths.get(state, bucket) ?? 0;
    for (let index = 0; index < length; index++) {
      const worker = IndexBuckets.get(state, { bucket, index })!;
      if (matches(challengeKeyOf(worker)) && !emit(worker)) return false;
    }
    return true;
  };
  // Every worker under a prefix of `depth` ≤ BUCKET_BITS bits, descending only where counts say so.
  const descend = (depth: number, prefix: number): boolean => {
    if ((IndexCounts.get(state, { depth, prefix }) ?? 0) === 0) return true;
    if (depth === BUCKET_BITS) return readBucket(prefix, () => true);
    return descend(depth + 1, prefix * 2) && descend(depth + 1, prefix * 2 + 1);
  };
  if (limit <= 0 || threshold <= 0n) return;
  if (threshold >= 1n << 64n) {
    descend(0, 0);
    return;
  }
  for (let b = 63; b >= 0; b--) {
    const bit = BigInt(b);
    if (((threshold >> bit) & 1n) === 0n) continue;
    const length = 64 - b;
    const prefix = (threshold >> bit) ^ 1n ^ (seed >> bit);
    const more =
      length >= BUCKET_BITS
        ? readBucket(Number(prefix >> BigInt(length - BUCKET_BITS)), (key) => key >> bit === prefix)
        : descend(length, Number(prefix));
    if (!more) return;
  }
}
