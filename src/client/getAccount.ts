import { balancesRpc } from '../runtime/balances/schemas.js';
import { callMethod } from './callMethod.js';
import type { RpcClient } from './types.js';

export interface AccountInfo {
  address: string;
  nonce: number;
  free: bigint;
  reserved: bigint;
}

/**
 * An account's nonce and balances at the best block; zeros for an account the chain has never seen.
 * To sign a transaction, take `getNextNonce` instead: this nonce ignores what waits in the pool.
 */
export async function getAccount(client: RpcClient, address: string): Promise<AccountInfo> {
  const json = await callMethod(client, balancesRpc.getAccount, address);
  return {
    address: json.address,
    nonce: json.nonce,
    free: BigInt(json.free),
    reserved: BigInt(json.reserved),
  };
}
