import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type SimulationOptions, simulateLiveness } from './testing/simulateLiveness.js';

// The short version of `scripts/simulate-liveness.ts`: a few hundred workers, a few hundred blocks.
const OPTIONS: SimulationOptions = {
  seed: 'simulator test',
  operators: 4,
  workersPerOperator: 60,
  blocks: 500,
  contracts: 40,
  replicas: 3,
  crashPpm: 60_000,
  permanentCrashPpm: 300_000,
  laggyPpm: 30_000,
  outage: { start: 150, length: 80, operators: 3, silencedPpm: 900_000 },
  cluster: { size: 6, bits: 8, start: 320, length: 100 },
  computation: {
    expectedHeartbeats: 8,
    maxChallengesPerHour: 600,
    maxSilence: 60,
    heartbeatWindow: 10,
    outageWindow: 30,
    outageSharePpm: 300_000,
    outageMinOperators: 3,
  },
};

describe('liveness simulator on the real runtime', () => {
  const report = simulateLiveness(OPTIONS);
  const shown = JSON.stringify(report, (_, value) => (typeof value === 'bigint' ? value.toString() : value));

  it('detects every long crash within maxSilence + heartbeatWindow + 1 blocks', () => {
    assert.ok(report.certain > 0, shown);
    assert.equal(report.certainUndetected, 0, shown);
    assert.ok(report.latency.max <= report.latency.bound, shown);
  });

  it('never marks a worker whose heartbeat went in within the window', () => {
    assert.ok(report.heartbeats.accepted > 1000, shown);
    assert.equal(report.missedInTime, 0, shown);
    // Late answers (laggy workers) are misses, and their heartbeats are refused as late.
    assert.ok(report.misses.late > 0, shown);
  });

  it('slashes only workers that were Serving at their miss, by exactly the stake it takes', () => {
    assert.ok(report.slashes > 0, shown);
    assert.equal(report.slashedNotServing, 0, shown);
    assert.equal(report.stakeSlashedEvents, report.slashedStake, shown);
  });

  it('slashes nobody for the misses of a network-wide outage', () => {
    assert.ok(report.outageReport.servingMisses > 0, shown);
    assert.equal(report.outageReport.slashed, 0, shown);
    assert.equal(report.outageReport.waived, report.outageReport.servingMisses, shown);
  });

  it('slashes every Serving worker of the ground key cluster that went absent together', () => {
    assert.equal(report.clusterReport.servingAtAbsence, OPTIONS.cluster.size, shown);
    assert.equal(report.clusterReport.slashed, report.clusterReport.servingAtAbsence, shown);
    assert.equal(report.clusterReport.waived, 0, shown);
  });

  it('conserves issuance: balances sum to TotalIssuance, which grew by exactly the rewards minted', () => {
    assert.ok(report.issuance.minted > 0n, shown);
    assert.ok(report.issuance.conserved, shown);
  });

  it('gives the same run for the same seed', () => {
    const small: SimulationOptions = {
      ...OPTIONS,
      operators: 2,
      workersPerOperator: 15,
      blocks: 60,
      contracts: 5,
      outage: { ...OPTIONS.outage, start: 20, length: 20 },
      cluster: { ...OPTIONS.cluster, size: 2, bits: 4, start: 40, length: 10 },
    };
    assert.deepEqual(simulateLiveness(small), simulateLiveness(small));
  });
});
