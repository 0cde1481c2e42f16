import { z } from 'zod';
import { callRpc } from './callRpc.js';
import type { RpcClient } from './types.js';

const OpenRpcSchema = z.looseObject({
  openrpc: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  methods: z.array(z.looseObject({ name: z.string(), summary: z.string().optional() })),
});
export type OpenRpcSummary = z.infer<typeof OpenRpcSchema>;

/** The node's OpenRPC document (`rpc.discover`). */
export async function discover(client: RpcClient): Promise<OpenRpcSummary> {
  return callRpc(client, 'rpc.discover', [], OpenRpcSchema);
}
