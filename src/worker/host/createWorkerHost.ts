// The worker's host (DESIGN.md sections 1 and 4): untrusted plumbing between the enclave core and a
// node. Each tick it brings the core's light client up to the node's best block, reads the worker's
// own state through proofs, registers (or re-attests before expiry) when the chain says it must, and
// once Provisioned has the core open the network key. Anything the node does wrong (down, lying,
// slow) is an error for this tick: `run` logs it and retries with capped, jittered backoff.
import pino, { type Logger } from 'pino';
import type { RpcClient } from '../../client/types.js';
import { bytesToHex, equalBytes } from '../../codec/bytes.js';
import { blake2b256 } from '../../codec/hash.js';
import type { Keypair } from '../../codec/keys.js';
import { EncryptedKeys } from '../../runtime/gatekeeper/storage.js';
import { Benchmarks, WorkerStates, Workers } from '../../runtime/registry/storage.js';
import {
  type Evidence,
  registryCalls,
  type TeeKind,
  WORKER_INFO_VERSION,
  type WorkerInfo,
  type WorkerState,
} from '../../runtime/registry/types.js';
import type { EnclaveCore } from '../enclave/enclaveCore.js';
import { decodeItem, type LightClient } from '../enclave/lightClient.js';
import {
  type BackoffPolicy,
  backoffDelay,
  DEFAULT_BACKOFF,
  sleep as realSleep,
  type Sleep,
} from './backoff.js';
import { checkpointLightClient, type RoleView } from './checkpointLightClient.js';
import type { CollateralSource } from './collateralSource.js';
import { createBenchmarkTask, type ProvenWorker } from './createBenchmarkTask.js';
import { createHeartbeatTask, type HeartbeatStatus } from './createHeartbeatTask.js';
import { createSubmissionTracker } from './createSubmissionTracker.js';
import { createSubmitter, type Submitter } from './createSubmitter.js';
import { WorkerError } from './errors.js';
import { readProven, syncLightClient, type VerifiedBlock } from './followChain.js';
import { registrationReason } from './registrationReason.js';
import { startLightClient } from './startLightClient.js';

/** What a role (the gatekeeper) gets each tick: the verified chain and a way to submit. */
export interface RoleContext {
  readonly client: RpcClient;
  readonly lightClient: LightClient;
  readonly submitter: Submitter;
  readonly logger: Logger;
  /** This worker's own on-chain state, as proven this tick. */
  readonly workerState: WorkerState | undefined;
  readProven(key: Uint8Array): Promise<Uint8Array | undefined>;
}

export interface WorkerRole {
  readonly name: string;
  /**
   * Each verified block, in order, from genesis on, or from the light client checkpoint on when the
   * role has a `view` to resume (the gatekeeper collects evidence from them).
   */
  onBlock?(block: VerifiedBlock): void;
  /** What the role learnt from blocks, sealed with the light client checkpoint (checkpointLightClient.ts). */
  readonly view?: RoleView;
  /** After the host's own work, once per tick with a fresh verified head. */
  onTick(context: RoleContext): Promise<void>;
}

export interface WorkerHostOptions {
  readonly client: RpcClient;
  readonly core: EnclaveCore;
  /** The operator account: named in WorkerInfo, signs and pays for the worker's extrinsics. */
  readonly operator: Keypair;
  readonly collateral: CollateralSource;
  /** The pinned chain (see pinGenesis). */
  readonly genesisHash: Uint8Array;
  /** Cores offered to contracts (WorkerInfo.features.cores). Default 1. */
  readonly cores?: number;
  readonly roles?: readonly WorkerRole[];
  readonly logger?: Logger;
  /** Pause between ticks when all is well. Default 1000 ms. */
  readonly pollIntervalMs?: number;
  /**
   * Re-attest when the registration expires within this much chain time. Default: a quarter of the
   * registration's validity, at least a few blocks (registrationReason.ts, `reattestMargin`).
   */
  readonly reattestMarginMs?: number;
  /** A submitted registration or benchmark report not seen in this many blocks is given up and retried. Default 20. */
  readonly registrationTimeoutBlocks?: number;
  readonly backoff?: BackoffPolicy;
  /** Most blocks imported per tick while catching up (default 2000); the worker acts only once caught up. */
  readonly syncBatchBlocks?: number;
  /**
   * The light client checkpoint is sealed every this many verified blocks (default 100) and when
   * `run` stops: after a crash a restart verifies at most this many headers again.
   */
  readonly checkpointEveryBlocks?: number;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  /** Wall clock (ms), for collateral freshness and nonce bookkeeping only; the chain's time comes from headers. */
  readonly now?: () => number;
  /** Monotonic clock (ms) that bounds the benchmark's slices of work between ticks; never the score. */
  readonly monotonic?: () => number;
}

