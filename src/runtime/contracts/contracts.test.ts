import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../codec/bytes.js';
import type { Call } from '../../codec/chain.js';
import { devKeypair } from '../../codec/devKeys.js';
import { balancesCalls } from '../balances/types.js';
import { Sessions } from '../computation/storage.js';
import { heartbeatFor, type SeededWorker, seedWorkers } from '../computation/testing.js';
import { computationCalls } from '../computation/types.js';
import { DEV_MIN_STAKE } from '../genesis/createDevGenesisConfig.js';
import { governanceCalls } from '../governance/types.js';
import { feeAndNonceKeys, outcomeOf } from '../registry/testing.js';
import { stakingCalls } from '../staking/types.js';
import { createTestChain, type Signer, type TestChain } from '../testing.js';
import { RETRY_BLOCKS } from './assign.js';
import { getAssignments, getWorkerContracts } from './queries.js';
import { contractsCalls } from './types.js';

const bob = devKeypair('bob');
const DAVE = toHex(devKeypair('dave').publicKey);
/** The dev genesis's contracts parameters. */
const DEPOSIT = 10n * 10n ** 12n;
const MAX_REPLICAS = 8;
const CODE = new Uint8Array(32).fill(1);

function chainWithWorkers(count: number, options: { prefix?: string; score?: number } = {}) {
  const chain = createTestChain();
  chain.executeBlock([]);
  const workers = seedWorkers(chain, bob, count, options);
  return { chain, workers };
}

function start(chain: TestChain, workers: readonly SeededWorker[]): void {
  for (const worker of workers) {
    const key = worker.identity.publicKey;
    assert.equal(outcomeOf(chain.applySigned(bob, stakingCalls.bond(key, DEV_MIN_STAKE))), 'ok');
    assert.equal(outcomeOf(chain.applySigned(bob, computationCalls.start(key))), 'ok');
  }
}

/**
 * Executes a block of `extrinsics`, with a heartbeat first for every open challenge of `alive` whose
 * block hash the chain knows (a challenge of the last block is answerable from the next one on).
 */
function block(chain: TestChain, alive: readonly SeededWorker[], extrinsics: readonly Uint8Array[] = []) {
  const beats = alive.flatMap((worker) => {
    const pending = Sessions.get(chain.reader, worker.identity.publicKey)?.pending;
    if (pending === undefined || pending.block >= chain.number) return [];
    return [chain.sign(worker.operator, heartbeatFor(chain, worker)!)];
  });
  const executed = chain.executeBlock([...beats, ...extrinsics]);
  for (const result of executed.results)
    assert.ok(result.included && result.outcome.ok, JSON.stringify(result));
  return executed.execution.events.map(chain.runtime.decodeEvent);
}

function stateOf(chain: TestChain, worker: SeededWorker) {
  return Sessions.get(chain.reader, worker.identity.publicKey)?.state;
}

function holders(chain: TestChain, id: number): string[] {
  return getAssignments(chain.reader, id).map(toHex).sort();
}

function expectRefused(chain: TestChain, signer: Signer, call: Call, error: string): void {
  const report = chain.applySigned(signer, call);
  assert.equal(outcomeOf(report), error);
  assert.deepEqual(report.written, feeAndNonceKeys(signer));
  assert.deepEqual(
    report.events.map((event) => `${event.module}.${event.name}`),
    ['balances.FeePaid', 'system.ExtrinsicFailed'],
  );
}

describe('contracts.deploy', () => {
  it('reserves the deposit and assigns `replicas` distinct workers of the pool, which become Serving', () => {
    const { chain, workers } = chainWithWorkers(4);
    // The fourth worker never starts: it is not in the pool and is never drawn.
    const started = workers.slice(0, 3);
    start(chain, started);
    const report = chain.applySigned('dave', contractsCalls.deploy(CODE, 3));
    assert.equal(outcomeOf(report), 'ok');
    const assigned = holders(chain, 0);
    assert.deepEqual(assigned, started.map((worker) => toHex(worker.identity.publicKey)).sort());
    for (const worker of started) {
      assert.equal(stateOf(chain, worker), 'Serving');
      assert.equal(Sessions.get(chain.reader, worker.identity.publicKey)?.contracts, 1);
      assert.deepEqual(getWorkerContracts(chain.reader, worker.identity.publicKey), [0]);
    }
    assert.equal(chain.account('dave').reserved, DEPOSIT);

    const events = report.events.map((event) => `${event.module}.${event.name}`);
    assert.deepEqual(events.slice(0, 3), ['balances.FeePaid', 'balances.Reserved', 'contracts.Deployed']);
    assert.deepEqual(
      events.slice(3, -1),
      Array(3).fill(['computation.SessionStateChanged', 'contracts.Assigned']).flat(),
    );
    assert.deepEqual(report.events.find((event) => event.name === 'Deployed')?.data, {
      contract: 0,
      owner: DAVE,
      codeHash: toHex(CODE),
      replicas: 3,
    });
    const assignedEvents = report.events
      .filter((event) => event.name === 'Assigned')
      .map((event) => event.data.worker);
    assert.deepEqual([...assignedEvents].sort(), assigned);
  });

  it('refuses 0 replicas and more than maxReplicas, and a deposit beyond the free balance, changing nothing', () => {
    const { chain, workers } = chainWithWorkers(1);
    start(chain, workers);
    expectRefused(chain, 'dave', contractsCalls.deploy(CODE, 0), 'contracts.InvalidReplicas');
    expectRefused(chain, 'dave', contractsCalls.deploy(CODE, MAX_REPLICAS + 1), 'contracts.InvalidReplicas');
    const poor = devKeypair('poor');
    chain.applySigned('alice', balancesCalls.transfer({ dest: poor.publicKey, amount: DEPOSIT }));
    expectRefused(chain, poor, contractsCalls.deploy(CODE, 1), 'balances.InsufficientBalance');
    assert.deepEqual(holders(chain, 0), []);
    assert.equal(stateOf(chain, workers[0]!), 'Idle');
  });
});

