// The `phalanx` command tree (DESIGN.md section 9: `noun verb`). Built by a function so that tests
// can run commands in process with their own output sink.
import { Command } from 'commander';
import { registerAttestCommands } from './commands/attest.js';
import { type OutputSink, processSink } from './commands/cliSupport.js';
import { registerCollateralCommands } from './commands/collateral.js';
import { registerDevnetCommand } from './commands/devnet.js';
import { registerKeysCommands } from './commands/keys.js';
import { registerLivenessQueryCommands } from './commands/livenessQuery.js';
import { registerLivenessTxCommands } from './commands/livenessTx.js';
import { registerNodeCommand } from './commands/node.js';
import { registerQueryCommands } from './commands/query.js';
import { registerSystemTxCommands } from './commands/systemTx.js';
import { registerTxCommands } from './commands/tx.js';
import { registerWorkerCommands } from './commands/worker.js';

export const CLI_VERSION = '0.1.0';

export function createProgram(io: OutputSink = processSink): Command {
  const program = new Command('phalanx')
    .description(
      'Phalanx: an attested TEE worker network (chain node, devnet, keys, transactions, attestation)',
    )
    .version(CLI_VERSION)
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError();
  registerDevnetCommand(program, io);
  registerNodeCommand(program, io);
  registerWorkerCommands(program, io);
  registerKeysCommands(program, io);
  const tx = registerTxCommands(program, io);
  registerLivenessTxCommands(tx, io);
  registerSystemTxCommands(tx, io);
  registerLivenessQueryCommands(registerQueryCommands(program, io), io);
  registerAttestCommands(program, io);
  registerCollateralCommands(program, io);
  return program;
}
