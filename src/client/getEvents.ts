import { toHex } from '../codec/bytes.js';
import { nodeRpc } from '../codec/nodeRpc.js';
import { callMethod } from './callMethod.js';
import { type BlockEvents, blockEventsFromJson } from './fromJson.js';
import type { RpcClient } from './types.js';

/** The events of a block (the best block without `hash`); undefined if the node does not know it. */
export async function getEvents(client: RpcClient, hash?: Uint8Array): Promise<BlockEvents | undefined> {
  const json = await callMethod(client, nodeRpc.getEvents, hash && toHex(hash));
  return json === null ? undefined : blockEventsFromJson(json);
}
