import { toHex } from '../codec/bytes.js';
import { nodeRpc } from '../codec/nodeRpc.js';
import { callMethod } from './callMethod.js';
import { type HeadInfo, signedHeaderFromJson } from './fromJson.js';
import type { RpcClient } from './types.js';

/** The signed header of a block (the best block without `hash`); undefined if the node does not know it. */
export async function getHeader(client: RpcClient, hash?: Uint8Array): Promise<HeadInfo | undefined> {
  const json = await callMethod(client, nodeRpc.getHeader, hash && toHex(hash));
  return json === null ? undefined : signedHeaderFromJson(json);
}
