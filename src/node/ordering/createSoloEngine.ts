// `solo` ordering: this node is the one authority and seals a block every `blockIntervalMs`,
// empty or not, so that time moves on chain (challenges, expiries) even without traffic.
import type { Logger } from 'pino';
import { bytesToHex, equalBytes } from '../../codec/bytes.js';
import { ed25519FromSeed } from '../../codec/keys.js';
import type { Chain } from '../createChain.js';
import { NodeError } from '../errors.js';
import type { OrderingEngine } from './orderingEngine.js';

export interface SoloEngineOptions {
  chain: Chain;
  authoritySeed: Uint8Array;
  blockIntervalMs: number;
  logger: Logger;
}

export function createSoloEngine(options: SoloEngineOptions): OrderingEngine {
  const { chain, logger, blockIntervalMs, authoritySeed } = options;
  if (!Number.isFinite(blockIntervalMs) || blockIntervalMs < 10) {
    throw new NodeError('InvalidOption', `blockIntervalMs must be at least 10, got ${blockIntervalMs}`);
  }
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const seal = (): void => {
    const startedAt = performance.now();
    const built = chain.buildBlock(authoritySeed);
    chain.commitBlock(built, startedAt);
  };

  const tick = (): void => {
    timer = undefined;
    if (!running) return;
    const startedAt = performance.now();
    try {
      seal();
    } catch (error) {
      // A failure to seal is a bug or a full disk; keep the node up (RPC still answers) and retry.
      logger.error({ err: error }, 'sealing a block failed');
    }
    if (running) timer = setTimeout(tick, Math.max(0, blockIntervalMs - (performance.now() - startedAt)));
  };

  return {
    kind: 'solo',
    async start() {
      if (running) return;
      // Fail at start, not at the first block, when the key cannot seal on this chain.
      const author = ed25519FromSeed(authoritySeed).publicKey;
      if (!chain.authorities().some((key) => equalBytes(key, author))) {
        throw new NodeError('NotAnAuthority', `0x${bytesToHex(author)} is not an authority of this chain`, {
          author: bytesToHex(author),
        });
      }
      running = true;
      logger.info({ author: bytesToHex(author), blockIntervalMs }, 'solo ordering started');
      timer = setTimeout(tick, blockIntervalMs);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    async step() {
      seal();
    },
    submitExtrinsic: (extrinsic) => chain.pool.submit(extrinsic),
    isSyncing: () => false,
    peers: () => 0,
    status: () => ({ ordering: 'solo', role: 'proposer', inSync: true }),
  };
}
