import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { toHex } from '../../codec/bytes.js';
import { EMPTY_STATE, Overlay } from '../support/overlay.js';
import {
  BUCKET_BITS,
  forEachChallenged,
  indexInsert,
  indexRemove,
  indexSize,
  isIndexed,
} from './keyIndex.js';
import { challengeKeyOf, challengeThreshold, isChallenged } from './types.js';

const TWO_64 = 1n << 64n;

/** A worker id: any 32 bytes serve the index, which only hashes them; `n` in the first four. */
function workerOf(n: number): Uint8Array {
  const bytes = new Uint8Array(32);
  new DataView(bytes.buffer).setUint32(0, n);
  return bytes;
}

/**
 * Ground offline (about 700,000 hashes): workerOf(n) for these n all have challenge keys with the
 * same top BUCKET_BITS bits, so they share one bucket of the index. The first test checks it.
 */
const SAME_BUCKET = [
  0, 76615, 148755, 179846, 272441, 515653, 517308, 528078, 575868, 597722, 618757, 695717,
];

function visited(
  state: Overlay,
  seed: bigint,
  threshold: bigint,
  limit = Number.POSITIVE_INFINITY,
): string[] {
  const out: string[] = [];
  forEachChallenged(state, seed, threshold, limit, (worker) => out.push(toHex(worker)));
  return out;
}

function bruteForce(workers: Iterable<Uint8Array>, seed: bigint, threshold: bigint): string[] {
  return [...workers].filter((w) => isChallenged(challengeKeyOf(w), seed, threshold)).map((w) => toHex(w));
}

const sorted = (list: readonly string[]) => [...list].sort();

function indexOf(workers: readonly Uint8Array[]): Overlay {
  const state = new Overlay(EMPTY_STATE);
  for (const worker of workers) indexInsert(state, worker);
  return state;
}

/** Workers: random ids, some of the same-bucket group, never the same id twice. */
const workersArb = fc
  .tuple(
    fc.uniqueArray(fc.integer({ min: 1_000_000, max: 2 ** 32 - 1 }), { maxLength: 120 }),
    fc.subarray(SAME_BUCKET),
  )
  .map(([random, bucket]) => [...random, ...bucket].map(workerOf));

/**
 * Thresholds of every kind: 0, the whole key space and beyond, random ones of any magnitude (so
 * that prefix ranges both shorter and longer than BUCKET_BITS occur), and the chain's own
 * challengeThreshold(active, expected) with its THRESHOLD_BITS rounding.
 */
const thresholdArb = fc.oneof(
  fc.constantFrom(0n, 1n, TWO_64 - 1n, TWO_64, TWO_64 + 5n, 1n << 70n),
  fc
    .tuple(fc.bigInt({ min: 0n, max: TWO_64 - 1n }), fc.integer({ min: 0, max: 63 }))
    .map(([t, shift]) => t >> BigInt(shift)),
  fc
    .tuple(fc.integer({ min: 1, max: 200_000 }), fc.integer({ min: 1, max: 1000 }))
    .map(([active, expected]) => challengeThreshold(active, expected)),
);

const seedArb = fc.bigInt({ min: 0n, max: TWO_64 - 1n });

describe('challenge key index', () => {
  it('holds the ground group in one bucket (the fixture the other tests rely on)', () => {
    const shift = BigInt(64 - BUCKET_BITS);
    const buckets = new Set(SAME_BUCKET.map((n) => challengeKeyOf(workerOf(n)) >> shift));
    assert.equal(buckets.size, 1);
  });

  it('visits exactly the workers the challenge rule picks, once each, for any workers, seed and threshold', () => {
    fc.assert(
      fc.property(workersArb, seedArb, thresholdArb, (workers, seed, threshold) => {
        const state = indexOf(workers);
        const seen = visited(state, seed, threshold);
        assert.equal(new Set(seen).size, seen.length, 'a worker visited twice');
        assert.deepEqual(sorted(seen), sorted(bruteForce(workers, seed, threshold)));
      }),
      { numRuns: 300 },
    );
  });

  it('picks the whole same-bucket group, or none of it, when the seed matches it above the threshold', () => {
    const workers = SAME_BUCKET.map(workerOf);
    const state = indexOf(workers);
    const bucketKey = challengeKeyOf(workers[0]!);
    // A threshold of 2^(64 − BUCKET_BITS) is one range of the top BUCKET_BITS bits: the seed's bucket.
    const threshold = 1n << BigInt(64 - BUCKET_BITS);
    assert.equal(visited(state, bucketKey, threshold).length, SAME_BUCKET.length);
    assert.equal(visited(state, bucketKey ^ threshold, threshold).length, 0);
    // Narrower ranges than a bucket: the in-bucket filter decides, as the brute force does.
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 64 - BUCKET_BITS }), (seed, bits) => {
        const narrow = 1n << BigInt(64 - BUCKET_BITS - bits);
        const aligned = (bucketKey & ~(threshold - 1n)) | (seed & (threshold - 1n));
        assert.deepEqual(
          sorted(visited(state, aligned, narrow)),
          sorted(bruteForce(workers, aligned, narrow)),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('stops after `limit` visits, each one a challenged worker', () => {
    fc.assert(
      fc.property(
        workersArb,
        seedArb,
        thresholdArb,
        fc.integer({ min: -1, max: 20 }),
        (workers, seed, threshold, limit) => {
          const state = indexOf(workers);
          const all = new Set(bruteForce(workers, seed, threshold));
          const seen = visited(state, seed, threshold, limit);
          assert.equal(seen.length, Math.min(Math.max(limit, 0), all.size));
          assert.equal(new Set(seen).size, seen.length);
          for (const worker of seen) assert.ok(all.has(worker));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stays exact through any sequence of insertions and removals, and leaves no state once emptied', () => {
    const op = fc.record({ insert: fc.boolean(), pick: fc.nat() });
    fc.assert(
      fc.property(
        workersArb,
        fc.array(op, { maxLength: 150 }),
        seedArb,
        thresholdArb,
        (pool, ops, seed, threshold) => {
          fc.pre(pool.length > 0);
          const state = new Overlay(EMPTY_STATE);
          const model = new Map<string, Uint8Array>();
          for (const { insert, pick } of ops) {
            const worker = pool[pick % pool.length]!;
            const hex = toHex(worker);
            if (insert && !model.has(hex)) {
              indexInsert(state, worker);
              model.set(hex, worker);
            } else if (!insert) {
              // Removing a worker that is not in is a no-op.
              indexRemove(state, worker);
              model.delete(hex);
            }
          }
          assert.equal(indexSize(state), model.size);
          for (const worker of pool) assert.equal(isIndexed(state, worker), model.has(toHex(worker)));
          assert.deepEqual(
            sorted(visited(state, seed, threshold)),
            sorted(bruteForce(model.values(), seed, threshold)),
          );
          for (const worker of model.values()) indexRemove(state, worker);
          assert.equal(indexSize(state), 0);
          assert.deepEqual([...state.changes().keys()], []);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('visits nobody in an empty index, whatever the threshold', () => {
    const state = new Overlay(EMPTY_STATE);
    for (const threshold of [0n, 1n << 40n, TWO_64]) assert.deepEqual(visited(state, 123n, threshold), []);
  });
});
