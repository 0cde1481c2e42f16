import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type Block, hashHeader, listRoot, signHeader } from '../codec/chain.js';
import { devKeypair } from '../codec/devKeys.js';
import { RpcError } from '../codec/errors.js';
import { verifyProof } from '../codec/trie/index.js';
import type { Node } from './createNode.js';
import { BlockImportError, NodeError, StoreError } from './errors.js';
import { createChainBlockSource } from './ordering/blockSource.js';
import { makeTempDir, nonceKey, openTestNode, testGenesis, transfer } from './testing/nodeFixture.js';

const alice = devKeypair('alice');

async function sealWithTransfers(node: Node, blocks: number): Promise<void> {
  const nonces = new Map<string, number>();
  for (let b = 0; b < blocks; b++) {
    for (const [from, to] of [
      ['alice', 'bob'],
      ['bob', 'charlie'],
      ['charlie', 'dave'],
    ] as const) {
      const nonce = nonces.get(from) ?? 0;
      node.submitExtrinsic(transfer(node.genesisHash, from, to, BigInt(1000 + b), nonce));
      nonces.set(from, nonce + 1);
    }
    await node.engine.step();
  }
}

describe('node', () => {
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
  const open = (...args: Parameters<typeof openTestNode>): Node => {
    const node = openTestNode(...args);
    nodes.push(node);
    return node;
  };

  it('builds a genesis block with number 0, a zero parent and author, and the genesis state root', () => {
    const node = open(dirs[0]!.path);
    const { hash, signed } = node.head();
    assert.equal(signed.header.number, 0);
    assert.deepEqual(signed.header.parentHash, new Uint8Array(32));
    assert.deepEqual(signed.header.author, new Uint8Array(32));
    assert.deepEqual(hash, node.genesisHash);
    assert.deepEqual(hashHeader(signed.header), node.genesisHash);
    assert.deepEqual(node.getBlockHash(0), node.genesisHash);
  });

  it('seals blocks with submitted transfers, signed by the authority, and proves state against them', async () => {
    const node = open(dirs[0]!.path);
    await sealWithTransfers(node, 3);
    const { hash, signed } = node.head();
    assert.equal(signed.header.number, 3);
    assert.deepEqual(signed.header.author, alice.publicKey);
    const block = node.getBlock(hash)!;
    assert.equal(block.extrinsics.length, 3);
    assert.deepEqual(node.getOutcomes(hash), [{ ok: true }, { ok: true }, { ok: true }]);
    assert.ok(
      node.getEvents(hash)!.some((event) => event.module === 'balances' && event.name === 'Transferred'),
    );
    assert.equal(node.chainName, 'Phalanx Development');
    assert.equal(node.health().pendingExtrinsics, 0);
    // Timestamps strictly increase and the parent links hold.
    for (let n = 1; n <= 3; n++) {
      const child = node.getBlock(node.getBlockHash(n)!)!;
      const parent = node.getBlock(node.getBlockHash(n - 1)!)!;
      assert.deepEqual(child.header.parentHash, hashHeader(parent.header));
      assert.ok(child.header.timestamp > parent.header.timestamp);
    }
    // A key the toy runtime writes, proven at head and at block 1.
    const key = nonceKey('alice');
    const atHead = node.getStorage(key)!;
    assert.ok(atHead.value);
    assert.equal(verifyProof(atHead.stateRoot, key, atHead.value, atHead.proof), true);
    const atOne = node.getStorage(key, node.getBlockHash(1))!;
    assert.notDeepEqual(atOne.value, atHead.value);
    assert.equal(verifyProof(atOne.stateRoot, key, atOne.value, atOne.proof), true);
    assert.equal(node.getStorage(key, new Uint8Array(32).fill(9)), undefined);
    assert.match(await node.metrics(), /phalanx_block_height 3/);
  });

  it('resumes after a restart at the last sealed block with the same state root', async () => {
    const first = open(dirs[0]!.path);
    await sealWithTransfers(first, 4);
    const before = first.head();
    await first.stop();
    const reopened = open(dirs[0]!.path);
    const after = reopened.head();
    assert.deepEqual(after.hash, before.hash);
    assert.deepEqual(after.signed.header.stateRoot, before.signed.header.stateRoot);
    // And keeps going from there.
    reopened.submitExtrinsic(transfer(reopened.genesisHash, 'alice', 'bob', 5n, 4));
    await reopened.engine.step();
    assert.equal(reopened.head().signed.header.number, 5);
    assert.deepEqual(reopened.head().signed.header.parentHash, before.hash);
  });

  it('refuses a data dir made with a different genesis', async () => {
    const first = open(dirs[0]!.path);
    await first.stop();
    const other = { ...testGenesis(), timestamp: 42 };
    assert.throws(
      () => open(dirs[0]!.path, undefined, other),
      (error: unknown) => error instanceof StoreError && error.code === 'GenesisMismatch',
    );
  });

  it('refuses to start sealing with a key that is not an authority', async () => {
    const node = open(dirs[0]!.path, { kind: 'solo', authoritySeed: devKeypair('mallory').secretSeed });
    await assert.rejects(
      node.start(),
      (error: unknown) => error instanceof NodeError && error.code === 'NotAnAuthority',
    );
  });

  it('rejects bad, replayed and duplicate extrinsics at submission with RpcErrors naming the reason', async () => {
    const node = open(dirs[0]!.path);
    const good = transfer(node.genesisHash, 'alice', 'bob', 1n, 0);
    node.submitExtrinsic(good);
    const codeOf = (fn: () => unknown): string => {
      try {
        fn();
      } catch (error) {
        assert.ok(error instanceof RpcError);
        return error.code;
      }
      assert.fail('expected a rejection');
    };
    assert.equal(
      codeOf(() => node.submitExtrinsic(good)),
      'AlreadyInPool',
    );
    assert.equal(
      codeOf(() => node.submitExtrinsic(Uint8Array.of(1, 2, 3))),
      'MalformedExtrinsic',
    );
    const tampered = good.slice();
    tampered[tampered.length - 1]! ^= 1;
    assert.equal(
      codeOf(() => node.submitExtrinsic(tampered)),
      'BadSignature',
    );
    assert.equal(
      codeOf(() => node.submitExtrinsic(transfer(new Uint8Array(32), 'alice', 'bob', 1n, 0))),
      'WrongGenesis',
    );
    await node.engine.step();
    assert.equal(
      codeOf(() => node.submitExtrinsic(transfer(node.genesisHash, 'alice', 'bob', 2n, 0))),
      'StaleNonce',
    );
  });

  it('replays the same blocks in a fresh store as a follower and reaches the same state roots', async () => {
    const leader = open(dirs[0]!.path);
    await sealWithTransfers(leader, 5);
    const follower = open(dirs[1]!.path, {
      kind: 'follower',
      upstreamUrl: 'in-process',
      source: createChainBlockSource(leader),
    });
    await follower.engine.step();
    assert.equal(follower.head().signed.header.number, 5);
    for (let n = 0; n <= 5; n++) {
      const hash = leader.getBlockHash(n)!;
      assert.deepEqual(follower.getBlockHash(n), hash);
      assert.deepEqual(follower.getBlock(hash)!.header.stateRoot, leader.getBlock(hash)!.header.stateRoot);
      assert.deepEqual(follower.getOutcomes(hash), leader.getOutcomes(hash));
    }
    assert.equal(follower.health().isSyncing, false);
    assert.throws(
      () => follower.submitExtrinsic(transfer(follower.genesisHash, 'alice', 'bob', 1n, 5)),
      (error: unknown) => error instanceof RpcError && error.code === 'NotAuthoring',
    );
  });

  describe('a follower fed a tampered block', () => {
    const resign = (block: Block, seed = alice.secretSeed): Block => ({
      ...block,
      signature: signHeader(block.header, seed),
    });
    const cases: [string, (block: Block, parent: Block) => Block][] = [
      ['BadSignature', (b) => ({ ...b, signature: b.signature.map((x, i) => (i === 0 ? x ^ 1 : x)) })],
      [
        'UnknownAuthor',
        (b) => {
          const mallory = devKeypair('mallory');
          return resign({ ...b, header: { ...b.header, author: mallory.publicKey } }, mallory.secretSeed);
        },
      ],
      [
        'WrongParent',
        (b) => resign({ ...b, header: { ...b.header, parentHash: new Uint8Array(32).fill(3) } }),
      ],
      ['WrongNumber', (b) => resign({ ...b, header: { ...b.header, number: b.header.number + 1 } })],
      [
        'TimestampNotIncreasing',
        (b, parent) => resign({ ...b, header: { ...b.header, timestamp: parent.header.timestamp } }),
      ],
      [
        'TimestampInFuture',
        (b) => resign({ ...b, header: { ...b.header, timestamp: b.header.timestamp + 3_600_000n } }),
      ],
      [
        'WrongStateRoot',
        (b) => resign({ ...b, header: { ...b.header, stateRoot: new Uint8Array(32).fill(5) } }),
      ],
      [
        'WrongExtrinsicsRoot',
        (b) => resign({ ...b, header: { ...b.header, extrinsicsRoot: new Uint8Array(32).fill(5) } }),
      ],
      [
        'WrongEventsRoot',
        (b) => resign({ ...b, header: { ...b.header, eventsRoot: new Uint8Array(32).fill(5) } }),
      ],
      [
        'InvalidExtrinsic',
        (b) => {
          const extrinsics = [b.extrinsics[1]!, b.extrinsics[1]!];
          return resign({ ...b, extrinsics, header: { ...b.header, extrinsicsRoot: listRoot(extrinsics) } });
        },
      ],
    ];
    for (const [code, tamper] of cases) {
      it(`rejects it with ${code} and stores nothing`, async () => {
        const leader = open(dirs[0]!.path);
        await sealWithTransfers(leader, 2);
        const block2 = leader.getBlock(leader.getBlockHash(2)!)!;
        const block1 = leader.getBlock(leader.getBlockHash(1)!)!;
        const bad = tamper(block2, block1);
        const follower = open(dirs[1]!.path, {
          kind: 'follower',
          upstreamUrl: 'in-process',
          source: {
            ...createChainBlockSource(leader),
            getBlock: async (n) => (n === 2 ? bad : leader.getBlock(leader.getBlockHash(n)!)),
          },
        });
        await assert.rejects(
          follower.engine.step(),
          (error: unknown) => error instanceof BlockImportError && error.code === code,
        );
        assert.equal(follower.head().signed.header.number, 1);
        assert.equal(follower.getBlockHash(2), undefined);
        assert.equal(follower.getBlock(hashHeader(bad.header)), undefined);
        const key = nonceKey('alice');
        assert.deepEqual(
          follower.getStorage(key)!.value,
          leader.getStorage(key, leader.getBlockHash(1))!.value,
        );
        assert.match(
          await follower.metrics(),
          new RegExp(`phalanx_blocks_rejected_total\\{reason="${code}"\\} 1`),
        );
      });
    }
  });
});
