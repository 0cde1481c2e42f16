import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { equalBytes } from '../codec/bytes.js';
import { type Block, hashHeader, listRoot, signExtrinsic, signHeader } from '../codec/chain.js';
import { MAX_TIMESTAMP_STEP_MS } from '../codec/checkHeaderExtendsParent.js';
import { devKeypair } from '../codec/devKeys.js';
import type { CheckOptions, Runtime } from '../runtime/api.js';
import { governanceCalls } from '../runtime/governance/types.js';
import { systemCalls } from '../runtime/system/types.js';
import { createNode, type Node, type NodeRole } from './createNode.js';
import { BlockImportError, NodeError } from './errors.js';
import { executeBlock } from './executeBlock.js';
import { createDefaultNodeRuntime, type NodeRuntime } from './nodeRuntime.js';
import { createChainBlockSource } from './ordering/blockSource.js';
import { GENESIS_TIME, makeTempDir, openTestNode, testGenesis, transfer } from './testing/nodeFixture.js';

const alice = devKeypair('alice');
const bob = devKeypair('bob');
const HOUR = Number(MAX_TIMESTAMP_STEP_MS);

describe('createChain header rule', () => {
  let dirs: ReturnType<typeof makeTempDir>[];
  let nodes: Node[];
  beforeEach(() => {
    dirs = [makeTempDir(), makeTempDir()];
    nodes = [];
  });
  afterEach(async () => {
    for (const node of nodes) await node.stop();
    for (const dir of dirs) dir.remove();
  });

  /** A node whose clock reads `clock.now` (ms), moved by the test. */
  const open = (dir: string, clock: { now: number }, role?: NodeRole): Node => {
    const node = createNode({
      dataDir: dir,
      genesis: testGenesis(),
      role: role ?? { kind: 'solo', authoritySeed: alice.secretSeed },
      blockIntervalMs: 1000,
      clock: () => clock.now,
    });
    nodes.push(node);
    return node;
  };

  it('seals blocks that catch up with its clock one hour per block after a three-hour outage, and a follower takes them', async () => {
    const clock = { now: GENESIS_TIME + 1000 };
    const leader = open(dirs[0]!.path, clock);
    await leader.engine.step();
    clock.now += 3 * HOUR + 500;
    for (let i = 0; i < 4; i++) await leader.engine.step();
    const times = [1, 2, 3, 4, 5].map((n) => leader.getBlock(leader.getBlockHash(n)!)!.header.timestamp);
    const first = BigInt(GENESIS_TIME + 1000);
    assert.deepEqual(times, [
      first,
      first + MAX_TIMESTAMP_STEP_MS,
      first + 2n * MAX_TIMESTAMP_STEP_MS,
      first + 3n * MAX_TIMESTAMP_STEP_MS,
      BigInt(clock.now),
    ]);
    const follower = open(dirs[1]!.path, clock, {
      kind: 'follower',
      upstreamUrl: 'in-process',
      source: createChainBlockSource(leader),
    });
    await follower.engine.step();
    assert.deepEqual(follower.head().hash, leader.head().hash);
  });

  it('refuses a block more than an hour after its parent with TimestampStepTooLarge even when its clock is days later', async () => {
    const leaderClock = { now: GENESIS_TIME + 1000 };
    const leader = open(dirs[0]!.path, leaderClock);
    await leader.engine.step();
    leaderClock.now += 1000;
    await leader.engine.step();
    const block1 = leader.getBlock(leader.getBlockHash(1)!)!;
    const block2 = leader.getBlock(leader.getBlockHash(2)!)!;
    const header = { ...block2.header, timestamp: block1.header.timestamp + MAX_TIMESTAMP_STEP_MS + 1n };
    const bad: Block = { ...block2, header, signature: signHeader(header, alice.secretSeed) };
    // A follower replaying old blocks: its clock cannot refuse what is in its past.
    const follower = open(
      dirs[1]!.path,
      { now: GENESIS_TIME + 10 * 24 * HOUR },
      {
        kind: 'follower',
        upstreamUrl: 'in-process',
        source: {
          ...createChainBlockSource(leader),
          getBlock: async (n) => (n === 2 ? bad : leader.getBlock(leader.getBlockHash(n)!)),
        },
      },
    );
    await assert.rejects(
      follower.engine.step(),
      (error: unknown) => error instanceof BlockImportError && error.code === 'TimestampStepTooLarge',
    );
    assert.equal(follower.head().signed.header.number, 1);
    assert.equal(follower.getBlock(hashHeader(bad.header)), undefined);
  });
});

