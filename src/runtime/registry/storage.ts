// registry storage. Keys: `registry/<Item>/<SCALE key>`.
import { Hash32, PublicKey32 } from '../../codec/scale.js';
import { createDeadlineQueue } from '../support/deadlineQueue.js';
import { storageMap, storageValue } from '../support/storage.js';
import {
  BenchmarkCodec,
  REGISTRY,
  RegistryPolicyCodec,
  WorkerRecordCodec,
  WorkerStateCodec,
} from './types.js';

/** Every worker ever registered, by identity pubkey: its WorkerInfo and attestation facts. */
export const Workers = storageMap(REGISTRY, 'Workers', PublicKey32, WorkerRecordCodec);
/**
 * Each worker's state, apart from its record so that a worker's light client proves a one-byte
 * value, and other modules read it without decoding the record.
 */
export const WorkerStates = storageMap(REGISTRY, 'WorkerStates', PublicKey32, WorkerStateCodec);
/** The last benchmark report of each worker. */
export const Benchmarks = storageMap(REGISTRY, 'Benchmarks', PublicKey32, BenchmarkCodec);
/** The attestation policy (genesis, then `setPolicy`). */
export const Policy = storageValue(REGISTRY, 'Policy', RegistryPolicyCodec);
/**
 * This chain's genesis hash, recorded from block 1's parent hash: the runtime is not told it, and
 * `system.BlockHashes` forgets block 0 after BLOCK_HASH_COUNT blocks.
 */
export const ChainGenesisHash = storageValue(REGISTRY, 'ChainGenesisHash', Hash32);
/**
 * Attestation expiries, by the time slot they fall due in (`expirySlot`, expireLapsedWorkers.ts):
 * each (re-)registration adds its worker under the slot of its `expiresAt`, and each block takes
 * only the slots that have passed. Stale entries (a worker that re-attested since) stay until taken
 * and are then skipped. Items `Expiries`, `ExpiriesLength`, `ExpiriesCursor` (support/deadlineQueue.ts).
 */
export const Expiries = createDeadlineQueue(REGISTRY, 'Expiries', PublicKey32);
