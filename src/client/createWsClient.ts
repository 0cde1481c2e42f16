// JSON-RPC over one WebSocket, with subscriptions. It does not reconnect (yet): when the socket
// drops, pending requests reject with ConnectionClosed and `onClose` listeners hear about it, so the
// caller decides what to do. The node is untrusted: no message from it may be larger than the
// largest answer the client accepts (`maxResponseBytes.ts`), and one that is ends the connection with
// ResponseTooLarge. On Node that cap is `ws`'s `maxPayload`, checked against each frame's declared
// length before its payload is buffered; a browser's WebSocket has no such option, so there the
// cap is checked on each message after it arrived.
import { RpcError } from '../codec/errors.js';
import { SUBSCRIPTIONS } from '../codec/rpcWire.js';
import { largestResponseBytes, type ResponseLimitOptions, responseTooLarge } from './maxResponseBytes.js';
import { parseRpcResponse } from './parseRpcResponse.js';
import type { WsRpcClient } from './types.js';

/** The part of the WHATWG WebSocket API used here; both `ws` and browsers provide it. */
interface MinimalWebSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: 'open' | 'close' | 'error' | 'message',
    listener: (event: { data?: unknown; error?: unknown }) => void,
  ): void;
  /** `ws` only: drops the connection at once, without a closing handshake. */
  terminate?(): void;
}

async function openWebSocket(url: string, maxPayload: number): Promise<MinimalWebSocket> {
  if (typeof process !== 'undefined' && process.versions?.node !== undefined) {
    // On Node always `ws`, even where the platform has a WebSocket: only `ws` takes a payload cap.
    const { WebSocket } = await import('ws');
    return new WebSocket(url, { maxPayload }) as unknown as MinimalWebSocket;
  }
  const Platform = (globalThis as { WebSocket?: new (url: string) => MinimalWebSocket }).WebSocket;
  if (!Platform) throw new RpcError(-32000, 'ConnectionFailed', `no WebSocket implementation for ${url}`);
  return new Platform(url);
}

const OPEN = 1;
/** WebSocket close code 1009, "message too big" (RFC 6455 section 7.4.1). */
const MESSAGE_TOO_BIG = 1009;

export interface WsClientOptions extends ResponseLimitOptions {
  /** Per request, and for opening the connection. */
  timeoutMs?: number;
}

export async function createWsClient(url: string, options: WsClientOptions = {}): Promise<WsRpcClient> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  // A message is read whole before we know which request it answers: cap each at the largest answer.
  const maxPayload = largestResponseBytes(options);
  const socket = await openWebSocket(url, maxPayload);
  const pending = new Map<
    number,
    {
      method: string;
      resolve: (value: unknown) => void;
      reject: (error: Error) => void;
      timer: ReturnType<typeof setTimeout>;
    }
  >();
  const subscriptions = new Map<string, (result: unknown) => void>();
  // A notification can arrive in the same read as its subscription's answer, before the caller's
  // handler is registered: keep a few for ids we do not know yet (bounded, in case they are junk).
  const early = new Map<string, unknown[]>();
  const closeListeners: ((error: Error) => void)[] = [];
  let closedError: RpcError | undefined;
  let nextId = 1;

  // A node that accepts the connection but never completes the handshake must not hold us forever.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new RpcError(-32000, 'Timeout', `no WebSocket handshake from ${url} within ${timeoutMs} ms`, { url }),
      );
      socket.close();
    }, timeoutMs);
    socket.addEventListener('open', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.addEventListener('error', () => {
      clearTimeout(timer);
      reject(new RpcError(-32000, 'ConnectionFailed', `cannot open a WebSocket to ${url}`, { url }));
    });
  });

  /** Ends the client once: every pending request and close listener gets `error`. */
  const shutDown = (error: RpcError): void => {
    if (closedError) return;
    closedError = error;
    for (const entry of pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(error);
    }
    pending.clear();
    subscriptions.clear();
    for (const listener of closeListeners.splice(0)) listener(error);
  };

  const refuseOversized = (received?: number): void => {
    shutDown(responseTooLarge(url, 'WebSocket message', maxPayload, received));
    // Do not wait for a closing handshake the node may never answer: drop the connection.
    if (socket.terminate) socket.terminate();
    else socket.close(MESSAGE_TOO_BIG, 'message too big');
  };

  // `ws` refuses a message past maxPayload from its frame headers, before buffering it.
  socket.addEventListener('error', (event) => {
    const { code } = (event.error ?? {}) as { code?: unknown };
    if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') refuseOversized();
  });

  socket.addEventListener('message', (event) => {
    if (closedError) return;
    const text = String(event.data);
    // Where the platform WebSocket took the message whole, refuse it here (UTF-16 units: at most 2x off).
    if (text.length > maxPayload) {
      refuseOversized(text.length);
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return; // not ours to answer; a request waiting for it times out
    }
    for (const item of Array.isArray(message) ? message : [message]) {
      const { id, method, params } = (item ?? {}) as { id?: unknown; method?: unknown; params?: unknown };
      if (typeof method === 'string' && id === undefined) {
        const { subscription, result } = (params ?? {}) as { subscription?: unknown; result?: unknown };
        if (typeof subscription !== 'string') continue;
        const handler = subscriptions.get(subscription);
        if (handler) handler(result);
        else if (early.size < 16)
          early.set(subscription, [...(early.get(subscription) ?? []), result].slice(-16));
        continue;
      }
      const entry = typeof id === 'number' ? pending.get(id) : undefined;
      if (!entry) continue;
      pending.delete(id as number);
      clearTimeout(entry.timer);
      try {
        entry.resolve(parseRpcResponse(entry.method, item));
      } catch (error) {
        entry.reject(error as Error);
      }
    }
  });

  socket.addEventListener('close', () => {
    shutDown(new RpcError(-32000, 'ConnectionClosed', `the WebSocket to ${url} closed`, { url }));
  });

  function request(method: string, params: readonly unknown[] = []): Promise<unknown> {
    if (closedError || socket.readyState !== OPEN) {
      return Promise.reject(
        closedError ?? new RpcError(-32000, 'ConnectionClosed', `the WebSocket to ${url} is not open`),
      );
    }
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new RpcError(-32000, 'Timeout', `${method}: no answer from ${url} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, { method, resolve, reject, timer });
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  return {
    url,
    request,
    async subscribe(kind, onResult) {
      const names = SUBSCRIPTIONS[kind];
      const id = await request(names.subscribe);
      if (typeof id !== 'string') {
        throw new RpcError(-32603, 'InvalidResponse', `${names.subscribe}: subscription id is not a string`);
      }
      subscriptions.set(id, onResult);
      const buffered = early.get(id) ?? [];
      early.delete(id);
      for (const result of buffered) onResult(result);
      return async () => {
        if (!subscriptions.delete(id) || closedError) return;
        await request(names.unsubscribe, [id]);
      };
    },
    onClose(listener) {
      if (closedError) listener(closedError);
      else closeListeners.push(listener);
    },
    async close() {
      if (closedError) return;
      const closed = new Promise<void>((resolve) => socket.addEventListener('close', () => resolve()));
      socket.close(1000, 'client closed');
      await closed;
    },
  };
}
