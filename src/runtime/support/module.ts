// What a runtime module is (STYLE.md, FRAME anchor): its calls, events, errors, hooks, genesis and
// the JSON-RPC methods that read it (as cosmos-sdk modules register their query services).
// The runtime is the ordered list of modules in src/runtime/modules.ts; order matters for hooks and
// genesis (system first), and is part of consensus.
import type { ModuleRpcMethod } from '../api.js';
import type { CallDefinition, RuntimeContext } from './dispatch.js';
import type { DispatchErrorInfo } from './errors.js';
import type { EventType } from './events.js';
import type { GenesisDefinition } from './genesis.js';

export interface RuntimeModule<Name extends string = string> {
  readonly name: Name;
  readonly calls: Readonly<Record<string, CallDefinition<unknown>>>;
  readonly events: Readonly<Record<string, EventType<unknown>>>;
  readonly errors: Readonly<Record<string, DispatchErrorInfo>>;
  /** Runs at the start of every block, before its extrinsics. Must not fail. */
  readonly onInitialize?: (ctx: RuntimeContext) => void;
  /** Runs at the end of every block, after its extrinsics. Must not fail. */
  readonly onFinalize?: (ctx: RuntimeContext) => void;
  readonly genesis?: GenesisDefinition<unknown, unknown>;
  /** Its JSON-RPC methods (`rpc.ts`), which the node mounts: names are `<name>_verbNoun`. */
  readonly rpc?: readonly ModuleRpcMethod[];
}

/**
 * Declares a module. Prefer it to `satisfies RuntimeModule`: it keeps `name` a literal type (even
 * from a plain `const NAME = 'x'`), which the typed GenesisConfig of modules.ts needs.
 */
export function defineModule<const Name extends string, const Definition extends Omit<RuntimeModule, 'name'>>(
  name: Name,
  definition: Definition,
): Definition & { readonly name: Name } {
  return { ...definition, name };
}
