// registry calls: check origin, validate, write, emit (README.md for the order of the checks).

import type { VerifiedEvidence } from '../../attestation/types.js';
import { equalBytes } from '../../codec/bytes.js';
import { blake2b256 } from '../../codec/hash.js';
import { ed25519Verify, isValidX25519PublicKey } from '../../codec/keys.js';
import { governanceCall, type RuntimeContext, signedCall } from '../support/dispatch.js';
import { ensure } from '../support/errors.js';
import { WEIGHT } from '../support/weight.js';
import { getBlockHash } from '../system/queries.js';
import { RegistryErrors } from './errors.js';
import { RegistryEvents } from './events.js';
import { scheduleExpiry } from './expireLapsedWorkers.js';
import { findPolicyProblem, readActivePolicy } from './policy.js';
import { Benchmarks, ChainGenesisHash, Policy, WorkerStates, Workers } from './storage.js';
import {
  type AttestationFacts,
  benchmarkPayload,
  ExpireArgs,
  type Measurement,
  type RecentBlock,
  RegisterWorkerArgs,
  RegistryPolicyCodec,
  SetPolicyArgs,
  SubmitBenchmarkArgs,
  type WorkerState,
} from './types.js';
import { verifyEvidence } from './verifyEvidence.js';
import { hasLapsed, isActiveWorker, setWorkerState } from './workers.js';

/** `recentBlock` names a block among the last `maxAge` executed ones, with that block's hash. */
function checkRecentBlock(ctx: RuntimeContext, recent: RecentBlock, maxAge: number): void {
  const current = ctx.block.number;
  // The current block's own hash is not known while it executes; its parent is the newest.
  ensure(recent.number < current && current - recent.number <= maxAge, RegistryErrors.StaleRecentBlock);
  const hash = getBlockHash(ctx.state, recent.number);
  ensure(hash !== undefined, RegistryErrors.StaleRecentBlock);
  ensure(equalBytes(hash, recent.hash), RegistryErrors.RecentBlockHashMismatch);
}

