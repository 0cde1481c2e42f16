import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { backoffDelay, sleep } from './backoff.js';

const policy = { initialMs: 100, maxMs: 5000 };

describe('backoff', () => {
  it('doubles from the initial delay up to the cap, with half of each delay jittered', () => {
    const low = [0, 1, 2, 3, 6, 10].map((attempt) => backoffDelay(attempt, policy, () => 0));
    const high = [0, 1, 2, 3, 6, 10].map((attempt) => backoffDelay(attempt, policy, () => 1));
    assert.deepEqual(low, [50, 100, 200, 400, 2500, 2500]);
    assert.deepEqual(high, [100, 200, 400, 800, 5000, 5000]);
  });

  it('never exceeds the cap nor falls below half of the capped delay, whatever the attempt or randomness', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: -1, max: 2, noNaN: true }),
        (attempt, r) => {
          const delay = backoffDelay(attempt, policy, () => r);
          const capped = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 64));
          assert.ok(delay <= policy.maxMs && delay >= Math.floor(capped / 2), `${attempt} ${r} -> ${delay}`);
        },
      ),
    );
  });

  it('wakes a sleeper early when its signal aborts', async () => {
    const controller = new AbortController();
    const sleeping = sleep(60_000, controller.signal);
    controller.abort();
    await sleeping;
    await sleep(60_000, controller.signal);
  });
});