/**
 * The real node runtime, watched: for each validation and each block, how many signed extrinsics
 * the node vouched for (CheckOptions) and so the runtime did not verify again.
 */
function watchedRuntime(): { runtime: NodeRuntime; calls: { kind: string; vouched: number }[] } {
  const base = createDefaultNodeRuntime();
  const calls: { kind: string; vouched: number }[] = [];
  const counting = (kind: string, options?: CheckOptions): CheckOptions => {
    const call = { kind, vouched: 0 };
    calls.push(call);
    return {
      isSignatureVerified: (bytes) => {
        const answer = options?.isSignatureVerified?.(bytes) === true;
        if (answer) call.vouched++;
        return answer;
      },
    };
  };
  const runtime: Runtime = {
    buildGenesisState: (config) => base.runtime.buildGenesisState(config),
    beginBlock: (state, context, genesisHash, options) =>
      base.runtime.beginBlock(state, context, genesisHash, counting('block', options)),
    validateTransaction: (state, extrinsic, genesisHash, options) =>
      base.runtime.validateTransaction(state, extrinsic, genesisHash, counting('validate', options)),
  };
  return { runtime: { ...base, runtime }, calls };
}

describe('createChain signature checks', () => {
  let dirs: ReturnType<typeof makeTempDir>[];
  let nodes: Node[];
  beforeEach(() => {
    dirs = [makeTempDir(), makeTempDir(), makeTempDir()];
    nodes = [];
  });
  afterEach(async () => {
    for (const node of nodes) await node.stop();
    for (const dir of dirs) dir.remove();
  });

  it('verifies a signature once when it builds from its pool, and every signature of a block it imports that it did not admit', async () => {
    const clock = { now: GENESIS_TIME + 1000 };
    const watched = { leader: watchedRuntime(), follower: watchedRuntime() };
    const leader = createNode({
      dataDir: dirs[0]!.path,
      genesis: testGenesis(),
      role: { kind: 'solo', authoritySeed: alice.secretSeed },
      blockIntervalMs: 1000,
      clock: () => clock.now,
      runtime: watched.leader.runtime,
    });
    nodes.push(leader);
    const ready = [
      transfer(leader.genesisHash, 'alice', 'bob', 5n, 0),
      transfer(leader.genesisHash, 'bob', 'alice', 7n, 0),
    ];
    const future = transfer(leader.genesisHash, 'alice', 'bob', 9n, 2);
    for (const extrinsic of [...ready, future]) leader.submitExtrinsic(extrinsic);
    // Admission verifies each one.
    assert.deepEqual(watched.leader.calls.splice(0), [
      { kind: 'validate', vouched: 0 },
      { kind: 'validate', vouched: 0 },
      { kind: 'validate', vouched: 0 },
    ]);
    await leader.engine.step();
    assert.equal(leader.chain.head().block.extrinsics.length, 2);
    // The block and the re-check of what still waits (alice's nonce 2) verify nothing again.
    assert.deepEqual(
      watched.leader.calls.filter((call) => call.kind === 'block' || call.vouched > 0),
      [
        { kind: 'block', vouched: 2 },
        { kind: 'validate', vouched: 1 },
      ],
    );

    const follower = createNode({
      dataDir: dirs[1]!.path,
      genesis: testGenesis(),
      role: { kind: 'follower', upstreamUrl: 'in-process', source: createChainBlockSource(leader) },
      blockIntervalMs: 1000,
      clock: () => clock.now,
      runtime: watched.follower.runtime,
    });
    nodes.push(follower);
    await follower.engine.step();
    assert.deepEqual(follower.head().hash, leader.head().hash);
    assert.deepEqual(
      watched.follower.calls.filter((call) => call.kind === 'block'),
      [{ kind: 'block', vouched: 0 }],
    );

    // A node that admitted one of the block's extrinsics itself (an etcd follower's own
    // submissions) verifies only the other one when it imports the block.
    const watchedImporter = watchedRuntime();
    const importer = createNode({
      dataDir: dirs[2]!.path,
      genesis: testGenesis(),
      role: { kind: 'solo', authoritySeed: alice.secretSeed },
      blockIntervalMs: 1000,
      clock: () => clock.now,
      runtime: watchedImporter.runtime,
    });
    nodes.push(importer);
    importer.submitExtrinsic(ready[1]!);
    importer.chain.importBlock(leader.chain.head().block);
    assert.deepEqual(importer.chain.head().hash, leader.chain.head().hash);
    assert.deepEqual(
      watchedImporter.calls.filter((call) => call.kind === 'block'),
      [{ kind: 'block', vouched: 1 }],
    );
    assert.equal(importer.chain.pool.size, 0, 'the included extrinsic left the pool');
  });

  it('refuses an imported block with a forged signature even when its own pool holds the genuine extrinsic', async () => {
    const clock = { now: GENESIS_TIME + 1000 };
    const open = (dir: string, role: NodeRole): Node => {
      const node = createNode({
        dataDir: dir,
        genesis: testGenesis(),
        role,
        blockIntervalMs: 1000,
        clock: () => clock.now,
      });
      nodes.push(node);
      return node;
    };
    const leader = open(dirs[0]!.path, { kind: 'solo', authoritySeed: alice.secretSeed });
    const genuine = transfer(leader.genesisHash, 'alice', 'bob', 5n, 0);
    leader.submitExtrinsic(genuine);
    await leader.engine.step();
    const block = leader.getBlock(leader.getBlockHash(1)!)!;
    // Same transfer, one signature bit flipped, re-sealed by the authority: only the extrinsic's
    // own signature is wrong.
    const forged = genuine.slice();
    forged[40] = forged[40]! ^ 1;
    const header = { ...block.header, extrinsicsRoot: listRoot([forged]) };
    const bad: Block = { header, signature: signHeader(header, alice.secretSeed), extrinsics: [forged] };
    const importer = open(dirs[1]!.path, { kind: 'solo', authoritySeed: alice.secretSeed });
    importer.submitExtrinsic(genuine);
    assert.throws(
      () => importer.chain.importBlock(bad),
      (error: unknown) =>
        error instanceof BlockImportError &&
        error.code === 'InvalidExtrinsic' &&
        /BadSignature/.test(error.message),
    );
    assert.equal(importer.head().signed.header.number, 0);
    // Below the chain: in either mode, executeBlock verifies whatever its caller does not vouch
    // for, and only that.
    const head = importer.chain.head();
    const execute = (mode: 'build' | 'import', vouched: (bytes: Uint8Array) => boolean) =>
      executeBlock({
        runtime: createDefaultNodeRuntime().runtime,
        state: importer.chain.store.state,
        nodes: importer.chain.store.nodes,
        parent: head.block.header,
        genesisHash: importer.genesisHash,
        context: { number: 1, timestamp: header.timestamp, parentHash: head.hash, author: alice.publicKey },
        extrinsics: [forged],
        mode,
        verified: { isSignatureVerified: vouched },
      });
    const onlyGenuine = (bytes: Uint8Array): boolean => equalBytes(bytes, genuine);
    assert.equal(execute('build', () => true).included.length, 1, 'a builder trusts what it vouches for');
    assert.equal(execute('import', () => true).included.length, 1, 'so does an importer');
    assert.equal(execute('build', onlyGenuine).included.length, 0);
    assert.throws(
      () => execute('import', onlyGenuine),
      (error: unknown) => error instanceof BlockImportError && /BadSignature/.test(error.message),
    );
  });
});

