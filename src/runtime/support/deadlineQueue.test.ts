import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { u32 } from '../../codec/scale.js';
import type { StateReader } from '../api.js';
import { createDeadlineQueue } from './deadlineQueue.js';
import { EMPTY_STATE, Overlay } from './overlay.js';

/** Counts the reads that reach the state, to show the cost of a call does not grow with the queue. */
function countingReader(parent: StateReader): StateReader & { reads: number } {
  const reader = {
    reads: 0,
    get(key: Uint8Array) {
      reader.reads += 1;
      return parent.get(key);
    },
  };
  return reader;
}

describe('deadline queue', () => {
  it('takes each bucket when its slot falls due, oldest first, and never early', () => {
    const state = new Overlay(EMPTY_STATE);
    const queue = createDeadlineQueue('test', 'Due', u32);
    queue.schedule(state, 12n, 1);
    queue.schedule(state, 10n, 2);
    queue.schedule(state, 12n, 3);
    assert.deepEqual(queue.takeDue(state, 9n, 100), []);
    assert.deepEqual(queue.takeDue(state, 11n, 100), [2]);
    assert.deepEqual(queue.takeDue(state, 12n, 100), [1, 3]);
    assert.deepEqual(queue.takeDue(state, 50n, 100), []);
  });

  it('carries over what a call had no budget for, and loses nothing', () => {
    const state = new Overlay(EMPTY_STATE);
    const queue = createDeadlineQueue('test', 'Due', u32);
    for (let i = 0; i < 10; i++) queue.schedule(state, 5n, i);
    const first = queue.takeDue(state, 5n, 4); // one unit opens the bucket, three take entries
    assert.deepEqual(first, [0, 1, 2]);
    assert.deepEqual(queue.pending(state, 5n), [3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(queue.takeDue(state, 6n, 100), [3, 4, 5, 6, 7, 8, 9]);
  });

  it('moves an entry scheduled for an already drained slot to the next call', () => {
    const state = new Overlay(EMPTY_STATE);
    const queue = createDeadlineQueue('test', 'Due', u32);
    assert.deepEqual(queue.takeDue(state, 20n, 10), []);
    queue.schedule(state, 3n, 7);
    assert.deepEqual(queue.takeDue(state, 21n, 10), [7]);
  });

  it('keeps an entry scheduled early for a later slot until that slot, even after idle calls', () => {
    const state = new Overlay(EMPTY_STATE);
    const queue = createDeadlineQueue('test', 'Due', u32);
    queue.schedule(state, 100n, 1);
    assert.deepEqual(queue.takeDue(state, 10n, 10), []);
    queue.schedule(state, 50n, 2);
    assert.deepEqual(queue.takeDue(state, 49n, 100), []);
    assert.deepEqual(queue.takeDue(state, 50n, 100), [2]);
    assert.deepEqual(queue.takeDue(state, 100n, 100), [1]);
  });

  it('reads a bounded number of keys per call however many entries wait in later buckets', () => {
    const costAt = (waiting: number): number => {
      const base = new Overlay(EMPTY_STATE);
      const queue = createDeadlineQueue('test', 'Due', u32);
      queue.takeDue(base, 0n, 1);
      for (let i = 0; i < waiting; i++) queue.schedule(base, BigInt(10 + (i % 50)), i);
      for (let i = 0; i < 8; i++) queue.schedule(base, 1n, i);
      const reader = countingReader(base);
      queue.takeDue(new Overlay(reader), 1n, 64);
      return reader.reads;
    };
    assert.equal(costAt(10), costAt(5000));
  });

  it('writes nothing while empty, and its cursor at most every 16 slots while only later entries wait', () => {
    const base = new Overlay(EMPTY_STATE);
    const queue = createDeadlineQueue('test', 'Due', u32);
    const writesOfTake = (upTo: bigint): number => {
      const layer = base.child();
      queue.takeDue(layer, upTo, 64);
      const writes = layer.changes().size;
      layer.commit();
      return writes;
    };
    assert.equal(writesOfTake(1n), 0);
    queue.schedule(base, 3n, 1);
    assert.deepEqual(queue.takeDue(base, 3n, 64), [1]);
    assert.equal(writesOfTake(4n), 0, 'empty again');
    queue.schedule(base, 5n, 2);
    queue.schedule(base, 1000n, 3);
    assert.deepEqual(queue.takeDue(base, 5n, 64), [2]);
    let writes = 0;
    for (let slot = 6n; slot < 200n; slot++) writes += writesOfTake(slot);
    assert.ok(writes > 0 && writes <= Math.ceil(194 / 16), `${writes} cursor writes over 194 slots`);
    assert.deepEqual(queue.takeDue(base, 1000n, 2000), [3]);
  });

  it('takes every entry exactly once, never before its slot (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('schedule' as const), slot: fc.integer({ min: 0, max: 40 }) }),
      fc.record({
        kind: fc.constant('advance' as const),
        by: fc.integer({ min: 0, max: 5 }),
        budget: fc.integer({ min: 1, max: 8 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const state = new Overlay(EMPTY_STATE);
        const queue = createDeadlineQueue('test', 'Due', u32);
        let now = 0n;
        const slotOf = new Map<number, bigint>();
        const taken = new Set<number>();
        let id = 0;
        for (const step of ops) {
          if (step.kind === 'schedule') {
            slotOf.set(id, BigInt(step.slot));
            queue.schedule(state, BigInt(step.slot), id);
            id += 1;
          } else {
            now += BigInt(step.by);
            for (const entry of queue.takeDue(state, now, step.budget)) {
              assert.ok(!taken.has(entry), `entry ${entry} taken twice`);
              taken.add(entry);
              assert.ok(slotOf.get(entry)! <= now, `entry ${entry} taken before its slot`);
            }
          }
        }
        // Drain: with time moved past every slot and enough calls, everything comes out.
        const horizon = now + 100n;
        for (let i = 0; i < 200; i++) for (const entry of queue.takeDue(state, horizon, 16)) taken.add(entry);
        assert.equal(taken.size, id);
      }),
    );
  });
});
