import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type WebSocket, WebSocketServer } from 'ws';
import { signExtrinsic } from '../codec/chain.js';
import { RpcError } from '../codec/errors.js';
import { ed25519FromSeed } from '../codec/keys.js';
import { createRpcServer, type RpcServer } from '../node/rpc/createRpcServer.js';
import { createTestChain, type TestChain } from '../node/rpc/testing/createTestChain.js';
import { createWsClient } from './createWsClient.js';
import type { HeadInfo } from './fromJson.js';
import { getChainInfo } from './getChainInfo.js';
import { submitExtrinsic } from './submitExtrinsic.js';
import { subscribeNewHeads } from './subscribeNewHeads.js';
import type { WsRpcClient } from './types.js';
import { waitForExtrinsic } from './waitForExtrinsic.js';

describe('createWsClient', () => {
  let chain: TestChain;
  let server: RpcServer;
  let client: WsRpcClient;

  before(async () => {
    chain = createTestChain('ws-test');
    server = await createRpcServer({ chain, port: 0 });
    client = await createWsClient(server.wsUrl);
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  it('makes ordinary requests over the socket', async () => {
    assert.equal((await getChainInfo(client)).chain, 'ws-test');
  });

  it('delivers new heads in order until unsubscribed', async () => {
    const heads: HeadInfo[] = [];
    let notify: () => void = () => {};
    const stop = await subscribeNewHeads(client, (head) => {
      heads.push(head);
      if (heads.length === 2) notify();
    });
    const two = new Promise<void>((resolve) => {
      notify = resolve;
    });
    const first = chain.seal();
    const second = chain.seal();
    await two;
    assert.deepEqual(
      heads.map((h) => h.signed.header.number),
      [first.header.number, second.header.number],
    );
    const listeners = chain.listenerCount();
    await stop();
    assert.equal(chain.listenerCount(), listeners - 1);
  });

  it('waits for an extrinsic to be included and reports its outcome', async () => {
    const seed = new Uint8Array(32).fill(5);
    const bytes = signExtrinsic({
      genesisHash: chain.genesisHash,
      signerSeed: seed,
      signer: ed25519FromSeed(seed).publicKey,
      nonce: 0,
      call: { module: 'system', call: 'remark', args: new Uint8Array() },
    });
    const fromNumber = chain.head().signed.header.number + 1;
    const hash = await submitExtrinsic(client, bytes);
    const waiting = waitForExtrinsic(client, hash, { fromNumber });
    chain.seal();
    const inclusion = await waiting;
    assert.equal(inclusion.blockNumber, fromNumber);
    assert.equal(inclusion.index, 0);
    assert.deepEqual(inclusion.outcome, { ok: true });
  });

  it('gives up with NotIncluded after the allowed number of blocks', async () => {
    const fromNumber = chain.head().signed.header.number + 1;
    const waiting = waitForExtrinsic(client, new Uint8Array(32).fill(1), { fromNumber, maxBlocks: 2 });
    chain.seal();
    chain.seal();
    const error = await waiting.catch((e: unknown) => e);
    assert.ok(error instanceof RpcError);
    assert.equal(error.code, 'NotIncluded');
  });

  it('rejects pending and later requests with ConnectionClosed when the node goes away', async () => {
    const own = await createRpcServer({ chain, port: 0 });
    const doomed = await createWsClient(own.wsUrl);
    const closed = new Promise<Error>((resolve) => doomed.onClose(resolve));
    await own.close();
    assert.equal(((await closed) as RpcError).code, 'ConnectionClosed');
    const error = await getChainInfo(doomed).catch((e: unknown) => e);
    assert.ok(error instanceof RpcError);
    assert.equal(error.code, 'ConnectionClosed');
  });

  it('fails clearly when nothing listens at the URL', async () => {
    const own = await createRpcServer({ chain, port: 0 });
    const url = own.wsUrl;
    await own.close();
    const error = await createWsClient(url).catch((e: unknown) => e);
    assert.ok(error instanceof RpcError);
    assert.equal(error.code, 'ConnectionFailed');
  });
});

/** A WebSocket node on 127.0.0.1 that answers each connection's first message with `onMessage`. */
async function hostileWsNode(onMessage: (socket: WebSocket, data: string) => void) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  server.on('connection', (socket) => {
    socket.on('message', (data) => onMessage(socket, String(data)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('createWsClient against a hostile node', () => {
  const MiB = 1024 * 1024;

  it('ends the connection with ResponseTooLarge when an answer is one message past the cap', async () => {
    const node = await hostileWsNode((socket, data) => {
      const { id } = JSON.parse(data) as { id: number };
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, result: 'a'.repeat(2 * MiB) }));
    });
    try {
      const client = await createWsClient(node.url, { maxResponseBytes: MiB, maxResponseBytesByMethod: {} });
      const closed = new Promise<Error>((resolve) => client.onClose(resolve));
      const error = await client.request('system_health').catch((e: unknown) => e);
      assert.ok(error instanceof RpcError, String(error));
      assert.equal(error.code, 'ResponseTooLarge');
      assert.equal(error.details.limit, MiB);
      assert.equal(((await closed) as RpcError).code, 'ResponseTooLarge');
      await client.close();
    } finally {
      await node.close();
    }
  });

  it('drops an endless message sent in fragments once it passes the cap, before the node has sent it all', async () => {
    const fragment = ' '.repeat(64 * 1024);
    // Endless as far as the client can tell; the bound only keeps a broken client from eating the machine.
    const safety = 64 * MiB;
    let sent = 0;
    let hungUp!: Promise<void>;
    const node = await hostileWsNode((socket) => {
      hungUp = new Promise((resolve) => socket.once('close', () => resolve()));
      const next = (): void => {
        if (socket.readyState !== socket.OPEN) return;
        sent += fragment.length;
        socket.send(fragment, { fin: sent >= safety }, (error) => {
          if (!error && sent < safety) next();
        });
      };
      next();
    });
    try {
      const client = await createWsClient(node.url, {
        maxResponseBytes: MiB,
        maxResponseBytesByMethod: {},
        timeoutMs: 20_000,
      });
      const error = await client.request('system_health').catch((e: unknown) => e);
      assert.ok(error instanceof RpcError, String(error));
      assert.equal(error.code, 'ResponseTooLarge');
      await hungUp;
      assert.ok(sent < safety, `the node sent ${sent} bytes`);
    } finally {
      await node.close();
    }
  });

  it('gives up with Timeout when the node never completes the handshake', { timeout: 10_000 }, async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as AddressInfo;
    try {
      const error = await createWsClient(`ws://127.0.0.1:${port}`, { timeoutMs: 200 }).catch(
        (e: unknown) => e,
      );
      assert.ok(error instanceof RpcError, String(error));
      assert.equal(error.code, 'Timeout');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
