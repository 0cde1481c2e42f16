import { hexToBytes, toHex } from '../codec/bytes.js';
import { Hash32Schema } from '../codec/rpcWire.js';
import { callRpc } from './callRpc.js';
import type { RpcClient } from './types.js';

/** Queues a signed extrinsic; resolves with its hash, or rejects with the node's InvalidTransaction code. */
export async function submitExtrinsic(client: RpcClient, extrinsic: Uint8Array): Promise<Uint8Array> {
  return hexToBytes(await callRpc(client, 'author_submitExtrinsic', [toHex(extrinsic)], Hash32Schema));
}
