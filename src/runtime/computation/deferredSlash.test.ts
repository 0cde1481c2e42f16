// The attack on a deferred slash: right after a miss, the operator of a Serving worker unbonds all but
// minStake and withdraws as soon as it can, so that the slash decided an outage window later finds
// little to take. The slash is fixed and held at the miss, so it takes its full amount.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { toHex } from '../../codec/bytes.js';
import { devKeypair } from '../../codec/devKeys.js';
import { getAssignments } from '../contracts/queries.js';
import { contractsCalls } from '../contracts/types.js';
import { DEV_MIN_STAKE } from '../genesis/createDevGenesisConfig.js';
import { outcomeOf } from '../registry/testing.js';
import { stakingCalls } from '../staking/types.js';
import { createTestChain, type TestChain } from '../testing.js';
import { Sessions } from './storage.js';
import { heartbeatFor, type SeededWorker, seedWorkers } from './testing.js';
import { computationCalls } from './types.js';

const bob = devKeypair('bob');

function block(chain: TestChain, alive: readonly SeededWorker[]) {
  const beats = alive.flatMap((worker) => {
    const pending = Sessions.get(chain.reader, worker.identity.publicKey)?.pending;
    if (pending === undefined || pending.block >= chain.number) return [];
    return [chain.sign(worker.operator, heartbeatFor(chain, worker)!)];
  });
  return chain.executeBlock(beats).execution.events.map(chain.runtime.decodeEvent);
}

it('slashes slashPpm of the stake at the miss, however the operator unbonds and withdraws after it', () => {
  const chain = createTestChain();
  chain.executeBlock([]);
  const workers = seedWorkers(chain, bob, 3);
  for (const worker of workers) {
    chain.applySigned(bob, stakingCalls.bond(worker.identity.publicKey, 4n * DEV_MIN_STAKE));
    assert.equal(outcomeOf(chain.applySigned(bob, computationCalls.start(worker.identity.publicKey))), 'ok');
  }
  chain.applySigned('dave', contractsCalls.deploy(new Uint8Array(32).fill(1), 2));
  const held = toHex(getAssignments(chain.reader, 0)[0]!);
  const frozen = workers.find((worker) => toHex(worker.identity.publicKey) === held)!;
  const key = frozen.identity.publicKey;
  const healthy = workers.filter((worker) => worker !== frozen);
  while (Sessions.get(chain.reader, key)!.state !== 'Unresponsive') block(chain, healthy);
  // Right after the miss: unbond all but minStake (allowed while locked), withdraw as soon as possible.
  assert.equal(outcomeOf(chain.applySigned(bob, stakingCalls.unbond(key, 3n * DEV_MIN_STAKE))), 'ok');
  let slashed = 0n;
  const missedAt = chain.number;
  while (chain.number < missedAt + 120) {
    for (const event of block(chain, healthy)) {
      if (event.module === 'staking' && event.name === 'StakeSlashed')
        slashed += BigInt(event.data.amount as string);
    }
    const withdraw = chain.applySigned(bob, stakingCalls.withdraw(key));
    // Until the slash is decided the unbonded funds stay slashable.
    if (slashed === 0n) assert.equal(outcomeOf(withdraw), 'staking.SlashPending');
  }
  // 10% (dev slashPpm) of the 4 minStakes at risk at the miss, not 10% of the one left after unbonding.
  assert.equal(slashed, (4n * DEV_MIN_STAKE) / 10n);
});