describe('contracts.setConfig', () => {
  it('caps the contracts one worker holds: a full worker is passed over and the contract runs short', () => {
    const { chain, workers } = chainWithWorkers(2);
    start(chain, workers);
    const config = { deposit: DEPOSIT, maxReplicas: MAX_REPLICAS, maxContractsPerWorker: 1 };
    const report = chain.applySigned('alice', governanceCalls.sudo(contractsCalls.setConfig(config)));
    assert.ok(report.events.some((event) => event.name === 'ConfigChanged'));
    chain.applySigned('dave', contractsCalls.deploy(CODE, 1));
    chain.applySigned('dave', contractsCalls.deploy(CODE, 1));
    const third = chain.applySigned('dave', contractsCalls.deploy(CODE, 1));
    assert.notDeepEqual(holders(chain, 0), holders(chain, 1));
    assert.deepEqual(holders(chain, 2), []);
    assert.deepEqual(third.events.find((event) => event.name === 'Understaffed')?.data, {
      contract: 2,
      assigned: 0,
      replicas: 1,
    });
    const refused = chain.applySigned(
      'alice',
      governanceCalls.sudo(contractsCalls.setConfig({ ...config, maxContractsPerWorker: 0 })),
    );
    assert.deepEqual(refused.events.find((event) => event.name === 'Sudid')?.data, {
      ok: false,
      error: { module: 'contracts', error: 'InvalidConfig', code: 3 },
    });
  });
});

describe('contracts.undeploy', () => {
  it('releases the workers (back to Idle) and returns the deposit, to the owner only', () => {
    const { chain, workers } = chainWithWorkers(2);
    start(chain, workers);
    chain.applySigned('dave', contractsCalls.deploy(CODE, 2));
    expectRefused(chain, 'charlie', contractsCalls.undeploy(0), 'contracts.NotOwner');
    expectRefused(chain, 'dave', contractsCalls.undeploy(1), 'contracts.ContractNotFound');

    const report = chain.applySigned('dave', contractsCalls.undeploy(0));
    assert.equal(outcomeOf(report), 'ok');
    assert.deepEqual(report.events.map((event) => `${event.module}.${event.name}`).slice(1, -1), [
      'computation.SessionStateChanged',
      'contracts.Unassigned',
      'computation.SessionStateChanged',
      'contracts.Unassigned',
      'balances.Unreserved',
      'contracts.Undeployed',
    ]);
    assert.deepEqual(report.events.find((event) => event.name === 'Undeployed')?.data, {
      contract: 0,
      owner: DAVE,
    });
    assert.equal(chain.account('dave').reserved, 0n);
    assert.deepEqual(holders(chain, 0), []);
    for (const worker of workers) {
      assert.equal(stateOf(chain, worker), 'Idle');
      assert.deepEqual(getWorkerContracts(chain.reader, worker.identity.publicKey), []);
    }
    expectRefused(chain, 'dave', contractsCalls.undeploy(0), 'contracts.ContractNotFound');
  });
});

