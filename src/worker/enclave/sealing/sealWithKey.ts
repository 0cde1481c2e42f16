// The sealed-blob format every provider shares, so that a file says which kind of provider sealed it
// and a wrong provider is told apart from a wrong key:
//
//   magic "PXSL" (4) ‖ format version (1) ‖ provider kind (1) ‖ AES-256-GCM nonce ‖ ciphertext ‖ tag
//
// The header and the label are the GCM additional data, so neither can be swapped without the tag
// failing. Providers differ only in where their 32-byte key comes from.
import { concatBytes, equalBytes, utf8 } from '../../../codec/bytes.js';
import { aesGcmDecrypt, aesGcmEncrypt } from '../../../codec/encryption.js';
import { EnclaveError } from '../errors.js';
import type { SealingKind } from './types.js';

const MAGIC = utf8('PXSL');
const FORMAT_VERSION = 1;
const HEADER_LENGTH = MAGIC.length + 2;
/** GCM nonce (12) and tag (16): the smallest body even an empty plaintext has. */
const MIN_BODY = 28;
/** Kind bytes are part of the format: append-only. */
const KIND_BYTES: Readonly<Record<SealingKind, number>> = { sim: 1, sgx: 2, tdx: 3 };

function kindOf(byte: number): SealingKind | undefined {
  return (Object.keys(KIND_BYTES) as SealingKind[]).find((kind) => KIND_BYTES[kind] === byte);
}

function headerFor(kind: SealingKind): Uint8Array {
  return concatBytes(MAGIC, Uint8Array.of(FORMAT_VERSION, KIND_BYTES[kind]));
}

export function sealWithKey(
  kind: SealingKind,
  key: Uint8Array,
  plaintext: Uint8Array,
  label: string,
): Uint8Array {
  const header = headerFor(kind);
  return concatBytes(header, aesGcmEncrypt(key, plaintext, concatBytes(header, utf8(label))));
}

export function unsealWithKey(
  kind: SealingKind,
  key: Uint8Array,
  sealed: Uint8Array,
  label: string,
): Uint8Array {
  if (!(sealed instanceof Uint8Array) || sealed.length < HEADER_LENGTH + MIN_BODY) {
    throw new EnclaveError(
      'SealedFileCorrupt',
      `sealed data is ${sealed?.length} bytes, too short to be sealed`,
      {
        length: sealed?.length,
        label,
      },
    );
  }
  if (!equalBytes(sealed.subarray(0, MAGIC.length), MAGIC) || sealed[MAGIC.length] !== FORMAT_VERSION) {
    throw new EnclaveError('SealedFileCorrupt', `sealed data for '${label}' has no Phalanx sealing header`, {
      label,
    });
  }
  const sealedBy = kindOf(sealed[MAGIC.length + 1]!);
  if (sealedBy !== kind) {
    throw new EnclaveError(
      'SealedByOtherProvider',
      `'${label}' was sealed by the ${sealedBy ?? 'unknown'} provider, not ${kind}`,
      { label, sealedBy: sealedBy ?? sealed[MAGIC.length + 1], provider: kind },
    );
  }
  const header = sealed.subarray(0, HEADER_LENGTH);
  try {
    return aesGcmDecrypt(key, sealed.subarray(HEADER_LENGTH), concatBytes(header, utf8(label)));
  } catch (cause) {
    // GCM cannot say which: another machine, another measurement, another label, or tampering.
    throw new EnclaveError(
      'UnsealFailed',
      `'${label}' does not open under this ${kind} sealing key (sealed on another machine or measurement, or altered)`,
      { label, provider: kind },
      { cause },
    );
  }
}
