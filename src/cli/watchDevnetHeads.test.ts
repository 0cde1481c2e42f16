import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { findFreePorts } from '../node/ordering/etcd/findFreePorts.js';
import { createRpcServer, type RpcServer } from '../node/rpc/createRpcServer.js';
import { createTestChain, type TestChain } from '../node/rpc/testing/createTestChain.js';
import { watchDevnetHeads } from './watchDevnetHeads.js';

async function until(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

describe('watchDevnetHeads', () => {
  let chain: TestChain;
  let server: RpcServer;

  before(async () => {
    chain = createTestChain('heads-test');
    server = await createRpcServer({ chain, port: 0 });
  });
  after(() => server.close());

  it('moves past a node that does not answer to the next one and reports each new head once, increasing', async () => {
    // A port nothing listens on: the first node of the list is down.
    const [deadPort] = await findFreePorts(1);
    const deadUrl = `http://127.0.0.1:${deadPort}`;
    const heads: number[] = [];
    const failed: string[] = [];
    const watch = watchDevnetHeads({
      rpcUrls: [deadUrl, server.url],
      intervalMs: 20,
      onHead: (number) => heads.push(number),
      onError: (_error, url) => failed.push(url),
    });
    try {
      await until('genesis from the live node', () => heads.length === 1);
      assert.deepEqual(failed, [deadUrl], 'asked the dead node once, then stayed with the live one');
      chain.seal();
      chain.seal();
      await until('block 2', () => heads.at(-1) === 2);
      await delay(100);
      assert.deepEqual(
        heads,
        heads.toSorted((a, b) => a - b),
      );
      assert.equal(new Set(heads).size, heads.length, 'no head reported twice');
      assert.equal(heads[0], 0);
      assert.equal(failed.length, 1);
    } finally {
      await watch.stop();
    }
  });

  it('reports nothing after stop', async () => {
    const heads: number[] = [];
    const watch = watchDevnetHeads({
      rpcUrls: [server.url],
      intervalMs: 20,
      onHead: (number) => heads.push(number),
      onError: () => {},
    });
    await until('the current head', () => heads.length === 1);
    await watch.stop();
    chain.seal();
    await delay(100);
    assert.equal(heads.length, 1);
  });
});
