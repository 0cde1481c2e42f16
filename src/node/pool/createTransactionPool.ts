// The transaction pool: extrinsics that passed the runtime's validation (signature, nonce, fee,
// size, known call) and wait for a block. Per sender, an extrinsic is *ready* when every nonce from
// the account's on-chain nonce up to its own is in the pool, and *future* otherwise. The pool is
// bounded in total and per sender, refuses duplicates, and after each block re-validates what it
// holds so that stale extrinsics (nonce used, fee no longer payable) are dropped.
import { bytesToHex } from '../../codec/bytes.js';
import { hashExtrinsic } from '../../codec/chain.js';
import { RpcError } from '../../codec/errors.js';
import type { InvalidTransaction, ValidTransaction } from '../../runtime/api.js';

/** JSON-RPC codes of pool rejections (Phalanx-specific range, see RpcError). */
export const INVALID_TRANSACTION_RPC_CODE = 1010;
export const POOL_REJECTED_RPC_CODE = 1011;

export interface PoolOptions {
  /** Validates against the current head state. */
  validate(extrinsic: Uint8Array): ValidTransaction | InvalidTransaction;
  maxSize?: number;
  /** How far ahead of its account nonce one sender may queue. */
  maxFuturePerSender?: number;
}

export interface TransactionPool {
  /** Validates and admits; returns the extrinsic hash or throws RpcError. */
  submit(extrinsic: Uint8Array): Uint8Array;
  /** Ready extrinsics in the order a block should include them: nonce order per sender, else arrival. */
  ready(limit: number): Uint8Array[];
  /** Removes extrinsics by hash (included in a block, or refused by the block builder). */
  remove(hashes: Iterable<Uint8Array>): void;
  /** Re-validates against the new head (per sender); drops what became stale or invalid. */
  revalidate(): number;
  readonly size: number;
}

interface Entry {
  hash: Uint8Array;
  id: string;
  extrinsic: Uint8Array;
  sender: string;
  nonce: number;
  seq: number;
}

interface Sender {
  accountNonce: number;
  byNonce: Map<number, Entry>;
}

function isInvalid(result: ValidTransaction | InvalidTransaction): result is InvalidTransaction {
  return 'code' in result;
}

function rejection(invalid: InvalidTransaction): RpcError {
  return new RpcError(INVALID_TRANSACTION_RPC_CODE, invalid.code, `invalid transaction: ${invalid.message}`);
}

export function createTransactionPool(options: PoolOptions): TransactionPool {
  const maxSize = options.maxSize ?? 4096;
  const maxFuture = options.maxFuturePerSender ?? 64;
  const entries = new Map<string, Entry>();
  const senders = new Map<string, Sender>();
  let seq = 0;

  const drop = (entry: Entry): void => {
    entries.delete(entry.id);
    const sender = senders.get(entry.sender);
    if (sender?.byNonce.get(entry.nonce) === entry) sender.byNonce.delete(entry.nonce);
    if (sender && sender.byNonce.size === 0) senders.delete(entry.sender);
  };

  return {
    submit(extrinsic) {
      if (!(extrinsic instanceof Uint8Array)) {
        throw new RpcError(INVALID_TRANSACTION_RPC_CODE, 'MalformedExtrinsic', 'extrinsic must be bytes');
      }
      const hash = hashExtrinsic(extrinsic);
      const id = bytesToHex(hash);
      if (entries.has(id)) {
        throw new RpcError(
          POOL_REJECTED_RPC_CODE,
          'AlreadyInPool',
          `extrinsic 0x${id} is already in the pool`,
        );
      }
      if (entries.size >= maxSize) {
        throw new RpcError(POOL_REJECTED_RPC_CODE, 'PoolFull', `the pool is full (${maxSize} extrinsics)`);
      }
      const result = options.validate(extrinsic);
      if (isInvalid(result)) throw rejection(result);
      // Unsigned extrinsics have no nonce order; each is its own "sender".
      const senderId = result.signer ? bytesToHex(result.signer) : `unsigned:${id}`;
      if (result.nonce - result.accountNonce >= maxFuture) {
        throw new RpcError(
          INVALID_TRANSACTION_RPC_CODE,
          'FutureNonce',
          `nonce ${result.nonce} is more than ${maxFuture} ahead of the account nonce ${result.accountNonce}`,
        );
      }
      let sender = senders.get(senderId);
      if (sender?.byNonce.has(result.nonce)) {
        throw new RpcError(
          POOL_REJECTED_RPC_CODE,
          'NonceInPool',
          `another extrinsic of this sender with nonce ${result.nonce} is already in the pool`,
        );
      }
      if (!sender) {
        sender = { accountNonce: result.accountNonce, byNonce: new Map() };
        senders.set(senderId, sender);
      }
      sender.accountNonce = result.accountNonce;
      const entry: Entry = { hash, id, extrinsic, sender: senderId, nonce: result.nonce, seq: seq++ };
      entries.set(id, entry);
      sender.byNonce.set(result.nonce, entry);
      return hash;
    },

    ready(limit) {
      // Each sender contributes its gap-free run from the account nonce. Sorting by arrival while
      // never letting a later nonce overtake an earlier one: an entry's rank is the max of its own
      // arrival and its predecessor's rank.
      const ranked: { rank: number; nonce: number; entry: Entry }[] = [];
      for (const sender of senders.values()) {
        let rank = -1;
        for (let nonce = sender.accountNonce; ; nonce++) {
          const entry = sender.byNonce.get(nonce);
          if (!entry) break;
          rank = Math.max(rank, entry.seq);
          ranked.push({ rank, nonce, entry });
        }
      }
      // Ranks are arrival numbers of a sender's own entries, so ties only occur within one sender.
      ranked.sort((a, b) => a.rank - b.rank || a.nonce - b.nonce);
      return ranked.slice(0, Math.max(0, limit)).map((item) => item.entry.extrinsic);
    },

    remove(hashes) {
      for (const hash of hashes) {
        const entry = entries.get(bytesToHex(hash));
        if (entry) drop(entry);
      }
    },

    revalidate() {
      // One validation per sender, of its lowest nonce (signature checks dominate, so re-checking
      // every entry after every block would cost a block's worth of verifications per block).
      // That answer gives the account nonce: lower nonces are stale and go without a check. If the
      // lowest is invalid for another reason (fee no longer payable, ...), nothing after it can be
      // included either, so the sender's whole queue goes.
      let dropped = 0;
      for (const sender of [...senders.values()]) {
        const queue = [...sender.byNonce.values()].sort((a, b) => a.nonce - b.nonce);
        while (queue.length > 0) {
          const first = queue[0]!;
          const result = options.validate(first.extrinsic);
          if (!isInvalid(result)) {
            sender.accountNonce = result.accountNonce;
            for (const entry of queue) {
              if (entry.nonce >= result.accountNonce) break;
              drop(entry);
              dropped++;
            }
            break;
          }
          if (result.code === 'StaleNonce') {
            drop(first);
            dropped++;
            queue.shift();
            continue;
          }
          for (const entry of queue) drop(entry);
          dropped += queue.length;
          break;
        }
      }
      return dropped;
    },

    get size() {
      return entries.size;
    },
  };
}
