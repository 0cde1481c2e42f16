// The computation module: sessions, online challenges, heartbeats, detection of missed ones,
// penalties and rewards (README.md, DESIGN.md section 7). Other modules (contracts) use sessions only
// through the functions re-exported here.
import { defineModule } from '../support/module.js';
import { computationCallDefinitions } from './calls.js';
import { ComputationErrors } from './errors.js';
import { ComputationEvents } from './events.js';
import { computationGenesis } from './genesis.js';
import { onInitializeComputation } from './hooks.js';
import { computationRpcMethods } from './rpc.js';
import { COMPUTATION } from './types.js';

export const computationModule = defineModule(COMPUTATION, {
  calls: computationCallDefinitions,
  events: ComputationEvents,
  errors: ComputationErrors,
  onInitialize: onInitializeComputation,
  genesis: computationGenesis,
  rpc: computationRpcMethods,
});

export { ComputationErrors } from './errors.js';
export { ComputationEvents } from './events.js';
export { processLiveness } from './hooks.js';
export * from './queries.js';
export { noteContracts, readSession } from './sessions.js';
export { Compensations, Config as ComputationConfig, DisplacedQueue, Sessions } from './storage.js';
export { poolFind, poolTotal } from './weightPool.js';
