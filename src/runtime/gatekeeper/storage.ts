// gatekeeper storage. Keys: `gatekeeper/<Item>/<SCALE key>`.
import { PublicKey32, u32, u64, Vector } from '../../codec/scale.js';
import { createDeadlineQueue } from '../support/deadlineQueue.js';
import { storageMap, storageValue } from '../support/storage.js';
import { EncryptedKeyCodec, GATEKEEPER } from './types.js';

/** The gatekeeper set, in the order governance added them (at most MAX_GATEKEEPERS). */
export const Gatekeepers = storageValue(GATEKEEPER, 'Gatekeepers', Vector(PublicKey32));
/** The network master public key (ed25519), set once by the first gatekeeper. */
export const MasterPubkey = storageValue(GATEKEEPER, 'MasterPubkey', PublicKey32);
/** Each provisioned worker's network key box, for the worker to fetch. */
export const EncryptedKeys = storageMap(GATEKEEPER, 'EncryptedKeys', PublicKey32, EncryptedKeyCodec);
/** The master key box shared to each later gatekeeper, for it to fetch. */
export const SharedMasterKeys = storageMap(GATEKEEPER, 'SharedMasterKeys', PublicKey32, EncryptedKeyCodec);
/**
 * Sequence numbers of accepted master-signed messages, with the block that used each. One entry per
 * message, like account nonces: what lets racing gatekeepers submit the same message safely. Kept
 * only while the number is inside its window (types.ts, SEQUENCE_WINDOW_BLOCKS): SequenceExpiries
 * drops each once the chain would refuse it as too old anyway.
 */
export const UsedSequences = storageMap(GATEKEEPER, 'UsedSequences', u64, u32);
/** Each used sequence number, due at the first block outside its window (hooks.ts prunes it then). */
export const SequenceExpiries = createDeadlineQueue(GATEKEEPER, 'SequenceExpiries', u64);
