import { hexToBytes } from '../codec/bytes.js';
import { Hash32Schema } from '../codec/rpcWire.js';
import { callRpc } from './callRpc.js';
import type { RpcClient } from './types.js';

/** The hash of the block at `number` (the best block without it); undefined above the head. */
export async function getBlockHash(client: RpcClient, number?: number): Promise<Uint8Array | undefined> {
  const hash = await callRpc(client, 'chain_getBlockHash', [number], Hash32Schema.nullable());
  return hash === null ? undefined : hexToBytes(hash);
}
