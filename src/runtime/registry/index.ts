// The registry module: workers, their attestation and states, the attestation policy, benchmark
// scores (README.md). Other modules read and move workers only through workers.ts, re-exported here.
import type { RuntimeModule } from '../support/module.js';
import { registryCallDefinitions } from './calls.js';
import { RegistryErrors } from './errors.js';
import { RegistryEvents } from './events.js';
import { registryGenesis } from './genesis.js';
import { onInitializeRegistry } from './hooks.js';
import { registryRpcMethods } from './rpc.js';
import { REGISTRY } from './types.js';

export const registryModule = {
  name: REGISTRY,
  calls: registryCallDefinitions,
  events: RegistryEvents,
  errors: RegistryErrors,
  onInitialize: onInitializeRegistry,
  genesis: registryGenesis,
  rpc: registryRpcMethods,
} satisfies RuntimeModule;

export { RegistryErrors } from './errors.js';
export { RegistryEvents } from './events.js';
export { EXPIRY_SLOT_MS, expirySlot } from './expireLapsedWorkers.js';
export type { RegistryGenesisConfig } from './genesis.js';
export { findPolicyProblem } from './policy.js';
export * from './queries.js';
export { type PolicyJson, PolicyJsonSchema, policyFromJson, policyToJson } from './schemas.js';
export { Benchmarks, ChainGenesisHash, Policy, WorkerStates, Workers } from './storage.js';
export {
  findStandingProblem,
  hasLapsed,
  isActiveWorker,
  readBenchmark,
  readChainGenesisHash,
  readWorker,
  readWorkerState,
  type StandingProblem,
  setWorkerState,
} from './workers.js';
