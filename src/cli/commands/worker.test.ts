import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import type { OutputSink } from './cliSupport.js';
import { registerWorkerCommands, runWorkerCommand } from './worker.js';

function capture(): OutputSink & { errors: string[] } {
  const errors: string[] = [];
  return { errors, out: () => {}, err: (line: string) => void errors.push(line) };
}

describe('phalanx worker', () => {
  const cases: [string, Parameters<typeof runWorkerCommand>[0], RegExp][] = [
    ['no --tee', { dataDir: '/tmp/x', dev: 'bob' }, /--tee is required/],
    ['an unknown --tee', { tee: 'sev', dataDir: '/tmp/x', dev: 'bob' }, /--tee: expected sim, sgx, tdx/],
    ['no --data-dir', { tee: 'sim', dev: 'bob' }, /--data-dir is required/],
    ['no operator', { tee: 'sim', dataDir: '/tmp/x' }, /--operator-key FILE or --dev NAME/],
    [
      'sim flags with a real TEE',
      { tee: 'sgx', dataDir: '/tmp/x', dev: 'bob', simMachineDir: '/tmp/m' },
      /apply to --tee sim only/,
    ],
    ['a bad --cores', { tee: 'sim', dataDir: '/tmp/x', dev: 'bob', cores: '0' }, /--cores/],
    [
      'a bad --benchmark-blocks',
      { tee: 'sim', dataDir: '/tmp/x', dev: 'bob', benchmarkBlocks: '0' },
      /--benchmark-blocks: expected 1-10000, got "0"/,
    ],
    [
      'a bad --poll-interval',
      { tee: 'sim', dataDir: '/tmp/x', dev: 'bob', pollInterval: '5' },
      /--poll-interval: expected 10-60000 ms, got "5"/,
    ],
  ];
  for (const [what, options, message] of cases) {
    it(`exits with status 2 and says what is wrong for ${what}`, async () => {
      const io = capture();
      assert.equal(await runWorkerCommand(options, io), 2);
      assert.match(io.errors.join('\n'), message);
    });
  }

  it('registers a `worker` command with its flags', () => {
    const program = new Command();
    registerWorkerCommands(program);
    const command = program.commands.find((c) => c.name() === 'worker');
    assert.ok(command);
    const flags = command.options.map((o) => o.long);
    for (const flag of [
      '--tee',
      '--rpc',
      '--data-dir',
      '--operator-key',
      '--dev',
      '--gatekeeper',
      '--pccs-url',
      '--sim-machine-dir',
      '--benchmark-blocks',
      '--poll-interval',
    ]) {
      assert.ok(flags.includes(flag), flag);
    }
  });
});
