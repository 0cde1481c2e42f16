// Seals the light client's checkpoint with every role's view of the chain at the same head
// (startLightClient.ts resumes from it). Called by the host between blocks, never in the middle of
// one, so that the head and the views always describe the same block.
import type { CheckpointStore } from '../enclave/createCheckpointStore.js';
import type { LightClient } from '../enclave/lightClient.js';

/**
 * What a role learnt from the blocks it saw, sealed with the light client checkpoint at the same head,
 * so that a restart resumes the role where its blocks stopped (startLightClient.ts).
 */
export interface RoleView {
  save(): Uint8Array;
  /** Replaces the role's view with a saved one, entirely or (throwing) not at all. */
  restore(saved: Uint8Array): void;
}

/** A role as the checkpoint sees it (a WorkerRole of createWorkerHost.ts): its name and its view, if any. */
export interface ViewHolder {
  readonly name: string;
  readonly view?: RoleView;
}

/** Writes the checkpoint; throws the store's CheckpointWriteFailed. */
export function checkpointLightClient(
  checkpoints: CheckpointStore,
  lightClient: LightClient,
  roles: readonly ViewHolder[],
): void {
  const views = new Map<string, Uint8Array>();
  for (const role of roles) if (role.view) views.set(role.name, role.view.save());
  checkpoints.save(lightClient.checkpoint(), views);
}
