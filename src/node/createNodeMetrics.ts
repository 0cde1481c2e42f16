// Prometheus metrics of one node, in a registry of its own (not prom-client's global default) so
// that several nodes in one process, as in tests, do not mix their figures.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface NodeMetrics {
  readonly registry: Registry;
  readonly blockHeight: Gauge;
  readonly blockDuration: Histogram;
  readonly blockInterval: Histogram;
  readonly poolSize: Gauge;
  readonly extrinsicsApplied: Counter;
  readonly blocksRejected: Counter<'reason'>;
  /** Extrinsics that failed with a module's `InternalError`: a bug of ours, never bad input. */
  readonly internalErrors: Counter<'module'>;
}

export function createNodeMetrics(): NodeMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    blockHeight: new Gauge({ name: 'phalanx_block_height', help: 'Number of the head block.', registers }),
    blockDuration: new Histogram({
      name: 'phalanx_block_duration_seconds',
      help: 'Time to execute a block and commit it (trie update and store write).',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    blockInterval: new Histogram({
      name: 'phalanx_block_interval_seconds',
      help: 'Time between the timestamps of consecutive blocks.',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    }),
    poolSize: new Gauge({ name: 'phalanx_pool_size', help: 'Extrinsics waiting in the pool.', registers }),
    extrinsicsApplied: new Counter({
      name: 'phalanx_extrinsics_applied_total',
      help: 'Extrinsics included in blocks this node sealed or imported.',
      registers,
    }),
    blocksRejected: new Counter({
      name: 'phalanx_blocks_rejected_total',
      help: 'Blocks refused on import, by reason.',
      labelNames: ['reason'],
      registers,
    }),
    internalErrors: new Counter({
      name: 'phalanx_extrinsic_internal_errors_total',
      help: 'Extrinsics in committed blocks that failed with a module InternalError (a bug, e.g. in the evidence verifier), by module.',
      labelNames: ['module'],
      registers,
    }),
  };
}