export type HostWorkerState = WorkerState | 'Unregistered';

export interface WorkerStatus {
  readonly pubkey: Uint8Array;
  /** The chain's state for this worker as last proven; undefined before the first successful tick. */
  readonly state: HostWorkerState | undefined;
  readonly headNumber: number | undefined;
  /** Headers the light client verified since this host started. */
  readonly headersVerified: number;
  /** The block of the sealed checkpoint the light client resumed from; undefined if it started at genesis. */
  readonly resumedFrom: number | undefined;
  /** Registrations (first or re-attestation) this host submitted since it started. */
  readonly registrationsSubmitted: number;
  /** Benchmark reports this host submitted since it started. */
  readonly benchmarksSubmitted: number;
  /** The session and the heartbeats this host sent for it (createHeartbeatTask.ts). */
  readonly heartbeats: HeartbeatStatus;
  readonly holdsNetworkKey: boolean;
  /** BLAKE2b-256 of the network key, to compare without handing the key out. */
  readonly networkKeyFingerprint: Uint8Array | undefined;
  /** Consecutive failed ticks (0 when the last tick succeeded). */
  readonly failures: number;
  readonly lastError: Error | undefined;
}

export interface WorkerHost {
  readonly pubkey: Uint8Array;
  status(): WorkerStatus;
  /** One round of work; throws what went wrong (run() catches and backs off). */
  tick(): Promise<void>;
  /** Ticks until `signal` aborts; never throws for node or input trouble. */
  run(signal: AbortSignal): Promise<void>;
  /** Called after every tick, failed or not. Returns an unsubscribe function. */
  onStatus(listener: (status: WorkerStatus) => void): () => void;
}

