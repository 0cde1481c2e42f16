// The transaction pool: extrinsics that passed the runtime's validation (signature, nonce, fee,
// size, known call) and wait for a block. Per sender, an extrinsic is *ready* when every nonce from
// the account's on-chain nonce up to its own is in the pool, and *future* otherwise.
//
// Nothing in the pool has paid anything yet, so what it holds must be bounded by what its senders
// could pay, and what can never be included must not stay (security finding 2: fresh accounts
// queueing nonces behind a gap filled the pool for good, for free, and refused honest transfers):
// - a sender's queued fees, ready and future together, stay within what it can pay now (the fee
//   and the budget come from the runtime's validation, the same numbers a block charges);
// - future entries are capped per sender and in total (a quarter of the pool by default), so the
//   rest of the pool is for ready ones;
// - a ready extrinsic that finds the pool full evicts a future one; a future one never displaces a
//   ready one, and displaces another future one only from a sender holding more of them;
// - after each block senders are re-checked against the new state (stale nonces go, fees beyond
//   the new balance go), and future entries that waited `futureLifetimeBlocks` go: every sender
//   the block took an extrinsic from, and `revalidatePerBlock` others in turn, so that a full pool
//   costs a bounded amount of work per block and every sender is still seen every few blocks
//   (4,096 senders: every 16 blocks). What a late re-check misses, the block builder refuses.
import { bytesToHex } from '../../codec/bytes.js';
import { hashExtrinsic } from '../../codec/chain.js';
import { RpcError } from '../../codec/errors.js';
import type { InvalidTransaction, ValidTransaction } from '../../runtime/api.js';
import { NodeError } from '../errors.js';

/** JSON-RPC codes of pool rejections (Phalanx-specific range, see RpcError). */
export const INVALID_TRANSACTION_RPC_CODE = 1010;
export const POOL_REJECTED_RPC_CODE = 1011;

/** Extrinsics a pool holds unless told otherwise (`--max-pool-size`). */
export const DEFAULT_MAX_POOL_SIZE = 4096;

export interface PoolOptions {
  /** Validates against the current head state. */
  validate(extrinsic: Uint8Array): ValidTransaction | InvalidTransaction;
  /** Most extrinsics held, ready and future together (default 4096). */
  maxSize?: number;
  /** How far beyond its account nonce a sender may queue a nonce (default 64). */
  maxNonceAhead?: number;
  /** Most future extrinsics one sender may hold (default 16). */
  maxFuturePerSender?: number;
  /** Most future extrinsics held in all (default a quarter of `maxSize`): the rest is for ready ones. */
  maxFutureTotal?: number;
  /** Blocks after which a future extrinsic that has not become ready is dropped (default 8). */
  futureLifetimeBlocks?: number;
  /** Senders re-checked per block besides those the block took extrinsics from (default 256). */
  revalidatePerBlock?: number;
}

export interface TransactionPool {
  /** Validates and admits; returns the extrinsic hash or throws RpcError. */
  submit(extrinsic: Uint8Array): Uint8Array;
  /** Ready extrinsics in the order a block should include them: nonce order per sender, else arrival. */
  ready(limit: number): Uint8Array[];
  /**
   * Whether the pool holds these exact bytes. Everything it holds passed `validate`, so this tells
   * the node which signatures it has verified already (runtime/api.ts, CheckOptions).
   */
  holds(extrinsic: Uint8Array): boolean;
  /**
   * The first nonce from `accountNonce` on that `sender` holds no extrinsic at: what its next
   * extrinsic should carry so that it neither collides with one waiting here nor leaves a gap.
   */
  nextNonce(sender: Uint8Array, accountNonce: number): number;
  /** Removes extrinsics by hash (included in a block, or refused by the block builder). */
  remove(hashes: Iterable<Uint8Array>): void;
  /**
   * Called once per new head: re-validates against it (per sender: those `remove` was given
   * extrinsics of since the last call, and `revalidatePerBlock` others in turn) and drops what
   * became stale, unpayable or too old to wait. Returns how many extrinsics were dropped.
   */
  revalidate(): number;
  readonly size: number;
  /** How many of `size` are future (waiting for a missing nonce). */
  readonly futureSize: number;
}

