// Read-only views of gatekeeper storage for the node's RPC, gatekeepers and workers.
import type { StateReader } from '../api.js';
import { EncryptedKeys, Gatekeepers, MasterPubkey, SharedMasterKeys, UsedSequences } from './storage.js';
import type { EncryptedKey } from './types.js';

export function getGatekeepers(state: StateReader): Uint8Array[] {
  return Gatekeepers.get(state) ?? [];
}

export function getMasterPubkey(state: StateReader): Uint8Array | undefined {
  return MasterPubkey.get(state);
}

/** The network key box of a provisioned worker (and the sequence of the message that set it). */
export function getEncryptedKey(state: StateReader, worker: Uint8Array): EncryptedKey | undefined {
  return EncryptedKeys.get(state, worker);
}

/** The master key box shared to a later gatekeeper. */
export function getSharedMasterKey(state: StateReader, gatekeeper: Uint8Array): EncryptedKey | undefined {
  return SharedMasterKeys.get(state, gatekeeper);
}

export function isSequenceUsed(state: StateReader, seq: bigint): boolean {
  return UsedSequences.has(state, seq);
}
