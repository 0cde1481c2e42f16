// A real `phalanx node` process for the throughput benchmark: the CLI entry through tsx (what
// `npm start` and the e2e tests run), a genesis file of the benchmark's making, its RPC port on
// 127.0.0.1, chosen by the OS. Its JSON log lines are read for the RPC URL, then drained so that a
// full pipe never stalls the node.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
// To see where a benchmark's node processes spend their time: a V8 CPU profile of each (written
// when it exits) into PHALANX_BENCH_CPU_PROFILE, and each one's log lines into
// PHALANX_BENCH_LOG_DIR/node-<pid>.log (otherwise they are read for the RPC URL and dropped).
const CPU_PROFILE_DIR = process.env.PHALANX_BENCH_CPU_PROFILE;
const LOG_DIR = process.env.PHALANX_BENCH_LOG_DIR;

export interface NodeProcess {
  readonly rpcUrl: string;
  readonly child: ChildProcess;
  /** SIGTERM, then SIGKILL after 10 s; removes the data folder. */
  stop(): Promise<void>;
}

export async function startNodeProcess(opts: {
  genesis: unknown;
  blockTimeMs: number;
  /** More CLI options, after the ones above (e.g. `--ordering etcd …`; `--authority-key` wins over `--dev`). */
  args?: readonly string[];
  /** Startup includes building genesis, which grows with its accounts. */
  timeoutMs?: number;
}): Promise<NodeProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'phalanx-bench-node-'));
  const genesisFile = join(dir, 'genesis.json');
  writeFileSync(genesisFile, JSON.stringify(opts.genesis));
  const child = spawn(
    process.execPath,
    [
      ...(CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE_DIR}`] : []),
      '--import',
      'tsx',
      join(ROOT, 'src/cli/main.ts'),
      'node',
      '--dev',
      '--genesis',
      genesisFile,
      '--data-dir',
      join(dir, 'data'),
      '--rpc-port',
      '0',
      '--block-time',
      String(opts.blockTimeMs),
      ...(opts.args ?? []),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const rpcUrl = new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (LOG_DIR) appendFileSync(join(LOG_DIR, `node-${child.pid}.log`), `${line}\n`);
      try {
        const entry = JSON.parse(line) as { msg?: string; rpcUrl?: string };
        if (entry.msg === 'node running' && typeof entry.rpcUrl === 'string') resolve(entry.rpcUrl);
      } catch {
        // Not a log line; keep draining.
      }
    });
    void exited.then((code) => reject(new Error(`the node exited (${code}) before it ran: ${stderr}`)));
  });
  const timeoutMs = opts.timeoutMs ?? 120_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the node did not start within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const url = await Promise.race([rpcUrl, timeout]);
    return { rpcUrl: url, child, stop };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
