// How much past state a node keeps (`--state-pruning`), as Substrate's state pruning does: the state
// tries of the last N blocks, or of every block ('archive'). Blocks, events and outcomes are always
// kept; only trie nodes that no kept state uses are deleted. The genesis state is always kept too:
// a worker's light client starts from it (it proves the genesis authorities, worker/host/followChain).

/** A number of blocks (at least 1), or 'archive' for every state. */
export type StatePruning = number | 'archive';

/**
 * 256 blocks: about two minutes at the devnet's 500 ms, four at the node's default 1 s. A light client
 * reads proofs at blocks it verified moments ago, and a node re-executes only its head's children.
 */
export const DEFAULT_STATE_PRUNING = 256;

/** Largest window: a u32 of blocks. */
export const MAX_STATE_PRUNING = 0xffffffff;

export function isValidStatePruning(value: unknown): value is StatePruning {
  return (
    value === 'archive' ||
    (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_STATE_PRUNING)
  );
}

export function describeStatePruning(pruning: StatePruning): string {
  return pruning === 'archive' ? 'archive (every state)' : `the last ${pruning} blocks' states`;
}

/** JSON-RPC error number of a read at a block whose state was pruned (Phalanx's range, 1000 up). */
export const STATE_PRUNED_RPC_CODE = 1013;
