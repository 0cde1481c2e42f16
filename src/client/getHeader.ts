import { toHex } from '../codec/bytes.js';
import { SignedHeaderJsonSchema } from '../codec/rpcWire.js';
import { callRpc } from './callRpc.js';
import { type HeadInfo, signedHeaderFromJson } from './fromJson.js';
import type { RpcClient } from './types.js';

/** The signed header of a block (the best block without `hash`); undefined if the node does not know it. */
export async function getHeader(client: RpcClient, hash?: Uint8Array): Promise<HeadInfo | undefined> {
  const json = await callRpc(
    client,
    'chain_getHeader',
    [hash && toHex(hash)],
    SignedHeaderJsonSchema.nullable(),
  );
  return json === null ? undefined : signedHeaderFromJson(json);
}
