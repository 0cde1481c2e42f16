// Exponential backoff with a cap and jitter, for a worker whose node is down or flaky. Jitter keeps a
// fleet of workers that lost the same node from coming back in lock step; the cap bounds how long a
// worker stays away after the node returns. Time and randomness are injected, so tests do not sleep.

export interface BackoffPolicy {
  /** Delay before the first retry, ms. */
  readonly initialMs: number;
  /** No delay is longer than this, ms. */
  readonly maxMs: number;
  /** Growth per attempt (default 2). */
  readonly factor?: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 30_000, factor: 2 };

/**
 * The delay before retry number `attempt` (0-based): `min(max, initial * factor^attempt)`, then
 * "equal jitter" (half fixed, half random), so a delay never collapses to zero and never exceeds the cap.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const factor = policy.factor ?? 2;
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 64);
  const capped = Math.min(policy.maxMs, policy.initialMs * factor ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(capped / 2 + (capped / 2) * r);
}

/** Resolves after `ms`, or early (without error) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;
