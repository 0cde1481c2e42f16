// When a worker must run its benchmark (DESIGN.md section 4, item 6), decided from what its light
// client proved: its state, record and last benchmark report at a verified head. Pure, like
// registrationReason.ts.
import type { Header } from '../../codec/chain.js';
import type { Benchmark, WorkerRecord, WorkerState } from '../../runtime/registry/types.js';

export type BenchmarkReason = 'no benchmark on chain' | 're-benchmarking after re-attestation';

/**
 * Why the worker should benchmark now, or undefined. Only once `Provisioned` and not lapsed: the
 * benchmark is the step after provisioning (DESIGN.md section 4, items 5 and 6), a worker without the
 * network key cannot serve whatever its score, and a run then does not compete for CPU with the
 * gatekeeper's checks of a newcomer on a shared machine (a devnet). With no report yet, or with a
 * report from before its current attestation. A run begins after the registration that names `recentBlock` was included, so it ends
 * above `recentBlock`; a report at or below it predates this attestation. Each re-attestation thus
 * brings one fresh benchmark, and a restart never benchmarks twice for the same attestation.
 */
export function benchmarkReason(
  state: WorkerState | undefined,
  record: WorkerRecord | undefined,
  benchmark: Benchmark | undefined,
  head: Header,
): BenchmarkReason | undefined {
  if (state !== 'Provisioned') return undefined;
  if (record === undefined || head.timestamp >= record.attestation.expiresAt) return undefined;
  if (benchmark === undefined) return 'no benchmark on chain';
  if (benchmark.blockNumber <= record.info.recentBlock.number) return 're-benchmarking after re-attestation';
  return undefined;
}
