import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { devKeypair } from '../../codec/devKeys.js';
import { getAssignments } from '../contracts/queries.js';
import { contractsCalls } from '../contracts/types.js';
import { DEV_HEARTBEAT_WINDOW, DEV_MIN_STAKE, DEV_OUTAGE_WINDOW } from '../genesis/createDevGenesisConfig.js';
import { outcomeOf } from '../registry/testing.js';
import { Stakes } from '../staking/storage.js';
import { stakingCalls } from '../staking/types.js';
import { createTestChain, type TestChain } from '../testing.js';
import { Sessions } from './storage.js';
import { heartbeatExtrinsics } from './testing/livenessChain.js';
import { heartbeatFor, type SeededWorker, seedWorkers } from './testing.js';
import { computationCalls } from './types.js';

const bob = devKeypair('bob');

function chainWithWorkers(count: number, operator = bob): { chain: TestChain; workers: SeededWorker[] } {
  const chain = createTestChain();
  chain.executeBlock([]);
  const workers = seedWorkers(chain, operator, count);
  return { chain, workers };
}

function startAll(chain: TestChain, workers: readonly SeededWorker[], stake = DEV_MIN_STAKE): void {
  for (const worker of workers) {
    const key = worker.identity.publicKey;
    assert.equal(outcomeOf(chain.applySigned(worker.operator, stakingCalls.bond(key, stake))), 'ok');
    assert.equal(outcomeOf(chain.applySigned(worker.operator, computationCalls.start(key))), 'ok');
  }
}

function session(chain: TestChain, worker: SeededWorker) {
  return Sessions.get(chain.reader, worker.identity.publicKey)!;
}

/** Runs blocks, answering every open challenge of `answering` at once, until `until` holds or `limit`. */
function runBlocks(
  chain: TestChain,
  answering: readonly SeededWorker[],
  limit: number,
  until?: () => boolean,
) {
  for (let i = 0; i < limit; i++) {
    chain.executeBlock(heartbeatExtrinsics(chain, answering));
    if (until?.()) return;
  }
}

