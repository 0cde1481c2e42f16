// The node's chain core, independent of how blocks are ordered: it owns the store, the runtime, the
// pool and the head, builds blocks (for whichever engine seals), imports blocks (re-executing and
// checking them), commits, and announces. Ordering engines (src/node/ordering/) drive it.
import type { Logger } from 'pino';
import { bytesToHex, equalBytes } from '../codec/bytes.js';
import { type Block, type Header, hashExtrinsic, hashHeader, listRoot, signHeader } from '../codec/chain.js';
import { checkHeaderExtendsParent, nextBlockTimestamp } from '../codec/checkHeaderExtendsParent.js';
import { ed25519FromSeed } from '../codec/keys.js';
import { EMPTY_ROOT, updateTrie } from '../codec/trie/index.js';
import type { CheckOptions } from '../runtime/api.js';
import type { NewHead, StorageProofResult } from './chainService.js';
import type { NodeMetrics } from './createNodeMetrics.js';
import { BlockImportError, NodeError, StoreError } from './errors.js';
import { type ExecutedBlock, executeBlock } from './executeBlock.js';
import type { NodeRuntime } from './nodeRuntime.js';
import { createTransactionPool, type TransactionPool } from './pool/createTransactionPool.js';
import { reportInternalErrors } from './reportInternalErrors.js';
import { type BlockCommit, type ChainStore, createChainStore } from './store/createChainStore.js';
import { proveStateKey } from './store/proveStateKey.js';
import type { StatePruning } from './store/statePruning.js';

/** Extrinsics per block unless the node is told otherwise (`--max-block-extrinsics`). */
export const DEFAULT_MAX_BLOCK_EXTRINSICS = 2048;

export interface ChainOptions {
  dataDir: string;
  /** See splitGenesis. */
  genesis: unknown;
  nodeRuntime: NodeRuntime;
  clock: () => number;
  logger: Logger;
  metrics: NodeMetrics;
  maxPoolSize?: number;
  maxBlockExtrinsics?: number;
  maxBlockBytes?: number;
  /** How far ahead of our clock an imported block's timestamp may be. */
  futureToleranceMs?: number;
  /** States to keep (`--state-pruning`); the store's default when absent. */
  statePruning?: StatePruning;
}

export interface BuiltBlock {
  hash: Uint8Array;
  block: Block;
  commit: BlockCommit;
  /** Pool extrinsics the builder refused (they are dropped from the pool on commit). */
  rejected: ExecutedBlock['rejected'];
}

export interface Chain {
  readonly chainName: string;
  readonly genesisHash: Uint8Array;
  readonly store: ChainStore;
  readonly pool: TransactionPool;
  head(): { hash: Uint8Array; block: Block };
  /** The authority keys at the head. */
  authorities(): Uint8Array[];
  /**
   * Executes the pool's ready extrinsics on the head and signs the result; stores nothing. With
   * `maxBuildMs`, stops taking extrinsics once that much wall-clock time has passed (the first is
   * always tried): which extrinsics a block holds is the proposer's choice, so a deadline costs
   * nothing in determinism, and it bounds how long building holds the event loop.
   */
  buildBlock(authoritySeed: Uint8Array, options?: { maxBuildMs?: number }): BuiltBlock;
  /** Persists a block (one transaction), makes it the head, cleans the pool, announces it. */
  commitBlock(built: Pick<BuiltBlock, 'hash' | 'commit'>, startedAt?: number): void;
  /** Checks and re-executes a block from outside, then commits it; BlockImportError otherwise. */
  importBlock(block: Block): Uint8Array;
  getStorage(key: Uint8Array, blockHash?: Uint8Array): StorageProofResult | undefined;
  subscribeNewHeads(listener: (head: NewHead) => void): () => void;
  close(): Promise<void>;
}

/**
 * The genesis config as the node takes it: the runtime's config, plus an optional top-level
 * `timestamp` (ms, default 0) that only the genesis header carries and the runtime never sees.
 */
export function splitGenesis(genesis: unknown): { config: unknown; timestamp: bigint } {
  if (typeof genesis !== 'object' || genesis === null || !('timestamp' in genesis)) {
    return { config: genesis, timestamp: 0n };
  }
  const { timestamp, ...config } = genesis as { timestamp: unknown };
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new NodeError(
      'InvalidGenesis',
      `genesis timestamp must be a non-negative integer (ms), got ${String(timestamp)}`,
    );
  }
  return { config, timestamp: BigInt(timestamp) };
}

function genesisBlock(options: ChainOptions, store: ChainStore) {
  const { config, timestamp } = splitGenesis(options.genesis);
  const changes = options.nodeRuntime.runtime.buildGenesisState(config);
  const trie = updateTrie(store.nodes, EMPTY_ROOT, changes.values());
  const header: Header = {
    parentHash: new Uint8Array(32),
    number: 0,
    timestamp,
    stateRoot: trie.root,
    extrinsicsRoot: listRoot([]),
    eventsRoot: listRoot([]),
    author: new Uint8Array(32),
  };
  const block: Block = { header, signature: new Uint8Array(64), extrinsics: [] };
  const hash = hashHeader(header);
  const commit: BlockCommit = { hash, block, events: [], outcomes: [], changes, trie };
  return { hash, block, commit };
}

