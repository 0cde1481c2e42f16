// TDX sealing. A TD has no hardware sealing key (no EGETKEY equivalent), so the key comes from
// outside the TD's image, from a service that releases it only to an attested TD: a key broker
// (e.g. the Confidential Containers KBS, or a KMS as in dstack) writes it to a file on tmpfs inside
// the TD, or an encrypted volume unlocked the same way holds it. The worker reads that file; the
// measurement binding lives in the broker's release policy. Decision and operator duties: README.md.
import { readFileSync, statSync } from 'node:fs';
import { deriveKey } from '../../../codec/encryption.js';
import { EnclaveError } from '../errors.js';
import { sealWithKey, unsealWithKey } from './sealWithKey.js';
import type { SealingProvider } from './types.js';

/** Where the TD's provisioning step is expected to put the key (tmpfs, never the data folder). */
export const DEFAULT_TDX_SEALING_KEY_FILE = '/run/phalanx/tdx-sealing-key';
const MIN_SECRET_LENGTH = 32;

export interface TdxSealingOptions {
  /** A file holding at least 32 secret bytes, mode 0600 or stricter. */
  readonly keyFile?: string;
}

export interface TdxSealingProvider extends SealingProvider {
  readonly kind: 'tdx';
}

export function createTdxSealingProvider(options: TdxSealingOptions = {}): TdxSealingProvider {
  const path = options.keyFile ?? DEFAULT_TDX_SEALING_KEY_FILE;
  let secret: Uint8Array;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) {
      throw new EnclaveError('SealingKeyUnavailable', `TDX sealing key ${path} is not a regular file`, {
        path,
      });
    }
    // Like ssh with private keys: a key others could read is not a sealing key.
    if ((stat.mode & 0o077) !== 0) {
      throw new EnclaveError(
        'SealingKeyInsecure',
        `TDX sealing key ${path} has mode ${(stat.mode & 0o777).toString(8)}; it must not be readable by group or others`,
        { path, mode: stat.mode & 0o777 },
      );
    }
    secret = new Uint8Array(readFileSync(path));
  } catch (cause) {
    if (cause instanceof EnclaveError) throw cause;
    throw new EnclaveError(
      'SealingKeyUnavailable',
      `cannot read the TDX sealing key ${path}`,
      { path },
      { cause },
    );
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new EnclaveError(
      'SealingKeyUnavailable',
      `TDX sealing key ${path} is ${secret.length} bytes, expected at least ${MIN_SECRET_LENGTH}`,
      { path, length: secret.length },
    );
  }
  const key = deriveKey(secret, new Uint8Array(), 'phalanx/tdx-sealing-key/v1');
  return {
    kind: 'tdx',
    seal: (plaintext, label) => sealWithKey('tdx', key, plaintext, label),
    unseal: (sealed, label) => unsealWithKey('tdx', key, sealed, label),
  };
}
