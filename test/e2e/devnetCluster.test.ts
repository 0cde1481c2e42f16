// Issue 10: `phalanx devnet --nodes 3` as real processes on loopback: three etcd members and three
// nodes, each its own process named in devnet-pids.json. The nodes agree block by block; the proposer
// killed with SIGKILL is replaced by another node within 5 s and blocks go on; transfers the dead
// proposer accepted just before are all included (they were durable in etcd); every node holds the
// same hash at every height; SIGINT stops every process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { createHttpClient } from '../../src/client/createHttpClient.js';
import { getAccount } from '../../src/client/getAccount.js';
import { getBlock } from '../../src/client/getBlock.js';
import { getBlockHash } from '../../src/client/getBlockHash.js';
import { getChainInfo } from '../../src/client/getChainInfo.js';
import { getHealth, type NodeHealth } from '../../src/client/getHealth.js';
import { submitExtrinsic } from '../../src/client/submitExtrinsic.js';
import type { RpcClient } from '../../src/client/types.js';
import { encodeAddress } from '../../src/codec/address.js';
import { toHex } from '../../src/codec/bytes.js';
import { devKeypair } from '../../src/codec/devKeys.js';
import { transfer } from '../../src/node/testing/nodeFixture.js';
import { type DevnetProcess, isAlive, startDevnetProcess, waitFor } from './devnetProcess.js';

const NAMES = ['etcd-1', 'etcd-2', 'etcd-3', 'node-1', 'node-2', 'node-3'];
const TRANSFERS = 5;

