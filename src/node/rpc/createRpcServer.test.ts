import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { toHex } from '../../codec/bytes.js';
import { hashHeader } from '../../codec/chain.js';
import { balancesEventCodecs } from '../../runtime/balances/types.js';
import { createRpcServer, type RpcServer } from './createRpcServer.js';
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
      maxConnections: 8,
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
    assert.equal(put.headers.get('allow'), 'GET, HEAD, POST');
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
