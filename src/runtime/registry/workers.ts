// The narrow interface other modules (gatekeeper, later staking and computation) use to read
// workers and move them between states. Only the registry writes its storage; others go through here.
import type { StateReader } from '../api.js';
import type { RuntimeContext } from '../support/dispatch.js';
import { RegistryEvents } from './events.js';
import { ChainGenesisHash, WorkerStates, Workers } from './storage.js';
import type { WorkerRecord, WorkerState } from './types.js';

export function readWorker(state: StateReader, pubkey: Uint8Array): WorkerRecord | undefined {
  return Workers.get(state, pubkey);
}

export function readWorkerState(state: StateReader, pubkey: Uint8Array): WorkerState | undefined {
  return WorkerStates.get(state, pubkey);
}

/** Registered or Provisioned: attested and not marked expired. */
export function isActiveWorker(state: StateReader, pubkey: Uint8Array): boolean {
  const workerState = WorkerStates.get(state, pubkey);
  return workerState === 'Registered' || workerState === 'Provisioned';
}

/** This chain's genesis hash (known from block 1 on), for messages signed outside extrinsics. */
export function readChainGenesisHash(state: StateReader): Uint8Array | undefined {
  return ChainGenesisHash.get(state);
}

/**
 * Moves an existing worker to `to`, emitting `registry.WorkerStateChanged`; nothing happens if it
 * is already there. The caller has checked that the transition is allowed.
 */
export function setWorkerState(ctx: RuntimeContext, worker: Uint8Array, to: WorkerState): void {
  const from = WorkerStates.get(ctx.state, worker);
  // Moving a worker that was never registered would be a bug in the calling module.
  if (from === undefined) throw new Error('setWorkerState: unknown worker');
  if (from === to) return;
  WorkerStates.set(ctx.state, worker, to);
  RegistryEvents.WorkerStateChanged.emit(ctx, { worker, from, to });
}
