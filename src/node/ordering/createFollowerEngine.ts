// `follower` ordering: import another node's blocks in order, re-executing and checking each one
// (createChain.importBlock). The follower does not author, so it refuses submitted extrinsics with
// an error that names its upstream, rather than accepting them into a pool no block will drain.
import type { Logger } from 'pino';
import { bytesToHex, equalBytes } from '../../codec/bytes.js';
import { RpcError } from '../../codec/errors.js';
import type { Chain } from '../createChain.js';
import { NodeError } from '../errors.js';
import type { BlockSource } from './blockSource.js';
import type { OrderingEngine } from './orderingEngine.js';

/** JSON-RPC code of "this node does not take extrinsics" (see RpcError). */
export const NOT_AUTHORING_RPC_CODE = 1012;

export interface FollowerEngineOptions {
  chain: Chain;
  source: BlockSource;
  /** Shown to clients that try to submit here. */
  upstreamUrl: string;
  pollIntervalMs: number;
  logger: Logger;
  /** Blocks imported per round at most, so that stop() is never kept waiting long. */
  maxBlocksPerStep?: number;
}

export function createFollowerEngine(options: FollowerEngineOptions): OrderingEngine {
  const { chain, source, logger } = options;
  const maxPerStep = options.maxBlocksPerStep ?? 500;
  let running = false;
  let syncing = true;
  let connected = false;
  let genesisChecked = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  const step = async (): Promise<void> => {
    if (!genesisChecked) {
      const upstreamGenesis = await source.getBlockHash(0);
      if (!upstreamGenesis || !equalBytes(upstreamGenesis, chain.genesisHash)) {
        throw new NodeError(
          'GenesisMismatch',
          `upstream ${options.upstreamUrl} is on another chain (genesis ${upstreamGenesis ? bytesToHex(upstreamGenesis) : 'none'})`,
        );
      }
      genesisChecked = true;
    }
    const upstream = await source.getHead();
    connected = true;
    let imported = 0;
    while (chain.head().block.header.number < upstream.number && imported < maxPerStep) {
      const next = chain.head().block.header.number + 1;
      const block = await source.getBlock(next);
      if (!block) break;
      chain.importBlock(block);
      imported++;
    }
    syncing = chain.head().block.header.number < upstream.number;
  };

  const loop = (): void => {
    timer = undefined;
    if (!running) return;
    inFlight = step()
      .catch((error: unknown) => {
        connected = false;
        logger.warn({ err: error }, 'following upstream failed; retrying');
      })
      .finally(() => {
        inFlight = undefined;
        if (running) timer = setTimeout(loop, syncing ? 0 : options.pollIntervalMs);
      });
  };

  return {
    kind: 'follower',
    async start() {
      if (running) return;
      running = true;
      logger.info({ upstream: options.upstreamUrl }, 'following upstream');
      loop();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      source.close();
      await inFlight;
    },
    step,
    submitExtrinsic() {
      throw new RpcError(
        NOT_AUTHORING_RPC_CODE,
        'NotAuthoring',
        `this node follows ${options.upstreamUrl} and does not author blocks; submit extrinsics there`,
        { upstreamUrl: options.upstreamUrl },
      );
    },
    isSyncing: () => syncing,
    peers: () => (connected ? 1 : 0),
    status: () => ({ ordering: 'follower', role: 'follower', inSync: connected && !syncing }),
  };
}
