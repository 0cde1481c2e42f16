// One child process of the devnet (the gatekeeper, a worker), kept running: its output goes to a log
// file, rotated at a size cap (createRotatingLog.ts), an unexpected exit is reported and the child restarted on the same arguments (the same data
// folder, hence the same sealed identity). A child that keeps dying right after it starts is given
// up on rather than restarted forever. Stopping sends SIGTERM, then SIGKILL after a grace period.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRotatingLog } from './createRotatingLog.js';

export type SupervisorEvent =
  | { kind: 'started'; name: string; pid: number; restarts: number }
  | { kind: 'exited'; name: string; pid: number; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'restarting'; name: string; inMs: number }
  | { kind: 'gaveUp'; name: string; failures: number };

export interface SupervisedProcess {
  readonly name: string;
  /** PID of the running child; undefined between a crash and its restart, and after stop. */
  readonly pid: number | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface SuperviseOptions {
  name: string;
  command: string;
  args: readonly string[];
  /** stdout and stderr of every run are appended here, rotated past `logMaxBytes`. */
  logFile: string;
  logMaxBytes?: number;
  onEvent: (event: SupervisorEvent) => void;
  /** Pause before a restart (default 1000 ms). */
  restartDelayMs?: number;
  /** A run shorter than this counts as a failed start (default 10 s). */
  minHealthyMs?: number;
  /** Failed starts in a row before giving up (default 5). */
  maxFailedStarts?: number;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_STOP_GRACE_MS = 5000;

export function superviseProcess(options: SuperviseOptions): SupervisedProcess {
  const restartDelayMs = options.restartDelayMs ?? 1000;
  const minHealthyMs = options.minHealthyMs ?? 10_000;
  const maxFailedStarts = options.maxFailedStarts ?? 5;
  let child: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();
  let stopping: Promise<void> | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let restarts = 0;
  let failedStarts = 0;

  function start(): void {
    const startedAt = Date.now();
    const spawned = spawn(options.command, [...options.args], {
      // Output comes through this process so that the log can be rotated. The IPC channel carries
      // no messages: it closes when this process dies, however it dies, which tells the child to
      // stop (see the worker command).
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: options.env ?? process.env,
      // Its own process group: a Ctrl-C in the terminal reaches the devnet alone, which then stops
      // its children in order instead of racing them.
      detached: true,
    });
    const log = createRotatingLog(options.logFile, options.logMaxBytes);
    const write = (chunk: Buffer) => log.write(chunk);
    spawned.stdout?.on('data', write);
    spawned.stderr?.on('data', write);
    // Both pipes drained and the child gone: nothing more will be written.
    spawned.on('close', () => log.close());
    spawned.on('error', () => log.close());
    child = spawned;
    exited = once(spawned, 'exit').catch(() => undefined);
    // A spawn failure surfaces as an exit without a pid; 'exit' follows and is handled there.
    if (spawned.pid !== undefined) {
      options.onEvent({ kind: 'started', name: options.name, pid: spawned.pid, restarts });
    }
    spawned.on('exit', (code, signal) => {
      if (child === spawned) child = undefined;
      if (stopping) return;
      options.onEvent({ kind: 'exited', name: options.name, pid: spawned.pid ?? -1, code, signal });
      failedStarts = Date.now() - startedAt < minHealthyMs ? failedStarts + 1 : 0;
      if (failedStarts >= maxFailedStarts) {
        options.onEvent({ kind: 'gaveUp', name: options.name, failures: failedStarts });
        return;
      }
      options.onEvent({ kind: 'restarting', name: options.name, inMs: restartDelayMs });
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        if (stopping) return;
        restarts++;
        start();
      }, restartDelayMs);
    });
  }

  start();

  return {
    name: options.name,
    get pid() {
      return child?.pid;
    },
    stop(graceMs = DEFAULT_STOP_GRACE_MS) {
      stopping ??= (async () => {
        if (restartTimer) clearTimeout(restartTimer);
        const running = child;
        if (!running || running.exitCode !== null || running.signalCode !== null) return;
        running.kill('SIGTERM');
        const timer = setTimeout(() => running.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** Synchronously SIGKILLs children still running, for `process.on('exit')` when the devnet dies. */
export function killNow(processes: readonly SupervisedProcess[]): void {
  for (const supervised of processes) {
    const pid = supervised.pid;
    if (pid === undefined) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
