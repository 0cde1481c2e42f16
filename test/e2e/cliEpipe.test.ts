// `phalanx query block 1 | head`: when the reader of stdout goes away, the command ends quietly with
// exit status 0, as Unix tools do, instead of dying on an unhandled `write EPIPE` with a stack trace.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from './devnetProcess.js';
import { collect, headNumber, runCli, spawnCli, startNodeProcess, stopProcess } from './nodeProcess.js';

describe('phalanx writing to a closed pipe', () => {
  let home: string;
  let node: { child: ChildProcess; rpcUrl: string };
  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'phalanx-e2e-epipe-'));
    node = await startNodeProcess(['--dev', '--data-dir', join(home, 'node'), '--block-time', '100']);
    await waitFor('block 1', async () => ((await headNumber(node.rpcUrl)) >= 1 ? true : undefined));
  });
  after(async () => {
    await stopProcess(node.child);
    rmSync(home, { recursive: true, force: true });
  });

  it('prints the block when someone reads it', async () => {
    const run = await runCli(['query', 'block', '1', '--rpc', node.rpcUrl]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /block #1 /);
  });

  it('ends with status 0 and nothing on stderr when the reader closed the pipe before the output', async () => {
    for (const args of [
      ['query', 'block', '1', '--rpc', node.rpcUrl],
      ['query', 'block', '1', '--json', '--rpc', node.rpcUrl],
      ['--help'],
    ]) {
      const child = spawnCli(args);
      // The reader goes away at once (as `head` does after its lines): every write gets EPIPE.
      child.stdout!.destroy();
      const run = await collect(child);
      assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
      assert.equal(run.stderr, '', args.join(' '));
    }
  });
});