describe('phalanx devnet --nodes 3', () => {
  let devnet: DevnetProcess;
  let clients: Map<string, RpcClient>;

  before(async () => {
    devnet = await startDevnetProcess(['--nodes', '3', '--no-workers']);
    clients = new Map(devnet.nodes.map((n) => [n.name, createHttpClient(n.rpcUrl, { timeoutMs: 2000 })]));
  });
  after(async () => {
    for (const client of clients?.values() ?? []) await client.close();
    await devnet?.destroy();
  });

  const healthOf = async (names: readonly string[]) =>
    Promise.all(names.map((name) => getHealth(clients.get(name)!).catch(() => undefined)));

  /** The least head among `names`, once every one of them answers. */
  const commonHead = async (names: readonly string[]): Promise<number | undefined> => {
    const health = await healthOf(names);
    if (health.some((h) => h === undefined)) return undefined;
    return Math.min(...health.map((h) => h!.bestNumber));
  };

  it('runs three etcd members and three nodes as processes named in devnet-pids.json, agreeing on every block', async () => {
    assert.deepEqual(
      devnet.nodes.map((n) => n.name),
      ['node-1', 'node-2', 'node-3'],
    );
    assert.equal(devnet.rpcUrl, devnet.nodes[0]!.rpcUrl);
    assert.equal(devnet.etcd.length, 3);
    const pids = await devnet.readPids();
    assert.deepEqual(Object.keys(pids.children).sort(), NAMES);
    const childPids = Object.values(pids.children).map((c) => c.pid);
    assert.equal(new Set([pids.devnet, ...childPids]).size, 7, 'seven distinct processes');
    for (const pid of childPids) assert.ok(pid !== null && isAlive(pid));

    const height = await waitFor('the three nodes at block 3 or later', async () => {
      const head = await commonHead(devnet.nodes.map((n) => n.name));
      return head !== undefined && head >= 3 ? head : undefined;
    });
    const hashes = await Promise.all([...clients.values()].map((c) => getBlockHash(c, height)));
    assert.ok(hashes[0]);
    for (const hash of hashes) assert.deepEqual(hash, hashes[0]);
    const { genesisHash } = await getChainInfo(clients.get('node-2')!);
    assert.deepEqual((await getChainInfo(clients.get('node-3')!)).genesisHash, genesisHash);
  });

  it('replaces a proposer killed with SIGKILL within 5 s, keeps sealing and includes every transfer it had accepted', async (t) => {
    const names = devnet.nodes.map((n) => n.name);
    const proposer = await waitFor('exactly one proposer', async () => {
      const health = await healthOf(names);
      const proposing = names.filter((_, i) => health[i]?.role === 'proposer');
      return proposing.length === 1 ? proposing[0] : undefined;
    });
    const survivors = names.filter((n) => n !== proposer);
    const client = clients.get(proposer)!;
    const { genesisHash } = await getChainInfo(client);
    const bob = encodeAddress(devKeypair('bob').publicKey);
    const firstNonce = (await getAccount(client, bob)).nonce;
    const fromBlock = (await getHealth(client)).bestNumber + 1;
    // Accepted means durable in etcd: the next proposer reads them there if this one dies first.
    const accepted: string[] = [];
    for (let i = 0; i < TRANSFERS; i++) {
      const hash = await submitExtrinsic(
        client,
        transfer(genesisHash, 'bob', 'ferdie', 1_000_000n, firstNonce + i),
      );
      accepted.push(toHex(hash));
    }
    const victim = (await devnet.readPids()).children[proposer]!.pid!;
    const killedAt = performance.now();
    process.kill(victim, 'SIGKILL');

    let lastHealth: (NodeHealth | undefined)[] = [];
    let next: string | undefined;
    while (performance.now() - killedAt < 5000) {
      lastHealth = await healthOf(survivors);
      next = survivors.find((_, i) => lastHealth[i]?.role === 'proposer');
      if (next) break;
      await delay(50);
    }
    const takeoverMs = Math.round(performance.now() - killedAt);
    assert.ok(next, `no survivor became proposer within 5 s: ${JSON.stringify(lastHealth)}`);
    t.diagnostic(`${next} took over from ${proposer} ${takeoverMs} ms after the SIGKILL`);

    // Blocks go on, and the survivors' head passes every transfer: bob's nonce counts them all.
    const nextClient = clients.get(next)!;
    const sealedAt = (await getHealth(nextClient)).bestNumber;
    await waitFor(
      'three more blocks and every accepted transfer included',
      async () => {
        const [{ bestNumber }, account] = await Promise.all([
          getHealth(nextClient),
          getAccount(nextClient, bob),
        ]);
        return bestNumber >= sealedAt + 3 && account.nonce === firstNonce + TRANSFERS ? true : undefined;
      },
      15_000,
    );
    const included = new Map<string, unknown>();
    const head = (await getHealth(nextClient)).bestNumber;
    for (let number = fromBlock; number <= head; number++) {
      const block = await getBlock(nextClient, (await getBlockHash(nextClient, number))!);
      for (const e of block?.extrinsics ?? []) included.set(toHex(e.hash), e.outcome);
    }
    for (const hash of accepted)
      assert.deepEqual(included.get(hash), { ok: true }, `transfer ${hash} included`);
  });

  it('has every node, the restarted one too, hold the same hash at every height up to a common head', async () => {
    const names = devnet.nodes.map((n) => n.name);
    // The devnet restarts the killed node on its data folder; it catches up from the etcd log.
    const pids = await waitFor('every child running again', async () => {
      const current = await devnet.readPids();
      return Object.values(current.children).every((c) => c.pid !== null && isAlive(c.pid))
        ? current
        : undefined;
    });
    assert.deepEqual(Object.keys(pids.children).sort(), NAMES);
    const head = await waitFor('all three nodes past the take-over', async () => {
      const health = await healthOf(names);
      return health.every((h) => h?.inSync) ? Math.min(...health.map((h) => h!.bestNumber)) : undefined;
    });
    for (let number = 1; number <= head; number++) {
      const hashes = await Promise.all(names.map((name) => getBlockHash(clients.get(name)!, number)));
      assert.ok(hashes[0], `block #${number} exists`);
      for (const [i, hash] of hashes.entries()) {
        assert.deepEqual(hash, hashes[0], `${names[i]} agrees with ${names[0]} at #${number}`);
      }
    }
  });

  it('stops workers, nodes and etcd members on SIGINT, leaving no process behind', async () => {
    const pids = await devnet.readPids();
    assert.equal(await devnet.stop(), 0);
    for (const [name, entry] of Object.entries(pids.children)) {
      assert.ok(entry.pid === null || !isAlive(entry.pid), `${name} is gone`);
    }
    assert.match(devnet.stderr(), /devnet stopped/);
  });
});
