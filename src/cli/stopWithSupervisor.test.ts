import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, it } from 'node:test';

const MODULE = new URL('./stopWithSupervisor.ts', import.meta.url).href;
const children: ChildProcess[] = [];

/**
 * A child that calls stopWithSupervisor(300) and stays alive on its own (an interval), with a
 * SIGTERM handler that says so and then either exits or, like a stop that hangs, does nothing.
 */
function startChild(onSigterm: 'exit' | 'hang') {
  const script = `
    import { stopWithSupervisor } from ${JSON.stringify(MODULE)};
    stopWithSupervisor(300);
    setInterval(() => {}, 1000);
    process.on('SIGTERM', () => {
      process.stdout.write('SIGTERM\\n');
      ${onSigterm === 'exit' ? 'process.exit(0);' : ''}
    });
    process.stdout.write('ready\\n');
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let stdout = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  children.push(child);
  const ready = new Promise<void>((resolve) => {
    child.stdout?.on('data', () => {
      if (stdout.includes('ready')) resolve();
    });
  });
  return { child, ready, stdout: () => stdout };
}

describe('stopWithSupervisor', () => {
  // A child that failed to exit must not outlive the test (it would hold the runner open).
  afterEach(() => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('turns the end of the supervisor’s channel into a SIGTERM', async () => {
    const { child, ready, stdout } = startChild('exit');
    await ready;
    const exited = once(child, 'exit');
    child.disconnect();
    const [code] = await exited;
    assert.equal(code, 0);
    assert.match(stdout(), /SIGTERM/);
  });

  it('exits by itself when the graceful stop hangs, since no supervisor is left to kill it', {
    timeout: 10_000,
  }, async () => {
    const { child, ready, stdout } = startChild('hang');
    await ready;
    const exited = once(child, 'exit');
    const started = performance.now();
    child.disconnect();
    const [code] = await exited;
    assert.equal(code, 1);
    assert.match(stdout(), /SIGTERM/);
    assert.ok(performance.now() - started >= 250, 'it gave the stop its time first');
  });
});
