// One request, declared by its spec (src/codec/rpcSpec.ts): the parameters are typed by the spec's
// schemas and the result is checked against its result schema, so a node that answers with the
// wrong shape is an InvalidResponse error here, not a TypeError somewhere downstream. A module's
// method needs no client function of its own: `callMethod(client, registryRpc.getWorker, key)`.
import { RpcError } from '../codec/errors.js';
import type { RpcParamInputs, RpcResultOf, RpcSpec } from '../codec/rpcSpec.js';
import type { RpcClient } from './types.js';

export async function callMethod<S extends RpcSpec>(
  client: RpcClient,
  spec: S,
  ...params: RpcParamInputs<S['params']>
): Promise<RpcResultOf<S>> {
  // Trailing undefined optionals are left out rather than sent as null.
  const trimmed: unknown[] = [...params];
  while (trimmed.length > 0 && trimmed.at(-1) === undefined) trimmed.pop();
  const result = await client.request(spec.name, trimmed);
  const parsed = spec.result.schema.safeParse(result);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RpcError(
      -32603,
      'InvalidResponse',
      `${spec.name}: unexpected result from ${client.url} (${issue?.path.join('.') || 'result'}: ${issue?.message})`,
    );
  }
  return parsed.data as RpcResultOf<S>;
}
