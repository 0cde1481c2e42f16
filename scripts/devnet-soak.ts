// A healthy devnet's liveness over time (issue 9, "Must show": a healthy devnet run for 10 minutes
// records zero misses), measured from outside as an operator would: runs the real `phalanx devnet`
// (or attaches to one with --rpc), waits until its workers are in a session, then for `--minutes`
// reads every block's events and counts the challenges issued, the heartbeats accepted and the
// challenges missed, per worker, with the heartbeat latency (blocks from challenge to acceptance).
// Exits 1 if any challenge was missed.
//
//   npx tsx scripts/devnet-soak.ts [--minutes 10] [--block-time 500] [--workers 3] [--rpc URL] [--json]
//
// test/e2e/liveness.test.ts runs it for half a minute against its devnet before freezing a worker.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { callMethod } from '../src/client/callMethod.js';
import { createHttpClient } from '../src/client/createHttpClient.js';
import { getBlockHash } from '../src/client/getBlockHash.js';
import { getEvents } from '../src/client/getEvents.js';
import { getHealth } from '../src/client/getHealth.js';
import type { RpcClient } from '../src/client/types.js';
import { computationRpc } from '../src/runtime/computation/schemas.js';

const ROOT = new URL('../', import.meta.url).pathname;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    'block-time': { type: 'string', default: '500' },
    workers: { type: 'string', default: '3' },
    rpc: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const minutes = Number(values.minutes);
const workers = Number(values.workers);
if (!(minutes > 0) || !(workers >= 1)) throw new Error('--minutes must be > 0 and --workers ≥ 1');

/** Per worker: challenges issued, heartbeats accepted, challenges missed. */
interface WorkerCounts {
  challenged: number;
  answered: number;
  missed: number;
}

interface SoakReport {
  fromBlock: number;
  toBlock: number;
  minutes: number;
  sessions: number;
  challenged: number;
  answered: number;
  missed: number;
  slashed: number;
  /** Blocks from a challenge to its heartbeat's block. */
  latency: { p50: number; p99: number; max: number };
  perWorker: Record<string, WorkerCounts>;
}

async function startDevnet(): Promise<{ rpcUrl: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'devnet',
      '--tmp',
      '--json',
      '--rpc-port',
      '0',
      '--block-time',
      values['block-time']!,
      '--workers',
      String(workers),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const end = stdout.indexOf('\n');
      if (end >= 0) resolve(stdout.slice(0, end));
    });
    child.once('exit', (code) => reject(new Error(`devnet exited with ${code}`)));
  });
  return { rpcUrl: (JSON.parse(line) as { rpcUrl: string }).rpcUrl, child };
}

async function waitForSessions(client: RpcClient): Promise<number> {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    const page = await callMethod(client, computationRpc.listSessions).catch(() => undefined);
    const working = page?.sessions.filter((s) => s.state === 'Idle' || s.state === 'Serving').length ?? 0;
    if (working >= workers) return working;
    if (Date.now() > deadline)
      throw new Error(`only ${working} of ${workers} workers in a session after 5 minutes`);
    await delay(500);
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function soak(client: RpcClient): Promise<SoakReport> {
  const sessions = await waitForSessions(client);
  const fromBlock = (await getHealth(client)).bestNumber + 1;
  const until = Date.now() + minutes * 60_000;
  const perWorker: Record<string, WorkerCounts> = {};
  const challengedAt = new Map<string, number>();
  const latencies: number[] = [];
  let slashed = 0;
  let next = fromBlock;
  const of = (worker: unknown) => {
    const key = String(worker);
    perWorker[key] ??= { challenged: 0, answered: 0, missed: 0 };
    return perWorker[key];
  };
  while (Date.now() < until) {
    const best = (await getHealth(client)).bestNumber;
    for (; next <= best; next++) {
      const hash = await getBlockHash(client, next);
      for (const e of (hash && (await getEvents(client, hash)))?.events ?? []) {
        if (e.module !== 'computation') continue;
        const worker = String(e.fields.worker);
        if (e.name === 'Challenged') {
          of(worker).challenged += 1;
          challengedAt.set(`${worker}/${e.fields.block}`, e.fields.block as number);
        } else if (e.name === 'HeartbeatAccepted') {
          of(worker).answered += 1;
          const at = challengedAt.get(`${worker}/${e.fields.challengeBlock}`);
          if (at !== undefined) latencies.push(next - at);
        } else if (e.name === 'HeartbeatMissed') {
          of(worker).missed += 1;
        } else if (e.name === 'Slashed') {
          slashed += 1;
        }
      }
    }
    await delay(250);
  }
  latencies.sort((a, b) => a - b);
  const sum = (k: keyof WorkerCounts) => Object.values(perWorker).reduce((n, c) => n + c[k], 0);
  return {
    fromBlock,
    toBlock: next - 1,
    minutes,
    sessions,
    challenged: sum('challenged'),
    answered: sum('answered'),
    missed: sum('missed'),
    slashed,
    latency: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? 0 },
    perWorker,
  };
}

const devnet = values.rpc ? undefined : await startDevnet();
const client = createHttpClient(values.rpc ?? devnet!.rpcUrl);
try {
  const report = await soak(client);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    process.stdout.write(
      [
        `blocks #${report.fromBlock}..#${report.toBlock} (${report.minutes} min), ${report.sessions} workers in a session`,
        `challenges ${report.challenged}, heartbeats accepted ${report.answered}, missed ${report.missed}, slashes ${report.slashed}`,
        `heartbeat latency in blocks: p50 ${report.latency.p50}, p99 ${report.latency.p99}, max ${report.latency.max}`,
        ...Object.entries(report.perWorker).map(
          ([w, c]) => `  ${w}  challenged ${c.challenged}  answered ${c.answered}  missed ${c.missed}`,
        ),
        report.missed === 0 ? 'zero misses' : `${report.missed} MISSES`,
        '',
      ].join('\n'),
    );
  }
  process.exitCode = report.missed === 0 ? 0 : 1;
} finally {
  await client.close();
  if (devnet) {
    const exited = once(devnet.child, 'exit');
    devnet.child.kill('SIGINT');
    await exited;
  }
}
