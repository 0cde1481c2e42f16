// A storage value with its proof at a stored block, or a typed refusal when that block's state was
// pruned: without the check a pruned root reads as a damaged store (MissingTrieNode), which the RPC
// server would answer as an internal error.
import { RpcError } from '../../codec/errors.js';
import { type KeyProof, proveKey } from '../../codec/trie/index.js';
import type { ChainStore } from './createChainStore.js';
import { STATE_PRUNED_RPC_CODE } from './statePruning.js';

export function proveStateKey(
  store: Pick<ChainStore, 'nodes' | 'keepsState'>,
  header: { number: number; stateRoot: Uint8Array },
  key: Uint8Array,
): KeyProof {
  if (!store.keepsState(header.number)) {
    throw new RpcError(
      STATE_PRUNED_RPC_CODE,
      'StatePruned',
      `the state of block ${header.number} is pruned: this node keeps recent states only (--state-pruning)`,
      { number: header.number },
    );
  }
  return proveKey(store.nodes, header.stateRoot, key);
}
