#!/usr/bin/env node
// Entry of the `phalanx` command (bin/phalanx.js imports the build of this file). Usage mistakes that
// commander catches exit 2 after its one-line message; actions set process.exitCode themselves.
import { CommanderError } from 'commander';
import { EXIT_USAGE } from './commands/cliSupport.js';
import { createProgram } from './createProgram.js';

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
