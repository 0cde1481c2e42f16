// The worker's benchmark (DESIGN.md section 4, item 6): a fixed, deterministic workload the enclave
// core runs for a set number of blocks, measured by headers its light client verified (never by a
// clock the host could skew), and reported as a score signed by the identity key. The score is
// workload iterations per block interval: all workers of a chain share its block interval, so scores
// compare machines, and they feed assignment and rewards.
//
// The host decides when the core may spend CPU on it (`work`, in slices between its own chores), so
// a host that starves its core only lowers its own score; it cannot raise it, because the core counts
// the iterations and signs the result itself.
import { concatBytes } from '../../codec/bytes.js';
import { blake2b256, taggedHash } from '../../codec/hash.js';
import { benchmarkPayload } from '../../runtime/registry/types.js';
import { EnclaveError } from './errors.js';
import type { VerifiedHeader } from './lightClient.js';

/** Blocks a run lasts by default. */
export const BENCHMARK_BLOCKS = 10;

/** Bytes hashed per iteration: large enough that BLAKE2b's compression, not call overhead, dominates. */
export const BENCHMARK_BLOCK_BYTES = 1024;

const U32_MAX = 0xffff_ffff;

/** The workload's state: a 1 KiB block whose first 32 bytes carry the chained digest. */
export interface BenchmarkWorkload {
  /** Runs `iterations` more rounds. */
  run(iterations: number): void;
  /** The digest after the rounds so far (the seed's hash before any). */
  digest(): Uint8Array;
}

/**
 * The workload from `seed`: each round hashes a 1 KiB block whose first 32 bytes are the previous
 * digest and whose rest is fixed by the seed (its BLAKE2b-256, repeated). Deterministic, whatever
 * the slicing: n rounds then m rounds equal n + m rounds (tested, against an independent BLAKE2b).
 */
export function createBenchmarkWorkload(seed: Uint8Array): BenchmarkWorkload {
  const block = new Uint8Array(BENCHMARK_BLOCK_BYTES);
  const start = blake2b256(seed);
  for (let offset = 32; offset < BENCHMARK_BLOCK_BYTES; offset += 32) block.set(start, offset);
  block.set(start, 0);
  return {
    run(iterations) {
      for (let i = 0; i < iterations; i++) block.set(blake2b256(block), 0);
    },
    digest: () => block.slice(0, 32),
  };
}

/** A finished run: what `registry.submitBenchmark` carries. */
export interface BenchmarkReport {
  readonly score: number;
  /** The verified block the run ended at. */
  readonly blockNumber: number;
  /** The identity key's signature over `benchmarkPayload(genesisHash, worker, score, blockNumber)`. */
  readonly signature: Uint8Array;
}

export interface Benchmark {
  /** Blocks a run lasts. */
  readonly blocks: number;
  /** The block the current run started at; undefined when none runs. */
  startedAt(): number | undefined;
  /** Starts a run at verified header `at` (restarting any run under way). */
  start(at: VerifiedHeader): void;
  /** Runs `iterations` rounds of the workload for the current run; nothing when none runs. */
  work(iterations: number): void;
  /**
   * Ends the run once verified `head` is `blocks` past its start: the score (iterations per block,
   * over the blocks that actually passed) signed for this chain. Undefined while the run goes on.
   */
  finish(head: VerifiedHeader, genesisHash: Uint8Array): BenchmarkReport | undefined;
  /** Drops the current run (the registration it was for lapsed). */
  cancel(): void;
  /** Workload rounds run since the core started, over every run (heartbeats report it). */
  totalIterations(): bigint;
}

interface Run {
  readonly start: number;
  readonly workload: BenchmarkWorkload;
  iterations: number;
}

export function createBenchmark(options: {
  /** The identity public key the report names. */
  pubkey: Uint8Array;
  /** Signs with the identity key (the core's; the key itself stays there). */
  sign: (message: Uint8Array) => Uint8Array;
  blocks?: number;
}): Benchmark {
  const blocks = options.blocks ?? BENCHMARK_BLOCKS;
  if (!Number.isSafeInteger(blocks) || blocks < 1) {
    throw new EnclaveError('InvalidConfig', `benchmark blocks must be a whole number ≥ 1, got ${blocks}`, {
      blocks,
    });
  }
  let run: Run | undefined;
  let total = 0n;

  return {
    blocks,
    startedAt: () => run?.start,
    start(at) {
      // The seed binds the work to this worker and this block, so no run reuses another's digests.
      const seed = taggedHash('phalanx/benchmark/v1', concatBytes(options.pubkey, at.hash));
      run = { start: at.header.number, workload: createBenchmarkWorkload(seed), iterations: 0 };
    },
    work(iterations) {
      if (run === undefined || iterations <= 0) return;
      run.workload.run(iterations);
      run.iterations += iterations;
      total += BigInt(iterations);
    },
    finish(head, genesisHash) {
      if (run === undefined) return undefined;
      const elapsed = head.header.number - run.start;
      if (elapsed < blocks) return undefined;
      const score = Math.min(U32_MAX, Math.floor(run.iterations / elapsed));
      const blockNumber = head.header.number;
      run = undefined;
      const signature = options.sign(benchmarkPayload(genesisHash, options.pubkey, score, blockNumber));
      return { score, blockNumber, signature };
    },
    cancel() {
      run = undefined;
    },
    totalIterations: () => total,
  };
}
