// Issue 9's detection figures from a deterministic simulation on the real runtime
// (src/runtime/computation/testing/simulateLiveness.ts): thousands of workers of several operators,
// contracts deployed so that some are Serving, random crashes, drawn heartbeat delays (some workers
// laggy beyond the window), a network-wide outage and a ground key cluster of one operator that goes
// absent together. No wall clock: `--seed` decides the run. Prints detection latency, misses of
// workers that answered in time (must be 0), slashes against Serving, the outage's and the cluster's
// slashes, and issuance.
//
//   npx tsx scripts/simulate-liveness.ts [--seed phalanx] [--operators 10] [--workers 300] [--blocks 2000]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { UNIT } from '../src/runtime/balances/types.js';
import { simulateLiveness } from '../src/runtime/computation/testing/simulateLiveness.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: 'phalanx' },
    operators: { type: 'string', default: '10' },
    workers: { type: 'string', default: '300' },
    blocks: { type: 'string', default: '2000' },
  },
});
const blocks = Number(values.blocks);
const operators = Number(values.operators);
const at = (fraction: number) => Math.floor(blocks * fraction);

const options = {
  seed: values.seed,
  operators,
  workersPerOperator: Number(values.workers),
  blocks,
  contracts: 300,
  replicas: 3,
  crashPpm: 40_000,
  permanentCrashPpm: 250_000,
  laggyPpm: 20_000,
  // 90% of the workers of 7 in 10 operators silent for 100 blocks.
  outage: { start: at(0.3), length: 100, operators: Math.ceil((operators * 7) / 10), silencedPpm: 900_000 },
  cluster: { size: 12, bits: 12, start: at(0.6), length: 200 },
  computation: {
    expectedHeartbeats: 30,
    maxChallengesPerHour: 600,
    maxSilence: 150,
    heartbeatWindow: 10,
    slashPpm: 100_000,
    ownerSharePpm: 500_000,
    maxStrikes: 5,
    outageWindow: 40,
    outageSharePpm: 300_000,
    outageMinOperators: 3,
  },
} as const;

const started = performance.now();
const r = simulateLiveness({
  ...options,
  onProgress: (done, total) => {
    if (done % 500 === 0) process.stderr.write(`${done}/${total} blocks\n`);
  },
});
const seconds = (performance.now() - started) / 1000;
const phx = (amount: bigint) => `${(Number(amount) / Number(UNIT)).toFixed(3)} PHX`;
const c = options.computation;

console.log(
  `Liveness simulation, seed "${options.seed}": ${r.workers} workers of ${r.operators} operators, ${r.blocks} blocks, ` +
    `expectedHeartbeats ${c.expectedHeartbeats}, maxSilence ${c.maxSilence}, heartbeatWindow ${c.heartbeatWindow}, ` +
    `outage guard ${c.outageSharePpm / 10_000}% over ${c.outageWindow} blocks and ${c.outageMinOperators} operators`,
);
console.log(
  `  Serving at start: ${r.servingAtStart} (${options.contracts} contracts × ${options.replicas} replicas)`,
);
console.log(
  `  challenges: ${r.challenges.random} random, ${r.challenges.forced} forced; heartbeats accepted ${r.heartbeats.accepted}, refused ${JSON.stringify(r.heartbeats.refused)}`,
);
console.log(
  `  misses: ${r.misses.total} (crash ${r.misses.crash}, outage ${r.misses.outage}, cluster ${r.misses.cluster}, late answers ${r.misses.late})`,
);
console.log(
  `  crashes: ${r.crashes} (${r.crashedOutOfSession} after maxStrikes had stopped the session), detected ${r.detected}; of the ${r.certain} in session and down at least ${r.latency.bound} blocks, undetected: ${r.certainUndetected}`,
);
console.log(
  `  detection latency (crash → Unresponsive): p50 ${r.latency.p50}, p99 ${r.latency.p99}, max ${r.latency.max} blocks (bound maxSilence + window + 1 = ${r.latency.bound})`,
);
console.log(`  workers marked while their heartbeat went in within the window: ${r.missedInTime}`);
console.log(
  `  slashes: ${r.slashes}, ${phx(r.slashedStake)} (StakeSlashed events: ${phx(r.stakeSlashedEvents)}); of workers not Serving at the miss: ${r.slashedNotServing}`,
);
console.log(
  `  network-wide outage: ${r.outageReport.silenced} workers silent ${options.outage.length} blocks; Serving misses ${r.outageReport.servingMisses}, slashes waived ${r.outageReport.waived}, slashed ${r.outageReport.slashed}`,
);
console.log(
  `  ground cluster: ${r.clusterReport.size} workers of one operator, keys sharing the top ${options.cluster.bits} bits, first challenged in ${r.clusterReport.challengeBlocks} block(s) of their absence; Serving at absence ${r.clusterReport.servingAtAbsence}, slashed ${r.clusterReport.slashed}, waived ${r.clusterReport.waived}`,
);
console.log(
  `  issuance: Σ balances = TotalIssuance at ${r.issuance.checks} checks: ${r.issuance.conserved}; growth ${phx(r.issuance.growth)} = minted ${phx(r.issuance.minted)}`,
);
console.log(`  ${seconds.toFixed(1)} s`);
