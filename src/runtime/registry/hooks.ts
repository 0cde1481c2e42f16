// registry hooks: remember the chain's genesis hash. The runtime is not told it, but block 1's
// parent is genesis; one write in block 1, nothing in any other block.
import type { RuntimeContext } from '../support/dispatch.js';
import { ChainGenesisHash } from './storage.js';

export function onInitializeRegistry(ctx: RuntimeContext): void {
  if (ctx.block.number === 1) ChainGenesisHash.set(ctx.state, ctx.block.parentHash);
}
