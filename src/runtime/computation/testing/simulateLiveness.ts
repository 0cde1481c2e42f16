// A deterministic simulation of liveness on the real runtime (issue 9, "Detection in a
// deterministic simulator"). Thousands of workers of several operators bond and start through real
// extrinsics, contracts are deployed so that some are Serving, and every block is executed with
// `executeBlock`; workers answer their challenges with heartbeats signed by their identity keys and
// submitted by their operators, after a drawn delay. On top: random crashes (a worker stops
// answering, for a while or for good), workers whose delays sometimes exceed the window, a
// network-wide outage (most workers of most operators silent for a span) and a ground key cluster of
// one operator (workers whose challenge keys share their top bits) that goes absent together. No
// wall clock: a seeded generator decides everything, so a seed gives the same run everywhere.
//
// What it reports is read from the chain's events: detection latency (from a crash to the miss that
// makes the worker Unresponsive), misses of workers that answered in time (must be none), slashes
// against the worker's state at the miss (Serving only), slashes of the outage's misses (none), the
// cluster's slashes, and issuance (Σ balances = TotalIssuance, its growth = Σ minted).

import type { Event } from '../../../codec/chain.js';
import { devSeed } from '../../../codec/devKeys.js';
import { ed25519FromSeed } from '../../../codec/keys.js';
import { BalancesEvents } from '../../balances/events.js';
import { TotalIssuance } from '../../balances/storage.js';
import { UNIT } from '../../balances/types.js';
import { contractsCalls } from '../../contracts/types.js';
import { StakingEvents } from '../../staking/events.js';
import { stakingCalls } from '../../staking/types.js';
import type { TestChain } from '../../testing.js';
import { ComputationEvents } from '../events.js';
import type { ComputationGenesisConfig } from '../genesis.js';
import { heartbeatFor, type SeededWorker, seedWorkers } from '../testing.js';
import { challengeKeyOf, computationCalls, type SessionState } from '../types.js';
import { createPrng, type Prng } from './createPrng.js';
import { createLivenessChain, hexOf, livenessOperator } from './livenessChain.js';

export interface SimulationOptions {
  readonly seed: string;
  /** Regular operators and the workers of each. */
  readonly operators: number;
  readonly workersPerOperator: number;
  /** Blocks simulated after setup. */
  readonly blocks: number;
  /** Contracts deployed at setup, each with `replicas` replicas. */
  readonly contracts: number;
  readonly replicas: number;
  /** Chance (ppm) that a regular worker crashes once in the run; of crashes, the share (ppm) that is for good. */
  readonly crashPpm: number;
  readonly permanentCrashPpm: number;
  /** Chance (ppm) that a worker is laggy: its delays are drawn up to `heartbeatWindow + 4`. */
  readonly laggyPpm: number;
  /** The outage: from block `start` (counted from the first simulated block) for `length` blocks, `silencedPpm` of the workers of the first `operators` operators are silent. */
  readonly outage: {
    readonly start: number;
    readonly length: number;
    readonly operators: number;
    readonly silencedPpm: number;
  };
  /** The cluster: `size` workers of one more operator whose challenge keys share their top `bits`, absent together from `start` for `length` blocks. */
  readonly cluster: {
    readonly size: number;
    readonly bits: number;
    readonly start: number;
    readonly length: number;
  };
  readonly computation: Partial<ComputationGenesisConfig> & {
    readonly heartbeatWindow: number;
    readonly maxSilence: number;
    readonly outageWindow: number;
  };
  /** Called every 100 simulated blocks. */
  readonly onProgress?: (block: number, total: number) => void;
}

