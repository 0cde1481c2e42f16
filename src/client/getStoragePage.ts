import { hexToBytes, toHex } from '../codec/bytes.js';
import { nodeRpc } from '../codec/nodeRpc.js';
import { callMethod } from './callMethod.js';
import type { RpcClient } from './types.js';

/** One page of storage entries under `prefix` at the best block, in key order (no proofs). */
export async function getStoragePage(
  client: RpcClient,
  prefix: Uint8Array,
  args: { limit: number; startAfter?: Uint8Array },
): Promise<{ key: Uint8Array; value: Uint8Array }[]> {
  const entries = await callMethod(
    client,
    nodeRpc.getKeysPaged,
    toHex(prefix),
    args.limit,
    args.startAfter && toHex(args.startAfter),
  );
  return entries.map((e) => ({ key: hexToBytes(e.key), value: hexToBytes(e.value) }));
}
