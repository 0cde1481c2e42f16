// Test helpers for the registry and gatekeeper modules (not used by production code): a test chain
// whose dev policy trusts a sim PKI, workers with real keys, and sim DCAP evidence over their
// WorkerInfo. Time: TestChain's block n is at 1_700_000_000_000 + 6000 n ms, so a sim PKI issued at
// SIM_TEST_NOW (seconds) has collateral valid for the first 30 days of blocks.
import { parseCollateralJson } from '../../attestation/collateral.js';
import { createSimQuote, type SimPki, type SimQuoteRequest } from '../../attestation/sim/index.js';
import { SIM_DEFAULT_MRENCLAVE, SIM_DEFAULT_MRTD } from '../../attestation/sim/simDefaults.js';
import { devSeed } from '../../codec/devKeys.js';
import { ed25519FromSeed, type Keypair, x25519FromSecret } from '../../codec/keys.js';
import { Accounts } from '../balances/storage.js';
import { TREASURY_ACCOUNT } from '../balances/types.js';
import { createDevGenesisConfig } from '../genesis/createDevGenesisConfig.js';
import { Nonces } from '../system/storage.js';
import {
  createTestChain,
  type ExtrinsicReport,
  keypairOf,
  labelOf,
  type Signer,
  type TestChain,
} from '../testing.js';
import type { PolicyJson } from './schemas.js';
import {
  type Evidence,
  registryCalls,
  type TeeKind,
  WORKER_INFO_VERSION,
  type WorkerInfo,
  workerInfoReportData,
} from './types.js';

/** Unix seconds at which test sim PKIs are issued: the test chain's block 0 time. */
export const SIM_TEST_NOW = 1_700_000_000;

export interface RegistryTestChainOptions {
  /** Sim PKIs whose roots the chain trusts (besides Intel's). */
  simRoots?: readonly SimPki[];
  /** Fields of the dev policy to replace. */
  policy?: Partial<PolicyJson>;
}

/** A test chain with the dev genesis, trusting `simRoots`, advanced to block 1 (genesis hash known). */
export function createRegistryTestChain(options: RegistryTestChainOptions = {}): TestChain {
  const config = createDevGenesisConfig({
    chainName: 'test',
    simRoots: (options.simRoots ?? []).map((pki) => pki.rootCertDer),
  });
  config.registry.policy = { ...config.registry.policy, ...options.policy };
  const chain = createTestChain({ genesisConfig: config });
  chain.executeBlock([]);
  return chain;
}

export interface TestWorker {
  readonly identity: Keypair;
  readonly ecdh: Keypair;
  readonly operator: Keypair;
}

/** A worker with keys derived from `name` (so tests are reproducible), owned by `operator`. */
export function createTestWorker(name: string, operator: Signer): TestWorker {
  return {
    identity: ed25519FromSeed(devSeed(`worker/${name}`)),
    ecdh: x25519FromSecret(devSeed(`worker-ecdh/${name}`)),
    operator: keypairOf(operator),
  };
}

/** The WorkerInfo a worker would attest to now: this chain, its newest executed block. */
export function workerInfoFor(chain: TestChain, worker: TestWorker, tee: TeeKind = 'sgx'): WorkerInfo {
  return {
    version: WORKER_INFO_VERSION,
    pubkey: worker.identity.publicKey,
    ecdhPubkey: worker.ecdh.publicKey,
    genesisHash: chain.genesisHash,
    operator: worker.operator.publicKey,
    features: { cores: 4, tee },
    recentBlock: { number: chain.number, hash: chain.nextBlockContext().parentHash },
  };
}

/** Sim DCAP evidence whose report data commits to `info` (or to `reportData` if given). */
export function simEvidence(
  pki: SimPki,
  info: WorkerInfo,
  extras: Partial<Omit<SimQuoteRequest, 'tee'>> = {},
): Evidence {
  const tee = info.features.tee;
  const { quote, collateral } = createSimQuote(pki, {
    ...(tee === 'sgx' ? { mrEnclave: SIM_DEFAULT_MRENCLAVE } : { mrTd: SIM_DEFAULT_MRTD }),
    reportData: workerInfoReportData(info),
    ...extras,
    tee,
  });
  return { tag: 'Dcap', value: { quote, collateral: parseCollateralJson(collateral) } };
}

/** Submits `registry.registerWorker(info, evidence)` signed by `signer` (default: the info's operator). */
export function register(
  chain: TestChain,
  signer: Signer,
  info: WorkerInfo,
  evidence: Evidence,
): ExtrinsicReport {
  return chain.applySigned(signer, registryCalls.registerWorker(info, evidence));
}

/** Registers `worker` with fresh sim evidence and fails loudly if that does not work. */
export function registerSimWorker(
  chain: TestChain,
  pki: SimPki,
  worker: TestWorker,
  tee: TeeKind = 'sgx',
): WorkerInfo {
  const info = workerInfoFor(chain, worker, tee);
  const report = register(chain, worker.operator, info, simEvidence(pki, info));
  if (!report.result.included || !report.result.outcome.ok) {
    throw new Error(`test registration failed: ${JSON.stringify(report.result)}`);
  }
  return info;
}

/** Labels of the keys a failed call may write: the signer's fee and nonce, and the treasury. */
export function feeAndNonceKeys(signer: Signer): string[] {
  const who = keypairOf(signer).publicKey;
  return [Accounts.keyOf(who), Accounts.keyOf(TREASURY_ACCOUNT), Nonces.keyOf(who)].map(labelOf).sort();
}

/** Module and error of an included extrinsic that failed, or 'ok' / the invalidity code. */
export function outcomeOf(report: ExtrinsicReport): string {
  const { result } = report;
  if (!result.included) return `invalid:${result.invalid.code}`;
  return result.outcome.ok ? 'ok' : `${result.outcome.error.module}.${result.outcome.error.error}`;
}