function isAuthority(authorities: Uint8Array[], key: Uint8Array): boolean {
  return authorities.some((authority) => equalBytes(authority, key));
}

export function createChain(options: ChainOptions): Chain {
  const { runtime } = options.nodeRuntime;
  const { logger, metrics, clock } = options;
  const maxBlockExtrinsics = options.maxBlockExtrinsics ?? DEFAULT_MAX_BLOCK_EXTRINSICS;
  if (!Number.isSafeInteger(maxBlockExtrinsics) || maxBlockExtrinsics < 1) {
    throw new NodeError(
      'InvalidOption',
      `maxBlockExtrinsics must be an integer of at least 1, got ${maxBlockExtrinsics}`,
    );
  }
  const maxBlockBytes = options.maxBlockBytes ?? 4 * 1024 * 1024;
  const futureToleranceMs = BigInt(options.futureToleranceMs ?? 15_000);

  const store = createChainStore(
    options.dataDir,
    options.statePruning === undefined ? {} : { statePruning: options.statePruning },
  );
  let genesis: ReturnType<typeof genesisBlock>;
  try {
    genesis = genesisBlock(options, store);
    const stored = store.genesisHash();
    if (stored === undefined) {
      store.commitBlock(genesis.commit);
      logger.info({ genesisHash: bytesToHex(genesis.hash) }, 'created genesis');
    } else if (!equalBytes(stored, genesis.hash)) {
      throw new StoreError(
        'GenesisMismatch',
        `the data dir ${options.dataDir} holds chain 0x${bytesToHex(stored)}, not this genesis (0x${bytesToHex(genesis.hash)})`,
        { dataDir: options.dataDir, stored: bytesToHex(stored), expected: bytesToHex(genesis.hash) },
      );
    }
  } catch (error) {
    void store.close();
    throw error;
  }
  const genesisHash = genesis.hash;
  const chainName = options.nodeRuntime.chainName(store.state);

  const loadHead = (): { hash: Uint8Array; block: Block } => {
    const hash = store.headHash();
    const block = hash && store.getBlock(hash);
    if (!hash || !block) throw new StoreError('MissingHead', 'the store has no head block');
    return { hash, block };
  };
  let head = loadHead();
  metrics.blockHeight.set(head.block.header.number);

  // Whatever the pool holds passed validateTransaction, signature included, and a signature covers
  // the bytes alone: re-checks of pool entries after each block, the blocks this node builds from
  // them and imported blocks that carry them skip it, so this node verifies each signature once.
  // An imported block's other extrinsics are checked in full.
  const verifiedHere: CheckOptions = { isSignatureVerified: (extrinsic) => pool.holds(extrinsic) };
  const pool: TransactionPool = createTransactionPool({
    validate: (extrinsic) => runtime.validateTransaction(store.state, extrinsic, genesisHash, verifiedHere),
    ...(options.maxPoolSize === undefined ? {} : { maxSize: options.maxPoolSize }),
  });
  const listeners = new Set<(head: NewHead) => void>();
  const authorKeys = new Map<Uint8Array, Uint8Array>();

  const authorityKey = (seed: Uint8Array): Uint8Array => {
    let key = authorKeys.get(seed);
    if (!key) {
      key = ed25519FromSeed(seed).publicKey;
      authorKeys.set(seed, key);
    }
    return key;
  };

  const chain: Chain = {
    chainName,
    genesisHash,
    store,
    pool,
    head: () => head,
    authorities: () => options.nodeRuntime.authorities(store.state),

    buildBlock(authoritySeed, buildOptions = {}) {
      const author = authorityKey(authoritySeed);
      if (!isAuthority(options.nodeRuntime.authorities(store.state), author)) {
        throw new NodeError(
          'NotAnAuthority',
          `0x${bytesToHex(author)} is not in the runtime's authority list`,
          {
            author: bytesToHex(author),
          },
        );
      }
      const parent = head.block.header;
      const timestamp = nextBlockTimestamp(parent, BigInt(Math.floor(clock())));
      const number = parent.number + 1;
      const executed = executeBlock({
        runtime,
        state: store.state,
        nodes: store.nodes,
        parent,
        genesisHash,
        context: { number, timestamp, parentHash: head.hash, author },
        extrinsics: pool.ready(maxBlockExtrinsics),
        mode: 'build',
        maxBlockBytes,
        ...(buildOptions.maxBuildMs === undefined
          ? {}
          : { buildUntil: performance.now() + buildOptions.maxBuildMs }),
        verified: verifiedHere,
      });
      const header: Header = {
        parentHash: head.hash,
        number,
        timestamp,
        stateRoot: executed.stateRoot,
        extrinsicsRoot: executed.extrinsicsRoot,
        eventsRoot: executed.eventsRoot,
        author,
      };
      const block: Block = {
        header,
        signature: signHeader(header, authoritySeed),
        extrinsics: executed.included,
      };
      const hash = hashHeader(header);
      pool.remove(executed.rejected.map((r) => hashExtrinsic(r.extrinsic)));
      for (const { extrinsic, invalid } of executed.rejected) {
        logger.debug(
          { extrinsic: bytesToHex(hashExtrinsic(extrinsic)), reason: invalid.code },
          'dropped from pool',
        );
      }
      return {
        hash,
        block,
        rejected: executed.rejected,
        commit: {
          hash,
          block,
          events: executed.execution.events,
          outcomes: executed.execution.outcomes,
          changes: executed.execution.changes,
          trie: executed.trie,
        },
      };
    },

    commitBlock(built, startedAt) {
      const { block, events } = built.commit;
      const parent = head.block.header;
      store.commitBlock(built.commit);
      head = { hash: built.hash, block };
      pool.remove(block.extrinsics.map(hashExtrinsic));
      pool.revalidate();
      metrics.blockHeight.set(block.header.number);
      metrics.poolSize.set(pool.size);
      metrics.extrinsicsApplied.inc(block.extrinsics.length);
      metrics.blockInterval.observe(Number(block.header.timestamp - parent.timestamp) / 1000);
      if (startedAt !== undefined) metrics.blockDuration.observe((performance.now() - startedAt) / 1000);
      reportInternalErrors(block, built.commit.outcomes, { logger, metrics });
      logger.info(
        {
          number: block.header.number,
          hash: bytesToHex(built.hash),
          stateRoot: bytesToHex(block.header.stateRoot),
          extrinsics: block.extrinsics.length,
        },
        'block committed',
      );
      const announcement: NewHead = { hash: built.hash, signed: block, events };
      for (const listener of listeners) {
        try {
          listener(announcement);
        } catch (error) {
          logger.warn({ err: error }, 'a new-head listener threw');
        }
      }
    },

    importBlock(block) {
      const startedAt = performance.now();
      const { header } = block;
      const parent = head.block.header;
      const hash = hashHeader(header);
      const reject = (code: string, message: string, details: Record<string, unknown> = {}): never => {
        metrics.blocksRejected.inc({ reason: code });
        throw new BlockImportError(code, `block ${header.number} (0x${bytesToHex(hash)}): ${message}`, {
          number: header.number,
          hash: bytesToHex(hash),
          ...details,
        });
      };
      // The same rule as the enclave's light client, plus our clock: see checkHeaderExtendsParent.
      const refusal = checkHeaderExtendsParent({ hash: head.hash, header: parent }, block, {
        authorities: options.nodeRuntime.authorities(store.state),
        clock: { nowMs: BigInt(Math.floor(clock())), toleranceMs: futureToleranceMs },
      });
      if (refusal) reject(refusal.code, refusal.message, refusal.details);
      if (!equalBytes(listRoot(block.extrinsics), header.extrinsicsRoot)) {
        reject('WrongExtrinsicsRoot', 'the extrinsics root does not match the extrinsics');
      }
      let executed: ExecutedBlock;
      try {
        executed = executeBlock({
          runtime,
          state: store.state,
          nodes: store.nodes,
          parent,
          genesisHash,
          context: {
            number: header.number,
            timestamp: header.timestamp,
            parentHash: header.parentHash,
            author: header.author,
          },
          extrinsics: block.extrinsics,
          mode: 'import',
          verified: verifiedHere,
        });
      } catch (error) {
        if (error instanceof BlockImportError) {
          metrics.blocksRejected.inc({ reason: error.code });
          throw error;
        }
        // Executing a well-signed block must not throw; if the runtime does, refuse the block
        // rather than stop, and say loudly that something is wrong.
        logger.error({ err: error, number: header.number }, 'runtime threw while importing a block');
        return reject('ExecutionFailed', `executing the block threw: ${(error as Error).message}`);
      }
      if (!equalBytes(executed.eventsRoot, header.eventsRoot)) {
        reject('WrongEventsRoot', 'the events root does not match re-execution');
      }
      if (!equalBytes(executed.stateRoot, header.stateRoot)) {
        reject('WrongStateRoot', `re-execution gives state root 0x${bytesToHex(executed.stateRoot)}`, {
          computed: bytesToHex(executed.stateRoot),
        });
      }
      chain.commitBlock(
        {
          hash,
          commit: {
            hash,
            block,
            events: executed.execution.events,
            outcomes: executed.execution.outcomes,
            changes: executed.execution.changes,
            trie: executed.trie,
          },
        },
        startedAt,
      );
      return hash;
    },

    getStorage(key, blockHash) {
      if (!(key instanceof Uint8Array)) return undefined;
      const hash = blockHash ?? head.hash;
      const block = equalBytes(hash, head.hash) ? head.block : store.getBlock(hash);
      if (!block) return undefined;
      const { value, proof } = proveStateKey(store, block.header, key);
      return { blockHash: hash, stateRoot: block.header.stateRoot, key, value, proof };
    },

    subscribeNewHeads(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    close: () => store.close(),
  };
  return chain;
}
