// gatekeeper errors. APPEND ONLY: a code is the index in this list and is part of consensus.
import { defineErrors } from '../support/errors.js';

export const GatekeeperErrors = defineErrors('gatekeeper', [
  /** `addGatekeeper` of a key that is not a Registered or Provisioned worker. */
  'NotRegisteredWorker',
  /** `addGatekeeper` of a key already in the set. */
  'AlreadyGatekeeper',
  /** The set is full (MAX_GATEKEEPERS). */
  'TooManyGatekeepers',
  /** The key is not in the gatekeeper set. */
  'NotGatekeeper',
  /** `setMasterPubkey` after the master public key was set. */
  'MasterKeyAlreadySet',
  /** A master-signed message before any master public key was set. */
  'MasterKeyNotSet',
  /** `setMasterPubkey`'s signature is not the gatekeeper identity key's. */
  'BadGatekeeperSignature',
  /** A message is not signed by the master key. */
  'BadMasterSignature',
  /** The message's sequence number was used before. */
  'SequenceReplayed',
  /** `provision` of a worker that is not `Registered` (unknown or expired). */
  'WorkerNotRegistered',
  /** `provision` of a worker that is already `Provisioned`: changes nothing. */
  'AlreadyProvisioned',
  /** The encrypted key box is shorter or longer than a box can be. */
  'InvalidEncryptedKey',
] as const);
