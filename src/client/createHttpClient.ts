// JSON-RPC over HTTP POST with fetch. Stateless, so there is nothing to reconnect; a node that is
// down is a ConnectionFailed error naming the URL. The node is outside the caller's trust boundary
// (the worker's host talks to whichever node it is given), so its answer is read as a stream and
// abandoned once it passes a cap (ResponseTooLarge), and the whole exchange, body included, has a
// deadline (Timeout): neither an endless nor a trickling answer can hold the caller or its memory.
import { concatBytes } from '../codec/bytes.js';
import { RpcError } from '../codec/errors.js';
import {
  largestResponseBytes,
  maxResponseBytes,
  type ResponseLimitOptions,
  responseTooLarge,
} from './maxResponseBytes.js';
import { parseRpcResponse } from './parseRpcResponse.js';
import type { RpcClient } from './types.js';

export interface HttpClientOptions extends ResponseLimitOptions {
  /**
   * Per request, from sending it to the last byte of the answer; the default suits a node on the same
   * machine or network.
   */
  timeoutMs?: number;
}

/**
 * Reads a body of at most `limit` bytes. A declared length past the cap is refused before reading;
 * otherwise the body is read chunk by chunk and given up as soon as the total passes the cap, so no
 * more than `limit` plus one chunk is ever held.
 */
async function readBody(
  response: Response,
  limit: number,
  tooLarge: (received: number) => RpcError,
): Promise<Uint8Array> {
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge(0);
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(received);
    }
    chunks.push(value);
  }
  return concatBytes(...chunks);
}

export function createHttpClient(url: string, options: HttpClientOptions = {}): RpcClient {
  const timeoutMs = options.timeoutMs ?? 30_000;
  // Refuse a bad cap now rather than at the first request.
  largestResponseBytes(options);
  let nextId = 1;
  return {
    url,
    async request(method, params = []) {
      const id = nextId++;
      const limit = maxResponseBytes(method, options);
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      const timeout = (cause: unknown) =>
        new RpcError(
          -32000,
          'Timeout',
          `${method}: no complete answer from ${url} within ${timeoutMs} ms`,
          { url, timeoutMs },
          { cause },
        );
      try {
        let response: Response;
        try {
          response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
            signal: controller.signal,
          });
        } catch (cause) {
          if (timedOut) throw timeout(cause);
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
        let bytes: Uint8Array;
        try {
          bytes = await readBody(response, limit, (received) =>
            responseTooLarge(url, method, limit, received),
          );
        } catch (cause) {
          // Drop the connection: the rest of an oversized answer is never read.
          controller.abort();
          if (cause instanceof RpcError) throw cause;
          if (timedOut) throw timeout(cause);
          throw new RpcError(
            -32000,
            'ConnectionFailed',
            `${method}: the connection to ${url} broke while reading the answer`,
            { url },
            { cause },
          );
        }
        let body: unknown;
        try {
          body = JSON.parse(new TextDecoder().decode(bytes));
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
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {},
  };
}
