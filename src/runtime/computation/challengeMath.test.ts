import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binomialRange } from './testing/binomialRange.js';
import { measureChallenges, summarizeChallenges } from './testing/measureChallenges.js';

// The short version of `scripts/challenge-math.ts` (N = 10, 1,000, 100,000 over 10,000 blocks).
describe('challenge math on the real runtime', () => {
  it('bounds counts by exact binomial tails (Binomial(100, 1/2) at 2.5% a side: [40, 60])', () => {
    // P(X <= 39) = 0.0176 and P(X <= 40) = 0.0284 for Binomial(100, 1/2).
    assert.deepEqual(binomialRange(100, 0.5, 0.025), { lo: 40, hi: 60 });
    assert.deepEqual(binomialRange(50, 1, 0.001), { lo: 50, hi: 50 });
    // Poisson-like: P(X >= 6) = 0.0006, P(X >= 5) = 0.0037.
    assert.deepEqual(binomialRange(1000, 0.001, 0.001), { lo: 0, hi: 5 });
  });

  it('challenges 1,000 workers about expectedHeartbeats per block, each within binomial bounds, none silent past maxSilence', () => {
    const run = measureChallenges({
      workers: 1000,
      blocks: 400,
      expectedHeartbeats: 10,
      maxSilence: 100,
      startSpread: 100,
    });
    const summary = summarizeChallenges(run);
    assert.equal(summary.outside, 0, JSON.stringify(summary));
    assert.ok(summary.longestSilence <= summary.maxSilence, JSON.stringify(summary));
    // Forced challenges happen (the bound is exercised), and the draw stays near its target.
    assert.ok(summary.forcedMean > 0);
    // The mean of `blocks` Poisson-like counts: within 4 standard deviations of its prediction.
    const sigma = Math.sqrt(summary.predictedMean / summary.blocks);
    assert.ok(Math.abs(summary.randomMean - summary.predictedMean) < 4 * sigma, JSON.stringify(summary));
    assert.ok(summary.drawMean <= 10 && summary.drawMean > 10 * (1 - 1 / 128));
  });

  it('challenges 10 workers with expectedHeartbeats 10 in every block their last answer leaves them free', () => {
    const run = measureChallenges({
      workers: 10,
      blocks: 200,
      expectedHeartbeats: 10,
      maxSilence: 20,
      startSpread: 1,
    });
    const summary = summarizeChallenges(run);
    assert.equal(summary.p, 1);
    // Challenged at h, answered in h + 1 (still open while that block draws), challenged at h + 2.
    for (const tally of run.tallies) assert.equal(tally.random, tally.eligible);
    assert.equal(summary.randomMean, 5);
    assert.equal(summary.longestSilence, 2);
  });

  it('keeps maxSilence for sessions that all start in one block, however small the per-block cap', () => {
    // 200 sessions at once, forced challenges only (nobody drawn), 16 entries of work per block:
    // their first forced challenges are spread over maxSilence by key, so they never pile up.
    const run = measureChallenges({
      workers: 200,
      blocks: 120,
      expectedHeartbeats: 0,
      maxSilence: 30,
      startSpread: 1,
      maxProcessPerBlock: 16,
    });
    const summary = summarizeChallenges(run);
    assert.ok(summary.forcedMean > 0);
    assert.ok(summary.longestSilence <= 30, JSON.stringify(summary));
  });
});
