// The registry's wire types shared with the worker (DESIGN.md section 4, step 2). `WorkerInfo` is
// what a worker's enclave core attests to: its SCALE encoding, hashed, fills the quote's report data.
// The worker builds it and the chain decodes and re-hashes it, so this file is the one definition
// both sides compile against; it imports only from src/codec, the dependency-free status lists of
// src/attestation/types.ts and the attestation policy's types, so the worker never pulls in runtime
// internals (STYLE.md, "Layout").

import type {
  AttestationPolicy,
  MeasurementRule as LibraryMeasurementRule,
} from '../../attestation/policy.js';
import { IAS_QUOTE_STATUSES, TCB_STATUSES } from '../../attestation/types.js';
import type { Call } from '../../codec/chain.js';
import { CodecError } from '../../codec/errors.js';
import { blake2b256, taggedHash } from '../../codec/hash.js';
import {
  Bytes,
  bool,
  type Codec,
  type CodecType,
  decodeExact,
  Enum,
  enhanceCodec,
  fixedBytes,
  Hash32,
  Option,
  PublicKey32,
  Signature64,
  Struct,
  str,
  u8,
  u16,
  u32,
  u64,
  Vector,
} from '../../codec/scale.js';
import { nameEnum } from '../support/types.js';

/**
 * The TEE family that produced the evidence. Whether the evidence is *simulated* is not the worker's
 * claim to make: a sim quote differs from a real one only in the root it chains to, and the chain's
 * policy decides which roots it trusts (DESIGN.md section 6).
 */
export type TeeKind = 'sgx' | 'tdx';

/** SCALE enum index of each kind; append-only (the index is part of the attested bytes). */
const TEE_KINDS: readonly TeeKind[] = ['sgx', 'tdx'];

export const TeeKindCodec: Codec<TeeKind> = enhanceCodec(
  u8,
  (kind: TeeKind) => {
    const index = TEE_KINDS.indexOf(kind);
    if (index < 0) throw new CodecError('InvalidEncoding', `unknown TEE kind: ${String(kind)}`, { kind });
    return index;
  },
  (index: number) => {
    const kind = TEE_KINDS[index];
    if (kind === undefined) {
      throw new CodecError('InvalidEncoding', `unknown TEE kind index: ${index}`, { index });
    }
    return kind;
  },
);

// scale-ts wraps out-of-range numbers (2^32 + 5 encodes as 5); refuse them instead, so the bytes a
// worker attests to always mean the number it put in.
const CheckedU32: Codec<number> = enhanceCodec(
  u32,
  (value: number) => {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
      throw new CodecError('InvalidEncoding', `not a u32: ${String(value)}`, { value });
    }
    return value;
  },
  (value: number) => value,
);

export interface WorkerFeatures {
  /** Logical cores the worker offers to contracts. */
  cores: number;
  tee: TeeKind;
}

export const WorkerFeaturesCodec: Codec<WorkerFeatures> = Struct({ cores: CheckedU32, tee: TeeKindCodec });

/** A block the worker saw when it attested: binds the evidence to a recent point of the chain. */
export interface RecentBlock {
  number: number;
  hash: Uint8Array;
}

export const RecentBlockCodec: Codec<RecentBlock> = Struct({ number: CheckedU32, hash: Hash32 });

/** The only layout this codec knows. A later version is a new layout, hence a new codec. */
export const WORKER_INFO_VERSION = 1;

export interface WorkerInfo {
  version: number;
  /** ed25519 identity key of the enclave core. */
  pubkey: Uint8Array;
  /** X25519 key the gatekeepers encrypt the network key to. */
  ecdhPubkey: Uint8Array;
  genesisHash: Uint8Array;
  /** The operator account (ed25519 public key) that registers and pays for this worker. */
  operator: Uint8Array;
  features: WorkerFeatures;
  recentBlock: RecentBlock;
}

function checkVersion(version: number): number {
  if (version !== WORKER_INFO_VERSION) {
    throw new CodecError(
      'UnsupportedVersion',
      `WorkerInfo version ${version} is not ${WORKER_INFO_VERSION}`,
      {
        version,
      },
    );
  }
  return version;
}

