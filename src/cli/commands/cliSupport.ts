// Small pieces shared by the attest and collateral commands: an output sink (so that actions run
// in-process in tests), usage errors, and reading files and times from flags.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';

/** Where a command writes: stdout lines and stderr lines. */
export interface OutputSink {
  out(text: string): void;
  err(text: string): void;
}

export const processSink: OutputSink = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** What the environment provides; tests replace the clock and the network. */
export interface CommandDeps {
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

export const EXIT_OK = 0;
export const EXIT_REJECTED = 1;
export const EXIT_USAGE = 2;

/** A mistake in how the command was called: bad or missing flags, an unreadable file. Exit status 2. */
export class UsageError extends Error {}

export async function readInputFile(path: string, flag: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw new UsageError(
      `${flag}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

/** `--at UNIX_SECONDS`, or the clock when absent. */
export function parseAt(value: string | undefined, now: () => number): number {
  if (value === undefined) return Math.floor(now() / 1000);
  if (!/^\d{1,12}$/.test(value)) throw new UsageError(`--at: expected Unix seconds, got ${value}`);
  return Number(value);
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'phalanx', 'pcs');
}

/** Commander's own parse errors (unknown flag, missing value) exit with 2, as usage errors do. */
export function exitTwoOnUsageErrors(command: Command): Command {
  return command.exitOverride((error) => {
    const ok =
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help';
    process.exit(ok ? EXIT_OK : EXIT_USAGE);
  });
}
