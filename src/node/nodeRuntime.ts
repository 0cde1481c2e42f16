// What the node needs from the runtime beyond the pure `Runtime` of src/runtime/api.ts: who may
// seal blocks and the chain's name. The default binds the Phalanx runtime (src/runtime/index.ts);
// tests of the node core may bind another runtime that implements api.ts.
import type { Runtime, StateReader } from '../runtime/api.js';
import { createRuntime } from '../runtime/index.js';

export interface NodeRuntime {
  readonly runtime: Runtime;
  /** The authority public keys in `state` (the parent's state when checking a block). */
  authorities(state: StateReader): Uint8Array[];
  chainName(state: StateReader): string;
}

export function createDefaultNodeRuntime(): NodeRuntime {
  const runtime = createRuntime();
  return {
    runtime,
    authorities: (state) => runtime.queries.getAuthorities(state),
    chainName: (state) => runtime.queries.getChainName(state),
  };
}
