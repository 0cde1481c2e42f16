// Issue 9's challenge math on the real runtime: N workers in session (N = 10, 1,000, 100,000),
// `--blocks` blocks (default 10,000) executed with `executeBlock`, every challenge answered in the
// next block by a real heartbeat extrinsic (src/runtime/computation/testing/measureChallenges.ts).
// Prints per N: the mean random challenges per block against expectedHeartbeats (N · p, p the
// chain's threshold / 2^64) and against the mean the blocks a worker cannot be drawn in leave
// (its answer still pending, or force-challenged); forced challenges per block; each worker's random
// count against its exact Binomial(eligible blocks, p) range at family-wise alpha 0.001
// (Bonferroni over workers and tails); the longest silence against maxSilence; and the time taken.
// Sessions start spread over `startSpread` blocks (a network that joined over time) before the
// measured blocks; silence counts from each session's start.
//
//   npx tsx scripts/challenge-math.ts [--workers 10,1000,100000] [--blocks 10000]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  measureChallenges,
  summarizeChallenges,
} from '../src/runtime/computation/testing/measureChallenges.js';

const EXPECTED = 10;
/** maxSilence and the start spread per N: the bound binds at 1,000 and 100,000 (mean random gap N / 10 blocks). */
const CASES: Record<number, { maxSilence: number; startSpread: number }> = {
  10: { maxSilence: 20, startSpread: 1 },
  1000: { maxSilence: 300, startSpread: 300 },
  100000: { maxSilence: 5000, startSpread: 1000 },
};

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '10,1000,100000' },
    blocks: { type: 'string', default: '10000' },
  },
});
const blocks = Number(values.blocks);

for (const workers of values.workers.split(',').map(Number)) {
  const shape = CASES[workers] ?? {
    maxSilence: Math.max(20, Math.min(5000, (3 * workers) / EXPECTED)),
    startSpread: 300,
  };
  const started = performance.now();
  const run = measureChallenges({
    workers,
    blocks,
    expectedHeartbeats: EXPECTED,
    ...shape,
    onProgress: (done, total) => process.stderr.write(`N=${workers}: ${done}/${total} blocks\n`),
  });
  const seconds = (performance.now() - started) / 1000;
  const s = summarizeChallenges(run);
  const f = (n: number) => n.toFixed(3);
  console.log(
    `N = ${workers}, ${blocks} blocks (sessions started over ${Math.min(shape.startSpread, workers)} blocks before), expectedHeartbeats ${EXPECTED}, maxSilence ${s.maxSilence}`,
  );
  console.log(
    `  random challenges per block: mean ${f(s.randomMean)}; N·p = ${f(s.drawMean)} (p = ${s.p.toExponential(4)}); predicted from eligible blocks ${f(s.predictedMean)}`,
  );
  console.log(`  forced challenges per block: mean ${f(s.forcedMean)}`);
  console.log(
    `  per-worker random count: min ${s.randomMin}, max ${s.randomMax}; Binomial(${s.range.eligible}, p) range at alpha 0.001/${2 * workers}: [${s.range.lo}, ${s.range.hi}]; outside own range: ${s.outside}`,
  );
  console.log(`  longest silence: ${s.longestSilence} blocks (maxSilence ${s.maxSilence})`);
  console.log(`  ${run.heartbeats} heartbeats accepted; ${seconds.toFixed(1)} s`);
}
