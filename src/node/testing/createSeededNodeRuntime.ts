// A node runtime whose genesis also holds workers that are registered, Provisioned and benchmarked
// (computation/testing.ts `seedWorkers`), so that tests of the liveness RPC and CLI can bond, start
// sessions and deploy contracts through real extrinsics on a real node without running the sim
// attestation, gatekeeper and benchmark flows first (the registry's and the worker's tests cover
// those). Everything after genesis is the real Phalanx runtime.
import { hexToBytes } from '../../codec/bytes.js';
import type { Keypair } from '../../codec/keys.js';
import { type SeededWorker, seedWorkers } from '../../runtime/computation/testing.js';
import { createDefaultNodeRuntime, type NodeRuntime } from '../nodeRuntime.js';

export interface SeededNodeRuntime {
  readonly nodeRuntime: NodeRuntime;
  /** The seeded workers (identity and operator keys), in seeding order. */
  readonly workers: readonly SeededWorker[];
}

/** `count` workers named `${prefix}/${i}`, operated by `operator`, added to the genesis state. */
export function createSeededNodeRuntime(
  operator: Keypair,
  count: number,
  options: { prefix?: string } = {},
): SeededNodeRuntime {
  const base = createDefaultNodeRuntime();
  const seeded = new Map<string, Uint8Array>();
  // The genesis hash is not known before the genesis state is: the records carry zeros, which no
  // liveness call reads (registration is the only check of WorkerInfo.genesisHash).
  const workers = seedWorkers(
    { state: seeded, genesisHash: new Uint8Array(32), number: 0 },
    operator,
    count,
    {
      prefix: options.prefix ?? 'node-seeded',
    },
  );
  return {
    workers,
    nodeRuntime: {
      ...base,
      runtime: {
        ...base.runtime,
        buildGenesisState(config) {
          const changes = base.runtime.buildGenesisState(config);
          for (const [hex, value] of seeded) changes.set(hex, { key: hexToBytes(`0x${hex}`), value });
          return changes;
        },
      },
    },
  };
}
