import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { toHex } from '../../codec/bytes.js';
import { EMPTY_STATE, Overlay } from '../support/overlay.js';
import { PoolHighSlot } from './storage.js';
import { POOL_CAPACITY, poolFind, poolHasRoom, poolInsert, poolRemove, poolTotal } from './weightPool.js';

function workerOf(n: number): Uint8Array {
  const bytes = new Uint8Array(32);
  new DataView(bytes.buffer).setUint32(0, n);
  return bytes;
}

interface Member {
  readonly worker: Uint8Array;
  readonly weight: bigint;
}

/** The worker whose interval holds `point` when the members are laid out by slot, lowest first. */
function bruteFind(members: ReadonlyMap<number, Member>, point: bigint): string | undefined {
  let cumulative = 0n;
  for (const slot of [...members.keys()].sort((a, b) => a - b)) {
    const { worker, weight } = members.get(slot)!;
    cumulative += weight;
    if (point < cumulative) return toHex(worker);
  }
  return undefined;
}

function find(state: Overlay, point: bigint): string | undefined {
  const worker = poolFind(state, point);
  return worker === undefined ? undefined : toHex(worker);
}

const weightArb = fc.oneof(fc.bigInt({ min: 1n, max: 1000n }), fc.bigInt({ min: 1n, max: 1n << 40n }));
const opArb = fc.record({ insert: fc.boolean(), weight: weightArb, pick: fc.nat() });

describe('weight pool', () => {
  it('finds the worker a cumulative search finds, at every interval edge and at random points, after any inserts and removals', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 1, maxLength: 120 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (ops, points) => {
          const state = new Overlay(EMPTY_STATE);
          const members = new Map<number, Member>();
          let next = 0;
          for (const { insert, weight, pick } of ops) {
            if (insert || members.size === 0) {
              const worker = workerOf(next++);
              members.set(poolInsert(state, worker, weight), { worker, weight });
            } else {
              const slots = [...members.keys()];
              const slot = slots[pick % slots.length]!;
              poolRemove(state, slot, members.get(slot)!.weight);
              members.delete(slot);
            }
          }
          const total = [...members.values()].reduce((sum, m) => sum + m.weight, 0n);
          assert.equal(poolTotal(state), total);
          // Every interval's first and last point, and random ones.
          const probes: bigint[] = [];
          let edge = 0n;
          for (const slot of [...members.keys()].sort((a, b) => a - b)) {
            probes.push(edge);
            edge += members.get(slot)!.weight;
            probes.push(edge - 1n);
          }
          if (total > 0n) for (const point of points) probes.push(BigInt(point) % total);
          for (const point of probes)
            assert.equal(find(state, point), bruteFind(members, point), `point ${point}`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('draws each worker in proportion to its weight when the point is uniform', () => {
    const state = new Overlay(EMPTY_STATE);
    const weights = [1n, 2n, 3n, 10n];
    const slots = weights.map((weight, i) => poolInsert(state, workerOf(i), weight));
    assert.deepEqual(slots, [1, 2, 3, 4]);
    const counts = new Map<string, number>();
    for (let point = 0n; point < 16n; point++) {
      const hex = find(state, point)!;
      counts.set(hex, (counts.get(hex) ?? 0) + 1);
    }
    assert.deepEqual(
      weights.map((_, i) => counts.get(toHex(workerOf(i)))),
      weights.map(Number),
    );
  });

  it('reuses the most recently freed slot before growing, and returns to no state once emptied', () => {
    const state = new Overlay(EMPTY_STATE);
    const a = poolInsert(state, workerOf(1), 5n);
    const b = poolInsert(state, workerOf(2), 7n);
    const c = poolInsert(state, workerOf(3), 11n);
    assert.deepEqual([a, b, c], [1, 2, 3]);
    poolRemove(state, a, 5n);
    poolRemove(state, c, 11n);
    // A stack: the last freed (3) first, then 1, then a new slot 4.
    assert.equal(poolInsert(state, workerOf(4), 1n), 3);
    assert.equal(poolInsert(state, workerOf(5), 1n), 1);
    assert.equal(poolInsert(state, workerOf(6), 1n), 4);
    assert.equal(PoolHighSlot.get(state), 4);
    assert.equal(poolTotal(state), 7n + 3n);
    assert.equal(find(state, 0n), toHex(workerOf(5)));
    assert.equal(find(state, 1n), toHex(workerOf(2)));
    assert.equal(find(state, 8n), toHex(workerOf(4)));
    assert.equal(find(state, 9n), toHex(workerOf(6)));
    for (const [slot, weight] of [
      [1, 1n],
      [2, 7n],
      [3, 1n],
      [4, 1n],
    ] as const)
      poolRemove(state, slot, weight);
    assert.equal(poolTotal(state), 0n);
    assert.equal(poolFind(state, 0n), undefined);
    // What remains is bookkeeping only: the free-slot stack and the high-water mark, no weights or workers.
    const left = [...state.changes().keys()].map(
      (hex) => Buffer.from(hex, 'hex').toString('latin1').split('/')[1],
    );
    assert.deepEqual([...new Set(left)].sort(), ['PoolFree', 'PoolFreeLength', 'PoolHighSlot']);
  });

  it('has room while a slot is free or the capacity is not reached', () => {
    const state = new Overlay(EMPTY_STATE);
    assert.ok(poolHasRoom(state));
    PoolHighSlot.set(state, POOL_CAPACITY);
    assert.ok(!poolHasRoom(state));
    // The last slot works like any other, and freeing it makes room again.
    poolRemove(state, poolInsertAt(state, POOL_CAPACITY), 9n);
    assert.ok(poolHasRoom(state));
  });
});

/** Puts a worker of weight 9 in `slot`, the highest one, as the pool would once the lower ones are taken. */
function poolInsertAt(state: Overlay, slot: number): number {
  PoolHighSlot.set(state, slot - 1);
  const got = poolInsert(state, workerOf(slot), 9n);
  assert.equal(got, slot);
  assert.equal(poolTotal(state), 9n);
  assert.equal(find(state, 8n), toHex(workerOf(slot)));
  return got;
}