function measurementOf(evidence: VerifiedEvidence): Measurement {
  const m = evidence.measurements;
  if (m.tee === 'sgx') {
    return {
      tag: 'Sgx',
      value: { mrEnclave: m.mrEnclave, mrSigner: m.mrSigner, isvProdId: m.isvProdId, isvSvn: m.isvSvn },
    };
  }
  return {
    tag: 'Tdx',
    value: { mrTd: m.mrTd, rtmr0: m.rtmr0, rtmr1: m.rtmr1, rtmr2: m.rtmr2, rtmr3: m.rtmr3 },
  };
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** A registration pays for the quote verification it makes the chain do (support/weight.ts). */
const VERIFIES_EVIDENCE = { weight: WEIGHT.base + WEIGHT.evidence };

export const registryCallDefinitions = {
  registerWorker: signedCall(RegisterWorkerArgs, VERIFIES_EVIDENCE, (ctx, who, { info, evidence }) => {
    // Cheap checks first: a submission that fails them costs no quote verification.
    ensure(equalBytes(info.operator, who), RegistryErrors.NotOperator);
    const genesisHash = ChainGenesisHash.get(ctx.state);
    ensure(
      genesisHash !== undefined && equalBytes(info.genesisHash, genesisHash),
      RegistryErrors.WrongGenesis,
    );
    // Gatekeepers box the network key to this key: a small-order or non-canonical one could not be
    // boxed to safely (src/codec/keys.ts, isValidX25519PublicKey).
    ensure(isValidX25519PublicKey(info.ecdhPubkey), RegistryErrors.InvalidEcdhKey);
    const active = readActivePolicy(ctx.state);
    const { policy } = active;
    checkRecentBlock(ctx, info.recentBlock, policy.maxEvidenceAgeBlocks);
    const existing = Workers.get(ctx.state, info.pubkey);
    ensure(
      existing === undefined || equalBytes(existing.info.operator, who),
      RegistryErrors.PubkeyBoundToOtherOperator,
    );

    // Collateral must be valid at the block's time: whole seconds, as certificates and TCB info count.
    const at = Number(ctx.block.timestamp / 1000n);
    const { verified, confidence } = verifyEvidence(evidence, info, active, at);

    const attestedAt = ctx.block.timestamp;
    let expiresAt = min(
      attestedAt + policy.attestationValidityMs,
      BigInt(Math.floor(verified.collateralExpiresAt)) * 1000n,
    );
    if (verified.producedAt !== undefined) {
      expiresAt = min(expiresAt, BigInt(Math.floor(verified.producedAt)) * 1000n + policy.maxIasReportAgeMs);
    }
    const facts: AttestationFacts = {
      provider: verified.kind,
      tee: verified.tee,
      tcbStatus: verified.tcbStatus,
      quoteStatus: verified.quoteStatus,
      advisoryIds: [...verified.advisoryIds],
      confidenceLevel: confidence,
      measurement: measurementOf(verified),
      attestedAt,
      expiresAt,
    };
    const worker = info.pubkey;
    Workers.set(ctx.state, worker, {
      info,
      attestation: facts,
      registeredAt: existing?.registeredAt ?? ctx.block.number,
    });
    // Filed under its expiry's slot; the entry of the previous attestation, if any, goes stale.
    scheduleExpiry(ctx, worker, expiresAt);
    const event = {
      worker,
      operator: who,
      provider: facts.provider,
      tee: facts.tee,
      confidenceLevel: facts.confidenceLevel,
      expiresAt,
    };
    if (existing === undefined) {
      WorkerStates.set(ctx.state, worker, 'Registered');
      RegistryEvents.WorkerRegistered.emit(ctx, event);
      RegistryEvents.WorkerStateChanged.emit(ctx, { worker, from: undefined, to: 'Registered' });
      return;
    }
    // A Provisioned worker keeps its network key across re-attestation, unless its ECDH key
    // changed: the key it was given is then unreadable to it, and a gatekeeper must provision again.
    // So must one whose registration had lapsed, whether or not the expiry queue has marked it yet:
    // a lapse is a lapse at its very block (`hasLapsed`), not at the slot that notices it.
    const previous = WorkerStates.get(ctx.state, worker);
    const keepsKey =
      previous === 'Provisioned' &&
      !hasLapsed(existing, ctx.block.timestamp) &&
      equalBytes(existing.info.ecdhPubkey, info.ecdhPubkey);
    const next: WorkerState = keepsKey ? 'Provisioned' : 'Registered';
    RegistryEvents.WorkerReattested.emit(ctx, event);
    setWorkerState(ctx, worker, next);
  }),

  setPolicy: governanceCall(SetPolicyArgs, (ctx, { policy }) => {
    ensure(findPolicyProblem(policy) === undefined, RegistryErrors.InvalidPolicy);
    Policy.set(ctx.state, policy);
    RegistryEvents.PolicyChanged.emit(ctx, { hash: blake2b256(RegistryPolicyCodec.enc(policy)) });
  }),

  expire: signedCall(ExpireArgs, (ctx, _who, { worker }) => {
    const record = Workers.get(ctx.state, worker);
    ensure(record !== undefined, RegistryErrors.WorkerNotFound);
    ensure(WorkerStates.get(ctx.state, worker) !== 'Expired', RegistryErrors.AlreadyExpired);
    // The expiry queue does this within a slot of the lapse; a call serves whoever cannot wait.
    ensure(hasLapsed(record, ctx.block.timestamp), RegistryErrors.NotExpired);
    setWorkerState(ctx, worker, 'Expired');
  }),

  submitBenchmark: signedCall(SubmitBenchmarkArgs, (ctx, who, { worker, score, blockNumber, signature }) => {
    const record = Workers.get(ctx.state, worker);
    ensure(record !== undefined, RegistryErrors.WorkerNotFound);
    ensure(equalBytes(record.info.operator, who), RegistryErrors.NotOperator);
    ensure(isActiveWorker(ctx.state, worker, ctx.block.timestamp), RegistryErrors.WorkerNotActive);
    const { policy } = readActivePolicy(ctx.state);
    const current = ctx.block.number;
    const last = Benchmarks.get(ctx.state, worker);
    ensure(
      blockNumber < current &&
        current - blockNumber <= policy.maxEvidenceAgeBlocks &&
        (last === undefined || blockNumber > last.blockNumber),
      RegistryErrors.StaleBenchmark,
    );
    const genesisHash = ChainGenesisHash.get(ctx.state);
    ensure(
      genesisHash !== undefined &&
        ed25519Verify(worker, benchmarkPayload(genesisHash, worker, score, blockNumber), signature),
      RegistryErrors.BadWorkerSignature,
    );
    Benchmarks.set(ctx.state, worker, { score, blockNumber });
    RegistryEvents.BenchmarkReported.emit(ctx, { worker, score, blockNumber });
  }),
};
