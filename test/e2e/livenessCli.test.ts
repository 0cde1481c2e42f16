// The liveness commands through the real `phalanx` entry (src/cli/main.ts under tsx, a process of its
// own) against a node in this process whose genesis holds a worker of bob's: a bond that waits for
// its block, the stake read back, and a usage mistake that exits 2 with one line. The full command
// set runs in process in src/cli/commands/liveness*.test.ts; this checks the wiring of the binary.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toHex } from '../../src/codec/bytes.js';
import { devKeypair } from '../../src/codec/devKeys.js';
import { type SeededNode, startSeededNode } from '../../src/node/testing/startSeededNode.js';
import { UNIT } from '../../src/runtime/balances/types.js';
import { runCli } from './nodeProcess.js';

describe('phalanx tx staking and query stake|sessions as processes', () => {
  let chain: SeededNode;
  let worker: string;

  before(async () => {
    chain = await startSeededNode({
      operator: devKeypair('bob'),
      count: 1,
      blockIntervalMs: 100,
      computation: { heartbeatWindow: 10_000, maxSilence: 10_001 },
    });
    worker = toHex(chain.workers[0]!.identity.publicKey);
  });
  after(async () => {
    await chain.close();
  });

  it('bonds with --wait, reads the stake back, and refuses an unknown session state', async () => {
    const [bond, unknownState] = await Promise.all([
      runCli(['tx', 'staking', 'bond', worker, '1200PHX', '--dev', 'bob', '--wait', '--rpc', chain.url]),
      runCli(['query', 'sessions', '--state', 'Asleep', '--rpc', chain.url]),
    ]);
    assert.equal(bond.code, 0, bond.stderr);
    assert.match(bond.stdout, /: success\n(.*\n)* {2}staking\.Bonded /);
    assert.equal(unknownState.code, 2);
    assert.equal(
      unknownState.stderr,
      'error: --state: unknown session state "Asleep" (one of Ready, Idle, Serving, Unresponsive, CoolingDown)\n',
    );

    const stake = await runCli(['query', 'stake', worker, '--json', '--rpc', chain.url]);
    assert.equal(stake.code, 0, stake.stderr);
    assert.equal((JSON.parse(stake.stdout) as { active: string }).active, (1200n * UNIT).toString());
  });
});
