// A `phalanx devnet` child process for the end-to-end tests: the real CLI entry (cliEntry), free
// ports, short blocks, a temporary data folder; helpers to wait on chain conditions over RPC.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const ROOT = new URL('../../', import.meta.url).pathname;

/** The newest modification time of any file under `dir` (ms). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The `phalanx` entry the end-to-end tests run: the compiled one (bin/phalanx.js) when dist/ is at
 * least as new as every source file, as after `npm test`'s build; otherwise the sources through tsx.
 * A process through tsx spends a second or more compiling before it starts, and a devnet test
 * starts dozens (the devnet, its nodes and workers, each CLI call).
 */
function cliEntry(): string[] {
  const compiled = join(ROOT, 'dist/cli/main.js');
  if (existsSync(compiled) && statSync(compiled).mtimeMs >= newestMtime(join(ROOT, 'src'))) {
    return [join(ROOT, 'bin/phalanx.js')];
  }
  return ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')];
}

export const CLI = cliEntry();

export interface DevnetPids {
  devnet: number;
  children: Record<string, { pid: number | null; dataDir: string }>;
}

export interface DevnetProcess {
  child: ChildProcess;
  rpcUrl: string;
  /** Every node the devnet printed (one without --nodes), and its etcd cluster's client URLs. */
  nodes: { name: string; rpcUrl: string; wsUrl: string }[];
  etcd: string[];
  dashboardUrl: string;
  dataDir: string;
  stderr(): string;
  readPids(): Promise<DevnetPids>;
  /** SIGINT and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Last resort for `after`: kills the devnet and every child named in its PID file, then removes the folder. */
  destroy(): Promise<void>;
}

/**
 * The first line a `devnet --json` child prints (its addresses), and its stderr so far at any time
 * after. Rejects, with that stderr, if the child exits first.
 */
export async function firstStdoutLine(child: ChildProcess): Promise<{ line: string; stderr: () => string }> {
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const end = stdout.indexOf('\n');
      if (end >= 0) resolve(stdout.slice(0, end));
    });
    child.once('exit', (code) => reject(new Error(`devnet exited with ${code}: ${stderr}`)));
  });
  return { line, stderr: () => stderr };
}

export async function startDevnetProcess(args: string[] = []): Promise<DevnetProcess> {
  const home = await mkdtemp(join(tmpdir(), 'phalanx-e2e-devnet-'));
  const dataDir = join(home, 'net');
  const child = spawn(
    process.execPath,
    [...CLI, 'devnet', '--data-dir', dataDir, '--rpc-port', '0', '--block-time', '200', '--json', ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const { line, stderr } = await firstStdoutLine(child);
  const info = JSON.parse(line) as {
    rpcUrl: string;
    nodes: DevnetProcess['nodes'];
    etcd: string[];
    dashboardUrl: string | null;
    pidsFile: string | null;
  };
  const readPids = async () =>
    JSON.parse(await readFile(join(dataDir, 'devnet-pids.json'), 'utf8')) as DevnetPids;
  return {
    child,
    rpcUrl: info.rpcUrl,
    nodes: info.nodes,
    etcd: info.etcd,
    dashboardUrl: info.dashboardUrl ?? '',
    dataDir,
    stderr,
    readPids,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      const [code] = await exited;
      return code as number | null;
    },
    async destroy() {
      const pids = await readPids().catch(() => undefined);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const entry of Object.values(pids?.children ?? {})) {
        if (entry.pid !== null && isAlive(entry.pid)) process.kill(entry.pid, 'SIGKILL');
      }
      await rm(home, { recursive: true, force: true });
    },
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `probe` until it returns a value other than undefined; fails after `timeoutMs` naming `what`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 40_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await delay(200);
  }
  throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}