describe('contracts assignment over time', () => {
  it(`tops up an understaffed contract within RETRY_BLOCKS (${RETRY_BLOCKS}) of a new worker starting`, () => {
    const { chain, workers } = chainWithWorkers(3);
    const [first, ...later] = workers as [SeededWorker, SeededWorker, SeededWorker];
    start(chain, [first]);
    const report = chain.applySigned('dave', contractsCalls.deploy(CODE, 3));
    assert.deepEqual(report.events.find((event) => event.name === 'Understaffed')?.data, {
      contract: 0,
      assigned: 1,
      replicas: 3,
    });
    // Nobody new for longer than one retry: the contract stays short and filed.
    for (let i = 0; i < RETRY_BLOCKS + 3; i++) block(chain, [first]);
    assert.equal(holders(chain, 0).length, 1);

    start(chain, later);
    const startedAt = chain.number;
    while (holders(chain, 0).length < 3 && chain.number < startedAt + RETRY_BLOCKS) block(chain, workers);
    assert.deepEqual(holders(chain, 0), workers.map((worker) => toHex(worker.identity.publicKey)).sort());
    for (const worker of workers) assert.equal(stateOf(chain, worker), 'Serving');
  });

  it("moves a stopped holder's contracts to a spare worker at the end of the same block", () => {
    const { chain, workers } = chainWithWorkers(3);
    start(chain, workers);
    chain.applySigned('dave', contractsCalls.deploy(CODE, 2));
    const before = holders(chain, 0);
    const stopped = workers.find((worker) => before.includes(toHex(worker.identity.publicKey)))!;
    const spare = workers.find((worker) => !before.includes(toHex(worker.identity.publicKey)))!;

    const report = chain.applySigned(bob, computationCalls.stop(stopped.identity.publicKey));
    assert.equal(outcomeOf(report), 'ok');
    const after = holders(chain, 0);
    assert.equal(after.length, 2);
    assert.ok(after.includes(toHex(spare.identity.publicKey)));
    assert.ok(!after.includes(toHex(stopped.identity.publicKey)));
    assert.equal(stateOf(chain, stopped), 'CoolingDown');
    assert.equal(Sessions.get(chain.reader, stopped.identity.publicKey)?.contracts, 0);
    assert.equal(stateOf(chain, spare), 'Serving');
    // The move is the block's finalisation: after the extrinsic's own events.
    const finalised = report.execution.events
      .filter((event) => event.phase === undefined && event.module === 'contracts')
      .map(chain.runtime.decodeEvent)
      .map((event) => [event.name, event.data]);
    assert.deepEqual(finalised, [
      ['Unassigned', { contract: 0, worker: toHex(stopped.identity.publicKey) }],
      ['Assigned', { contract: 0, worker: toHex(spare.identity.publicKey) }],
    ]);
  });

  it("moves a holder's contracts when its attestation lapses, in the block that stops its session", () => {
    const chain = createTestChain();
    chain.executeBlock([]);
    // Attested until about block 12 of the test chain (block n is at 1_700_000_000_000 + 6000 n ms).
    const [lapsing] = seedWorkers(chain, bob, 1, {
      prefix: 'lapsing',
      expiresAt: 1_700_000_000_000n + 12n * 6000n,
    });
    const [holder, spare] = seedWorkers(chain, bob, 2);
    const all = [lapsing!, holder!, spare!];
    start(chain, [lapsing!, holder!]);
    chain.applySigned('dave', contractsCalls.deploy(CODE, 2));
    start(chain, [spare!]);
    assert.equal(stateOf(chain, spare!), 'Idle');
    let events = block(chain, all);
    while (stateOf(chain, lapsing!) !== 'CoolingDown' && chain.number < 30) events = block(chain, all);
    assert.equal(stateOf(chain, lapsing!), 'CoolingDown');
    assert.deepEqual(
      holders(chain, 0),
      [holder!, spare!].map((worker) => toHex(worker.identity.publicKey)).sort(),
    );
    assert.deepEqual(
      events.filter((event) => event.module === 'contracts').map((event) => [event.name, event.data.worker]),
      [
        ['Unassigned', toHex(lapsing!.identity.publicKey)],
        ['Assigned', toHex(spare!.identity.publicKey)],
      ],
    );
  });

  it('draws a heavy worker far more often than a light one (weights 100 : 1)', () => {
    const chain = createTestChain();
    chain.executeBlock([]);
    const [heavy] = seedWorkers(chain, bob, 1, { prefix: 'heavy', score: 1000 });
    const [light] = seedWorkers(chain, bob, 1, { prefix: 'light', score: 10 });
    const both = [heavy!, light!];
    start(chain, both);
    const drawn = new Map<string, number>();
    let id = 0;
    // 10 blocks of 10 deploys, each undeployed in the same block so nobody fills up.
    for (let b = 0; b < 10; b++) {
      const extrinsics = [];
      for (let i = 0; i < 10; i++, id++) {
        extrinsics.push(chain.sign('dave', contractsCalls.deploy(CODE, 1)));
        extrinsics.push(chain.sign('dave', contractsCalls.undeploy(id)));
      }
      for (const event of block(chain, both, extrinsics)) {
        if (event.module !== 'contracts' || event.name !== 'Assigned') continue;
        const worker = event.data.worker as string;
        drawn.set(worker, (drawn.get(worker) ?? 0) + 1);
      }
    }
    const heavyCount = drawn.get(toHex(heavy!.identity.publicKey)) ?? 0;
    const lightCount = drawn.get(toHex(light!.identity.publicKey)) ?? 0;
    assert.equal(heavyCount + lightCount, 100);
    // Expected about 99 : 1; the seeds are fixed, so this bound is far from the mean and cannot flake.
    assert.ok(heavyCount >= 90, `heavy drawn ${heavyCount} of 100`);
  });
});
