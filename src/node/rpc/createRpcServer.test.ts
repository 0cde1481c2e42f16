import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { toHex } from '../../codec/bytes.js';
import { hashHeader, signExtrinsic } from '../../codec/chain.js';
import { ed25519FromSeed } from '../../codec/keys.js';
import { balancesEventCodecs } from '../../runtime/balances/types.js';
import { createRpcServer, type RpcLogger, type RpcServer } from './createRpcServer.js';
import { createTestChain, type TestChain } from './testing/createTestChain.js';

function post(url: string, body: string, contentType = 'application/json') {
  return fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
}

/** Sends a body in chunks without a content-length, as a streaming client would. */
function postChunked(url: string, chunks: number, chunkBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    const chunk = Buffer.alloc(chunkBytes, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < chunks) {
        sent++;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

// biome-ignore lint/suspicious/noExplicitAny: messages are inspected as loose JSON
function nextMessage(ws: WebSocket): Promise<any> {
  return once(ws, 'message').then(([data]) => JSON.parse(String(data)));
}

async function openWs(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await once(ws, 'open');
  return ws;
}

/** A request with headers that fetch will not let us set (Host). */
function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: options.method ?? 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The HTTP status a WebSocket upgrade was refused with; rejects if it opens. */
function upgradeRefusal(ws: WebSocket): Promise<number> {
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.on('open', () => reject(new Error('the WebSocket was accepted')));
    ws.on('error', () => {});
  });
}

const CHAIN_REQUEST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system_chain' });

/** Seals a block holding one extrinsic of about `bytes` bytes; returns its hash as hex. */
function sealBigBlock(chain: TestChain, bytes: number): string {
  const signerSeed = new Uint8Array(32).fill(4);
  chain.submitExtrinsic(
    signExtrinsic({
      genesisHash: chain.genesisHash,
      signerSeed,
      signer: ed25519FromSeed(signerSeed).publicKey,
      nonce: 0,
      call: { module: 'balances', call: 'transfer', args: new Uint8Array(bytes).fill(0xab) },
    }),
  );
  return toHex(hashHeader(chain.seal().header));
}

/** A logger that lets a test wait for one warning: the server's only outward sign of some decisions. */
function warnings(): RpcLogger & { next(message: string): Promise<void> } {
  const waiting = new Map<string, () => void>();
  return {
    error() {},
    warn(_object, message) {
      waiting.get(message)?.();
    },
    next(message) {
      return new Promise((resolve) => waiting.set(message, resolve));
    },
  };
}

