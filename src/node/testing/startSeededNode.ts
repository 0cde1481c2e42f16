// A node with seeded workers (createSeededNodeRuntime) and its RPC server on loopback, for the
// liveness RPC and CLI tests. With `blockIntervalMs` the node seals a block that often, so
// `tx ... --wait` sees its extrinsic included; without, the test seals by hand (`seal`) and the chain
// moves only when it says. Timestamps come from a manual clock, one second per reading.
import { type Call, signExtrinsic } from '../../codec/chain.js';
import { devKeypair } from '../../codec/devKeys.js';
import type { Keypair } from '../../codec/keys.js';
import type { ExtrinsicOutcome } from '../../runtime/api.js';
import type { SeededWorker } from '../../runtime/computation/testing.js';
import { createDevGenesisConfig } from '../../runtime/genesis/createDevGenesisConfig.js';
import type { GenesisConfig } from '../../runtime/modules.js';
import { getNonce } from '../../runtime/system/queries.js';
import { createNode, type Node } from '../createNode.js';
import { createRpcServer } from '../rpc/createRpcServer.js';
import { readHeadState } from '../rpc/readHeadState.js';
import { createSeededNodeRuntime } from './createSeededNodeRuntime.js';
import { GENESIS_TIME, makeTempDir } from './nodeFixture.js';

export interface SeededNode {
  readonly node: Node;
  /** The RPC server's http:// URL (WebSocket on the same port). */
  readonly url: string;
  readonly workers: readonly SeededWorker[];
  /** Signs `call` with the signer's next nonce (after its extrinsics in the pool) and submits it. */
  submit(signer: Keypair, call: Call): Promise<Uint8Array>;
  /** Seals one block now; returns its extrinsics' outcomes. */
  seal(): Promise<ExtrinsicOutcome[]>;
  close(): Promise<void>;
}

export async function startSeededNode(options: {
  operator: Keypair;
  count: number;
  /** Seal on a timer this often; absent: only by hand. */
  blockIntervalMs?: number;
  /**
   * Overrides of the dev genesis's liveness parameters. A test on a timer that answers no challenges
   * sets `heartbeatWindow` (and `maxSilence` above it) beyond its own length, so that no session
   * turns Unresponsive under it at a moment that depends on the machine's speed.
   */
  computation?: Partial<GenesisConfig['computation']>;
}): Promise<SeededNode> {
  const dir = makeTempDir();
  const seeded = createSeededNodeRuntime(options.operator, options.count);
  const genesis = { ...createDevGenesisConfig(), timestamp: GENESIS_TIME };
  let now = GENESIS_TIME;
  const node = createNode({
    dataDir: dir.path,
    genesis: { ...genesis, computation: { ...genesis.computation, ...options.computation } },
    role: { kind: 'solo', authoritySeed: devKeypair('alice').secretSeed },
    blockIntervalMs: options.blockIntervalMs ?? 60_000,
    clock: () => {
      now += 1000;
      return now;
    },
    runtime: seeded.nodeRuntime,
  });
  const server = await createRpcServer({ chain: node });
  if (options.blockIntervalMs !== undefined) await node.start();
  return {
    node,
    url: server.url,
    workers: seeded.workers,
    async submit(signer, call) {
      const nonce = node.nextNonce(signer.publicKey, getNonce(readHeadState(node), signer.publicKey));
      const extrinsic = signExtrinsic({
        genesisHash: node.genesisHash,
        signerSeed: signer.secretSeed,
        signer: signer.publicKey,
        nonce,
        call,
      });
      return node.submitExtrinsic(extrinsic);
    },
    async seal() {
      await node.engine.step();
      return node.getOutcomes(node.head().hash) ?? [];
    },
    async close() {
      await server.close();
      await node.stop();
      dir.remove();
    },
  };
}
