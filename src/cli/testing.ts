// Test helper: runs `phalanx ARGS` in process through the real command tree (createProgram) with its
// output captured, as src/cli/main.ts runs it: commander's usage errors exit 2, actions set the
// exit status. Not used by production code.
import { type Command, CommanderError } from 'commander';
import { EXIT_USAGE } from './commands/cliSupport.js';
import { createProgram } from './createProgram.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function overrideExit(command: Command): void {
  command.exitOverride();
  // Commander's own messages would go to the process's stderr: keep test output clean.
  command.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  for (const sub of command.commands) overrideExit(sub);
}

export async function runPhalanx(...args: string[]): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const program = createProgram({
    out: (text) => void stdout.push(text),
    err: (text) => void stderr.push(text),
  });
  overrideExit(program);
  const saved = process.exitCode;
  process.exitCode = undefined;
  let code: number;
  try {
    await program.parseAsync(args, { from: 'user' });
    code = Number(process.exitCode ?? 0);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    stderr.push(error.message);
    code = EXIT_USAGE;
  } finally {
    process.exitCode = saved;
  }
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}
