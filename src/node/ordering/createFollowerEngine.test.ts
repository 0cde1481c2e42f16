import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Node } from '../createNode.js';
import { NodeError } from '../errors.js';
import { createRpcServer, type RpcServer } from '../rpc/createRpcServer.js';
import { makeTempDir, openTestNode, testGenesis, transfer } from '../testing/nodeFixture.js';

describe('follower over JSON-RPC', () => {
  let dirs: ReturnType<typeof makeTempDir>[];
  let nodes: Node[];
  let server: RpcServer | undefined;
  beforeEach(() => {
    dirs = [makeTempDir(), makeTempDir()];
    nodes = [];
  });
  afterEach(async () => {
    await server?.close();
    for (const node of nodes) await node.stop();
    for (const dir of dirs) dir.remove();
  });

  it('imports the blocks of a node served over HTTP and reaches the same head and state root', async () => {
    const leader = openTestNode(dirs[0]!.path);
    nodes.push(leader);
    for (let n = 0; n < 3; n++) {
      leader.submitExtrinsic(transfer(leader.genesisHash, 'alice', 'bob', 1_000_000n, n));
      await leader.engine.step();
    }
    server = await createRpcServer({ chain: leader, host: '127.0.0.1', port: 0 });
    const follower = openTestNode(dirs[1]!.path, { kind: 'follower', upstreamUrl: server.url });
    nodes.push(follower);
    await follower.engine.step();
    assert.deepEqual(follower.head().hash, leader.head().hash);
    assert.deepEqual(follower.head().signed.header.stateRoot, leader.head().signed.header.stateRoot);
    assert.equal(follower.health().peers, 1);
  });

  it('refuses to follow a node of another chain', async () => {
    const leader = openTestNode(dirs[0]!.path, undefined, { ...testGenesis(), timestamp: 1 });
    nodes.push(leader);
    server = await createRpcServer({ chain: leader, host: '127.0.0.1', port: 0 });
    const follower = openTestNode(dirs[1]!.path, { kind: 'follower', upstreamUrl: server.url });
    nodes.push(follower);
    await assert.rejects(
      follower.engine.step(),
      (error: unknown) => error instanceof NodeError && error.code === 'GenesisMismatch',
    );
    assert.equal(follower.head().signed.header.number, 0);
  });
});
