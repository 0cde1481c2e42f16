// A worker as a process runs it (`phalanx worker`): the enclave core on the chosen TEE, the host
// talking to a node, and optionally the gatekeeper role, until stopped. Start-up failures that the
// operator must fix (bad folders, a sealed identity that does not open, a TEE that is absent) are
// thrown; everything the node does wrong afterwards is retried by the host.
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { createHttpClient } from '../client/createHttpClient.js';
import { bytesToHex } from '../codec/bytes.js';
import type { Keypair } from '../codec/keys.js';
import { createPcsClient } from '../pcs/createPcsClient.js';
import type { TeeKind } from '../runtime/registry/types.js';
import { createEnclaveCore, type EnclaveCore } from './enclave/enclaveCore.js';
import { createSgxEvidenceProvider } from './enclave/evidence/createSgxEvidenceProvider.js';
import {
  createSimEvidenceProvider,
  defaultSimMeasurement,
} from './enclave/evidence/createSimEvidenceProvider.js';
import { createTdxEvidenceProvider } from './enclave/evidence/createTdxEvidenceProvider.js';
import type { EvidenceProvider } from './enclave/evidence/types.js';
import { createSgxSealingProvider } from './enclave/sealing/createSgxSealingProvider.js';
import { createSimSealingProvider } from './enclave/sealing/createSimSealingProvider.js';
import { createTdxSealingProvider } from './enclave/sealing/createTdxSealingProvider.js';
import type { SealingProvider } from './enclave/sealing/types.js';
import { createGatekeeperCore } from './gatekeeper/createGatekeeperCore.js';
import { createGatekeeperRole, type GatekeeperRole } from './gatekeeper/createGatekeeperRole.js';
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF, sleep } from './host/backoff.js';
import {
  type CollateralSource,
  createPcsCollateralSource,
  createSimCollateralSource,
} from './host/collateralSource.js';
import { createWorkerHost, type WorkerHost } from './host/createWorkerHost.js';
import { WorkerError } from './host/errors.js';
import { loadOrCreateSimPki } from './host/loadOrCreateSimPki.js';
import { pinGenesis } from './host/pinGenesis.js';

/** `sim` is the INSECURE software TEE; its name says so wherever it is chosen. */
export type WorkerTee = 'sim' | 'sgx' | 'tdx';

export interface RunWorkerOptions {
  readonly tee: WorkerTee;
  readonly rpcUrl: string;
  readonly dataDir: string;
  readonly operator: Keypair;
  readonly gatekeeper?: boolean;
  /** PCCS (or Intel PCS) for sgx/tdx collateral; default Intel's PCS. */
  readonly pccsUrl?: string;
  /** sim only: the simulated machine (sealing secret, sim PKI); default `<dataDir>/sim-machine`. */
  readonly simMachineDir?: string;
  /** sim only: which quote format the sim produces. Default sgx. */
  readonly simTee?: TeeKind;
  /** tdx only: the sealing key file released by the key broker. */
  readonly tdxSealingKeyFile?: string;
  /** Pins the chain; otherwise the first start takes it from the node and seals it. */
  readonly genesisHash?: Uint8Array;
  readonly cores?: number;
  readonly pollIntervalMs?: number;
  readonly reattestMarginMs?: number;
  /** Blocks a benchmark run lasts (default BENCHMARK_BLOCKS, enclave/createBenchmark.ts). */
  readonly benchmarkBlocks?: number;
  readonly backoff?: BackoffPolicy;
  readonly logger?: Logger;
  /** Wall clock (ms): collateral freshness and the sim PKI's issue time. */
  readonly now?: () => number;
}

export interface RunningWorker {
  readonly core: EnclaveCore;
  readonly host: WorkerHost;
  readonly gatekeeper: GatekeeperRole | undefined;
  /** Stops the host loop after its current tick; idempotent. */
  stop(): Promise<void>;
  /** Settles when the worker has stopped. */
  readonly stopped: Promise<void>;
}

