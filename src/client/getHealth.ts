import { hexToBytes } from '../codec/bytes.js';
import { HealthJsonSchema } from '../codec/rpcWire.js';
import { callRpc } from './callRpc.js';
import type { RpcClient } from './types.js';

export interface NodeHealth {
  isSyncing: boolean;
  peers: number;
  pendingExtrinsics: number;
  bestNumber: number;
  bestHash: Uint8Array;
}

export async function getHealth(client: RpcClient): Promise<NodeHealth> {
  const json = await callRpc(client, 'system_health', [], HealthJsonSchema);
  return { ...json, bestHash: hexToBytes(json.bestHash) };
}