// Both directions refuse any other version: bytes of an unknown layout must never be read as v1.
const VersionCodec: Codec<number> = enhanceCodec(u8, checkVersion, checkVersion);

export const WorkerInfoCodec: Codec<WorkerInfo> = Struct({
  version: VersionCodec,
  pubkey: PublicKey32,
  ecdhPubkey: PublicKey32,
  genesisHash: Hash32,
  operator: PublicKey32,
  features: WorkerFeaturesCodec,
  recentBlock: RecentBlockCodec,
});

/** Decodes exactly one WorkerInfo; anything else is a CodecError. */
export function decodeWorkerInfo(bytes: Uint8Array): WorkerInfo {
  return decodeExact(WorkerInfoCodec, bytes, 'WorkerInfo');
}

/**
 * The 64 bytes of REPORTDATA a quote must carry to attest `info`: BLAKE2b-256 of its SCALE encoding,
 * then 32 zero bytes (DESIGN.md section 4, step 2). The zeros are checked too, so the free half can
 * be given a meaning later without old evidence becoming ambiguous.
 */
export function workerInfoReportData(info: WorkerInfo): Uint8Array {
  const reportData = new Uint8Array(64);
  reportData.set(blake2b256(WorkerInfoCodec.enc(info)), 0);
  return reportData;
}

// ---------------------------------------------------------------------------------------------
// The registry module's calls, storage values and events (README.md). Everything below is what a
// client needs to build registry calls and decode registry state and events.

export const REGISTRY = 'registry' as const;

/** `Registered` (attested, waiting for a gatekeeper), `Provisioned` (holds the network key), `Expired`. */
export const WORKER_STATES = ['Registered', 'Provisioned', 'Expired'] as const;
export type WorkerState = (typeof WORKER_STATES)[number];
export const WorkerStateCodec = nameEnum('worker state', WORKER_STATES);

/** Which verification path accepted the evidence. */
export const EVIDENCE_PROVIDERS = ['dcap', 'ias'] as const;
export type EvidenceProvider = (typeof EVIDENCE_PROVIDERS)[number];
export const EvidenceProviderCodec = nameEnum('evidence provider', EVIDENCE_PROVIDERS);

// The status lists are the attestation library's own (src/attestation/types.ts); their order is the
// SCALE enum index, pinned by types.test.ts.
export const TcbStatusCodec = nameEnum('TCB status', TCB_STATUSES);
export const IasQuoteStatusCodec = nameEnum('IAS quote status', IAS_QUOTE_STATUSES);

const Bytes48 = fixedBytes(48);

/**
 * DCAP collateral as submitted with a quote: the fields of src/attestation/collateral.ts
 * `Collateral`, in that order. TCB info and QE identity are the exact signed JSON texts.
 */
export const CollateralCodec = Struct({
  pckCrlIssuerChain: str,
  rootCaCrl: Bytes(),
  pckCrl: Bytes(),
  tcbInfoIssuerChain: str,
  tcbInfo: str,
  tcbInfoSignature: Bytes(),
  qeIdentityIssuerChain: str,
  qeIdentity: str,
  qeIdentitySignature: Bytes(),
});
export type EvidenceCollateral = CodecType<typeof CollateralCodec>;

/**
 * Attestation evidence. `Dcap`: an ECDSA quote (SGX v3, TDX v4/v5) with its collateral. `Ias`: an
 * EPID attestation verification report: the exact body bytes, the raw RSA signature (the base64 of
 * `X-IASReport-Signature` decoded) and the DER signing certificate.
 */
export const EvidenceCodec = Enum({
  Dcap: Struct({ quote: Bytes(), collateral: CollateralCodec }),
  Ias: Struct({ report: Bytes(), signature: Bytes(), signingCert: Bytes() }),
});
export type Evidence = CodecType<typeof EvidenceCodec>;

/** One allowlist entry; a measurement must match every field the rule sets (README.md, "Policy"). */
export const MeasurementRuleCodec = Enum({
  Sgx: Struct({
    mrEnclave: Option(Hash32),
    mrSigner: Option(Hash32),
    isvProdId: Option(u16),
    /** The enclave's ISVSVN must be at least this. */
    minIsvSvn: Option(u16),
  }),
  Tdx: Struct({
    mrTd: Bytes48,
    rtmr0: Option(Bytes48),
    rtmr1: Option(Bytes48),
    rtmr2: Option(Bytes48),
    rtmr3: Option(Bytes48),
  }),
});
export type MeasurementRule = CodecType<typeof MeasurementRuleCodec>;

