// The runtime's whole surface towards the node (DESIGN.md section 2): a pure function of
// (state, block). The node owns storage, the Merkle tree and time; the runtime reads state through
// `StateReader` and answers with the writes it wants, never touching disk, clock or network.
import type { Event, Header } from '../codec/chain.js';
import type { RpcImplementation } from '../codec/rpcSpec.js';

/** Read access to the state as of the parent block. Keys and values are opaque bytes. */
export interface StateReader {
  get(key: Uint8Array): Uint8Array | undefined;
}

/** What the node knows about the block being built or imported, before executing it. */
export interface BlockContext {
  number: number;
  timestamp: bigint;
  parentHash: Uint8Array;
  author: Uint8Array;
}

/** Writes of a block, keyed by the hex of the storage key; `null` deletes. */
export type StateChanges = Map<string, { key: Uint8Array; value: Uint8Array | null }>;

export type ExtrinsicOutcome =
  | { ok: true }
  | { ok: false; error: { module: string; error: string; code: number } };

/** Why an extrinsic may not be in a block at all (the pool refuses it; an importer refuses the block). */
export interface InvalidTransaction {
  code:
    | 'MalformedExtrinsic'
    | 'WrongGenesis'
    | 'BadSignature'
    | 'StaleNonce'
    | 'FutureNonce'
    | 'CannotPayFee'
    | 'UnknownCall'
    | 'BadOrigin'
    | 'ExtrinsicTooLarge';
  message: string;
}

export interface ValidTransaction {
  signer: Uint8Array | undefined;
  nonce: number;
  /** Nonce the account has on chain now; `nonce > accountNonce` means the tx waits in the pool. */
  accountNonce: number;
  /** What including it will charge the signer: `flatFee` per unit of its weight (0 if unsigned). */
  fee: bigint;
  /** The most the signer can pay in fees now and stay alive (0 if unsigned); the pool holds a
   * sender's queued fees to it. */
  feeBudget: bigint;
}

export interface ApplyResult {
  /** The extrinsic was included: fee charged and nonce bumped, even if the call itself failed. */
  included: true;
  outcome: ExtrinsicOutcome;
}

/** Builds one block: `apply` each extrinsic in order, then `finish`. */
export interface BlockBuilder {
  /** Either includes the extrinsic or says why it is invalid (and then changes nothing). */
  apply(extrinsic: Uint8Array): ApplyResult | { included: false; invalid: InvalidTransaction };
  finish(): BlockExecution;
}

export interface BlockExecution {
  changes: StateChanges;
  events: Event[];
  outcomes: ExtrinsicOutcome[];
}

/**
 * What a node may tell the runtime about extrinsics it has checked before. A signature is a
 * function of the extrinsic's bytes alone, so once `validateTransaction` accepted some bytes, their
 * signature holds on any state: the node's pool admits each extrinsic once and its own block builder
 * need not verify it again. Everything that depends on state (nonce, fee, call) is still checked.
 * A node passes this only for extrinsics it validated itself, never for a block it imports.
 */
export interface CheckOptions {
  /** True only for bytes that `validateTransaction` of this runtime has accepted before. */
  isSignatureVerified?(extrinsic: Uint8Array): boolean;
}

export interface Runtime {
  /** Validates a genesis config and returns the initial state. Throws GenesisError on bad config. */
  buildGenesisState(config: unknown): StateChanges;
  /** Starts a block on top of `state` (runs `onInitialize` hooks). */
  beginBlock(
    state: StateReader,
    context: BlockContext,
    genesisHash: Uint8Array,
    options?: CheckOptions,
  ): BlockBuilder;
  /** Pool admission: signature, nonce, fee, size, known call. Changes nothing. */
  validateTransaction(
    state: StateReader,
    extrinsic: Uint8Array,
    genesisHash: Uint8Array,
    options?: CheckOptions,
  ): ValidTransaction | InvalidTransaction;
}

/**
 * What a module's RPC handler may read (its `rpc.ts`): the best block's state and its number and
 * hash, and an ordered scan for listings. The node builds it per request from its own state; a
 * handler never sees the node itself.
 */
export interface QueryContext {
  /** State as of `head`, without proofs. */
  readonly state: StateReader;
  readonly head: { readonly number: number; readonly hash: Uint8Array };
  /** Up to `limit` entries under `prefix` at `head`, in key order, starting after `startAfter`. */
  scan(
    prefix: Uint8Array,
    startAfter: Uint8Array | undefined,
    limit: number,
  ): { key: Uint8Array; value: Uint8Array }[];
}

/** A module's JSON-RPC method: a spec of its `schemas.ts` with a handler over its queries. */
export type ModuleRpcMethod = RpcImplementation<QueryContext>;

export type { Event, Header };
