// State pruning seen from a node running the real runtime: the store keeps the trees of the last N
// blocks (and genesis), a follower of a pruned node still re-executes and checks every block, and a
// read at a pruned block is a typed refusal. The exact bookkeeping (every kept root whole, nothing
// else stored) is the property test in createTrieNodeStore.test.ts.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { devKeypair } from '../../codec/devKeys.js';
import { RpcError } from '../../codec/errors.js';
import { verifyProof } from '../../codec/trie/index.js';
import { decodeNode } from '../../codec/trie/trieNode.js';
import { BlockNumber } from '../../runtime/system/storage.js';
import { createNode, type Node, type NodeRole } from '../createNode.js';
import { createChainBlockSource } from '../ordering/blockSource.js';
import { GENESIS_TIME, makeTempDir, nonceKey, testGenesis, transfer } from '../testing/nodeFixture.js';
import type { ChainStore } from './createChainStore.js';
import { STATE_PRUNED_RPC_CODE, type StatePruning } from './statePruning.js';

const WINDOW = 50;
const BLOCKS = 300;

function openNode(dataDir: string, statePruning: StatePruning, role?: NodeRole): Node {
  let now = GENESIS_TIME;
  return createNode({
    dataDir,
    genesis: testGenesis(),
    role: role ?? { kind: 'solo', authoritySeed: devKeypair('alice').secretSeed },
    blockIntervalMs: 1000,
    clock: () => {
      now += 500;
      return now;
    },
    statePruning,
  });
}

/** Trie nodes of the tree at `root` (each hash once: a tree never holds a node twice). */
function treeSize(store: ChainStore, root: Uint8Array): number {
  const seen = new Set<string>();
  const visit = (hash: Uint8Array, version: number | undefined): void => {
    if (hash.every((byte) => byte === 0)) return;
    const node = decodeNode(store.nodes.get(hash, version)!)!;
    seen.add(Buffer.from(hash).toString('hex'));
    if (node.kind === 'internal') {
      visit(node.left, node.leftVersion);
      visit(node.right, node.rightVersion);
    }
  };
  visit(root, undefined);
  return seen.size;
}

describe('state pruning in a node', () => {
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
  const open = (...args: Parameters<typeof openNode>): Node => {
    const node = openNode(...args);
    nodes.push(node);
    return node;
  };

  it(`bounds an idle chain's trie by its live state plus the last ${WINDOW} blocks' writes, where an archive keeps all ${BLOCKS}`, async () => {
    const pruned = open(dirs[0]!.path, WINDOW);
    const archive = open(dirs[1]!.path, 'archive');
    const genesisTree = treeSize(pruned.chain.store, pruned.head().signed.header.stateRoot);
    // Nodes each block writes, from the archive, which deletes nothing: the same blocks on both.
    const written: number[] = [];
    let archived = archive.chain.store.trieEntryCount();
    for (let number = 1; number <= BLOCKS; number++) {
      await pruned.engine.step();
      await archive.engine.step();
      assert.deepEqual(pruned.head().hash, archive.head().hash);
      const count = archive.chain.store.trieEntryCount();
      written.push(count - archived);
      archived = count;
      if (number % 50 !== 0 || number <= WINDOW) continue;
      // What the window can hold: the head's tree, the nodes that the window's later blocks
      // replaced (no more than they wrote, as an idle chain deletes no key), and genesis, pinned.
      const store = pruned.chain.store;
      const live = treeSize(store, pruned.head().signed.header.stateRoot);
      const windowWrites = written.slice(number - WINDOW + 1).reduce((sum, n) => sum + n, 0);
      const bound = live + windowWrites + genesisTree;
      assert.ok(store.trieEntryCount() <= bound, `block ${number}: ${store.trieEntryCount()} > ${bound}`);
      const archiveLive = treeSize(archive.chain.store, archive.head().signed.header.stateRoot);
      assert.ok(
        archive.chain.store.trieEntryCount() > archiveLive + windowWrites + genesisTree,
        'without pruning the store outgrows the window',
      );
    }
  });

  it('lets a follower re-execute every block of a pruned authority from genesis and reach the same head', async () => {
    const leader = open(dirs[0]!.path, WINDOW);
    for (let number = 1; number <= BLOCKS; number++) {
      if (number % 25 === 0) {
        const nonce = number / 25 - 1;
        leader.submitExtrinsic(transfer(leader.genesisHash, 'alice', 'bob', BigInt(number), nonce));
      }
      await leader.engine.step();
    }
    const follower = open(dirs[1]!.path, WINDOW, {
      kind: 'follower',
      upstreamUrl: 'in-process',
      source: createChainBlockSource(leader),
    });
    while (follower.head().signed.header.number < BLOCKS) await follower.engine.step();
    assert.deepEqual(follower.head(), leader.head());
    const key = nonceKey('alice');
    const atHead = follower.getStorage(key)!;
    assert.deepEqual(atHead.value, leader.getStorage(key)!.value);
    assert.equal(verifyProof(atHead.stateRoot, key, atHead.value, atHead.proof), true);
  });

  it('proves state at the blocks of the window and at genesis, and refuses older blocks as StatePruned', async () => {
    const node = open(dirs[0]!.path, WINDOW);
    for (let number = 1; number <= BLOCKS; number++) await node.engine.step();
    const key = BlockNumber.key;
    const oldest = BLOCKS - WINDOW + 1;
    for (const number of [0, oldest, BLOCKS]) {
      const result = node.getStorage(key, node.getBlockHash(number))!;
      assert.equal(verifyProof(result.stateRoot, key, result.value, result.proof), true, `block ${number}`);
    }
    for (const number of [1, oldest - 1]) {
      assert.throws(
        () => node.getStorage(key, node.getBlockHash(number)),
        (error: unknown) =>
          error instanceof RpcError &&
          error.code === 'StatePruned' &&
          error.rpcCode === STATE_PRUNED_RPC_CODE &&
          error.message.includes(`block ${number}`),
      );
    }
    // The blocks themselves stay.
    assert.equal(node.getBlock(node.getBlockHash(1)!)!.header.number, 1);
  });
});
