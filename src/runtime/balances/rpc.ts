// balances: the handlers of its JSON-RPC methods (schemas.ts), over its queries.
import { decodeAddress } from '../../codec/address.js';
import { implement } from '../../codec/rpcSpec.js';
import type { ModuleRpcMethod, QueryContext } from '../api.js';
import { getNonce } from '../system/queries.js';
import { getBalance } from './queries.js';
import { balancesRpc } from './schemas.js';

export const balancesRpcMethods: readonly ModuleRpcMethod[] = [
  implement(balancesRpc.getAccount, ({ state }: QueryContext, [address]) => {
    const who = decodeAddress(address);
    const { free, reserved } = getBalance(state, who);
    return { address, nonce: getNonce(state, who), free: free.toString(), reserved: reserved.toString() };
  }),
];
