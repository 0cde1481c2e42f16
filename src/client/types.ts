// What every client action needs from a transport: one request/response, and (WebSocket only)
// subscriptions. Actions take the client first (STYLE.md's viem anchor), so one set of functions
// serves HTTP and WebSocket alike.
import type { SubscriptionKind } from '../codec/rpcWire.js';

export interface RpcClient {
  readonly url: string;
  /** Sends one request; resolves with the raw `result` or rejects with an RpcError. */
  request(method: string, params?: readonly unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

export interface WsRpcClient extends RpcClient {
  /**
   * Starts a subscription; `onResult` gets each notification's raw `result`. Resolves with a
   * function that ends it.
   */
  subscribe(kind: SubscriptionKind, onResult: (result: unknown) => void): Promise<() => Promise<void>>;
  /** Called once if the connection drops; pending requests reject with ConnectionClosed. */
  onClose(listener: (error: Error) => void): void;
}

export function isWsRpcClient(client: RpcClient): client is WsRpcClient {
  return 'subscribe' in client;
}
