// One JSON-RPC WebSocket connection, bounded in what it can make the node hold: its messages are
// answered one at a time, and while one is being answered the socket is not read, so a client that
// sends faster than it is served is slowed by TCP rather than queued in our memory; a client that
// does not read what we send (replies or notifications) is disconnected once that much is buffered;
// and a connection that does nothing is closed, one with subscriptions only when it stops answering
// pings.
import type { WebSocket } from 'ws';
import { RPC_CODES } from '../../codec/rpcWire.js';
import type { ChainService } from '../chainService.js';
import { createRpcSession } from './createRpcSession.js';
import { handleRpc, type RpcContext, stringifyJson } from './handleRpc.js';

/** The part of a pino logger the RPC server uses. */
export interface RpcLogger {
  error(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface WebSocketLimits {
  /** Most subscriptions the connection may hold. */
  maxSubscriptions: number;
  /** A client with this many bytes sent to it but not yet taken is disconnected (1008). */
  maxBufferedBytes: number;
  /**
   * Messages received while one is being answered (the socket is paused meanwhile, so only those
   * already read arrive); more than this closes the connection (1008).
   */
  maxQueuedMessages: number;
  /**
   * Without a message (or a pong) for this long a connection without subscriptions is closed
   * (1000); one with subscriptions is pinged, and terminated if it has not answered by the next time.
   */
  idleTimeoutMs: number;
}

/** Marks a binary message in the queue: it is answered in order, with an error. */
const BINARY = Symbol('binary');

export function serveWebSocket(
  ws: WebSocket,
  args: {
    chain: ChainService;
    rpc: Omit<RpcContext, 'session'>;
    limits: WebSocketLimits;
    logger?: RpcLogger;
  },
): void {
  const { chain, rpc, limits, logger } = args;
  const queue: (string | typeof BINARY)[] = [];
  let closed = false;
  let busy = false;
  let active = false;

  const session = createRpcSession({
    chain,
    maxSubscriptions: limits.maxSubscriptions,
    send: (text) => void send(text),
  });

  /** Ends the connection's work at once: no queued message is answered, no notification sent. */
  function stop(): void {
    closed = true;
    queue.length = 0;
    clearInterval(timer);
    session.close();
    // Read again, or the client's half of the closing handshake would never be seen.
    ws.resume();
  }

  function send(text: string): void {
    if (closed || ws.readyState !== ws.OPEN) return;
    // Checked before every reply as well as every notification: a client that sends requests and
    // never reads the answers would otherwise grow our memory without bound.
    if (ws.bufferedAmount > limits.maxBufferedBytes) {
      logger?.warn(
        { bufferedAmount: ws.bufferedAmount, max: limits.maxBufferedBytes },
        'rpc websocket client does not read what it is sent; disconnecting',
      );
      stop();
      ws.close(1008, 'too far behind: unread replies or notifications');
      return;
    }
    ws.send(text);
  }

  async function drain(): Promise<void> {
    if (busy) return;
    busy = true;
    while (!closed && queue.length > 0) {
      const message = queue.shift()!;
      try {
        const response =
          message === BINARY
            ? stringifyJson({
                jsonrpc: '2.0',
                id: null,
                error: { code: RPC_CODES.invalidRequest, message: 'binary messages are not JSON-RPC' },
              })
            : await handleRpc(chain, message, { ...rpc, session });
        if (response !== undefined) send(response);
      } catch (error) {
        logger?.error({ err: error }, 'rpc websocket handler failed');
      }
    }
    busy = false;
    if (!closed) ws.resume();
  }

  ws.on('message', (data, isBinary) => {
    active = true;
    if (closed) return;
    if (queue.length >= limits.maxQueuedMessages) {
      logger?.warn({ max: limits.maxQueuedMessages }, 'rpc websocket client sends too many requests at once');
      stop();
      ws.close(1008, 'too many requests in flight');
      return;
    }
    if (isBinary) queue.push(BINARY);
    else if (Array.isArray(data)) queue.push(Buffer.concat(data).toString('utf8'));
    else queue.push((Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8'));
    // Read nothing more until this is answered: TCP then makes a fast sender wait, not our heap.
    ws.pause();
    void drain();
  });
  ws.on('pong', () => {
    active = true;
  });

  const timer = setInterval(() => {
    if (closed) return;
    if (active || busy) {
      active = false;
      if (session.size > 0) ws.ping();
      return;
    }
    const subscribed = session.size > 0;
    stop();
    // A subscriber that did not answer the last ping is gone (or not reading): no point in a
    // closing handshake it will not complete.
    if (subscribed) ws.terminate();
    else ws.close(1000, 'idle timeout');
  }, limits.idleTimeoutMs);

  ws.on('close', stop);
  ws.on('error', (error) => logger?.warn({ err: error }, 'rpc websocket error'));
}
