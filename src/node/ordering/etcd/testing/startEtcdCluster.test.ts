import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Etcd3 } from 'etcd3';
import { PhalanxError } from '../../../../codec/errors.js';
import { type EtcdCluster, startEtcdCluster } from './startEtcdCluster.js';

/** True while a process with this id runs: a killed process not yet reaped (a zombie) does not. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function findEtcd(): string {
  for (const folder of (process.env.PATH ?? '').split(':')) {
    if (existsSync(join(folder, 'etcd'))) return join(folder, 'etcd');
  }
  throw new Error("etcd is not on PATH: install Debian's etcd-server");
}

async function waitUntil(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}

describe('startEtcdCluster', { timeout: 60_000 }, () => {
  let cluster: EtcdCluster | undefined;
  const clients: Etcd3[] = [];
  const client = (endpoint: string): Etcd3 => {
    const etcd = new Etcd3({ hosts: [endpoint] });
    clients.push(etcd);
    return etcd;
  };

  afterEach(async () => {
    for (const etcd of clients.splice(0)) etcd.close();
    await cluster?.stop();
    cluster = undefined;
  });

  it('starts three members that agree: a put through member 0 is read through member 2', async () => {
    cluster = await startEtcdCluster({ members: 3 });
    assert.equal(cluster.endpoints.length, 3);
    assert.equal(new Set(cluster.endpoints).size, 3);
    for (const member of cluster.members) assert.ok(member.pid !== undefined && isAlive(member.pid));

    await client(cluster.endpoints[0]!).put('phalanx/head').value('block-1');
    assert.equal(await client(cluster.endpoints[2]!).get('phalanx/head').string(), 'block-1');
  });

  it('keeps taking writes with its leader killed, and the restarted leader serves what it missed', async () => {
    cluster = await startEtcdCluster({ members: 3 });
    const statuses = await Promise.all(cluster.endpoints.map((e) => client(e).maintenance.status()));
    const leader = statuses.findIndex((status) => status.leader === status.header.member_id);
    assert.ok(leader >= 0, 'no member says it leads');
    const [a, b] = [0, 1, 2].filter((i) => i !== leader) as [number, number];
    const pid = cluster.members[leader]!.pid!;

    await cluster.kill(leader);
    assert.equal(cluster.members[leader]!.pid, undefined);
    assert.equal(isAlive(pid), false);
    // A write sent before the others notice would wait out etcd's request timeout (5 s + two
    // election timeouts) at the follower that forwarded it; waiting for a new leader first keeps
    // this test short. Two of three members still hold a quorum.
    await cluster.waitHealthy();
    await client(cluster.endpoints[a]!).put('phalanx/head').value('block-2');
    assert.equal(await client(cluster.endpoints[b]!).get('phalanx/head').string(), 'block-2');

    await cluster.restart(leader);
    assert.notEqual(cluster.members[leader]!.pid, undefined);
    // A read through that member alone is linearizable: it answers only once caught up with the leader.
    assert.equal(await client(cluster.endpoints[leader]!).get('phalanx/head').string(), 'block-2');
  });

  it('removes its folder on stop and leaves a folder the caller gave', async () => {
    cluster = await startEtcdCluster({ members: 1 });
    const folder = join(cluster.members[0]!.dataDir, '..', '..');
    assert.ok(existsSync(cluster.members[0]!.dataDir));
    await cluster.stop();
    assert.equal(existsSync(folder), false);

    const mine = mkdtempSync(join(tmpdir(), 'phalanx-etcd-test-'));
    try {
      cluster = await startEtcdCluster({ members: 1, dir: mine });
      assert.ok(cluster.members[0]!.dataDir.startsWith(mine));
      await cluster.stop();
      assert.ok(existsSync(mine));
    } finally {
      rmSync(mine, { recursive: true, force: true });
    }
  });

  it('says to install etcd-server when etcd is not on PATH', async () => {
    const path = process.env.PATH;
    const empty = mkdtempSync(join(tmpdir(), 'phalanx-no-etcd-'));
    process.env.PATH = empty;
    try {
      await assert.rejects(
        startEtcdCluster({ members: 1 }),
        (error: unknown) =>
          error instanceof PhalanxError &&
          error.code === 'EtcdNotInstalled' &&
          /etcd-server/.test(error.message),
      );
    } finally {
      process.env.PATH = path;
      rmSync(empty, { recursive: true, force: true });
    }
  });

  // The process below starts a cluster and ends without stop(): by an uncaught error, where its
  // 'exit' handler must kill the members (setpriv is kept off its PATH, so only the handler can), or
  // by SIGKILL, where no handler runs and the kernel's parent-death signal (setpriv) must.
  for (const ending of ['uncaught error', 'SIGKILL'] as const) {
    it(`leaves no etcd process behind when the test process ends by ${ending}`, async () => {
      const url = pathToFileURL(join(import.meta.dirname, 'startEtcdCluster.ts')).href;
      const script = `import(${JSON.stringify(url)}).then(async ({ startEtcdCluster }) => {
        const cluster = await startEtcdCluster({ members: 1 });
        console.log(JSON.stringify({ pid: cluster.members[0].pid, dir: cluster.members[0].dataDir }));
        process.stdin.once('data', () => { throw new Error('test failed'); });
      });`;
      const bin = mkdtempSync(join(tmpdir(), 'phalanx-etcd-only-'));
      symlinkSync(findEtcd(), join(bin, 'etcd'));
      const child = spawn(process.execPath, ['--import', 'tsx', '--eval', script], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: ending === 'SIGKILL' ? process.env : { ...process.env, PATH: bin },
      });
      const started = await new Promise<{ pid: number; dir: string }>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk;
          if (out.includes('\n')) resolve(JSON.parse(out) as { pid: number; dir: string });
        });
        child.stderr.on('data', (chunk: Buffer) => {
          err += chunk;
        });
        child.once('exit', () => reject(new Error(`the child ended before it started etcd: ${err}`)));
      });
      rmSync(bin, { recursive: true, force: true });
      assert.ok(isAlive(started.pid));
      if (ending === 'SIGKILL') child.kill('SIGKILL');
      else child.stdin.write('fail now\n');
      assert.ok(
        await waitUntil(() => !isAlive(started.pid), 5000),
        `etcd ${started.pid} outlived its test process`,
      );
      if (ending === 'uncaught error') assert.equal(existsSync(started.dir), false);
      else rmSync(join(started.dir, '..', '..'), { recursive: true, force: true });
    });
  }
});
