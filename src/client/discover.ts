import { nodeRpc, type OpenRpcSummary } from '../codec/nodeRpc.js';
import { callMethod } from './callMethod.js';
import type { RpcClient } from './types.js';

export type { OpenRpcSummary };

/** The node's OpenRPC document (`rpc.discover`). */
export async function discover(client: RpcClient): Promise<OpenRpcSummary> {
  return callMethod(client, nodeRpc.discover);
}
