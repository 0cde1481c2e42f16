// The real `phalanx` command in real processes: a devnet on a free port, a transfer that waits for
// inclusion, queries, key files, bad input against the real server, and shutdown on SIGINT.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeAddress } from '../../src/codec/address.js';
import { devKeypair } from '../../src/codec/devKeys.js';
import { DEV_ENDOWMENT, UNIT } from '../../src/runtime/index.js';
import { CLI, firstStdoutLine } from './devnetProcess.js';

const ROOT = new URL('../../', import.meta.url).pathname;

const BOB = encodeAddress(devKeypair('bob').publicKey);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function startCli(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
}

async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const child = startCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code] = await once(child, 'close');
  return { code: code as number | null, stdout, stderr };
}

/** Starts `devnet --json` and resolves with its first stdout line, parsed. */
async function startDevnet(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; rpcUrl: string; dataDir: string }> {
  // The node alone: these tests count extrinsics per block and race no worker for alice's nonce.
  const child = startCli(
    ['devnet', '--rpc-port', '0', '--block-time', '200', '--json', '--no-workers', ...args],
    env,
  );
  const { line } = await firstStdoutLine(child);
  const { rpcUrl, dataDir } = JSON.parse(line) as { rpcUrl: string; dataDir: string };
  return { child, rpcUrl, dataDir };
}

async function stopWithSigint(child: ChildProcess): Promise<number | null> {
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  const [code] = await exited;
  return code as number | null;
}

describe('phalanx CLI against a devnet', () => {
  let home: string;
  let devnet: { child: ChildProcess; rpcUrl: string; dataDir: string };

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'phalanx-cli-'));
    devnet = await startDevnet(['--tmp'], { PHALANX_HOME: home });
  });

  after(async () => {
    if (devnet.child.exitCode === null) await stopWithSigint(devnet.child);
    await rm(home, { recursive: true, force: true });
  });

  it('transfers from alice to bob, waits for inclusion, and shows bob’s new balance', async () => {
    const transfer = await runCli([
      'tx',
      'balances',
      'transfer',
      '--dev',
      'alice',
      '--to',
      BOB,
      '--amount',
      '2PHX',
      '--wait',
      '--json',
      '--rpc',
      devnet.rpcUrl,
    ]);
    assert.equal(transfer.code, 0, transfer.stderr);
    const inclusion = JSON.parse(transfer.stdout) as {
      outcome: { ok: boolean };
      blockNumber: number;
      events: { module: string; name: string }[];
    };
    assert.deepEqual(inclusion.outcome, { ok: true });
    assert.ok(inclusion.blockNumber >= 1);
    assert.ok(inclusion.events.some((e) => e.module === 'balances' && e.name === 'Transferred'));

    const query = await runCli(['query', 'account', BOB, '--json', '--rpc', devnet.rpcUrl]);
    assert.equal(query.code, 0, query.stderr);
    const account = JSON.parse(query.stdout) as { free: string; nonce: number };
    assert.equal(BigInt(account.free), DEV_ENDOWMENT + 2n * UNIT);

    const block = await runCli([
      'query',
      'block',
      String(inclusion.blockNumber),
      '--json',
      '--rpc',
      devnet.rpcUrl,
    ]);
    assert.equal(block.code, 0, block.stderr);
    assert.equal((JSON.parse(block.stdout) as { extrinsics: unknown[] }).extrinsics.length, 1);
  });

  it('reports a failed call by module and error name, and exits 1', async () => {
    const run = await runCli([
      'tx',
      'balances',
      'transfer',
      '--dev',
      'charlie',
      '--to',
      BOB,
      '--amount',
      `${DEV_ENDOWMENT * 2n}`,
      '--wait',
      '--rpc',
      devnet.rpcUrl,
    ]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /failed: balances\.InsufficientBalance/);
  });

  it('answers usage mistakes with one line and exit status 2, without a stack trace', async () => {
    const missing = await runCli(['tx', 'balances', 'transfer', '--dev', 'alice', '--rpc', devnet.rpcUrl]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /required option '--to <address>'/);
    const badAddress = await runCli([
      'tx',
      'balances',
      'transfer',
      '--dev',
      'alice',
      '--to',
      'phx1nope',
      '--amount',
      '1',
      '--rpc',
      devnet.rpcUrl,
    ]);
    assert.equal(badAddress.code, 2);
    assert.equal(badAddress.stderr.trim().split('\n').length, 1);
    assert.doesNotMatch(badAddress.stderr, /\bat .*\.ts:\d+/);
  });

  it('refuses an unfundable transaction before it reaches a block, naming the reason', async () => {
    const keyFile = join(home, 'poor.json');
    assert.equal((await runCli(['keys', 'generate', '--out', keyFile])).code, 0);
    const run = await runCli([
      'tx',
      'balances',
      'transfer',
      '--key',
      keyFile,
      '--to',
      BOB,
      '--amount',
      '1',
      '--rpc',
      devnet.rpcUrl,
    ]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^error: .*CannotPayFee/);
  });

  it('answers invalid JSON-RPC and an oversize body on the real server without falling over', async () => {
    const invalid = await fetch(devnet.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"jsonrpc":"2.0","id":1,"method":',
    });
    assert.equal(((await invalid.json()) as { error: { code: number } }).error.code, -32700);
    const notRpc = await fetch(devnet.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"id":1}',
    });
    assert.equal(((await notRpc.json()) as { error: { code: number } }).error.code, -32600);
    const oversize = await fetch(devnet.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `"${'x'.repeat(2 * 1024 * 1024)}"`,
    });
    assert.equal(oversize.status, 413);
    await oversize.body?.cancel();
    const health = await fetch(`${devnet.rpcUrl}/health`);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
  });

  it('stops on SIGINT with status 0 and removes its --tmp data folder', async () => {
    assert.ok(existsSync(devnet.dataDir));
    assert.equal(await stopWithSigint(devnet.child), 0);
    assert.equal(existsSync(devnet.dataDir), false);
  });
});

