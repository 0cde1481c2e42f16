import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { UsageError } from './commands/cliSupport.js';
import { ETCD_CLUSTER_FILE, loadOrCreateEtcdCluster } from './loadOrCreateEtcdCluster.js';

describe('loadOrCreateEtcdCluster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'phalanx-etcd-cluster-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('picks distinct free ports and a token once, and gives the same cluster on every later start', async () => {
    const created = await loadOrCreateEtcdCluster(dir, 3);
    assert.deepEqual(
      created.members.map((m) => m.name),
      ['etcd-1', 'etcd-2', 'etcd-3'],
    );
    const ports = created.members.flatMap((m) => [m.clientPort, m.peerPort]);
    assert.equal(new Set(ports).size, 6);
    assert.match(created.token, /^phalanx-devnet-[0-9a-f]{16}$/);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, ETCD_CLUSTER_FILE), 'utf8')), created);
    assert.deepEqual(await loadOrCreateEtcdCluster(dir, 3), created);
  });

  it('refuses another member count for a kept cluster, naming the count it was made with', async () => {
    await assert.rejects(loadOrCreateEtcdCluster(dir, 2), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /has 3 members; run it with --nodes 3/);
      return true;
    });
  });

  it('refuses a damaged file rather than make a second cluster over the first one’s data', async () => {
    const damaged = mkdtempSync(join(dir, 'damaged-'));
    writeFileSync(join(damaged, ETCD_CLUSTER_FILE), '{"token":"t","members":[{"name":"etcd-1"}]}');
    await assert.rejects(loadOrCreateEtcdCluster(damaged, 1), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /is damaged/);
      return true;
    });
  });
});
