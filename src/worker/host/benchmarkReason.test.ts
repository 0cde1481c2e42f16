import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Header } from '../../codec/chain.js';
import type { WorkerRecord } from '../../runtime/registry/types.js';
import { benchmarkReason } from './benchmarkReason.js';

const T0 = 1_700_000_000_000n;

/** Only the fields the rule reads: the attestation's recent block and expiry. */
const record = {
  info: { recentBlock: { number: 40, hash: new Uint8Array(32) } },
  attestation: { attestedAt: T0, expiresAt: T0 + 30_000n },
} as unknown as WorkerRecord;

const headAt = (timestamp: bigint): Header => ({
  parentHash: new Uint8Array(32),
  number: 50,
  timestamp,
  stateRoot: new Uint8Array(32),
  extrinsicsRoot: new Uint8Array(32),
  eventsRoot: new Uint8Array(32),
  author: new Uint8Array(32),
});

describe('benchmark reason', () => {
  const head = headAt(T0 + 1000n);

  it('benchmarks a Provisioned worker that has no report on chain', () => {
    assert.equal(benchmarkReason('Provisioned', record, undefined, head), 'no benchmark on chain');
  });

  it('waits for provisioning: a Registered worker does not benchmark yet', () => {
    assert.equal(benchmarkReason('Registered', record, undefined, head), undefined);
  });

  it('benchmarks again after a re-attestation: a report at or below its recent block predates it', () => {
    assert.equal(
      benchmarkReason('Provisioned', record, { score: 5, blockNumber: 40 }, head),
      're-benchmarking after re-attestation',
    );
    assert.equal(benchmarkReason('Provisioned', record, { score: 5, blockNumber: 41 }, head), undefined);
  });

  it('never benchmarks a worker the chain would refuse a report for: unknown, Expired or lapsed', () => {
    assert.equal(benchmarkReason(undefined, undefined, undefined, head), undefined);
    assert.equal(benchmarkReason('Expired', record, undefined, head), undefined);
    assert.equal(benchmarkReason('Provisioned', record, undefined, headAt(T0 + 30_000n)), undefined);
  });
});
