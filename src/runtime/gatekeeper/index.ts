// The gatekeeper module: the gatekeeper set, the network master public key, sharing the master key
// between gatekeepers and provisioning registered workers (README.md).
import type { RuntimeModule } from '../support/module.js';
import { gatekeeperCallDefinitions } from './calls.js';
import { GatekeeperErrors } from './errors.js';
import { GatekeeperEvents } from './events.js';
import { GATEKEEPER } from './types.js';

export const gatekeeperModule = {
  name: GATEKEEPER,
  calls: gatekeeperCallDefinitions,
  events: GatekeeperEvents,
  errors: GatekeeperErrors,
} satisfies RuntimeModule;

export { GatekeeperErrors } from './errors.js';
export { GatekeeperEvents } from './events.js';
export * from './queries.js';
export { EncryptedKeys, Gatekeepers, MasterPubkey, SharedMasterKeys, UsedSequences } from './storage.js';
