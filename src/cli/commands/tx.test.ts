// `phalanx tx` run in process against a real node (the Phalanx runtime, its pool) behind a real RPC
// server on loopback; blocks are sealed by hand so that both transactions meet in the pool.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHttpClient } from '../../client/createHttpClient.js';
import { getAccount } from '../../client/getAccount.js';
import { encodeAddress } from '../../codec/address.js';
import { devKeypair } from '../../codec/devKeys.js';
import type { Node } from '../../node/createNode.js';
import { createRpcServer, type RpcServer } from '../../node/rpc/createRpcServer.js';
import { makeTempDir, openTestNode } from '../../node/testing/nodeFixture.js';
import type { OutputSink } from './cliSupport.js';
import { runBalancesTransfer } from './tx.js';

function capture(): OutputSink & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (text) => void lines.push(text), err: (text) => void errors.push(text) };
}

describe('phalanx tx', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let node: Node;
  let server: RpcServer;

  before(async () => {
    dir = makeTempDir();
    node = openTestNode(dir.path);
    server = await createRpcServer({ chain: node });
  });
  after(async () => {
    await server.close();
    await node.stop();
    dir.remove();
  });

  it('sends two transfers from one account before a block, and both land in that block', async () => {
    const bob = encodeAddress(devKeypair('bob').publicKey);
    const client = createHttpClient(server.url);
    const before = await getAccount(client, bob);
    const io = capture();
    const options = { dev: 'alice', rpc: server.url, to: bob, amount: '1500', json: true };
    assert.equal(await runBalancesTransfer(options, io), 0, io.errors.join('\n'));
    assert.equal(await runBalancesTransfer(options, io), 0, io.errors.join('\n'));
    const sent = io.lines.map((line) => JSON.parse(line) as { hash: string; nonce: number });
    assert.deepEqual(
      sent.map((s) => s.nonce),
      [0, 1],
      'the second takes the nonce after the first, still in the pool',
    );

    await node.engine.step();
    const head = node.getBlock(node.head().hash)!;
    assert.equal(head.extrinsics.length, 2);
    assert.deepEqual(node.getOutcomes(node.head().hash), [{ ok: true }, { ok: true }]);
    assert.equal((await getAccount(client, bob)).free, before.free + 3000n);
    assert.equal((await getAccount(client, encodeAddress(devKeypair('alice').publicKey))).nonce, 2);
    await client.close();
  });
});