describe('createChain authority changes', () => {
  it('checks the block after system.setAuthorities against the new set: a new authority seals it, a removed one is refused', async () => {
    const dirs = [makeTempDir(), makeTempDir()];
    const [leader, follower] = dirs.map((dir) => openTestNode(dir.path));
    try {
      const { genesisHash } = leader!.chain;
      leader!.chain.pool.submit(
        signExtrinsic({
          genesisHash,
          signerSeed: alice.secretSeed,
          signer: alice.publicKey,
          nonce: 0,
          call: governanceCalls.sudo(systemCalls.setAuthorities([bob.publicKey])),
        }),
      );
      // Block 1 makes the change and is sealed by alice: it is checked against genesis, where she is the authority.
      const first = leader!.chain.buildBlock(alice.secretSeed);
      leader!.chain.commitBlock(first);
      assert.deepEqual(leader!.chain.authorities(), [bob.publicKey]);
      follower!.chain.importBlock(first.block);
      assert.deepEqual(follower!.chain.authorities(), [bob.publicKey]);

      // From block 2 on, alice cannot seal and a follower refuses her block; bob's is taken.
      assert.throws(
        () => leader!.chain.buildBlock(alice.secretSeed),
        (error: unknown) => error instanceof NodeError && error.code === 'NotAnAuthority',
      );
      const second = leader!.chain.buildBlock(bob.secretSeed);
      const byAlice = { ...second.block.header, author: alice.publicKey };
      assert.throws(
        () =>
          follower!.chain.importBlock({
            ...second.block,
            header: byAlice,
            signature: signHeader(byAlice, alice.secretSeed),
          }),
        (error: unknown) => error instanceof BlockImportError && error.code === 'UnknownAuthor',
      );
      assert.equal(follower!.head().signed.header.number, 1);
      assert.deepEqual(follower!.chain.importBlock(second.block), second.hash);
      assert.deepEqual(follower!.head().hash, second.hash);
    } finally {
      for (const node of [leader, follower]) await node!.stop();
      for (const dir of dirs) dir.remove();
    }
  });
});