describe('phalanx devnet data folder', () => {
  it('keeps the chain across runs in its data folder', async () => {
    const home = await mkdtemp(join(tmpdir(), 'phalanx-cli-'));
    try {
      const first = await startDevnet([], { PHALANX_HOME: home });
      assert.equal(first.dataDir, join(home, 'devnet'));
      const sent = await runCli([
        'tx',
        'balances',
        'transfer',
        '--dev',
        'dave',
        '--to',
        BOB,
        '--amount',
        '3PHX',
        '--wait',
        '--rpc',
        first.rpcUrl,
      ]);
      assert.equal(sent.code, 0, sent.stderr);
      assert.equal(await stopWithSigint(first.child), 0);

      const second = await startDevnet([], { PHALANX_HOME: home });
      try {
        const query = await runCli(['query', 'account', BOB, '--json', '--rpc', second.rpcUrl]);
        assert.equal(BigInt((JSON.parse(query.stdout) as { free: string }).free), DEV_ENDOWMENT + 3n * UNIT);
      } finally {
        await stopWithSigint(second.child);
      }
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('phalanx keys', () => {
  it('writes a key file owner-only, refuses to overwrite it, and rejects one whose address was edited', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'phalanx-keys-'));
    try {
      const file = join(dir, 'key.json');
      const generated = await runCli(['keys', 'generate', '--out', file, '--json']);
      assert.equal(generated.code, 0, generated.stderr);
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      const { address } = JSON.parse(generated.stdout) as { address: string };

      const again = await runCli(['keys', 'generate', '--out', file]);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /already exists/);

      const inspected = await runCli(['keys', 'inspect', file, '--json']);
      assert.equal(inspected.code, 0, inspected.stderr);
      assert.equal((JSON.parse(inspected.stdout) as { address: string }).address, address);
      assert.doesNotMatch(inspected.stdout, /secretSeed/);

      const tampered = JSON.parse(await readFile(file, 'utf8')) as { address: string };
      tampered.address = BOB;
      const edited = join(dir, 'edited.json');
      await writeFile(edited, JSON.stringify(tampered));
      const rejected = await runCli(['keys', 'inspect', edited]);
      assert.equal(rejected.code, 2);
      assert.match(rejected.stderr, /does not match the key/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