export interface SimulationReport {
  readonly workers: number;
  readonly operators: number;
  readonly blocks: number;
  readonly servingAtStart: number;
  readonly challenges: { readonly random: number; readonly forced: number };
  readonly heartbeats: { readonly accepted: number; readonly refused: Readonly<Record<string, number>> };
  readonly misses: {
    readonly total: number;
    readonly crash: number;
    readonly outage: number;
    readonly cluster: number;
    readonly late: number;
  };
  /**
   * Crashes; of them, those of workers out of session by then (stopped by maxStrikes: nothing to
   * detect); those sure to be caught (in session, down at least maxSilence + heartbeatWindow + 1
   * blocks, that many blocks before the run ends); those detected (a miss while down), and how many of the sure
   * ones were not (must be 0); detection latency in blocks from the crash to the miss.
   */
  readonly crashes: number;
  readonly crashedOutOfSession: number;
  readonly certain: number;
  readonly detected: number;
  readonly certainUndetected: number;
  readonly latency: {
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
    readonly bound: number;
  };
  /** Misses of workers whose heartbeat was submitted within the window while they were up. Must be 0. */
  readonly missedInTime: number;
  readonly slashes: number;
  readonly slashedStake: bigint;
  /** Slashes of a worker that was not Serving at its miss. Must be 0. */
  readonly slashedNotServing: number;
  /** Σ StakeSlashed against Σ Slashed amounts (equal). */
  readonly stakeSlashedEvents: bigint;
  readonly outageReport: {
    readonly silenced: number;
    readonly servingMisses: number;
    readonly waived: number;
    readonly slashed: number;
  };
  readonly clusterReport: {
    readonly size: number;
    /** Distinct blocks in which the cluster's first challenges of its absence were issued. */
    readonly challengeBlocks: number;
    readonly servingAtAbsence: number;
    readonly slashed: number;
    readonly waived: number;
  };
  readonly issuance: {
    readonly conserved: boolean;
    readonly checks: number;
    readonly growth: bigint;
    readonly minted: bigint;
  };
}

/** Indices i whose worker `${prefix}/i` has a challenge key with the same top `bits` as index 0's. */
export function grindCluster(prefix: string, size: number, bits: number): number[] {
  const top = (i: number) =>
    challengeKeyOf(ed25519FromSeed(devSeed(`${prefix}/${i}`)).publicKey) >> BigInt(64 - bits);
  const target = top(0);
  const found = [0];
  for (let i = 1; found.length < size; i++) if (top(i) === target) found.push(i);
  return found;
}

/** Why a worker is down at a block, if it is. */
type Cause = 'crash' | 'outage' | 'cluster';

interface Behaviour {
  readonly worker: SeededWorker;
  readonly hex: string;
  readonly laggy: boolean;
  /** Down spans [from, to) with their cause. */
  readonly down: { readonly from: number; readonly to: number; readonly cause: Cause }[];
  readonly crash?: { readonly at: number; readonly until: number };
  readonly outage: boolean;
  readonly cluster: boolean;
}

function downCause(behaviour: Behaviour, block: number): Cause | undefined {
  return behaviour.down.find((span) => span.from <= block && block < span.to)?.cause;
}

/** The drawn delay (blocks after the challenge block) of one answer. */
function drawDelay(prng: Prng, window: number, laggy: boolean): number {
  if (laggy) return prng.between(1, window + 4);
  const roll = prng.below(100);
  if (roll < 60) return 1;
  if (roll < 85) return 2;
  return prng.between(3, window);
}

