// Read-only views of registry storage for the node's RPC and the dashboard.
import type { StateReader } from '../api.js';
import { Benchmarks, Policy, WorkerStates, Workers } from './storage.js';
import type { Benchmark, RegistryPolicy, WorkerRecord, WorkerState } from './types.js';

export interface WorkerView extends WorkerRecord {
  pubkey: Uint8Array;
  state: WorkerState;
  benchmark: Benchmark | undefined;
}

function viewOf(state: StateReader, pubkey: Uint8Array, record: WorkerRecord): WorkerView {
  // Workers and WorkerStates are written together, so a record always has a state.
  const workerState = WorkerStates.get(state, pubkey);
  if (workerState === undefined) throw new Error('registry: worker record without a state');
  return { ...record, pubkey, state: workerState, benchmark: Benchmarks.get(state, pubkey) };
}

export function getWorker(state: StateReader, pubkey: Uint8Array): WorkerView | undefined {
  const record = Workers.get(state, pubkey);
  return record === undefined ? undefined : viewOf(state, pubkey, record);
}

export function getPolicy(state: StateReader): RegistryPolicy | undefined {
  return Policy.get(state);
}

/**
 * How to page through the workers: the node scans its ordered store under `prefix` (keys are the
 * prefix followed by the 32-byte pubkey, so pages are in pubkey order and resume after the last
 * key) and turns each entry into a view with `decode`.
 */
export function listWorkers(): {
  prefix: Uint8Array;
  keyOf(pubkey: Uint8Array): Uint8Array;
  decode(state: StateReader, key: Uint8Array, value: Uint8Array): WorkerView;
} {
  return {
    prefix: Workers.prefix,
    keyOf: Workers.keyOf,
    // Copies: a store may hand out Node Buffers that are views into a larger pool, which the SCALE
    // decoder would read from offset 0 of the pool.
    decode: (state, key, value) =>
      viewOf(state, Workers.decodeKey(Uint8Array.from(key)), Workers.decodeValue(Uint8Array.from(value))),
  };
}
