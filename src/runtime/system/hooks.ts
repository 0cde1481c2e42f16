// system hooks: record the block's context in state so that modules (and light clients, through
// storage proofs) can read the block number, time and recent block hashes.
import type { RuntimeContext } from '../support/dispatch.js';
import { Author, BlockHashes, BlockNumber, ParentHash, Timestamp } from './storage.js';
import { BLOCK_HASH_COUNT } from './types.js';

export function onInitializeSystem(ctx: RuntimeContext): void {
  const { number, parentHash, timestamp, author } = ctx.block;
  BlockNumber.set(ctx.state, number);
  ParentHash.set(ctx.state, parentHash);
  Timestamp.set(ctx.state, timestamp);
  Author.set(ctx.state, author);
  if (number >= 1) {
    BlockHashes.set(ctx.state, number - 1, parentHash);
    // One delete per block keeps the map at BLOCK_HASH_COUNT entries without ever scanning it.
    const expired = number - 1 - BLOCK_HASH_COUNT;
    if (expired >= 0) BlockHashes.delete(ctx.state, expired);
  }
}
