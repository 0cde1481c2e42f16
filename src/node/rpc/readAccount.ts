// balances_getAccount: the runtime's own account query over the best block's state, so the RPC never
// re-implements a storage layout. The reader goes through ChainService.getStorage, the one state
// access the node exposes; the proofs it builds are thrown away, a cost this rarely called method
// can carry.

import { decodeAddress } from '../../codec/address.js';
import type { AccountJson } from '../../codec/rpcWire.js';
import type { StateReader } from '../../runtime/api.js';
import { queries } from '../../runtime/queries.js';
import type { ChainService } from '../chainService.js';

export function readAccount(chain: ChainService, address: string): AccountJson {
  const head = chain.head().hash;
  const state: StateReader = { get: (key) => chain.getStorage(key, head)?.value };
  const account = queries.account(state, decodeAddress(address));
  return {
    address,
    nonce: account.nonce,
    free: account.free.toString(),
    reserved: account.reserved.toString(),
  };
}
