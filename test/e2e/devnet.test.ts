// Issue 4, "Must show": `phalanx devnet` as real processes on loopback (a node, a gatekeeper and
// three sim workers); every worker ends up Provisioned; a worker killed with SIGKILL is restarted
// by the devnet on its data folder and comes back with the same pubkey, without registering again;
// Ctrl-C (SIGINT) stops every process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHttpClient } from '../../src/client/createHttpClient.js';
import { getBlockHash } from '../../src/client/getBlockHash.js';
import { getEvents } from '../../src/client/getEvents.js';
import { getGatekeepers } from '../../src/client/getGatekeepers.js';
import { getHealth } from '../../src/client/getHealth.js';
import { listWorkers } from '../../src/client/listWorkers.js';
import type { RpcClient } from '../../src/client/types.js';
import { toHex } from '../../src/codec/bytes.js';
import { CLI, type DevnetProcess, isAlive, startDevnetProcess, waitFor } from './devnetProcess.js';

async function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...CLI, ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code] = await once(child, 'close');
  return { code: code as number | null, stdout, stderr };
}

/** `msg` lines of a worker's pino log, parsed. */
async function logEntries(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Every registry event naming `pubkey` as its worker, over all blocks from 1 to the head. */
async function registryEventsOf(client: RpcClient, pubkey: string): Promise<string[]> {
  const { bestNumber } = await getHealth(client);
  const names: string[] = [];
  for (let number = 1; number <= bestNumber; number++) {
    const hash = await getBlockHash(client, number);
    assert.ok(hash, `block #${number} exists`);
    const events = await getEvents(client, hash);
    for (const event of events?.events ?? []) {
      if (event.module === 'registry' && event.fields.worker === pubkey) names.push(event.name);
    }
  }
  return names;
}

describe('phalanx devnet', () => {
  let devnet: DevnetProcess;
  let client: RpcClient;

  before(async () => {
    devnet = await startDevnetProcess();
    client = createHttpClient(devnet.rpcUrl);
  });
  after(async () => {
    await client?.close();
    await devnet?.destroy();
  });

  it('runs a node, a gatekeeper and three sim workers as separate processes, all Provisioned', async () => {
    const pids = await devnet.readPids();
    assert.deepEqual(Object.keys(pids.children).sort(), ['gatekeeper', 'worker-1', 'worker-2', 'worker-3']);
    const childPids = Object.values(pids.children).map((c) => c.pid);
    assert.equal(new Set([pids.devnet, ...childPids]).size, 5, 'five distinct processes');
    for (const pid of childPids) assert.ok(pid !== null && isAlive(pid));

    const workers = await waitFor('four Provisioned workers', async () => {
      const list = await listWorkers(client);
      return list.length === 4 && list.every((w) => w.state === 'Provisioned') ? list : undefined;
    });
    for (const worker of workers) {
      assert.equal(worker.attestation.provider, 'dcap');
      assert.equal(worker.attestation.tcbStatus, 'UpToDate');
      assert.equal(worker.attestation.simInsecure, true);
    }
    // The sudo key made the gatekeeper process (operated by charlie) the one gatekeeper.
    const set = await getGatekeepers(client);
    assert.equal(set.gatekeepers.length, 1);
    const gatekeeper = workers.find((w) => w.pubkey === toHex(set.gatekeepers[0]!));
    assert.ok(gatekeeper, 'the gatekeeper is one of the registered workers');
    assert.ok(set.masterPubkey, 'the gatekeeper published the master public key');
  });

  it('lists and shows workers and changes the policy and the gatekeeper set through the CLI', async () => {
    const rpc = ['--rpc', devnet.rpcUrl];
    const listed = await runCli(['query', 'workers', '--json', ...rpc]);
    assert.equal(listed.code, 0, listed.stderr);
    const workers = JSON.parse(listed.stdout) as { pubkey: string; state: string }[];
    assert.equal(workers.length, 4);
    const table = await runCli(['query', 'workers', ...rpc]);
    for (const w of workers) assert.match(table.stdout, new RegExp(`${w.pubkey}\\s+Provisioned`));
    assert.match(table.stdout, /INSECURE/);
    const one = await runCli(['query', 'worker', workers[0]!.pubkey, ...rpc]);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /state +Provisioned/);
    assert.match(one.stdout, /sim \(insecure\)/);
    const missing = await runCli(['query', 'worker', `0x${'ab'.repeat(32)}`, ...rpc]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /WorkerNotFound|no worker/);

    // Only the sudo key may change the gatekeeper set: bob's sudo call is included but refused.
    const { gatekeepers } = await getGatekeepers(client);
    const candidate = workers.find((w) => !gatekeepers.some((g) => toHex(g) === w.pubkey))!;
    const notSudo = await runCli([
      'tx',
      'gatekeeper',
      'add',
      candidate.pubkey,
      '--dev',
      'bob',
      '--wait',
      ...rpc,
    ]);
    assert.equal(notSudo.code, 1);
    assert.match(notSudo.stdout + notSudo.stderr, /RequireSudo/);
    const added = await runCli([
      'tx',
      'gatekeeper',
      'add',
      candidate.pubkey,
      '--dev',
      'alice',
      '--wait',
      ...rpc,
    ]);
    assert.equal(added.code, 0, added.stdout + added.stderr);
    assert.match(added.stdout, /gatekeeper\.GatekeeperAdded/);
    assert.equal((await getGatekeepers(client)).gatekeepers.length, 2);
    const removed = await runCli([
      'tx',
      'gatekeeper',
      'remove',
      candidate.pubkey,
      '--dev',
      'alice',
      '--wait',
      ...rpc,
    ]);
    assert.equal(removed.code, 0, removed.stdout + removed.stderr);
    assert.equal((await getGatekeepers(client)).gatekeepers.length, 1);

    // The policy round-trips: query it as a file, change a field, submit it, read it back.
    const policy = await runCli(['query', 'policy', '--json', ...rpc]);
    assert.equal(policy.code, 0, policy.stderr);
    const file = join(devnet.dataDir, 'policy.json');
    const json = JSON.parse(policy.stdout) as { maxEvidenceAgeBlocks: number };
    await writeFile(file, JSON.stringify({ ...json, maxEvidenceAgeBlocks: 123 }));
    const set = await runCli([
      'tx',
      'registry',
      'set-policy',
      '--file',
      file,
      '--dev',
      'alice',
      '--wait',
      ...rpc,
    ]);
    assert.equal(set.code, 0, set.stdout + set.stderr);
    assert.match(set.stdout, /registry\.PolicyChanged/);
    const after = JSON.parse((await runCli(['query', 'policy', '--json', ...rpc])).stdout) as typeof json;
    assert.equal(after.maxEvidenceAgeBlocks, 123);
    await writeFile(file, JSON.stringify({ ...json, trustedRoots: [] }));
    const refused = await runCli(['tx', 'registry', 'set-policy', '--file', file, '--dev', 'alice', ...rpc]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /trustedRoots/);
  });

  it('restarts a worker killed with SIGKILL: same pubkey, no second registration', async () => {
    const before = await devnet.readPids();
    const victim = before.children['worker-2']!;
    assert.ok(victim.pid !== null);
    const logFile = join(devnet.dataDir, 'logs', 'worker-2.log');
    const firstReady = (await logEntries(logFile)).find((e) => e.msg === 'enclave core ready');
    assert.ok(firstReady, 'worker-2 logged its identity');
    const pubkey = `0x${firstReady.worker as string}`;
    const count = (names: string[], name: string) => names.filter((n) => n === name).length;
    const eventsBefore = await registryEventsOf(client, pubkey);
    assert.equal(count(eventsBefore, 'WorkerRegistered'), 1);

    process.kill(victim.pid, 'SIGKILL');

    const restartedPid = await waitFor('worker-2 restarted under a new pid', async () => {
      const pid = (await devnet.readPids()).children['worker-2']?.pid;
      return pid !== null && pid !== undefined && pid !== victim.pid && isAlive(pid) ? pid : undefined;
    });
    assert.equal(isAlive(victim.pid), false);
    // The new process unsealed the same identity and proved it still holds the network key.
    const restarted = await waitFor('the restarted worker to hold the network key', async () => {
      const entries = (await logEntries(logFile)).filter((e) => e.pid === restartedPid);
      return entries.some((e) => e.msg === 'holds the network key') ? entries : undefined;
    });
    const ready = restarted.find((e) => e.msg === 'enclave core ready');
    assert.ok(ready);
    assert.equal(`0x${ready.worker as string}`, pubkey);
    assert.equal(ready.created, false, 'the identity was unsealed, not created');

    // A few more blocks, so that a registration the restart might have submitted would be in.
    const { bestNumber } = await getHealth(client);
    await waitFor('five more blocks', async () =>
      (await getHealth(client)).bestNumber >= bestNumber + 5 ? true : undefined,
    );
    const eventsAfter = await registryEventsOf(client, pubkey);
    assert.equal(count(eventsAfter, 'WorkerRegistered'), 1, 'registered once over all blocks');
    assert.equal(count(eventsAfter, 'WorkerReattested'), 0, 'and not re-attested either');
    // Benchmark reports may come meanwhile (one per attestation, from whichever process ran it).
    const notBenchmark = (name: string) => name !== 'BenchmarkReported';
    assert.deepEqual(eventsAfter.filter(notBenchmark), eventsBefore.filter(notBenchmark));
    const workers = await listWorkers(client);
    assert.equal(workers.length, 4);
    assert.equal(workers.find((w) => w.pubkey === pubkey)?.state, 'Provisioned');
    assert.match(devnet.stderr(), /worker-2 \(pid \d+\) exited unexpectedly \(signal SIGKILL\)/);
  });

  it('stops every process on SIGINT', async () => {
    const pids = await devnet.readPids();
    assert.equal(await devnet.stop(), 0);
    for (const [name, entry] of Object.entries(pids.children)) {
      assert.ok(entry.pid === null || !isAlive(entry.pid), `${name} is gone`);
    }
    assert.match(devnet.stderr(), /devnet stopped/);
  });
});
