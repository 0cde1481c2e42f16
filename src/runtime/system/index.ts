// The system module: block context, nonces, parameters, authorities, chain name (README.md).
import { defineModule } from '../support/module.js';
import { systemCallDefinitions } from './calls.js';
import { SystemErrors } from './errors.js';
import { SystemEvents } from './events.js';
import { systemGenesis } from './genesis.js';
import { onInitializeSystem } from './hooks.js';
import { SYSTEM } from './types.js';

export const systemModule = defineModule(SYSTEM, {
  calls: systemCallDefinitions,
  events: SystemEvents,
  errors: SystemErrors,
  onInitialize: onInitializeSystem,
  genesis: systemGenesis,
});

export { SystemErrors } from './errors.js';
export { SystemEvents } from './events.js';
export { readParameters } from './parameters.js';
export * from './queries.js';
export { Nonces } from './storage.js';
