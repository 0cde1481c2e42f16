import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blake2b } from '@noble/hashes/blake2.js';
import { utf8 } from '../../codec/bytes.js';
import { ed25519FromSeed, ed25519Sign, ed25519Verify } from '../../codec/keys.js';
import { benchmarkPayload } from '../../runtime/registry/types.js';
import { BENCHMARK_BLOCK_BYTES, createBenchmark, createBenchmarkWorkload } from './createBenchmark.js';
import type { VerifiedHeader } from './lightClient.js';

const identity = ed25519FromSeed(new Uint8Array(32).fill(9));
const genesisHash = new Uint8Array(32).fill(1);

/** A header as the light client hands it out; only number and hash matter to the benchmark. */
function headerAt(number: number): VerifiedHeader {
  const hash = new Uint8Array(32).fill(number % 256);
  return {
    hash,
    header: {
      parentHash: new Uint8Array(32),
      number,
      timestamp: 1_700_000_000_000n + BigInt(number) * 500n,
      stateRoot: new Uint8Array(32),
      extrinsicsRoot: new Uint8Array(32),
      eventsRoot: new Uint8Array(32),
      author: new Uint8Array(32),
    },
  };
}

const newBenchmark = (blocks = 3) =>
  createBenchmark({
    pubkey: identity.publicKey,
    sign: (message) => ed25519Sign(identity.secretSeed, message),
    blocks,
  });

describe('benchmark workload', () => {
  it('is iterated BLAKE2b-256 over a 1 KiB block, as an independent BLAKE2b computes it', () => {
    const seed = utf8('seed');
    const start = blake2b(seed, { dkLen: 32 });
    const block = new Uint8Array(BENCHMARK_BLOCK_BYTES);
    for (let offset = 0; offset < BENCHMARK_BLOCK_BYTES; offset += 32) block.set(start, offset);
    for (let i = 0; i < 5; i++) block.set(blake2b(block, { dkLen: 32 }), 0);

    const workload = createBenchmarkWorkload(seed);
    workload.run(5);
    assert.deepEqual(workload.digest(), block.subarray(0, 32));
  });

  it('does the same work however it is sliced', () => {
    const whole = createBenchmarkWorkload(utf8('slices'));
    whole.run(7);
    const sliced = createBenchmarkWorkload(utf8('slices'));
    sliced.run(3);
    sliced.run(0);
    sliced.run(4);
    assert.deepEqual(sliced.digest(), whole.digest());
    const other = createBenchmarkWorkload(utf8('slices'));
    other.run(6);
    assert.notDeepEqual(other.digest(), whole.digest());
  });
});

describe('benchmark run', () => {
  it('scores iterations per block over the verified blocks that passed, signed by the identity key', () => {
    const benchmark = newBenchmark(3);
    benchmark.start(headerAt(10));
    assert.equal(benchmark.startedAt(), 10);
    benchmark.work(400);
    assert.equal(benchmark.finish(headerAt(12), genesisHash), undefined, 'two blocks are not enough');
    benchmark.work(500);
    // The head moved four blocks by the time the host looked: the score counts all four.
    const report = benchmark.finish(headerAt(14), genesisHash);
    assert.ok(report);
    assert.equal(report.score, Math.floor(900 / 4));
    assert.equal(report.blockNumber, 14);
    assert.ok(
      ed25519Verify(
        identity.publicKey,
        benchmarkPayload(genesisHash, identity.publicKey, report.score, report.blockNumber),
        report.signature,
      ),
    );
    // Bound to the chain: the same signature does not verify for another genesis.
    assert.ok(
      !ed25519Verify(
        identity.publicKey,
        benchmarkPayload(new Uint8Array(32), identity.publicKey, report.score, report.blockNumber),
        report.signature,
      ),
    );
    assert.equal(benchmark.startedAt(), undefined);
    assert.equal(benchmark.finish(headerAt(20), genesisHash), undefined, 'one report per run');
  });

  it('does no work and reports nothing when no run is under way, or after a cancel', () => {
    const benchmark = newBenchmark(1);
    benchmark.work(10);
    assert.equal(benchmark.finish(headerAt(5), genesisHash), undefined);
    benchmark.start(headerAt(5));
    benchmark.work(10);
    benchmark.cancel();
    assert.equal(benchmark.startedAt(), undefined);
    assert.equal(benchmark.finish(headerAt(9), genesisHash), undefined);
    // A new run counts only its own work.
    benchmark.start(headerAt(9));
    benchmark.work(6);
    assert.equal(benchmark.finish(headerAt(10), genesisHash)?.score, 6);
  });

  it('refuses a run length that is not a whole number of blocks', () => {
    for (const blocks of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => newBenchmark(blocks), { name: 'EnclaveError', code: 'InvalidConfig' });
    }
  });
});