/** The attestation policy of the chain, set in genesis and by governance (`registry.setPolicy`). */
export const RegistryPolicyCodec = Struct({
  /** DER of the trusted root CAs (DCAP root and IAS report signing CA); the sim root only on dev chains. */
  trustedRoots: Vector(Bytes()),
  /** The measurement must match at least one rule; an empty list refuses every worker. */
  measurementAllowlist: Vector(MeasurementRuleCodec),
  acceptedTcbStatuses: Vector(TcbStatusCodec),
  acceptedQuoteStatuses: Vector(IasQuoteStatusCodec),
  /** When set, every advisory ID of the evidence must be listed. */
  advisoryAllowlist: Option(Vector(str)),
  allowDebug: bool,
  /** TDX: TD attribute SEPT_VE_DISABLE must be set. */
  requireSeptVeDisable: bool,
  /** `WorkerInfo.recentBlock` may be at most this many blocks behind the block that registers it. */
  maxEvidenceAgeBlocks: u32,
  /** A registration expires this long (ms) after it was attested, or earlier when its collateral does. */
  attestationValidityMs: u64,
  /** IAS reports carry their production time: older than this (ms) at registration is refused. */
  maxIasReportAgeMs: u64,
});
export type RegistryPolicy = CodecType<typeof RegistryPolicyCodec>;

function toLibraryRule(rule: MeasurementRule): LibraryMeasurementRule {
  // Option fields decode to `undefined`; the library's rules leave unset fields out altogether.
  const fields = { tee: rule.tag === 'Sgx' ? 'sgx' : 'tdx', ...rule.value };
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined),
  ) as unknown as LibraryMeasurementRule;
}

/**
 * The attestation library's policy for `policy` (the registry always sets an allowlist and an IAS
 * age). Declared here, beside the codec, so that the chain and a gatekeeper's TEE judge evidence
 * under the very same translation (src/attestation/checkEvidence.ts).
 */
export function toAttestationPolicy(policy: RegistryPolicy): AttestationPolicy {
  return {
    acceptedTcbStatuses: policy.acceptedTcbStatuses,
    acceptedQuoteStatuses: policy.acceptedQuoteStatuses,
    ...(policy.advisoryAllowlist === undefined ? {} : { advisoryAllowlist: policy.advisoryAllowlist }),
    allowDebug: policy.allowDebug,
    requireSeptVeDisable: policy.requireSeptVeDisable,
    measurementAllowlist: policy.measurementAllowlist.map(toLibraryRule),
    // Whole seconds, rounded down: the library ages IAS reports in seconds.
    maxEvidenceAgeSeconds: Number(policy.maxIasReportAgeMs / 1000n),
  };
}

/** The measurement of a registered worker (what the allowlist matched). */
export const MeasurementCodec = Enum({
  Sgx: Struct({ mrEnclave: Hash32, mrSigner: Hash32, isvProdId: u16, isvSvn: u16 }),
  Tdx: Struct({ mrTd: Bytes48, rtmr0: Bytes48, rtmr1: Bytes48, rtmr2: Bytes48, rtmr3: Bytes48 }),
});
export type Measurement = CodecType<typeof MeasurementCodec>;

/** What the chain verified about a worker's evidence, at its last (re-)registration. */
export const AttestationFactsCodec = Struct({
  provider: EvidenceProviderCodec,
  tee: TeeKindCodec,
  /** DCAP only. */
  tcbStatus: Option(TcbStatusCodec),
  /** IAS only. */
  quoteStatus: Option(IasQuoteStatusCodec),
  advisoryIds: Vector(str),
  /** 1 (strongest) .. 5, from src/attestation/policy.ts `confidenceLevel`. */
  confidenceLevel: u8,
  measurement: MeasurementCodec,
  /** Block timestamp (ms) of the registration. */
  attestedAt: u64,
  /** min(attestedAt + attestationValidityMs, collateral expiry[, IAS report time + max age]), ms. */
  expiresAt: u64,
});
export type AttestationFacts = CodecType<typeof AttestationFactsCodec>;

