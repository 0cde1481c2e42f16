// Calls, origins and the dispatcher (STYLE.md, FRAME anchor): every call declares the one origin
// kind it accepts; the dispatcher looks the call up by (module, call), checks the origin, decodes the
// arguments and runs it in its own overlay, so that a DispatchError reverts exactly its writes and
// events.
import type { Call } from '../../codec/chain.js';
import { CodecError } from '../../codec/errors.js';
import { type Codec, decodeExact } from '../../codec/scale.js';
import type { BlockContext } from '../api.js';
import { DispatchError, type DispatchErrorInfo } from './errors.js';
import type { Overlay } from './overlay.js';
import { checkCallWeight, WEIGHT } from './weight.js';

export type OriginKind = 'signed' | 'governance' | 'none';

/** Who asks: an account that signed the extrinsic, governance (via `governance.sudo`), or nobody. */
export type Origin = { kind: 'signed'; who: Uint8Array } | { kind: 'governance' } | { kind: 'none' };

export type DispatchResult = { ok: true } | { ok: false; error: DispatchErrorInfo };

/** What runtime code (calls and hooks) sees: the current layer, the block and the phase. */
export interface RuntimeContext {
  readonly state: Overlay;
  readonly block: BlockContext;
  /** Index of the extrinsic being applied; undefined in block hooks. */
  readonly phase: number | undefined;
  /** The runtime's calls and the errors for bad inner calls, for `dispatchCall`. */
  readonly dispatcher: Dispatcher;
}

export interface Dispatcher {
  readonly calls: CallTable;
  readonly errors: KernelErrors;
}

export interface CallDefinition<A> {
  readonly origin: OriginKind;
  /** Cost in transfer units (weight.ts); the signer of an extrinsic pays `flatFee` per unit. */
  readonly weight: number;
  decodeArgs(bytes: Uint8Array, what: string): A;
  execute(ctx: RuntimeContext, origin: Origin, args: A): void;
}

function decoderOf<A>(codec: Codec<A>): (bytes: Uint8Array, what: string) => A {
  return (bytes, what) => decodeExact(codec, bytes, what);
}

type SignedExecute<A> = (ctx: RuntimeContext, who: Uint8Array, args: A) => void;

export interface CallOptions {
  /** Weight in units of weight.ts (`WEIGHT.base + ...`); `WEIGHT.base` (a transfer's) if omitted. */
  weight?: number;
}

/**
 * A call an account signs and pays for. A call that does more than a transfer's work declares its
 * weight here, beside its definition: `signedCall(Args, { weight: WEIGHT.base + WEIGHT.evidence }, ...)`.
 */
export function signedCall<A>(args: Codec<A>, execute: SignedExecute<A>): CallDefinition<A>;
export function signedCall<A>(
  args: Codec<A>,
  options: CallOptions,
  execute: SignedExecute<A>,
): CallDefinition<A>;
export function signedCall<A>(
  args: Codec<A>,
  optionsOrExecute: CallOptions | SignedExecute<A>,
  maybeExecute?: SignedExecute<A>,
): CallDefinition<A> {
  const options = typeof optionsOrExecute === 'function' ? {} : optionsOrExecute;
  const execute = typeof optionsOrExecute === 'function' ? optionsOrExecute : maybeExecute;
  if (!execute) throw new Error('signedCall needs an execute function');
  return {
    origin: 'signed',
    weight: checkCallWeight(options.weight ?? WEIGHT.base),
    decodeArgs: decoderOf(args),
    execute: (ctx, origin, decoded) => {
      // The dispatcher checked the kind; this narrows it for the type checker.
      if (origin.kind !== 'signed') throw new Error('signed call dispatched without a signer');
      execute(ctx, origin.who, decoded);
    },
  };
}

export function governanceCall<A>(
  args: Codec<A>,
  execute: (ctx: RuntimeContext, args: A) => void,
): CallDefinition<A> {
  // Governance calls run inside `governance.sudo`, whose signer pays that extrinsic's weight.
  return {
    origin: 'governance',
    weight: WEIGHT.base,
    decodeArgs: decoderOf(args),
    execute: (ctx, _origin, a) => execute(ctx, a),
  };
}

/** A call anybody may submit without signature, fee or nonce: it must defend itself against spam. */
export function unsignedCall<A>(
  args: Codec<A>,
  execute: (ctx: RuntimeContext, args: A) => void,
): CallDefinition<A> {
  return {
    origin: 'none',
    weight: WEIGHT.base,
    decodeArgs: decoderOf(args),
    execute: (ctx, _origin, a) => execute(ctx, a),
  };
}

export interface CallTable {
  lookup(module: string, call: string): CallDefinition<unknown> | undefined;
}

export function createCallTable(
  modules: readonly { name: string; calls: Readonly<Record<string, CallDefinition<unknown>>> }[],
): CallTable {
  const table = new Map<string, Map<string, CallDefinition<unknown>>>();
  for (const module of modules) {
    if (table.has(module.name)) throw new Error(`module ${module.name} registered twice`);
    table.set(module.name, new Map(Object.entries(module.calls)));
  }
  return { lookup: (module, call) => table.get(module)?.get(call) };
}

/** Runs `execute` in a child of `ctx.state`: committed on success, dropped on a DispatchError. */
export function runInLayer(ctx: RuntimeContext, execute: (inner: RuntimeContext) => void): DispatchResult {
  const layer = ctx.state.child();
  const inner: RuntimeContext = {
    state: layer,
    block: ctx.block,
    phase: ctx.phase,
    dispatcher: ctx.dispatcher,
  };
  try {
    execute(inner);
  } catch (error) {
    layer.discard();
    if (error instanceof DispatchError) return { ok: false, error: error.info };
    throw error;
  }
  layer.commit();
  return { ok: true };
}

export interface KernelErrors {
  readonly UnknownCall: DispatchErrorInfo;
  readonly BadOrigin: DispatchErrorInfo;
  readonly MalformedCall: DispatchErrorInfo;
}

/**
 * Dispatches a call that is not a whole extrinsic (the inner call of `governance.sudo`) in a layer
 * nested in `ctx`. Its lookup, origin and argument failures are dispatch errors that the caller
 * records, not invalid transactions. Never throws a DispatchError.
 */
export function dispatchCall(ctx: RuntimeContext, origin: Origin, call: Call): DispatchResult {
  const { calls, errors } = ctx.dispatcher;
  const definition = calls.lookup(call.module, call.call);
  if (!definition) return { ok: false, error: errors.UnknownCall };
  if (definition.origin !== origin.kind) return { ok: false, error: errors.BadOrigin };
  let args: unknown;
  try {
    args = definition.decodeArgs(call.args, `${call.module}.${call.call} arguments`);
  } catch (error) {
    if (error instanceof CodecError) return { ok: false, error: errors.MalformedCall };
    throw error;
  }
  return runInLayer(ctx, (inner) => definition.execute(inner, origin, args));
}
