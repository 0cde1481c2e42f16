import { type PolicyInfoJson, PolicyInfoJsonSchema } from '../codec/rpcWire.js';
import { callRpc } from './callRpc.js';
import type { RpcClient } from './types.js';

/** The attestation policy at the best block (the form `tx registry set-policy --file` takes). */
export async function getPolicy(client: RpcClient): Promise<PolicyInfoJson> {
  return callRpc(client, 'registry_getPolicy', [], PolicyInfoJsonSchema);
}
