import { hexToBytes } from '../codec/bytes.js';
import { nodeRpc } from '../codec/nodeRpc.js';
import type { HealthJson } from '../codec/rpcWire.js';
import { callMethod } from './callMethod.js';
import type { RpcClient } from './types.js';

/** `system_health` with the best hash as bytes: ordering, role, sync state, pool and head. */
export interface NodeHealth extends Omit<HealthJson, 'bestHash'> {
  bestHash: Uint8Array;
}

export async function getHealth(client: RpcClient): Promise<NodeHealth> {
  const json = await callMethod(client, nodeRpc.health);
  return { ...json, bestHash: hexToBytes(json.bestHash) };
}
