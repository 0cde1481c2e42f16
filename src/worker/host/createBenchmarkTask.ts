// The host's side of the benchmark (DESIGN.md section 4, item 6): it starts a run in the enclave core
// when `benchmarkReason` says so, gives the core CPU between ticks (`workFor`), and once the core
// reports a signed score at a verified block, submits `registry.submitBenchmark`, which the operator
// signs and pays for. The score and its signature are the core's; the host only carries them.
import type { Logger } from 'pino';
import { bytesToHex } from '../../codec/bytes.js';
import {
  type Benchmark,
  registryCalls,
  type WorkerRecord,
  type WorkerState,
} from '../../runtime/registry/types.js';
import type { EnclaveCore } from '../enclave/enclaveCore.js';
import type { VerifiedHeader } from '../enclave/lightClient.js';
import { benchmarkReason } from './benchmarkReason.js';
import { createSubmissionTracker } from './createSubmissionTracker.js';
import type { Submitter } from './createSubmitter.js';
import type { VerifiedBlock } from './followChain.js';

/** Workload rounds per slice: about a millisecond or two, so the host's I/O is never held up long. */
export const BENCHMARK_SLICE_ITERATIONS = 100;

/** What the chain proved about this worker at the verified head. */
export interface ProvenWorker {
  readonly state: WorkerState | undefined;
  readonly record: WorkerRecord | undefined;
  readonly benchmark: Benchmark | undefined;
}

export interface BenchmarkTask {
  /** Each verified block: looks for the receipt of a submitted report. */
  onBlock(block: VerifiedBlock): void;
  /** Once per tick at verified `head`: starts, finishes (and submits) or drops a run. */
  onTick(head: VerifiedHeader, genesisHash: Uint8Array, own: ProvenWorker): Promise<void>;
  /** Whether a run wants CPU. */
  running(): boolean;
  /** Runs the workload in slices for `ms` of `monotonic` time, yielding to the event loop between them. */
  workFor(ms: number, signal: AbortSignal): Promise<void>;
  /** Reports this host submitted since it started. */
  submitted(): number;
}

export function createBenchmarkTask(options: {
  core: EnclaveCore;
  submitter: Submitter;
  logger: Logger;
  /** A report not included within this many blocks is given up. */
  timeoutBlocks: number;
  /** A monotonic clock (ms) bounding the slices of work; never used for the score. */
  monotonic?: () => number;
}): BenchmarkTask {
  const { core, submitter, logger } = options;
  const benchmark = core.benchmark;
  const monotonic = options.monotonic ?? (() => performance.now());
  const tracker = createSubmissionTracker({ timeoutBlocks: options.timeoutBlocks });
  let submitted = 0;

  return {
    onBlock(block) {
      const outcome = tracker.onBlock(block);
      if (outcome?.kind === 'included') logger.info({ block: outcome.block }, 'benchmark report included');
      else if (outcome?.kind === 'failed') {
        logger.error(
          { reason: outcome.reason, retryAtBlock: outcome.retryAtBlock },
          'benchmark report failed',
        );
      }
    },

    async onTick(head, genesisHash, own) {
      const number = head.header.number;
      const reason = benchmarkReason(own.state, own.record, own.benchmark, head.header);
      const startedAt = benchmark.startedAt();
      if (startedAt === undefined) {
        if (reason !== undefined && tracker.mayAct(number)) {
          benchmark.start(head);
          logger.info({ reason, block: number, blocks: benchmark.blocks }, 'benchmark started');
        }
        return;
      }
      // A registration that lapsed (or was never there) gets no report: the chain would refuse it.
      if (own.state !== 'Registered' && own.state !== 'Provisioned') {
        benchmark.cancel();
        logger.warn({ state: own.state, startedAt }, 'benchmark dropped: the worker is not active');
        return;
      }
      const report = benchmark.finish(head, genesisHash);
      if (report === undefined) return;
      const hash = await submitter.submit(registryCalls.submitBenchmark({ worker: core.pubkey, ...report }));
      tracker.submitted(hash, number);
      submitted += 1;
      logger.info(
        { score: report.score, blockNumber: report.blockNumber, extrinsic: bytesToHex(hash) },
        'benchmark report submitted',
      );
    },

    running: () => benchmark.startedAt() !== undefined,

    async workFor(ms, signal) {
      const until = monotonic() + ms;
      while (!signal.aborted && benchmark.startedAt() !== undefined && monotonic() < until) {
        benchmark.work(BENCHMARK_SLICE_ITERATIONS);
        // Let sockets, timers and signals through between slices.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },

    submitted: () => submitted,
  };
}
