// The etcd ordering against a real three-member etcd cluster on loopback, with nodes in this
// process (each its own store, etcd client and leases). The kill -9 of a node process is in
// test/e2e/devnetNodes.test.ts.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Etcd3 } from 'etcd3';
import pino from 'pino';
import { bytesToHex } from '../../../codec/bytes.js';
import { BlockCodec, type Header, hashHeader, signExtrinsic, signHeader } from '../../../codec/chain.js';
import { devKeypair } from '../../../codec/devKeys.js';
import { RpcError } from '../../../codec/errors.js';
import { governanceCalls } from '../../../runtime/governance/types.js';
import { systemCalls } from '../../../runtime/system/types.js';
import { transfer } from '../../testing/nodeFixture.js';
import { createEtcdLog } from './createEtcdLog.js';
import { createEtcdLayout } from './etcdLayout.js';
import { createTcpProxy } from './testing/createTcpProxy.js';
import { type EtcdCluster, startEtcdCluster } from './testing/startEtcdCluster.js';
import {
  differingHeights,
  type EtcdTestNode,
  etcdTestGenesis,
  startEtcdNode,
  type TestAuthority,
  waitFor,
} from './testing/startEtcdNode.js';

const number = (node: EtcdTestNode): number => node.node.head().signed.header.number;

