// The subscriptions of one WebSocket connection: each holds a listener on the chain, and closing the
// connection removes them all, so a client that goes away leaves nothing behind.
import { randomBytes } from 'node:crypto';
import { RpcError } from '../../codec/errors.js';
import { RPC_CODES, SUBSCRIPTIONS, type SubscriptionKind } from '../../codec/rpcWire.js';
import type { ChainService, NewHead } from '../chainService.js';
import { stringifyJson } from './handleRpc.js';
import type { RpcSession } from './methodContext.js';
import { blockEventsToJson, signedHeaderToJson } from './toJson.js';

export interface RpcSessionHandle extends RpcSession {
  readonly size: number;
  close(): void;
}

// Every connection subscribed to the same head shares one serialisation of it.
const resultJsonCache: Record<SubscriptionKind, WeakMap<NewHead, string>> = {
  newHeads: new WeakMap(),
  events: new WeakMap(),
};

function resultJson(kind: SubscriptionKind, head: NewHead): string {
  let json = resultJsonCache[kind].get(head);
  if (json === undefined) {
    json = stringifyJson(
      kind === 'newHeads'
        ? signedHeaderToJson(head.hash, head.signed)
        : blockEventsToJson(head.hash, head.signed.header.number, head.events),
    );
    resultJsonCache[kind].set(head, json);
  }
  return json;
}

export function createRpcSession(args: {
  chain: ChainService;
  maxSubscriptions: number;
  send: (text: string) => void;
}): RpcSessionHandle {
  const subscriptions = new Map<string, { kind: SubscriptionKind; stop: () => void }>();

  return {
    get size() {
      return subscriptions.size;
    },
    subscribe(kind) {
      if (subscriptions.size >= args.maxSubscriptions) {
        throw new RpcError(
          RPC_CODES.tooManySubscriptions,
          'TooManySubscriptions',
          `a connection may hold at most ${args.maxSubscriptions} subscriptions`,
          { max: args.maxSubscriptions },
        );
      }
      const id = randomBytes(8).toString('hex');
      const method = SUBSCRIPTIONS[kind].notification;
      const stop = args.chain.subscribeNewHeads((head) => {
        args.send(
          `{"jsonrpc":"2.0","method":"${method}","params":{"subscription":"${id}","result":${resultJson(kind, head)}}}`,
        );
      });
      subscriptions.set(id, { kind, stop });
      return id;
    },
    unsubscribe(kind, id) {
      const subscription = subscriptions.get(id);
      if (!subscription || subscription.kind !== kind) return false;
      subscription.stop();
      subscriptions.delete(id);
      return true;
    },
    close() {
      for (const { stop } of subscriptions.values()) stop();
      subscriptions.clear();
    },
  };
}