function planBehaviour(
  prng: Prng,
  options: SimulationOptions,
  first: number,
  regular: readonly SeededWorker[][],
  cluster: readonly SeededWorker[],
): Behaviour[] {
  const { outage, computation } = options;
  const out: Behaviour[] = [];
  regular.forEach((workers, operator) => {
    for (const worker of workers) {
      const down: Behaviour['down'][number][] = [];
      let crash: Behaviour['crash'];
      if (prng.chance(options.crashPpm)) {
        const at =
          first + prng.between(Math.floor(options.blocks / 20), Math.floor((options.blocks * 9) / 10));
        const forGood = prng.chance(options.permanentCrashPpm);
        const until = forGood
          ? Number.MAX_SAFE_INTEGER
          : at + prng.between(Math.floor(computation.maxSilence / 2), 3 * computation.maxSilence);
        crash = { at, until };
        down.push({ from: at, to: until, cause: 'crash' });
      }
      const silenced = operator < outage.operators && prng.chance(outage.silencedPpm);
      if (silenced)
        down.push({ from: first + outage.start, to: first + outage.start + outage.length, cause: 'outage' });
      out.push({
        worker,
        hex: hexOf(worker.identity.publicKey),
        laggy: prng.chance(options.laggyPpm),
        down,
        ...(crash ? { crash } : {}),
        outage: silenced,
        cluster: false,
      });
    }
  });
  const { start, length } = options.cluster;
  for (const worker of cluster) {
    out.push({
      worker,
      hex: hexOf(worker.identity.publicKey),
      laggy: false,
      down: [{ from: first + start, to: first + start + length, cause: 'cluster' }],
      outage: false,
      cluster: true,
    });
  }
  return out;
}

/**
 * Executes `extrinsics` in one block, throwing on any refusal; returns its events. One block, so
 * that no session started in setup is challenged before the simulation answers (the hooks run
 * before the extrinsics: the block that starts the sessions challenges none of them).
 */
function executeSetup(
  chain: TestChain,
  extrinsics: readonly Uint8Array[],
): { block: number; events: readonly Event[] } {
  const { execution, results } = chain.executeBlock(extrinsics);
  results.forEach((result, i) => {
    if (!result.included || !result.outcome.ok)
      throw new Error(`setup extrinsic ${i} refused: ${JSON.stringify(result)}`);
  });
  return { block: chain.number, events: execution.events };
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)]!;
}

function isEvent(event: Event, type: { module: string; name: string }): boolean {
  return event.module === type.module && event.name === type.name;
}

const key = (hex: string, block: number) => `${hex}:${block}`;

/**
 * What the simulation learns from the chain's events, block by block: it plans each challenge's
 * answer (the drawn delay, and whether the worker will be up to send it), follows session states,
 * and classifies each miss and each slash decision by the cause the plan recorded.
 */
class SimulationLog {
  /** Challenges to answer, by the block their heartbeat goes in. */
  readonly answers = new Map<number, { behaviour: Behaviour; challengeBlock: number }[]>();
  readonly #plans = new Map<string, { delay: number; cause: Cause | undefined }>();
  readonly #stateOf = new Map<string, SessionState>();
  readonly #enteredUnresponsive = new Map<string, { block: number; from: SessionState }>();
  readonly #servingAtMiss = new Map<string, boolean>();
  readonly #causeAtMiss = new Map<string, Cause | 'late' | 'inTime'>();
  readonly detectedCrashes = new Set<string>();
  readonly latencies: number[] = [];
  readonly misses = { total: 0, crash: 0, outage: 0, cluster: 0, late: 0 };
  readonly outage = { servingMisses: 0, waived: 0, slashed: 0 };
  readonly cluster = {
    challengeBlocks: new Set<number>(),
    challenged: new Set<string>(),
    slashed: 0,
    waived: 0,
  };
  random = 0;
  forced = 0;
  missedInTime = 0;
  slashes = 0;
  slashedStake = 0n;
  slashedNotServing = 0;
  stakeSlashedEvents = 0n;
  minted = 0n;

  readonly #prng: Prng;
  readonly #window: number;
  readonly #behaviours: ReadonlyMap<string, Behaviour>;
  /** The block the cluster's absence starts at. */
  readonly #clusterStart: number;

  constructor(prng: Prng, window: number, behaviours: ReadonlyMap<string, Behaviour>, clusterStart: number) {
    this.#prng = prng;
    this.#window = window;
    this.#behaviours = behaviours;
    this.#clusterStart = clusterStart;
  }

  stateOf(hex: string): SessionState | undefined {
    return this.#stateOf.get(hex);
  }

