// The registry's wire types shared with the worker (DESIGN.md section 4, step 2). `WorkerInfo` is
// what a worker's enclave core attests to: its SCALE encoding, hashed, fills the quote's report data.
// The worker builds it and the chain decodes and re-hashes it, so this file is the one definition
// both sides compile against; it imports only from src/codec so the worker never pulls in runtime
// internals (STYLE.md, "Layout").

import { CodecError } from '../../codec/errors.js';
import { blake2b256 } from '../../codec/hash.js';
import {
  type Codec,
  decodeExact,
  enhanceCodec,
  Hash32,
  PublicKey32,
  Struct,
  u8,
  u32,
} from '../../codec/scale.js';

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
