// The Phalanx runtime as the node sees it: `createRuntime()` gives the `Runtime` of api.ts (genesis,
// block building, pool validation) plus the queries and the event decoder the RPC needs.
import type { InvalidTransaction, Runtime, ValidTransaction } from './api.js';
import { createExecutive } from './executive.js';
import { MODULES } from './modules.js';
import { queries, type RuntimeQueries } from './queries.js';
import type { CallTable } from './support/dispatch.js';
import { createEventDecoder, type EventDecoder } from './support/events.js';
import type { RuntimeModule } from './support/module.js';

export interface PhalanxRuntime extends Runtime {
  readonly queries: RuntimeQueries;
  /** An event as JSON-friendly data (bigints as decimal strings, bytes as 0x-hex). */
  readonly decodeEvent: EventDecoder;
  readonly modules: readonly RuntimeModule[];
  readonly calls: CallTable;
}

export function createRuntime(options: { modules?: readonly RuntimeModule[] } = {}): PhalanxRuntime {
  const modules = options.modules ?? MODULES;
  const executive = createExecutive(modules);
  return {
    buildGenesisState: executive.buildGenesisState,
    beginBlock: executive.beginBlock,
    validateTransaction: executive.validateTransaction,
    queries,
    decodeEvent: createEventDecoder(modules),
    modules,
    calls: executive.calls,
  };
}

/** Decodes an event of the default runtime's modules. */
export const decodeEvent: EventDecoder = createEventDecoder(MODULES);

export function isInvalidTransaction(
  result: ValidTransaction | InvalidTransaction,
): result is InvalidTransaction {
  return 'code' in result;
}

export type {
  ApplyResult,
  BlockBuilder,
  BlockContext,
  BlockExecution,
  ExtrinsicOutcome,
  InvalidTransaction,
  Runtime,
  StateChanges,
  StateReader,
  ValidTransaction,
} from './api.js';
export { TREASURY_ACCOUNT, UNIT } from './balances/types.js';
export {
  createDevGenesisConfig,
  DEV_CHAIN_NAME,
  DEV_ENDOWMENT,
  DEV_EXISTENTIAL_DEPOSIT,
  DEV_FLAT_FEE,
} from './genesis/createDevGenesisConfig.js';
export { type GenesisConfig, MODULES } from './modules.js';
export { type AccountView, queries, type RuntimeQueries } from './queries.js';
export type { DispatchErrorInfo } from './support/errors.js';
export { type DecodedEvent, type JsonValue, toJsonValue } from './support/events.js';
export { GenesisError } from './support/genesis.js';
export { createMapReader, keyToHex } from './support/overlay.js';
export type { Parameters } from './system/types.js';
