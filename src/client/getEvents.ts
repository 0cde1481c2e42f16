import { toHex } from '../codec/bytes.js';
import { BlockEventsJsonSchema } from '../codec/rpcWire.js';
import { callRpc } from './callRpc.js';
import { type BlockEvents, blockEventsFromJson } from './fromJson.js';
import type { RpcClient } from './types.js';

/** The events of a block (the best block without `hash`); undefined if the node does not know it. */
export async function getEvents(client: RpcClient, hash?: Uint8Array): Promise<BlockEvents | undefined> {
  const json = await callRpc(
    client,
    'chain_getEvents',
    [hash && toHex(hash)],
    BlockEventsJsonSchema.nullable(),
  );
  return json === null ? undefined : blockEventsFromJson(json);
}
