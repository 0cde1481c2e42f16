// JSON-RPC over HTTP POST with fetch. Stateless, so there is nothing to reconnect; a node that is
// down is a ConnectionFailed error naming the URL.
import { RpcError } from '../codec/errors.js';
import { parseRpcResponse } from './parseRpcResponse.js';
import type { RpcClient } from './types.js';

export interface HttpClientOptions {
  /** Per request; the default suits a node on the same machine or network. */
  timeoutMs?: number;
}

export function createHttpClient(url: string, options: HttpClientOptions = {}): RpcClient {
  const timeoutMs = options.timeoutMs ?? 30_000;
  let nextId = 1;
  return {
    url,
    async request(method, params = []) {
      const id = nextId++;
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (cause) {
        // fetch wraps the socket error: its code (ECONNREFUSED) or message says what happened.
        const inner = (cause as { cause?: { code?: string; message?: string } }).cause;
        const reason = inner?.code ?? inner?.message ?? (cause as Error).message;
        throw new RpcError(
          -32000,
          'ConnectionFailed',
          `cannot reach the node at ${url} (${reason})`,
          { url },
          { cause },
        );
      }
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (cause) {
        throw new RpcError(
          -32603,
          'InvalidResponse',
          `${method}: HTTP ${response.status} from ${url} is not JSON`,
          { status: response.status },
          { cause },
        );
      }
      return parseRpcResponse(method, body);
    },
    async close() {},
  };
}
