// The challenge math of issue 9 on the real runtime: N workers in session, every block executed
// with `executeBlock`, every challenge answered in the very next block by a real heartbeat
// extrinsic. Counts, per worker, the random challenges it drew, the blocks in which it could draw
// one, and its longest silence; per block, the random and forced challenges issued. The
// interpretation (binomial bounds, means) is `summarizeChallenges`.
import { UNIT } from '../../balances/types.js';
import { indexSize } from '../keyIndex.js';
import type { SeededWorker } from '../testing.js';
import { seedWorkers } from '../testing.js';
import { challengeThreshold } from '../types.js';
import { binomialRange } from './binomialRange.js';
import {
  byIdentity,
  challengesOf,
  createLivenessChain,
  heartbeatExtrinsics,
  hexOf,
  livenessOperator,
  startSessions,
} from './livenessChain.js';

export interface ChallengeMathOptions {
  readonly workers: number;
  /** Blocks measured, after every session has started. */
  readonly blocks: number;
  readonly expectedHeartbeats: number;
  readonly maxSilence: number;
  readonly heartbeatWindow?: number;
  /** Sessions start over this many blocks (a network that joined over time), before the measured blocks. */
  readonly startSpread: number;
  /** `maxProcessPerBlock` (default 10,000: never binding). */
  readonly maxProcessPerBlock?: number;
  /** Called every 1,000 blocks (progress of long runs). */
  readonly onProgress?: (block: number, total: number) => void;
}

export interface WorkerTally {
  random: number;
  forced: number;
  /** Measured blocks in which it could be drawn: not still open from the block before, not force-challenged. */
  eligible: number;
  /** Longest run of blocks between its challenges (from its session's start), including the open run at the end. */
  longestSilence: number;
  /** Its last challenge, or its session's start before the first (silence is counted from it). */
  lastChallenge: number;
}

export interface ChallengeMathRun {
  readonly options: ChallengeMathOptions;
  /** The threshold the chain used (index size constant at `workers`): p = threshold / 2^64. */
  readonly threshold: bigint;
  readonly tallies: readonly WorkerTally[];
  /** Random and forced challenges per measured block. */
  readonly randomPerBlock: readonly number[];
  readonly forcedPerBlock: readonly number[];
  readonly heartbeats: number;
}

/** Runs the chain: sessions start over `startSpread` blocks, then `blocks` blocks are measured. */
export function measureChallenges(options: ChallengeMathOptions): ChallengeMathRun {
  const window = options.heartbeatWindow ?? 10;
  const chain = createLivenessChain({
    computation: {
      expectedHeartbeats: options.expectedHeartbeats,
      // One challenge per block of 6 s at most: never binding, as a worker answers in the next block.
      maxChallengesPerHour: 600,
      maxSilence: options.maxSilence,
      heartbeatWindow: window,
      maxProcessPerBlock: options.maxProcessPerBlock ?? 10_000,
    },
  });
  const workers = seedWorkers(chain, livenessOperator(0), options.workers, { prefix: 'math' });
  const identities = byIdentity(workers);
  const tallies = new Map<string, WorkerTally>();
  const spread = Math.max(1, Math.min(options.startSpread, options.workers));
  const total = spread + options.blocks;
  const firstMeasured = chain.number + spread + 1;
  const lastMeasured = chain.number + total;
  const randomPerBlock: number[] = [];
  const forcedPerBlock: number[] = [];
  let open: SeededWorker[] = [];
  let heartbeats = 0;
  let threshold = 0n;

  for (let step = 0; step < total; step++) {
    const block = chain.number + 1;
    if (step < spread) {
      const batch = workers.slice(
        Math.floor((step * workers.length) / spread),
        Math.floor(((step + 1) * workers.length) / spread),
      );
      startSessions(chain, batch, UNIT);
      for (const worker of batch)
        tallies.set(hexOf(worker.identity.publicKey), {
          random: 0,
          forced: 0,
          eligible: 0,
          longestSilence: 0,
          lastChallenge: block,
        });
    }
    const measured = block >= firstMeasured;
    if (measured) {
      // Everybody answers, so the index (and the threshold) stays as it was when the last session started.
      const now = challengeThreshold(indexSize(chain.reader), options.expectedHeartbeats);
      if (threshold !== 0n && now !== threshold)
        throw new Error(`threshold moved from ${threshold} to ${now}`);
      threshold = now;
    }
    const extrinsics = heartbeatExtrinsics(chain, open);
    heartbeats += extrinsics.length;
    const { execution, results } = chain.executeBlock(extrinsics);
    for (const result of results) {
      if (!result.included || !result.outcome.ok)
        throw new Error(`heartbeat refused: ${JSON.stringify(result)}`);
    }
    const issued = challengesOf(execution.events);
    let random = 0;
    let forced = 0;
    open = [];
    for (const challenge of issued) {
      const hex = hexOf(challenge.worker);
      const tally = tallies.get(hex)!;
      tally.longestSilence = Math.max(tally.longestSilence, block - tally.lastChallenge);
      tally.lastChallenge = block;
      // Still open while the next block's hook draws (the answer is among its extrinsics): the
      // worker cannot be drawn in that block.
      if (block + 1 >= firstMeasured && block + 1 <= lastMeasured) tally.eligible -= 1;
      open.push(identities.get(hex)!);
      if (!measured) continue;
      if (challenge.forced) {
        forced += 1;
        tally.forced += 1;
        // Forced first: this block's draw skips it.
        tally.eligible -= 1;
      } else {
        random += 1;
        tally.random += 1;
      }
    }
    if (measured) {
      randomPerBlock.push(random);
      forcedPerBlock.push(forced);
    }
    if ((step + 1) % 1000 === 0) options.onProgress?.(step + 1, total);
  }
  const end = chain.number;
  for (const tally of tallies.values()) tally.eligible += options.blocks;
  for (const tally of tallies.values())
    tally.longestSilence = Math.max(tally.longestSilence, end - tally.lastChallenge);
  return { options, threshold, tallies: [...tallies.values()], randomPerBlock, forcedPerBlock, heartbeats };
}

