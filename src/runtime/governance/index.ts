// The governance module: a sudo key that dispatches calls with the governance origin (README.md).
import { defineModule } from '../support/module.js';
import { governanceCallDefinitions } from './calls.js';
import { GovernanceErrors } from './errors.js';
import { GovernanceEvents } from './events.js';
import { governanceGenesis } from './genesis.js';
import { GOVERNANCE } from './types.js';

export const governanceModule = defineModule(GOVERNANCE, {
  calls: governanceCallDefinitions,
  events: GovernanceEvents,
  errors: GovernanceErrors,
  genesis: governanceGenesis,
});

export { GovernanceErrors } from './errors.js';
export { GovernanceEvents } from './events.js';
export * from './queries.js';
