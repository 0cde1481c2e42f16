// The registrations a gatekeeper keeps: per worker, the WorkerInfo and evidence of its newest
// registration seen in a verified block, which is what the gatekeeper re-checks before it hands the
// worker a key (a quote with its collateral is some kilobytes). The gatekeeper follows every block
// from genesis, so keeping every registration ever seen would grow for as long as it runs. It keeps:
// - pending: workers not yet seen provisioned, whose evidence a provision still needs. The usual way
//   out is a provision (then they move to `provisioned`), an expired registration or `registry.expire`
//   (then they are forgotten); at most `maxPending`, the oldest dropped first.
// - provisioned: the newest `maxProvisioned` workers seen provisioned. They need no network key, but
//   governance may make one of them a gatekeeper, which then needs the master key and so a check of
//   its evidence.
// Whatever is dropped is merely unknown: a worker whose evidence is gone gets no key from this
// gatekeeper ('NoEvidence') until it registers again, which it does before its registration expires.
// The book is part of the gatekeeper's sealed view (`snapshot`, `load`): a gatekeeper restarted from
// its light client checkpoint no longer sees the blocks in which pending workers registered.
import { bytesToHex } from '../../codec/bytes.js';
import { type Codec, decodeExact, Struct, u8, Vector } from '../../codec/scale.js';
import { type Evidence, RegisterWorkerArgs, type WorkerInfo } from '../../runtime/registry/types.js';
import { WorkerError } from '../host/errors.js';

export interface Registration {
  readonly info: WorkerInfo;
  readonly evidence: Evidence;
}

/** The book's contents, oldest first in each part. */
export interface RegistrationBookSnapshot {
  readonly pending: readonly Registration[];
  readonly provisioned: readonly Registration[];
}

const SNAPSHOT_VERSION = 1;

const SnapshotCodec: Codec<{ version: number; pending: Registration[]; provisioned: Registration[] }> =
  Struct({ version: u8, pending: Vector(RegisterWorkerArgs), provisioned: Vector(RegisterWorkerArgs) });

/** SCALE bytes of a snapshot (a registration is encoded as the registry.registerWorker arguments). */
export function encodeRegistrationBook(snapshot: RegistrationBookSnapshot): Uint8Array {
  return SnapshotCodec.enc({
    version: SNAPSHOT_VERSION,
    pending: [...snapshot.pending],
    provisioned: [...snapshot.provisioned],
  });
}

/** The snapshot in `bytes`; SealedStateInvalid if they do not hold one of this version. */
export function decodeRegistrationBook(bytes: Uint8Array): RegistrationBookSnapshot {
  let decoded: ReturnType<typeof SnapshotCodec.dec>;
  try {
    decoded = decodeExact(SnapshotCodec, bytes, 'registration book');
  } catch (cause) {
    throw new WorkerError('SealedStateInvalid', (cause as Error).message, {}, { cause });
  }
  if (decoded.version !== SNAPSHOT_VERSION) {
    throw new WorkerError(
      'SealedStateInvalid',
      `registration book format version ${decoded.version} is not ${SNAPSHOT_VERSION}`,
    );
  }
  return { pending: decoded.pending, provisioned: decoded.provisioned };
}

export interface RegistrationBookOptions {
  /** Most registrations kept for workers not yet seen provisioned. Default 2048. */
  readonly maxPending?: number;
  /** Most registrations kept for workers seen provisioned. Default 256. */
  readonly maxProvisioned?: number;
}

export interface RegistrationBook {
  /**
   * The newest registration of `worker` (hex pubkey), replacing any before it and counting as pending
   * again. Returns the worker dropped to make room, if one was.
   */
  record(worker: string, registration: Registration): string | undefined;
  get(worker: string): Registration | undefined;
  /** `worker` was provisioned: its registration is kept only among the newest provisioned ones. */
  provisioned(worker: string): void;
  /** `worker`'s registration can give it no key any more (expired): dropped. */
  forget(worker: string): void;
  snapshot(): RegistrationBookSnapshot;
  /** Replaces the whole book with `snapshot` (keyed by each WorkerInfo's pubkey, within the caps). */
  load(snapshot: RegistrationBookSnapshot): void;
  readonly pending: number;
  readonly size: number;
}

/** Drops the oldest entries of an insertion-ordered map until it holds at most `max`; the last dropped. */
function trim(map: Map<string, Registration>, max: number): string | undefined {
  let dropped: string | undefined;
  while (map.size > max) {
    dropped = map.keys().next().value as string;
    map.delete(dropped);
  }
  return dropped;
}

export function createRegistrationBook(options: RegistrationBookOptions = {}): RegistrationBook {
  const maxPending = Math.max(1, options.maxPending ?? 2048);
  const maxProvisioned = Math.max(0, options.maxProvisioned ?? 256);
  // Insertion-ordered: re-inserting on every change keeps the oldest first.
  const pending = new Map<string, Registration>();
  const provisioned = new Map<string, Registration>();

  return {
    record(worker, registration) {
      provisioned.delete(worker);
      pending.delete(worker);
      pending.set(worker, registration);
      return trim(pending, maxPending);
    },
    get: (worker) => pending.get(worker) ?? provisioned.get(worker),
    provisioned(worker) {
      const registration = pending.get(worker);
      if (registration === undefined) return;
      pending.delete(worker);
      provisioned.set(worker, registration);
      trim(provisioned, maxProvisioned);
    },
    forget(worker) {
      pending.delete(worker);
      provisioned.delete(worker);
    },
    snapshot: () => ({ pending: [...pending.values()], provisioned: [...provisioned.values()] }),
    load(snapshot) {
      pending.clear();
      provisioned.clear();
      for (const registration of snapshot.provisioned)
        provisioned.set(bytesToHex(registration.info.pubkey), registration);
      for (const registration of snapshot.pending) {
        const worker = bytesToHex(registration.info.pubkey);
        provisioned.delete(worker);
        pending.set(worker, registration);
      }
      trim(provisioned, maxProvisioned);
      trim(pending, maxPending);
    },
    get pending() {
      return pending.size;
    },
    get size() {
      return pending.size + provisioned.size;
    },
  };
}