interface Entry {
  hash: Uint8Array;
  id: string;
  extrinsic: Uint8Array;
  sender: string;
  nonce: number;
  /** What including it will charge, as the runtime said when it was admitted or last checked. */
  fee: bigint;
  seq: number;
  /** The pool's block count when it was admitted (`revalidate` counts blocks). */
  admittedAt: number;
}

interface SenderQueue {
  accountNonce: number;
  /** The most the sender can pay in fees, as of its last validation. */
  feeBudget: bigint;
  byNonce: Map<number, Entry>;
  /** Sum of the fees of `byNonce`. */
  fees: bigint;
  /** Length of the gap-free run of nonces from `accountNonce`: the sender's ready entries. */
  readyRun: number;
}

function isInvalid(result: ValidTransaction | InvalidTransaction): result is InvalidTransaction {
  return 'code' in result;
}

function rejection(invalid: InvalidTransaction): RpcError {
  return new RpcError(INVALID_TRANSACTION_RPC_CODE, invalid.code, `invalid transaction: ${invalid.message}`);
}

function poolRejection(code: string, message: string, details: Record<string, unknown> = {}): RpcError {
  return new RpcError(POOL_REJECTED_RPC_CODE, code, message, details);
}

function positiveInteger(name: string, value: number | undefined, fallback: number, min = 1): number {
  const chosen = value ?? fallback;
  if (!Number.isSafeInteger(chosen) || chosen < min) {
    throw new NodeError(
      'InvalidOption',
      `pool option ${name} must be an integer of at least ${min}, got ${chosen}`,
    );
  }
  return chosen;
}

function highestNonce(queue: SenderQueue): Entry | undefined {
  let highest: Entry | undefined;
  for (const entry of queue.byNonce.values()) if (!highest || entry.nonce > highest.nonce) highest = entry;
  return highest;
}