describe('computation sessions', () => {
  it('starts a session only for a Provisioned, benchmarked worker staked at least minStake', () => {
    const { chain, workers } = chainWithWorkers(1);
    const key = workers[0]!.identity.publicKey;
    assert.equal(
      outcomeOf(chain.applySigned(bob, computationCalls.start(key))),
      'computation.InsufficientStake',
    );
    chain.applySigned(bob, stakingCalls.bond(key, DEV_MIN_STAKE - 1n));
    assert.equal(
      outcomeOf(chain.applySigned(bob, computationCalls.start(key))),
      'computation.InsufficientStake',
    );
    chain.applySigned(bob, stakingCalls.bond(key, 1n));
    assert.equal(
      outcomeOf(chain.applySigned('charlie', computationCalls.start(key))),
      'computation.NotOperator',
    );
    const report = chain.applySigned(bob, computationCalls.start(key));
    assert.equal(outcomeOf(report), 'ok');
    assert.deepEqual(
      report.events.filter((e) => e.module === 'computation').map((e) => e.name),
      ['SessionStateChanged', 'SessionStarted'],
    );
    assert.equal(session(chain, workers[0]!).state, 'Idle');
    assert.equal(
      outcomeOf(chain.applySigned(bob, computationCalls.start(key))),
      'computation.AlreadyStarted',
    );
    // Locked: unbonding below minStake while in session is refused.
    assert.equal(outcomeOf(chain.applySigned(bob, stakingCalls.unbond(key, 1n))), 'staking.StakeLocked');
  });

  it('challenges every worker within maxSilence and accepts its heartbeat once', () => {
    const { chain, workers } = chainWithWorkers(3);
    startAll(chain, workers);
    const worker = workers[0]!;
    runBlocks(chain, [], 60, () => session(chain, worker).pending !== undefined);
    const open = session(chain, worker).pending!;
    assert.equal(open.deadline, open.block + DEV_HEARTBEAT_WINDOW);
    const call = heartbeatFor(chain, worker)!;
    const report = chain.applySigned(bob, call);
    assert.equal(outcomeOf(report), 'ok');
    assert.equal(session(chain, worker).lastHeartbeatBlock, chain.number);
    assert.equal(session(chain, worker).pending, undefined);
    // The same heartbeat again: a replay.
    const replay = chain.applySigned(bob, call);
    assert.equal(outcomeOf(replay), 'computation.AlreadyAnswered');
    assert.deepEqual(
      replay.written.filter((label) => label.startsWith('computation/')),
      [],
    );
  });

  it('refuses forged, unchallenged and late heartbeats with their own errors, changing nothing', () => {
    const { chain, workers } = chainWithWorkers(2);
    startAll(chain, workers);
    const [worker, other] = workers as [SeededWorker, SeededWorker];
    runBlocks(chain, [], 60, () => session(chain, worker).pending !== undefined);
    const at = session(chain, worker).pending!.block;
    // Signed by another worker's key.
    const forged = heartbeatFor(
      chain,
      { identity: other.identity, operator: bob },
      {
        worker: worker.identity.publicKey,
        challengeBlock: at,
        session: session(chain, worker).id,
      },
    )!;
    const forgedReport = chain.applySigned(bob, forged);
    assert.equal(outcomeOf(forgedReport), 'computation.BadHeartbeatSignature');
    assert.deepEqual(
      forgedReport.written.filter((label) => label.startsWith('computation/')),
      [],
    );
    // A block it was not challenged at.
    const unchallenged = heartbeatFor(chain, worker, { challengeBlock: at - 1 })!;
    assert.equal(outcomeOf(chain.applySigned(bob, unchallenged)), 'computation.NotChallenged');
    // The wrong hash of the right block.
    const wrongHash = heartbeatFor(chain, worker, { challengeBlockHash: new Uint8Array(32).fill(7) })!;
    assert.equal(outcomeOf(chain.applySigned(bob, wrongHash)), 'computation.ChallengeHashMismatch');
    // After the deadline: the miss is recorded first, and the heartbeat is late.
    const late = heartbeatFor(chain, worker)!;
    runBlocks(chain, [], DEV_HEARTBEAT_WINDOW + 1);
    assert.equal(session(chain, worker).state, 'Unresponsive');
    assert.equal(outcomeOf(chain.applySigned(bob, late)), 'computation.HeartbeatTooLate');
  });

  it('marks an idle worker that misses Unresponsive without slashing, and brings it back when it answers', () => {
    const { chain, workers } = chainWithWorkers(2);
    startAll(chain, workers);
    const worker = workers[0]!;
    runBlocks(chain, [], 80, () => session(chain, worker).state === 'Unresponsive');
    assert.equal(session(chain, worker).state, 'Unresponsive');
    assert.equal(Stakes.get(chain.reader, worker.identity.publicKey)!.active, DEV_MIN_STAKE);
    runBlocks(chain, [worker], 80, () => session(chain, worker).state === 'Idle');
    assert.equal(session(chain, worker).state, 'Idle');
    assert.equal(session(chain, worker).strikes, 0);
    assert.equal(session(chain, worker).misses, 1);
  });

  it('slashes a Serving worker that misses and moves its contract to a spare worker', () => {
    const { chain, workers } = chainWithWorkers(3);
    startAll(chain, workers, 4n * DEV_MIN_STAKE);
    assert.equal(
      outcomeOf(chain.applySigned('dave', contractsCalls.deploy(new Uint8Array(32).fill(1), 2))),
      'ok',
    );
    const holders = getAssignments(chain.reader, 0);
    assert.equal(holders.length, 2);
    const frozen = workers.find((w) => Buffer.compare(w.identity.publicKey, holders[0]!) === 0)!;
    assert.equal(session(chain, frozen).state, 'Serving');
    const healthy = workers.filter((w) => w !== frozen);
    const daveBefore = chain.account('dave').free;
    runBlocks(chain, healthy, 80, () => session(chain, frozen).state === 'Unresponsive');
    assert.equal(session(chain, frozen).state, 'Unresponsive');
    // Its contract moved at once, to the spare worker.
    const after = getAssignments(chain.reader, 0);
    assert.equal(after.length, 2);
    assert.ok(!after.some((key) => Buffer.compare(key, frozen.identity.publicKey) === 0));
    // The slash is decided an outage window later: one operator's absence is no outage.
    assert.equal(Stakes.get(chain.reader, frozen.identity.publicKey)!.active, 4n * DEV_MIN_STAKE);
    runBlocks(chain, healthy, DEV_OUTAGE_WINDOW);
    const stake = Stakes.get(chain.reader, frozen.identity.publicKey)!.active;
    assert.equal(stake, 4n * DEV_MIN_STAKE - (4n * DEV_MIN_STAKE) / 10n);
    // Half of the slash went to the contract's owner.
    assert.equal(chain.account('dave').free - daveBefore, (4n * DEV_MIN_STAKE) / 20n);
  });
});
