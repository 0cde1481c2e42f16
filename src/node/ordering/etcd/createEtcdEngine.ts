// `etcd` ordering (DESIGN.md section 2): several nodes share an etcd (Raft) cluster as the ordered
// block log. One loop per node, one step at a time:
//   1. follow: read the log's head; import every block after ours, in order, re-executing each
//      (createChain.importBlock). A block the log agreed on that we cannot reproduce (another state
//      root, a bad signature) halts this node loudly: the cluster and this node disagree, and going
//      on would serve a state nobody else has. Heights the log no longer keeps come from another
//      node's RPC, checked the same way (catchUpFromPeers).
//   2. campaign: when nobody holds the leader key, try to take it (it hangs on our session lease).
//   3. propose, when we hold it: read the extrinsics other nodes accepted, build a block on our head
//      and append it with one transaction that compares the log's head with our parent. The compare
//      is the fence, not the lease: a deposed proposer that still believes it leads loses the
//      compare, drops its block and imports the winner's.
// Submitted extrinsics are accepted only once durable in etcd (pending/<node>/<hash>), so the next
// proposer includes them when this one dies.
import type { Logger } from 'pino';
import { bytesToHex, equalBytes } from '../../../codec/bytes.js';
import { type Block, BlockCodec } from '../../../codec/chain.js';
import { RpcError } from '../../../codec/errors.js';
import { ed25519FromSeed } from '../../../codec/keys.js';
import type { Chain } from '../../createChain.js';
import { BlockImportError, NodeError } from '../../errors.js';
import { createRpcBlockSource, decodeBlock } from '../blockSource.js';
import type { OrderingEngine, OrderingStatus } from '../orderingEngine.js';
import { createEtcdLog, type EtcdLog, type NodeCard } from './createEtcdLog.js';
import { createEtcdLayout, type LogHead } from './etcdLayout.js';

/** JSON-RPC code of "this node cannot make the extrinsic durable now" (etcd unreachable, halted). */
export const UNAVAILABLE_RPC_CODE = 1013;

export interface EtcdEngineOptions {
  chain: Chain;
  endpoints: readonly string[];
  /** This node's name in the cluster; its keys and the leader key carry it. */
  name: string;
  authoritySeed: Uint8Array;
  blockIntervalMs: number;
  logger: Logger;
  /** Key prefix of all chains in this etcd (default `phalanx/`). */
  prefix?: string;
  /** Session lease TTL: how long a dead proposer holds the leader key (default 2 s). */
  sessionTtlSeconds?: number;
  /** How long a dead node's accepted extrinsics stay readable (default 30 s). */
  pendingTtlSeconds?: number;
  /** Log heights etcd keeps (default 1,024); older blocks live in the nodes' stores only. */
  logRetention?: number;
  /** Unary etcd call deadline (default 2,000 ms). */
  callTimeoutMs?: number;
  /** Most blocks imported per step, so that a long catch-up still yields (default 500). */
  maxBlocksPerStep?: number;
  /** Tests only: propose on every tick whether or not this node holds the leader key. */
  ignoreLeaderKey?: boolean;
}

/** The node's view of the cluster, for the dashboard (system_nodes). */
export interface ClusterNode extends NodeCard {
  proposer: boolean;
}

