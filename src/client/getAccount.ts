import { AccountJsonSchema } from '../codec/rpcWire.js';
import { callRpc } from './callRpc.js';
import type { RpcClient } from './types.js';

export interface AccountInfo {
  address: string;
  nonce: number;
  free: bigint;
  reserved: bigint;
}

/** An account's nonce and balances at the best block; zeros for an account the chain has never seen. */
export async function getAccount(client: RpcClient, address: string): Promise<AccountInfo> {
  const json = await callRpc(client, 'balances_getAccount', [address], AccountJsonSchema);
  return {
    address: json.address,
    nonce: json.nonce,
    free: BigInt(json.free),
    reserved: BigInt(json.reserved),
  };
}
