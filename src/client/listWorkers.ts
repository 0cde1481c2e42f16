import { toHex } from '../codec/bytes.js';
import { registryRpc, type WorkerJson, type WorkerPageJson } from '../runtime/registry/schemas.js';
import { callMethod } from './callMethod.js';
import type { RpcClient } from './types.js';

/** One page of registered workers in pubkey order; pass `next` back as `startAfter`. */
export async function listWorkersPage(
  client: RpcClient,
  args: { startAfter?: Uint8Array | string; limit?: number } = {},
): Promise<WorkerPageJson> {
  const startAfter = args.startAfter instanceof Uint8Array ? toHex(args.startAfter) : args.startAfter;
  const page = {
    ...(startAfter === undefined ? {} : { startAfter }),
    ...(args.limit === undefined ? {} : { limit: args.limit }),
  };
  return callMethod(client, registryRpc.listWorkers, page);
}

/**
 * Every registered worker, following the pages. Pages are read at successive best blocks, so a
 * worker registered meanwhile may or may not appear; none appears twice (pages resume by key).
 */
export async function listWorkers(client: RpcClient, pageSize?: number): Promise<WorkerJson[]> {
  const workers: WorkerJson[] = [];
  let startAfter: string | undefined;
  do {
    const page = await listWorkersPage(client, {
      ...(startAfter === undefined ? {} : { startAfter }),
      ...(pageSize === undefined ? {} : { limit: pageSize }),
    });
    workers.push(...page.workers);
    startAfter = page.next ?? undefined;
  } while (startAfter !== undefined);
  return workers;
}
