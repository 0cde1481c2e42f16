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
  /** The worker's registration is past its `expiresAt` at this block (it must re-attest first). */
  'RegistrationExpired',
  /** The worker's recorded TCB (DCAP) or quote (IAS) status is not accepted by the policy in force. */
  'TcbStatusNoLongerAccepted',
  /** An advisory recorded for the worker is not in the advisory allowlist in force. */
  'AdvisoryNoLongerAllowed',
  /** The worker's recorded measurement matches no rule of the allowlist in force. */
  'MeasurementNoLongerAllowed',
  /**
   * The message's sequence number was made at a block more than SEQUENCE_WINDOW_BLOCKS before this
   * one, or after it: too old to be checked against the used numbers, which are kept only that long.
   */
  'SequenceOutsideWindow',
] as const);

export type GatekeeperErrorName = keyof typeof GatekeeperErrors;
