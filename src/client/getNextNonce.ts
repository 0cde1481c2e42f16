import { nodeRpc } from '../codec/nodeRpc.js';
import { callMethod } from './callMethod.js';
import type { RpcClient } from './types.js';

/**
 * The nonce to sign the account's next transaction with: its nonce at the best block plus its
 * transactions waiting in the node's pool (`system_accountNextIndex`), so that a second transaction
 * sent before the first is in a block takes the next nonce instead of colliding with it.
 */
export async function getNextNonce(client: RpcClient, address: string): Promise<number> {
  return callMethod(client, nodeRpc.accountNextIndex, address);
}
