// `phalanx tx system set-authorities` run in process through the real command tree against a real
// node behind its RPC server on loopback; the test seals the blocks, so it knows which one holds it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeAddress } from '../../codec/address.js';
import { toHex } from '../../codec/bytes.js';
import { devKeypair } from '../../codec/devKeys.js';
import type { Node } from '../../node/createNode.js';
import { NodeError } from '../../node/errors.js';
import { createRpcServer, type RpcServer } from '../../node/rpc/createRpcServer.js';
import { makeTempDir, openTestNode } from '../../node/testing/nodeFixture.js';
import { runPhalanx } from '../testing.js';

const alice = devKeypair('alice');
const bob = devKeypair('bob');
const charlie = devKeypair('charlie');

describe('phalanx tx system set-authorities', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let node: Node;
  let server: RpcServer;
  const run = (...args: string[]) =>
    runPhalanx('tx', 'system', 'set-authorities', ...args, '--rpc', server.url);

  before(async () => {
    dir = makeTempDir();
    node = openTestNode(dir.path);
    server = await createRpcServer({ chain: node, host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await server.close();
    await node.stop();
    dir.remove();
  });

  it('refuses an empty set, a key twice and a malformed key before signing anything', async () => {
    for (const [args, message] of [
      [[encodeAddress(bob.publicKey), toHex(bob.publicKey)], /duplicate authority/],
      [['0x1234'], /expected phx1\.\.\. or 0x/],
    ] as const) {
      const result = await run(...args, '--dev', 'alice');
      assert.equal(result.code, 2, result.stdout);
      assert.match(result.stderr, message);
    }
    assert.equal((await run('--dev', 'alice')).code, 2, 'commander requires at least one key');
    assert.equal(node.chain.pool.size, 0);
  });

  it('replaces the authorities through governance.sudo, and the next block is sealed by the new set', async () => {
    const result = await run(
      encodeAddress(bob.publicKey),
      toHex(charlie.publicKey),
      '--dev',
      'alice',
      '--json',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { nonce: number }).nonce, 0);
    node.chain.commitBlock(node.chain.buildBlock(alice.secretSeed));
    assert.deepEqual(node.chain.authorities(), [bob.publicKey, charlie.publicKey]);
    assert.throws(
      () => node.chain.buildBlock(alice.secretSeed),
      (error: unknown) => error instanceof NodeError && error.code === 'NotAnAuthority',
    );
    node.chain.commitBlock(node.chain.buildBlock(charlie.secretSeed));
    assert.equal(node.head().signed.header.number, 2);
  });
});
