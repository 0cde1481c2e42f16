// INSECURE development sealing for the `sim` TEE. A real TEE derives its sealing key in hardware from
// a per-CPU secret and the enclave's measurement; the sim "machine" stands in a random 32-byte file
// for the CPU secret, so anyone who can read that file can unseal. It exists so that development and
// tests exercise the same behaviour real sealing has: a file sealed on one (sim) machine or under one
// measurement does not open on another.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveKey } from '../../../codec/encryption.js';
import { EnclaveError } from '../errors.js';
import { writeFileExclusive } from '../writeFileExclusive.js';
import { sealWithKey, unsealWithKey } from './sealWithKey.js';
import type { SealingProvider } from './types.js';

export const SIM_MACHINE_SECRET_FILE = 'machine-secret';
const SECRET_LENGTH = 32;

export interface SimSealingOptions {
  /** The simulated machine's own folder (not the worker's data folder): it holds `machine-secret`. */
  readonly machineDir: string;
  /** The worker's simulated measurement: MRENCLAVE (32 bytes) or MRTD (48 bytes). */
  readonly measurement: Uint8Array;
}

export interface SimSealingProvider extends SealingProvider {
  readonly kind: 'sim';
}

function readIfPresent(path: string): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EnclaveError(
      'SealingKeyUnavailable',
      `cannot read the sim machine secret ${path}`,
      { path },
      { cause: error },
    );
  }
}

/** Reads the sim machine's secret, creating it once (0600) if the machine is new. */
export function loadSimMachineSecret(machineDir: string): Uint8Array {
  const path = join(machineDir, SIM_MACHINE_SECRET_FILE);
  let secret = readIfPresent(path);
  if (secret === undefined) {
    const fresh = new Uint8Array(randomBytes(SECRET_LENGTH));
    try {
      mkdirSync(machineDir, { recursive: true, mode: 0o700 });
      secret = writeFileExclusive(path, fresh, 0o600) ? fresh : readIfPresent(path);
    } catch (cause) {
      if (cause instanceof EnclaveError) throw cause;
      throw new EnclaveError(
        'SealingKeyUnavailable',
        `cannot create the sim machine secret ${path}`,
        { path },
        { cause },
      );
    }
  }
  if (secret === undefined || secret.length !== SECRET_LENGTH) {
    // Replacing it would silently orphan every file sealed on this machine: refuse instead.
    throw new EnclaveError(
      'SealingKeyUnavailable',
      `sim machine secret ${path} is ${secret?.length ?? 0} bytes, expected ${SECRET_LENGTH}; not replacing it`,
      { path, length: secret?.length },
    );
  }
  return secret;
}

export function createSimSealingProvider(options: SimSealingOptions): SimSealingProvider {
  const { machineDir, measurement } = options;
  if (!(measurement instanceof Uint8Array) || (measurement.length !== 32 && measurement.length !== 48)) {
    throw new EnclaveError(
      'InvalidConfig',
      'sim measurement must be an MRENCLAVE (32 bytes) or MRTD (48 bytes)',
      {
        length: (measurement as Uint8Array | undefined)?.length,
      },
    );
  }
  // HKDF(machine secret, salt = measurement): the measurement plays the part of the enclave identity
  // that SGX's EGETKEY mixes into an MRENCLAVE-policy sealing key.
  const key = deriveKey(loadSimMachineSecret(machineDir), measurement, 'phalanx/sim-insecure-sealing-key/v1');
  return {
    kind: 'sim',
    seal: (plaintext, label) => sealWithKey('sim', key, plaintext, label),
    unseal: (sealed, label) => unsealWithKey('sim', key, sealed, label),
  };
}
