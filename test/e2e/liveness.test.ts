// Issue 9, "Must show", on real processes: a `phalanx devnet` (a node, a gatekeeper and three sim
// workers as separate processes) stakes and starts its workers and deploys a contract on two of them.
// A healthy devnet answers every challenge (scripts/devnet-soak.ts, run here for half a minute). Then
// one Serving worker is frozen with SIGSTOP: the chain marks it Unresponsive in the block after its
// first missed deadline, moves its contract to the spare worker at once, and slashes `slashPpm` of
// its stake when the outage window has passed; thawed with SIGCONT, it answers its next challenge and
// is Idle again.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { callMethod } from '../../src/client/callMethod.js';
import { createHttpClient } from '../../src/client/createHttpClient.js';
import { getBlockHash } from '../../src/client/getBlockHash.js';
import { getEvents } from '../../src/client/getEvents.js';
import { getHealth } from '../../src/client/getHealth.js';
import type { RpcClient } from '../../src/client/types.js';
import { computationRpc } from '../../src/runtime/computation/schemas.js';
import { contractsRpc } from '../../src/runtime/contracts/schemas.js';
import { stakingRpc } from '../../src/runtime/staking/schemas.js';
import { type DevnetProcess, startDevnetProcess, waitFor } from './devnetProcess.js';

const ROOT = new URL('../../', import.meta.url).pathname;

interface LivenessEvent {
  block: number;
  module: string;
  name: string;
  fields: Record<string, unknown>;
}

/** The computation and contracts events of blocks `from`..head. */
async function livenessEvents(client: RpcClient, from: number): Promise<LivenessEvent[]> {
  const { bestNumber } = await getHealth(client);
  const out: LivenessEvent[] = [];
  for (let number = from; number <= bestNumber; number++) {
    const hash = await getBlockHash(client, number);
    for (const e of (hash && (await getEvents(client, hash)))?.events ?? []) {
      if (e.module === 'computation' || e.module === 'contracts') {
        out.push({ block: number, module: e.module, name: e.name, fields: e.fields });
      }
    }
  }
  return out;
}

/** Which devnet child runs which worker key: from the first "enclave core ready" line of its log. */
async function processOf(devnet: DevnetProcess, worker: string): Promise<{ name: string; pid: number }> {
  const pids = await devnet.readPids();
  for (const [name, entry] of Object.entries(pids.children)) {
    const log = await readFile(join(devnet.dataDir, 'logs', `${name}.log`), 'utf8');
    const ready = log
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; worker?: string })
      .find((e) => e.msg === 'enclave core ready');
    if (ready && `0x${ready.worker}` === worker && entry.pid !== null) return { name, pid: entry.pid };
  }
  throw new Error(`no devnet process runs worker ${worker}`);
}

