// When a worker must (re-)register, decided from what its light client proved alone: its state and
// record at a verified head. Pure, so the rule is tested apart from the host's loop (STYLE.md,
// "What to avoid").
import type { Header } from '../../codec/chain.js';
import type { WorkerRecord, WorkerState } from '../../runtime/registry/types.js';

export type RegistrationReason = 'not registered' | 'registration expired' | 're-attesting before expiry';

/** How early before `expiresAt` to re-attest. */
export interface ReattestTiming {
  /** A fixed margin (ms of chain time), instead of the rule of `reattestMargin`. */
  readonly marginMs?: bigint;
  /** The chain's recent block interval (ms), as the worker saw it in verified headers; 0 if unknown. */
  readonly blockIntervalMs: bigint;
}

/** The margin is never below this many block intervals: time for a registration to be included. */
export const REATTEST_MIN_BLOCKS = 5n;

/**
 * The chain time before `expiresAt` at which a worker re-attests: a quarter of its registration's
 * validity (`expiresAt - attestedAt`, which collateral expiry may have shortened), at least
 * REATTEST_MIN_BLOCKS block intervals so that the registration is included in time, and at most half
 * the validity so that a fresh registration is not renewed at once. `marginMs` overrides the rule.
 */
export function reattestMargin(record: WorkerRecord, timing: ReattestTiming): bigint {
  if (timing.marginMs !== undefined) return timing.marginMs;
  const validity = record.attestation.expiresAt - record.attestation.attestedAt;
  const quarter = validity / 4n;
  const floor = REATTEST_MIN_BLOCKS * timing.blockIntervalMs;
  const margin = quarter > floor ? quarter : floor;
  const cap = validity / 2n;
  return margin < cap ? margin : cap;
}

/**
 * Why the worker must register now at verified head `head`, or undefined if it need not: never
 * registered; `Expired`, or lapsed at the head's time even if the chain has not marked it yet (its
 * registration no longer counts either way); or within `reattestMargin` of its expiry.
 */
export function registrationReason(
  state: WorkerState | undefined,
  record: WorkerRecord | undefined,
  head: Header,
  timing: ReattestTiming,
): RegistrationReason | undefined {
  if (state === undefined || record === undefined) return 'not registered';
  const { expiresAt } = record.attestation;
  if (state === 'Expired' || head.timestamp >= expiresAt) return 'registration expired';
  if (expiresAt - head.timestamp <= reattestMargin(record, timing)) return 're-attesting before expiry';
  return undefined;
}
