import { hexToBytes } from '../codec/bytes.js';
import { nodeRpc } from '../codec/nodeRpc.js';
import { callMethod } from './callMethod.js';
import type { RpcClient } from './types.js';

/** The hash of the block at `number` (the best block without it); undefined above the head. */
export async function getBlockHash(client: RpcClient, number?: number): Promise<Uint8Array | undefined> {
  const hash = await callMethod(client, nodeRpc.getBlockHash, number);
  return hash === null ? undefined : hexToBytes(hash);
}
