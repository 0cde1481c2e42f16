// SGX sealing under Gramine. Gramine exposes the enclave's MRENCLAVE-policy sealing key (EGETKEY with
// KEYPOLICY.MRENCLAVE; Intel SDM vol. 3D, "Sealing Enclave Data") as the pseudo-file
// `/dev/attestation/keys/_sgx_mrenclave`: 16 raw bytes (Gramine Documentation/attestation.rst, "keys";
// manifest-syntax.rst, special keys `_sgx_mrenclave` / `_sgx_mrsigner`). Only the same enclave on the
// same CPU gets the same key. MRENCLAVE (not MRSIGNER) is deliberate: an upgraded worker is a new
// measurement that governance allowlists anew, and it registers with a new identity.
//
// Gramine warns against using that key both for an encrypted-files mount and for the application's
// own crypto; we never use it directly, only through HKDF with our own label, and the worker's
// manifest must not mount encrypted files with it either (README.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveKey } from '../../../codec/encryption.js';
import { EnclaveError } from '../errors.js';
import { sealWithKey, unsealWithKey } from './sealWithKey.js';
import type { SealingProvider } from './types.js';

export const GRAMINE_ATTESTATION_ROOT = '/dev/attestation';
const KEY_FILE = 'keys/_sgx_mrenclave';
const SGX_KEY_LENGTH = 16;

export interface SgxSealingOptions {
  /** Gramine's attestation pseudo-filesystem; a temporary folder laid out like it in tests. */
  readonly attestationRoot?: string;
}

export interface SgxSealingProvider extends SealingProvider {
  readonly kind: 'sgx';
}

export function createSgxSealingProvider(options: SgxSealingOptions = {}): SgxSealingProvider {
  const path = join(options.attestationRoot ?? GRAMINE_ATTESTATION_ROOT, KEY_FILE);
  let raw: Uint8Array;
  try {
    raw = new Uint8Array(readFileSync(path));
  } catch (cause) {
    throw new EnclaveError(
      'SealingKeyUnavailable',
      `cannot read the SGX sealing key ${path} (is the worker running under gramine-sgx?)`,
      { path },
      { cause },
    );
  }
  if (raw.length !== SGX_KEY_LENGTH) {
    throw new EnclaveError(
      'SealingKeyUnavailable',
      `SGX sealing key ${path} is ${raw.length} bytes, expected 16`,
      {
        path,
        length: raw.length,
      },
    );
  }
  // 128-bit hardware key -> 256-bit AES key, labelled so that it never doubles as any other key.
  const key = deriveKey(raw, new Uint8Array(), 'phalanx/sgx-sealing-key/v1');
  return {
    kind: 'sgx',
    seal: (plaintext, label) => sealWithKey('sgx', key, plaintext, label),
    unseal: (sealed, label) => unsealWithKey('sgx', key, sealed, label),
  };
}
