// What the gatekeeper remembers of workers it failed on, so that one bad entry on chain costs a
// bounded amount of work (DESIGN.md section 10: nothing from outside can stop a worker). After a
// failure the key is skipped for `baseBlocks`, doubling with each further failure up to `maxBlocks`:
// a worker refused for a reason that may pass later (a policy change, a node hiccup) is tried again,
// but a permanently bad one costs one evidence check per `maxBlocks`, not one per tick. At most
// `maxEntries` keys are kept, the least recently failed forgotten first, so neither the retries nor the
// memory grow with what others put on chain; a forgotten key is merely tried again.

export interface FailureBackoff {
  /** Whether `key` may be tried at block `head`. */
  mayTry(key: string, head: number): boolean;
  /** Records a failure of `key` at block `head`; returns the first block at which it may be tried again. */
  failed(key: string, head: number): number;
  /** Forgets `key` (it succeeded). */
  succeeded(key: string): void;
  /** Keys currently remembered. */
  readonly size: number;
}

export interface FailureBackoffOptions {
  /** Blocks skipped after a first failure. Default 10. */
  readonly baseBlocks?: number;
  /** Most blocks skipped between tries. Default 600 (an hour at 6 s blocks). */
  readonly maxBlocks?: number;
  /** Most keys remembered. Default 4096. */
  readonly maxEntries?: number;
}

export function createFailureBackoff(options: FailureBackoffOptions = {}): FailureBackoff {
  const base = Math.max(1, options.baseBlocks ?? 10);
  const max = Math.max(base, options.maxBlocks ?? 600);
  const maxEntries = Math.max(1, options.maxEntries ?? 4096);
  const entries = new Map<string, { failures: number; retryAt: number }>();

  return {
    mayTry(key, head) {
      const entry = entries.get(key);
      return entry === undefined || head >= entry.retryAt;
    },
    failed(key, head) {
      const failures = (entries.get(key)?.failures ?? 0) + 1;
      // 2^(failures-1) overflows nothing: the exponent stops growing once the cap is reached.
      const wait = Math.min(max, base * 2 ** Math.min(failures - 1, 30));
      const retryAt = head + wait;
      // Re-inserted, so the Map's order is the order of last failure and the oldest goes first.
      entries.delete(key);
      entries.set(key, { failures, retryAt });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      return retryAt;
    },
    succeeded(key) {
      entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}
