// The node's one port (DESIGN.md section 9): JSON-RPC over HTTP POST and WebSocket, GET /health,
// GET /metrics and, when given, the dashboard's static files. This file only moves bytes and
// enforces limits; every answer comes from the pure `handleRpc`, and who may ask from `checkAccess`.
// HTTP and WebSocket connections are capped separately, so that WebSockets (long-lived by nature)
// can never take the places that worker hosts and followers, which speak HTTP POST, need.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { RPC_CODES } from '../../codec/rpcWire.js';
import type { ChainService } from '../chainService.js';
import { checkAccess, createAccessPolicy } from './checkAccess.js';
import { handleRpc, RESPONSE_LIMITS, stringifyJson } from './handleRpc.js';
import { limitHttpConnections } from './limitHttpConnections.js';
import type { RpcMethodTable } from './methodContext.js';
import { type RpcLogger, serveWebSocket } from './serveWebSocket.js';

export type { RpcLogger } from './serveWebSocket.js';

export interface RpcServerOptions {
  chain: ChainService;
  host?: string;
  /** 0 picks a free port; read it back from `url`. */
  port?: number;
  /** Largest HTTP body or WebSocket message, in bytes. */
  maxBodyBytes?: number;
  /** Most requests in one JSON-RPC batch. */
  maxBatch?: number;
  /** Largest serialized response to one request; a larger one is answered with ResponseTooLarge. */
  maxResponseBytes?: number;
  /** Largest answer to one batch; the entries past it are answered with ResponseTooLarge, unrun. */
  maxBatchResponseBytes?: number;
  /** Most HTTP connections; when full, a new one replaces the least recently active idle one. */
  maxHttpConnections?: number;
  /** Most WebSocket connections, counted apart from HTTP ones. */
  maxWebSockets?: number;
  /** Most WebSocket connections from one remote address. */
  maxWebSocketsPerClient?: number;
  /** Most subscriptions one WebSocket connection may hold. */
  maxSubscriptionsPerConnection?: number;
  /** A WebSocket client that leaves this many bytes of replies or notifications unread is disconnected. */
  maxBufferedBytes?: number;
  /** Most messages a WebSocket client may have waiting while one of its requests is answered. */
  maxQueuedMessages?: number;
  /** A WebSocket connection silent this long is closed (or pinged, if it has subscriptions). */
  wsIdleTimeoutMs?: number;
  /**
   * Host names (no port) that requests may carry in Host, besides localhost, 127.0.0.1, [::1] and
   * `host`; `['*']` allows any (and so gives up the protection against DNS rebinding).
   */
  allowedHosts?: readonly string[];
  /**
   * Origins (`https://app.example:8443`) whose pages may call the node, besides pages on loopback
   * and the node's own; `['*']` allows any. Allowed cross-origin callers get CORS headers.
   */
  allowedOrigins?: readonly string[];
  /** Served for GET requests other than /health and /metrics (the dashboard). */
  staticDir?: string;
  /** Prometheus text exposition for GET /metrics. */
  metrics?: () => Promise<string>;
  logger?: RpcLogger;
  /** The methods served (default: the node's and the Phalanx runtime modules'). */
  methods?: RpcMethodTable;
}

