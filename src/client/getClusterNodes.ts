import { nodeRpc } from '../codec/nodeRpc.js';
import type { ClusterNodeJson } from '../codec/rpcWire.js';
import { callMethod } from './callMethod.js';
import type { RpcClient } from './types.js';

/**
 * The nodes of the etcd cluster the node belongs to, as it last read them from etcd (name, RPC URL,
 * authority key, whether it proposes); empty for a solo node or a follower.
 */
export async function getClusterNodes(client: RpcClient): Promise<ClusterNodeJson[]> {
  return callMethod(client, nodeRpc.nodes);
}
