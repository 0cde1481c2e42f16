// gatekeeper: the handlers of its JSON-RPC methods (schemas.ts), over its queries.
import { toHex } from '../../codec/bytes.js';
import { implement } from '../../codec/rpcSpec.js';
import type { ModuleRpcMethod, QueryContext } from '../api.js';
import { getGatekeepers, getMasterPubkey } from './queries.js';
import { gatekeeperRpc } from './schemas.js';

export const gatekeeperRpcMethods: readonly ModuleRpcMethod[] = [
  implement(gatekeeperRpc.getGatekeepers, ({ state }: QueryContext) => {
    const master = getMasterPubkey(state);
    return {
      gatekeepers: getGatekeepers(state).map(toHex),
      masterPubkey: master === undefined ? null : toHex(master),
    };
  }),
];
