// registry hooks, at the start of every block: remember the chain's genesis hash (block 1's parent is
// genesis; one write in block 1) and expire the registrations that lapsed since the last block,
// taking only the expiry slots that fell due (expireLapsedWorkers.ts): O(1) plus O(due) per block.
import type { RuntimeContext } from '../support/dispatch.js';
import { expireLapsedWorkers } from './expireLapsedWorkers.js';
import { ChainGenesisHash } from './storage.js';

export function onInitializeRegistry(ctx: RuntimeContext): void {
  if (ctx.block.number === 1) ChainGenesisHash.set(ctx.state, ctx.block.parentHash);
  expireLapsedWorkers(ctx);
}
