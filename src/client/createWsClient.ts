// JSON-RPC over one WebSocket, with subscriptions. It does not reconnect (yet): when the socket
// drops, pending requests reject with ConnectionClosed and `onClose` listeners hear about it, so the
// caller decides what to do. Uses the platform WebSocket where there is one (browsers, Node 22) and
// the `ws` package otherwise.
import { RpcError } from '../codec/errors.js';
import { SUBSCRIPTIONS } from '../codec/rpcWire.js';
import { parseRpcResponse } from './parseRpcResponse.js';
import type { WsRpcClient } from './types.js';

/** The part of the WHATWG WebSocket API used here; both `ws` and browsers provide it. */
interface MinimalWebSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: 'open' | 'close' | 'error' | 'message',
    listener: (event: { data?: unknown }) => void,
  ): void;
}
type WebSocketConstructor = new (url: string) => MinimalWebSocket;

async function webSocketImplementation(): Promise<WebSocketConstructor> {
  const platform = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (platform) return platform;
  const { WebSocket } = await import('ws');
  return WebSocket as unknown as WebSocketConstructor;
}

const OPEN = 1;

export interface WsClientOptions {
  /** Per request. */
  timeoutMs?: number;
}

export async function createWsClient(url: string, options: WsClientOptions = {}): Promise<WsRpcClient> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const Impl = await webSocketImplementation();
  const socket = new Impl(url);
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

  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () =>
      reject(new RpcError(-32000, 'ConnectionFailed', `cannot open a WebSocket to ${url}`, { url })),
    );
  });

  socket.addEventListener('message', (event) => {
    let message: unknown;
    try {
      message = JSON.parse(String(event.data));
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
    closedError = new RpcError(-32000, 'ConnectionClosed', `the WebSocket to ${url} closed`, { url });
    for (const entry of pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(closedError);
    }
    pending.clear();
    subscriptions.clear();
    for (const listener of closeListeners.splice(0)) listener(closedError);
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
