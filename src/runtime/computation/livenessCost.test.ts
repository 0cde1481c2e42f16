import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countLivenessWork, type LivenessWork } from './testing/countLivenessWork.js';
import { createLivenessNetwork } from './testing/livenessChain.js';
import { LIVENESS_COST_CONFIG } from './testing/livenessCostConfig.js';

interface Figures {
  readonly reads: number;
  readonly writes: number;
  readonly maxReads: number;
  readonly maxWrites: number;
  readonly challenged: number;
  readonly due: number;
}

/** Liveness work per block over `blocks` blocks of a network of `workers` that all answer. */
function measure(workers: number, blocks: number): Figures {
  // Past one heartbeatWindow, so that deadlines (answered challenges) fall due in every block.
  const network = createLivenessNetwork({
    workers,
    warmup: LIVENESS_COST_CONFIG.heartbeatWindow + 2,
    computation: LIVENESS_COST_CONFIG,
  });
  const rows: LivenessWork[] = [];
  for (let i = 0; i < blocks; i++) {
    rows.push(countLivenessWork(network.chain));
    network.step();
  }
  const mean = (of: (w: LivenessWork) => number) => rows.reduce((sum, w) => sum + of(w), 0) / rows.length;
  return {
    reads: mean((w) => w.reads),
    writes: mean((w) => w.writes),
    maxReads: Math.max(...rows.map((w) => w.reads)),
    maxWrites: Math.max(...rows.map((w) => w.writes)),
    challenged: mean((w) => w.pass.challenges.random + w.pass.challenges.forced),
    due: mean((w) => w.pass.misses.due),
  };
}

// `npm run bench -- liveness` measures the time at 1,000, 10,000 and 100,000 workers.
describe('liveness cost', () => {
  it('reads and writes about as much per block with 5,000 active workers as with 500', () => {
    const small = measure(500, 30);
    const large = measure(5000, 30);
    const shown = JSON.stringify({ small, large });
    // Both challenge and settle about expectedHeartbeats per block...
    for (const figures of [small, large]) {
      assert.ok(figures.challenged > 5 && figures.challenged < 15, shown);
      assert.ok(figures.due > 5 && figures.due < 15, shown);
    }
    // ...for the same storage work, whatever N: no pass visits the workers.
    assert.ok(large.reads < 1.25 * small.reads, shown);
    assert.ok(large.writes < 1.25 * small.writes, shown);
    assert.ok(large.maxReads < 1.5 * small.maxReads, shown);
    assert.ok(large.maxWrites < 1.5 * small.maxWrites, shown);
  });
});
