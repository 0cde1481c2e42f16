// Counts the storage reads and writes of one block's liveness processing (`processLiveness`, the
// computation module's hook), run on the state a test chain's next block starts from, in an
// overlay that is then dropped: the chain itself does not move.
import type { StateReader } from '../../api.js';
import { Overlay } from '../../support/overlay.js';
import type { TestChain } from '../../testing.js';
import { type LivenessPass, processLiveness } from '../hooks.js';

/** An overlay that counts the reads and writes made through it (writes: sets and deletes). */
export class CountingOverlay extends Overlay {
  reads = 0;
  writes = 0;

  constructor(parent: StateReader) {
    super(parent);
  }

  override get(key: Uint8Array): Uint8Array | undefined {
    this.reads += 1;
    return super.get(key);
  }

  override set(key: Uint8Array, value: Uint8Array): void {
    this.writes += 1;
    super.set(key, value);
  }

  override delete(key: Uint8Array): void {
    this.writes += 1;
    super.delete(key);
  }
}

export interface LivenessWork {
  readonly reads: number;
  readonly writes: number;
  /** Distinct keys the block's liveness processing changes. */
  readonly keysChanged: number;
  readonly pass: LivenessPass;
}

export function countLivenessWork(chain: TestChain): LivenessWork {
  const state = new CountingOverlay(chain.reader);
  const pass = processLiveness({ ...chain.context(), state });
  return { reads: state.reads, writes: state.writes, keysChanged: state.changes().size, pass };
}
