// The storage keys the worker reads (through proofs) and the codecs of their values. Keys follow the
// runtime's layout, `module/Item/` + SCALE map key (src/runtime/support/storage.ts); they are rebuilt
// here because the worker may import only runtime *types* (test/architecture.test.ts). Each name
// must match the module's storage.ts: a mismatch shows as a value proven absent, never a wrong read.
import { chainStorageKey } from '../enclave/lightClient.js';

/** `registry.Workers`: WorkerRecordCodec. */
export const workerRecordKey = (worker: Uint8Array): Uint8Array =>
  chainStorageKey('registry', 'Workers', worker);
/** `registry.WorkerStates`: WorkerStateCodec. */
export const workerStateKey = (worker: Uint8Array): Uint8Array =>
  chainStorageKey('registry', 'WorkerStates', worker);
/** The prefix of every `registry.WorkerStates` entry (for listing candidates; each is then proven). */
export const WORKER_STATES_PREFIX = chainStorageKey('registry', 'WorkerStates');
/** `registry.Policy`: RegistryPolicyCodec. */
export const POLICY_KEY = chainStorageKey('registry', 'Policy');

/** `gatekeeper.Gatekeepers`: Vector(PublicKey32). */
export const GATEKEEPERS_KEY = chainStorageKey('gatekeeper', 'Gatekeepers');
/** `gatekeeper.MasterPubkey`: PublicKey32. */
export const MASTER_PUBKEY_KEY = chainStorageKey('gatekeeper', 'MasterPubkey');
/** `gatekeeper.EncryptedKeys`: EncryptedKeyCodec, the network key box of a provisioned worker. */
export const networkKeyBoxKey = (worker: Uint8Array): Uint8Array =>
  chainStorageKey('gatekeeper', 'EncryptedKeys', worker);
/** `gatekeeper.SharedMasterKeys`: EncryptedKeyCodec, the master key box of a later gatekeeper. */
export const sharedMasterKeyKey = (gatekeeper: Uint8Array): Uint8Array =>
  chainStorageKey('gatekeeper', 'SharedMasterKeys', gatekeeper);
/** `gatekeeper.UsedSequences`: u32 (the block that used it), keyed by the u64 sequence number. */
export const usedSequenceKey = (encodedSeq: Uint8Array): Uint8Array =>
  chainStorageKey('gatekeeper', 'UsedSequences', encodedSeq);