describe('createRpcServer', () => {
  let chain: TestChain;
  let server: RpcServer;
  let staticDir: string;

  before(async () => {
    staticDir = await mkdtemp(join(tmpdir(), 'phalanx-rpc-'));
    await writeFile(join(staticDir, 'index.html'), '<h1>dashboard</h1>');
    chain = createTestChain();
    server = await createRpcServer({
      chain,
      port: 0,
      maxBodyBytes: 4096,
      maxBatch: 5,
      maxSubscriptionsPerConnection: 2,
      staticDir,
      metrics: async () => 'phalanx_up 1\n',
    });
  });

  after(async () => {
    await server.close();
    await rm(staticDir, { recursive: true, force: true });
  });

  it('answers JSON-RPC over HTTP POST on a real socket', async () => {
    const res = await post(server.url, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system_chain' }));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { jsonrpc: '2.0', id: 1, result: 'test' });
  });

  it('answers invalid JSON with a -32700 error', async () => {
    const res = await post(server.url, '{nope');
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { error: { code: number } }).error.code, -32700);
  });

  it('answers a request made only of notifications with 204 and no body', async () => {
    const res = await post(server.url, JSON.stringify({ jsonrpc: '2.0', method: 'system_chain' }));
    assert.equal(res.status, 204);
    assert.equal(await res.text(), '');
  });

  it('refuses a declared oversize body with 413 before reading it', async () => {
    const res = await post(server.url, `[${'1,'.repeat(5000)}1]`);
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { error: { code: number } }).error.code, 1003);
  });

  it('refuses a streamed body with 413 once it passes the limit, and keeps serving', async () => {
    assert.equal(await postChunked(server.url, 64, 1024), 413);
    const res = await post(server.url, JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'system_chain' }));
    assert.equal(res.status, 200);
  });

  it('refuses a wrong content type with 415 and other HTTP methods with 405', async () => {
    const wrongType = await post(server.url, '{}', 'text/plain');
    assert.equal(wrongType.status, 415);
    await wrongType.body?.cancel();
    const put = await fetch(server.url, { method: 'PUT', body: '{}' });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get('allow'), 'GET, HEAD, POST, OPTIONS');
    await put.body?.cancel();
  });

  it('serves /health, /metrics and static files, but nothing outside the static folder', async () => {
    const health = (await (await fetch(`${server.url}/health`)).json()) as {
      status: string;
      bestNumber: number;
    };
    assert.equal(health.status, 'ok');
    assert.equal(health.bestNumber, chain.health().bestNumber);
    const metrics = await fetch(`${server.url}/metrics`);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(await metrics.text(), 'phalanx_up 1\n');
    assert.equal(await (await fetch(`${server.url}/`)).text(), '<h1>dashboard</h1>');
    const outside = await fetch(`${server.url}/..%2f..%2fetc%2fpasswd`);
    assert.equal(outside.status, 404);
    await outside.body?.cancel();
    const malformed = await fetch(`${server.url}/%E0%A4%A`);
    assert.equal(malformed.status, 404);
    await malformed.body?.cancel();
  });

  it('pushes new heads to a WebSocket subscriber until it unsubscribes', async () => {
    const ws = await openWs(server.wsUrl);
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'chain_subscribeNewHeads' }));
    const { result: id } = await nextMessage(ws);
    assert.equal(typeof id, 'string');
    const notification = nextMessage(ws);
    const block = chain.seal();
    const { method, params } = await notification;
    assert.equal(method, 'chain_newHead');
    assert.equal(params.subscription, id);
    assert.equal(params.result.hash, toHex(hashHeader(block.header)));
    assert.equal(params.result.header.number, block.header.number);
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'chain_unsubscribeNewHeads', params: [id] }));
    assert.deepEqual(await nextMessage(ws), { jsonrpc: '2.0', id: 2, result: true });
    ws.close();
    await once(ws, 'close');
  });

  it('pushes each block’s events to an events subscriber', async () => {
    const ws = await openWs(server.wsUrl);
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'chain_subscribeEvents' }));
    await nextMessage(ws);
    const notification = nextMessage(ws);
    const amount = { from: new Uint8Array(32).fill(1), to: new Uint8Array(32).fill(2), amount: 5n };
    const data = balancesEventCodecs.Transferred.enc(amount);
    chain.seal([{ phase: 0, module: 'balances', name: 'Transferred', data }]);
    const { method, params } = await notification;
    assert.equal(method, 'chain_events');
    assert.deepEqual(params.result.events, [
      {
        phase: 0,
        module: 'balances',
        name: 'Transferred',
        data: toHex(data),
        fields: { from: toHex(amount.from), to: toHex(amount.to), amount: '5' },
      },
    ]);
    ws.close();
    await once(ws, 'close');
  });

  it('limits subscriptions per connection and drops them all when the connection closes', async () => {
    const before = chain.listenerCount();
    const ws = await openWs(server.wsUrl);
    const ids: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: i, method: 'chain_subscribeNewHeads' }));
      ids.push(await nextMessage(ws));
    }
    assert.equal((ids[2] as { error: { code: number } }).error.code, 1002);
    assert.equal(chain.listenerCount(), before + 2);
    ws.close();
    await once(ws, 'close');
    // The server sees the close frame after the client; wait for its cleanup without a timer.
    while (chain.listenerCount() !== before) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(chain.listenerCount(), before);
  });

  it('answers invalid JSON on a WebSocket with -32700 and closes on an oversize message', async () => {
    const ws = await openWs(server.wsUrl);
    ws.send('{nope');
    assert.equal((await nextMessage(ws)).error.code, -32700);
    ws.send('x'.repeat(5000));
    const [code] = await once(ws, 'close');
    assert.equal(code, 1009);
  });
});

