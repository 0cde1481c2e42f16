// The submitter against a real node (the Phalanx runtime and its pool) behind a real RPC server on
// loopback; blocks are sealed by hand so that every submission meets the others in the pool.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHttpClient } from '../../client/createHttpClient.js';
import { getAccount } from '../../client/getAccount.js';
import { encodeAddress } from '../../codec/address.js';
import { devKeypair } from '../../codec/devKeys.js';
import type { Node } from '../../node/createNode.js';
import { createRpcServer, type RpcServer } from '../../node/rpc/createRpcServer.js';
import { makeTempDir, openTestNode } from '../../node/testing/nodeFixture.js';
import { balancesCalls } from '../../runtime/balances/types.js';
import { createSubmitter } from './createSubmitter.js';

describe('createSubmitter', () => {
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

  it('lets two submitters of one operator (two workers) submit at once without a nonce collision', async () => {
    const operator = devKeypair('bob');
    const clients = [createHttpClient(server.url), createHttpClient(server.url)];
    const submitters = clients.map((client) =>
      createSubmitter({ client, operator, genesisHash: node.genesisHash }),
    );
    const dave = devKeypair('dave').publicKey;
    // Three calls each, all in flight together: the two ask for nonces in the same instants.
    const hashes = await Promise.all(
      [0, 1, 2].flatMap((i) =>
        submitters.map((submitter, s) =>
          submitter.submit(balancesCalls.transfer({ dest: dave, amount: BigInt(1000 + 10 * i + s) })),
        ),
      ),
    );
    assert.equal(new Set(hashes.map((h) => Buffer.from(h).toString('hex'))).size, 6);

    await node.engine.step();
    const head = node.head().hash;
    assert.equal(node.getBlock(head)!.extrinsics.length, 6);
    assert.ok(node.getOutcomes(head)!.every((outcome) => outcome.ok));
    assert.equal((await getAccount(clients[0]!, encodeAddress(operator.publicKey))).nonce, 6);
    for (const client of clients) await client.close();
  });
});
