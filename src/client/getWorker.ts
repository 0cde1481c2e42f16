import { toHex } from '../codec/bytes.js';
import { type WorkerJson, WorkerJsonSchema } from '../codec/rpcWire.js';
import { callRpc } from './callRpc.js';
import type { RpcClient } from './types.js';

/**
 * A registered worker at the best block; undefined if the chain does not know it. Worker views are
 * for display and scripting, so they keep the wire's JSON form (hex, names, decimal strings).
 */
export async function getWorker(client: RpcClient, pubkey: Uint8Array): Promise<WorkerJson | undefined> {
  const worker = await callRpc(client, 'registry_getWorker', [toHex(pubkey)], WorkerJsonSchema.nullable());
  return worker ?? undefined;
}
