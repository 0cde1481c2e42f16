// A test chain with many liveness workers, shared by the challenge-math and cost tests, the
// liveness benchmark and the simulator. Everything past genesis runs the real runtime: blocks go
// through `executeBlock`, heartbeats are real extrinsics signed by the operator carrying the
// worker's signature. Two shortcuts, both named: workers are written registered and Provisioned by
// `seedWorkers` (the registry's tests cover registration), and `startSessions` runs the real
// `staking.bond` and `computation.start` calls through the dispatcher without the extrinsic
// envelope (signature, fee, nonce), so that 100,000 sessions start without signing and checking
// 200,000 extrinsics.
import { encodeAddress } from '../../../codec/address.js';
import type { Event } from '../../../codec/chain.js';
import { devSeed } from '../../../codec/devKeys.js';
import { ed25519FromSeed, type Keypair } from '../../../codec/keys.js';
import { UNIT } from '../../balances/types.js';
import { createDevGenesisConfig } from '../../genesis/createDevGenesisConfig.js';
import type { GenesisConfig } from '../../modules.js';
import { stakingCalls } from '../../staking/types.js';
import { dispatchCall } from '../../support/dispatch.js';
import { applyChanges, createTestChain, type TestChain } from '../../testing.js';
import { ComputationEvents } from '../events.js';
import type { ComputationGenesisConfig } from '../genesis.js';
import { Sessions } from '../storage.js';
import { heartbeatFor, type SeededWorker, seedWorkers } from '../testing.js';
import { computationCalls } from '../types.js';

/** The operator account `i` of a liveness test chain (funded at genesis). */
export function livenessOperator(i: number): Keypair {
  return ed25519FromSeed(devSeed(`liveness operator ${i}`));
}

export interface LivenessGenesisOptions {
  /** Liveness parameters over the dev chain's. */
  readonly computation?: Partial<ComputationGenesisConfig>;
  /** Staking's minStake (default 1 PHX, so that 100,000 stakes need no fortune). */
  readonly minStake?: bigint;
  /** Operators funded at genesis, `livenessOperator(0..operators-1)`, each with `operatorFunds`. */
  readonly operators?: number;
  readonly operatorFunds?: bigint;
}

export function createLivenessGenesis(options: LivenessGenesisOptions = {}): GenesisConfig {
  const dev = createDevGenesisConfig({ chainName: 'liveness' });
  const funds = options.operatorFunds ?? 10n ** 9n * UNIT;
  const operators = Array.from({ length: options.operators ?? 1 }, (_, i) => ({
    account: encodeAddress(livenessOperator(i).publicKey),
    free: funds.toString(),
  }));
  return {
    ...dev,
    balances: { accounts: [...dev.balances.accounts, ...operators] },
    staking: { ...dev.staking, minStake: (options.minStake ?? UNIT).toString() },
    computation: { ...dev.computation, ...options.computation },
  };
}

/** A test chain over `createLivenessGenesis`, with block 1 executed (it records the genesis hash). */
export function createLivenessChain(options: LivenessGenesisOptions = {}): TestChain {
  const chain = createTestChain({ genesisConfig: createLivenessGenesis(options) });
  chain.executeBlock([]);
  return chain;
}

/**
 * Bonds `stake` behind each worker and starts its session, at the chain's next block, through the
 * real calls (origin: the worker's operator) in one overlay; throws if any call fails.
 */
export function startSessions(chain: TestChain, workers: readonly SeededWorker[], stake: bigint): void {
  const ctx = chain.context();
  for (const { identity, operator } of workers) {
    const origin = { kind: 'signed', who: operator.publicKey } as const;
    for (const call of [
      stakingCalls.bond(identity.publicKey, stake),
      computationCalls.start(identity.publicKey),
    ]) {
      const result = dispatchCall(ctx, origin, call);
      if (!result.ok) throw new Error(`${call.module}.${call.call} failed: ${JSON.stringify(result.error)}`);
    }
  }
  applyChanges(chain.state, ctx.state.changes());
}

/** A challenge issued by a block, as its `Challenged` event tells. */
export interface IssuedChallenge {
  readonly worker: Uint8Array;
  readonly block: number;
  readonly deadline: number;
  readonly forced: boolean;
}

/** The challenges among a block's events. */
export function challengesOf(events: readonly Event[]): IssuedChallenge[] {
  const out: IssuedChallenge[] = [];
  for (const event of events) {
    if (
      event.module !== ComputationEvents.Challenged.module ||
      event.name !== ComputationEvents.Challenged.name
    )
      continue;
    const { worker, block, deadline, forced } = ComputationEvents.Challenged.decode(event.data);
    out.push({ worker, block, deadline, forced });
  }
  return out;
}

/**
 * Heartbeat extrinsics for the open challenges of `workers`, each signed by the worker's operator,
 * for the chain's next block. A challenge of the last block is answered too: its hash is the next
 * block's parent hash, which a worker knows from the header (state records it only in the next block).
 */
export function heartbeatExtrinsics(chain: TestChain, workers: Iterable<SeededWorker>): Uint8Array[] {
  const out: Uint8Array[] = [];
  const latest = { challengeBlockHash: chain.nextBlockContext().parentHash };
  for (const worker of workers) {
    const pending = Sessions.get(chain.reader, worker.identity.publicKey)?.pending;
    if (pending === undefined) continue;
    const call = heartbeatFor(chain, worker, pending.block === chain.number ? latest : {});
    if (call !== undefined) out.push(chain.sign(worker.operator, call));
  }
  return out;
}

/** Indexes workers by the hex of their identity key, to look up the subjects of events. */
export function byIdentity(workers: readonly SeededWorker[]): Map<string, SeededWorker> {
  return new Map(workers.map((worker) => [hexOf(worker.identity.publicKey), worker]));
}

export function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export interface LivenessNetworkOptions extends LivenessGenesisOptions {
  readonly workers: number;
  /** Stake bonded behind each worker (default: minStake, 1 PHX). */
  readonly stake?: bigint;
  /** Blocks executed after the sessions start, answering every challenge (default: 0). */
  readonly warmup?: number;
  readonly prefix?: string;
}

/** A chain whose `workers` sessions all answer every challenge in the next block. */
export interface LivenessNetwork {
  readonly chain: TestChain;
  readonly workers: readonly SeededWorker[];
  /** Executes the next block with heartbeats for the challenges of the last one; returns its events. */
  step(): readonly Event[];
}

export function createLivenessNetwork(options: LivenessNetworkOptions): LivenessNetwork {
  const chain = createLivenessChain(options);
  const workers = seedWorkers(chain, livenessOperator(0), options.workers, {
    prefix: options.prefix ?? 'network',
  });
  startSessions(chain, workers, options.stake ?? UNIT);
  const identities = byIdentity(workers);
  let open: SeededWorker[] = [];
  const step = (): readonly Event[] => {
    const { execution, results } = chain.executeBlock(heartbeatExtrinsics(chain, open));
    for (const result of results) {
      if (!result.included || !result.outcome.ok)
        throw new Error(`heartbeat refused: ${JSON.stringify(result)}`);
    }
    open = challengesOf(execution.events).map((challenge) => identities.get(hexOf(challenge.worker))!);
    return execution.events;
  };
  for (let i = 0; i < (options.warmup ?? 0); i++) step();
  return { chain, workers, step };
}