describe('liveness on a real devnet', () => {
  let devnet: DevnetProcess;
  let client: RpcClient;
  let frozen: number | undefined;

  before(async () => {
    devnet = await startDevnetProcess(['--workers', '3']);
    client = createHttpClient(devnet.rpcUrl);
  });
  after(async () => {
    if (frozen !== undefined) {
      try {
        process.kill(frozen, 'SIGCONT');
      } catch {}
    }
    await client?.close();
    await devnet?.destroy();
  });

  it('stakes and starts every worker, deploys a contract with a spare, and misses no challenge while healthy', {
    timeout: 240_000,
  }, async () => {
    // The soak script against this devnet: it waits for the sessions, then counts for half a minute.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/devnet-soak.ts',
        '--rpc',
        devnet.rpcUrl,
        '--workers',
        '3',
        '--minutes',
        '0.5',
        '--json',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const [code] = await once(child, 'close');
    assert.equal(code, 0, `soak: ${stdout}${stderr}`);
    const report = JSON.parse(stdout) as {
      missed: number;
      answered: number;
      challenged: number;
      sessions: number;
    };
    assert.equal(report.sessions, 3);
    assert.equal(report.missed, 0, 'a healthy devnet misses nothing');
    assert.ok(report.answered > 0, `heartbeats were accepted: ${stdout}`);

    const { sessions } = await callMethod(client, computationRpc.listSessions);
    assert.equal(sessions.length, 3);
    assert.equal(sessions.filter((s) => s.state === 'Serving').length, 2);
    assert.equal(sessions.filter((s) => s.state === 'Idle').length, 1, 'one spare');
    const [contract, ...others] = await callMethod(client, contractsRpc.getAssignments);
    assert.equal(others.length, 0);
    assert.equal(contract?.replicas, 2);
    assert.match(devnet.stderr(), /first heartbeat accepted/);
  });

  it('freezes a Serving worker: Unresponsive after its first missed deadline, its contract moved and its stake slashed; thawed, it is Idle again', {
    timeout: 300_000,
  }, async () => {
    const genesis = JSON.parse(await readFile(join(devnet.dataDir, 'genesis.json'), 'utf8')) as {
      computation: { heartbeatWindow: number; slashPpm: number; outageWindow: number };
    };
    const { heartbeatWindow, slashPpm, outageWindow } = genesis.computation;
    const { sessions } = await callMethod(client, computationRpc.listSessions);
    const victim = sessions.find((s) => s.state === 'Serving')!.worker;
    const spare = sessions.find((s) => s.state === 'Idle')!.worker;
    const stakeBefore = BigInt((await callMethod(client, stakingRpc.getStake, victim))!.active);
    const { pid } = await processOf(devnet, victim);

    const frozenAt = (await getHealth(client)).bestNumber;
    process.kill(pid, 'SIGSTOP');
    frozen = pid;
    const events = await waitFor(
      'the frozen worker to miss a challenge',
      async () => {
        const list = await livenessEvents(client, Math.max(1, frozenAt - 2 * heartbeatWindow));
        return list.some((e) => e.name === 'HeartbeatMissed' && e.fields.worker === victim)
          ? list
          : undefined;
      },
      120_000,
    );
    const missed = events.find((e) => e.name === 'HeartbeatMissed' && e.fields.worker === victim)!;
    const challenge = events.find(
      (e) =>
        e.name === 'Challenged' &&
        e.fields.worker === victim &&
        e.fields.block === missed.fields.challengeBlock,
    )!;
    const deadline = challenge.fields.deadline as number;
    assert.equal(deadline, (challenge.fields.block as number) + heartbeatWindow);
    const unresponsive = events.find(
      (e) => e.name === 'SessionStateChanged' && e.fields.worker === victim && e.fields.to === 'Unresponsive',
    )!;
    assert.ok(unresponsive, 'marked Unresponsive');
    assert.equal(unresponsive.block, missed.block);
    assert.ok(
      unresponsive.block - deadline <= 1,
      `Unresponsive at #${unresponsive.block}, its deadline #${deadline}: within heartbeatWindow + 1 blocks of the challenge`,
    );
    assert.equal(missed.fields.slashPending, true, 'it held a contract: a slash is pending');

    // Its contract moved to the spare in that same block.
    const moved = events.filter((e) => e.module === 'contracts' && e.block === missed.block);
    assert.ok(moved.some((e) => e.name === 'Unassigned' && e.fields.worker === victim));
    assert.ok(moved.some((e) => e.name === 'Assigned' && e.fields.worker === spare));
    const [contract] = await callMethod(client, contractsRpc.getAssignments);
    assert.ok(contract && !contract.workers.includes(victim) && contract.workers.includes(spare));
    assert.equal(contract.workers.length, contract.replicas);

    // Thaw it now; the slash for the miss is decided `outageWindow` blocks after it regardless.
    process.kill(pid, 'SIGCONT');
    frozen = undefined;
    const slashed = await waitFor(
      'the slash',
      async () =>
        (await livenessEvents(client, missed.block)).find(
          (e) => e.name === 'Slashed' && e.fields.worker === victim,
        ),
      120_000,
    );
    assert.equal(slashed.block, missed.block + outageWindow);
    const expected = (stakeBefore * BigInt(slashPpm)) / 1_000_000n;
    assert.equal(BigInt(slashed.fields.amount as string), expected, `slashPpm ${slashPpm} of ${stakeBefore}`);
    const stakeAfter = BigInt((await callMethod(client, stakingRpc.getStake, victim))!.active);
    assert.equal(stakeAfter, stakeBefore - expected);

    const back = await waitFor(
      'the thawed worker to answer and be Idle',
      async () => {
        const session = await callMethod(client, computationRpc.getSession, victim);
        return session?.state === 'Idle' ? session : undefined;
      },
      120_000,
    );
    assert.ok(back.lastHeartbeatBlock > missed.block, 'it answered a challenge after the miss');
    assert.equal(back.contracts, 0);
  });
});
