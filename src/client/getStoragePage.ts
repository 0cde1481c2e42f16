import { hexToBytes, toHex } from '../codec/bytes.js';
import { StorageEntriesJsonSchema } from '../codec/rpcWire.js';
import { callRpc } from './callRpc.js';
import type { RpcClient } from './types.js';

/** One page of storage entries under `prefix` at the best block, in key order (no proofs). */
export async function getStoragePage(
  client: RpcClient,
  prefix: Uint8Array,
  args: { limit: number; startAfter?: Uint8Array },
): Promise<{ key: Uint8Array; value: Uint8Array }[]> {
  const entries = await callRpc(
    client,
    'state_getKeysPaged',
    [toHex(prefix), args.limit, args.startAfter && toHex(args.startAfter)],
    StorageEntriesJsonSchema,
  );
  return entries.map((e) => ({ key: hexToBytes(e.key), value: hexToBytes(e.value) }));
}
