// `phalanx node` and one-shot `phalanx` commands as child processes for the end-to-end tests: the real
// CLI entry through tsx, free ports, and JSON-RPC calls against the node.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { CLI } from './devnetProcess.js';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function spawnCli(args: string[]): ChildProcess {
  return spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs a command to its end; one still running after `timeoutMs` is killed (code null). */
export async function runCli(args: string[], timeoutMs = 30_000): Promise<Run> {
  const child = spawnCli(args);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    return await collect(child);
  } finally {
    clearTimeout(timer);
  }
}

export async function collect(child: ChildProcess): Promise<Run> {
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

/**
 * `phalanx node ARGS --rpc-port 0`; resolves with its RPC URL once it logs that it runs (at log
 * level info, the default).
 */
export async function startNodeProcess(args: string[]): Promise<{ child: ChildProcess; rpcUrl: string }> {
  const child = spawnCli(['node', '--rpc-port', '0', ...args]);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const rpcUrl = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; rpcUrl?: string };
        if (entry.msg === 'node running' && entry.rpcUrl) resolve(entry.rpcUrl);
      } catch {
        // Not a log line.
      }
    });
    child.once('exit', (code) => reject(new Error(`node exited with ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error(`node did not start within 60 s: ${stderr}`)), 60_000).unref();
  });
  return { child, rpcUrl };
}

/** The JSON-RPC response body (result or error) of one call. */
export async function rpcCall(
  rpcUrl: string,
  method: string,
  params: unknown[] = [],
): Promise<{ result?: unknown; error?: { code: number; message: string; data?: { code?: string } } }> {
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return (await response.json()) as Awaited<ReturnType<typeof rpcCall>>;
}

export async function headNumber(rpcUrl: string): Promise<number> {
  const { result } = await rpcCall(rpcUrl, 'chain_getHeader');
  return (result as { header: { number: number } }).header.number;
}

/** Signals the child (SIGINT by default) and waits for it to exit. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}
