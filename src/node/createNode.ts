// A Phalanx chain node: the chain core (store, runtime, pool) driven by one ordering engine, seen
// from outside as a ChainService (what the RPC server calls) plus start/stop and metrics.
import pino, { type Logger } from 'pino';
import type { Block } from '../codec/chain.js';
import type { ChainService } from './chainService.js';
import { type Chain, createChain } from './createChain.js';
import { createNodeMetrics } from './createNodeMetrics.js';
import { NodeError } from './errors.js';
import { createDefaultNodeRuntime, type NodeRuntime } from './nodeRuntime.js';
import { type BlockSource, createRpcBlockSource } from './ordering/blockSource.js';
import { createFollowerEngine } from './ordering/createFollowerEngine.js';
import { createSoloEngine } from './ordering/createSoloEngine.js';
import {
  type ClusterNode,
  createEtcdEngine,
  type EtcdEngineOptions,
} from './ordering/etcd/createEtcdEngine.js';
import type { EngineStartContext, OrderingEngine } from './ordering/orderingEngine.js';
import type { StatePruning } from './store/statePruning.js';

export type NodeRole =
  | { kind: 'solo'; authoritySeed: Uint8Array }
  | {
      kind: 'follower';
      upstreamUrl: string;
      /** Overrides the RPC-backed source (tests, tools); `upstreamUrl` is then only a label. */
      source?: BlockSource;
    }
  | ({ kind: 'etcd' } & Pick<
      EtcdEngineOptions,
      | 'endpoints'
      | 'name'
      | 'authoritySeed'
      | 'prefix'
      | 'sessionTtlSeconds'
      | 'pendingTtlSeconds'
      | 'logRetention'
      | 'ignoreLeaderKey'
    >);

/**
 * Largest block an etcd node builds: etcd refuses requests over --max-request-bytes (1.5 MiB by
 * default), and a block is one request.
 */
export const ETCD_MAX_BLOCK_BYTES = 1024 * 1024;

export interface NodeOptions {
  dataDir: string;
  /**
   * The runtime's genesis config (e.g. createDevGenesisConfig()), optionally with a top-level
   * `timestamp` (ms) for the genesis header; without one the genesis timestamp is 0.
   */
  genesis: unknown;
  role: NodeRole;
  blockIntervalMs: number;
  /** Milliseconds since the epoch; block timestamps and the follower's future check use it. */
  clock?: () => number;
  logger?: Logger;
  /** Defaults to the Phalanx runtime. */
  runtime?: NodeRuntime;
  maxPoolSize?: number;
  maxBlockExtrinsics?: number;
  futureToleranceMs?: number;
  /** States to keep: the last N blocks' or 'archive' (default DEFAULT_STATE_PRUNING). */
  statePruning?: StatePruning;
}

export interface Node extends ChainService {
  readonly role: NodeRole['kind'];
  readonly engine: OrderingEngine;
  readonly chain: Chain;
  start(context?: EngineStartContext): Promise<void>;
  /** Stops ordering and closes the store. Idempotent. */
  stop(): Promise<void>;
  /** Prometheus text exposition of this node's metrics. */
  metrics(): Promise<string>;
  /** The etcd cluster's nodes as this node last read them (empty for other orderings). */
  clusterNodes(): ClusterNode[];
}

/** Largest page listStorage returns. */
export const MAX_LIST_STORAGE = 1000;

export function createNode(options: NodeOptions): Node {
  const logger = options.logger ?? pino({ level: 'silent' });
  const clock = options.clock ?? Date.now;
  const metrics = createNodeMetrics();
  const chain = createChain({
    dataDir: options.dataDir,
    genesis: options.genesis,
    nodeRuntime: options.runtime ?? createDefaultNodeRuntime(),
    clock,
    logger,
    metrics,
    ...(options.maxPoolSize === undefined ? {} : { maxPoolSize: options.maxPoolSize }),
    ...(options.maxBlockExtrinsics === undefined ? {} : { maxBlockExtrinsics: options.maxBlockExtrinsics }),
    ...(options.futureToleranceMs === undefined ? {} : { futureToleranceMs: options.futureToleranceMs }),
    ...(options.statePruning === undefined ? {} : { statePruning: options.statePruning }),
    ...(options.role.kind === 'etcd' ? { maxBlockBytes: ETCD_MAX_BLOCK_BYTES } : {}),
  });

  let engine: OrderingEngine;
  let clusterNodes = (): ClusterNode[] => [];
  try {
    const { role } = options;
    if (role.kind === 'solo') {
      engine = createSoloEngine({
        chain,
        authoritySeed: role.authoritySeed,
        blockIntervalMs: options.blockIntervalMs,
        logger,
      });
    } else if (role.kind === 'follower') {
      engine = createFollowerEngine({
        chain,
        source: role.source ?? createRpcBlockSource(role.upstreamUrl),
        upstreamUrl: role.upstreamUrl,
        pollIntervalMs: Math.max(50, Math.floor(options.blockIntervalMs / 2)),
        logger,
      });
    } else {
      const { kind: _, ...etcd } = role;
      const etcdEngine = createEtcdEngine({
        ...etcd,
        chain,
        blockIntervalMs: options.blockIntervalMs,
        logger,
      });
      engine = etcdEngine;
      clusterNodes = etcdEngine.clusterNodes;
    }
  } catch (error) {
    void chain.close();
    throw error;
  }

  let state: 'created' | 'started' | 'stopped' = 'created';
  let stopping: Promise<void> | undefined;

  const node: Node = {
    role: options.role.kind,
    engine,
    chain,
    chainName: chain.chainName,
    genesisHash: chain.genesisHash,
    head: () => {
      const { hash, block } = chain.head();
      return { hash, signed: { header: block.header, signature: block.signature } };
    },
    getBlock: (hash): Block | undefined =>
      hash instanceof Uint8Array ? chain.store.getBlock(hash) : undefined,
    getBlockHash: (number) => chain.store.getBlockHash(number),
    getEvents: (hash) => (hash instanceof Uint8Array ? chain.store.getEvents(hash) : undefined),
    getOutcomes: (hash) => (hash instanceof Uint8Array ? chain.store.getOutcomes(hash) : undefined),
    getStorage: (key, blockHash) => chain.getStorage(key, blockHash),
    listStorage: (prefix, startAfter, limit) =>
      chain.store.listState(prefix, startAfter, Math.min(Math.max(0, Math.floor(limit)), MAX_LIST_STORAGE)),
    submitExtrinsic: (extrinsic) => {
      const hash = engine.submitExtrinsic(extrinsic);
      metrics.poolSize.set(chain.pool.size);
      return hash;
    },
    nextNonce: (account, accountNonce) => chain.pool.nextNonce(account, accountNonce),
    subscribeNewHeads: (listener) => chain.subscribeNewHeads(listener),
    health: () => ({
      ...engine.status(),
      isSyncing: engine.isSyncing(),
      peers: engine.peers(),
      pendingExtrinsics: chain.pool.size,
      bestNumber: chain.head().block.header.number,
    }),
    async start(context) {
      if (state !== 'created') throw new NodeError('InvalidState', `cannot start a node that is ${state}`);
      state = 'started';
      await engine.start(context);
    },
    stop() {
      if (!stopping) {
        state = 'stopped';
        stopping = engine.stop().finally(() => chain.close());
      }
      return stopping;
    },
    metrics: () => metrics.registry.metrics(),
    clusterNodes: () => clusterNodes(),
  };
  return node;
}
