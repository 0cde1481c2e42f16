import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { devKeypair } from '../../codec/devKeys.js';
import { getAssignments } from '../contracts/queries.js';
import { contractsCalls } from '../contracts/types.js';
import { DEV_MIN_STAKE, DEV_OUTAGE_WINDOW } from '../genesis/createDevGenesisConfig.js';
import { outcomeOf } from '../registry/testing.js';
import { Stakes } from '../staking/storage.js';
import { stakingCalls } from '../staking/types.js';
import { createTestChain, type TestChain } from '../testing.js';
import { Sessions } from './storage.js';
import { heartbeatExtrinsics } from './testing/livenessChain.js';
import { grindCluster } from './testing/simulateLiveness.js';
import { type SeededWorker, seedWorkers } from './testing.js';
import { computationCalls } from './types.js';

const STAKE = 4n * DEV_MIN_STAKE;

function start(chain: TestChain, workers: readonly SeededWorker[]): void {
  for (const worker of workers) {
    const key = worker.identity.publicKey;
    assert.equal(outcomeOf(chain.applySigned(worker.operator, stakingCalls.bond(key, STAKE))), 'ok');
    assert.equal(outcomeOf(chain.applySigned(worker.operator, computationCalls.start(key))), 'ok');
  }
}

/**
 * Deploys one-replica contracts, one per block while every worker answers, until each worker holds
 * one (each deploy draws afresh).
 */
function makeAllServing(chain: TestChain, workers: readonly SeededWorker[]): void {
  const idle = () => workers.some((w) => Sessions.get(chain.reader, w.identity.publicKey)!.contracts === 0);
  for (let i = 0; i < 200 && idle(); i++) {
    const deploy = chain.sign('ferdie', contractsCalls.deploy(new Uint8Array(32).fill(i), 1));
    chain.executeBlock([...heartbeatExtrinsics(chain, workers), deploy]);
  }
  for (const worker of workers)
    assert.ok(Sessions.get(chain.reader, worker.identity.publicKey)!.contracts > 0);
}

function run(chain: TestChain, answering: readonly SeededWorker[], blocks: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < blocks; i++) {
    const { execution } = chain.executeBlock(heartbeatExtrinsics(chain, answering));
    for (const event of execution.events) if (event.module === 'computation') names.push(event.name);
  }
  return names;
}

describe('outage guard', () => {
  it('slashes nobody when the workers of several operators all go silent', () => {
    const chain = createTestChain();
    chain.executeBlock([]);
    const workers = ['bob', 'charlie', 'dave'].flatMap((name) =>
      seedWorkers(chain, devKeypair(name as 'bob'), 3, { prefix: name }),
    );
    start(chain, workers);
    makeAllServing(chain, workers);
    run(chain, workers, 30);
    const events = run(chain, [], 2 * DEV_OUTAGE_WINDOW + 60);
    assert.ok(events.includes('HeartbeatMissed'));
    assert.ok(events.includes('SlashWaived'));
    assert.ok(!events.includes('Slashed'));
    for (const worker of workers)
      assert.equal(Stakes.get(chain.reader, worker.identity.publicKey)!.active, STAKE);
  });

  it('slashes one operator whose ground key cluster goes absent together, even as most of the network', () => {
    const chain = createTestChain();
    chain.executeBlock([]);
    // Six workers of one operator whose challenge keys share their top 6 bits: neighbours in the
    // index, challenged together, the majority of the network.
    const cluster = seedWorkers(chain, devKeypair('bob'), 0, {
      prefix: 'cluster',
      indices: grindCluster('cluster', 6, 6),
    });
    const honest = ['charlie', 'dave'].flatMap((name) =>
      seedWorkers(chain, devKeypair(name as 'dave'), 2, { prefix: name }),
    );
    start(chain, [...cluster, ...honest]);
    makeAllServing(chain, [...cluster, ...honest]);
    run(chain, [...cluster, ...honest], 20);
    const events = run(chain, honest, 2 * DEV_OUTAGE_WINDOW + 60);
    assert.ok(events.includes('Slashed'));
    for (const worker of cluster) {
      assert.ok(
        Stakes.get(chain.reader, worker.identity.publicKey)!.active < STAKE,
        'every cluster worker is slashed',
      );
    }
    for (const worker of honest)
      assert.equal(Stakes.get(chain.reader, worker.identity.publicKey)!.active, STAKE);
    // The contracts left the cluster.
    for (let id = 0; getAssignments(chain.reader, id).length > 0 || id < 3; id++) {
      for (const holder of getAssignments(chain.reader, id)) {
        assert.ok(!cluster.some((w) => Buffer.compare(w.identity.publicKey, holder) === 0));
      }
      if (id > 500) break;
    }
  });
});
