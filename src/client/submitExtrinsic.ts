import { hexToBytes, toHex } from '../codec/bytes.js';
import { nodeRpc } from '../codec/nodeRpc.js';
import { callMethod } from './callMethod.js';
import type { RpcClient } from './types.js';

/** Queues a signed extrinsic; resolves with its hash, or rejects with the node's InvalidTransaction code. */
export async function submitExtrinsic(client: RpcClient, extrinsic: Uint8Array): Promise<Uint8Array> {
  return hexToBytes(await callMethod(client, nodeRpc.submitExtrinsic, toHex(extrinsic)));
}
