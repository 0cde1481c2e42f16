// The runtime's whole surface towards the node (DESIGN.md section 2): a pure function of
// (state, block). The node owns storage, the Merkle tree and time; the runtime reads state through
// `StateReader` and answers with the writes it wants, never touching disk, clock or network.
import type { Event, Header } from '../codec/chain.js';

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

export interface Runtime {
  /** Validates a genesis config and returns the initial state. Throws GenesisError on bad config. */
  buildGenesisState(config: unknown): StateChanges;
  /** Starts a block on top of `state` (runs `onInitialize` hooks). */
  beginBlock(state: StateReader, context: BlockContext, genesisHash: Uint8Array): BlockBuilder;
  /** Pool admission: signature, nonce, fee, size, known call. Changes nothing. */
  validateTransaction(
    state: StateReader,
    extrinsic: Uint8Array,
    genesisHash: Uint8Array,
  ): ValidTransaction | InvalidTransaction;
}

export type { Event, Header };