export interface ChallengeMathSummary {
  readonly workers: number;
  readonly blocks: number;
  /** threshold / 2^64: a worker's chance of a random challenge in a block where it can have one. */
  readonly p: number;
  /** N · p: the mean random challenges per block if nobody were ever ineligible. */
  readonly drawMean: number;
  /** Σ eligible · p / blocks: the mean the ineligible blocks leave (answer pending, forced). */
  readonly predictedMean: number;
  readonly randomMean: number;
  readonly forcedMean: number;
  readonly randomMin: number;
  readonly randomMax: number;
  /** The acceptance range of a worker's random count at the median eligible blocks, family-wise alpha. */
  readonly range: { lo: number; hi: number; eligible: number };
  /** Workers whose random count lies outside the range for their own eligible blocks. */
  readonly outside: number;
  readonly longestSilence: number;
  readonly maxSilence: number;
}

/**
 * Checks each worker's random count against Binomial(eligible, p) at family-wise level `alpha`
 * (Bonferroni: alpha / 2N per tail and worker).
 */
export function summarizeChallenges(run: ChallengeMathRun, alpha = 0.001): ChallengeMathSummary {
  const { tallies, options } = run;
  const p = Number(run.threshold) / 2 ** 64;
  const perTail = alpha / (2 * tallies.length);
  const ranges = new Map<number, { lo: number; hi: number }>();
  const rangeOf = (eligible: number) => {
    let range = ranges.get(eligible);
    if (range === undefined) {
      range = binomialRange(eligible, p, perTail);
      ranges.set(eligible, range);
    }
    return range;
  };
  let outside = 0;
  for (const tally of tallies) {
    const { lo, hi } = rangeOf(tally.eligible);
    if (tally.random < lo || tally.random > hi) outside += 1;
  }
  const eligibles = tallies.map((t) => t.eligible).sort((a, b) => a - b);
  const medianEligible = eligibles[Math.floor(eligibles.length / 2)]!;
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  const randoms = tallies.map((t) => t.random);
  return {
    workers: tallies.length,
    blocks: options.blocks,
    p,
    drawMean: tallies.length * p,
    predictedMean: (sum(eligibles) * p) / options.blocks,
    randomMean: sum(run.randomPerBlock) / options.blocks,
    forcedMean: sum(run.forcedPerBlock) / options.blocks,
    randomMin: randoms.reduce((a, b) => Math.min(a, b)),
    randomMax: randoms.reduce((a, b) => Math.max(a, b)),
    range: { ...rangeOf(medianEligible), eligible: medianEligible },
    outside,
    longestSilence: tallies.reduce((longest, t) => Math.max(longest, t.longestSilence), 0),
    maxSilence: options.maxSilence,
  };
}
