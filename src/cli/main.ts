#!/usr/bin/env node
// Entry of the `phalanx` command (bin/phalanx.js imports the build of this file). Usage mistakes that
// commander catches exit 2 after its one-line message; actions set process.exitCode themselves.
import { CommanderError } from 'commander';
import { EXIT_USAGE } from './commands/cliSupport.js';
import { createProgram } from './createProgram.js';

// `phalanx query block 1 | head`: once the reader has gone, stop quietly and successfully, as Unix
// tools do. Node ignores SIGPIPE, so the failed write surfaces as an EPIPE 'error' event on stdout,
// which unhandled would end the process with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  process.stderr.write(`error: cannot write to stdout: ${error.message}\n`);
  process.exit(1);
});

const program = createProgram();
// Every (sub)command reports usage errors by throwing instead of exiting, so this one place decides.
const overrideExit = (command: typeof program): void => {
  command.exitOverride();
  for (const sub of command.commands) overrideExit(sub);
};
overrideExit(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    const ok = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code);
    process.exitCode = ok ? 0 : EXIT_USAGE;
  } else {
    process.stderr.write(`error: ${(error as Error).message ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
