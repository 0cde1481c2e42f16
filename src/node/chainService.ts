// What the RPC server (and the dashboard) may ask of a running node. The node core implements it;
// src/node/rpc/ depends only on this interface, so the server stays a pure request -> response
// function that tests drive in process.
import type { Block, Event, SignedHeader } from '../codec/chain.js';
import type { ExtrinsicOutcome } from '../runtime/api.js';
import type { OrderingStatus } from './ordering/orderingEngine.js';

export interface StorageProofResult {
  blockHash: Uint8Array;
  stateRoot: Uint8Array;
  key: Uint8Array;
  value: Uint8Array | undefined;
  /** Merkle proof of `key` (present or absent) against `stateRoot`; see src/codec/trie. */
  proof: Uint8Array[];
}

export interface NewHead {
  hash: Uint8Array;
  signed: SignedHeader;
  events: Event[];
}

export interface NodeHealth extends OrderingStatus {
  isSyncing: boolean;
  peers: number;
  pendingExtrinsics: number;
  /** The head this node has applied. */
  bestNumber: number;
}

export interface ChainService {
  readonly chainName: string;
  readonly genesisHash: Uint8Array;
  head(): { hash: Uint8Array; signed: SignedHeader };
  getBlock(hash: Uint8Array): Block | undefined;
  getBlockHash(number: number): Uint8Array | undefined;
  getEvents(blockHash: Uint8Array): Event[] | undefined;
  getOutcomes(blockHash: Uint8Array): ExtrinsicOutcome[] | undefined;
  /** State at `blockHash` (default: head), with a proof. Unknown block: undefined. */
  getStorage(key: Uint8Array, blockHash?: Uint8Array): StorageProofResult | undefined;
  /** Keys with a prefix at head, in key order, for paged listings. */
  listStorage(
    prefix: Uint8Array,
    startAfter: Uint8Array | undefined,
    limit: number,
  ): { key: Uint8Array; value: Uint8Array }[];
  /**
   * Validates and queues; returns the extrinsic hash or throws RpcError naming the InvalidTransaction
   * code. Under etcd ordering it settles once the extrinsic is durable in etcd.
   */
  submitExtrinsic(extrinsic: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /**
   * The nonce after the account's extrinsics that the pool holds at consecutive nonces from
   * `accountNonce` (its nonce at the head): `accountNonce` itself when it holds none.
   */
  nextNonce(account: Uint8Array, accountNonce: number): number;
  subscribeNewHeads(listener: (head: NewHead) => void): () => void;
  health(): NodeHealth;
  /** The etcd cluster's nodes (system_nodes); absent or empty for other orderings. */
  clusterNodes?(): { name: string; rpcUrl?: string; authority: string; proposer: boolean }[];
}