function teeProviders(options: RunWorkerOptions): {
  sealing: SealingProvider;
  evidence: EvidenceProvider;
  collateral: CollateralSource;
} {
  const now = options.now ?? Date.now;
  switch (options.tee) {
    case 'sim': {
      const machineDir = options.simMachineDir ?? join(options.dataDir, 'sim-machine');
      const tee = options.simTee ?? 'sgx';
      const measurement = defaultSimMeasurement(tee);
      const pki = loadOrCreateSimPki(machineDir, Math.floor(now() / 1000));
      return {
        sealing: createSimSealingProvider({ machineDir, measurement }),
        evidence: createSimEvidenceProvider({ pki, tee, measurement }),
        collateral: createSimCollateralSource(pki),
      };
    }
    case 'sgx':
    case 'tdx': {
      const pcs = createPcsClient({
        cacheDir: join(options.dataDir, 'collateral-cache'),
        ...(options.pccsUrl === undefined ? {} : { baseUrl: options.pccsUrl }),
      });
      return options.tee === 'sgx'
        ? {
            sealing: createSgxSealingProvider(),
            evidence: createSgxEvidenceProvider(),
            collateral: createPcsCollateralSource(pcs),
          }
        : {
            sealing: createTdxSealingProvider(
              options.tdxSealingKeyFile === undefined ? {} : { keyFile: options.tdxSealingKeyFile },
            ),
            evidence: createTdxEvidenceProvider(),
            collateral: createPcsCollateralSource(pcs),
          };
    }
    default:
      throw new WorkerError('InvalidConfig', `unknown TEE ${String(options.tee)} (sim, sgx or tdx)`);
  }
}

export async function runWorker(options: RunWorkerOptions): Promise<RunningWorker> {
  const logger = options.logger ?? pino({ level: 'info' });
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const { sealing, evidence, collateral } = teeProviders(options);
  const core = await createEnclaveCore({
    dataDir: options.dataDir,
    sealing,
    evidence,
    ...(options.benchmarkBlocks === undefined ? {} : { benchmarkBlocks: options.benchmarkBlocks }),
  });
  const log = logger.child({ worker: bytesToHex(core.pubkey) });
  log.info(
    { tee: options.tee, created: core.identityCreated, gatekeeper: options.gatekeeper === true },
    'enclave core ready',
  );

  const client = createHttpClient(options.rpcUrl);
  const controller = new AbortController();
  // The first start may have to wait for the node to learn which chain this is.
  let genesisHash: Uint8Array | undefined;
  for (let attempt = 0; genesisHash === undefined && !controller.signal.aborted; attempt++) {
    try {
      genesisHash = await pinGenesis({
        client,
        dataDir: options.dataDir,
        sealing,
        ...(options.genesisHash === undefined ? {} : { configured: options.genesisHash }),
      });
    } catch (error) {
      if (error instanceof WorkerError) throw error;
      const delay = backoffDelay(attempt, backoff);
      log.warn({ err: error, retryInMs: delay }, 'cannot reach the node to pin the chain; backing off');
      await sleep(delay, controller.signal);
    }
  }
  if (genesisHash === undefined)
    throw new WorkerError('InvalidConfig', 'stopped before the chain was pinned');

  const gatekeeper = options.gatekeeper
    ? createGatekeeperRole({ core, gatekeeper: createGatekeeperCore({ dataDir: options.dataDir, sealing }) })
    : undefined;
  const host = createWorkerHost({
    client,
    core,
    operator: options.operator,
    collateral,
    genesisHash,
    roles: gatekeeper ? [gatekeeper] : [],
    logger,
    backoff,
    ...(options.cores === undefined ? {} : { cores: options.cores }),
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    ...(options.reattestMarginMs === undefined ? {} : { reattestMarginMs: options.reattestMarginMs }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const stopped = host.run(controller.signal).finally(() => client.close());
  return {
    core,
    host,
    gatekeeper,
    stopped,
    stop() {
      controller.abort();
      return stopped;
    },
  };
}