describe('etcd ordering on a three-member cluster', () => {
  let cluster: EtcdCluster;
  let client: Etcd3;
  let testIndex = 0;
  // Each test has its own chain (genesis stamped at its start) and key prefix on the shared cluster.
  const open: EtcdTestNode[] = [];
  const startNodes = async (
    authorities: readonly TestAuthority[],
    options: Partial<Parameters<typeof startEtcdNode>[0]> = {},
  ) => {
    const genesis = options.genesis ?? etcdTestGenesis();
    const prefix = options.prefix ?? `test${++testIndex}/`;
    const nodes: EtcdTestNode[] = [];
    for (const authority of authorities) {
      const node = await startEtcdNode({
        endpoints: cluster.endpoints,
        genesis,
        prefix,
        authority,
        ...options,
      });
      open.push(node);
      nodes.push(node);
    }
    return { nodes, genesis, prefix };
  };
  const closeAll = async () => {
    for (const node of open.splice(0)) await node.close();
  };

  // On tmpfs when there is one: these tests need no durability across a machine crash, and etcd's
  // fsyncs on a shared disk would make the 1,000-block test several times slower.
  const dir = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/phalanx-etcd-test-') : undefined;

  before(async () => {
    cluster = await startEtcdCluster({ members: 3, ...(dir ? { dir } : {}) });
    client = new Etcd3({ hosts: [...cluster.endpoints] });
  });
  after(async () => {
    await closeAll();
    client?.close();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('orders blocks on every node alike and includes an extrinsic submitted to a follower', async () => {
    const { nodes } = await startNodes(['alice', 'bob', 'charlie']);
    await waitFor('a proposer', () => nodes.some((n) => n.node.health().role === 'proposer'));
    const follower = nodes.find((n) => n.node.health().role === 'follower')!;
    const extrinsic = transfer(follower.node.genesisHash, 'eve', 'ferdie', 1_000_000n, 0);
    const hash = await follower.node.submitExtrinsic(extrinsic);
    await waitFor('the transfer in a block on every node', () =>
      nodes.every((n) => n.node.chain.pool.size === 0 && number(n) > 3),
    );
    const target = Math.min(...nodes.map(number));
    await waitFor('every node at the same head', () => nodes.every((n) => number(n) >= target));
    assert.deepEqual(
      differingHeights(
        nodes.map((n) => n.node),
        target,
      ),
      [],
    );
    // The transfer is in exactly one block.
    let found = 0;
    for (let height = 1; height <= target; height++) {
      const block = nodes[0]!.node.getBlock(nodes[0]!.node.getBlockHash(height)!)!;
      found += block.extrinsics.filter((x) => bytesToHex(x) === bytesToHex(extrinsic)).length;
    }
    assert.equal(found, 1, `extrinsic 0x${bytesToHex(hash)} included once`);
    const roles = nodes.map((n) => n.node.health().role).sort();
    assert.deepEqual(roles, ['follower', 'follower', 'proposer']);
    assert.ok(nodes.every((n) => n.node.health().inSync && n.node.health().ordering === 'etcd'));
    await waitFor('the cluster listing three nodes', () => nodes[0]!.node.clusterNodes().length === 3);
    await closeAll();
  });

  it("writes the pending extrinsics submitted in one turn in one transaction, and reads only others' after a first read", async () => {
    const layout = createEtcdLayout(new Uint8Array(32).fill(9), `test${++testIndex}/`);
    const logOf = (name: string) =>
      createEtcdLog({
        endpoints: cluster.endpoints,
        layout,
        name,
        sessionTtlSeconds: 2,
        pendingTtlSeconds: 10,
        callTimeoutMs: 2000,
        logger: pino({ level: 'silent' }),
      });
    const [alice, bob] = [logOf('alice'), logOf('bob')];
    try {
      await bob.putPending(new Uint8Array(32).fill(200), Uint8Array.of(200)); // grants bob's lease
      await alice.putPending(new Uint8Array(32).fill(201), Uint8Array.of(201)); // and alice's
      const revision = async () => Number((await client.get('any').exec()).header.revision);
      const before = await revision();
      // An RPC batch's submissions, started in one turn of the event loop.
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => alice.putPending(new Uint8Array(32).fill(i), Uint8Array.of(i))),
      );
      // Every transaction is one revision: the 100 writes were one.
      assert.equal((await revision()) - before, 1);
      const all = await bob.readPendingSince(0, 1000);
      assert.equal(all.extrinsics.length, 102, "a first read takes every node's, its own too");
      // Nodes in turn, not in key order: bob's one comes second, not after alice's 101.
      assert.deepEqual(all.extrinsics[1], Uint8Array.of(200));
      await alice.putPending(new Uint8Array(32).fill(150), Uint8Array.of(150));
      await bob.putPending(new Uint8Array(32).fill(151), Uint8Array.of(151));
      const since = await bob.readPendingSince(all.revision, 1000, true);
      assert.deepEqual(since.extrinsics, [Uint8Array.of(150)], "then only the others' new ones");
    } finally {
      await alice.close();
      await bob.close();
    }
  });

  it('gives every height exactly one block when two proposers race (each key written once)', async () => {
    const racing = { extra: { ignoreLeaderKey: true }, blockIntervalMs: 20 };
    const { nodes, prefix, genesis } = await startNodes(['alice', 'bob'], racing);
    const { nodes: watchers } = await startNodes(['charlie'], { prefix, genesis });
    await waitFor('60 blocks', () => nodes.every((n) => number(n) >= 60), 30_000);
    for (const node of [...nodes, ...watchers]) await node.node.engine.stop();
    const layout = createEtcdLayout(nodes[0]!.node.genesisHash, prefix);
    const kvs = (await client.getAll().prefix(layout.blocks).exec()).kvs;
    assert.ok(kvs.length >= 60);
    // A key's version counts its writes: 1 everywhere means no height was ever taken twice.
    assert.deepEqual(
      kvs.filter((kv) => kv.version !== '1').map((kv) => kv.key.toString()),
      [],
    );
    const all = [...nodes, ...watchers].map((n) => n.node);
    const common = Math.min(...all.map((node) => node.head().signed.header.number));
    assert.deepEqual(differingHeights(all, common), []);
    // Both racers proposed (the race was real), and each height still went to one block.
    const authors = new Set<string>();
    for (let height = 1; height <= common; height++) {
      authors.add(bytesToHex(all[0]!.getBlock(all[0]!.getBlockHash(height)!)!.header.author));
    }
    assert.ok(authors.has(bytesToHex(devKeypair('alice').publicKey)), 'alice proposed');
    assert.ok(authors.has(bytesToHex(devKeypair('bob').publicKey)), 'bob proposed');
    await closeAll();
  });

  it('hands the leader key over when governance removes the proposer from the authorities', async () => {
    const { nodes } = await startNodes(['alice', 'bob', 'charlie']);
    await waitFor('a proposer', () => nodes.some((n) => n.node.health().role === 'proposer'));
    const proposer = nodes.find((n) => n.node.health().role === 'proposer')!;
    const remaining = nodes.filter((n) => n !== proposer).map((n) => devKeypair(n.name).publicKey);
    const sudo = devKeypair('alice');
    await nodes[0]!.node.submitExtrinsic(
      signExtrinsic({
        genesisHash: proposer.node.genesisHash,
        signerSeed: sudo.secretSeed,
        signer: sudo.publicKey,
        nonce: 0,
        call: governanceCalls.sudo(systemCalls.setAuthorities(remaining)),
      }),
    );
    await waitFor('another proposer', () =>
      nodes.some((n) => n !== proposer && n.node.health().role === 'proposer'),
    );
    const changedAt = number(proposer);
    await waitFor('5 more blocks everywhere', () => nodes.every((n) => number(n) >= changedAt + 5));
    assert.equal(proposer.node.health().role, 'follower');
    const all = nodes.map((n) => n.node);
    const common = Math.min(...all.map((node) => node.head().signed.header.number));
    assert.deepEqual(differingHeights(all, common), []);
    await closeAll();
  });

  it('halts loudly, with the height and roots, on a log block whose state root does not re-execute', async () => {
    const { nodes, prefix } = await startNodes(['alice', 'bob']);
    await waitFor('block 3', () => nodes.every((n) => number(n) >= 3));
    // An authority (dave's key, in genesis) appends a block whose state root is wrong.
    const layout = createEtcdLayout(nodes[0]!.node.genesisHash, prefix);
    const rogue = createEtcdLog({
      endpoints: cluster.endpoints,
      layout,
      name: 'rogue',
      sessionTtlSeconds: 2,
      pendingTtlSeconds: 5,
      callTimeoutMs: 2000,
      logger: pino({ level: 'silent' }),
    });
    let badHeight = 0;
    try {
      for (let attempt = 0; attempt < 50 && badHeight === 0; attempt++) {
        const { head } = await rogue.readControl();
        const parent = nodes[0]!.node.getBlock(head!.hash);
        if (!parent) continue; // this node has not applied it yet
        const header: Header = {
          ...parent.header,
          parentHash: head!.hash,
          number: head!.number + 1,
          timestamp: parent.header.timestamp + 1n,
          stateRoot: new Uint8Array(32).fill(7),
          author: devKeypair('dave').publicKey,
        };
        const signature = signHeader(header, devKeypair('dave').secretSeed);
        const { appended } = await rogue.append({
          parent: head!,
          number: header.number,
          hash: hashHeader(header),
          bytes: BlockCodec.enc({ header, signature, extrinsics: [] }),
        });
        if (appended) badHeight = header.number;
      }
    } finally {
      await rogue.close();
    }
    assert.ok(badHeight > 0, 'the rogue block took a height');
    await waitFor('every node halted', () => nodes.every((n) => n.node.health().halted !== undefined));
    for (const { node } of nodes) {
      const health = node.health();
      assert.equal(health.bestNumber, badHeight - 1);
      assert.match(health.halted!, new RegExp(`block ${badHeight}.*WrongStateRoot`));
      assert.equal(health.inSync, false);
      await assert.rejects(
        Promise.resolve().then(() => node.submitExtrinsic(transfer(node.genesisHash, 'eve', 'bob', 1n, 0))),
        (error: unknown) => error instanceof RpcError && error.code === 'Unavailable',
      );
    }
    await closeAll();
  });

  it('waits, without halting, for log blocks its clock sees as too far in the future', async () => {
    const { nodes, prefix, genesis } = await startNodes(['alice']);
    await waitFor('block 3', () => number(nodes[0]!) >= 3);
    // bob's clock runs a minute behind for two seconds: every block looks 60 s ahead of it.
    const skewUntil = Date.now() + 2000;
    const clock = () => (Date.now() < skewUntil ? Date.now() - 60_000 : Date.now());
    const { nodes: late } = await startNodes(['bob'], { prefix, genesis, clock });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(number(late[0]!), 0, 'nothing imported while the blocks look too new');
    assert.equal(late[0]!.node.health().halted, undefined);
    await waitFor('bob at the head once his clock is right', () => number(late[0]!) >= number(nodes[0]!) - 1);
    assert.equal(late[0]!.node.health().halted, undefined);
    await closeAll();
  });

  it('catches up a node started after 1,000 blocks from a peer once etcd no longer holds them', async () => {
    // One node makes the blocks (fewer processes share the cores: the test is quicker).
    const retention = { extra: { logRetention: 32 }, blockIntervalMs: 10, withRpc: true };
    const { nodes, prefix, genesis } = await startNodes(['alice'], retention);
    await waitFor('1,000 blocks', () => number(nodes[0]!) >= 1000, 90_000);
    const layout = createEtcdLayout(nodes[0]!.node.genesisHash, prefix);
    const kept = (await client.getAll().prefix(layout.blocks).keys()).length;
    assert.ok(kept <= 33, `etcd keeps the recent log only (${kept} blocks)`);
    const { nodes: late } = await startNodes(['bob'], { ...retention, prefix, genesis });
    const target = number(nodes[0]!) + 5;
    await waitFor('the late node at the head', () => number(late[0]!) >= target, 60_000);
    const all = [...nodes, ...late].map((n) => n.node);
    const common = Math.min(...all.map((node) => node.head().signed.header.number));
    assert.ok(common >= 1000);
    assert.deepEqual(differingHeights(all, common), []);
    await closeAll();
  });

  it('stops proposing and says it is out of sync when cut off from etcd, and follows again when reconnected', async () => {
    const proxy = await createTcpProxy(cluster.endpoints[0]!);
    try {
      const genesis = etcdTestGenesis();
      const prefix = `test${++testIndex}/`;
      // alice goes first, through the proxy only, so that she is the proposer when the cut comes.
      const { nodes: cutOff } = await startNodes(['alice'], {
        genesis,
        prefix,
        endpoints: [proxy.url],
      });
      await waitFor('alice proposing', () => cutOff[0]!.node.health().role === 'proposer');
      const { nodes: others } = await startNodes(['bob', 'charlie'], { genesis, prefix });
      await waitFor('block 5 everywhere', () => [...cutOff, ...others].every((n) => number(n) >= 5));
      proxy.cut();
      const cutAt = Date.now();
      await waitFor(
        'another proposer',
        () => others.some((n) => n.node.health().role === 'proposer'),
        10_000,
      );
      const takeoverMs = Date.now() - cutAt;
      await waitFor('alice out of sync', () => !cutOff[0]!.node.health().inSync, 10_000);
      assert.equal(cutOff[0]!.node.health().role, 'follower');
      await assert.rejects(
        Promise.resolve().then(() =>
          cutOff[0]!.node.submitExtrinsic(transfer(cutOff[0]!.node.genesisHash, 'eve', 'bob', 1n, 0)),
        ),
        (error: unknown) => error instanceof RpcError && error.code === 'Unavailable',
      );
      const stalled = number(cutOff[0]!);
      await waitFor('blocks go on without alice', () => others.every((n) => number(n) >= stalled + 10));
      proxy.restore();
      const target = number(others[0]!);
      await waitFor(
        'alice back in sync',
        () => cutOff[0]!.node.health().inSync && number(cutOff[0]!) >= target,
      );
      const all = [...cutOff, ...others].map((n) => n.node);
      assert.deepEqual(
        differingHeights(all, Math.min(...all.map((node) => node.head().signed.header.number))),
        [],
      );
      assert.ok(takeoverMs < 10_000, `takeover after ${takeoverMs} ms`);
    } finally {
      await closeAll();
      await proxy.close();
    }
  });

  it('keeps making blocks with one etcd member of three killed, and the member catches up when restarted', async () => {
    const { nodes, prefix } = await startNodes(['alice', 'bob']);
    await waitFor('block 3', () => nodes.every((n) => number(n) >= 3));
    await cluster.kill(2);
    const atKill = number(nodes[0]!);
    await waitFor('10 more blocks', () => nodes.every((n) => number(n) >= atKill + 10), 20_000);
    await cluster.restart(2);
    const layout = createEtcdLayout(nodes[0]!.node.genesisHash, prefix);
    const restarted = new Etcd3({ hosts: [cluster.endpoints[2]!] });
    try {
      const target = number(nodes[0]!);
      let seen = 0;
      for (let attempt = 0; attempt < 100 && seen < target; attempt++) {
        const value = await restarted.get(layout.head).buffer();
        seen = value ? value.readUInt32LE(0) : 0;
        if (seen < target) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(seen >= target, `member 3 serves head ${seen}, cluster was at ${target}`);
    } finally {
      restarted.close();
      await closeAll();
    }
  });
});
