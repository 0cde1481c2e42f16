// The node's one port (DESIGN.md section 9): JSON-RPC over HTTP POST and WebSocket, GET /health,
// GET /metrics and, when given, the dashboard's static files. This file only moves bytes and
// enforces limits; every answer comes from the pure `handleRpc`.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { type WebSocket, WebSocketServer } from 'ws';
import { RPC_CODES } from '../../codec/rpcWire.js';
import type { ChainService } from '../chainService.js';
import { createRpcSession } from './createRpcSession.js';
import { handleRpc, stringifyJson } from './handleRpc.js';

/** The part of a pino logger the server uses. */
export interface RpcLogger {
  error(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface RpcServerOptions {
  chain: ChainService;
  host?: string;
  /** 0 picks a free port; read it back from `url`. */
  port?: number;
  /** Largest HTTP body or WebSocket message, in bytes. */
  maxBodyBytes?: number;
  /** Most requests in one JSON-RPC batch. */
  maxBatch?: number;
  /** Most open HTTP and WebSocket connections. */
  maxConnections?: number;
  /** Most subscriptions one WebSocket connection may hold. */
  maxSubscriptionsPerConnection?: number;
  /** A WebSocket client that falls this far behind on notifications is disconnected. */
  maxBufferedBytes?: number;
  /** Served for GET requests other than /health and /metrics (the dashboard). */
  staticDir?: string;
  /** Prometheus text exposition for GET /metrics. */
  metrics?: () => Promise<string>;
  logger?: RpcLogger;
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
  maxConnections: 256,
  maxSubscriptionsPerConnection: 32,
  maxBufferedBytes: 16 * 1024 * 1024,
} as const;

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

function rpcErrorBody(code: number, message: string): string {
  return stringifyJson({ jsonrpc: '2.0', id: null, error: { code, message } });
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
  const maxConnections = options.maxConnections ?? RPC_DEFAULTS.maxConnections;
  const maxSubscriptions =
    options.maxSubscriptionsPerConnection ?? RPC_DEFAULTS.maxSubscriptionsPerConnection;
  const maxBufferedBytes = options.maxBufferedBytes ?? RPC_DEFAULTS.maxBufferedBytes;
  const staticRoot = staticDir === undefined ? undefined : resolve(staticDir);
  const onInternalError = (error: unknown, method: string) =>
    logger?.error({ err: error, method }, 'rpc method failed');

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
    const response = await handleRpc(chain, body, { maxBatch, onInternalError });
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
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'POST' && pathname === '/') return handlePost(req, res);
    if (req.method === 'GET' || req.method === 'HEAD') return handleGet(pathname, res);
    sendJson(res, 405, rpcErrorBody(RPC_CODES.invalidRequest, `method ${req.method} not allowed`), {
      allow: 'GET, HEAD, POST',
    });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      // Only a bug (or a vanished socket) gets here; answer if we still can.
      logger?.error({ err: error, url: req.url }, 'rpc http handler failed');
      if (!res.headersSent) sendJson(res, 500, rpcErrorBody(RPC_CODES.internalError, 'internal error'));
      else res.destroy();
    });
  });
  server.maxConnections = maxConnections;
  server.requestTimeout = 30_000;

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxBodyBytes });
  server.on('upgrade', (req, socket, head) => {
    if (wss.clients.size >= maxConnections) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveWebSocket(ws));
  });

  function serveWebSocket(ws: WebSocket): void {
    const session = createRpcSession({
      chain,
      maxSubscriptions,
      send(text) {
        // A client that does not read its notifications must not grow our memory without bound.
        if (ws.bufferedAmount > maxBufferedBytes) {
          ws.close(1008, 'too far behind on notifications');
          return;
        }
        ws.send(text);
      },
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        ws.send(rpcErrorBody(RPC_CODES.invalidRequest, 'binary messages are not JSON-RPC'));
        return;
      }
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString('utf8');
      handleRpc(chain, text, { maxBatch, session, onInternalError })
        .then((response) => {
          if (response !== undefined && ws.readyState === ws.OPEN) ws.send(response);
        })
        .catch((error: unknown) => logger?.error({ err: error }, 'rpc websocket handler failed'));
    });
    ws.on('close', () => session.close());
    ws.on('error', (error) => logger?.warn({ err: error }, 'rpc websocket error'));
  }

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? RPC_DEFAULTS.host, () => {
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
