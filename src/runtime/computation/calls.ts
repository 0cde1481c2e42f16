// computation calls: check origin, validate, write, emit (README.md for the order of the checks).
import { equalBytes } from '../../codec/bytes.js';
import { ed25519Verify } from '../../codec/keys.js';
import {
  hasLapsed,
  readBenchmark,
  readChainGenesisHash,
  readWorker,
  readWorkerState,
} from '../registry/workers.js';
import { activeStake, readStakingConfig, setStakeLocked } from '../staking/stake.js';
import { governanceCall, signedCall } from '../support/dispatch.js';
import { ensure } from '../support/errors.js';
import { WEIGHT } from '../support/weight.js';
import { getBlockHash } from '../system/queries.js';
import { scheduleFirstSilence } from './challenges.js';
import { findConfigProblem, readComputationConfig } from './config.js';
import { ComputationErrors } from './errors.js';
import { ComputationEvents } from './events.js';
import { scheduleLapseCheck } from './hooks.js';
import { payReward, readRewardIndex } from './rewards.js';
import { currentWeight, isInSession, moveSession, stopSession, workingState } from './sessions.js';
import { Config, Sessions } from './storage.js';
import {
  HeartbeatArgs,
  heartbeatPayload,
  type Session,
  SetComputationConfigArgs,
  WorkerArgs,
} from './types.js';
import { poolHasRoom, poolInsert, poolRemove } from './weightPool.js';

/** A heartbeat verifies the worker's signature besides the extrinsic's. */
const VERIFIES_SIGNATURE = { weight: WEIGHT.base + WEIGHT.signature };

export const computationCallDefinitions = {
  start: signedCall(WorkerArgs, (ctx, who, { worker }) => {
    const record = readWorker(ctx.state, worker);
    ensure(record !== undefined, ComputationErrors.WorkerNotFound);
    ensure(equalBytes(record.info.operator, who), ComputationErrors.NotOperator);
    ensure(readWorkerState(ctx.state, worker) === 'Provisioned', ComputationErrors.NotProvisioned);
    ensure(!hasLapsed(record, ctx.block.timestamp), ComputationErrors.AttestationLapsed);
    const benchmark = readBenchmark(ctx.state, worker);
    ensure(benchmark !== undefined, ComputationErrors.NoBenchmark);
    const stake = activeStake(ctx.state, worker);
    ensure(stake >= readStakingConfig(ctx.state).minStake, ComputationErrors.InsufficientStake);
    const previous = Sessions.get(ctx.state, worker);
    ensure(previous === undefined || !isInSession(previous.state), ComputationErrors.AlreadyStarted);
    ensure(previous?.state !== 'CoolingDown', ComputationErrors.CoolingDown);
    ensure(poolHasRoom(ctx.state), ComputationErrors.PoolFull);

    const block = ctx.block.number;
    const ready: Session = {
      state: 'Ready',
      id: (previous?.id ?? 0) + 1,
      operator: who,
      startedAt: block,
      pending: undefined,
      lastChallengeBlock: block,
      lastChallengeMs: 0n,
      lastHeartbeatBlock: 0,
      lastAnswered: 0,
      lastMissed: 0,
      strikes: 0,
      misses: 0,
      contracts: 0,
      weight: 0n,
      rewardIndex: 0n,
      rewards: 0n,
      poolSlot: 0,
      cooldownEnds: 0,
    };
    if (previous === undefined) Sessions.set(ctx.state, worker, ready);
    const weight = currentWeight(ctx.state, benchmark.score, stake);
    const session = moveSession(ctx, worker, ready, 'Idle', weight);
    setStakeLocked(ctx, worker, true);
    const config = readComputationConfig(ctx.state);
    scheduleFirstSilence(ctx, worker, session.id, config);
    scheduleLapseCheck(ctx, worker, session.id);
    ComputationEvents.SessionStarted.emit(ctx, { worker, session: session.id, operator: who, weight });
  }),

  stop: signedCall(WorkerArgs, (ctx, who, { worker }) => {
    const session = Sessions.get(ctx.state, worker);
    ensure(session !== undefined && isInSession(session.state), ComputationErrors.NotInSession);
    ensure(equalBytes(session.operator, who), ComputationErrors.NotOperator);
    stopSession(ctx, worker, session, readComputationConfig(ctx.state).cooldownBlocks);
  }),

  heartbeat: signedCall(HeartbeatArgs, VERIFIES_SIGNATURE, (ctx, who, args) => {
    const { worker, challengeBlock } = args;
    const session = Sessions.get(ctx.state, worker);
    ensure(session !== undefined && isInSession(session.state), ComputationErrors.NotInSession);
    ensure(equalBytes(session.operator, who), ComputationErrors.NotOperator);
    ensure(args.session === session.id, ComputationErrors.WrongSession);
    ensure(
      session.lastAnswered !== challengeBlock || challengeBlock === 0,
      ComputationErrors.AlreadyAnswered,
    );
    ensure(session.lastMissed !== challengeBlock || challengeBlock === 0, ComputationErrors.HeartbeatTooLate);
    const pending = session.pending;
    ensure(pending !== undefined && pending.block === challengeBlock, ComputationErrors.NotChallenged);
    ensure(ctx.block.number <= pending.deadline, ComputationErrors.HeartbeatTooLate);
    const hash = getBlockHash(ctx.state, challengeBlock);
    ensure(
      hash !== undefined && equalBytes(hash, args.challengeBlockHash),
      ComputationErrors.ChallengeHashMismatch,
    );
    const genesisHash = readChainGenesisHash(ctx.state);
    const { signature, ...heartbeat } = args;
    ensure(
      genesisHash !== undefined && ed25519Verify(worker, heartbeatPayload(genesisHash, heartbeat), signature),
      ComputationErrors.BadHeartbeatSignature,
    );

    const inPool = session.state === 'Idle' || session.state === 'Serving';
    const reward = inPool ? payReward(ctx, session) : 0n;
    const answered: Session = {
      ...session,
      pending: undefined,
      lastAnswered: challengeBlock,
      lastHeartbeatBlock: ctx.block.number,
      strikes: 0,
      rewardIndex: readRewardIndex(ctx),
      rewards: session.rewards + reward,
    };
    const score = readBenchmark(ctx.state, worker)?.score ?? 0;
    const weight = currentWeight(ctx.state, score, activeStake(ctx.state, worker));
    if (!inPool) {
      // Back from Unresponsive: it rejoins the pool with today's weight.
      moveSession(ctx, worker, answered, workingState(answered), weight);
    } else if (weight !== session.weight) {
      // Its stake or score changed since it joined: the pool takes the new weight now that it is paid up.
      poolRemove(ctx.state, session.poolSlot, session.weight);
      Sessions.set(ctx.state, worker, {
        ...answered,
        weight,
        poolSlot: poolInsert(ctx.state, worker, weight),
      });
    } else {
      Sessions.set(ctx.state, worker, answered);
    }
    ComputationEvents.HeartbeatAccepted.emit(ctx, { worker, session: session.id, challengeBlock, reward });
  }),

  setConfig: governanceCall(SetComputationConfigArgs, (ctx, { config }) => {
    ensure(findConfigProblem(config) === undefined, ComputationErrors.InvalidConfig);
    Config.set(ctx.state, config);
    ComputationEvents.ConfigChanged.emit(ctx, { config });
  }),
};
