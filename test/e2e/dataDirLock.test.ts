// One process per data folder, with real processes: a second `phalanx node` or `phalanx devnet` on a
// folder in use is refused at once with one line naming the holder's PID (it used to start anyway,
// log "block N does not extend the stored head" with a stack trace every block and serve a stale
// head), while the first goes on; a holder killed with SIGKILL leaves a lock the next start takes over.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { firstStdoutLine, isAlive, waitFor } from './devnetProcess.js';
import {
  headNumber,
  type Run,
  runCli,
  spawnCli,
  startNodeProcess,
  stopProcess as stop,
} from './nodeProcess.js';

const startNode = (dataDir: string) =>
  startNodeProcess(['--dev', '--data-dir', dataDir, '--block-time', '100']);

function assertRefused(run: Run, pid: number): void {
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, new RegExp(`in use by process ${pid}\\b`));
  assert.match(run.stderr, /\(DataDirLocked\)/);
  // One line for a human, no stack trace, nothing about blocks that do not extend the head.
  assert.doesNotMatch(run.stderr, /\n\s+at /);
  assert.doesNotMatch(run.stderr + run.stdout, /does not extend the stored head/);
}

describe('data folder lock', () => {
  let home: string;
  const children: ChildProcess[] = [];
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'phalanx-e2e-lock-'));
  });
  after(async () => {
    for (const child of children) await stop(child, 'SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });

  it('refuses a second node on a data folder in use, naming the first one’s PID, and the first goes on', async () => {
    const dataDir = join(home, 'node');
    const first = await startNode(dataDir);
    children.push(first.child);
    assert.equal(readFileSync(join(dataDir, 'LOCK'), 'utf8'), `${first.child.pid}\n`);
    const before = await headNumber(first.rpcUrl);

    const second = await runCli(['node', '--dev', '--data-dir', dataDir, '--rpc-port', '0']);
    assertRefused(second, first.child.pid!);

    await waitFor('the first node to keep sealing', async () =>
      (await headNumber(first.rpcUrl)) > before + 2 ? true : undefined,
    );
    await stop(first.child);
    // A clean stop leaves no lock behind.
    assert.equal(existsSync(join(dataDir, 'LOCK')), false);
  });

  it('takes over the lock of a node killed with SIGKILL and continues its chain', async () => {
    const dataDir = join(home, 'killed');
    const first = await startNode(dataDir);
    children.push(first.child);
    await waitFor('a few blocks', async () => ((await headNumber(first.rpcUrl)) >= 3 ? true : undefined));
    await stop(first.child, 'SIGKILL');
    assert.equal(isAlive(first.child.pid!), false);
    assert.equal(readFileSync(join(dataDir, 'LOCK'), 'utf8'), `${first.child.pid}\n`);
    const last = 3;

    const restarted = await startNode(dataDir);
    children.push(restarted.child);
    assert.equal(readFileSync(join(dataDir, 'LOCK'), 'utf8'), `${restarted.child.pid}\n`);
    assert.ok((await headNumber(restarted.rpcUrl)) >= last);
    await stop(restarted.child);
  });

  it('refuses a second devnet on a folder in use before it starts a node or a worker', async () => {
    const dataDir = join(home, 'devnet');
    const first = spawnCli(['devnet', '--data-dir', dataDir, '--rpc-port', '0', '--no-workers', '--json']);
    children.push(first);
    const { line } = await firstStdoutLine(first);
    const { rpcUrl } = JSON.parse(line) as { rpcUrl: string };

    const second = await runCli(['devnet', '--data-dir', dataDir, '--rpc-port', '0', '--json']);
    assertRefused(second, first.pid!);
    assert.equal(second.stdout, '');
    // It got no further than the lock: no worker folders, no log folder.
    assert.equal(existsSync(join(dataDir, 'logs')), false);
    assert.equal(existsSync(join(dataDir, 'gatekeeper')), false);
    assert.ok((await headNumber(rpcUrl)) >= 0);
    await stop(first);
    assert.equal(existsSync(join(dataDir, 'LOCK')), false);
  });
});
