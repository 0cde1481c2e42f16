// Small sealed files in the worker's data folder, besides the identity: the pinned genesis hash, and
// for a gatekeeper the master key. Sealed by the worker's own provider under a label per use, so the
// host can neither read them nor swap one for another; written create-if-absent (never replaced).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SealingProvider } from '../enclave/sealing/types.js';
import { writeFileExclusive } from '../enclave/writeFileExclusive.js';
import { WorkerError } from './errors.js';

export function readSealedFile(
  dataDir: string,
  name: string,
  sealing: SealingProvider,
  label: string,
): Uint8Array | undefined {
  const path = join(dataDir, name);
  let sealed: Uint8Array;
  try {
    sealed = new Uint8Array(readFileSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WorkerError('SealedStateInvalid', `cannot read ${path}`, { path }, { cause: error });
  }
  try {
    return sealing.unseal(sealed, label);
  } catch (cause) {
    throw new WorkerError(
      'SealedStateInvalid',
      `${path} does not unseal: ${(cause as Error).message}`,
      { path },
      { cause },
    );
  }
}

/** Seals and writes `plaintext` unless the file exists; returns what the file holds afterwards. */
export function writeSealedFileOnce(
  dataDir: string,
  name: string,
  sealing: SealingProvider,
  label: string,
  plaintext: Uint8Array,
): Uint8Array {
  const path = join(dataDir, name);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (writeFileExclusive(path, sealing.seal(plaintext, label), 0o600)) return plaintext;
  } catch (cause) {
    throw new WorkerError('SealedStateInvalid', `cannot write ${path}`, { path }, { cause });
  }
  const existing = readSealedFile(dataDir, name, sealing, label);
  if (existing === undefined)
    throw new WorkerError('SealedStateInvalid', `${path} vanished while being written`, { path });
  return existing;
}
