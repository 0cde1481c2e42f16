// The enclave core (DESIGN.md sections 1 and 4): the only part of a worker that is trusted after
// attestation. It owns the identity keys (they never leave it; callers get signatures and
// decryptions), builds nothing the host could forge on its behalf, and attests only to WorkerInfo
// that names its own keys. The light client and heartbeats attach here later; they take the core's
// `sign` and never the keys.
import { equalBytes } from '../../codec/bytes.js';
import { decryptFromX25519 } from '../../codec/encryption.js';
import { ed25519Sign } from '../../codec/keys.js';
import { NETWORK_KEY_BOX_INFO } from '../../runtime/gatekeeper/types.js';
import { type TeeKind, type WorkerInfo, workerInfoReportData } from '../../runtime/registry/types.js';
import { type Benchmark, createBenchmark } from './createBenchmark.js';
import { type CheckpointStore, createCheckpointStore } from './createCheckpointStore.js';
import { createHeartbeatSigner, type HeartbeatSigner } from './createHeartbeatSigner.js';
import { EnclaveError } from './errors.js';
import type { EvidenceKind, EvidenceProvider } from './evidence/types.js';
import { loadOrCreateIdentity } from './identity.js';
import type { SealingProvider } from './sealing/types.js';

/** The HKDF info the gatekeepers use when they encrypt the network key to a worker's ECDH key. */
export const NETWORK_KEY_INFO = NETWORK_KEY_BOX_INFO;

export interface EnclaveCoreOptions {
  /** The worker's data folder; the sealed identity lives here. */
  readonly dataDir: string;
  readonly sealing: SealingProvider;
  readonly evidence: EvidenceProvider;
  /** Blocks a benchmark run lasts (default BENCHMARK_BLOCKS). */
  readonly benchmarkBlocks?: number;
}

export interface Attestation {
  readonly quote: Uint8Array;
  /** The 64 bytes the quote commits to (workerInfoReportData(info)). */
  readonly reportData: Uint8Array;
}

export interface EnclaveCore {
  /** ed25519 identity public key. */
  readonly pubkey: Uint8Array;
  /** X25519 public key for key provisioning. */
  readonly ecdhPubkey: Uint8Array;
  readonly tee: TeeKind;
  readonly evidenceKind: EvidenceKind;
  /** True if this start generated the identity (a first start), false if it unsealed it. */
  readonly identityCreated: boolean;
  /** Signs with the identity key. Callers pass the exact bytes their protocol defines. */
  sign(message: Uint8Array): Uint8Array;
  /** Evidence that this core, on this TEE, vouches for `info`. */
  attest(info: WorkerInfo): Promise<Attestation>;
  /** Opens a box encrypted to the ECDH key with the chain's NETWORK_KEY_BOX_INFO (gatekeeper.provision). */
  decryptFromChain(box: Uint8Array): Uint8Array;
  /** The benchmark (createBenchmark.ts): run here, measured by verified headers, signed by the identity key. */
  readonly benchmark: Benchmark;
  /** The light client's sealed checkpoint in the data folder (createCheckpointStore.ts). */
  readonly checkpoints: CheckpointStore;
  /** Heartbeats (createHeartbeatSigner.ts): challenges read from proofs against verified headers, signed here. */
  readonly heartbeats: HeartbeatSigner;
}

export async function createEnclaveCore(options: EnclaveCoreOptions): Promise<EnclaveCore> {
  const { dataDir, sealing, evidence } = options;
  // Real evidence with sim sealing would attest keys that the host can unseal; sim evidence with real
  // sealing is a misconfiguration. Either way the pair must be one TEE.
  if (sealing.kind !== evidence.kind) {
    throw new EnclaveError(
      'ProviderMismatch',
      `sealing provider '${sealing.kind}' does not match evidence provider '${evidence.kind}'`,
      { sealing: sealing.kind, evidence: evidence.kind },
    );
  }
  const { identity, created } = loadOrCreateIdentity(dataDir, sealing);
  const { signing, ecdh } = identity;
  const pubkey = signing.publicKey.slice();
  const ecdhPubkey = ecdh.publicKey.slice();
  const benchmark = createBenchmark({
    pubkey,
    sign: (message) => ed25519Sign(signing.secretSeed, message),
    ...(options.benchmarkBlocks === undefined ? {} : { blocks: options.benchmarkBlocks }),
  });

  return {
    pubkey,
    ecdhPubkey,
    tee: evidence.tee,
    evidenceKind: evidence.kind,
    identityCreated: created,
    benchmark,
    checkpoints: createCheckpointStore({ dataDir, sealing }),
    heartbeats: createHeartbeatSigner({
      pubkey,
      sign: (message) => ed25519Sign(signing.secretSeed, message),
      iterations: () => benchmark.totalIterations(),
    }),

    sign(message) {
      return ed25519Sign(signing.secretSeed, message);
    },

    async attest(info) {
      if (!(info?.pubkey instanceof Uint8Array) || !equalBytes(info.pubkey, signing.publicKey)) {
        throw new EnclaveError(
          'WorkerInfoMismatch',
          'WorkerInfo.pubkey is not this enclave core’s identity key',
        );
      }
      if (!(info.ecdhPubkey instanceof Uint8Array) || !equalBytes(info.ecdhPubkey, ecdh.publicKey)) {
        throw new EnclaveError(
          'WorkerInfoMismatch',
          'WorkerInfo.ecdhPubkey is not this enclave core’s ECDH key',
        );
      }
      if (info.features?.tee !== evidence.tee) {
        throw new EnclaveError(
          'WorkerInfoMismatch',
          `WorkerInfo.features.tee is ${String(info.features?.tee)}, but this core attests with ${evidence.tee}`,
          { tee: info.features?.tee, expected: evidence.tee },
        );
      }
      let reportData: Uint8Array;
      try {
        reportData = workerInfoReportData(info);
      } catch (cause) {
        throw new EnclaveError(
          'InvalidWorkerInfo',
          `WorkerInfo does not encode: ${(cause as Error).message}`,
          {},
          { cause },
        );
      }
      const quote = await evidence.getQuote(reportData);
      return { quote, reportData };
    },

    decryptFromChain(box) {
      try {
        return decryptFromX25519(ecdh.secretSeed, ecdh.publicKey, box, NETWORK_KEY_INFO);
      } catch (cause) {
        throw new EnclaveError(
          'DecryptionFailed',
          `network key box does not open with this worker's ECDH key: ${(cause as Error).message}`,
          { length: box?.length },
          { cause },
        );
      }
    },
  };
}