export const WorkerRecordCodec = Struct({
  info: WorkerInfoCodec,
  attestation: AttestationFactsCodec,
  /** Block number of the first registration of this pubkey. */
  registeredAt: u32,
});
export type WorkerRecord = CodecType<typeof WorkerRecordCodec>;

export const BenchmarkCodec = Struct({ score: u32, blockNumber: u32 });
export type Benchmark = CodecType<typeof BenchmarkCodec>;

export const RegisterWorkerArgs = Struct({ info: WorkerInfoCodec, evidence: EvidenceCodec });
export type RegisterWorkerArgs = CodecType<typeof RegisterWorkerArgs>;
export const SetPolicyArgs = Struct({ policy: RegistryPolicyCodec });
export const ExpireArgs = Struct({ worker: PublicKey32 });
export const SubmitBenchmarkArgs = Struct({
  worker: PublicKey32,
  score: u32,
  /** The block the benchmark ran up to; must be recent and above the last report's. */
  blockNumber: u32,
  /** The worker identity key's signature over `benchmarkPayload(...)`. */
  signature: Signature64,
});
export type SubmitBenchmarkArgs = CodecType<typeof SubmitBenchmarkArgs>;

const AttestedEvent = Struct({
  worker: PublicKey32,
  operator: PublicKey32,
  provider: EvidenceProviderCodec,
  tee: TeeKindCodec,
  confidenceLevel: u8,
  expiresAt: u64,
});

export const registryEventCodecs = {
  /** A new pubkey was attested and registered. */
  WorkerRegistered: AttestedEvent,
  /** A known pubkey re-attested (same operator): new attestation facts and expiry. */
  WorkerReattested: AttestedEvent,
  /** `from` is None for a new worker. */
  WorkerStateChanged: Struct({ worker: PublicKey32, from: Option(WorkerStateCodec), to: WorkerStateCodec }),
  /** Governance replaced the policy; `hash` is BLAKE2b-256 of its SCALE encoding. */
  PolicyChanged: Struct({ hash: Hash32 }),
  BenchmarkReported: Struct({ worker: PublicKey32, score: u32, blockNumber: u32 }),
};

export type RegistryEventData = {
  [K in keyof typeof registryEventCodecs]: CodecType<(typeof registryEventCodecs)[K]>;
};

const BenchmarkMessage = Struct({ genesisHash: Hash32, worker: PublicKey32, score: u32, blockNumber: u32 });

/** What a worker's identity key signs to report a benchmark score (domain-separated, chain-bound). */
export function benchmarkPayload(
  genesisHash: Uint8Array,
  worker: Uint8Array,
  score: number,
  blockNumber: number,
): Uint8Array {
  return taggedHash(
    'phalanx/registry/benchmark',
    BenchmarkMessage.enc({ genesisHash, worker, score, blockNumber }),
  );
}

export const registryCalls = {
  /** Signed by `info.operator`: registers or re-attests the worker `info.pubkey`. */
  registerWorker: (info: WorkerInfo, evidence: Evidence): Call => ({
    module: REGISTRY,
    call: 'registerWorker',
    args: RegisterWorkerArgs.enc({ info, evidence }),
  }),
  /** Governance origin: replaces the attestation policy. */
  setPolicy: (policy: RegistryPolicy): Call => ({
    module: REGISTRY,
    call: 'setPolicy',
    args: SetPolicyArgs.enc({ policy }),
  }),
  /** Signed by anyone: marks a worker whose registration has expired as `Expired`. */
  expire: (worker: Uint8Array): Call => ({
    module: REGISTRY,
    call: 'expire',
    args: ExpireArgs.enc({ worker }),
  }),
  /** Signed by the worker's operator, carrying the worker's own signature. */
  submitBenchmark: (args: SubmitBenchmarkArgs): Call => ({
    module: REGISTRY,
    call: 'submitBenchmark',
    args: SubmitBenchmarkArgs.enc(args),
  }),
};
