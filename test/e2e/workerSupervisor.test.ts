// A worker started by a supervisor (the devnet) over an IPC channel stops when that channel closes,
// which is what happens when the supervisor is killed with SIGKILL: devnet workers must not outlive
// their devnet. Real `phalanx worker` processes; the node they point at does not exist, so they sit
// in their retry loops, the state in which an orphan would otherwise run forever.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, waitFor } from './devnetProcess.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** A loopback port nobody listens on: bound, read, released. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function startWorker(home: string, name: string, extra: string[]) {
  const rpc = `http://127.0.0.1:${await closedPort()}`;
  const child = spawn(
    process.execPath,
    [
      ...CLI,
      'worker',
      '--tee',
      'sim',
      '--dev',
      'dave',
      '--rpc',
      rpc,
      '--data-dir',
      join(home, name),
      '--sim-machine-dir',
      join(home, 'machine'),
      ...extra,
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, exited, stderr: () => stderr };
}

describe('a worker under a supervisor', { timeout: 60_000 }, () => {
  let home: string;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'phalanx-e2e-supervised-'));
  });
  after(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('stops gracefully (status 0) when the channel closes while it retries the node', async () => {
    const genesis = `0x${'ab'.repeat(32)}`;
    const worker = await startWorker(home, 'running', ['--genesis-hash', genesis]);
    try {
      await waitFor('the worker to back off from the absent node', async () =>
        /backing off|retry/i.test(worker.stderr()) ? true : undefined,
      );
      worker.child.disconnect();
      const [code, signal] = await worker.exited;
      assert.deepEqual({ code, signal }, { code: 0, signal: null }, worker.stderr());
    } finally {
      worker.child.kill('SIGKILL');
    }
  });

  it('exits while still waiting to pin its chain', async () => {
    const worker = await startWorker(home, 'pinning', []);
    try {
      await waitFor('the worker to wait for the node', async () =>
        /cannot reach the node to pin the chain/.test(worker.stderr()) ? true : undefined,
      );
      worker.child.disconnect();
      // Its SIGTERM handler is not installed yet, so SIGTERM's default ends it.
      const [code, signal] = await worker.exited;
      assert.deepEqual({ code, signal }, { code: null, signal: 'SIGTERM' }, worker.stderr());
    } finally {
      worker.child.kill('SIGKILL');
    }
  });
});