// Each test below has a timeout: without the limits they check, some would wait forever.
describe('createRpcServer under load', () => {
  it('answers a batch of 100 getBlock of a big block within the batch budget, with error entries', {
    timeout: 10_000,
  }, async () => {
    const chain = createTestChain();
    const hash = sealBigBlock(chain, 256 * 1024); // about 0.5 MB of JSON per copy
    const server = await createRpcServer({ chain, port: 0, maxBatchResponseBytes: 2 * 1024 * 1024 });
    try {
      const batch = Array.from({ length: 100 }, (_, id) => ({
        jsonrpc: '2.0',
        id,
        method: 'chain_getBlock',
        params: [hash],
      }));
      const res = await post(server.url, JSON.stringify(batch));
      const text = await res.text();
      assert.ok(text.length < 2 * 1024 * 1024 + 100 * 200, `answer of ${text.length} bytes`);
      const responses = JSON.parse(text) as { id: number; result?: unknown; error?: { code: number } }[];
      assert.equal(responses.length, 100);
      const served = responses.filter((r) => r.result !== undefined).length;
      assert.equal(served, 3);
      assert.ok(responses.slice(served).every((r) => r.error?.code === 1004));
    } finally {
      await server.close();
    }
  });

  it('disconnects a WebSocket client that sends requests and never reads the replies', {
    timeout: 20_000,
  }, async () => {
    const chain = createTestChain();
    const hash = sealBigBlock(chain, 128 * 1024); // about 260 kB per reply
    const logger = warnings();
    // Many requests may wait: what is bounded here is what the client leaves unread.
    const server = await createRpcServer({
      chain,
      port: 0,
      maxBufferedBytes: 64 * 1024,
      maxQueuedMessages: 1000,
      logger,
    });
    try {
      const ws = await openWs(server.wsUrl);
      const cutOff = logger.next('rpc websocket client does not read what it is sent; disconnecting');
      ws.pause();
      for (let id = 0; id < 150; id++) {
        ws.send(JSON.stringify({ jsonrpc: '2.0', id, method: 'chain_getBlock', params: [hash] }));
      }
      await cutOff;
      let replies = 0;
      ws.on('message', () => replies++);
      const closed = once(ws, 'close');
      ws.resume();
      const [code] = await closed;
      assert.equal(code, 1008);
      // What sat in the kernel's buffers arrives; the other requests were never answered (39 MB).
      assert.ok(replies < 150, `${replies} replies`);
      const res = await post(server.url, CHAIN_REQUEST);
      assert.equal(res.status, 200);
      await res.body?.cancel();
    } finally {
      await server.close();
    }
  });

  it('closes a WebSocket that has more requests waiting than it may', { timeout: 10_000 }, async () => {
    const chain = createTestChain();
    const server = await createRpcServer({ chain, port: 0, maxQueuedMessages: 4 });
    try {
      const ws = await openWs(server.wsUrl);
      // One write, so the server reads them all at once, before it could answer the first.
      const frames = Array.from({ length: 50 }, (_, id) =>
        JSON.stringify({ jsonrpc: '2.0', id, method: 'system_chain' }),
      );
      for (const frame of frames) ws.send(frame);
      const [code] = await once(ws, 'close');
      assert.equal(code, 1008);
    } finally {
      await server.close();
    }
  });

  it('keeps answering HTTP POST while as many idle WebSockets are open as it allows', {
    timeout: 10_000,
  }, async () => {
    const chain = createTestChain();
    const server = await createRpcServer({
      chain,
      port: 0,
      maxWebSockets: 4,
      maxWebSocketsPerClient: 4,
      maxHttpConnections: 4,
    });
    try {
      const sockets = await Promise.all(Array.from({ length: 4 }, () => openWs(server.wsUrl)));
      assert.equal(await upgradeRefusal(new WebSocket(server.wsUrl)), 503);
      for (let i = 0; i < 6; i++) {
        const res = await post(server.url, CHAIN_REQUEST);
        assert.equal(res.status, 200);
        await res.body?.cancel();
      }
      // And the WebSockets were not sacrificed for it.
      for (const ws of sockets) {
        ws.send(CHAIN_REQUEST);
        assert.equal((await nextMessage(ws)).result, 'test');
      }
    } finally {
      await server.close();
    }
  });

  it('serves a new HTTP client when idle connections fill every HTTP place, closing the oldest', {
    timeout: 10_000,
  }, async () => {
    const chain = createTestChain();
    const server = await createRpcServer({ chain, port: 0, maxHttpConnections: 4 });
    const idle: Socket[] = [];
    try {
      const { port } = new URL(server.url);
      for (let i = 0; i < 4; i++) {
        const socket = connect(Number(port), '127.0.0.1');
        await once(socket, 'connect');
        idle.push(socket);
      }
      const oldestClosed = once(idle[0]!, 'close');
      const res = await post(server.url, CHAIN_REQUEST);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { jsonrpc: '2.0', id: 1, result: 'test' });
      await oldestClosed;
    } finally {
      for (const socket of idle) socket.destroy();
      await server.close();
    }
  });

  it('refuses WebSockets from one client past its own cap, with 429', { timeout: 10_000 }, async () => {
    const chain = createTestChain();
    const server = await createRpcServer({ chain, port: 0, maxWebSocketsPerClient: 2 });
    try {
      const open = [await openWs(server.wsUrl), await openWs(server.wsUrl)];
      assert.equal(await upgradeRefusal(new WebSocket(server.wsUrl)), 429);
      open[0]!.close();
      await once(open[0]!, 'close');
      // Its place is given back when the server's side of the socket closes, maybe just after ours.
      for (;;) {
        const ws = new WebSocket(server.wsUrl);
        const opened = await new Promise<boolean>((resolve) => {
          ws.once('open', () => resolve(true));
          ws.once('unexpected-response', (_req, res) => {
            res.resume();
            resolve(false);
          });
        });
        if (opened) {
          ws.close();
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await server.close();
    }
  });
});

describe('createRpcServer idle WebSockets', () => {
  let chain: TestChain;
  let server: RpcServer;

  before(async () => {
    chain = createTestChain();
    server = await createRpcServer({ chain, port: 0, wsIdleTimeoutMs: 50 });
  });

  after(() => server.close());

  it('closes a WebSocket that sends nothing and holds no subscription', { timeout: 10_000 }, async () => {
    const ws = await openWs(server.wsUrl);
    const [code, reason] = await once(ws, 'close');
    assert.equal(code, 1000);
    assert.equal(String(reason), 'idle timeout');
  });

  it('keeps a quiet subscriber that answers pings', { timeout: 10_000 }, async () => {
    const ws = await openWs(server.wsUrl);
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'chain_subscribeNewHeads' }));
    await nextMessage(ws);
    for (let i = 0; i < 3; i++) await once(ws, 'ping');
    assert.equal(ws.readyState, ws.OPEN);
    ws.close();
    await once(ws, 'close');
  });

  it('drops a subscriber that stops answering pings', { timeout: 10_000 }, async () => {
    const ws = new WebSocket(server.wsUrl, { autoPong: false });
    await once(ws, 'open');
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'chain_subscribeNewHeads' }));
    await nextMessage(ws);
    const [code] = await once(ws, 'close');
    assert.equal(code, 1006); // terminated, no closing handshake
  });
});

