import { equalBytes, toHex } from '../codec/bytes.js';
import { RpcError } from '../codec/errors.js';
import type { OutcomeJson } from '../codec/rpcWire.js';
import type { EventInfo } from './fromJson.js';
import { getBlock } from './getBlock.js';
import { getBlockHash } from './getBlockHash.js';
import { getEvents } from './getEvents.js';
import { getHeader } from './getHeader.js';
import { subscribeNewHeads } from './subscribeNewHeads.js';
import type { WsRpcClient } from './types.js';

export interface Inclusion {
  blockHash: Uint8Array;
  blockNumber: number;
  /** Position of the extrinsic in its block. */
  index: number;
  outcome: OutcomeJson | null;
  /** The events the extrinsic emitted (fee, transfer, failure, ...). */
  events: EventInfo[];
}

/**
 * Waits until a block from `fromNumber` on includes the extrinsic `hash`. Every block is scanned, also
 * ones sealed before the subscription started or skipped between notifications. Rejects with
 * NotIncluded after `maxBlocks` blocks without it, and with ConnectionClosed if the socket drops.
 */
export async function waitForExtrinsic(
  client: WsRpcClient,
  hash: Uint8Array,
  args: { fromNumber: number; maxBlocks?: number },
): Promise<Inclusion> {
  const lastNumber = args.fromNumber + (args.maxBlocks ?? 30) - 1;
  let next = args.fromNumber;
  let scanning = Promise.resolve();
  let unsubscribe: (() => Promise<void>) | undefined;

  const found = new Promise<Inclusion>((resolve, reject) => {
    const scanUpTo = (headNumber: number) => {
      scanning = scanning
        .then(async () => {
          for (; next <= headNumber; next++) {
            const blockHash = await getBlockHash(client, next);
            const info = blockHash && (await getBlock(client, blockHash));
            if (!info) return; // not sealed yet after all; the next head retries
            const index = info.extrinsics.findIndex((e) => equalBytes(e.hash, hash));
            if (index >= 0) {
              const events =
                (await getEvents(client, info.hash))?.events.filter((e) => e.phase === index) ?? [];
              resolve({
                blockHash: info.hash,
                blockNumber: next,
                index,
                outcome: info.extrinsics[index]!.outcome,
                events,
              });
              return;
            }
            if (next >= lastNumber) {
              reject(
                new RpcError(
                  -32000,
                  'NotIncluded',
                  `extrinsic ${toHex(hash)} is not in blocks ${args.fromNumber}..${lastNumber}`,
                ),
              );
              return;
            }
          }
        })
        .catch(reject);
    };
    client.onClose(reject);
    subscribeNewHeads(client, (head) => scanUpTo(head.signed.header.number))
      .then(async (stop) => {
        unsubscribe = stop;
        const head = await getHeader(client);
        if (head) scanUpTo(head.signed.header.number);
      })
      .catch(reject);
  });

  try {
    return await found;
  } finally {
    await unsubscribe?.().catch(() => {});
  }
}