  observe(block: number, events: readonly Event[]): void {
    // A slash waived at the miss is emitted before the miss itself: decisions are read last.
    const decisions: Event[] = [];
    for (const event of events) {
      if (isEvent(event, ComputationEvents.Challenged)) {
        const { worker, block: at, forced } = ComputationEvents.Challenged.decode(event.data);
        this.#challenged(this.#behaviours.get(hexOf(worker))!, at, forced);
      } else if (isEvent(event, ComputationEvents.SessionStateChanged)) {
        const { worker, from, to } = ComputationEvents.SessionStateChanged.decode(event.data);
        const hex = hexOf(worker);
        this.#stateOf.set(hex, to);
        if (to === 'Unresponsive') this.#enteredUnresponsive.set(hex, { block, from });
      } else if (isEvent(event, ComputationEvents.HeartbeatMissed)) {
        const { worker, challengeBlock, slashPending } = ComputationEvents.HeartbeatMissed.decode(event.data);
        this.#missed(this.#behaviours.get(hexOf(worker))!, block, challengeBlock, slashPending);
      } else if (isEvent(event, ComputationEvents.Slashed) || isEvent(event, ComputationEvents.SlashWaived)) {
        decisions.push(event);
      } else if (isEvent(event, StakingEvents.StakeSlashed)) {
        this.stakeSlashedEvents += StakingEvents.StakeSlashed.decode(event.data).amount;
      } else if (isEvent(event, BalancesEvents.Minted)) {
        this.minted += BalancesEvents.Minted.decode(event.data).amount;
      }
    }
    for (const event of decisions) {
      if (isEvent(event, ComputationEvents.Slashed)) {
        const { worker, missBlock, amount } = ComputationEvents.Slashed.decode(event.data);
        this.#decided(hexOf(worker), missBlock, amount);
      } else {
        const { worker, missBlock } = ComputationEvents.SlashWaived.decode(event.data);
        this.#decided(hexOf(worker), missBlock, undefined);
      }
    }
  }

  #challenged(behaviour: Behaviour, at: number, forced: boolean): void {
    if (forced) this.forced += 1;
    else this.random += 1;
    const delay = drawDelay(this.#prng, this.#window, behaviour.laggy);
    const answerAt = at + delay;
    this.#plans.set(key(behaviour.hex, at), { delay, cause: downCause(behaviour, answerAt) });
    const list = this.answers.get(answerAt) ?? [];
    list.push({ behaviour, challengeBlock: at });
    this.answers.set(answerAt, list);
    if (behaviour.cluster && at >= this.#clusterStart && !this.cluster.challenged.has(behaviour.hex)) {
      this.cluster.challenged.add(behaviour.hex);
      this.cluster.challengeBlocks.add(at);
    }
  }

  #missed(behaviour: Behaviour, block: number, challengeBlock: number, slashPending: boolean): void {
    const { hex } = behaviour;
    // The miss moved it to Unresponsive just before this event (unless it was already): the state it left.
    const entered = this.#enteredUnresponsive.get(hex);
    const before = entered?.block === block ? entered.from : this.#stateOf.get(hex);
    const serving = before === 'Serving';
    this.#servingAtMiss.set(key(hex, block), serving);
    if (slashPending && !serving) this.slashedNotServing += 1;
    const plan = this.#plans.get(key(hex, challengeBlock));
    if (plan === undefined)
      throw new Error(`a miss of a challenge the simulation never saw (${challengeBlock})`);
    const cause = plan.cause ?? (plan.delay > this.#window ? 'late' : 'inTime');
    this.#causeAtMiss.set(key(hex, block), cause);
    this.misses.total += 1;
    if (cause === 'inTime') this.missedInTime += 1;
    else this.misses[cause] += 1;
    if (cause === 'outage' && serving) this.outage.servingMisses += 1;
    if (cause === 'crash' && behaviour.crash !== undefined && !this.detectedCrashes.has(hex)) {
      this.detectedCrashes.add(hex);
      this.latencies.push(block - behaviour.crash.at);
    }
  }

