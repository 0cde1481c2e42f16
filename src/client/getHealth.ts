import { hexToBytes } from '../codec/bytes.js';
import { nodeRpc } from '../codec/nodeRpc.js';
import { callMethod } from './callMethod.js';
import type { RpcClient } from './types.js';

export interface NodeHealth {
  isSyncing: boolean;
  peers: number;
  pendingExtrinsics: number;
  bestNumber: number;
  bestHash: Uint8Array;
}

export async function getHealth(client: RpcClient): Promise<NodeHealth> {
  const json = await callMethod(client, nodeRpc.health);
  return { ...json, bestHash: hexToBytes(json.bestHash) };
}
