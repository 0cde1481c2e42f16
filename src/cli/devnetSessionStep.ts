// What the devnet does next for one of its workers on the way to a session (issue 9, devnet): a pure
// decision over what the chain says of the worker, its stake and its session, so the order (bond,
// then start, once Provisioned and benchmarked) is tested alone (devnetSessionStep.test.ts).
import type { SessionState } from '../runtime/computation/types.js';

export type DevnetSessionStep =
  | { readonly kind: 'bond'; readonly amount: bigint }
  | { readonly kind: 'start' }
  | undefined;

export function devnetSessionStep(args: {
  /** The registry's state (as `registry_listWorkers` spells it) and whether a benchmark is on chain. */
  readonly worker: { readonly state: string; readonly benchmarked: boolean };
  /** Active stake (0 when none). */
  readonly stake: bigint;
  readonly session: SessionState | undefined;
  readonly minStake: bigint;
  /** What the devnet bonds behind each worker. */
  readonly target: bigint;
}): DevnetSessionStep {
  const { worker, stake, session, minStake, target } = args;
  // `computation.start` refuses a worker that is not Provisioned or has no benchmark yet.
  if (worker.state !== 'Provisioned' || !worker.benchmarked) return undefined;
  // In a session or cooling down: nothing to do (a stopped session waits out its cool-down).
  if (session !== undefined && session !== 'Ready') return undefined;
  if (stake < minStake) return { kind: 'bond', amount: (target > stake ? target : minStake) - stake };
  return { kind: 'start' };
}
