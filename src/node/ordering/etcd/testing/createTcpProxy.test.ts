import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { Etcd3 } from 'etcd3';
import { createTcpProxy, type TcpProxy } from './createTcpProxy.js';
import { type EtcdCluster, startEtcdCluster } from './startEtcdCluster.js';

/** A TCP server that answers every chunk with the same bytes upper-cased. */
async function startUpperServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.on('data', (chunk) => socket.write(chunk.toString().toUpperCase()));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, server };
}

/** Resolves when the socket closes, by a reset too (`once` would reject on its 'error'). */
function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

/** Sends `text` and resolves with the first answer, or 'closed', or 'silent' after `ms`. */
async function ask(socket: Socket, text: string, ms = 300): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done('silent'), ms);
    const onData = (chunk: Buffer): void => done(chunk.toString());
    const onClose = (): void => done('closed');
    function done(answer: string): void {
      clearTimeout(timer);
      socket.off('data', onData).off('close', onClose).off('error', onClose);
      resolve(answer);
    }
    socket.on('data', onData).on('close', onClose).on('error', onClose);
    if (socket.destroyed) done('closed');
    else socket.write(text);
  });
}

describe('createTcpProxy', { timeout: 10_000 }, () => {
  let upper: { url: string; server: Server };
  let proxy: TcpProxy;
  const sockets: Socket[] = [];
  // Not waiting for 'connect': a cut proxy may reset the connection before the client sees it open,
  // and `ask` reports that as 'closed' (writes wait for the connection meanwhile).
  const openThroughProxy = (): Socket => {
    const socket = connect(Number(new URL(proxy.url).port), '127.0.0.1');
    socket.on('error', () => {});
    sockets.push(socket);
    return socket;
  };

  before(async () => {
    upper = await startUpperServer();
  });
  after(() => upper.server.close());
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await proxy.close();
  });

  it('forwards bytes both ways', async () => {
    proxy = await createTcpProxy(upper.url);
    assert.notEqual(proxy.url, upper.url);
    assert.equal(await ask(openThroughProxy(), 'head'), 'HEAD');
  });

  it('resets live and new connections while cut, and forwards new ones after restore', async () => {
    proxy = await createTcpProxy(upper.url);
    const live = openThroughProxy();
    assert.equal(await ask(live, 'a'), 'A');
    const liveClosed = closed(live);

    proxy.cut();
    await liveClosed;
    assert.equal(await ask(openThroughProxy(), 'b'), 'closed');

    proxy.restore();
    assert.equal(await ask(openThroughProxy(), 'c'), 'C');
  });

  it('answers nothing while black-holed, then resets the held connections on restore', async () => {
    proxy = await createTcpProxy(upper.url);
    const live = openThroughProxy();
    assert.equal(await ask(live, 'a'), 'A');

    proxy.cut('blackhole');
    assert.equal(await ask(live, 'b'), 'silent');
    const held = openThroughProxy();
    assert.equal(await ask(held, 'c'), 'silent');

    const bothClosed = Promise.all([closed(live), closed(held)]);
    proxy.restore();
    await bothClosed;
    assert.equal(await ask(openThroughProxy(), 'd'), 'D');
  });
});

describe('createTcpProxy in front of etcd', { timeout: 20_000 }, () => {
  let cluster: EtcdCluster;
  let proxy: TcpProxy;
  const clients: Etcd3[] = [];
  // A subchannel pool of its own per client: grpc-js otherwise hands a new client to the same URL
  // the subchannel an old one left backing off after a failure, and the new client fails with it.
  const client = (): Etcd3 => {
    const etcd = new Etcd3({ hosts: [proxy.url], grpcOptions: { 'grpc.use_local_subchannel_pool': 1 } });
    clients.push(etcd);
    return etcd;
  };

  before(async () => {
    cluster = await startEtcdCluster({ members: 1 });
    // Closed here: a client left open keeps reconnecting to the stopped member, and the test
    // process, busy with that, never exits (seen once in CI: all tests passed, then 7 min of spin).
    const seed = new Etcd3({ hosts: cluster.endpoints[0]! });
    try {
      await seed.put('phalanx/head').value('block-7');
    } finally {
      seed.close();
    }
  });
  after(() => cluster.stop());
  afterEach(async () => {
    for (const etcd of clients.splice(0)) etcd.close();
    await proxy.close();
  });

  it('fails an etcd3 call at once while cut, and a client made after restore reads again', async () => {
    proxy = await createTcpProxy(cluster.endpoints[0]!);
    const etcd = client();
    assert.equal(await etcd.get('phalanx/head').string(), 'block-7');

    proxy.cut();
    const started = performance.now();
    await assert.rejects(
      etcd
        .get('phalanx/head')
        .options({ deadline: Date.now() + 5000 })
        .string(),
    );
    // Refused connections fail the call (and etcd3's retries) long before the deadline.
    assert.ok(performance.now() - started < 1000, `took ${performance.now() - started} ms`);

    // etcd3's default circuit breaker keeps the old client off its only host for 5 s after three
    // failures; a new client shows that the path itself is healed.
    etcd.close();
    proxy.restore();
    assert.equal(await client().get('phalanx/head').string(), 'block-7');
  });

  it('lets an etcd3 call run into its deadline while black-holed', async () => {
    proxy = await createTcpProxy(cluster.endpoints[0]!);
    const etcd = client();
    assert.equal(await etcd.get('phalanx/head').string(), 'block-7');

    proxy.cut('blackhole');
    const started = performance.now();
    // etcd3 retries a deadline error on a new channel, whose attempt may end as UNAVAILABLE: what
    // matters is that nothing failed the call before its deadline.
    await assert.rejects(
      etcd
        .get('phalanx/head')
        .options({ deadline: Date.now() + 300 })
        .string(),
    );
    assert.ok(performance.now() - started >= 250, `failed after ${performance.now() - started} ms`);

    etcd.close();
    proxy.restore();
    assert.equal(await client().get('phalanx/head').string(), 'block-7');
  });
});
