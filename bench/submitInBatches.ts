// The load clients of the node benchmarks (throughput, etcd): pre-signed extrinsics submitted over
// JSON-RPC in batches, as many distinct senders' wallets would.
import { setTimeout as sleep } from 'node:timers/promises';

/** The node's JSON-RPC batch limit (RPC_DEFAULTS.maxBatch). */
export const BATCH = 100;

export interface SubmitStats {
  accepted: number;
  /** Refusals that said "later" (a full pool; etcd did not take it), sent again. */
  retried: number;
  /** Other refusals by code, dropped. */
  errors: Record<string, number>;
  /** Date.now() when this client ran out of signed extrinsics, if it did. */
  exhaustedAt?: number;
}

interface RpcAnswer {
  id: number;
  error?: { message: string; data?: { code?: string } };
}

/** Refusals that a later attempt can turn into an acceptance. */
const LATER = new Set(['PoolFull', 'Unavailable']);
/** The pool already holds it: for the load, that is an acceptance. */
const HELD = new Set(['AlreadyInPool', 'NonceInPool']);

/**
 * Submits `queue` (hex extrinsics, in nonce order per sender) to `url` in batches, one batch in
 * flight, until `signal` aborts (the batch in flight is dropped) or the queue is empty.
 */
export async function submitInBatches(
  url: string,
  queue: readonly string[],
  signal: AbortSignal,
): Promise<SubmitStats> {
  const stats: SubmitStats = { accepted: 0, retried: 0, errors: {} };
  const retry: string[] = [];
  let next = 0;
  while (!signal.aborted) {
    const batch = retry.splice(0, BATCH);
    while (batch.length < BATCH && next < queue.length) batch.push(queue[next++]!);
    if (batch.length === 0) {
      stats.exhaustedAt = Date.now();
      break;
    }
    let answers: RpcAnswer[];
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          batch.map((hex, id) => ({ jsonrpc: '2.0', id, method: 'author_submitExtrinsic', params: [hex] })),
        ),
        signal,
      });
      answers = (await response.json()) as RpcAnswer[];
    } catch (error) {
      // The window closed with this batch in flight (an etcd node answers a batch only once every
      // entry is in etcd): what it held no longer counts.
      if (signal.aborted) break;
      throw error;
    }
    let later = 0;
    for (const answer of answers) {
      const code = answer.error && (answer.error.data?.code ?? answer.error.message);
      if (code === undefined || HELD.has(code)) {
        stats.accepted++;
      } else if (LATER.has(code)) {
        retry.push(batch[answer.id]!);
        later++;
      } else {
        stats.errors[code] = (stats.errors[code] ?? 0) + 1;
      }
    }
    stats.retried += later;
    // A full pool empties one block at a time: wait a little rather than spin on the node.
    if (later > 0) await sleep(later === batch.length ? 50 : 10);
  }
  return stats;
}

/** The clients' refusals other than "later", added up by code. */
export function sumErrors(stats: readonly SubmitStats[]): Record<string, number> {
  const all: Record<string, number> = {};
  for (const s of stats) for (const [code, n] of Object.entries(s.errors)) all[code] = (all[code] ?? 0) + n;
  return all;
}
