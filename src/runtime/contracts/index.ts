// The contracts module (registry part): contracts deployed with a deposit and assigned to workers by
// a weighted draw; holders replaced at once when they miss, stop or lapse (README.md). Execution
// itself comes later.
import { defineModule } from '../support/module.js';
import { contractsCallDefinitions } from './calls.js';
import { ContractsErrors } from './errors.js';
import { ContractsEvents } from './events.js';
import { contractsGenesis } from './genesis.js';
import { onFinalizeContracts } from './hooks.js';
import { contractsRpcMethods } from './rpc.js';
import { CONTRACTS } from './types.js';

export const contractsModule = defineModule(CONTRACTS, {
  calls: contractsCallDefinitions,
  events: ContractsEvents,
  errors: ContractsErrors,
  onFinalize: onFinalizeContracts,
  genesis: contractsGenesis,
  rpc: contractsRpcMethods,
});

export { ContractsErrors } from './errors.js';
export { ContractsEvents } from './events.js';
export * from './queries.js';
