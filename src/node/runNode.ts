// A node as a process runs it: the node plus its RPC server on one port, stopped cleanly on
// SIGINT/SIGTERM (engine first, then the server, then the store). `phalanx node` calls this.
import pino, { type Logger } from 'pino';
import { createNode, type Node, type NodeRole } from './createNode.js';
import { createRpcServer } from './rpc/createRpcServer.js';
import { DEFAULT_STATE_PRUNING, type StatePruning } from './store/statePruning.js';

export interface RunNodeOptions {
  dataDir: string;
  /** The runtime genesis config, optionally with a top-level `timestamp` (see createNode). */
  genesis: unknown;
  role: NodeRole;
  /** Default 1000 ms. */
  blockIntervalMs?: number;
  rpcHost?: string;
  /** 0 (the default) picks a free port. */
  rpcPort?: number;
  /** Host names the RPC port answers to besides loopback and `rpcHost`; `['*']` for any. */
  rpcAllowedHosts?: readonly string[];
  /** Web origins whose pages may call the RPC port besides loopback pages; `['*']` for any. */
  rpcAllowedOrigins?: readonly string[];
  /** The dashboard's static files, served on the RPC port. */
  staticDir?: string;
  logger?: Logger;
  /** Install SIGINT/SIGTERM handlers that close the node (default true). */
  handleSignals?: boolean;
  clock?: () => number;
  /** States to keep: the last N blocks' or 'archive' (default DEFAULT_STATE_PRUNING). */
  statePruning?: StatePruning;
  /** Most extrinsics per sealed block (default DEFAULT_MAX_BLOCK_EXTRINSICS). */
  maxBlockExtrinsics?: number;
  /** Most extrinsics the pool holds (default DEFAULT_MAX_POOL_SIZE). */
  maxPoolSize?: number;
}

export interface RunningNode {
  readonly node: Node;
  readonly rpcUrl: string;
  readonly wsUrl: string;
  /** Stops the engine, the server and the store; idempotent. */
  close(): Promise<void>;
  /** Settles once the node is closed (by close() or a signal). */
  readonly closed: Promise<void>;
}

export async function runNode(options: RunNodeOptions): Promise<RunningNode> {
  const logger = options.logger ?? pino({ level: 'info' });
  const node = createNode({
    dataDir: options.dataDir,
    genesis: options.genesis,
    role: options.role,
    blockIntervalMs: options.blockIntervalMs ?? 1000,
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.statePruning === undefined ? {} : { statePruning: options.statePruning }),
    ...(options.maxBlockExtrinsics === undefined ? {} : { maxBlockExtrinsics: options.maxBlockExtrinsics }),
    ...(options.maxPoolSize === undefined ? {} : { maxPoolSize: options.maxPoolSize }),
  });
  let server: Awaited<ReturnType<typeof createRpcServer>>;
  try {
    server = await createRpcServer({
      chain: node,
      host: options.rpcHost ?? '127.0.0.1',
      port: options.rpcPort ?? 0,
      metrics: () => node.metrics(),
      logger,
      ...(options.staticDir ? { staticDir: options.staticDir } : {}),
      ...(options.rpcAllowedHosts ? { allowedHosts: options.rpcAllowedHosts } : {}),
      ...(options.rpcAllowedOrigins ? { allowedOrigins: options.rpcAllowedOrigins } : {}),
    });
    await node.start({ rpcUrl: server.url });
  } catch (error) {
    await node.stop();
    throw error;
  }

  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  let closing: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'shutting down');
    void close();
  };
  const close = (): Promise<void> => {
    if (!closing) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // Stop producing first so no block is half-announced while the server goes away.
      closing = node
        .stop()
        .then(() => server.close())
        .then(() => {
          logger.info('node stopped');
          resolveClosed();
        });
    }
    return closing;
  };
  if (options.handleSignals ?? true) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  logger.info(
    {
      rpcUrl: server.url,
      wsUrl: server.wsUrl,
      role: node.role,
      chain: node.chainName,
      genesisHash: Buffer.from(node.genesisHash).toString('hex'),
      head: node.head().signed.header.number,
      statePruning: options.statePruning ?? DEFAULT_STATE_PRUNING,
    },
    'node running',
  );
  return { node, rpcUrl: server.url, wsUrl: server.wsUrl, close, closed };
}