  /** A slash decision (`amount` undefined: waived) for the miss at `missBlock`. */
  #decided(hex: string, missBlock: number, amount: bigint | undefined): void {
    if (amount !== undefined) {
      this.slashes += 1;
      this.slashedStake += amount;
      if (this.#servingAtMiss.get(key(hex, missBlock)) !== true) this.slashedNotServing += 1;
    }
    const cause = this.#causeAtMiss.get(key(hex, missBlock));
    if (cause === 'outage') {
      if (amount === undefined) this.outage.waived += 1;
      else this.outage.slashed += 1;
    } else if (cause === 'cluster') {
      if (amount === undefined) this.cluster.waived += 1;
      else this.cluster.slashed += 1;
    }
  }
}

export function simulateLiveness(options: SimulationOptions): SimulationReport {
  const prng = createPrng(options.seed);
  const { computation } = options;
  const window = computation.heartbeatWindow;
  const chain = createLivenessChain({
    operators: options.operators + 1,
    minStake: 1000n * UNIT,
    computation: { maxProcessPerBlock: 1024, ...computation },
  });

  // Setup: regular workers (stake 4 minStakes), the cluster (16 minStakes and a ten times better
  // score, so that contracts find it, as an operator grinding keys to dodge slashes would want).
  const regular = Array.from({ length: options.operators }, (_, i) =>
    seedWorkers(chain, livenessOperator(i), options.workersPerOperator, { prefix: `sim-${i}` }),
  );
  const cluster = seedWorkers(chain, livenessOperator(options.operators), 0, {
    prefix: 'sim-cluster',
    indices: grindCluster('sim-cluster', options.cluster.size, options.cluster.bits),
    score: 1000,
  });
  const setup: Uint8Array[] = [];
  const bondAndStart = (worker: SeededWorker, stake: bigint) => {
    setup.push(chain.sign(worker.operator, stakingCalls.bond(worker.identity.publicKey, stake)));
    setup.push(chain.sign(worker.operator, computationCalls.start(worker.identity.publicKey)));
  };
  for (const workers of regular) for (const worker of workers) bondAndStart(worker, 4000n * UNIT);
  for (const worker of cluster) bondAndStart(worker, 16_000n * UNIT);
  const owners = ['dave', 'eve', 'ferdie'] as const;
  // Sessions start in one block; the contracts, deployed in the next, find them in the pool.
  const setupBlocks = [
    executeSetup(chain, setup),
    executeSetup(
      chain,
      Array.from({ length: options.contracts }, (_, i) =>
        chain.sign(
          owners[i % owners.length]!,
          contractsCalls.deploy(devSeed(`sim contract ${i}`), options.replicas),
        ),
      ),
    ),
  ];

  const first = chain.number + 1;
  const behaviours = planBehaviour(prng, options, first, regular, cluster);
  const byHex = new Map(behaviours.map((b) => [b.hex, b]));
  const log = new SimulationLog(prng, window, byHex, first + options.cluster.start);
  for (const { block, events } of setupBlocks) log.observe(block, events);
  const servingAtStart = behaviours.filter((b) => log.stateOf(b.hex) === 'Serving').length;

  const refused: Record<string, number> = {};
  let accepted = 0;
  let clusterServingAtAbsence = 0;
  let issuanceChecks = 0;
  let conserved = true;
  const issuanceAtStart = TotalIssuance.get(chain.reader)!;
  const checkIssuance = () => {
    issuanceChecks += 1;
    if (chain.sumOfBalances() !== TotalIssuance.get(chain.reader)) conserved = false;
  };
  checkIssuance();

  // Crashes of workers still in session (a laggy worker may have been stopped by maxStrikes before).
  const crashesAt = new Map<number, Behaviour[]>();
  for (const b of behaviours)
    if (b.crash) crashesAt.set(b.crash.at, [...(crashesAt.get(b.crash.at) ?? []), b]);
  const crashedInSession = new Set<string>();
  for (let step = 0; step < options.blocks; step++) {
    const block = chain.number + 1;
    for (const b of crashesAt.get(block) ?? []) {
      const state = log.stateOf(b.hex);
      if (state === 'Idle' || state === 'Serving' || state === 'Unresponsive') crashedInSession.add(b.hex);
    }
    if (block === first + options.cluster.start) {
      clusterServingAtAbsence = behaviours.filter(
        (b) => b.cluster && log.stateOf(b.hex) === 'Serving',
      ).length;
    }
    // The heartbeats planned for this block, from the workers that are up.
    const extrinsics: Uint8Array[] = [];
    const latest = chain.nextBlockContext().parentHash;
    for (const { behaviour, challengeBlock } of log.answers.get(block) ?? []) {
      if (downCause(behaviour, block) !== undefined) continue;
      const extras = {
        challengeBlock,
        ...(challengeBlock === chain.number ? { challengeBlockHash: latest } : {}),
      };
      const call = heartbeatFor(chain, behaviour.worker, extras);
      if (call !== undefined) extrinsics.push(chain.sign(behaviour.worker.operator, call));
    }
    log.answers.delete(block);
    const { execution, results } = chain.executeBlock(extrinsics);
    for (const result of results) {
      if (!result.included) throw new Error(`heartbeat not included: ${result.invalid.code}`);
      if (result.outcome.ok) accepted += 1;
      else refused[result.outcome.error.error] = (refused[result.outcome.error.error] ?? 0) + 1;
    }
    log.observe(block, execution.events);
    if ((step + 1) % 100 === 0) {
      checkIssuance();
      options.onProgress?.(step + 1, options.blocks);
    }
  }
  checkIssuance();
  // Every answer planned for a block that ran was sent (or the worker was down): none left behind.
  for (const at of log.answers.keys())
    if (at <= chain.number) throw new Error(`answers planned for block ${at} never sent`);

  const sorted = [...log.latencies].sort((a, b) => a - b);
  const bound = computation.maxSilence + window + 1;
  const end = chain.number;
  const certain = behaviours.filter(
    (b) =>
      b.crash !== undefined &&
      crashedInSession.has(b.hex) &&
      b.crash.until - b.crash.at >= bound &&
      b.crash.at + bound <= end,
  );
  const growth = TotalIssuance.get(chain.reader)! - issuanceAtStart;
  return {
    workers: behaviours.length,
    operators: options.operators + 1,
    blocks: options.blocks,
    servingAtStart,
    challenges: { random: log.random, forced: log.forced },
    heartbeats: { accepted, refused },
    misses: { ...log.misses },
    crashes: behaviours.filter((b) => b.crash).length,
    crashedOutOfSession: behaviours.filter(
      (b) => b.crash && b.crash.at <= end && !crashedInSession.has(b.hex),
    ).length,
    certain: certain.length,
    detected: log.latencies.length,
    certainUndetected: certain.filter((b) => !log.detectedCrashes.has(b.hex)).length,
    latency: { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? 0, bound },
    missedInTime: log.missedInTime,
    slashes: log.slashes,
    slashedStake: log.slashedStake,
    slashedNotServing: log.slashedNotServing,
    stakeSlashedEvents: log.stakeSlashedEvents,
    outageReport: { silenced: behaviours.filter((b) => b.outage).length, ...log.outage },
    clusterReport: {
      size: cluster.length,
      challengeBlocks: log.cluster.challengeBlocks.size,
      servingAtAbsence: clusterServingAtAbsence,
      slashed: log.cluster.slashed,
      waived: log.cluster.waived,
    },
    issuance: {
      conserved: conserved && growth === log.minted,
      checks: issuanceChecks,
      growth,
      minted: log.minted,
    },
  };
}
