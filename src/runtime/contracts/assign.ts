// Assignment (DESIGN.md sections 7 and 8): each replica goes to a worker drawn from the computation
// module's pool (Idle and Serving workers) with probability proportional to its weight (benchmark
// score × stake units), from a seed of the block's parent hash, the contract and the attempt. A
// drawn worker already holding the contract, full, or whose attestation has lapsed is drawn again,
// up to DRAW_ATTEMPTS per replica; a contract left short is filed in Understaffed and topped up later.
import { concatBytes, equalBytes } from '../../codec/bytes.js';
import { taggedHash } from '../../codec/hash.js';
import { u32 } from '../../codec/scale.js';
import { noteContracts, poolFind, poolTotal } from '../computation/index.js';
import { isActiveWorker } from '../registry/workers.js';
import type { RuntimeContext } from '../support/dispatch.js';
import { ContractsEvents } from './events.js';
import { Assignments, Config, ShortContracts, Understaffed, WorkerContracts } from './storage.js';
import type { Contract } from './types.js';

const DRAW_ATTEMPTS = 8;
/** Most understaffed contracts retried per block, and how long a short contract waits between tries. */
export const UNDERSTAFFED_BUDGET = 64;
export const RETRY_BLOCKS = 10;

function drawPoint(ctx: RuntimeContext, contract: number, attempt: number, total: bigint): bigint {
  const seed = taggedHash(
    'phalanx/assign',
    concatBytes(ctx.block.parentHash, u32.enc(contract), u32.enc(attempt)),
  );
  let value = 0n;
  for (let i = 0; i < 16; i++) value = (value << 8n) | BigInt(seed[i]!);
  return value % total;
}

function canHold(
  ctx: RuntimeContext,
  worker: Uint8Array,
  holders: readonly Uint8Array[],
  limit: number,
): boolean {
  if (holders.some((holder) => equalBytes(holder, worker))) return false;
  if ((WorkerContracts.get(ctx.state, worker)?.length ?? 0) >= limit) return false;
  return isActiveWorker(ctx.state, worker, ctx.block.timestamp);
}

/** Draws workers for `contract` until it has `replicas` holders or the draws run out. */
export function fillReplicas(ctx: RuntimeContext, id: number, contract: Contract): void {
  const config = Config.get(ctx.state)!;
  const holders = [...(Assignments.get(ctx.state, id) ?? [])];
  const wanted = contract.replicas - holders.length;
  const total = poolTotal(ctx.state);
  for (
    let attempt = 0;
    attempt < wanted * DRAW_ATTEMPTS && holders.length < contract.replicas && total > 0n;
    attempt++
  ) {
    const worker = poolFind(ctx.state, drawPoint(ctx, id, attempt, total));
    if (worker === undefined || !canHold(ctx, worker, holders, config.maxContractsPerWorker)) continue;
    holders.push(worker);
    WorkerContracts.set(ctx.state, worker, [...(WorkerContracts.get(ctx.state, worker) ?? []), id]);
    noteContracts(ctx, worker, 1);
    ContractsEvents.Assigned.emit(ctx, { contract: id, worker });
  }
  if (holders.length > 0) Assignments.set(ctx.state, id, holders);
  else Assignments.delete(ctx.state, id);
  if (holders.length < contract.replicas) {
    // Filed once: a contract already waiting for its retry is not filed again.
    if (!ShortContracts.has(ctx.state, id)) {
      ShortContracts.set(ctx.state, id, ctx.block.number);
      Understaffed.schedule(ctx.state, BigInt(ctx.block.number + RETRY_BLOCKS), id);
    }
    ContractsEvents.Understaffed.emit(ctx, {
      contract: id,
      assigned: holders.length,
      replicas: contract.replicas,
    });
  }
}

/** Takes `worker` off `contract` (both sides of the assignment). */
export function unassign(ctx: RuntimeContext, id: number, worker: Uint8Array): void {
  const holders = (Assignments.get(ctx.state, id) ?? []).filter((holder) => !equalBytes(holder, worker));
  if (holders.length > 0) Assignments.set(ctx.state, id, holders);
  else Assignments.delete(ctx.state, id);
  const held = (WorkerContracts.get(ctx.state, worker) ?? []).filter((other) => other !== id);
  if (held.length > 0) WorkerContracts.set(ctx.state, worker, held);
  else WorkerContracts.delete(ctx.state, worker);
  noteContracts(ctx, worker, -1);
  ContractsEvents.Unassigned.emit(ctx, { contract: id, worker });
}
