// One request whose result is checked against its wire schema: a node that answers with the wrong
// shape is an InvalidResponse error here, not a TypeError somewhere downstream.
import type { z } from 'zod';
import { RpcError } from '../codec/errors.js';
import type { RpcClient } from './types.js';

export async function callRpc<S extends z.ZodType>(
  client: RpcClient,
  method: string,
  params: readonly unknown[],
  schema: S,
): Promise<z.output<S>> {
  // Trailing undefined optionals are left out rather than sent as null.
  const trimmed = [...params];
  while (trimmed.length > 0 && trimmed.at(-1) === undefined) trimmed.pop();
  const result = await client.request(method, trimmed);
  const parsed = schema.safeParse(result);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RpcError(
      -32603,
      'InvalidResponse',
      `${method}: unexpected result from ${client.url} (${issue?.path.join('.') || 'result'}: ${issue?.message})`,
    );
  }
  return parsed.data;
}
