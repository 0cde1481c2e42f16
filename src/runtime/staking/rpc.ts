// staking: the handlers of its JSON-RPC methods (schemas.ts), over its queries.
import { encodeAddress } from '../../codec/address.js';
import { toHex } from '../../codec/bytes.js';
import { implement } from '../../codec/rpcSpec.js';
import type { ModuleRpcMethod, QueryContext } from '../api.js';
import { getStake, getStakingConfig } from './queries.js';
import { stakingRpc } from './schemas.js';

export const stakingRpcMethods: readonly ModuleRpcMethod[] = [
  implement(stakingRpc.getStake, ({ state }: QueryContext, [worker]) => {
    const ledger = getStake(state, worker);
    if (ledger === undefined) return null;
    return {
      worker: toHex(worker),
      owner: encodeAddress(ledger.owner),
      active: ledger.active.toString(),
      unbonding: ledger.unbonding.map((chunk) => ({
        amount: chunk.amount.toString(),
        unlockAt: chunk.unlockAt,
      })),
      locked: ledger.locked,
      minStake: getStakingConfig(state).minStake.toString(),
    };
  }),
];
