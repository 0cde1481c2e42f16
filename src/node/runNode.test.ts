import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import pino from 'pino';
import { devKeypair } from '../codec/devKeys.js';
import { RpcError } from '../codec/errors.js';
import { type RunningNode, runNode } from './runNode.js';
import { makeTempDir, testGenesis, transfer } from './testing/nodeFixture.js';

describe('runNode limits', () => {
  let running: RunningNode | undefined;
  let dir: ReturnType<typeof makeTempDir> | undefined;
  afterEach(async () => {
    await running?.close();
    dir?.remove();
  });

  it('seals at most maxBlockExtrinsics per block and refuses past maxPoolSize with PoolFull', async () => {
    dir = makeTempDir();
    running = await runNode({
      dataDir: dir.path,
      genesis: testGenesis(),
      role: { kind: 'solo', authoritySeed: devKeypair('alice').secretSeed },
      // Blocks only when the test steps the engine.
      blockIntervalMs: 3_600_000,
      logger: pino({ level: 'silent' }),
      handleSignals: false,
      maxBlockExtrinsics: 2,
      maxPoolSize: 3,
    });
    const { node } = running;
    const names = ['alice', 'bob', 'charlie', 'dave'];
    for (const name of names.slice(0, 3))
      node.submitExtrinsic(transfer(node.genesisHash, name, 'eve', 5n, 0));
    assert.throws(
      () => node.submitExtrinsic(transfer(node.genesisHash, 'dave', 'eve', 5n, 0)),
      (error: unknown) => error instanceof RpcError && error.code === 'PoolFull',
    );
    await node.engine.step();
    assert.equal(node.chain.head().block.extrinsics.length, 2);
    assert.equal(node.chain.pool.size, 1);
  });
});
