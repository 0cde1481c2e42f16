// Executes a block's extrinsics on top of its parent and commits the writes to the state trie: the
// one code path shared by sealing (build) and importing (re-execution), so that the two cannot
// disagree. Reads only; nothing is persisted here.

import { bytesToHex } from '../codec/bytes.js';
import { EventCodec, type Header, hashExtrinsic, listRoot } from '../codec/chain.js';
import { type NodeStore, type TrieUpdate, updateTrie } from '../codec/trie/index.js';
import type {
  BlockContext,
  BlockExecution,
  CheckOptions,
  InvalidTransaction,
  Runtime,
  StateReader,
} from '../runtime/api.js';
import { BlockImportError } from './errors.js';

export interface ExecuteBlockArgs {
  runtime: Runtime;
  /** State as of `parent` (the node only builds on and imports onto its head). */
  state: StateReader;
  nodes: NodeStore;
  parent: Header;
  genesisHash: Uint8Array;
  context: BlockContext;
  extrinsics: readonly Uint8Array[];
  /** `build` skips invalid extrinsics (and reports them); `import` refuses the block. */
  mode: 'build' | 'import';
  /** Build mode: stop adding extrinsics once their total size reaches this. */
  maxBlockBytes?: number;
  /** Build mode: stop adding extrinsics once `performance.now()` passes this (the first is tried). */
  buildUntil?: number;
  /**
   * Signatures this node has verified already, in either mode: a signature covers the bytes alone,
   * so an imported block's extrinsic that this node admitted itself needs no second check. Every
   * other extrinsic of an imported block is checked in full.
   */
  verified?: CheckOptions;
}

export interface ExecutedBlock {
  included: Uint8Array[];
  rejected: { extrinsic: Uint8Array; invalid: InvalidTransaction }[];
  execution: BlockExecution;
  stateRoot: Uint8Array;
  extrinsicsRoot: Uint8Array;
  eventsRoot: Uint8Array;
  /** The state trie update, for the store to write with the block. */
  trie: TrieUpdate;
}

export function executeBlock(args: ExecuteBlockArgs): ExecutedBlock {
  const builder = args.runtime.beginBlock(args.state, args.context, args.genesisHash, args.verified);
  const included: Uint8Array[] = [];
  const rejected: ExecutedBlock['rejected'] = [];
  let bytes = 0;
  for (const [index, extrinsic] of args.extrinsics.entries()) {
    if (args.mode === 'build') {
      if (args.maxBlockBytes !== undefined && bytes + extrinsic.length > args.maxBlockBytes) break;
      if (args.buildUntil !== undefined && index > 0 && performance.now() >= args.buildUntil) break;
    }
    const result = builder.apply(extrinsic);
    if (result.included) {
      included.push(extrinsic);
      bytes += extrinsic.length;
    } else if (args.mode === 'import') {
      throw new BlockImportError(
        'InvalidExtrinsic',
        `block ${args.context.number} contains an invalid extrinsic at index ${index} (${result.invalid.code}): ${result.invalid.message}`,
        {
          number: args.context.number,
          index,
          extrinsic: bytesToHex(hashExtrinsic(extrinsic)),
          reason: result.invalid.code,
        },
      );
    } else {
      rejected.push({ extrinsic, invalid: result.invalid });
    }
  }
  const execution = builder.finish();
  const update = updateTrie(args.nodes, args.parent.stateRoot, execution.changes.values());
  return {
    included,
    rejected,
    execution,
    stateRoot: update.root,
    extrinsicsRoot: listRoot(included),
    eventsRoot: listRoot(execution.events.map((event) => EventCodec.enc(event))),
    trie: update,
  };
}
