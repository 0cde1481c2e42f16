// What the node's own RPC handlers get (the chain and, over WebSocket, the connection's
// subscriptions), and the method table the pure handler dispatches on. A runtime module's handler
// never gets this: the node hands it a QueryContext (src/runtime/api.ts) instead.
import type { RpcImplementation } from '../../codec/rpcSpec.js';
import type { SubscriptionKind } from '../../codec/rpcWire.js';
import type { ChainService } from '../chainService.js';

/** Subscriptions of one WebSocket connection; absent over HTTP. */
export interface RpcSession {
  /** Returns the new subscription id; throws RpcError when the connection holds too many. */
  subscribe(kind: SubscriptionKind): string;
  unsubscribe(kind: SubscriptionKind, id: string): boolean;
}

export interface MethodContext {
  chain: ChainService;
  session: RpcSession | undefined;
}

/** A method as the node serves it: a spec with its handler over a MethodContext. */
export type RpcMethod = RpcImplementation<MethodContext>;

/** Every method one server answers, by name, as built by `createRpcMethods`. */
export interface RpcMethodTable {
  readonly methods: readonly RpcMethod[];
  get(name: string): RpcMethod | undefined;
}