describe('createChain options', () => {
  it('stops taking extrinsics into a block at the build deadline, one at least, and leaves the rest in the pool', async () => {
    const dir = makeTempDir();
    const node = openTestNode(dir.path);
    try {
      const { genesisHash } = node.chain;
      for (let nonce = 0; nonce < 3; nonce++)
        node.submitExtrinsic(transfer(genesisHash, 'alice', 'bob', 5n, nonce));
      const hurried = node.chain.buildBlock(alice.secretSeed, { maxBuildMs: 0 });
      assert.equal(hurried.block.extrinsics.length, 1, 'a deadline already passed still lets one in');
      assert.equal(node.chain.pool.size, 3, 'building removes nothing from the pool');
      const unhurried = node.chain.buildBlock(alice.secretSeed, { maxBuildMs: 60_000 });
      assert.equal(unhurried.block.extrinsics.length, 3);
      node.chain.commitBlock(hurried);
      assert.equal(node.chain.pool.size, 2, 'what the block did not take waits for the next one');
    } finally {
      await node.stop();
      dir.remove();
    }
  });

  it('refuses a block size limit that is not a positive integer, before opening the store', () => {
    const dir = makeTempDir();
    try {
      for (const maxBlockExtrinsics of [0, -1, 1.5, Number.NaN]) {
        assert.throws(
          () =>
            createNode({
              dataDir: dir.path,
              genesis: testGenesis(),
              role: { kind: 'solo', authoritySeed: alice.secretSeed },
              blockIntervalMs: 1000,
              maxBlockExtrinsics,
            }),
          (error: unknown) => error instanceof NodeError && error.code === 'InvalidOption',
          String(maxBlockExtrinsics),
        );
      }
    } finally {
      dir.remove();
    }
  });
});
