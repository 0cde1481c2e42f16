// New blocks for the devnet's own watches (watchDevnetWorkers, watchDevnetLiveness), read over RPC:
// the devnet's node may be in its own process or one of a cluster's, so the devnet follows the
// chain as any client would, one code path for both. It polls `system_health` of one node and
// moves to the next when that one does not answer (a cluster's node killed and restarting), so the
// devnet's set-up carries on while any node serves. Heads only move forward: a node that lags the
// one asked before is not reported as a step back.
import { createHttpClient } from '../client/createHttpClient.js';
import { getHealth } from '../client/getHealth.js';
import type { RpcClient } from '../client/types.js';

export interface HeadWatchOptions {
  /** Nodes to ask, in order of preference; the first that answers is asked until it fails. */
  rpcUrls: readonly string[];
  /** Pause between polls. */
  intervalMs: number;
  /** Called with each new best block number, increasing. */
  onHead: (number: number) => void;
  /** A node that did not answer (the watch moves on to the next one). */
  onError: (error: unknown, rpcUrl: string) => void;
}

export interface HeadWatch {
  stop(): Promise<void>;
}

export function watchDevnetHeads(options: HeadWatchOptions): HeadWatch {
  if (options.rpcUrls.length === 0) throw new Error('watchDevnetHeads needs at least one RPC URL');
  // A poll must not outlast a few intervals: a node that hangs is as good as down here.
  const timeoutMs = Math.max(1000, 4 * options.intervalMs);
  const clients: RpcClient[] = options.rpcUrls.map((url) => createHttpClient(url, { timeoutMs }));
  let current = 0;
  let last = -1;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;

  const poll = async (): Promise<void> => {
    const client = clients[current]!;
    let bestNumber: number;
    try {
      ({ bestNumber } = await getHealth(client));
    } catch (error) {
      if (stopped) return;
      current = (current + 1) % clients.length;
      options.onError(error, client.url);
      return;
    }
    if (stopped || bestNumber <= last) return;
    last = bestNumber;
    options.onHead(bestNumber);
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      polling = poll().finally(() => {
        polling = undefined;
        schedule();
      });
    }, options.intervalMs);
  };
  polling = poll().finally(() => {
    polling = undefined;
    schedule();
  });

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await polling;
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}
