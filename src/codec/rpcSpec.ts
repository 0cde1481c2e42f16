// One JSON-RPC method declared once (DESIGN.md section 9): its name, parameter schemas, result schema
// and summary. The node validates requests and documents its OpenRPC document from a spec, the
// client validates answers with the very same spec, and the handler is attached to it apart
// (`implement`), so that the client never imports a handler. Specs sit where both sides may import
// them: here for the node's own methods (nodeRpc.ts), in a runtime module's `schemas.ts` for the
// module's methods.
import type { z } from 'zod';

export interface RpcParam<S extends z.ZodType = z.ZodType, Required extends boolean = boolean> {
  readonly name: string;
  readonly schema: S;
  readonly required: Required;
  readonly description: string;
}

export interface RpcResult<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly schema: S;
  readonly description: string;
}

/** `websocket`: the method pushes notifications, so it needs a connection to push them on. */
export type RpcTransport = 'any' | 'websocket';

export interface RpcSpec<
  P extends readonly RpcParam[] = readonly RpcParam[],
  R extends z.ZodType = z.ZodType,
> {
  /** `module_verbNoun` (STYLE.md, "Names"). */
  readonly name: string;
  readonly summary: string;
  readonly params: P;
  readonly result: RpcResult<R>;
  readonly transport: RpcTransport;
}

export function rpcParam<S extends z.ZodType>(
  name: string,
  schema: S,
  description: string,
): RpcParam<S, true> {
  return { name, schema, required: true, description };
}

/** A parameter a caller may leave out (or send as null); it must come after the required ones. */
export function optionalRpcParam<S extends z.ZodType>(
  name: string,
  schema: S,
  description: string,
): RpcParam<z.ZodOptional<S>, false> {
  return { name, schema: schema.optional(), required: false, description };
}

export function defineRpcSpec<const P extends readonly RpcParam[], R extends z.ZodType>(spec: {
  name: string;
  summary: string;
  params: P;
  result: RpcResult<R>;
  transport?: RpcTransport;
}): RpcSpec<P, R> {
  return { ...spec, transport: spec.transport ?? 'any' };
}

/** What a caller sends: each parameter's schema input, the optional ones at the end omissible. */
export type RpcParamInputs<P extends readonly RpcParam[]> = P extends readonly [
  infer Head,
  ...infer Tail extends readonly RpcParam[],
]
  ? Head extends RpcParam<infer S, true>
    ? [z.input<S>, ...RpcParamInputs<Tail>]
    : Head extends RpcParam<infer S, boolean>
      ? [z.input<S>?, ...RpcParamInputs<Tail>]
      : never
  : [];

/** What a handler receives: each parameter after its schema parsed (and transformed) it. */
export type RpcParamValues<P extends readonly RpcParam[]> = {
  [K in keyof P]: P[K] extends RpcParam<infer S, boolean> ? z.output<S> : never;
};

/** What a caller gets back: the result after the spec's schema checked it. */
export type RpcResultOf<S extends RpcSpec> = z.output<S['result']['schema']>;

/** A spec with its handler, over the context `C` its server provides. */
export interface RpcImplementation<C> {
  readonly spec: RpcSpec;
  /** `params` passed the spec's schemas, in order; undefined for an omitted optional one. */
  run(ctx: C, params: readonly unknown[]): unknown;
}

/**
 * Attaches a handler to a spec. The handler must return what the result schema accepts, so the
 * server cannot drift from what it documents and what clients check.
 */
export function implement<C, const P extends readonly RpcParam[], R extends z.ZodType>(
  spec: RpcSpec<P, R>,
  run: (ctx: C, params: RpcParamValues<P>) => z.input<R> | Promise<z.input<R>>,
): RpcImplementation<C> {
  // The server validated every value against its schema before this is called.
  return { spec, run: (ctx, params) => run(ctx, params as RpcParamValues<P>) };
}