describe('createRpcServer Host and Origin checks', () => {
  let chain: TestChain;
  let server: RpcServer;
  let staticDir: string;
  let port: string;

  before(async () => {
    staticDir = await mkdtemp(join(tmpdir(), 'phalanx-rpc-'));
    await writeFile(join(staticDir, 'index.html'), '<h1>dashboard</h1>');
    chain = createTestChain();
    server = await createRpcServer({
      chain,
      port: 0,
      staticDir,
      allowedHosts: ['node.example'],
      allowedOrigins: ['https://app.example'],
    });
    port = new URL(server.url).port;
  });

  after(async () => {
    await server.close();
    await rm(staticDir, { recursive: true, force: true });
  });

  it('refuses HTTP with a foreign Host (DNS rebinding) with 403 and a JSON-RPC error', {
    timeout: 10_000,
  }, async () => {
    for (const method of ['POST', 'GET']) {
      const res = await rawRequest(server.url, {
        method,
        headers: { host: `evil.example:${port}` },
        ...(method === 'POST' ? { body: CHAIN_REQUEST } : {}),
      });
      assert.equal(res.status, 403, method);
      const { error } = JSON.parse(res.body);
      assert.equal(error.code, 1005);
      assert.equal(error.data.code, 'AccessDenied');
    }
  });

  it('refuses HTTP from a foreign page, and answers an allowed page’s preflight with CORS', {
    timeout: 10_000,
  }, async () => {
    const foreign = await rawRequest(server.url, {
      headers: { origin: 'http://evil.example' },
      body: CHAIN_REQUEST,
    });
    assert.equal(foreign.status, 403);
    const preflight = await rawRequest(server.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example');
    const allowed = await rawRequest(server.url, {
      headers: { origin: 'https://app.example' },
      body: CHAIN_REQUEST,
    });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://app.example');
  });

  it('accepts loopback names, configured hosts, and the node’s own dashboard page', {
    timeout: 10_000,
  }, async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `node.example:${port}`]) {
      const res = await rawRequest(server.url, { headers: { host }, body: CHAIN_REQUEST });
      assert.equal(res.status, 200, host);
    }
    const page = await rawRequest(server.url, {
      method: 'GET',
      headers: { origin: `http://127.0.0.1:${port}` },
    });
    assert.equal(page.body, '<h1>dashboard</h1>');
    assert.equal(page.headers['access-control-allow-origin'], undefined);
  });

  it('refuses a WebSocket from a foreign page or with a foreign Host before upgrading', {
    timeout: 10_000,
  }, async () => {
    assert.equal(await upgradeRefusal(new WebSocket(server.wsUrl, { origin: 'http://evil.example' })), 403);
    assert.equal(
      await upgradeRefusal(new WebSocket(server.wsUrl, { headers: { host: `evil.example:${port}` } })),
      403,
    );
  });

  it('accepts WebSockets from the dashboard, other loopback pages and tools without an Origin', {
    timeout: 10_000,
  }, async () => {
    for (const origin of [
      `http://127.0.0.1:${port}`,
      'http://localhost:3000',
      'https://app.example',
      undefined,
    ]) {
      const ws = new WebSocket(server.wsUrl, origin === undefined ? {} : { origin });
      await once(ws, 'open');
      ws.send(CHAIN_REQUEST);
      assert.equal((await nextMessage(ws)).result, 'test', origin);
      ws.close();
      await once(ws, 'close');
    }
  });
});
