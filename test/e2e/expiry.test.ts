// Foundations §3 and §4, "Must show", on a real devnet with a short attestation validity (20 s of
// chain time, 200 ms blocks): a worker that keeps running re-attests before its expiry and never
// lapses; a worker that stops (SIGSTOP: frozen, so the devnet does not restart it) becomes
// `Expired` at its expiry, marked by the chain's own block hook; every worker reports a benchmark
// score its enclave core signed. `phalanx tx registry expire` answers for both kinds of worker.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { createHttpClient } from '../../src/client/createHttpClient.js';
import { getBlockHash } from '../../src/client/getBlockHash.js';
import { getEvents } from '../../src/client/getEvents.js';
import { getHeader } from '../../src/client/getHeader.js';
import { getHealth } from '../../src/client/getHealth.js';
import { listWorkers } from '../../src/client/listWorkers.js';
import type { RpcClient } from '../../src/client/types.js';
import { encodeAddress } from '../../src/codec/address.js';
import { devKeypair } from '../../src/codec/devKeys.js';
import type { WorkerJson } from '../../src/runtime/registry/schemas.js';
import { CLI, type DevnetProcess, isAlive, startDevnetProcess, waitFor } from './devnetProcess.js';

const VALIDITY_MS = 20_000n;
/** registry/expireLapsedWorkers.ts: the hook marks a lapsed worker within one slot. */
const EXPIRY_SLOT_MS = 6000n;

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

interface RegistryEvent {
  number: number;
  timestamp: bigint;
  phase: number | null;
  name: string;
  fields: Record<string, unknown>;
}

/** Reads registry events block by block, remembering where it stopped, so each call reads only new blocks. */
function createEventLog(client: RpcClient) {
  const events: RegistryEvent[] = [];
  let next = 1;
  return {
    events,
    async catchUp(): Promise<RegistryEvent[]> {
      const { bestNumber } = await getHealth(client);
      for (; next <= bestNumber; next++) {
        const hash = await getBlockHash(client, next);
        assert.ok(hash, `block #${next} exists`);
        const found = ((await getEvents(client, hash))?.events ?? []).filter((e) => e.module === 'registry');
        if (found.length === 0) continue;
        const timestamp = (await getHeader(client, hash))!.signed.header.timestamp;
        for (const e of found) {
          events.push({ number: next, timestamp, phase: e.phase ?? null, name: e.name, fields: e.fields });
        }
      }
      return events;
    },
    of: (pubkey: string) => events.filter((e) => e.fields.worker === pubkey),
  };
}

const isExpiry = (e: RegistryEvent) => e.name === 'WorkerStateChanged' && e.fields.to === 'Expired';

describe('devnet with a 20 s attestation validity', () => {
  let devnet: DevnetProcess;
  let client: RpcClient;
  let stoppedPid: number | undefined;

  before(async () => {
    devnet = await startDevnetProcess(['--workers', '2', '--attestation-validity', '20s']);
    client = createHttpClient(devnet.rpcUrl);
  });
  after(async () => {
    if (stoppedPid !== undefined && isAlive(stoppedPid)) process.kill(stoppedPid, 'SIGCONT');
    await client?.close();
    await devnet?.destroy();
  });

  it('keeps a running worker Provisioned through re-attestation, and expires a stopped one at its expiry', {
    timeout: 120_000,
  }, async () => {
    const byOperator = (workers: WorkerJson[], name: string) =>
      workers.find((w) => w.operator === encodeAddress(devKeypair(name).publicKey));
    // worker-1 is operated by dave, worker-2 by eve (devnet.ts).
    const ready = await waitFor('gatekeeper and both workers Provisioned', async () => {
      const list = await listWorkers(client);
      return list.length === 3 && list.every((w) => w.state === 'Provisioned') ? list : undefined;
    });
    const running = byOperator(ready, 'dave')!;
    const stopped = byOperator(ready, 'eve')!;
    assert.equal(BigInt(running.attestation.expiresAt) - BigInt(running.attestation.attestedAt), VALIDITY_MS);

    // Freeze worker-2: alive to its supervisor (no restart), silent to the chain.
    const pids = await devnet.readPids();
    stoppedPid = pids.children['worker-2']!.pid!;
    process.kill(stoppedPid, 'SIGSTOP');
    // The running worker is not expired, and says so through the CLI.
    const early = await runCli([
      'tx',
      'registry',
      'expire',
      running.pubkey,
      '--dev',
      'bob',
      '--wait',
      '--rpc',
      devnet.rpcUrl,
    ]);
    assert.equal(early.code, 1, early.stderr);
    assert.match(early.stdout, /failed: registry\.NotExpired/);

    const log = createEventLog(client);
    const expired = await waitFor(
      'worker-2 marked Expired',
      async () => {
        await log.catchUp();
        return log.of(stopped.pubkey).find(isExpiry);
      },
      60_000,
    );
    // The chain's record of worker-2 now is the registration it lapsed with (a frozen worker
    // submits nothing more).
    const expiresAt = BigInt(
      (await listWorkers(client)).find((w) => w.pubkey === stopped.pubkey)!.attestation.expiresAt,
    );
    assert.deepEqual(
      { from: expired.fields.from, to: expired.fields.to, phase: expired.phase },
      { from: 'Provisioned', to: 'Expired', phase: null },
      'the block hook moved it, not a transaction',
    );
    assert.ok(expired.timestamp >= expiresAt, 'not before its expiry');
    // The first block at or after the slot boundary past the expiry: within a slot, plus a block.
    assert.ok(expired.timestamp - expiresAt < EXPIRY_SLOT_MS + 2000n, `${expired.timestamp} vs ${expiresAt}`);

    // By now the running worker has re-attested at least once, each time before its expiry.
    await waitFor('worker-1 re-attested', async () => {
      await log.catchUp();
      return log.of(running.pubkey).some((e) => e.name === 'WorkerReattested') ? true : undefined;
    });
    const history = log.of(running.pubkey);
    assert.deepEqual(history.filter(isExpiry), [], 'the running worker never lapsed');
    let previousExpiry = BigInt(running.attestation.expiresAt);
    for (const renewal of history.filter((e) => e.name === 'WorkerReattested')) {
      assert.ok(renewal.timestamp < previousExpiry, 'renewed before its expiry');
      previousExpiry = BigInt(renewal.fields.expiresAt as string);
    }
    const now = await listWorkers(client);
    assert.equal(byOperator(now, 'dave')?.state, 'Provisioned', 'kept its network key');
    assert.equal(byOperator(now, 'eve')?.state, 'Expired');

    const again = await runCli([
      'tx',
      'registry',
      'expire',
      stopped.pubkey,
      '--dev',
      'bob',
      '--wait',
      '--rpc',
      devnet.rpcUrl,
    ]);
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stdout, /failed: registry\.AlreadyExpired/);
  });

  it('has every running worker report a benchmark score that its enclave core signed', {
    timeout: 60_000,
  }, async () => {
    // The chain accepted each report only with the worker identity key's signature over it.
    const running = await waitFor('benchmarks of the gatekeeper and worker-1', async () => {
      const list = (await listWorkers(client)).filter((w) => w.state !== 'Expired');
      return list.length === 2 && list.every((w) => w.benchmark !== null) ? list : undefined;
    });
    for (const worker of running) {
      assert.ok(worker.benchmark!.score > 0, `${worker.pubkey} scored`);
      assert.ok(worker.benchmark!.blockNumber > worker.registeredAt);
    }
  });
});