/** A reason this node stopped following: heights and roots, for the operator. */
interface Halt {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

const DEFAULT_RETENTION = 1024;
/** Pending extrinsics read per block at most (the default pool holds 4,096); more wait for the next block. */
const PENDING_READ_LIMIT = 4096;
/** Longest a proposer goes without reading pending extrinsics, watch or not. */
const PENDING_READ_EVERY_MS = 1000;
/** Pending extrinsics admitted (each a signature check) between two turns of the event loop. */
const ADMIT_BETWEEN_YIELDS = 256;
/** Appends between two compactions of etcd's history. */
const COMPACT_EVERY = 64;
/** Blocks read from etcd per request while catching up. */
const BLOCKS_PER_READ = 16;

export function createEtcdEngine(options: EtcdEngineOptions): OrderingEngine & {
  clusterNodes(): ClusterNode[];
} {
  const { chain, blockIntervalMs, authoritySeed, name } = options;
  const logger = options.logger.child({ node: name });
  if (!Number.isFinite(blockIntervalMs) || blockIntervalMs < 10) {
    throw new NodeError('InvalidOption', `blockIntervalMs must be at least 10, got ${blockIntervalMs}`);
  }
  if (options.endpoints.length === 0) {
    throw new NodeError('InvalidOption', 'the etcd ordering needs at least one etcd endpoint');
  }
  const retention = options.logRetention ?? DEFAULT_RETENTION;
  if (!Number.isSafeInteger(retention) || retention < 16) {
    throw new NodeError('InvalidOption', `logRetention must be an integer of at least 16, got ${retention}`);
  }
  const sessionTtlSeconds = options.sessionTtlSeconds ?? 2;
  const maxPerStep = options.maxBlocksPerStep ?? 500;
  const author = ed25519FromSeed(authoritySeed).publicKey;
  const layout = createEtcdLayout(chain.genesisHash, options.prefix);
  const log: EtcdLog = createEtcdLog({
    endpoints: options.endpoints,
    layout,
    name,
    sessionTtlSeconds,
    pendingTtlSeconds: options.pendingTtlSeconds ?? 30,
    callTimeoutMs: options.callTimeoutMs ?? 2000,
    logger,
  });
  // How long after it last reached the log's head this node still calls itself in sync.
  const freshForMs = Math.max(sessionTtlSeconds * 1000, 3 * blockIntervalMs);
  // Building holds the event loop, and the session lease's keep-alives wait behind it: the client
  // gives the lease up when no keep-alive answer got through for a TTL. Under load a proposer that
  // built (and then committed) for longer would lose its lease and hand over, again and again, and
  // followers spend three to four times the build time importing the block. So a build takes at
  // most an eighth of the session TTL (250 ms with the default 2 s), whatever the block time.
  const buildBudgetMs = (sessionTtlSeconds * 1000) / 8;
  // How often the loop runs without a wake-up from the watch.
  const tickMs = Math.max(10, Math.min(100, Math.floor(blockIntervalMs / 4)));

  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let wakeRequested = false;
  let halt: Halt | undefined;
  let logHead: LogHead | undefined;
  let proposer = false;
  let lastProposedAt = 0;
  let pendingRevision = 0;
  let appendsSinceCompaction = 0;
  let compactionMark = 0;
  let peerCards: NodeCard[] = [];
  let leaderName: string | undefined;
  let lastCardsReadAt = 0;
  let lastWarnedAt = 0;
  let lastFollowAt = 0;
  let card: NodeCard | undefined;
  let registered = false;
  let controlWatch: Promise<() => Promise<void>> | undefined;
  let pendingWatch: Promise<() => Promise<void>> | undefined;
  let pendingHint = true;
  let pendingReadAt = 0;
  let lastAppendTookHeight = false;
  let caughtUpAt = 0;
  let tendedAt = { number: -1, time: 0 };

  const stopWithHalt = (next: Halt): void => {
    halt = next;
    proposer = false;
    watchPendingWhileProposer();
    logger.fatal({ ...next.details, code: next.code }, `HALTED: ${next.message}`);
  };

  const localHead = (): LogHead => {
    const { hash, block } = chain.head();
    return { number: block.header.number, hash };
  };

  /** Decodes and imports one block the log agreed on; a refusal halts (see the file comment). */
  const importLogBlock = (number: number, bytes: Uint8Array): boolean => {
    let block: Block | undefined;
    try {
      block = decodeBlock(bytes, `log block ${number}`, number);
      if (block.header.number !== number) {
        throw new BlockImportError('WrongNumber', `log key ${number} holds block ${block.header.number}`, {
          number,
        });
      }
      chain.importBlock(block);
      return true;
    } catch (error) {
      // Our clock behind the proposer's is not a disagreement about the chain: retry, do not halt.
      if (!(error instanceof BlockImportError) || error.code === 'TimestampInFuture') throw error;
      const parent = chain.head().block.header;
      stopWithHalt({
        code: error.code,
        message: `the etcd log's block ${number} does not check out here (${error.code}): ${error.message}`,
        details: {
          ...error.details,
          height: number,
          localHead: parent.number,
          localStateRoot: bytesToHex(parent.stateRoot),
          ...(block ? { blockStateRoot: bytesToHex(block.header.stateRoot) } : {}),
        },
      });
      return false;
    }
  };

  /** Heights below the log's tail, from other nodes' RPC; each block is checked like any other. */
  const catchUpFromPeers = async (upTo: number): Promise<number> => {
    const peers = (await log.listNodes()).filter((card) => card.name !== name && card.rpcUrl);
    for (const peer of peers) {
      const source = createRpcBlockSource(peer.rpcUrl!);
      try {
        const genesis = await source.getBlockHash(0);
        if (!genesis || !equalBytes(genesis, chain.genesisHash)) continue;
        let imported = 0;
        while (localHead().number < upTo && imported < maxPerStep) {
          const block = await source.getBlock(localHead().number + 1);
          if (!block) break;
          chain.importBlock(block);
          imported++;
        }
        if (imported > 0) {
          logger.info({ peer: peer.name, head: localHead().number }, 'caught up from a peer');
          return imported;
        }
      } catch (error) {
        // A peer's block that does not check out is that peer's problem, not the log's: try another.
        logger.warn({ err: error, peer: peer.name }, 'catching up from a peer failed');
      } finally {
        source.close();
      }
    }
    logger.warn(
      { from: localHead().number + 1, to: upTo },
      'the etcd log no longer holds these blocks and no peer served them; retrying',
    );
    return 0;
  };

  const follow = async (): Promise<void> => {
    const control = await log.readControl();
    logHead = control.head;
    leaderName = control.leader?.name;
    const session = log.session();
    proposer =
      control.leader !== undefined &&
      control.leader.name === name &&
      control.leader.lease === session.lease &&
      session.alive;
    const mine = localHead();
    const head = control.head ?? { number: 0, hash: chain.genesisHash };
    if (head.number < mine.number) {
      stopWithHalt({
        code: 'LogBehindStore',
        message: `the etcd log's head is ${head.number} but this node holds block ${mine.number}: another cluster, or etcd lost data`,
        details: { logHead: head.number, localHead: mine.number },
      });
      return;
    }
    let imported = 0;
    while (!halt && localHead().number < head.number && imported < maxPerStep) {
      const from = localHead().number + 1;
      const to = Math.min(head.number, from + BLOCKS_PER_READ - 1);
      const blocks = await log.readBlocks(from, to);
      if (blocks[0]?.number !== from) {
        // The log's tail moved past us: fetch the missing heights from a peer, then carry on.
        const tail = blocks[0]?.number ?? head.number;
        const fetched = await catchUpFromPeers(tail - 1);
        if (fetched === 0) return;
        imported += fetched;
        continue;
      }
      for (const { number, bytes } of blocks) {
        if (number !== localHead().number + 1) break;
        if (!importLogBlock(number, bytes)) return;
        imported++;
        await yieldToEventLoop();
      }
    }
    if (localHead().number >= head.number) caughtUpAt = Date.now();
    if (!halt && localHead().number === head.number && !equalBytes(localHead().hash, head.hash)) {
      stopWithHalt({
        code: 'Diverged',
        message: `block ${head.number} here is 0x${bytesToHex(localHead().hash)}, the log's is 0x${bytesToHex(head.hash)}`,
        details: { height: head.number, local: bytesToHex(localHead().hash), log: bytesToHex(head.hash) },
      });
    }
  };

  const isAuthority = (): boolean => chain.authorities().some((key) => equalBytes(key, author));

  /**
   * Takes the leader key when nobody holds it, if this node's key may seal the next block; gives
   * it up when governance removed the key (its blocks would be refused everywhere).
   */
  const campaign = async (): Promise<void> => {
    if (leaderName === name && !isAuthority()) {
      logger.warn({ author: bytesToHex(author) }, 'no longer an authority: giving up the leader key');
      await log.resign();
      proposer = false;
      leaderName = undefined;
      return;
    }
    if (leaderName !== undefined || !isAuthority()) return;
    if (await log.campaign()) {
      leaderName = name;
      proposer = log.session().alive;
      // Take over promptly, and read every pending extrinsic, not only those since we last looked.
      lastProposedAt = 0;
      pendingRevision = 0;
      logger.info({ name, head: localHead().number }, 'this node is the proposer');
    }
  };

  /**
   * Reads the extrinsics other nodes accepted since the last read into the pool; after a takeover,
   * every pending extrinsic, this node's own too (a restarted node's pool lost them). A watch on
   * pending/ says when there is something to read; a read at least every PENDING_READ_EVERY_MS
   * covers a watch that missed a change.
   */
  const readPending = async (): Promise<void> => {
    pendingHint = false;
    pendingReadAt = Date.now();
    const pending = await log.readPendingSince(pendingRevision, PENDING_READ_LIMIT, pendingRevision > 0);
    // Admitting verifies a signature each: at most one build budget of it per block, in slices
    // that let the lease keep-alives and RPC in between. What is left waits for the next block.
    const admitUntil = performance.now() + buildBudgetMs;
    let complete = pending.extrinsics.length < PENDING_READ_LIMIT;
    for (const [i, extrinsic] of pending.extrinsics.entries()) {
      if (i > 0 && i % ADMIT_BETWEEN_YIELDS === 0) {
        if (performance.now() >= admitUntil) {
          complete = false;
          break;
        }
        await yieldToEventLoop();
      }
      if (chain.pool.holds(extrinsic)) continue;
      try {
        chain.pool.submit(extrinsic);
      } catch (error) {
        // Included already, or no longer valid: its submitter deletes its key once it sees that.
        // A full pool is different: read these again next time rather than skip them.
        if (error instanceof RpcError && error.code === 'PoolFull') {
          complete = false;
          break;
        }
      }
    }
    // Read from the same revision again until everything up to it got in.
    if (complete) pendingRevision = pending.revision;
  };

  /** Builds and appends one block; true when it took the height. */
  const propose = async (): Promise<boolean> => {
    if (pendingHint || pendingRevision === 0 || Date.now() - pendingReadAt >= PENDING_READ_EVERY_MS) {
      await readPending();
    }
    const parent = localHead();
    const startedAt = performance.now();
    const built = chain.buildBlock(authoritySeed, { maxBuildMs: buildBudgetMs });
    const number = built.block.header.number;
    const { appended, revision } = await log.append({
      parent,
      number,
      hash: built.hash,
      bytes: BlockCodec.enc(built.block),
      ...(number > retention ? { forgetBelow: number - retention + 1 } : {}),
    });
    if (!appended) {
      logger.info({ number }, 'the log moved on before our block: dropped it, following');
      return false;
    }
    chain.commitBlock(built, startedAt);
    logHead = { number, hash: built.hash };
    caughtUpAt = Date.now();
    // Compact etcd's history every COMPACT_EVERY appends (or retention window, if shorter), up to
    // where the previous period began. Nothing reads history but a watch resuming after a
    // reconnect (a hint; polling covers it); every pending put and delete is a revision, so at
    // 800 transfers per second a 1,024-block period would keep some 300 MB of it.
    appendsSinceCompaction++;
    if (appendsSinceCompaction >= Math.min(retention, COMPACT_EVERY)) {
      if (compactionMark > 0) {
        // etcd's own auto-compaction may have gone further already: that is fine.
        await log.compact(compactionMark).catch((error) => logger.debug({ err: error }, 'etcd compaction'));
      }
      compactionMark = revision;
      appendsSinceCompaction = 0;
    }
    return true;
  };

  /**
   * Watches are hints (the loop polls anyway), set up again if they could not be: the control keys
   * always; pending/ only while this node proposes, the one reader of pending extrinsics (every
   * accepted extrinsic is two events, its put and its delete, that followers need not receive).
   */
  const watchControl = (): void => {
    if (controlWatch) return;
    controlWatch = log.watch(layout.control, wake);
    controlWatch.catch((error) => {
      controlWatch = undefined;
      logger.debug({ err: error }, 'watching etcd failed; polling meanwhile');
    });
  };
  const watchPendingWhileProposer = (): void => {
    if (proposer && !pendingWatch) {
      const started = log.watch(layout.pending, () => {
        pendingHint = true;
      });
      pendingWatch = started;
      started.catch((error) => {
        if (pendingWatch === started) pendingWatch = undefined;
        logger.debug({ err: error }, 'watching pending extrinsics failed; reading them every second');
      });
    } else if (!proposer && pendingWatch) {
      const stopping = pendingWatch;
      pendingWatch = undefined;
      stopping.then((cancel) => cancel()).catch(() => {});
    }
  };

  const refreshCards = async (): Promise<void> => {
    if (Date.now() - lastCardsReadAt < 2000) return;
    lastCardsReadAt = Date.now();
    peerCards = await log.listNodes();
  };

  const step = async (): Promise<void> => {
    if (halt) return;
    if (card && !registered) {
      await log.register(card);
      registered = true;
    }
    watchControl();
    // A proposer whose last append took the height knows the log's head: it is its own. It reads
    // the log again at least once a second (to see a deposition), or as soon as an append fails.
    const knowsHead =
      proposer && lastAppendTookHeight && Date.now() - lastFollowAt < 1000 && log.session().alive;
    if (!knowsHead) {
      await follow();
      lastFollowAt = Date.now();
      lastAppendTookHeight = false;
    }
    if (halt) return;
    // Upkeep after each new block (its extrinsics left the pool), or once a second.
    if (localHead().number !== tendedAt.number || Date.now() - tendedAt.time >= 1000) {
      tendedAt = { number: localHead().number, time: Date.now() };
      await log.tend((bytes) => !chain.pool.holds(bytes));
    }
    await campaign();
    watchPendingWhileProposer();
    const due = Date.now() - lastProposedAt >= blockIntervalMs;
    if ((proposer || options.ignoreLeaderKey) && due && localHead().number === (logHead?.number ?? 0)) {
      lastProposedAt = Date.now();
      lastAppendTookHeight = await propose();
    }
    await refreshCards();
  };

  /** When the next step is due: at once while behind the log, at the next block time for a proposer. */
  const nextStepDelay = (): number => {
    if (wakeRequested || (logHead !== undefined && localHead().number < logHead.number)) return 0;
    if (proposer || options.ignoreLeaderKey) {
      return Math.max(0, Math.min(tickMs, lastProposedAt + blockIntervalMs - Date.now()));
    }
    return tickMs;
  };

  const schedule = (delayMs: number): void => {
    if (!running || timer) return;
    timer = setTimeout(loop, delayMs);
  };

  const loop = (): void => {
    timer = undefined;
    if (!running) return;
    wakeRequested = false;
    inFlight = step()
      .then(() => {
        lastWarnedAt = 0;
      })
      .catch((error: unknown) => {
        proposer = false;
        // Out of reach, this fails on every tick: say so once, then again every 30 s.
        if (Date.now() - lastWarnedAt < 30_000) {
          logger.debug({ err: error }, 'etcd ordering step failed; retrying');
        } else {
          lastWarnedAt = Date.now();
          logger.warn({ err: error }, 'etcd ordering step failed; retrying');
        }
      })
      .finally(() => {
        inFlight = undefined;
        if (halt) return;
        schedule(nextStepDelay());
      });
  };

  const wake = (): void => {
    if (inFlight) {
      wakeRequested = true;
      return;
    }
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    schedule(0);
  };

  // In sync: this node reached the log's head, as read from etcd, within the freshness window.
  const inSync = (): boolean => !halt && Date.now() - caughtUpAt < freshForMs;

  const status = (): OrderingStatus => ({
    ordering: 'etcd',
    role: proposer && inSync() ? 'proposer' : 'follower',
    inSync: inSync(),
    ...(logHead ? { logNumber: logHead.number } : {}),
    ...(halt ? { halted: `${halt.code}: ${halt.message}` } : {}),
  });

  return {
    kind: 'etcd',
    async start(context) {
      if (running) return;
      if (!isAuthority()) {
        // Not an error: such a node follows, and campaigns once governance makes its key an authority.
        logger.warn({ author: bytesToHex(author) }, 'this node is not an authority at the head');
      }
      running = true;
      card = {
        name,
        authority: bytesToHex(author),
        ...(context?.rpcUrl ? { rpcUrl: context.rpcUrl } : {}),
      };
      // Registration and the watch happen in the loop: a node started while etcd is out of reach
      // starts anyway, serves what it has and joins when etcd answers.
      logger.info(
        { name, author: bytesToHex(author), endpoints: options.endpoints },
        'etcd ordering started',
      );
      loop();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
      await log.resign().catch(() => {});
      await log.close();
    },
    step,
    async submitExtrinsic(extrinsic) {
      if (halt) {
        throw new RpcError(UNAVAILABLE_RPC_CODE, 'Unavailable', `this node halted: ${halt.message}`);
      }
      const hash = chain.pool.submit(extrinsic);
      try {
        await log.putPending(hash, extrinsic);
      } catch (cause) {
        chain.pool.remove([hash]);
        throw new RpcError(
          UNAVAILABLE_RPC_CODE,
          'Unavailable',
          'etcd did not take the extrinsic; it was not accepted, submit it again',
          {},
          { cause },
        );
      }
      return hash;
    },
    isSyncing: () => !inSync(),
    peers: () => peerCards.filter((card) => card.name !== name).length,
    status,
    clusterNodes: () => peerCards.map((card) => ({ ...card, proposer: card.name === leaderName })),
  };
}

/** Lets timers and I/O (lease keep-alives, RPC) run between two long synchronous steps. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
