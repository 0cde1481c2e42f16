// The gatekeeper module: the gatekeeper set, the network master public key, sharing the master key
// between gatekeepers and provisioning registered workers (README.md).
import type { RuntimeModule } from '../support/module.js';
import { gatekeeperCallDefinitions } from './calls.js';
import { GatekeeperErrors } from './errors.js';
import { GatekeeperEvents } from './events.js';
import { onInitializeGatekeeper } from './hooks.js';
import { gatekeeperRpcMethods } from './rpc.js';
import { GATEKEEPER } from './types.js';

export const gatekeeperModule = {
  name: GATEKEEPER,
  calls: gatekeeperCallDefinitions,
  events: GatekeeperEvents,
  errors: GatekeeperErrors,
  onInitialize: onInitializeGatekeeper,
  rpc: gatekeeperRpcMethods,
} satisfies RuntimeModule;

export { GatekeeperErrors } from './errors.js';
export { GatekeeperEvents } from './events.js';
export * from './queries.js';
export {
  EncryptedKeys,
  Gatekeepers,
  MasterPubkey,
  SequenceExpiries,
  SharedMasterKeys,
  UsedSequences,
} from './storage.js';