export function createWorkerHost(options: WorkerHostOptions): WorkerHost {
  const { client, core, operator, collateral, genesisHash } = options;
  const pubkeyHex = bytesToHex(core.pubkey);
  const logger = (options.logger ?? pino({ level: 'silent' })).child({ worker: pubkeyHex });
  const roles = options.roles ?? [];
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const marginMs = options.reattestMarginMs === undefined ? undefined : BigInt(options.reattestMarginMs);
  const timeoutBlocks = options.registrationTimeoutBlocks ?? 20;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const cores = options.cores ?? 1;
  const syncBatch = options.syncBatchBlocks ?? 2000;
  const checkpointEvery = Math.max(1, options.checkpointEveryBlocks ?? 100);
  const tee: TeeKind = core.tee;
  const submitter = createSubmitter({ client, operator, genesisHash });
  const registration = createSubmissionTracker({ timeoutBlocks });
  const heartbeatTask = createHeartbeatTask({ core, submitter, logger });
  const benchmarkTask = createBenchmarkTask({
    core,
    submitter,
    logger,
    timeoutBlocks,
    ...(options.monotonic === undefined ? {} : { monotonic: options.monotonic }),
  });

  let lightClient: LightClient | undefined;
  let resumedFrom: number | undefined;
  let checkpointedAt = 0;
  let state: HostWorkerState | undefined;
  let registrationsSubmitted = 0;
  // The chain's block interval as last seen in verified headers: the re-attestation margin's floor.
  let lastBlockTimestamp: bigint | undefined;
  let blockIntervalMs = 0n;
  let networkKey: Uint8Array | undefined;
  let networkKeyFingerprint: Uint8Array | undefined;
  let catchingUp = false;
  let failures = 0;
  let lastError: Error | undefined;
  const listeners = new Set<(status: WorkerStatus) => void>();

  const status = (): WorkerStatus => ({
    pubkey: core.pubkey,
    state,
    headNumber: lightClient?.head().header.number,
    headersVerified: lightClient?.verifiedHeaders() ?? 0,
    resumedFrom,
    registrationsSubmitted,
    benchmarksSubmitted: benchmarkTask.submitted(),
    heartbeats: heartbeatTask.status(),
    holdsNetworkKey: networkKey !== undefined,
    networkKeyFingerprint,
    failures,
    lastError,
  });

  /** Seals the light client and the roles' views at the head; a failure is logged and retried later. */
  const saveCheckpoint = (): void => {
    if (!lightClient) return;
    checkpointedAt = lightClient.head().header.number;
    try {
      checkpointLightClient(core.checkpoints, lightClient, roles);
    } catch (error) {
      logger.warn({ err: error, path: core.checkpoints.path }, 'cannot write the light client checkpoint');
    }
  };

  const onBlock = (block: VerifiedBlock): void => {
    const { timestamp } = block.header;
    if (lastBlockTimestamp !== undefined && timestamp > lastBlockTimestamp) {
      blockIntervalMs = timestamp - lastBlockTimestamp;
    }
    lastBlockTimestamp = timestamp;
    const outcome = registration.onBlock(block);
    if (outcome?.kind === 'included') logger.info({ block: outcome.block }, 'registration included');
    else if (outcome?.kind === 'failed') {
      logger.error({ reason: outcome.reason, retryAtBlock: outcome.retryAtBlock }, 'registration failed');
    }
    benchmarkTask.onBlock(block);
    heartbeatTask.onBlock(block);
    for (const role of roles) role.onBlock?.(block);
    if (block.header.number - checkpointedAt >= checkpointEvery) saveCheckpoint();
  };

  const readOwnState = async (client_: RpcClient, lc: LightClient): Promise<ProvenWorker> => {
    const stateBytes = await readProven(client_, lc, WorkerStates.keyOf(core.pubkey));
    const recordBytes = await readProven(client_, lc, Workers.keyOf(core.pubkey));
    const benchmarkBytes = await readProven(client_, lc, Benchmarks.keyOf(core.pubkey));
    return {
      state: stateBytes === undefined ? undefined : decodeItem(WorkerStates, stateBytes),
      record: recordBytes === undefined ? undefined : decodeItem(Workers, recordBytes),
      benchmark: benchmarkBytes === undefined ? undefined : decodeItem(Benchmarks, benchmarkBytes),
    };
  };

  const register = async (lc: LightClient, reason: string): Promise<void> => {
    const head = lc.head();
    const info: WorkerInfo = {
      version: WORKER_INFO_VERSION,
      pubkey: core.pubkey,
      ecdhPubkey: core.ecdhPubkey,
      genesisHash: lc.genesisHash,
      operator: operator.publicKey,
      features: { cores, tee },
      // A block the core verified itself: the host cannot make the core attest to a block of its choosing.
      recentBlock: { number: head.header.number, hash: head.hash },
    };
    const { quote } = await core.attest(info);
    const evidenceCollateral = await collateral.collateralFor(quote, tee, now());
    const evidence: Evidence = { tag: 'Dcap', value: { quote, collateral: evidenceCollateral } };
    const hash = await submitter.submit(registryCalls.registerWorker(info, evidence));
    registration.submitted(hash, head.header.number);
    registrationsSubmitted++;
    logger.info(
      { reason, recentBlock: head.header.number, extrinsic: bytesToHex(hash) },
      'registration submitted',
    );
  };

  const tick = async (): Promise<void> => {
    if (!lightClient) {
      const started = await startLightClient({
        client,
        checkpoints: core.checkpoints,
        genesisHash,
        roles,
        logger,
      });
      ({ lightClient, resumedFrom } = started);
      checkpointedAt = started.lightClient.head().header.number;
    }
    const lc = lightClient;
    const sync = await syncLightClient(client, lc, onBlock, syncBatch);
    // Acting on an old head would attest to a stale block: finish catching up first.
    catchingUp = !sync.caughtUp;
    if (catchingUp) return;
    const head = lc.head();
    const own = await readOwnState(client, lc);
    const previous = state;
    state = own.state ?? 'Unregistered';
    if (previous !== state)
      logger.info({ from: previous, to: state, block: head.header.number }, 'worker state');

    if (own.record && !equalBytes(own.record.info.operator, operator.publicKey)) {
      // The chain would refuse us (PubkeyBoundToOtherOperator): say so rather than pay for it.
      throw new WorkerError(
        'InvalidConfig',
        `worker ${pubkeyHex} is bound to operator 0x${bytesToHex(own.record.info.operator)}`,
      );
    }
    // Liveness first: a heartbeat has a deadline in blocks; registration and the rest can wait a tick.
    await heartbeatTask.onTick(client, lc);
    const reason = registrationReason(own.state, own.record, head.header, {
      blockIntervalMs,
      ...(marginMs === undefined ? {} : { marginMs }),
    });
    if (reason && registration.mayAct(head.header.number)) {
      if (head.header.number < 1) {
        logger.debug('waiting for the first block before registering');
      } else {
        await register(lc, reason);
      }
    }

    if (own.state === 'Provisioned' && networkKey === undefined) {
      const stored = await readProven(client, lc, EncryptedKeys.keyOf(core.pubkey));
      if (stored === undefined) {
        logger.warn('provisioned, but no network key box on chain yet');
      } else {
        const box = decodeItem(EncryptedKeys, stored);
        networkKey = core.decryptFromChain(box.encryptedKey);
        networkKeyFingerprint = blake2b256(networkKey);
        logger.info({ fingerprint: bytesToHex(networkKeyFingerprint) }, 'holds the network key');
      }
    }

    await benchmarkTask.onTick(head, lc.genesisHash, own);

    const context: RoleContext = {
      client,
      lightClient: lc,
      submitter,
      logger,
      workerState: own.state,
      readProven: (key) => readProven(client, lc, key),
    };
    for (const role of roles) await role.onTick(context);
  };

  const notify = () => {
    const snapshot = status();
    for (const listener of listeners) {
      try {
        listener(snapshot);
      } catch (error) {
        logger.warn({ err: error }, 'a status listener threw');
      }
    }
  };

  return {
    pubkey: core.pubkey,
    status,
    tick,
    onStatus(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async run(signal) {
      logger.info({ tee, operator: bytesToHex(operator.publicKey), node: client.url }, 'worker host started');
      while (!signal.aborted) {
        let delay = pollIntervalMs;
        try {
          await tick();
          if (catchingUp) delay = 0;
          if (failures > 0) logger.info({ after: failures }, 'node reachable again');
          failures = 0;
          lastError = undefined;
        } catch (error) {
          lastError = error as Error;
          delay = backoffDelay(failures, backoff, random);
          failures++;
          const code = (error as { code?: unknown }).code;
          logger.warn(
            { err: lastError, code, attempt: failures, retryInMs: delay },
            'tick failed; backing off',
          );
        }
        notify();
        if (signal.aborted) break;
        // A benchmark run takes the time between healthy ticks; a failing tick's back-off is slept.
        if (failures === 0 && delay > 0 && benchmarkTask.running())
          await benchmarkTask.workFor(delay, signal);
        else await sleep(delay, signal);
      }
      // A clean stop leaves nothing to verify again on the next start.
      if (lightClient && lightClient.head().header.number !== checkpointedAt) saveCheckpoint();
      logger.info('worker host stopped');
    },
  };
}