export interface RpcServer {
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

export const RPC_DEFAULTS = {
  host: '127.0.0.1',
  maxBodyBytes: 1024 * 1024,
  maxBatch: 100,
  ...RESPONSE_LIMITS,
  maxHttpConnections: 64,
  maxWebSockets: 64,
  maxWebSocketsPerClient: 16,
  maxSubscriptionsPerConnection: 32,
  maxBufferedBytes: 16 * 1024 * 1024,
  maxQueuedMessages: 128,
  wsIdleTimeoutMs: 60_000,
  // HTTP clients are short-lived: headers must arrive within 10 s and a whole request within 30 s;
  // an idle keep-alive connection is dropped after 5 s, and one whose reply is not being read after
  // 30 s without progress.
  httpHeadersTimeoutMs: 10_000,
  httpRequestTimeoutMs: 30_000,
  httpKeepAliveTimeoutMs: 5_000,
  httpSocketTimeoutMs: 30_000,
} as const;

const ALLOWED_METHODS = 'GET, HEAD, POST, OPTIONS';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

function sendJson(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

function rpcErrorBody(code: number, message: string, data?: { code: string }): string {
  return stringifyJson({
    jsonrpc: '2.0',
    id: null,
    error: data === undefined ? { code, message } : { code, message, data },
  });
}

const STATUS_TEXT: Record<number, string> = {
  403: 'Forbidden',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** Answers an upgrade request with a plain HTTP error and closes the socket once it is written. */
function refuseUpgrade(socket: Duplex, status: 403 | 429 | 503, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nconnection: close\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  // A client that never closes its side must not keep the socket (which no cap counts any more).
  socket.once('finish', () => socket.destroy());
}

/** Reads the body up to `limit` bytes; undefined (and the request left unread) when it is larger. */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        resolvePromise(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function createRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const { chain, metrics, logger, staticDir } = options;
  const maxBodyBytes = options.maxBodyBytes ?? RPC_DEFAULTS.maxBodyBytes;
  const maxBatch = options.maxBatch ?? RPC_DEFAULTS.maxBatch;
  const maxWebSockets = options.maxWebSockets ?? RPC_DEFAULTS.maxWebSockets;
  const maxWebSocketsPerClient = options.maxWebSocketsPerClient ?? RPC_DEFAULTS.maxWebSocketsPerClient;
  const staticRoot = staticDir === undefined ? undefined : resolve(staticDir);
  const host = options.host ?? RPC_DEFAULTS.host;
  const access = createAccessPolicy({
    bindHost: host,
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
    ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
  });
  const rpc = {
    maxBatch,
    maxResponseBytes: options.maxResponseBytes ?? RPC_DEFAULTS.maxResponseBytes,
    maxBatchResponseBytes: options.maxBatchResponseBytes ?? RPC_DEFAULTS.maxBatchResponseBytes,
    onInternalError: (error: unknown, method: string) =>
      logger?.error({ err: error, method }, 'rpc method failed'),
    ...(options.methods ? { methods: options.methods } : {}),
  };
  const wsLimits = {
    maxSubscriptions: options.maxSubscriptionsPerConnection ?? RPC_DEFAULTS.maxSubscriptionsPerConnection,
    maxBufferedBytes: options.maxBufferedBytes ?? RPC_DEFAULTS.maxBufferedBytes,
    maxQueuedMessages: options.maxQueuedMessages ?? RPC_DEFAULTS.maxQueuedMessages,
    idleTimeoutMs: options.wsIdleTimeoutMs ?? RPC_DEFAULTS.wsIdleTimeoutMs,
  };

  function refuseOversize(res: ServerResponse): void {
    // Closing the connection is what stops the sender; the rest of the body is never read.
    sendJson(
      res,
      413,
      rpcErrorBody(RPC_CODES.requestTooLarge, `request body exceeds ${maxBodyBytes} bytes`),
      {
        connection: 'close',
      },
    );
    res.on('finish', () => res.socket?.destroySoon());
  }

  async function handlePost(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType !== 'application/json') {
      sendJson(res, 415, rpcErrorBody(RPC_CODES.invalidRequest, 'content-type must be application/json'));
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) return refuseOversize(res);
    const body = await readBody(req, maxBodyBytes);
    if (body === undefined) return refuseOversize(res);
    const response = await handleRpc(chain, body, rpc);
    // A request made only of notifications has no answer (JSON-RPC 2.0 section 6).
    if (response === undefined) {
      res.writeHead(204).end();
      return;
    }
    sendJson(res, 200, response);
  }

  async function serveStatic(pathname: string, res: ServerResponse): Promise<boolean> {
    if (!staticRoot) return false;
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
    } catch {
      return false; // malformed %-escapes name no file
    }
    const relative = normalize(decoded);
    const file = join(staticRoot, relative);
    if (file !== staticRoot && !file.startsWith(staticRoot + sep)) return false;
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return false;
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
    });
    createReadStream(file).pipe(res);
    return true;
  }

  async function handleGet(pathname: string, res: ServerResponse): Promise<void> {
    if (pathname === '/health') {
      const health = chain.health();
      sendJson(res, 200, stringifyJson({ status: 'ok', chain: chain.chainName, ...health }));
      return;
    }
    if (pathname === '/metrics' && metrics) {
      const text = await metrics();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(text);
      return;
    }
    if (await serveStatic(pathname, res)) return;
    sendJson(res, 404, stringifyJson({ error: `not found: ${pathname.slice(0, 200)}` }));
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const verdict = checkAccess(access, { host: req.headers.host, origin: req.headers.origin });
    if (!verdict.allowed) {
      sendJson(
        res,
        403,
        rpcErrorBody(RPC_CODES.accessDenied, `forbidden: ${verdict.reason}`, { code: 'AccessDenied' }),
      );
      return;
    }
    if (verdict.corsOrigin !== undefined) {
      res.setHeader('access-control-allow-origin', verdict.corsOrigin);
      res.setHeader('vary', 'origin');
    }
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'POST' && pathname === '/') return handlePost(req, res);
    if (req.method === 'GET' || req.method === 'HEAD') return handleGet(pathname, res);
    if (req.method === 'OPTIONS') {
      // A CORS preflight; the origin was judged above, and only an allowed one gets the allow-origin.
      res.writeHead(204, {
        'access-control-allow-methods': ALLOWED_METHODS,
        'access-control-allow-headers': 'content-type',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    sendJson(res, 405, rpcErrorBody(RPC_CODES.invalidRequest, `method ${req.method} not allowed`), {
      allow: ALLOWED_METHODS,
    });
  }

  const server = createServer(
    {
      headersTimeout: RPC_DEFAULTS.httpHeadersTimeoutMs,
      requestTimeout: RPC_DEFAULTS.httpRequestTimeoutMs,
      keepAliveTimeout: RPC_DEFAULTS.httpKeepAliveTimeoutMs,
      // How often those two timeouts are checked (Node's default, 30 s, would let them run late).
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => {
      route(req, res).catch((error: unknown) => {
        // Only a bug (or a vanished socket) gets here; answer if we still can.
        logger?.error({ err: error, url: req.url }, 'rpc http handler failed');
        if (!res.headersSent) sendJson(res, 500, rpcErrorBody(RPC_CODES.internalError, 'internal error'));
        else res.destroy();
      });
    },
  );
  // No activity at all (the client reads nothing of its reply) for this long ends the connection.
  server.setTimeout(RPC_DEFAULTS.httpSocketTimeoutMs);
  const httpConnections = limitHttpConnections(
    server,
    options.maxHttpConnections ?? RPC_DEFAULTS.maxHttpConnections,
  );

  const webSockets = new Set<Duplex>();
  const webSocketsByClient = new Map<string, number>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxBodyBytes, clientTracking: true });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    httpConnections.release(socket);
    // A browser page may open a WebSocket to any origin (no CORS): this check is all that stops it.
    const verdict = checkAccess(access, { host: req.headers.host, origin: req.headers.origin });
    if (!verdict.allowed) {
      refuseUpgrade(
        socket,
        403,
        rpcErrorBody(RPC_CODES.accessDenied, `forbidden: ${verdict.reason}`, { code: 'AccessDenied' }),
      );
      return;
    }
    const client = req.socket.remoteAddress ?? 'unknown';
    const fromClient = webSocketsByClient.get(client) ?? 0;
    if (webSockets.size >= maxWebSockets) {
      refuseUpgrade(socket, 503, rpcErrorBody(RPC_CODES.invalidRequest, 'too many WebSocket connections'));
      return;
    }
    if (fromClient >= maxWebSocketsPerClient) {
      refuseUpgrade(
        socket,
        429,
        rpcErrorBody(RPC_CODES.invalidRequest, `too many WebSocket connections from ${client}`),
      );
      return;
    }
    // Counted by socket, from now until it closes, so a connection still closing keeps its place.
    webSockets.add(socket);
    webSocketsByClient.set(client, fromClient + 1);
    socket.once('close', () => {
      webSockets.delete(socket);
      const left = (webSocketsByClient.get(client) ?? 1) - 1;
      if (left === 0) webSocketsByClient.delete(client);
      else webSocketsByClient.set(client, left);
    });
    wss.handleUpgrade(req, socket, head, (ws) =>
      serveWebSocket(ws, { chain, rpc, limits: wsLimits, ...(logger ? { logger } : {}) }),
    );
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  server.on('error', (error) => logger?.error({ err: error }, 'rpc server error'));
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${hostPart}:${address.port}`,
    wsUrl: `ws://${hostPart}:${address.port}`,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolvePromise) => wss.close(() => resolvePromise()));
      await new Promise<void>((resolvePromise) => {
        server.close(() => resolvePromise());
        server.closeAllConnections();
      });
    },
  };
}
