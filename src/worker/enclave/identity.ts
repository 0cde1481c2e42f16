// The worker's identity (DESIGN.md section 4, step 1): an ed25519 signing key and an X25519 ECDH
// key, generated once inside the enclave core and kept in the data folder only in sealed form. A
// restart unseals the same keys, so the worker keeps its on-chain identity. The sealed file is never
// replaced: if it does not open (corrupt, from another machine or measurement), that is an error for
// the operator to look at, not a reason to mint a new identity.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ed25519FromSeed,
  generateEd25519,
  generateX25519,
  type Keypair,
  x25519FromSecret,
} from '../../codec/keys.js';
import { type Codec, decodeExact, fixedBytes, Struct, u8 } from '../../codec/scale.js';
import { EnclaveError } from './errors.js';
import type { SealingProvider } from './sealing/types.js';
import { writeFileExclusive } from './writeFileExclusive.js';

export const IDENTITY_FILE = 'identity.sealed';
/** The sealing label: binds the sealed bytes to this use, so no other sealed blob can stand in. */
export const IDENTITY_LABEL = 'phalanx/worker-identity/v1';
const IDENTITY_VERSION = 1;

export interface WorkerIdentity {
  readonly signing: Keypair;
  readonly ecdh: Keypair;
}

interface SealedIdentity {
  version: number;
  signingSeed: Uint8Array;
  ecdhSecret: Uint8Array;
}

const SealedIdentityCodec: Codec<SealedIdentity> = Struct({
  version: u8,
  signingSeed: fixedBytes(32),
  ecdhSecret: fixedBytes(32),
});

export interface LoadedIdentity {
  readonly identity: WorkerIdentity;
  /** True when this call generated the keys (first start), false when it unsealed existing ones. */
  readonly created: boolean;
}

function storeFailed(message: string, path: string, cause: unknown): EnclaveError {
  return new EnclaveError('IdentityStoreFailed', message, { path }, { cause });
}

function readIfPresent(path: string): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw storeFailed(`cannot read the sealed identity ${path}`, path, error);
  }
}

function openIdentity(sealed: Uint8Array, sealing: SealingProvider, path: string): WorkerIdentity {
  let plaintext: Uint8Array;
  try {
    plaintext = sealing.unseal(sealed, IDENTITY_LABEL);
  } catch (error) {
    if (error instanceof EnclaveError) {
      throw new EnclaveError(
        error.code,
        `${path}: ${error.message}`,
        { ...error.details, path },
        { cause: error },
      );
    }
    throw error;
  }
  try {
    const decoded = decodeExact(SealedIdentityCodec, plaintext, 'sealed identity');
    if (decoded.version !== IDENTITY_VERSION) throw new Error(`identity format version ${decoded.version}`);
    return { signing: ed25519FromSeed(decoded.signingSeed), ecdh: x25519FromSecret(decoded.ecdhSecret) };
  } catch (cause) {
    throw new EnclaveError(
      'SealedFileCorrupt',
      `${path} unseals but does not hold a worker identity`,
      { path },
      { cause },
    );
  } finally {
    plaintext.fill(0);
  }
}

/**
 * Unseals the identity in `dataDir`, or creates and seals one there if the folder has none. Safe
 * against a crash at any point (the file appears whole or not at all) and against two processes
 * starting at once (one identity wins, both end up with it).
 */
export function loadOrCreateIdentity(dataDir: string, sealing: SealingProvider): LoadedIdentity {
  const path = join(dataDir, IDENTITY_FILE);
  const existing = readIfPresent(path);
  if (existing !== undefined) return { identity: openIdentity(existing, sealing, path), created: false };

  const identity: WorkerIdentity = { signing: generateEd25519(), ecdh: generateX25519() };
  const plaintext = SealedIdentityCodec.enc({
    version: IDENTITY_VERSION,
    signingSeed: identity.signing.secretSeed,
    ecdhSecret: identity.ecdh.secretSeed,
  });
  const sealed = sealing.seal(plaintext, IDENTITY_LABEL);
  plaintext.fill(0);
  let written: boolean;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    written = writeFileExclusive(path, sealed, 0o600);
  } catch (cause) {
    throw storeFailed(`cannot write the sealed identity ${path}`, path, cause);
  }
  if (written) return { identity, created: true };
  // Another process created it between our read and our write: theirs is the identity.
  const theirs = readIfPresent(path);
  if (theirs === undefined)
    throw storeFailed(`sealed identity ${path} vanished while starting`, path, undefined);
  return { identity: openIdentity(theirs, sealing, path), created: false };
}
