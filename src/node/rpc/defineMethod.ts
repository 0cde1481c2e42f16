// One RPC method = its parameter schemas, its result schema and its handler, declared together so
// that validation, dispatch and the OpenRPC document cannot drift apart.
import type { z } from 'zod';
import type { SubscriptionKind } from '../../codec/rpcWire.js';
import type { ChainService } from '../chainService.js';

export interface RpcParam<S extends z.ZodType = z.ZodType> {
  name: string;
  schema: S;
  required: boolean;
  description: string;
}

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

type ParamValues<P extends readonly RpcParam[]> = {
  [K in keyof P]: P[K] extends RpcParam<infer S> ? z.output<S> : never;
};

export interface RpcMethod {
  name: string;
  summary: string;
  params: readonly RpcParam[];
  result: { name: string; schema: z.ZodType; description: string };
  /** `websocket`: needs a connection to push notifications on. */
  transport: 'any' | 'websocket';
  run(ctx: MethodContext, params: readonly unknown[]): unknown;
}

export function param<S extends z.ZodType>(
  name: string,
  schema: S,
  description: string,
  required = true,
): RpcParam<S> {
  return { name, schema, required, description };
}

export function defineMethod<const P extends readonly RpcParam[]>(spec: {
  name: string;
  summary: string;
  params: P;
  result: { name: string; schema: z.ZodType; description: string };
  transport?: 'any' | 'websocket';
  run(ctx: MethodContext, params: ParamValues<P>): unknown;
}): RpcMethod {
  return {
    name: spec.name,
    summary: spec.summary,
    params: spec.params,
    result: spec.result,
    transport: spec.transport ?? 'any',
    // The handler validated every value against its schema before this is called.
    run: (ctx, params) => spec.run(ctx, params as ParamValues<P>),
  };
}
