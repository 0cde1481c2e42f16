// Test helpers for the staking, computation and contracts modules (not used by production code).
// `seedWorkers` writes Provisioned, benchmarked workers straight into a test chain's state, as if
// they had registered and been provisioned (the registry's and gatekeeper's own tests cover that
// path with real evidence); the liveness tests then bond, start and heartbeat through real
// extrinsics. Thousands of workers seed in milliseconds, which the simulator and benchmarks need.
import { toHex } from '../../codec/bytes.js';
import { devSeed } from '../../codec/devKeys.js';
import { ed25519FromSeed, ed25519Sign, type Keypair, x25519FromSecret } from '../../codec/keys.js';
import { Benchmarks, WorkerStates, Workers } from '../registry/storage.js';
import { WORKER_INFO_VERSION, type WorkerRecord } from '../registry/types.js';
import { readChainGenesisHash } from '../registry/workers.js';
import { getBlockHash } from '../system/queries.js';
import type { TestChain } from '../testing.js';
import { Sessions } from './storage.js';
import { computationCalls, type HeartbeatArgs, heartbeatPayload } from './types.js';

export interface SeededWorker {
  readonly identity: Keypair;
  readonly operator: Keypair;
}

/** What seeding writes to: a test chain, or a genesis state being built (node/testing). */
export type SeedTarget = Pick<TestChain, 'state' | 'genesisHash' | 'number'>;

function put<K, T>(
  chain: SeedTarget,
  item: { keyOf(key: K): Uint8Array; valueCodec: { enc(value: T): Uint8Array } },
  key: K,
  value: T,
): void {
  chain.state.set(toHex(item.keyOf(key)).slice(2), item.valueCodec.enc(value));
}

/**
 * Writes `count` workers named `${prefix}/${i}` (or those of `indices`) as registered, Provisioned and benchmarked
 * (score 100 unless given), operated by `operator`, attested until `expiresAt` (ms; default a year).
 */
export function seedWorkers(
  chain: SeedTarget,
  operator: Keypair,
  count: number,
  options: { prefix?: string; score?: number; expiresAt?: bigint; indices?: readonly number[] } = {},
): SeededWorker[] {
  const prefix = options.prefix ?? 'seeded';
  const expiresAt = options.expiresAt ?? 1_700_000_000_000n + 365n * 24n * 3600n * 1000n;
  const genesisHash = chain.genesisHash;
  const workers: SeededWorker[] = [];
  const indices = options.indices ?? Array.from({ length: count }, (_, i) => i);
  for (const i of indices) {
    const identity = ed25519FromSeed(devSeed(`${prefix}/${i}`));
    const record: WorkerRecord = {
      info: {
        version: WORKER_INFO_VERSION,
        pubkey: identity.publicKey,
        ecdhPubkey: x25519FromSecret(devSeed(`${prefix}-ecdh/${i}`)).publicKey,
        genesisHash,
        operator: operator.publicKey,
        features: { cores: 4, tee: 'sgx' },
        recentBlock: { number: 0, hash: genesisHash },
      },
      attestation: {
        provider: 'dcap',
        tee: 'sgx',
        tcbStatus: 'UpToDate',
        quoteStatus: undefined,
        advisoryIds: [],
        confidenceLevel: 1,
        measurement: {
          tag: 'Sgx',
          value: { mrEnclave: new Uint8Array(32), mrSigner: new Uint8Array(32), isvProdId: 0, isvSvn: 0 },
        },
        attestedAt: 1_700_000_000_000n,
        expiresAt,
      },
      registeredAt: chain.number,
    };
    put(chain, Workers, identity.publicKey, record);
    put(chain, WorkerStates, identity.publicKey, 'Provisioned');
    put(chain, Benchmarks, identity.publicKey, { score: options.score ?? 100, blockNumber: chain.number });
    workers.push({ identity, operator });
  }
  return workers;
}

/** The heartbeat a worker's enclave core would sign for its open challenge (undefined: none open). */
export function heartbeatFor(chain: TestChain, worker: SeededWorker, extras: Partial<HeartbeatArgs> = {}) {
  const session = Sessions.get(chain.reader, worker.identity.publicKey);
  if (session?.pending === undefined && extras.challengeBlock === undefined) return undefined;
  const challengeBlock = extras.challengeBlock ?? session!.pending!.block;
  // A block's hash is in state from the next block on: a challenge of the newest block waits one.
  const hash = getBlockHash(chain.reader, challengeBlock);
  if (hash === undefined && extras.challengeBlockHash === undefined) return undefined;
  const body = {
    worker: worker.identity.publicKey,
    session: session?.id ?? 0,
    challengeBlock,
    challengeBlockHash: hash ?? new Uint8Array(32),
    iterations: 1000n,
    contracts: session?.contracts ?? 0,
    ...extras,
  };
  const { signature: _ignored, ...unsigned } = body as HeartbeatArgs;
  const genesisHash = readChainGenesisHash(chain.reader)!;
  const signature =
    extras.signature ?? ed25519Sign(worker.identity.secretSeed, heartbeatPayload(genesisHash, unsigned));
  return computationCalls.heartbeat({ ...unsigned, signature });
}