export function createTransactionPool(options: PoolOptions): TransactionPool {
  const maxSize = positiveInteger('maxSize', options.maxSize, DEFAULT_MAX_POOL_SIZE);
  const maxNonceAhead = positiveInteger('maxNonceAhead', options.maxNonceAhead, 64);
  const maxFuturePerSender = positiveInteger('maxFuturePerSender', options.maxFuturePerSender, 16, 0);
  const maxFutureTotal = positiveInteger(
    'maxFutureTotal',
    options.maxFutureTotal,
    Math.floor(maxSize / 4),
    0,
  );
  const futureLifetimeBlocks = positiveInteger('futureLifetimeBlocks', options.futureLifetimeBlocks, 8);
  const revalidatePerBlock = positiveInteger('revalidatePerBlock', options.revalidatePerBlock, 256);
  const entries = new Map<string, Entry>();
  const senders = new Map<string, SenderQueue>();
  /** Senders `remove` took extrinsics from since the last revalidation: re-checked first. */
  const touched = new Set<string>();
  let readyTotal = 0;
  let seq = 0;
  let blocks = 0;

  const futureTotal = (): number => entries.size - readyTotal;
  const futureOf = (queue: SenderQueue): number => queue.byNonce.size - queue.readyRun;

  const recount = (queue: SenderQueue): void => {
    let run = 0;
    while (queue.byNonce.has(queue.accountNonce + run)) run++;
    readyTotal += run - queue.readyRun;
    queue.readyRun = run;
  };

  const drop = (entry: Entry): void => {
    const queue = senders.get(entry.sender);
    if (!entries.delete(entry.id) || !queue) return;
    queue.byNonce.delete(entry.nonce);
    queue.fees -= entry.fee;
    if (queue.byNonce.size > 0) {
      recount(queue);
      return;
    }
    // The queue object may still be held by a caller (`update`): leave it empty and consistent.
    readyTotal -= queue.readyRun;
    queue.readyRun = 0;
    senders.delete(entry.sender);
  };

  /**
   * The senders `revalidate` re-checks this time: every touched one, and the untouched ones least
   * recently re-checked. `senders` is kept in that order: a new sender (validated on admission)
   * and a re-checked one go to the back.
   */
  const sendersToRevalidate = (): string[] => {
    const chosen = [...touched].filter((id) => senders.has(id));
    let turn = 0;
    for (const id of senders.keys()) {
      if (turn >= revalidatePerBlock) break;
      if (touched.has(id)) continue;
      chosen.push(id);
      turn++;
    }
    touched.clear();
    for (const id of chosen) {
      const queue = senders.get(id)!;
      senders.delete(id);
      senders.set(id, queue);
    }
    return chosen;
  };

  /** Moves a sender to what the runtime just said: its account nonce (stale entries go) and budget. */
  const update = (queue: SenderQueue, result: ValidTransaction): void => {
    queue.feeBudget = result.feeBudget;
    if (result.accountNonce === queue.accountNonce) return;
    queue.accountNonce = result.accountNonce;
    for (const entry of [...queue.byNonce.values()]) if (entry.nonce < result.accountNonce) drop(entry);
    recount(queue);
  };

  /**
   * The future entry to evict when room is needed: the highest nonce (the furthest from ready) of
   * the sender holding the most future entries, if it holds more than `moreThan`; never one of
   * `except`'s. Scanning every sender is cheap next to the signature check each submission costs.
   */
  const futureVictim = (moreThan: number, except?: string): Entry | undefined => {
    let chosen: SenderQueue | undefined;
    for (const [id, queue] of senders) {
      if (id === except) continue;
      if (futureOf(queue) > moreThan && (!chosen || futureOf(queue) > futureOf(chosen))) chosen = queue;
    }
    return chosen && highestNonce(chosen);
  };

  return {
    submit(extrinsic) {
      if (!(extrinsic instanceof Uint8Array)) {
        throw new RpcError(INVALID_TRANSACTION_RPC_CODE, 'MalformedExtrinsic', 'extrinsic must be bytes');
      }
      const hash = hashExtrinsic(extrinsic);
      const id = bytesToHex(hash);
      if (entries.has(id)) {
        throw poolRejection('AlreadyInPool', `extrinsic 0x${id} is already in the pool`);
      }
      // Full of ready extrinsics, nothing can make room: refuse before paying for a signature check.
      if (entries.size >= maxSize && futureTotal() === 0) {
        throw poolRejection('PoolFull', `the pool is full (${maxSize} extrinsics)`, { maxSize });
      }
      const result = options.validate(extrinsic);
      if (isInvalid(result)) throw rejection(result);
      // Unsigned extrinsics have no nonce order; each is its own "sender".
      const senderId = result.signer ? bytesToHex(result.signer) : `unsigned:${id}`;
      if (result.nonce - result.accountNonce >= maxNonceAhead) {
        throw new RpcError(
          INVALID_TRANSACTION_RPC_CODE,
          'FutureNonce',
          `nonce ${result.nonce} is more than ${maxNonceAhead} ahead of the account nonce ${result.accountNonce}`,
        );
      }
      const existing = senders.get(senderId);
      if (existing) update(existing, result);
      const queue = senders.get(senderId);
      if (queue?.byNonce.has(result.nonce)) {
        throw poolRejection(
          'NonceInPool',
          `another extrinsic of this sender with nonce ${result.nonce} is already in the pool`,
        );
      }
      const queuedFees = (queue?.fees ?? 0n) + result.fee;
      if (queuedFees > result.feeBudget) {
        throw poolRejection(
          'QueuedFeesExceedBalance',
          `this sender's queued fees would be ${queuedFees}, more than the ${result.feeBudget} it can pay`,
          { queuedFees: queuedFees.toString(), feeBudget: result.feeBudget.toString() },
        );
      }
      const isReady = result.nonce === result.accountNonce + (queue?.readyRun ?? 0);
      if (!isReady) {
        const mine = queue ? futureOf(queue) : 0;
        if (mine >= maxFuturePerSender) {
          throw poolRejection(
            'TooManyFuture',
            `this sender already has ${mine} extrinsics waiting for nonce ${result.accountNonce + (queue?.readyRun ?? 0)}`,
            { maxFuturePerSender },
          );
        }
        if (futureTotal() >= maxFutureTotal || entries.size >= maxSize) {
          // Make room only at the expense of a sender that would still hold more than this one.
          const victim = futureVictim(mine + 1, senderId);
          if (!victim) {
            throw entries.size >= maxSize
              ? poolRejection('PoolFull', `the pool is full (${maxSize} extrinsics)`, { maxSize })
              : poolRejection(
                  'FutureQueueFull',
                  `the pool holds its most future extrinsics (${maxFutureTotal}); submit the missing nonce first`,
                  { maxFutureTotal },
                );
          }
          drop(victim);
        }
      } else if (entries.size >= maxSize) {
        const victim = futureVictim(0);
        if (!victim) throw poolRejection('PoolFull', `the pool is full (${maxSize} extrinsics)`, { maxSize });
        drop(victim);
      }
      // Evicting may have emptied and removed this very sender's queue.
      let target = senders.get(senderId);
      if (!target) {
        target = {
          accountNonce: result.accountNonce,
          feeBudget: result.feeBudget,
          byNonce: new Map(),
          fees: 0n,
          readyRun: 0,
        };
        senders.set(senderId, target);
      }
      const entry: Entry = {
        hash,
        id,
        extrinsic,
        sender: senderId,
        nonce: result.nonce,
        fee: result.fee,
        seq: seq++,
        admittedAt: blocks,
      };
      entries.set(id, entry);
      target.byNonce.set(result.nonce, entry);
      target.fees += result.fee;
      recount(target);
      return hash;
    },

    ready(limit) {
      // Each sender contributes its gap-free run from the account nonce. Sorting by arrival while
      // never letting a later nonce overtake an earlier one: an entry's rank is the max of its own
      // arrival and its predecessor's rank.
      const ranked: { rank: number; nonce: number; entry: Entry }[] = [];
      for (const queue of senders.values()) {
        let rank = -1;
        for (let i = 0; i < queue.readyRun; i++) {
          const entry = queue.byNonce.get(queue.accountNonce + i)!;
          rank = Math.max(rank, entry.seq);
          ranked.push({ rank, nonce: entry.nonce, entry });
        }
      }
      // Ranks are arrival numbers of a sender's own entries, so ties only occur within one sender.
      ranked.sort((a, b) => a.rank - b.rank || a.nonce - b.nonce);
      return ranked.slice(0, Math.max(0, limit)).map((item) => item.entry.extrinsic);
    },

    holds(extrinsic) {
      return entries.has(bytesToHex(hashExtrinsic(extrinsic)));
    },

    nextNonce(sender, accountNonce) {
      // The caller's account nonce, read at the head, rather than the queue's: the queue's is as
      // of the sender's last validation, which may predate the head's block.
      const queue = senders.get(bytesToHex(sender));
      let next = accountNonce;
      while (queue?.byNonce.has(next)) next++;
      return next;
    },

    remove(hashes) {
      for (const hash of hashes) {
        const entry = entries.get(bytesToHex(hash));
        if (!entry) continue;
        touched.add(entry.sender);
        drop(entry);
      }
    },

    revalidate() {
      blocks++;
      const before = entries.size;
      // One validation per sender, of its lowest nonce (the node does not verify the signature of
      // an entry again, `holds`, but decoding and state reads for every entry after every block
      // would still cost a block's worth of work per block).
      // That answer gives the account nonce and what the sender can pay now. If the lowest is
      // invalid for another reason (fee no longer payable, ...), nothing after it can be included
      // either, so the sender's whole queue goes.
      for (const senderId of sendersToRevalidate()) {
        const queue = senders.get(senderId);
        if (!queue) continue;
        const queueEntries = [...queue.byNonce.values()].sort((a, b) => a.nonce - b.nonce);
        let valid: { first: Entry; result: ValidTransaction } | undefined;
        for (const first of queueEntries) {
          const result = options.validate(first.extrinsic);
          if (!isInvalid(result)) {
            valid = { first, result };
            break;
          }
          drop(first);
          if (result.code !== 'StaleNonce') {
            for (const entry of queueEntries) drop(entry);
            break;
          }
        }
        if (!valid || senders.get(senderId) !== queue) continue;
        const { first, result } = valid;
        queue.fees += result.fee - first.fee;
        first.fee = result.fee;
        update(queue, result);
        // What waits must stay payable from the new balance; the furthest nonces go first.
        while (queue.fees > queue.feeBudget && queue.byNonce.size > 0) drop(highestNonce(queue)!);
        // Future entries that have waited their time will most likely never become ready.
        for (const entry of queueEntries) {
          const isFuture = entry.nonce >= queue.accountNonce + queue.readyRun;
          if (isFuture && entries.has(entry.id) && blocks - entry.admittedAt >= futureLifetimeBlocks) {
            drop(entry);
          }
        }
      }
      return before - entries.size;
    },

    get size() {
      return entries.size;
    },

    get futureSize() {
      return futureTotal();
    },
  };
}
